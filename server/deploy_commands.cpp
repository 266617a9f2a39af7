// deploy_commands.cpp — rrext_deploy_add | list | status | update | remove, with RocketRide's
// arguments and messages (cmd_deploy.py): a deployment is named by its pipeline's project_id;
// status, update and remove take `projectId` (`deploymentId`, the Python SDK's name, too).
#include "deploy_commands.hpp"

#include <chrono>

#include <fmt/format.h>

#include <sluice/errors.hpp>

#include "cron.hpp"

namespace sluice::server {
namespace {

double unix_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

const Json& pipeline_of(const Json& args) {
    const Json* pipeline = args.find("pipeline");
    if (!pipeline || pipeline->is_null()) throw UsageError("pipeline is required");
    if (!pipeline->is_object()) throw UsageError("pipeline must be an object");
    return *pipeline;
}

std::string string_arg(const Json& args, std::string_view key, std::string fallback = {}) {
    const Json* v = args.find(key);
    if (!v || v->is_null()) return fallback;
    if (!v->is_string()) throw UsageError(fmt::format("{} must be a string", key));
    return v->as_string();
}

std::string schedule_arg(const Json& args) {
    std::string schedule = string_arg(args, "schedule", "manual");
    Schedule::parse(schedule);  // throws naming it
    return schedule;
}

std::string state_arg(const Json& args, std::string fallback) {
    std::string state = string_arg(args, "state", std::move(fallback));
    if (state != "active" && state != "paused")
        throw UsageError(fmt::format("state must be \"active\" or \"paused\", got \"{}\"", state));
    return state;
}

// The deployment a status, update or remove names.
std::string id_arg(const Json& args) {
    std::string id = string_arg(args, "projectId");
    if (id.empty()) id = string_arg(args, "deploymentId");
    if (id.empty()) throw UsageError("projectId is required");
    return id;
}

Outcome add(DeployScheduler& scheduler, const Json& args, const std::string& key_id) {
    const Json& pipeline = pipeline_of(args);
    const Json* project = pipeline.find("project_id");
    if (!project || !project->is_string() || project->as_string().empty())
        throw UsageError("pipeline.project_id is required");
    Deployment d;
    d.project_id = project->as_string();
    DeploymentStore::check_id(d.project_id);
    d.pipeline = pipeline;
    d.schedule = schedule_arg(args);
    d.state = state_arg(args, "active");
    d.name = string_arg(args, "name", pipeline.get_string("name"));
    d.created_by = key_id;
    d.created_at = d.updated_at = unix_now();
    scheduler.check_pipeline(pipeline);
    scheduler.store().add(d);
    scheduler.deployed(d, true);
    return Outcome::success(scheduler.describe(d));
}

Outcome update(DeployScheduler& scheduler, const Json& args) {
    const std::string id = id_arg(args);
    std::optional<Json> pipeline;
    if (args.find("pipeline")) {
        pipeline = pipeline_of(args);
        pipeline->set("project_id", id);  // as RocketRide: the id never changes
        scheduler.check_pipeline(*pipeline);
    }
    std::optional<std::string> schedule, state, name;
    if (args.find("schedule")) schedule = schedule_arg(args);
    if (args.find("state")) state = state_arg(args, "active");
    if (args.find("name")) name = string_arg(args, "name");
    bool resumed = false;
    Deployment d = scheduler.store().update(id, [&](Deployment& next) {
        if (pipeline) next.pipeline = *pipeline;
        if (schedule) next.schedule = *schedule;
        if (name) next.name = *name;
        if (state) {
            resumed = next.state != "active" && *state == "active";
            next.state = *state;
        }
        next.updated_at = unix_now();
    });
    scheduler.deployed(d, pipeline.has_value() || resumed);
    return Outcome::success(scheduler.describe(d));
}

Outcome dispatch(DeployScheduler& scheduler, std::string_view command, const Json& args,
                 const std::string& key_id) {
    if (command == "rrext_deploy_add") return add(scheduler, args, key_id);
    if (command == "rrext_deploy_update") return update(scheduler, args);
    if (command == "rrext_deploy_list") {
        Json::Array all;
        for (const Deployment& d : scheduler.store().list()) all.push_back(scheduler.describe(d));
        return Outcome::success(Json(Json::Object{{"deployments", Json(std::move(all))}}));
    }
    if (command == "rrext_deploy_status")
        return Outcome::success(scheduler.describe(scheduler.store().get(id_arg(args))));
    if (command == "rrext_deploy_remove") {
        const std::string id = id_arg(args);
        scheduler.store().remove(id);
        scheduler.removed(id);
        return Outcome::success(Json(Json::Object{}));
    }
    return Outcome::fail(Failure::bad_request, fmt::format("Invalid command: {}", command));
}

}  // namespace

Outcome deploy_command(DeployScheduler& scheduler, std::string_view command, const Json& arguments,
                       const std::string& key_id) {
    try {
        return dispatch(scheduler, command, arguments, key_id);
    } catch (const DeploymentNotFound& e) {
        return Outcome::fail(Failure::not_found, e.what());
    } catch (const DeploymentExists& e) {
        return Outcome::fail(Failure::conflict, e.what());
    } catch (...) {
        return outcome_of(std::current_exception());
    }
}

}  // namespace sluice::server
