// task_service.cpp — execute, restart, terminate, status, lookups, validation, one-object sends.
#include "task_service.hpp"

#include <fmt/format.h>

#include <sluice/errors.hpp>
#include <sluice/node.hpp>
#include <sluice/pipeline.hpp>

#include "arguments.hpp"
#include "status_object.hpp"

namespace sluice::server {
namespace {

// An engine pipe behind the protocol's pipe calls.
class EnginePipe final : public ObjectPipe {
public:
    explicit EnginePipe(Pipe pipe) : pipe_(std::move(pipe)) {}
    void write(std::string_view bytes) override { pipe_.write(bytes); }
    void close_then(Reply reply) override {
        pipe_.close_then([reply = std::move(reply)](Result result) {
            reply(Outcome::success_text(to_json(result)));
        });
    }
    bool is_open() const noexcept override { return pipe_.is_open(); }

private:
    Pipe pipe_;
};

}  // namespace

Outcome TaskService::execute(const Json& arguments, const std::string& key_id) {
    return guarded([&] {
        UseOptions options = use_options(arguments);
        PipelineSpec spec = parse_pipeline(pipeline_argument(arguments), options.source,
                                           engine_.options().pipeline_limits);
        options.source.clear();  // applied by parse_pipeline
        Token token = use_counted(spec, options, key_id);
        started_.fetch_add(1, std::memory_order_relaxed);
        monitor_.track(token);
        // From the task itself: with useExisting the token may name a task started from
        // another body.
        const TaskStatus task = engine_.status(token);
        return Outcome::success(
            execute_body(task.token, task.project_id, task.source,
                         task.nodes.empty() ? std::string() : task.nodes.front().provider));
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

Outcome TaskService::status(const Json& arguments) {
    std::string token;
    if (Outcome missing = require_token(arguments, token); !missing.ok()) return missing;
    return guarded([&] { return Outcome::success(status_object(engine_.status(Token(token)))); });
}

Outcome TaskService::get_token(const Json& arguments) {
    return guarded([&] {
        std::string project = Arguments{arguments}.string("projectId");
        std::string source = Arguments{arguments}.string("source");
        for (const TaskStatus& s : engine_.tasks())
            if (!s.dead() && s.project_id == project && (source.empty() || s.source == source))
                return Outcome::success(Json(Json::Object{{"token", s.token}}));
        return Outcome::fail(Failure::not_found, "Your pipeline is not running");
    });
}

Outcome TaskService::list() {
    return guarded([&] {
        Json::Array tasks;
        for (const TaskStatus& s : engine_.tasks()) tasks.push_back(status_object(s));
        return Outcome::success(Json(Json::Object{{"tasks", Json(std::move(tasks))}}));
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

std::shared_ptr<ObjectPipe> TaskService::try_open_pipe(const std::string& token,
                                                       const ObjectInfo& info,
                                                       const std::string& mime,
                                                       const std::string& provider) {
    if (!provider.empty()) {
        TaskStatus status = engine_.status(Token(token));  // throws UnknownToken
        if (!status.nodes.empty() && status.nodes.front().provider != provider)
            throw UsageError(
                fmt::format("You are looking for a \"{}\", but this pipeline isn't "
                            "it (its source is \"{}\")",
                            provider, status.nodes.front().provider));
    }
    std::optional<Pipe> pipe = engine_.try_open_pipe(Token(token), info, mime);
    if (!pipe) return nullptr;
    return std::make_shared<EnginePipe>(std::move(*pipe));
}

TasksTotals TaskService::totals() {
    TasksTotals t;
    t.tasks = started_.load(std::memory_order_relaxed);
    for (const TaskStatus& s : engine_.tasks()) {
        t.accepted += s.accepted;
        t.completed += s.completed;
        t.failed += s.failed;
    }
    return t;
}

}  // namespace sluice::server
