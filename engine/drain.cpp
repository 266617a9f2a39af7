// drain.cpp — terminate, in named steps: close the gate, wait for the senders inside, drain the
// graph, flush buffering nodes, wait for every object, report, release the graph. And the
// deadline path, which cancels what still runs and fails what is left.
#include <fmt/format.h>

#include "runtime.hpp"
#include "task.hpp"

namespace sluice::detail {

bool Task::close_gate() {
    if (!gate_.close()) return false;
    {
        std::lock_guard lock(report_mutex_);
        drain_started_ = std::chrono::steady_clock::now();
    }
    state_.store(TaskState::Draining, std::memory_order_release);
    // Senders waiting for capacity were not admitted: wake them so they fail now.
    wake_waiters();
    return true;
}

// Runs on a drain thread of its own: never on a thread of this task's arena, since waiting for
// the graph from inside it can deadlock (and a drain must not be awaited from inside the work
// it waits for).
void Task::drain() noexcept {
    gate_.wait_for_senders();
    seal_pipes();
    wait_for_graph();
    finish_nodes();
    wait_for_objects();
    finalize(TaskState::Terminated);
    bury();
}

// Open pipes stop taking writes and give up their hold on their objects, so those complete
// with what they received.
// A pipe still open when the gate closes never gets the rest of its data: its object drains
// with what it got and is reported failed, so a cut-short object never passes for a whole one.
void Task::seal_pipes() noexcept {
    std::lock_guard lock(pipes_mutex_);
    for (PipeState* pipe : pipes_) {
        std::lock_guard pipe_lock(pipe->mutex);
        pipe->sealed = true;
        if (pipe->object)
            pipe->object.fail(fmt::format(
                "task {} was terminated while this object's pipe was open; it holds only the {} "
                "write(s) made before",
                config_.token, pipe->writes));
        pipe->object.reset();
    }
}

void Task::wait_for_graph() noexcept {
    if (cancelled_.load(std::memory_order_acquire)) return;
    runtime_->inbox->kick();
    // graph::wait_for_all enters the graph's arena itself and takes part in the work.
    runtime_->graph->wait_for_all();
}

// Buffering nodes emit what they hold, upstream first, so what one flushes reaches the next
// before that one is asked to flush.
void Task::finish_nodes() noexcept {
    for (auto& node : runtime_->nodes) {
        if (cancelled_.load(std::memory_order_acquire)) return;
        runtime_->arena.execute([&] { node->finish(); });
        wait_for_graph();
    }
}

// Objects still referenced after the graph is idle are held by a node beyond finish() (or by
// nothing, once pipes are sealed): wait for them, bounded by the drain deadline.
void Task::wait_for_objects() noexcept {
    if (live_.load(std::memory_order_seq_cst) == 0) return;
    WaiterTicket ticket(waiters_);
    std::unique_lock lock(wait_mutex_);
    wait_cv_.wait(lock, [&] {
        return live_.load(std::memory_order_seq_cst) == 0 ||
               cancelled_.load(std::memory_order_acquire);
    });
}

bool Task::finalize(TaskState final_state) noexcept {
    if (finalized_.exchange(true, std::memory_order_acq_rel)) return false;
    {
        std::lock_guard lock(report_mutex_);
        ended_ = std::chrono::system_clock::now();
        drain_duration_ = std::chrono::steady_clock::now() - drain_started_;
    }
    state_.store(final_state, std::memory_order_release);
    try {
        done_promise_.set_value(status());
    } catch (...) {
        done_promise_.set_exception(std::current_exception());
    }
    std::vector<StatusCallback> callbacks;
    {
        std::lock_guard lock(report_mutex_);
        callbacks.swap(done_callbacks_);
        done_delivered_ = true;
    }
    for (StatusCallback& callback : callbacks) run_done_callback(callback);
    return true;
}

void Task::run_done_callback(const StatusCallback& callback) noexcept {
    try {
        callback(done_future_.get());
    } catch (const std::exception& e) {
        record_error(fmt::format("a when_done callback threw: {}", e.what()));
    } catch (...) {
        record_error("a when_done callback threw a non-standard exception");
    }
}

void Task::cancel(const std::string& reason) noexcept {
    if (finalized_.load(std::memory_order_acquire)) return;
    if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
    {
        std::lock_guard lock(runtime_mutex_);
        if (runtime_) runtime_->context.cancel_group_execution();
    }
    // An admit holding a shard's lock either linked its object before this walk reaches that
    // shard, or sees cancelled_ (set above) once it gets the lock, and refuses the object.
    for (ObjectShard& shard : object_shards_) {
        std::lock_guard lock(shard.mutex);
        for (ObjectState* o = shard.head; o; o = o->next) resolve(o, reason.c_str());
    }
    seal_pipes();
    // Wake capacity waiters (they fail: nothing is admitted after this) and the drain thread.
    wake_waiters();
    record_error(reason);
    finalize(TaskState::Cancelled);
}

// Releases the graph. After a cancel, bodies that were running at the deadline are waited for
// here (TBB cannot interrupt them); their results were already reported failed.
void Task::bury() noexcept {
    std::unique_ptr<Runtime> runtime;
    {
        std::lock_guard lock(runtime_mutex_);
        runtime = std::move(runtime_);
    }
    if (cancelled_.load(std::memory_order_acquire)) {
        runtime->context.cancel_group_execution();
        runtime->inbox->kick();
        runtime->graph->wait_for_all();
    }
    source_ = nullptr;
    runtime.reset();  // nodes, then graph, then context and arena
}

}  // namespace sluice::detail
