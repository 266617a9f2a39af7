// result_writer.hpp — prints each result as one JSON line on stdout, in the order the objects
// were sent, as soon as it is ready, on its own thread while the sender goes on sending.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include <sluice/result.hpp>

namespace sluice::cli {

class ResultWriter {
public:
    // At most `max_outstanding` results are queued or being waited for at once. `on_write_error`
    // is called once (on the writer thread) when `out` fails, e.g. a reader that went away;
    // results are still collected after that, but no longer written.
    ResultWriter(std::size_t max_outstanding, std::FILE* out, std::function<void()> on_write_error);
    ~ResultWriter();  // finish()
    ResultWriter(const ResultWriter&) = delete;
    ResultWriter& operator=(const ResultWriter&) = delete;

    // Queues the result of the object named `name`; waits while the queue is full.
    void push(std::string name, std::future<Result> result);
    // Prints everything queued, flushes, and stops the writer thread. Idempotent.
    void finish();

    // Results taken off the queue (printed, unless writing failed) and how many were failures.
    std::uint64_t done() const noexcept { return done_.load(std::memory_order_relaxed); }
    std::uint64_t failed() const noexcept { return failed_.load(std::memory_order_relaxed); }

private:
    struct Pending {
        std::string name;
        std::future<Result> result;
    };

    void run();
    void write(Pending& pending);
    void check_output();  // after a write or flush: reports the first failure of out_

    const std::size_t max_outstanding_;
    std::FILE* out_;
    std::function<void()> on_write_error_;
    bool write_failed_ = false;  // writer thread only (then read after the join)
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Pending> queue_;
    std::size_t outstanding_ = 0;  // queued + the one being written
    bool closing_ = false;
    std::atomic<std::uint64_t> done_{0};
    std::atomic<std::uint64_t> failed_{0};
    std::thread thread_;
};

}  // namespace sluice::cli
