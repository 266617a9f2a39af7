// accept_backoff.hpp — what the acceptor does when accept() fails for want of a resource
// (EMFILE, ENFILE, ENOBUFS, ENOMEM): wait, 10 ms doubling to 1 s, instead of retrying at once
// (a busy loop that starves the connected clients), and log at most one line per 10 s with
// the number of failures since the last line. A success resets the wait.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::server {

class AcceptBackoff {
public:
    using clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds k_first_wait{10};
    static constexpr std::chrono::milliseconds k_longest_wait{1000};
    static constexpr std::chrono::seconds k_log_interval{10};

    // Whether the errno value means "out of descriptors or memory": wait before the next accept.
    static bool is_resource_error(int error) noexcept;

    // One failed accept (`error` an errno value, `message` its text): returns how long to wait
    // before the next one (zero for errors that are not about resources), and sets `log_line`
    // when a line is due.
    std::chrono::milliseconds failed(int error, std::string_view message, clock::time_point now,
                                     std::optional<std::string>& log_line);
    void succeeded() noexcept { next_wait_ = k_first_wait; }

private:
    std::chrono::milliseconds next_wait_ = k_first_wait;
    std::uint64_t unlogged_ = 0;  // failures since the last line
    std::optional<clock::time_point> last_logged_;
};

}  // namespace sluice::server
