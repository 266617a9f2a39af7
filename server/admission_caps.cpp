// admission_caps.cpp — counting unauthenticated connections per IP.
#include "admission_caps.hpp"

#include <utility>

namespace sluice::server {

PendingAuth::PendingAuth(PendingAuth&& other) noexcept
    : count_(std::exchange(other.count_, nullptr)), ip_(std::move(other.ip_)) {}

PendingAuth& PendingAuth::operator=(PendingAuth&& other) noexcept {
    if (this != &other) {
        release();
        count_ = std::exchange(other.count_, nullptr);
        ip_ = std::move(other.ip_);
    }
    return *this;
}

void PendingAuth::release() noexcept {
    if (UnauthenticatedCount* count = std::exchange(count_, nullptr)) count->give_back(ip_);
}

PendingAuth UnauthenticatedCount::try_take(const std::string& ip) {
    std::lock_guard lock(mutex_);
    std::size_t& n = by_ip_[ip];
    if (n >= per_ip_) {
        if (n == 0) by_ip_.erase(ip);
        return {};
    }
    ++n;
    return PendingAuth(this, ip);
}

std::size_t UnauthenticatedCount::held(const std::string& ip) const {
    std::lock_guard lock(mutex_);
    auto it = by_ip_.find(ip);
    return it == by_ip_.end() ? 0 : it->second;
}

void UnauthenticatedCount::give_back(const std::string& ip) noexcept {
    std::lock_guard lock(mutex_);
    auto it = by_ip_.find(ip);
    if (it == by_ip_.end()) return;
    if (--it->second == 0) by_ip_.erase(it);  // the table holds only IPs with open connections
}

}  // namespace sluice::server
