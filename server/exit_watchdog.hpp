// exit_watchdog.hpp — the bound on how long `sluice serve` may take to end. A node body that
// never returns would hold the engine's shutdown (and its destructor) forever; every object it
// held was already answered as failed at the drain deadline, so once the watchdog's time
// passes the process prints one line and exits (std::_Exit, after flushing stdio).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace sluice::server {

class ExitWatchdog {
public:
    static constexpr int k_exit_code = 1;

    ExitWatchdog();
    ~ExitWatchdog();  // disarms and joins
    ExitWatchdog(const ExitWatchdog&) = delete;
    ExitWatchdog& operator=(const ExitWatchdog&) = delete;

    // Exits at `at` unless disarmed first; `line` (called then) says why. Re-arming replaces.
    void arm(std::chrono::steady_clock::time_point at, std::function<std::string()> line);
    void disarm();

private:
    void watch();

    std::mutex mutex_;
    std::condition_variable changed_;
    std::optional<std::chrono::steady_clock::time_point> at_;  // guarded by mutex_
    std::function<std::string()> line_;                        // guarded by mutex_
    bool quit_ = false;                                        // guarded by mutex_
    std::thread thread_;
};

}  // namespace sluice::server
