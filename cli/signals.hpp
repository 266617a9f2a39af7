// signals.hpp — graceful Ctrl-C / SIGTERM for `sluice run`, without work in signal handlers.
// SIGINT and SIGTERM are blocked in every thread and taken by sigwait() on a dedicated thread:
// the first one calls `on_first` (stop reading, close the task's gate); a second one ends the
// process at once with 128 + signal.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace sluice::cli {

class SignalWatcher {
public:
    // Construct before any other thread exists (TBB workers included): threads inherit the
    // blocked mask, so the signals can only be taken by the watcher.
    explicit SignalWatcher(std::function<void(int)> on_first);
    ~SignalWatcher();  // stop()
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;

    // Stops and joins the watcher thread. A signal still pending then is taken as if the
    // watcher had seen it, so one that raced with the end of the run still counts.
    void stop();

private:
    void watch();
    void take(int signal);  // on the watcher thread, or in stop() after the join

    std::function<void(int)> on_first_;
    std::atomic<bool> stopping_{false};
    bool first_seen_ = false;  // the watcher's until it is joined, then stop()'s
    std::thread thread_;
};

}  // namespace sluice::cli
