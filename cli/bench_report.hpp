// bench_report.hpp — what `sluice bench` writes: the terminal table (points, then each point's
// nodes), the CSV (one row per pipeline and thread count) and the JSON (everything).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bench_result.hpp"

namespace sluice::cli {

// The setting every point was measured in, for the reports' headers.
struct BenchSetup {
    std::vector<std::string> pipelines;  // base names; the first is what --compare compares to
    std::size_t inputs = 0;
    std::uint64_t input_bytes = 0;
    unsigned reps = 0;
    std::string loop;   // "closed loop, 64 in flight" / "open loop at R objects/s, ..."
    std::string bound;  // "2 s per run after 0.5 s warm-up" / "N objects per run ..."
    std::size_t points_planned = 0;
};

// `points` in the order measured: per thread count, each pipeline.
std::string format_table(const BenchSetup& setup, const std::vector<PointSummary>& points);

// The CSV's columns, in order.
extern const char* const k_bench_csv_header;
std::string format_csv(const std::vector<PointSummary>& points);
std::string format_json(const BenchSetup& setup, const std::vector<PointSummary>& points,
                        bool interrupted);

}  // namespace sluice::cli
