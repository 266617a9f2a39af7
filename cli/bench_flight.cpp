// bench_flight.cpp — waiting for room, for a due time, and for the last result.
#include "bench_flight.hpp"

#include <algorithm>

namespace sluice::cli {
namespace {

constexpr std::chrono::milliseconds k_recheck{20};

}  // namespace

template <typename Ready, typename GiveUp>
bool Flight::wait(Ready ready, GiveUp give_up, Clock::time_point until) {
    if (ready()) return true;
    std::unique_lock lock(mutex_);
    waiting_.store(true, std::memory_order_seq_cst);
    bool ok = true;
    while (!ready()) {
        if (give_up() || Clock::now() >= until) {
            ok = false;
            break;
        }
        changed_.wait_until(lock, std::min(until, Clock::now() + k_recheck));
    }
    waiting_.store(false, std::memory_order_seq_cst);
    return ok;
}

bool Flight::wait_room(const Interrupt& stop) {
    return wait([this] { return out() < max_out_; }, [&stop] { return stop.requested(); },
                Clock::time_point::max());
}

bool Flight::wait_until(Clock::time_point when, const Interrupt& stop) {
    if (stop.requested()) return false;
    // Nothing notifies for the time itself: the wait ends at `when` (or on the interrupt).
    wait([] { return false; }, [&stop] { return stop.requested(); }, when);
    return !stop.requested();
}

bool Flight::wait_empty(Clock::time_point deadline) {
    return wait([this] { return out() == 0; }, [] { return false; }, deadline);
}

void Flight::answered(const Result& result, Clock::time_point start, bool measured) noexcept {
    const Clock::time_point now = Clock::now();
    if (measured) {
        latency_.record(static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - start).count()));
        if (!result.ok()) {
            if (failed_.fetch_add(1, std::memory_order_relaxed) == 0) {
                std::lock_guard lock(mutex_);
                try {
                    first_error_ = result.error;
                } catch (...) {  // out of memory: the failure is still counted
                }
            }
        }
        Clock::rep seen = last_ns_.load(std::memory_order_relaxed);
        const Clock::rep mine = now.time_since_epoch().count();
        while (mine > seen &&
               !last_ns_.compare_exchange_weak(seen, mine, std::memory_order_relaxed)) {}
        results_.fetch_add(1, std::memory_order_relaxed);
        done_.fetch_add(1, std::memory_order_relaxed);
    }
    returned();
}

void Flight::returned() noexcept {
    out_.fetch_sub(1, std::memory_order_seq_cst);
    if (waiting_.load(std::memory_order_seq_cst)) {
        std::lock_guard lock(mutex_);
        changed_.notify_all();
    }
}

std::string Flight::first_error() {
    std::lock_guard lock(mutex_);
    return first_error_;
}

}  // namespace sluice::cli
