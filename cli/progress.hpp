// progress.hpp — the one-line progress display on stderr while `sluice run` (or `sluice bench`)
// works: objects done and the current rate, after an optional label, redrawn with a carriage
// return about 4 times a second. Shown only when stderr is a terminal.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace sluice::cli {

class Progress {
public:
    // `done` (and `label`, when given) are called from the display thread and must be
    // thread-safe.
    explicit Progress(std::function<std::uint64_t()> done, std::function<std::string()> label = {});
    ~Progress();  // stop()
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // Stops redrawing and clears the line, so the next line of stderr starts clean.
    void stop();

    static bool wanted(bool quiet) noexcept;  // !quiet and stderr is a terminal

private:
    void run();

    std::function<std::uint64_t()> done_;
    std::function<std::string()> label_;
    std::mutex mutex_;
    std::condition_variable stop_requested_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace sluice::cli
