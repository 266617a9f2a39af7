// bench_nodes.hpp — the providers only the benchmark registers (through the public
// register_node), and the pipelines the scenarios run.
#pragma once

#include <string>
#include <vector>

namespace bench {

// bench_copy (copy_text), bench_cpu (cpu_work of config "micros"), bench_valve (waits at
// valve()), bench_sleep and bench_sleep_blocking (sleep config "ms"; the second declares
// NodeInfo::blocking); all text -> text. Idempotent.
void register_bench_nodes();

// webhook -> middle[0] -> ... -> response, each middle a provider with `config` (a JSON
// object text, "{}" for none).
std::string chain_pipeline(const std::vector<std::string>& middle,
                           const std::string& config = "{}");
// webhook -> three bench_copy branches -> one response (fan-out 3, fan-in 3).
std::string diamond_pipeline();
// webhook -> response: the echo pipeline (examples/echo.pipe).
std::string echo_pipeline();

}  // namespace bench
