// metrics.cpp — GET /metrics: Prometheus text exposition of connections, tasks, objects, nodes
// and drain durations.
#include <chrono>
#include <cstdint>
#include <utility>

#include <fmt/format.h>

#include "deploy_scheduler.hpp"
#include "http_routes.hpp"

namespace sluice::server {
namespace {

// Label values escape backslash, double quote and newline.
std::string label(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// The configured limits, one gauge each, so a dashboard can draw them beside what they bound.
void limits(std::string& out, const ServeOptions& o) {
    const std::pair<const char*, std::uint64_t> gauges[] = {
        {"max_connections", o.max_connections},
        {"max_unauthenticated_per_ip", o.max_unauthenticated_per_ip},
        {"auth_timeout_seconds", static_cast<std::uint64_t>(o.auth_timeout.count())},
        {"admission_wait_seconds", static_cast<std::uint64_t>(o.admission_wait.count() / 1000)},
        {"max_inflight", o.max_inflight},
        {"max_tasks", o.max_tasks},
        {"max_tasks_per_key", o.max_tasks_per_key},
        {"max_task_bytes", static_cast<std::uint64_t>(o.max_task_mb) << 20},
        {"max_components", o.max_components},
        {"max_message_bytes", o.max_message_bytes},
        {"regex_bytes_per_pattern", static_cast<std::uint64_t>(o.regex_mb_per_pattern) << 20},
        {"regex_bytes_per_pipeline", static_cast<std::uint64_t>(o.regex_mb_per_pipeline) << 20},
    };
    for (const auto& [name, value] : gauges) {
        const std::string metric = fmt::format("sluice_limit_{}", name);
        family(out, metric, "gauge", "A configured limit of sluice serve (see --help).");
        out += fmt::format("{} {}\n", metric, value);
    }
}

}  // namespace

std::string prometheus_metrics(ServerContext& ctx) {
    const std::vector<TaskStatus> tasks = ctx.engine.tasks();
    std::string out;
    family(out, "sluice_connections", "gauge", "Open client connections.");
    out += fmt::format("sluice_connections{{kind=\"websocket\"}} {}\n",
                       ctx.stats.websocket_open.load());
    out += fmt::format("sluice_connections{{kind=\"http\"}} {}\n", ctx.stats.http_open.load());
    family(out, "sluice_websocket_connections_total", "counter", "WebSocket connections accepted.");
    out += fmt::format("sluice_websocket_connections_total {}\n", ctx.stats.websocket_total.load());
    family(out, "sluice_requests_total", "counter", "Requests answered, by front.");
    out +=
        fmt::format("sluice_requests_total{{front=\"websocket\"}} {}\n", ctx.stats.requests.load());
    out +=
        fmt::format("sluice_requests_total{{front=\"http\"}} {}\n", ctx.stats.http_requests.load());
    family(out, "sluice_auth_failures_total", "counter", "Refused credentials.");
    out += fmt::format("sluice_auth_failures_total {}\n", ctx.stats.auth_failures.load());

    family(out, "sluice_refused_total", "counter", "Requests and sockets refused at a limit.");
    out += fmt::format("sluice_refused_total{{reason=\"max_tasks\"}} {}\n",
                       ctx.stats.refused_max_tasks.load());
    out +=
        fmt::format("sluice_refused_total{{reason=\"busy\"}} {}\n", ctx.stats.refused_busy.load());
    out += fmt::format("sluice_refused_total{{reason=\"unauthenticated\"}} {}\n",
                       ctx.stats.refused_unauthenticated.load());
    out += fmt::format("sluice_refused_total{{reason=\"connections\"}} {}\n",
                       ctx.stats.refused_connections.load());
    family(out, "sluice_store_handles_open", "gauge", "Files open through rrext_store.");
    out += fmt::format("sluice_store_handles_open {}\n", ctx.stats.store_handles_open.load());
    limits(out, ctx.options);
    if (ctx.deployments) ctx.deployments->metrics(out);

    family(out, "sluice_tasks", "gauge", "Tasks known to the engine, by state.");
    for (TaskState state : {TaskState::Running, TaskState::Draining, TaskState::Terminated,
                            TaskState::Cancelled, TaskState::Failed}) {
        std::size_t n = 0;
        for (const TaskStatus& s : tasks) n += s.state == state;
        out += fmt::format("sluice_tasks{{state=\"{}\"}} {}\n", to_string(state), n);
    }
    family(out, "sluice_task_objects_total", "counter",
           "Objects per task: accepted, completed, failed.");
    for (const TaskStatus& s : tasks) {
        const std::string id =
            fmt::format("token=\"{}\",task_id=\"{}\"", label(s.token), s.task_id);
        out +=
            fmt::format("sluice_task_objects_total{{{},state=\"accepted\"}} {}\n", id, s.accepted);
        out += fmt::format("sluice_task_objects_total{{{},state=\"completed\"}} {}\n", id,
                           s.completed);
        out += fmt::format("sluice_task_objects_total{{{},state=\"failed\"}} {}\n", id, s.failed);
    }
    family(out, "sluice_task_in_flight", "gauge", "Objects inside a task's graph now.");
    for (const TaskStatus& s : tasks)
        out += fmt::format("sluice_task_in_flight{{token=\"{}\",task_id=\"{}\"}} {}\n",
                           label(s.token), s.task_id, s.in_flight);
    family(out, "sluice_task_bytes_total", "counter", "Payload bytes per task, in and out.");
    for (const TaskStatus& s : tasks) {
        const std::string id =
            fmt::format("token=\"{}\",task_id=\"{}\"", label(s.token), s.task_id);
        out += fmt::format("sluice_task_bytes_total{{{},direction=\"in\"}} {}\n", id, s.bytes_in);
        out += fmt::format("sluice_task_bytes_total{{{},direction=\"out\"}} {}\n", id, s.bytes_out);
    }
    family(out, "sluice_task_drain_seconds", "gauge", "How long a dead task's drain took.");
    for (const TaskStatus& s : tasks)
        if (s.dead())
            out += fmt::format("sluice_task_drain_seconds{{token=\"{}\",task_id=\"{}\"}} {:.6f}\n",
                               label(s.token), s.task_id,
                               std::chrono::duration<double>(s.drain_duration).count());
    family(out, "sluice_node_items_total", "counter", "Items per node, in and out.");
    for (const TaskStatus& s : tasks)
        for (const NodeStatus& n : s.nodes) {
            const std::string id =
                fmt::format("token=\"{}\",task_id=\"{}\",node=\"{}\",provider=\"{}\"",
                            label(s.token), s.task_id, label(n.id), label(n.provider));
            out +=
                fmt::format("sluice_node_items_total{{{},direction=\"in\"}} {}\n", id, n.items_in);
            out += fmt::format("sluice_node_items_total{{{},direction=\"out\"}} {}\n", id,
                               n.items_out);
        }
    family(out, "sluice_node_errors_total", "counter", "Items a node failed.");
    for (const TaskStatus& s : tasks)
        for (const NodeStatus& n : s.nodes)
            out += fmt::format(
                "sluice_node_errors_total{{token=\"{}\",task_id=\"{}\",node=\"{}\"}} {}\n",
                label(s.token), s.task_id, label(n.id), n.errors);
    family(out, "sluice_node_busy_seconds_total", "counter", "Time spent in a node's body.");
    for (const TaskStatus& s : tasks)
        for (const NodeStatus& n : s.nodes)
            out += fmt::format(
                "sluice_node_busy_seconds_total{{token=\"{}\",task_id=\"{}\",node=\"{}\"}} "
                "{:.6f}\n",
                label(s.token), s.task_id, label(n.id),
                std::chrono::duration<double>(n.busy).count());
    return out;
}

}  // namespace sluice::server
