// bench_driver.hpp — one run of `sluice bench`: a fresh engine with the run's thread count, a
// profiled task, warm-up, then the measured window (closed loop, or open loop at --rate), the
// wait for the last result, and the accounting check.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <sluice/pipeline.hpp>

#include "bench_inputs.hpp"
#include "bench_result.hpp"
#include "interrupt.hpp"

namespace sluice::cli {

struct RunPlan {
    unsigned threads = 1;
    std::size_t max_inflight = 64;
    double rate = 0;            // objects/s, open loop; 0 = closed loop
    std::uint64_t objects = 0;  // measured objects; 0 = measure for `duration`
    std::chrono::milliseconds duration{2000};
    std::chrono::milliseconds warmup{500};
};

// How long the objects still out at the end of a run may take before the task is cancelled.
inline constexpr std::chrono::seconds k_bench_drain_deadline{30};

// Throws InvalidPipeline when a node rejects its config as the task is built. `done` counts the
// measured results (for the progress line). A requested `stop` ends the sending at once; what
// was measured until then is returned, marked interrupted.
RunResult run_once(const PipelineSpec& spec, const std::vector<BenchInput>& inputs,
                   const RunPlan& plan, const Interrupt& stop, std::atomic<std::uint64_t>& done);

}  // namespace sluice::cli
