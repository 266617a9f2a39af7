// task_service.cpp — execute, restart, terminate, status, lookups, validation, one-object sends.
#include "task_service.hpp"

#include <fmt/format.h>

#include <sluice/errors.hpp>
#include <sluice/node.hpp>
#include <sluice/pipeline.hpp>

#include "status_object.hpp"

namespace sluice::server {
namespace {

// A present argument of the wrong type is a bad request naming it.
struct Arguments {
    const Json& json;

    const Json* get(std::string_view key, Json::Type type, std::string_view what) const {
        const Json* v = json.find(key);
        if (!v || v->is_null()) return nullptr;
        const bool ok = v->type() == type || (type == Json::Type::number && v->is_number());
        if (!ok)
            throw UsageError(
                fmt::format("argument \"{}\" must be {}, got {}", key, what, to_string(v->type())));
        return v;
    }
    std::string string(std::string_view key) const {
        const Json* v = get(key, Json::Type::string, "a string");
        return v ? v->as_string() : std::string();
    }
};

const Json& pipeline_argument(const Json& arguments) {
    const Json* pipeline = arguments.find("pipeline");
    if (!pipeline || pipeline->is_null())
        throw UsageError("Missing pipeline configuration: argument \"pipeline\" is required");
    if (!pipeline->is_object())
        throw UsageError(fmt::format("argument \"pipeline\" must be an object, got {}",
                                     to_string(pipeline->type())));
    return *pipeline;
}

UseOptions use_options(const Json& json) {
    Arguments args{json};
    UseOptions o;
    o.token = args.string("token");
    if (const Json* t = args.get("threads", Json::Type::integer, "an integer")) {
        if (t->as_int() < 1 || t->as_int() > 1024)
            throw UsageError(
                fmt::format("argument \"threads\" must be 1 to 1024, got {}", t->as_int()));
        o.threads = static_cast<unsigned>(t->as_int());
    }
    if (const Json* ttl = args.get("ttl", Json::Type::number, "a number of seconds")) {
        if (ttl->as_double() < 0) throw UsageError("argument \"ttl\" must not be negative");
        o.ttl = ttl->as_double();
    }
    if (const Json* e = args.get("useExisting", Json::Type::boolean, "true or false"))
        o.use_existing = e->as_bool();
    o.name = args.string("name");
    o.source = args.string("source");
    return o;
}

// From the task itself: with useExisting the token may name a task started from another body.
Json execute_body(const TaskStatus& task) {
    return Json(Json::Object{
        {"token", task.token},
        {"id", fmt::format("{}.{}", task.token.substr(0, 8), task.source)},
        {"projectId", task.project_id},
        {"source", task.source},
        {"provider", task.nodes.empty() ? std::string() : task.nodes.front().provider},
    });
}

template <typename F>
Outcome guarded(F&& f) {
    try {
        return f();
    } catch (...) {
        return outcome_of(std::current_exception());
    }
}

}  // namespace

Outcome require_token(const Json& arguments, std::string& token) {
    const Json* t = arguments.find("token");
    if (t && !t->is_null() && !t->is_string())
        return Outcome::fail(Failure::bad_request, "argument \"token\" must be a string");
    token = t && t->is_string() ? t->as_string() : std::string();
    if (token.empty()) return Outcome::fail(Failure::bad_request, "Task token is required");
    return Outcome::success();
}

Outcome TaskService::execute(const Json& arguments, const std::string& key_id) {
    return guarded([&] {
        UseOptions options = use_options(arguments);
        PipelineSpec spec = parse_pipeline(pipeline_argument(arguments), options.source,
                                           engine_.options().pipeline_limits);
        options.source.clear();  // applied by parse_pipeline
        Token token = use_counted(spec, options, key_id);
        started_.fetch_add(1, std::memory_order_relaxed);
        monitor_.track(token);
        return Outcome::success(execute_body(engine_.status(token)));
    });
}

// engine.use(), counting the task against its key's --max-tasks-per-key while it lives.
Token TaskService::use_counted(const PipelineSpec& spec, const UseOptions& options,
                               const std::string& key_id) {
    if (key_id.empty() || max_tasks_per_key_ == 0) return engine_.use(spec, options);
    if (!per_key_->try_take(key_id, max_tasks_per_key_))
        throw LimitExceeded(
            fmt::format("API key {} has {} live tasks (--max-tasks-per-key {}): "
                        "terminate one first",
                        key_id, max_tasks_per_key_, max_tasks_per_key_));
    Token token;
    try {
        token = engine_.use(spec, options);
    } catch (...) {
        per_key_->give_back(key_id);
        throw;
    }
    // The callback may outlive this service (it runs at the engine's shutdown): it holds the
    // count itself.
    engine_.when_done(token,
                      [count = per_key_, key_id](const TaskStatus&) { count->give_back(key_id); });
    return token;
}

Outcome TaskService::restart(const Json& arguments, const std::string& key_id) {
    return guarded([&] {
        std::string token = Arguments{arguments}.string("token");
        if (token.empty() || token == "*") {
            // RocketRide's clients send token "*": find the task by project and source.
            std::string project = Arguments{arguments}.string("projectId");
            std::string source = Arguments{arguments}.string("source");
            for (const TaskStatus& s : engine_.tasks())
                if (!s.dead() && s.project_id == project && s.source == source) token = s.token;
            if (token.empty() || token == "*")
                return Outcome::fail(Failure::not_found, "Your pipeline is not running");
        }
        try {
            engine_.terminate(Token(token), drain_deadline_, [](const TaskStatus&) {});
        } catch (const TaskTerminated&) {
            // already draining or dead: the name is free
        }
        Json next = arguments;
        next.set("token", token);
        next.set("useExisting", false);
        return execute(next, key_id);
    });
}

void TaskService::terminate(const Json& arguments, bool wait, Reply reply) {
    std::string token;
    if (Outcome missing = require_token(arguments, token); !missing.ok()) return reply(missing);
    try {
        if (!wait) {
            engine_.terminate(Token(token), drain_deadline_, [](const TaskStatus&) {});
            return reply(Outcome::success(Json(
                Json::Object{{"token", token}, {"state", static_cast<int>(RrState::stopping)}})));
        }
        // The reply is shared: the callback may run inside terminate() when the drain is
        // instant, or later on the drain thread.
        engine_.terminate(Token(token), drain_deadline_, [reply](const TaskStatus& final_status) {
            reply(Outcome::success(status_object(final_status)));
        });
    } catch (...) {
        reply(outcome_of(std::current_exception()));
    }
}

Outcome TaskService::status(const Json& arguments) const {
    std::string token;
    if (Outcome missing = require_token(arguments, token); !missing.ok()) return missing;
    return guarded([&] { return Outcome::success(status_object(engine_.status(Token(token)))); });
}

Outcome TaskService::get_token(const Json& arguments) const {
    return guarded([&] {
        std::string project = Arguments{arguments}.string("projectId");
        std::string source = Arguments{arguments}.string("source");
        for (const TaskStatus& s : engine_.tasks())
            if (!s.dead() && s.project_id == project && (source.empty() || s.source == source))
                return Outcome::success(Json(Json::Object{{"token", s.token}}));
        return Outcome::fail(Failure::not_found, "Your pipeline is not running");
    });
}

Outcome TaskService::validate(const Json& arguments) const {
    return guarded([&] {
        const Json& pipeline = pipeline_argument(arguments);
        std::string source = Arguments{arguments}.string("source");
        Json::Array errors, warnings;
        for (const Problem& p :
             validate_pipeline(pipeline, source, engine_.options().pipeline_limits))
            errors.emplace_back(p.component.empty()
                                    ? p.message
                                    : fmt::format("component \"{}\": {}", p.component, p.message));
        if (errors.empty()) {
            for (std::string& w :
                 parse_pipeline(pipeline, source, engine_.options().pipeline_limits).warnings)
                warnings.emplace_back(std::move(w));
        }
        return Outcome::success(Json(Json::Object{{"pipeline", pipeline},
                                                  {"errors", Json(std::move(errors))},
                                                  {"warnings", Json(std::move(warnings))}}));
    });
}

Outcome TaskService::list() const {
    return guarded([&] {
        Json::Array tasks;
        for (const TaskStatus& s : engine_.tasks()) tasks.push_back(status_object(s));
        return Outcome::success(Json(Json::Object{{"tasks", Json(std::move(tasks))}}));
    });
}

Outcome TaskService::services(const Json& arguments) const {
    return guarded([&] {
        std::string wanted = Arguments{arguments}.string("service");
        Json::Object all;
        for (const Provider* p : providers()) {
            Json::Array lanes;
            for (const LaneRule& rule : p->info.lanes) {
                Json::Array outputs;
                for (Lane out : rule.outputs) outputs.emplace_back(to_string(out));
                lanes.push_back(Json(Json::Object{{"input", to_string(rule.input)},
                                                  {"outputs", Json(std::move(outputs))}}));
            }
            Json service(Json::Object{{"description", p->info.description},
                                      {"source", p->info.is_source()},
                                      {"lanes", Json(std::move(lanes))}});
            if (!wanted.empty() && p->name == wanted) return Outcome::success(service);
            all.emplace_back(p->name, std::move(service));
        }
        if (!wanted.empty())
            return Outcome::fail(Failure::not_found,
                                 fmt::format("Service '{}' not found; rrext_services without "
                                             "\"service\" lists them all",
                                             wanted));
        return Outcome::success(
            Json(Json::Object{{"services", Json(std::move(all))}, {"version", "sluice"}}));
    });
}

bool TaskService::try_send(const std::string& token, const Payload& data, const std::string& mime,
                           const ObjectInfo& info, const Reply& reply) {
    try {
        return engine_.try_send_async(Token(token), data, mime, info, [reply](Result result) {
            reply(Outcome::success_text(to_json(result)));
        });
    } catch (...) {
        reply(outcome_of(std::current_exception()));
        return true;
    }
}

}  // namespace sluice::server
