// task_stopper.hpp — closes the task's gate exactly once, whoever asks first: the end of the
// input (main thread) or a signal (the watcher thread). Both then wait on the same drain.
#pragma once

#include <chrono>
#include <future>
#include <mutex>
#include <optional>

#include <sluice/engine.hpp>

namespace sluice::cli {

class TaskStopper {
public:
    // The task exists: from now on stop() terminates it. A stop() requested earlier (a signal
    // during use()) happens here.
    void arm(Engine& engine, Token token);
    // Before the Engine goes away; waits for a stop() in progress on another thread.
    void disarm();

    // Closes the gate once, with `deadline` for the drain; later calls do nothing.
    void stop(std::chrono::milliseconds deadline);
    // The final status. Call after stop() on an armed stopper.
    TaskStatus wait_drained();

private:
    void stop_locked(std::chrono::milliseconds deadline);

    std::mutex mutex_;  // serialises arm, stop and disarm across the main and watcher threads
    Engine* engine_ = nullptr;
    Token token_;
    std::optional<std::chrono::milliseconds> pending_;  // stop() before arm()
    std::optional<std::shared_future<TaskStatus>> drained_;
};

}  // namespace sluice::cli
