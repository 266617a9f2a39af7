// lifecycle.hpp — a task's life in one place: its input gate, its state, the request to cancel
// what still runs, and the promise of its end. Task keeps the graph, admission and results;
// whatever asks "may this still happen?" asks here.
//
// The states, and who moves between them (each move is one compare-and-swap: of callers racing
// for the same move exactly one wins, and the others are told so):
//
//   Running  --close()---------> Draining    terminate(), ttl expiry and shutdown, all through
//                                            EngineImpl::begin_terminate; closes the gate first
//   Draining --end(Terminated)-> Terminated  the drain thread: every accepted object answered
//   Draining --end(Failed)-----> Failed      the drain thread: the engine could not go on (a
//                                            node's finish() threw, the graph itself threw); what
//                                            was left was failed
//   Draining --end(Cancelled)--> Cancelled   the housekeeper at the drain deadline, once it has
//                                            failed what was left
//
// cancel() (Draining only, once) marks the task cancelled: nothing is admitted from then on.
// The canceller fails what is left, then stop_nodes() requests the stop token every node body
// sees (after, so a body woken by it finds its object answered already), then ends the task; the
// state stays Draining until then. Terminal states never change. A move the diagram
// does not have (end() from Running, end() to a state that is not terminal) is a bug in the
// engine, not a race: it calls std::terminate rather than let a broken task limp on.
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include <sluice/engine.hpp>

#include "gate.hpp"

namespace sluice::detail {

class Lifecycle {
public:
    // `report` receives what a done callback threw (the task records it as its last error).
    explicit Lifecycle(std::function<void(std::string)> report);
    Lifecycle(const Lifecycle&) = delete;
    Lifecycle& operator=(const Lifecycle&) = delete;

    Gate& gate() noexcept { return gate_; }
    const Gate& gate() const noexcept { return gate_; }
    TaskState state() const noexcept { return state_.load(std::memory_order_acquire); }
    bool running() const noexcept { return state() == TaskState::Running; }

    // Running -> Draining. True for the one caller that closed the task.
    bool close() noexcept;
    // Marks the task cancelled (Draining only). True for the one caller that marked it.
    bool cancel() noexcept;
    // acquire: pairs with cancel()'s exchange, for the admission protocol in fail_live_objects.
    bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }
    // After cancel(): requests the stop token node bodies see.
    void stop_nodes() noexcept { stop_.request_stop(); }
    std::stop_token stop_token() const noexcept { return stop_.get_token(); }

    // Draining -> `final_state`. The one winner takes `snapshot()` (the final status, read after
    // the state is set so it says how the task ended), fulfils done() and runs the callbacks;
    // the others get false and do nothing.
    bool end(TaskState final_state, const std::function<TaskStatus()>& snapshot) noexcept;

    std::shared_future<TaskStatus> done() const { return done_future_; }
    // Runs `on_done` once the task has ended: at once (on this thread) if it already has.
    void when_done(StatusCallback on_done);

private:
    void run(const StatusCallback& callback) noexcept;

    Gate gate_;
    std::atomic<TaskState> state_{TaskState::Running};
    std::atomic<bool> cancelled_{false};
    std::stop_source stop_;
    std::function<void(std::string)> report_;

    std::mutex callbacks_mutex_;
    std::vector<StatusCallback> callbacks_;  // taken by the end() that won
    bool delivered_ = false;                 // that end() has taken them: run new ones at once
    std::promise<TaskStatus> done_promise_;
    std::shared_future<TaskStatus> done_future_;
};

}  // namespace sluice::detail
