// status_object.cpp — TaskStatus to RocketRide's TASK_STATUS.
#include "status_object.hpp"

#include <chrono>

namespace sluice::server {
namespace {

double unix_seconds(std::chrono::system_clock::time_point at) noexcept {
    auto since = at.time_since_epoch();
    auto whole = std::chrono::duration_cast<std::chrono::seconds>(since);
    return static_cast<double>(whole.count()) +
           std::chrono::duration<double>(since - whole).count();
}

std::string_view status_text(TaskState state) noexcept {
    switch (state) {
        case TaskState::Running: return "Running - ready to accept requests";
        case TaskState::Draining: return "Stopping";
        case TaskState::Terminated: return "Completed";
        case TaskState::Cancelled: return "Cancelled: the drain deadline passed";
        case TaskState::Failed: return "Failed";
    }
    return "";
}

Json zero_metrics() {
    Json::Object m;
    for (const char* key : {"cpu_percent", "cpu_memory_mb", "gpu_memory_mb", "peak_cpu_percent",
                            "peak_cpu_memory_mb", "peak_gpu_memory_mb", "avg_cpu_percent",
                            "avg_cpu_memory_mb", "avg_gpu_memory_mb"})
        m.emplace_back(key, 0.0);
    return Json(std::move(m));
}

Json zero_tokens() {
    return Json(Json::Object{{"cpu_utilization", 0.0}, {"cpu_memory", 0.0}, {"gpu_memory", 0.0},
                             {"gpu_inference", 0.0}, {"custom", Json(Json::Object{})},
                             {"total", 0.0}});
}

Json strings(const std::vector<std::string>& list) {
    return Json(Json::Array(list.begin(), list.end()));
}

Json node_list(const TaskStatus& status) {
    Json::Array nodes;
    for (const NodeStatus& n : status.nodes)
        nodes.push_back(Json(Json::Object{{"id", n.id}, {"provider", n.provider},
                                          {"itemsIn", n.items_in}, {"itemsOut", n.items_out},
                                          {"errors", n.errors}}));
    return Json(std::move(nodes));
}

}  // namespace

RrState rr_state(TaskState state) noexcept {
    switch (state) {
        case TaskState::Running: return RrState::running;
        case TaskState::Draining: return RrState::stopping;
        case TaskState::Terminated: return RrState::completed;
        case TaskState::Cancelled:
        case TaskState::Failed: return RrState::cancelled;
    }
    return RrState::none;
}

Json status_object(const TaskStatus& s) {
    const bool dead = s.dead();
    const auto end = dead ? s.ended : std::chrono::system_clock::now();
    const double elapsed = std::max(1e-3, std::chrono::duration<double>(end - s.started).count());
    Json::Array errors;
    if (!s.last_error.empty()) errors.emplace_back(s.last_error);
    const bool cancelled = s.state == TaskState::Cancelled || s.state == TaskState::Failed;
    return Json(Json::Object{
        {"name", s.name.empty() ? s.token : s.name},
        {"project_id", s.project_id},
        {"source", s.source},
        {"completed", dead},
        {"state", static_cast<int>(rr_state(s.state))},
        {"startTime", unix_seconds(s.started)},
        {"endTime", dead ? unix_seconds(s.ended) : 0.0},
        {"debuggerAttached", false},
        {"status", status_text(s.state)},
        {"warnings", strings(s.warnings)},
        {"errors", Json(std::move(errors))},
        {"currentObject", ""},
        {"currentSize", 0},
        {"notes", Json(Json::Array{})},
        {"totalSize", s.bytes_in},
        {"totalCount", s.accepted},
        {"completedSize", s.completed_bytes},
        {"completedCount", s.completed},
        {"failedSize", s.failed_bytes},
        {"failedCount", s.failed},
        {"wordsSize", s.words_size},
        {"wordsCount", s.words_count},
        {"rateSize", static_cast<double>(s.bytes_in) / elapsed},
        {"rateCount", static_cast<double>(s.completed + s.failed) / elapsed},
        {"serviceUp", s.state == TaskState::Running},
        {"exitCode", cancelled ? 1 : 0},
        {"exitMessage", cancelled ? s.last_error : std::string()},
        {"pipeflow", Json(Json::Object{{"totalPipes", 0}, {"byPipe", Json(Json::Object{})}})},
        {"metrics", zero_metrics()},
        {"tokens", zero_tokens()},
        // sluice's own figures
        {"token", s.token},
        {"inFlight", s.in_flight},
        {"drainSeconds", std::chrono::duration<double>(s.drain_duration).count()},
        {"nodes", node_list(s)},
    });
}

Json idle_status_object(std::string_view project_id, std::string_view source) {
    TaskStatus none;
    none.project_id = std::string(project_id);
    none.source = std::string(source);
    Json status = status_object(none);
    status.set("state", static_cast<int>(RrState::none));
    status.set("status", "Not running");
    status.set("serviceUp", false);
    status.set("startTime", 0.0);
    return status;
}

}  // namespace sluice::server
