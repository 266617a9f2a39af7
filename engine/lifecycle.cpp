// lifecycle.cpp — the task's state moves (see the contract in lifecycle.hpp).
#include "lifecycle.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace sluice::detail {

Lifecycle::Lifecycle(std::function<void(std::string)> report)
    : report_(std::move(report)), done_future_(done_promise_.get_future().share()) {}

bool Lifecycle::close() noexcept {
    // The gate decides: of racing closers, only the one whose fetch_or set the bit goes on.
    if (!gate_.close()) return false;
    TaskState expected = TaskState::Running;
    // acq_rel: a reader that sees Draining also sees the closed gate. Only the gate's closer
    // gets here, so the swap cannot fail unless the state machine is broken.
    if (!state_.compare_exchange_strong(expected, TaskState::Draining, std::memory_order_acq_rel))
        std::terminate();  // a task ended without closing its gate: a bug, not a race
    return true;
}

bool Lifecycle::cancel() noexcept {
    // A cancel racing the drain's end is harmless: the canceller's end() then returns false.
    if (state() != TaskState::Draining) return false;
    // acq_rel: one canceller wins; an admit that later sees the flag under a shard lock is
    // ordered after it (see Task::fail_live_objects).
    return !cancelled_.exchange(true, std::memory_order_acq_rel);
}

bool Lifecycle::end(TaskState final_state, const std::function<TaskStatus()>& snapshot) noexcept {
    if (final_state == TaskState::Running || final_state == TaskState::Draining) std::terminate();
    TaskState expected = TaskState::Draining;
    // acq_rel: the winner's snapshot follows every counter written before the end, and readers
    // that see the final state see what the winner wrote before it.
    if (!state_.compare_exchange_strong(expected, final_state, std::memory_order_acq_rel)) {
        if (expected == TaskState::Running) std::terminate();  // end() before close(): a bug
        return false;  // another path ended it first (the drain raced the deadline)
    }
    try {
        done_promise_.set_value(snapshot());
    } catch (...) {
        done_promise_.set_exception(std::current_exception());
    }
    std::vector<StatusCallback> callbacks;
    {
        std::lock_guard lock(callbacks_mutex_);
        callbacks.swap(callbacks_);
        delivered_ = true;
    }
    for (const StatusCallback& callback : callbacks) run(callback);
    return true;
}

void Lifecycle::when_done(StatusCallback on_done) {
    {
        std::lock_guard lock(callbacks_mutex_);
        if (!delivered_) {
            callbacks_.push_back(std::move(on_done));
            return;
        }
    }
    run(on_done);
}

void Lifecycle::run(const StatusCallback& callback) noexcept {
    try {
        callback(done_future_.get());
    } catch (const std::exception& e) {
        report_(fmt::format("a when_done callback threw: {}", e.what()));
    } catch (...) {
        report_("a when_done callback threw a non-standard exception");
    }
}

}  // namespace sluice::detail
