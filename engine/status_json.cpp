// status_json.cpp — a TaskStatus as JSON (times as Unix seconds) and the names of task states.
#include <chrono>

#include <sluice/json.hpp>
#include <sluice/status.hpp>

namespace sluice {
namespace {

double seconds(std::chrono::nanoseconds duration) noexcept {
    return std::chrono::duration<double>(duration).count();
}

// Whole seconds and the fraction apart: nanoseconds since 1970 exceed a double's 53 bits, and
// converting them in one go turns .25 into .2499998.
double unix_seconds(std::chrono::system_clock::time_point at) noexcept {
    auto since_epoch = at.time_since_epoch();
    auto whole = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    return static_cast<double>(whole.count()) + seconds(since_epoch - whole);
}

// Counters are far below 2^63; JSON integers here are int64.
Json count(std::uint64_t n) { return Json(static_cast<std::int64_t>(n)); }

Json node_json(const NodeStatus& node) {
    return Json(Json::Object{
        {"id", node.id},
        {"provider", node.provider},
        {"itemsIn", count(node.items_in)},
        {"itemsOut", count(node.items_out)},
        {"errors", count(node.errors)},
        {"busySeconds", seconds(node.busy)},
    });
}

}  // namespace

std::string_view to_string(TaskState state) noexcept {
    switch (state) {
        case TaskState::Running: return "running";
        case TaskState::Draining: return "draining";
        case TaskState::Terminated: return "terminated";
        case TaskState::Cancelled: return "cancelled";
        case TaskState::Failed: return "failed";
    }
    return "unknown";
}

std::string to_json(const TaskStatus& status) {
    Json::Array nodes;
    nodes.reserve(status.nodes.size());
    for (const NodeStatus& node : status.nodes) nodes.push_back(node_json(node));
    Json::Array warnings(status.warnings.begin(), status.warnings.end());
    Json json(Json::Object{
        {"token", status.token},
        {"taskId", count(status.task_id)},
        {"name", status.name},
        {"project_id", status.project_id},
        {"source", status.source},
        {"state", to_string(status.state)},
        {"accepted", count(status.accepted)},
        {"completed", count(status.completed)},
        {"failed", count(status.failed)},
        {"inFlight", count(status.in_flight)},
        {"bytesIn", count(status.bytes_in)},
        {"bytesOut", count(status.bytes_out)},
        {"wordsCount", count(status.words_count)},
        {"wordsSize", count(status.words_size)},
        {"startTime", unix_seconds(status.started)},
        {"endTime", status.dead() ? unix_seconds(status.ended) : 0.0},
        {"drainSeconds", seconds(status.drain_duration)},
        {"lastError", status.last_error},
        {"warnings", std::move(warnings)},
        {"nodes", std::move(nodes)},
    });
    return json.dump();
}

}  // namespace sluice
