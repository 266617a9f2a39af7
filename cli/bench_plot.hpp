// bench_plot.hpp — `sluice bench --plot DIR`: the data (*.dat), a gnuplot script (bench.gp),
// and, when gnuplot is installed, the PNGs it draws: throughput.png (objects/s vs threads),
// latency.png (p50/p90/p99 vs threads) and nodes.png (each node's busy share per thread
// count; nodes-compare.png for --compare's pipeline).
#pragma once

#include <string>
#include <vector>

#include "bench_report.hpp"

namespace sluice::cli {

// Creates DIR when missing. Throws UsageError naming DIR when it cannot be made.
void prepare_plot_dir(const std::string& dir);

// Writes the files; returns what to tell the user (one line each): the PNGs written, or why
// not (gnuplot missing or failing, a file that could not be written).
std::vector<std::string> write_plots(const std::string& dir, const BenchSetup& setup,
                                     const std::vector<PointSummary>& points);

}  // namespace sluice::cli
