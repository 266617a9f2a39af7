// bench_flight.hpp — the objects `sluice bench` has in flight: the closed loop's window (at
// most N out at once), the open loop's pacing, and what each result tells (latency, failure).
// Shared with the result callbacks, which run on the engine's threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include <sluice/result.hpp>

#include "bench_histogram.hpp"
#include "interrupt.hpp"

namespace sluice::cli {

class Flight {
public:
    using Clock = std::chrono::steady_clock;

    // `done` counts every measured result (the progress line reads it).
    Flight(std::size_t max_out, std::atomic<std::uint64_t>& done)
        : max_out_(max_out), done_(done) {}

    // Waits until fewer than max_out objects are out; false when `stop` was requested first.
    bool wait_room(const Interrupt& stop);
    // Waits until `when` (open loop pacing); false when `stop` was requested first.
    bool wait_until(Clock::time_point when, const Interrupt& stop);
    // Waits until no object is out, at most until `deadline`; false at the deadline.
    bool wait_empty(Clock::time_point deadline);

    void sent() noexcept { out_.fetch_add(1, std::memory_order_seq_cst); }
    void not_sent() noexcept { returned(); }  // the send threw: no callback will come
    // From a result callback. `start` is when the object was sent (open loop: when it was due).
    void answered(const Result& result, Clock::time_point start, bool measured) noexcept;

    std::uint64_t out() const noexcept { return out_.load(std::memory_order_seq_cst); }
    // Read after wait_empty() returned true (its seq_cst load of the count orders them).
    std::uint64_t measured_results() const noexcept {
        return results_.load(std::memory_order_relaxed);
    }
    std::uint64_t measured_failed() const noexcept {
        return failed_.load(std::memory_order_relaxed);
    }
    Clock::time_point last_result() const noexcept {
        return Clock::time_point(Clock::duration(last_ns_.load(std::memory_order_relaxed)));
    }
    LatencyCounts latency() const noexcept { return latency_.counts(); }
    std::string first_error();

private:
    void returned() noexcept;
    // Waits on the condition until `ready` holds, `give_up` holds, or `until`; the periodic
    // re-check (k_recheck) is how an interrupt, an atomic from the signal thread, is seen.
    template <typename Ready, typename GiveUp>
    bool wait(Ready ready, GiveUp give_up, Clock::time_point until);

    const std::size_t max_out_;
    std::atomic<std::uint64_t>& done_;
    // seq_cst for out_ and waiting_: a Dekker pair. The waiter stores waiting_ then loads out_;
    // a callback changes out_ then loads waiting_: one of them sees the other, so a callback
    // never skips the notify a waiter needs. The callback's decrement of out_ comes after its
    // other writes, so a waiter that sees the count drop also sees them.
    std::atomic<std::uint64_t> out_{0};
    std::atomic<bool> waiting_{false};
    std::atomic<std::uint64_t> results_{0};
    std::atomic<std::uint64_t> failed_{0};
    std::atomic<Clock::rep> last_ns_{0};
    LatencyHistogram latency_;
    std::mutex mutex_;  // the condition's, and first_error_'s
    std::condition_variable changed_;
    std::string first_error_;
};

}  // namespace sluice::cli
