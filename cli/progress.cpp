// progress.cpp — the progress display thread.
#include "progress.hpp"

#include <cstdio>

#include <unistd.h>

#include <fmt/format.h>

namespace sluice::cli {
namespace {

constexpr std::chrono::milliseconds k_period{250};

}  // namespace

Progress::Progress(std::function<std::uint64_t()> done, std::function<std::string()> label)
    : done_(std::move(done)), label_(std::move(label)) {
    thread_ = std::thread([this] { run(); });
}

Progress::~Progress() { stop(); }

bool Progress::wanted(bool quiet) noexcept { return !quiet && ::isatty(STDERR_FILENO) == 1; }

void Progress::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    stop_requested_.notify_all();
    thread_.join();
    std::fputs("\r\x1b[K", stderr);  // erase the progress line
    std::fflush(stderr);
}

void Progress::run() {
    using clock = std::chrono::steady_clock;
    std::uint64_t last_done = 0;
    auto last_time = clock::now();
    std::unique_lock lock(mutex_);
    // A timed wait is the display's period, not synchronisation: stop() wakes it at once.
    while (!stop_requested_.wait_for(lock, k_period, [this] { return stopping_; })) {
        std::uint64_t done = done_();
        auto now = clock::now();
        double seconds = std::chrono::duration<double>(now - last_time).count();
        double rate = seconds > 0 ? static_cast<double>(done - last_done) / seconds : 0.0;
        std::string line = fmt::format("\r\x1b[Ksluice: {}{} objects done, {:.0f} objects/s",
                                       label_ ? label_() + ": " : "", done, rate);
        std::fputs(line.c_str(), stderr);
        std::fflush(stderr);
        last_done = done;
        last_time = now;
    }
}

}  // namespace sluice::cli
