// latency_log.hpp — one producer's futures and the waiter thread that takes them in send
// order, recording each object's latency from its send to its result. Taking them in order
// means an object done early waits for its predecessors: the latency is an upper bound,
// measured the same way for sluice and the baseline.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <thread>
#include <utility>
#include <vector>

#include "harness.hpp"

namespace bench {

template <typename Future>
class LatencyLog {
public:
    // `ok(future)` gets the result and says whether it is a success.
    template <typename Ok>
    LatencyLog(std::size_t capacity, Ok ok) : slots_(capacity), latencies_us_(capacity) {
        waiter_ = std::thread([this, ok] { wait_all(ok); });
    }
    ~LatencyLog() { join(); }
    LatencyLog(const LatencyLog&) = delete;
    LatencyLog& operator=(const LatencyLog&) = delete;

    // Producer side. Publishes the slot; the waiter is woken by flush() (every 64 sends and
    // at the end) so a send costs no futex call.
    void push(Clock::time_point sent, Future future) {
        const std::size_t i = count_++;
        slots_[i] = {sent, std::move(future)};
        published_.store(i + 1, std::memory_order_release);
        if ((i + 1) % 64 == 0 || i + 1 == slots_.size()) flush();
    }
    void flush() noexcept { published_.notify_one(); }

    void join() {
        if (waiter_.joinable()) waiter_.join();
    }
    std::size_t failures() const noexcept { return failures_; }
    const std::vector<double>& latencies_us() const noexcept { return latencies_us_; }

private:
    template <typename Ok>
    void wait_all(Ok ok) {
        std::size_t done = 0;
        while (done < slots_.size()) {
            const std::size_t n = published_.load(std::memory_order_acquire);
            if (n == done) {
                published_.wait(n, std::memory_order_acquire);
                continue;
            }
            for (; done < n; ++done) {
                if (!ok(slots_[done].second)) ++failures_;
                latencies_us_[done] =
                    std::chrono::duration<double, std::micro>(Clock::now() - slots_[done].first)
                        .count();
            }
        }
    }

    std::vector<std::pair<Clock::time_point, Future>> slots_;
    std::vector<double> latencies_us_;
    std::size_t count_ = 0;  // producer only
    std::atomic<std::size_t> published_{0};
    std::size_t failures_ = 0;  // waiter only; read after join()
    std::thread waiter_;
};

}  // namespace bench
