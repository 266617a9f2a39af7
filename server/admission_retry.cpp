// admission_retry.cpp — the timer loop behind AdmissionRetry.
#include "admission_retry.hpp"

#include <algorithm>

namespace sluice::server {

AdmissionRetry::AdmissionRetry(net::any_io_executor executor, std::chrono::milliseconds wait,
                               std::function<bool()> attempt, std::function<void()> on_busy)
    : timer_(std::move(executor)),
      deadline_(std::chrono::steady_clock::now() + wait),
      attempt_(std::move(attempt)),
      on_busy_(std::move(on_busy)) {}

void AdmissionRetry::start(net::any_io_executor executor, std::chrono::milliseconds wait,
                           std::function<bool()> attempt, std::function<void()> on_busy) {
    auto retry =
        std::make_shared<AdmissionRetry>(executor, wait, std::move(attempt), std::move(on_busy));
    net::dispatch(executor, [retry] { retry->step(); });
}

void AdmissionRetry::step() {
    if (attempt_()) return;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline_) return on_busy_();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - now);
    timer_.expires_after(std::min(next_wait_, left + std::chrono::milliseconds(1)));
    next_wait_ = std::min(next_wait_ * 2, k_longest_wait);
    // The timer is never cancelled: the retry owns it, and the handler owns the retry.
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->step(); });
}

}  // namespace sluice::server
