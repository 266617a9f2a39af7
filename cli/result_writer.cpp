// result_writer.cpp — the in-order result printer behind `sluice run`'s stdout.
#include "result_writer.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>

#include <fmt/format.h>

#include "messages.hpp"

namespace sluice::cli {

ResultWriter::ResultWriter(std::size_t max_outstanding, std::FILE* out,
                           std::function<void()> on_write_error)
    : max_outstanding_(max_outstanding == 0 ? 1 : max_outstanding),
      out_(out),
      on_write_error_(std::move(on_write_error)) {
    thread_ = std::thread([this] { run(); });
}

ResultWriter::~ResultWriter() { finish(); }

void ResultWriter::push(std::string name, std::future<Result> result) {
    std::unique_lock lock(mutex_);
    // Bounded: the writer frees a slot as each accepted object completes (the engine always
    // completes accepted objects, by result or by the drain deadline).
    changed_.wait(lock, [this] { return outstanding_ < max_outstanding_; });
    queue_.push_back({std::move(name), std::move(result)});
    ++outstanding_;
    changed_.notify_all();
}

void ResultWriter::finish() {
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (!write_failed_) std::fflush(out_);
}

void ResultWriter::check_output() {
    if (write_failed_ || !std::ferror(out_)) return;
    int err = errno;
    write_failed_ = true;
    print_error(fmt::format("cannot write results: {}; stopping", std::strerror(err)));
    if (on_write_error_) on_write_error_();
}

void ResultWriter::run() {
    for (;;) {
        Pending next;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [this] { return !queue_.empty() || closing_; });
            if (queue_.empty()) return;
            next = std::move(queue_.front());
            queue_.pop_front();
        }
        // About to wait: whatever is buffered goes out now, so a slow stream shows its results.
        if (!write_failed_ &&
            next.result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
            std::fflush(out_);
            check_output();
        }
        write(next);
        bool idle;
        {
            std::lock_guard lock(mutex_);
            --outstanding_;
            idle = queue_.empty();
        }
        changed_.notify_all();
        if (idle && !write_failed_) {
            std::fflush(out_);
            check_output();
        }
    }
}

void ResultWriter::write(Pending& pending) {
    Result result;
    try {
        result = pending.result.get();
    } catch (const std::exception& e) {
        // Still one line per accepted object, so the output lines up with the inputs.
        result.name = pending.name;
        result.error = e.what();
    } catch (...) {
        result.name = pending.name;
        result.error = "the object failed without a message";
    }
    if (!result.ok()) failed_.fetch_add(1, std::memory_order_relaxed);
    if (!write_failed_) {
        try {
            std::string line = to_json(result);
            line += '\n';
            std::fwrite(line.data(), 1, line.size(), out_);
            check_output();
        } catch (...) {
            print_unexpected(std::current_exception());
        }
    }
    done_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace sluice::cli
