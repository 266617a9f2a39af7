// interrupt.hpp — "stop reading inputs": a signal number plus a self-pipe that wakes any poll().
// request() only stores an atomic and write()s one byte, so it is async-signal-safe.
#pragma once

#include <atomic>

namespace sluice::cli {

class Interrupt {
public:
    Interrupt();  // throws std::system_error when the pipe cannot be made
    ~Interrupt();
    Interrupt(const Interrupt&) = delete;
    Interrupt& operator=(const Interrupt&) = delete;

    // Records `signal` (the first one wins) and wakes every poll() on fd().
    void request(int signal) noexcept;
    bool requested() const noexcept { return signal() != 0; }
    int signal() const noexcept { return signal_.load(std::memory_order_acquire); }
    // Becomes readable (and stays readable) once request() was called.
    int fd() const noexcept { return read_fd_; }

private:
    std::atomic<int> signal_{0};
    int read_fd_ = -1;
    int write_fd_ = -1;
};

}  // namespace sluice::cli
