// input_reader.hpp — reading input bytes so that a Ctrl-C is never stuck behind a read():
// every read first poll()s the input together with the Interrupt's pipe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "interrupt.hpp"

namespace sluice::cli {

enum class ReadStatus { ok, interrupted, error };

// Appends everything left on `fd` to `out`. On `error`, errno says why.
ReadStatus read_whole(int fd, const Interrupt& stop, std::string& out);

// Replaces `out` with the next `max` bytes of `fd` (fewer only at the end of the input; none
// once it is over). On `error`, errno says why.
ReadStatus read_up_to(int fd, const Interrupt& stop, std::string& out, std::size_t max);

// Splits an input into lines. A line is returned without its "\n" (or "\r\n"); a last line
// without a newline still counts.
class LineReader {
public:
    LineReader(int fd, const Interrupt& stop) : fd_(fd), stop_(stop) {}

    // The next line; nullopt at the end of the input, on an interrupt, or on an error.
    std::optional<std::string> next();
    ReadStatus status() const noexcept { return status_; }
    int error() const noexcept { return error_; }  // errno when status() is error

private:
    bool fill();  // reads more into buffer_; false at the end (or interrupt/error)

    int fd_;
    const Interrupt& stop_;
    std::string buffer_;
    std::size_t pos_ = 0;
    bool eof_ = false;
    ReadStatus status_ = ReadStatus::ok;
    int error_ = 0;
};

}  // namespace sluice::cli
