// admission_retry.hpp — admitting work into a full task without holding a thread: the attempt
// (Engine::try_send_async / try_open_pipe, which never wait) is retried on a timer on the
// connection's strand, 1 ms doubling to 50 ms, until it succeeds or --admission-wait has
// passed; then the caller gets Busy. No shared pool thread waits, so a client queueing
// thousands of opens on one full task delays nobody else.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "net.hpp"

namespace sluice::server {

class AdmissionRetry : public std::enable_shared_from_this<AdmissionRetry> {
public:
    static constexpr std::chrono::milliseconds k_first_wait{1};
    static constexpr std::chrono::milliseconds k_longest_wait{50};

    // `attempt` returns true when the work was admitted (or failed for good: it has answered
    // itself) and false when the task is full; it must not throw. `on_busy` runs once when
    // `wait` passes first. Both run on `executor`, which should be the connection's strand.
    static void start(net::any_io_executor executor, std::chrono::milliseconds wait,
                      std::function<bool()> attempt, std::function<void()> on_busy);

    AdmissionRetry(net::any_io_executor executor, std::chrono::milliseconds wait,
                   std::function<bool()> attempt, std::function<void()> on_busy);

private:
    void step();

    net::steady_timer timer_;
    std::chrono::steady_clock::time_point deadline_;
    std::chrono::milliseconds next_wait_ = k_first_wait;
    std::function<bool()> attempt_;
    std::function<void()> on_busy_;
};

}  // namespace sluice::server
