// bench_result.hpp — what `sluice bench` measured: one run, a point (a pipeline at one thread
// count over its runs), and the summary of a point every report writer prints.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench_histogram.hpp"

namespace sluice::cli {

// One node over one run's measured window (differences of two status() snapshots), with the
// queue depth sampled while it ran.
struct NodeFigures {
    std::string id;
    std::string provider;
    std::uint64_t items_in = 0;
    std::uint64_t items_out = 0;
    std::chrono::nanoseconds busy{0};
    std::uint64_t waiting_max = 0;
    std::uint64_t waiting_sum = 0;  // over `samples` status() samples
    std::uint64_t samples = 0;
};

struct RunResult {
    std::uint64_t objects = 0;  // measured objects answered (completed + failed)
    std::uint64_t failed = 0;
    std::uint64_t bytes = 0;  // payload bytes of the measured objects
    double seconds = 0;       // first measured send to last measured result
    LatencyCounts latency;
    std::vector<NodeFigures> nodes;
    std::uint64_t peak_rss = 0;  // bytes; the process's peak over the run
    std::uint64_t lost = 0;      // objects sent that got no result, or the task's count missed
    std::string lost_detail;     // why `lost` is not 0
    std::string first_error;     // of the first failed object
    bool interrupted = false;    // a signal cut the run short
};

struct PointResult {
    std::string pipeline;  // the file's base name
    unsigned threads = 0;
    std::vector<RunResult> runs;
};

struct NodeSummary {
    std::string id;
    std::string provider;
    std::uint64_t items_in = 0;
    std::uint64_t items_out = 0;
    double busy_share = 0;    // of all the nodes' busy time, 0..1
    double busy_threads = 0;  // busy seconds per measured second: threads it kept busy
    double us_per_item = 0;
    std::uint64_t queue_max = 0;
    double queue_mean = 0;
};

struct PointSummary {
    std::string pipeline;
    unsigned threads = 0;
    unsigned runs = 0;
    bool interrupted = false;
    std::uint64_t objects = 0;
    std::uint64_t failed = 0;
    std::uint64_t lost = 0;
    double objects_per_s = 0;  // the median run's
    double objects_per_s_min = 0;
    double objects_per_s_max = 0;
    double mib_per_s = 0;                                   // the median run's
    double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;  // over every run's objects
    double peak_rss_mib = 0;
    std::vector<NodeSummary> nodes;
    std::string bottleneck;  // the node with the largest busy share ("" before any item)
    double bottleneck_share = 0;
    std::string first_error;
    std::string lost_detail;
    // --compare: this point against the first pipeline's at the same thread count.
    std::optional<double> ratio_objects_per_s;
    std::optional<double> ratio_p99;
};

PointSummary summarize(const PointResult& point);

// Sets the ratios of every point of `other` against the point of `base` with its thread count.
void set_ratios(const std::vector<PointSummary>& base, std::vector<PointSummary>& other);

}  // namespace sluice::cli
