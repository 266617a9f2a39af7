// bench_options.hpp — the command line of `sluice bench`, parsed and checked.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::cli {

struct BenchOptions {
    std::string pipeline;             // the .pipe file
    std::string compare;              // --compare: a second .pipe file, run alternating
    std::vector<std::string> inputs;  // files or directories; "-" = stdin; empty = stdin
    std::string mime;                 // --mime: overrides the per-file choice
    bool lines = false;               // --lines: each stdin line is one object
    bool quiet = false;               // --quiet: no progress line
    std::vector<unsigned> threads;    // --threads 1,2,4: one point each (default 1 and all cores)
    std::chrono::milliseconds duration{2000};  // --duration: measured time per run
    std::uint64_t objects = 0;                 // --objects: measured objects per run (0 = by time)
    std::chrono::milliseconds warmup{500};     // --warmup: unmeasured time before each run
    unsigned reps = 3;                         // --reps: runs per point
    std::size_t max_inflight = 64;             // --max-inflight: objects in flight at once
    double rate = 0;                           // --rate: objects/s sent open loop (0 = closed)
    std::string csv;                           // --csv FILE
    std::string json;                          // --json FILE
    std::string plot;                          // --plot DIR
};

// Throws UsageError (from <sluice/errors.hpp>) with a message that names the bad argument.
BenchOptions parse_bench_options(int argc, char** argv);  // argv[0] is "bench"

// `sluice bench --help`, and the bench part of `sluice help`.
extern const char* const k_bench_usage;

}  // namespace sluice::cli
