// tasks.hpp — what the protocol fronts (WebSocket DAP and HTTP) ask of whatever runs the tasks:
// the in-process engine (TaskService, the default) or a NATS JetStream cluster
// (`sluice serve --nats`, server/nats/). Commands answer an Outcome; the fronts never see which
// one runs them.
//
// Threads: `execute` and `restart` may block (a graph build, a NATS round trip): callers run
// them on the blocking pool. The rest never block when `calls_block()` is false; when it is
// true (the cluster: every call is a round trip), callers run status/get_token/list on the
// blocking pool too. `try_send`, `try_open_pipe` and `terminate` never block in either.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <sluice/item.hpp>
#include <sluice/json.hpp>
#include <sluice/pipeline.hpp>

#include "outcome.hpp"

namespace sluice::server {

// One object streamed in chunks (rrext_process open/write/close).
class ObjectPipe {
public:
    virtual ~ObjectPipe() = default;
    // Throws TaskTerminated once the task's gate has closed, LimitExceeded over a size limit.
    virtual void write(std::string_view bytes) = 0;
    // Ends the object; `reply` gets its result (the RocketRide result JSON) or the failure.
    virtual void close_then(Reply reply) = 0;
    virtual bool is_open() const noexcept = 0;
};

// What the server's summary line counts.
struct TasksTotals {
    std::uint64_t tasks = 0, accepted = 0, completed = 0, failed = 0;
};

class Tasks {
public:
    explicit Tasks(PipelineLimits limits) : limits_(std::move(limits)) {}
    virtual ~Tasks() = default;
    Tasks(const Tasks&) = delete;
    Tasks& operator=(const Tasks&) = delete;

    // Arguments as RocketRide's `execute`. `key_id` (ApiKeys::key_id) is counted against
    // --max-tasks-per-key while the task lives; empty: not counted. May block.
    virtual Outcome execute(const Json& arguments, const std::string& key_id = {}) = 0;
    // Terminates the task of that token (or projectId+source) and starts `pipeline` under the
    // same token. May block.
    virtual Outcome restart(const Json& arguments, const std::string& key_id = {}) = 0;
    // Closes the gate now; `reply` gets the final status once the drain is over (or the
    // failure at once). With `wait` false, `reply` gets {token, state: 4} as soon as the gate is
    // closed. Never blocks.
    virtual void terminate(const Json& arguments, bool wait, Reply reply) = 0;
    virtual Outcome status(const Json& arguments) = 0;
    virtual Outcome get_token(const Json& arguments) = 0;
    virtual Outcome list() = 0;
    // Never waits: false when the task (or this front) is full: nothing sent, `reply` not
    // called. Otherwise `reply` gets the object's result, or the failure.
    virtual bool try_send(const std::string& token, const Payload& data, const std::string& mime,
                          const ObjectInfo& info, const Reply& reply) = 0;
    // A pipe into the task, or nullptr when it is full (retry later). `provider`, when not
    // empty, must be the pipeline's source provider. Throws UnknownToken, TaskTerminated,
    // UsageError (wrong provider).
    virtual std::shared_ptr<ObjectPipe> try_open_pipe(const std::string& token,
                                                      const ObjectInfo& info,
                                                      const std::string& mime,
                                                      const std::string& provider) = 0;
    // Refuses new work and finishes what was accepted, within `deadline`; returns when done.
    virtual void shutdown(std::chrono::milliseconds deadline) = 0;
    virtual TasksTotals totals() = 0;
    virtual bool calls_block() const noexcept { return false; }

    // The same in both modes: they need only the pipeline and the node registry.
    Outcome validate(const Json& arguments) const;
    Outcome services(const Json& arguments) const;
    const PipelineLimits& limits() const noexcept { return limits_; }

private:
    PipelineLimits limits_;
};

// RocketRide's `execute` answer: {token, id, projectId, source, provider}.
Json execute_body(const std::string& token, const std::string& project_id,
                  const std::string& source, const std::string& provider);
// The task token argument, or a failure "Task token is required".
Outcome require_token(const Json& arguments, std::string& token);
// The `pipeline` argument (an object), or UsageError naming what is wrong.
const Json& pipeline_argument(const Json& arguments);

}  // namespace sluice::server
