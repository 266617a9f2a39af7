// exit_watchdog.cpp — the thread that ends a shutdown stuck in a node body.
#include "exit_watchdog.hpp"

#include <cstdio>
#include <cstdlib>

namespace sluice::server {

ExitWatchdog::ExitWatchdog() : thread_([this] { watch(); }) {}

ExitWatchdog::~ExitWatchdog() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void ExitWatchdog::arm(std::chrono::steady_clock::time_point at,
                       std::function<std::string()> line) {
    {
        std::lock_guard lock(mutex_);
        at_ = at;
        line_ = std::move(line);
    }
    changed_.notify_all();
}

void ExitWatchdog::disarm() {
    {
        std::lock_guard lock(mutex_);
        at_.reset();
    }
    changed_.notify_all();
}

// Waits (bounded by the armed time, or until told) and exits when the armed time passes.
void ExitWatchdog::watch() {
    std::unique_lock lock(mutex_);
    while (!quit_) {
        if (!at_) {
            changed_.wait(lock);
            continue;
        }
        const auto at = *at_;
        if (changed_.wait_until(lock, at) == std::cv_status::timeout && at_ == at && !quit_) {
            const std::string line = line_ ? line_() : "sluice serve: shutdown did not end in time";
            std::fprintf(stderr, "%s\n", line.c_str());
            std::fflush(stdout);
            std::fflush(stderr);
            std::_Exit(k_exit_code);
        }
    }
}

}  // namespace sluice::server
