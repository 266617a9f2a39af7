// bench_result.cpp — summarizing a point: the median run's rate, latency over every run, the
// nodes' figures summed over the runs, and the bottleneck.
#include "bench_result.hpp"

#include <algorithm>

namespace sluice::cli {
namespace {

double rate_of(const RunResult& run) {
    return run.seconds > 0 ? static_cast<double>(run.objects) / run.seconds : 0.0;
}

double ms(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }

// The nodes summed over the runs (runs of one pipeline list the same nodes in the same order).
std::vector<NodeFigures> summed_nodes(const PointResult& point) {
    std::vector<NodeFigures> sum;
    for (const RunResult& run : point.runs) {
        if (sum.empty()) {
            sum = run.nodes;
            continue;
        }
        for (std::size_t i = 0; i < sum.size() && i < run.nodes.size(); ++i) {
            const NodeFigures& n = run.nodes[i];
            sum[i].items_in += n.items_in;
            sum[i].items_out += n.items_out;
            sum[i].busy += n.busy;
            sum[i].waiting_max = std::max(sum[i].waiting_max, n.waiting_max);
            sum[i].waiting_sum += n.waiting_sum;
            sum[i].samples += n.samples;
        }
    }
    return sum;
}

void summarize_nodes(const PointResult& point, double seconds, PointSummary& out) {
    const std::vector<NodeFigures> nodes = summed_nodes(point);
    double total_busy = 0;
    for (const NodeFigures& n : nodes) total_busy += std::chrono::duration<double>(n.busy).count();
    for (const NodeFigures& n : nodes) {
        const double busy = std::chrono::duration<double>(n.busy).count();
        NodeSummary s;
        s.id = n.id;
        s.provider = n.provider;
        s.items_in = n.items_in;
        s.items_out = n.items_out;
        s.busy_share = total_busy > 0 ? busy / total_busy : 0;
        s.busy_threads = seconds > 0 ? busy / seconds : 0;
        s.us_per_item = n.items_in > 0 ? busy * 1e6 / static_cast<double>(n.items_in) : 0;
        s.queue_max = n.waiting_max;
        s.queue_mean =
            n.samples > 0 ? static_cast<double>(n.waiting_sum) / static_cast<double>(n.samples) : 0;
        if (s.busy_share > out.bottleneck_share) {
            out.bottleneck_share = s.busy_share;
            out.bottleneck = s.id;
        }
        out.nodes.push_back(std::move(s));
    }
}

}  // namespace

PointSummary summarize(const PointResult& point) {
    PointSummary out;
    out.pipeline = point.pipeline;
    out.threads = point.threads;
    out.runs = static_cast<unsigned>(point.runs.size());
    LatencyCounts latency;
    double seconds = 0;
    std::vector<const RunResult*> by_rate;
    for (const RunResult& run : point.runs) {
        out.interrupted |= run.interrupted;
        out.objects += run.objects;
        out.failed += run.failed;
        out.lost += run.lost;
        out.peak_rss_mib =
            std::max(out.peak_rss_mib, static_cast<double>(run.peak_rss) / 1048576.0);
        if (out.first_error.empty()) out.first_error = run.first_error;
        if (out.lost_detail.empty()) out.lost_detail = run.lost_detail;
        latency.merge(run.latency);
        seconds += run.seconds;
        if (run.objects > 0) by_rate.push_back(&run);
    }
    std::sort(by_rate.begin(), by_rate.end(),
              [](const RunResult* a, const RunResult* b) { return rate_of(*a) < rate_of(*b); });
    if (!by_rate.empty()) {
        const RunResult& median = *by_rate[by_rate.size() / 2];
        out.objects_per_s = rate_of(median);
        out.objects_per_s_min = rate_of(*by_rate.front());
        out.objects_per_s_max = rate_of(*by_rate.back());
        out.mib_per_s =
            median.seconds > 0 ? static_cast<double>(median.bytes) / 1048576.0 / median.seconds : 0;
    }
    out.p50_ms = ms(latency.percentile_ns(0.50));
    out.p90_ms = ms(latency.percentile_ns(0.90));
    out.p99_ms = ms(latency.percentile_ns(0.99));
    out.max_ms = ms(latency.max_ns);
    summarize_nodes(point, seconds, out);
    return out;
}

void set_ratios(const std::vector<PointSummary>& base, std::vector<PointSummary>& other) {
    for (PointSummary& point : other) {
        auto it = std::find_if(base.begin(), base.end(),
                               [&](const PointSummary& b) { return b.threads == point.threads; });
        if (it == base.end()) continue;
        if (it->objects_per_s > 0)
            point.ratio_objects_per_s = point.objects_per_s / it->objects_per_s;
        if (it->p99_ms > 0) point.ratio_p99 = point.p99_ms / it->p99_ms;
    }
}

}  // namespace sluice::cli
