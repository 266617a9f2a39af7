// drain.cpp — terminate, in named steps: close the gate, wait for the senders inside, drain the
// graph, flush buffering nodes, wait for every object, end the task, release the graph. And the
// two other ways a drain ends: Failed, when the engine cannot go on with the task, and the
// deadline path (Cancelled), which stops what still runs and fails what is left. The states
// themselves are lifecycle.hpp's.
#include <fmt/format.h>

#include "runtime.hpp"
#include "task.hpp"

namespace sluice::detail {

bool Task::close_gate() {
    if (!life_.close()) return false;
    {
        std::lock_guard lock(report_mutex_);
        drain_started_ = std::chrono::steady_clock::now();
    }
    // Senders waiting for capacity were not admitted: wake them so they fail now.
    wake_waiters();
    return true;
}

// Runs on a drain thread of its own: never on a thread of this task's arena, since waiting for
// the graph from inside it can deadlock (and a drain must not be awaited from inside the work
// it waits for).
void Task::drain() noexcept {
    life_.gate().wait_for_senders();
    seal_pipes();
    if (std::string failure = drain_graph(); !failure.empty()) {
        fail_live_objects(failure);
        end(TaskState::Failed);
    } else {
        wait_for_objects();
        // Cancelled meanwhile: the canceller fails what is left and ends the task itself.
        if (!life_.cancelled()) end(TaskState::Terminated);
    }
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

// Everything in the graph runs to the end, then buffering nodes flush. Returns why the engine
// cannot go on with the task ("" when it can): the graph itself threw outside any node body,
// or a node's finish() threw (what it held is lost, so its objects cannot complete).
std::string Task::drain_graph() noexcept {
    std::string failure;
    try {
        wait_for_graph();
        finish_nodes(failure);
    } catch (const std::exception& e) {
        failure = fmt::format("task {}: the graph failed outside a node: {}", config_.token, e.what());
    } catch (...) {
        failure = fmt::format("task {}: the graph failed outside a node", config_.token);
    }
    return failure;
}

void Task::wait_for_graph() {
    if (life_.cancelled()) return;
    runtime_->inbox->kick();
    // graph::wait_for_all enters the graph's arena itself and takes part in the work.
    runtime_->graph->wait_for_all();
}

// Buffering nodes emit what they hold, upstream first, so what one flushes reaches the next
// before that one is asked to flush. Every node is finished even after one fails, so the others
// still deliver what they hold.
void Task::finish_nodes(std::string& failure) noexcept {
    for (auto& node : runtime_->nodes) {
        if (life_.cancelled()) return;
        std::string error;
        runtime_->arena.execute([&] { error = node->finish(); });
        if (!error.empty() && failure.empty())
            failure = fmt::format("task {}: finish() failed: {}; the objects it held are failed",
                                  config_.token, error);
        try {
            wait_for_graph();
        } catch (const std::exception& e) {
            if (failure.empty())
                failure = fmt::format("task {}: the graph failed outside a node: {}",
                                      config_.token, e.what());
            return;
        }
    }
}

// Objects still referenced after the graph is idle are held by a node beyond finish() (or by
// nothing, once pipes are sealed): wait for them, bounded by the drain deadline.
void Task::wait_for_objects() noexcept {
    if (live_.load(std::memory_order_seq_cst) == 0) return;
    WaiterTicket ticket(waiters_);
    std::unique_lock lock(wait_mutex_);
    wait_cv_.wait(lock, [&] { return live_.load(std::memory_order_seq_cst) == 0 || life_.cancelled(); });
}

// Answers every object still in flight with `reason`; each is still counted, as failed, and
// leaves the live list when its last reference goes.
void Task::fail_live_objects(const std::string& reason) noexcept {
    // An admit holding a shard's lock either linked its object before this walk reaches that
    // shard, or sees the cancel (requested before this walk) once it gets the lock, and refuses
    // the object. (A Failed drain runs after the gate's senders have all left: nothing admits.)
    for (ObjectShard& shard : object_shards_) {
        std::lock_guard lock(shard.mutex);
        for (ObjectState* o = shard.head; o; o = o->next) resolve(o, reason.c_str());
    }
    record_error(reason);
}

// The one place a task's end is reported: the end time and drain length are taken by the
// winner only, inside the snapshot, so a losing path never overwrites them.
bool Task::end(TaskState final_state) noexcept {
    return life_.end(final_state, [this] {
        {
            std::lock_guard lock(report_mutex_);
            ended_ = std::chrono::system_clock::now();
            drain_duration_ = std::chrono::steady_clock::now() - drain_started_;
        }
        TaskStatus final_status = status();
        if (on_end_) on_end_();
        return final_status;
    });
}

void Task::cancel(const std::string& reason) noexcept {
    if (!life_.cancel()) return;  // ended already, or another canceller is at work
    {
        std::lock_guard lock(runtime_mutex_);
        if (runtime_) runtime_->context.cancel_group_execution();
    }
    fail_live_objects(reason);
    life_.stop_nodes();  // after: a body woken by it finds its object answered already
    seal_pipes();
    // Wake capacity waiters (they fail: nothing is admitted after this) and the drain thread.
    wake_waiters();
    end(TaskState::Cancelled);
}

// Releases the graph. After a cancel, bodies that were running at the deadline are waited for
// here (TBB cannot interrupt them; they see the stop token); their results were already
// reported failed.
void Task::bury() noexcept {
    std::unique_ptr<Runtime> runtime;
    {
        std::lock_guard lock(runtime_mutex_);
        runtime = std::move(runtime_);
    }
    if (life_.cancelled()) {
        runtime->context.cancel_group_execution();
        runtime->inbox->kick();
        try {
            runtime->graph->wait_for_all();
        } catch (...) {
            // The task has ended already; what the graph threw while cancelled changes nothing.
        }
    }
    source_ = nullptr;
    runtime.reset();  // nodes, then graph, then context and arena
}

}  // namespace sluice::detail
