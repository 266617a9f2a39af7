// task_service.hpp — the tasks of the in-process engine (the default backend of `sluice serve`):
// arguments in, Outcome out, engine calls in between. See tasks.hpp for the contract.
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
#include "tasks.hpp"
#include "tasks_per_key.hpp"

namespace sluice::server {

class TaskService final : public Tasks {
public:
    TaskService(Engine& engine, Monitor& monitor, std::chrono::milliseconds drain_deadline,
                std::size_t max_tasks_per_key = 0)
        : Tasks(engine.options().pipeline_limits),
          engine_(engine),
          monitor_(monitor),
          drain_deadline_(drain_deadline),
          max_tasks_per_key_(max_tasks_per_key) {}

    Outcome execute(const Json& arguments, const std::string& key_id = {}) override;
    Outcome restart(const Json& arguments, const std::string& key_id = {}) override;
    void terminate(const Json& arguments, bool wait, Reply reply) override;
    Outcome status(const Json& arguments) override;
    Outcome get_token(const Json& arguments) override;
    Outcome list() override;
    bool try_send(const std::string& token, const Payload& data, const std::string& mime,
                  const ObjectInfo& info, const Reply& reply) override;
    std::shared_ptr<ObjectPipe> try_open_pipe(const std::string& token, const ObjectInfo& info,
                                              const std::string& mime,
                                              const std::string& provider) override;
    void shutdown(std::chrono::milliseconds deadline) override { engine_.shutdown(deadline); }
    TasksTotals totals() override;

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

}  // namespace sluice::server
