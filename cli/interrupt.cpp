// interrupt.cpp — the self-pipe behind Interrupt.
#include "interrupt.hpp"

#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace sluice::cli {

Interrupt::Interrupt() {
    int fds[2];
    if (::pipe(fds) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
    read_fd_ = fds[0];
    write_fd_ = fds[1];
    // Non-blocking write end: a full pipe must never block request() (one byte is enough).
    ::fcntl(write_fd_, F_SETFL, ::fcntl(write_fd_, F_GETFL) | O_NONBLOCK);
    ::fcntl(read_fd_, F_SETFD, FD_CLOEXEC);
    ::fcntl(write_fd_, F_SETFD, FD_CLOEXEC);
}

Interrupt::~Interrupt() {
    ::close(read_fd_);
    ::close(write_fd_);
}

void Interrupt::request(int signal) noexcept {
    int none = 0;
    // acq_rel: a reader that sees the signal also sees everything done before the request.
    signal_.compare_exchange_strong(none, signal, std::memory_order_acq_rel);
    // Nobody reads the byte back, so fd() stays readable for every later poll().
    const char byte = 1;
    [[maybe_unused]] ssize_t n = ::write(write_fd_, &byte, 1);
}

}  // namespace sluice::cli
