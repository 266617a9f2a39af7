// run_options.hpp — the command line of `sluice run`, parsed and checked.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::cli {

struct RunOptions {
    std::string pipeline;                        // the .pipe file
    std::vector<std::string> inputs;             // files; "-" = stdin; empty = stdin
    std::string mime;                            // --mime: overrides the per-file choice
    bool lines = false;                          // --lines: each stdin line is one object
    bool quiet = false;                          // --quiet: no progress, no summary
    unsigned threads = 0;                        // --threads: 0 = hardware threads
    std::size_t max_inflight = 1024;             // --max-inflight: results outstanding at once
    std::chrono::milliseconds deadline{30'000};  // --deadline: drain deadline after a signal
    std::size_t max_components = 10'000;         // --max-components: PipelineLimits
    std::string data_dir;                        // --data-dir: NodeLimits::data_root ("" = none)
    std::size_t chunk_bytes = std::size_t{1} << 20;  // --chunk-mb: chunk of a large file
};

// Throws UsageError (from <sluice/errors.hpp>) with a message that names the bad argument.
RunOptions parse_run_options(int argc, char** argv);  // argv[0] is "run"

// A positive integer option value, e.g. "--max-components 50000". Throws UsageError.
unsigned long long parse_count(std::string_view option, std::string_view text);

// The `sluice run` part of `sluice help`.
extern const char* const k_run_usage;

}  // namespace sluice::cli
