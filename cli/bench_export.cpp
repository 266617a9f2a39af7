// bench_export.cpp — the CSV and JSON of `sluice bench`, for scripts and plots.
#include <string>

#include <fmt/format.h>

#include <sluice/json.hpp>

#include "bench_report.hpp"

namespace sluice::cli {

const char* const k_bench_csv_header =
    "pipeline,threads,runs,objects,objects_per_s,objects_per_s_min,objects_per_s_max,mib_per_s,"
    "p50_ms,p90_ms,p99_ms,max_ms,failed,lost,peak_rss_mib,bottleneck,bottleneck_share,"
    "ratio_objects_per_s,ratio_p99,interrupted";

namespace {

// A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string optional_number(const std::optional<double>& value) {
    return value ? fmt::format("{:.4f}", *value) : std::string();
}

Json node_json(const NodeSummary& n) {
    return Json(Json::Object{{"id", n.id},
                             {"provider", n.provider},
                             {"items_in", n.items_in},
                             {"items_out", n.items_out},
                             {"busy_share", n.busy_share},
                             {"busy_threads", n.busy_threads},
                             {"us_per_item", n.us_per_item},
                             {"queue_max", n.queue_max},
                             {"queue_mean", n.queue_mean}});
}

Json point_json(const PointSummary& p) {
    Json::Array nodes;
    for (const NodeSummary& n : p.nodes) nodes.push_back(node_json(n));
    Json point(Json::Object{
        {"pipeline", p.pipeline},
        {"threads", p.threads},
        {"runs", p.runs},
        {"objects", p.objects},
        {"objects_per_s", p.objects_per_s},
        {"objects_per_s_min", p.objects_per_s_min},
        {"objects_per_s_max", p.objects_per_s_max},
        {"mib_per_s", p.mib_per_s},
        {"latency_ms",
         Json(Json::Object{
             {"p50", p.p50_ms}, {"p90", p.p90_ms}, {"p99", p.p99_ms}, {"max", p.max_ms}})},
        {"failed", p.failed},
        {"lost", p.lost},
        {"peak_rss_mib", p.peak_rss_mib},
        {"bottleneck", p.bottleneck},
        {"bottleneck_share", p.bottleneck_share},
        {"interrupted", p.interrupted},
        {"nodes", Json(std::move(nodes))}});
    if (p.ratio_objects_per_s) point.set("ratio_objects_per_s", *p.ratio_objects_per_s);
    if (p.ratio_p99) point.set("ratio_p99", *p.ratio_p99);
    if (!p.first_error.empty()) point.set("first_error", p.first_error);
    if (!p.lost_detail.empty()) point.set("lost_detail", p.lost_detail);
    return point;
}

}  // namespace

std::string format_csv(const std::vector<PointSummary>& points) {
    std::string out = std::string(k_bench_csv_header) + "\n";
    for (const PointSummary& p : points)
        out += fmt::format(
            "{},{},{},{},{:.1f},{:.1f},{:.1f},{:.3f},{:.4f},{:.4f},{:.4f},{:.4f},{},{},{:.1f},{},{:"
            ".4f},"
            "{},{},{}\n",
            csv_field(p.pipeline), p.threads, p.runs, p.objects, p.objects_per_s,
            p.objects_per_s_min, p.objects_per_s_max, p.mib_per_s, p.p50_ms, p.p90_ms, p.p99_ms,
            p.max_ms, p.failed, p.lost, p.peak_rss_mib, csv_field(p.bottleneck), p.bottleneck_share,
            optional_number(p.ratio_objects_per_s), optional_number(p.ratio_p99),
            p.interrupted ? "true" : "false");
    return out;
}

std::string format_json(const BenchSetup& setup, const std::vector<PointSummary>& points,
                        bool interrupted) {
    Json::Array pipelines(setup.pipelines.begin(), setup.pipelines.end());
    Json::Array measured;
    for (const PointSummary& p : points) measured.push_back(point_json(p));
    Json doc(Json::Object{{"pipelines", Json(std::move(pipelines))},
                          {"inputs", setup.inputs},
                          {"input_bytes", setup.input_bytes},
                          {"reps", setup.reps},
                          {"loop", setup.loop},
                          {"bound", setup.bound},
                          {"interrupted", interrupted},
                          {"points", Json(std::move(measured))}});
    return doc.dump() + "\n";
}

}  // namespace sluice::cli
