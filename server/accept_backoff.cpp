// accept_backoff.cpp — the wait and the rate-limited log line of a failing acceptor.
#include "accept_backoff.hpp"

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

namespace sluice::server {

bool AcceptBackoff::is_resource_error(int e) noexcept {
    return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM;
}

std::chrono::milliseconds AcceptBackoff::failed(int error, std::string_view message,
                                                clock::time_point now,
                                                std::optional<std::string>& log_line) {
    ++unlogged_;
    if (!last_logged_ || now - *last_logged_ >= k_log_interval) {
        log_line = fmt::format(
            "sluice serve: accept failed: {} ({} failure{} since the last line); {}", message,
            unlogged_, unlogged_ == 1 ? "" : "s",
            is_resource_error(error)
                ? "waiting up to 1 s between tries; raise the open-file limit ('ulimit -n') or "
                  "lower --max-connections"
                : "retrying");
        unlogged_ = 0;
        last_logged_ = now;
    }
    if (!is_resource_error(error)) return std::chrono::milliseconds(0);
    const std::chrono::milliseconds wait = next_wait_;
    next_wait_ = std::min(next_wait_ * 2, k_longest_wait);
    return wait;
}

}  // namespace sluice::server
