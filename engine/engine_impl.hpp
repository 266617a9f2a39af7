// engine_impl.hpp — the engine behind the public facade: the task table, the TBB worker
// budget, the housekeeper and the drain threads.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <oneapi/tbb/global_control.h>

#include <sluice/engine.hpp>

#include "blocking_pool.hpp"
#include "drain_threads.hpp"
#include "housekeeper.hpp"
#include "task.hpp"

namespace sluice::detail {

class EngineImpl {
public:
    explicit EngineImpl(EngineOptions options);
    ~EngineImpl();

    Token use(const PipelineSpec& spec, const UseOptions& options);
    std::shared_ptr<Task> find(const Token& token) const;  // throws UnknownToken
    std::shared_future<TaskStatus> terminate(const Token& token,
                                             std::chrono::milliseconds deadline);
    void terminate(const Token& token, std::chrono::milliseconds deadline,
                   StatusCallback on_done);
    std::vector<TaskStatus> tasks() const;
    void shutdown(std::chrono::milliseconds deadline);
    Pipe make_pipe(std::shared_ptr<PipeState> state) const { return Pipe(std::move(state)); }

    const EngineOptions& options() const noexcept { return options_; }

private:
    TaskConfig make_config(const PipelineSpec& spec, const UseOptions& options);
    // A place among EngineOptions::max_tasks, from use() until the task ends (or until use()
    // fails, when it was never handed to a task).
    class TaskSlot {
    public:
        explicit TaskSlot(EngineImpl& engine);  // throws LimitExceeded at max_tasks
        ~TaskSlot();
        TaskSlot(const TaskSlot&) = delete;
        TaskSlot& operator=(const TaskSlot&) = delete;
        void hand_to(Task& task);

    private:
        EngineImpl& engine_;
        bool held_ = true;
    };

    Token claim(std::shared_ptr<Task> task, const UseOptions& options, TaskSlot& slot);
    static Token token_for(const std::shared_ptr<Task>& task);
    bool begin_terminate(const std::shared_ptr<Task>& task, std::chrono::milliseconds deadline,
                         StatusCallback on_done = {});
    void retire(const std::shared_ptr<Task>& task);

    EngineOptions options_;
    std::unique_ptr<tbb::global_control> worker_budget_;

    mutable std::shared_mutex table_mutex_;
    std::unordered_map<std::string, std::shared_ptr<Task>> by_name_;  // who holds each token now
    std::unordered_map<std::uint64_t, std::shared_ptr<Task>> by_id_;  // every retained task
    std::deque<std::uint64_t> dead_order_;                            // oldest dead first
    std::atomic<std::uint64_t> next_id_{1};  // task ids: unique, never reused
    std::atomic<std::size_t> live_tasks_{0};  // running or draining, for max_tasks
    bool shut_down_ = false;

    BlockingPool blocking_pool_;  // before drains_: destroyed after every drain has buried
    DrainThreads drains_;
    Housekeeper housekeeper_;  // last: stopped first, before the tables it calls into
};

}  // namespace sluice::detail
