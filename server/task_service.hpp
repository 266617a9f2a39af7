// task_service.hpp — the task commands both fronts share (WebSocket DAP and HTTP): arguments
// in, Outcome out, engine calls in between. Commands that may block (building a graph, waiting
// for capacity) are marked; the caller runs them off the network threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <sluice/engine.hpp>
#include <sluice/json.hpp>

#include "monitor.hpp"
#include "outcome.hpp"
#include "tasks_per_key.hpp"

namespace sluice::server {

class TaskService {
public:
    TaskService(Engine& engine, Monitor& monitor, std::chrono::milliseconds drain_deadline,
                std::size_t max_tasks_per_key = 0)
        : engine_(engine),
          monitor_(monitor),
          drain_deadline_(drain_deadline),
          max_tasks_per_key_(max_tasks_per_key) {}

    // May block (builds the graph). Arguments as RocketRide's `execute`. `key_id` (ApiKeys::
    // key_id) is counted against --max-tasks-per-key while the task lives; empty: not counted.
    Outcome execute(const Json& arguments, const std::string& key_id = {});
    // May block. Terminates the task of that token (or projectId+source) and starts `pipeline`
    // under the same token.
    Outcome restart(const Json& arguments, const std::string& key_id = {});
    // Closes the gate now; `reply` gets the final status once the drain is over (or the
    // failure at once). With `wait` false, `reply` gets {token, state: 4} as soon as the gate is
    // closed.
    void terminate(const Json& arguments, bool wait, Reply reply);
    Outcome status(const Json& arguments) const;
    Outcome get_token(const Json& arguments) const;
    Outcome validate(const Json& arguments) const;
    Outcome list() const;
    Outcome services(const Json& arguments) const;
    // Never waits: false when the task is full (nothing sent, `reply` not called); otherwise
    // `reply` gets the object's result, or the failure (unknown token, terminated task).
    bool try_send(const std::string& token, const Payload& data, const std::string& mime,
                  const ObjectInfo& info, const Reply& reply);

    std::uint64_t tasks_started() const noexcept { return started_.load(); }

private:
    Token use_counted(const PipelineSpec& spec, const UseOptions& options,
                      const std::string& key_id);

    Engine& engine_;
    Monitor& monitor_;
    std::chrono::milliseconds drain_deadline_;
    std::size_t max_tasks_per_key_;  // 0 = no limit
    std::shared_ptr<TasksPerKey> per_key_ = std::make_shared<TasksPerKey>();
    std::atomic<std::uint64_t> started_{0};
};

// The task token argument, or a failure "Task token is required".
Outcome require_token(const Json& arguments, std::string& token);

}  // namespace sluice::server
