// scenario_list.cpp — every scenario, in the order a full run goes through them.
#include "scenarios.hpp"

namespace bench {

const std::vector<Scenario>& all_scenarios() {
    static const std::vector<Scenario> list = {
        {"1_chain", "chain of 4 trivial nodes (copy 64 bytes): time per item", run_chain},
        {"2_diamond", "fan-out to 3 copy branches, fan-in to one sink: time per item", run_diamond},
        {"3_cpu", "one CPU-heavy node (~20 us/item): items/s over threads 1..cores",
         run_cpu_scaling},
        {"4_send", "send_async through the echo pipeline from 1..N producers; latency", run_send},
        {"5_terminate", "terminate with K objects in flight: drain time vs work time",
         run_terminate},
        {"6_memory", "peak RSS per idle task and per in-flight object", run_memory},
#ifdef SLUICE_BENCH_SERVER
        {"7_server", "objects over the WebSocket protocol (open/write/close) vs in-process send",
         run_server},
#endif
        {"8_isolation", "an echo task's latency beside a task sleeping or computing, vs alone",
         run_isolation},
    };
    return list;
}

}  // namespace bench
