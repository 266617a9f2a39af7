// scenarios.hpp — the list of scenarios. Each is one file named after what it measures; a new
// one is one more file and one more line in scenario_list.cpp.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <sluice/engine.hpp>

#include "harness.hpp"

namespace bench {

// What a scenario gets: the options, the engine all in-process scenarios share, and where to
// report each measured row (printed at once, written to the CSV at the end).
struct Context {
    const Options& options;
    sluice::Engine& engine;
    std::function<void(Row)> report;
};

struct Scenario {
    std::string name;         // "1_chain": the CSV's scenario column and the --only key
    std::string description;  // one line for --list
    std::function<void(Context&)> run;
};

const std::vector<Scenario>& all_scenarios();

void run_chain(Context& ctx);        // scenario_chain.cpp
void run_diamond(Context& ctx);      // scenario_diamond.cpp
void run_cpu_scaling(Context& ctx);  // scenario_cpu_scaling.cpp
void run_send(Context& ctx);         // scenario_send.cpp
void run_terminate(Context& ctx);    // scenario_terminate.cpp
void run_memory(Context& ctx);       // scenario_memory.cpp
void run_server(Context& ctx);       // scenario_server.cpp (when the server is built)
void run_isolation(Context& ctx);    // scenario_isolation.cpp

// The memory scenario's child processes: `sluice-bench --probe NAME COUNT` prints bytes.
int run_memory_probe(const std::string& name, std::size_t count);

}  // namespace bench
