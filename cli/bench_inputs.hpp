// bench_inputs.hpp — the objects `sluice bench` replays: every input read into memory once,
// before any run, so the disk is not what gets measured.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sluice/item.hpp>

#include "bench_options.hpp"

namespace sluice::cli {

struct BenchInput {
    std::string name;  // the file's base name, "stdin" or "stdin:<line>"
    std::string mime;
    Payload data;  // shared by every replay of this input
};

// The most bytes bench keeps in memory for its inputs.
inline constexpr std::uint64_t k_max_bench_input_bytes = std::uint64_t{1} << 32;  // 4 GiB

// Files as given, a directory's regular files (not recursive, sorted by name), "-" as one
// object (or one per line with --lines). Throws UsageError naming the input and the fix when
// one cannot be read, a directory holds no file, no input is left, or they pass
// k_max_bench_input_bytes.
std::vector<BenchInput> load_bench_inputs(const BenchOptions& options);

}  // namespace sluice::cli
