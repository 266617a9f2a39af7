// task_stopper.cpp — the once-only terminate shared by the input loop and the signal watcher.
#include "task_stopper.hpp"

#include <sluice/errors.hpp>

namespace sluice::cli {

void TaskStopper::arm(Engine& engine, Token token) {
    std::lock_guard lock(mutex_);
    engine_ = &engine;
    token_ = std::move(token);
    if (pending_) stop_locked(*pending_);
}

void TaskStopper::disarm() {
    std::lock_guard lock(mutex_);
    engine_ = nullptr;
}

void TaskStopper::stop(std::chrono::milliseconds deadline) {
    std::lock_guard lock(mutex_);
    if (!engine_) {
        if (!pending_ && !drained_) pending_ = deadline;
        return;
    }
    stop_locked(deadline);
}

void TaskStopper::stop_locked(std::chrono::milliseconds deadline) {
    pending_.reset();
    if (drained_ || !engine_) return;
    try {
        drained_ = engine_->terminate(token_, deadline);
    } catch (const TaskTerminated&) {
        // Something else ended the task (a ttl, a shutdown): its drain is the one to wait for.
        drained_ = engine_->done(token_);
    }
}

TaskStatus TaskStopper::wait_drained() {
    std::shared_future<TaskStatus> drained;
    {
        std::lock_guard lock(mutex_);
        if (!drained_) throw UsageError("wait_drained() before stop() on an armed TaskStopper");
        drained = *drained_;
    }
    // The drain ends by itself or at the deadline the stop() gave it.
    return drained.get();
}

}  // namespace sluice::cli
