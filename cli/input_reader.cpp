// input_reader.cpp — interruptible reads of stdin and files for `sluice run`.
#include "input_reader.hpp"

#include <cerrno>

#include <poll.h>
#include <unistd.h>

namespace sluice::cli {
namespace {

constexpr std::size_t k_chunk = 64 * 1024;

// Waits until `fd` is readable or the interrupt fired. Returns bytes read (0 = end of input),
// -1 on an error (errno set), -2 when interrupted.
ssize_t read_some(int fd, const Interrupt& stop, char* data, std::size_t size) {
    for (;;) {
        if (stop.requested()) return -2;
        pollfd fds[2] = {{fd, POLLIN, 0}, {stop.fd(), POLLIN, 0}};
        // No timeout: both a new byte and the interrupt end the wait (documented reason).
        int ready = ::poll(fds, 2, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (fds[1].revents != 0) return -2;
        if (fds[0].revents == 0) continue;
        ssize_t n = ::read(fd, data, size);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        return n;
    }
}

}  // namespace

ReadStatus read_whole(int fd, const Interrupt& stop, std::string& out) {
    for (;;) {
        std::size_t used = out.size();
        out.resize(used + k_chunk);
        ssize_t n = read_some(fd, stop, out.data() + used, k_chunk);
        out.resize(used + (n > 0 ? static_cast<std::size_t>(n) : 0));
        if (n == 0) return ReadStatus::ok;
        if (n == -1) return ReadStatus::error;
        if (n == -2) return ReadStatus::interrupted;
    }
}

ReadStatus read_up_to(int fd, const Interrupt& stop, std::string& out, std::size_t max) {
    out.resize(max);
    std::size_t used = 0;
    while (used < max) {
        ssize_t n = read_some(fd, stop, out.data() + used, max - used);
        if (n == -1) return ReadStatus::error;
        if (n == -2) return ReadStatus::interrupted;
        if (n == 0) break;
        used += static_cast<std::size_t>(n);
    }
    out.resize(used);
    return ReadStatus::ok;
}

bool LineReader::fill() {
    if (eof_ || status_ != ReadStatus::ok) return false;
    // Drop what was consumed, so the buffer holds at most one partial line plus one chunk.
    buffer_.erase(0, pos_);
    pos_ = 0;
    std::size_t used = buffer_.size();
    buffer_.resize(used + k_chunk);
    ssize_t n = read_some(fd_, stop_, buffer_.data() + used, k_chunk);
    buffer_.resize(used + (n > 0 ? static_cast<std::size_t>(n) : 0));
    if (n > 0) return true;
    if (n == 0) eof_ = true;
    if (n == -1) {
        status_ = ReadStatus::error;
        error_ = errno;
    }
    if (n == -2) status_ = ReadStatus::interrupted;
    return false;
}

std::optional<std::string> LineReader::next() {
    for (;;) {
        if (stop_.requested()) {
            status_ = ReadStatus::interrupted;
            return std::nullopt;
        }
        std::size_t newline = buffer_.find('\n', pos_);
        if (newline != std::string::npos) {
            std::size_t end = newline;
            if (end > pos_ && buffer_[end - 1] == '\r') --end;
            std::string line = buffer_.substr(pos_, end - pos_);
            pos_ = newline + 1;
            return line;
        }
        if (fill()) continue;
        // The end of the input: a last line without a newline is still a line.
        if (eof_ && pos_ < buffer_.size()) {
            std::size_t end = buffer_.size();
            if (buffer_[end - 1] == '\r') --end;
            std::string line = buffer_.substr(pos_, end - pos_);
            pos_ = buffer_.size();
            return line;
        }
        return std::nullopt;
    }
}

}  // namespace sluice::cli
