// task_service.hpp — the task commands both fronts share (WebSocket DAP and HTTP): arguments
// in, Outcome out, engine calls in between. Commands that may block (building a graph, waiting
// for capacity) are marked; the caller runs them off the network threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include <sluice/engine.hpp>
#include <sluice/json.hpp>

#include "monitor.hpp"
#include "outcome.hpp"

namespace sluice::server {

class TaskService {
public:
    TaskService(Engine& engine, Monitor& monitor, std::chrono::milliseconds drain_deadline)
        : engine_(engine), monitor_(monitor), drain_deadline_(drain_deadline) {}

    // May block (builds the graph). Arguments as RocketRide's `execute`.
    Outcome execute(const Json& arguments);
    // May block. Terminates the task of that token (or projectId+source) and starts `pipeline`
    // under the same token.
    Outcome restart(const Json& arguments);
    // Closes the gate now; `reply` gets the final status once the drain is over (or the
    // failure at once). With `wait` false, `reply` gets {token, state: 4} as soon as the gate is
    // closed.
    void terminate(const Json& arguments, bool wait, Reply reply);
    Outcome status(const Json& arguments) const;
    Outcome get_token(const Json& arguments) const;
    Outcome validate(const Json& arguments) const;
    Outcome list() const;
    Outcome services(const Json& arguments) const;
    // May block for capacity. One whole object; `reply` gets its result.
    void send(const std::string& token, std::string data, std::string mime, ObjectInfo info,
              Reply reply);

    std::uint64_t tasks_started() const noexcept { return started_.load(); }

private:
    Engine& engine_;
    Monitor& monitor_;
    std::chrono::milliseconds drain_deadline_;
    std::atomic<std::uint64_t> started_{0};
};

// The task token argument, or a failure "Task token is required".
Outcome require_token(const Json& arguments, std::string& token);

}  // namespace sluice::server
