// bench_table.cpp — the terminal table of `sluice bench`.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "bench_report.hpp"

namespace sluice::cli {
namespace {

std::string plural(std::uint64_t n, std::string_view one) {
    return fmt::format("{} {}{}", n, one, n == 1 ? "" : "s");
}

std::size_t widest(const std::vector<PointSummary>& points, std::size_t at_least,
                   std::string (*field)(const PointSummary&)) {
    std::size_t w = at_least;
    for (const PointSummary& p : points) w = std::max(w, field(p).size());
    return w;
}

std::string point_line(const PointSummary& p, std::size_t name_width, bool compare) {
    std::string line = fmt::format(
        "{:<{}}  {:>7}  {:>10.0f}  {:>9.0f}  {:>9.0f}  {:>7.2f}  {:>8.3f}  {:>8.3f}  {:>8.3f}  "
        "{:>8.3f}  {:>6}  {:>4}  {:>7.1f}",
        p.pipeline, name_width, p.threads, p.objects_per_s, p.objects_per_s_min,
        p.objects_per_s_max, p.mib_per_s, p.p50_ms, p.p90_ms, p.p99_ms, p.max_ms, p.failed, p.lost,
        p.peak_rss_mib);
    if (compare) {
        line += p.ratio_objects_per_s ? fmt::format("  {:>7.2f}", *p.ratio_objects_per_s)
                                      : fmt::format("  {:>7}", "-");
        line += p.ratio_p99 ? fmt::format("  {:>7.2f}", *p.ratio_p99) : fmt::format("  {:>7}", "-");
    }
    if (!p.bottleneck.empty())
        line += fmt::format("  {} ({:.0f}%)", p.bottleneck, p.bottleneck_share * 100);
    if (p.interrupted) line += "  [interrupted]";
    return line + "\n";
}

std::string node_table(const PointSummary& p) {
    std::size_t id_w = 4, provider_w = 8;
    for (const NodeSummary& n : p.nodes) {
        id_w = std::max(id_w, n.id.size());
        provider_w = std::max(provider_w, n.provider.size());
    }
    std::string out =
        fmt::format("\nnodes of {} at {}:\n", p.pipeline, plural(p.threads, "thread"));
    out += fmt::format("  {:<{}}  {:<{}}  {:>10}  {:>10}  {:>6}  {:>7}  {:>10}  {:>9}  {:>10}\n",
                       "node", id_w, "provider", provider_w, "items in", "items out", "busy%",
                       "threads", "us/item", "queue max", "queue mean");
    for (const NodeSummary& n : p.nodes)
        out += fmt::format(
            "  {:<{}}  {:<{}}  {:>10}  {:>10}  {:>6.1f}  {:>7.2f}  {:>10.2f}  {:>9}  {:>10.1f}\n",
            n.id, id_w, n.provider, provider_w, n.items_in, n.items_out, n.busy_share * 100,
            n.busy_threads, n.us_per_item, n.queue_max, n.queue_mean);
    return out;
}

}  // namespace

std::string format_table(const BenchSetup& setup, const std::vector<PointSummary>& points) {
    std::string out = fmt::format("sluice bench: {}, {} ({:.1f} KiB), {} per point, {}, {}\n\n",
                                  fmt::join(setup.pipelines, " vs "), plural(setup.inputs, "input"),
                                  static_cast<double>(setup.input_bytes) / 1024.0,
                                  plural(setup.reps, "run"), setup.loop, setup.bound);
    const bool compare = setup.pipelines.size() > 1;
    const std::size_t name_w = widest(points, 8, [](const PointSummary& p) { return p.pipeline; });
    out += fmt::format(
        "{:<{}}  {:>7}  {:>10}  {:>9}  {:>9}  {:>7}  {:>8}  {:>8}  {:>8}  {:>8}  {:>6}  {:>4}  "
        "{:>7}",
        "pipeline", name_w, "threads", "objects/s", "min/s", "max/s", "MiB/s", "p50 ms", "p90 ms",
        "p99 ms", "max ms", "failed", "lost", "RSS MiB");
    if (compare) out += fmt::format("  {:>7}  {:>7}", "x obj/s", "x p99");
    out += "  bottleneck (busy share)\n";
    for (const PointSummary& p : points) out += point_line(p, name_w, compare);
    for (const PointSummary& p : points) out += node_table(p);
    if (points.size() < setup.points_planned)
        out += fmt::format("\ninterrupted: {} of {} points measured\n", points.size(),
                           setup.points_planned);
    return out;
}

}  // namespace sluice::cli
