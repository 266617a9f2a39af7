// admission_caps.hpp — the caps on connections a server holds before they prove anything:
// all connections (--max-connections) and, per client IP, those not authenticated yet
// (--max-unauthenticated-per-ip, RocketRide's default 10). Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sluice::server {

class UnauthenticatedCount;

// One connection's place among the unauthenticated ones of its IP: given back when the
// connection authenticates (release()) or ends (the destructor). Move-only.
class PendingAuth {
public:
    PendingAuth() = default;
    PendingAuth(UnauthenticatedCount* count, std::string ip) : count_(count), ip_(std::move(ip)) {}
    PendingAuth(PendingAuth&& other) noexcept;
    PendingAuth& operator=(PendingAuth&& other) noexcept;
    ~PendingAuth() { release(); }
    void release() noexcept;
    bool held() const noexcept { return count_ != nullptr; }

private:
    UnauthenticatedCount* count_ = nullptr;
    std::string ip_;
};

class UnauthenticatedCount {
public:
    explicit UnauthenticatedCount(std::size_t per_ip) : per_ip_(per_ip) {}
    // A place for one more unauthenticated connection from `ip`, or an empty PendingAuth when
    // `ip` holds per_ip of them already.
    PendingAuth try_take(const std::string& ip);
    std::size_t held(const std::string& ip) const;

private:
    friend class PendingAuth;
    void give_back(const std::string& ip) noexcept;

    const std::size_t per_ip_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::size_t> by_ip_;
};

}  // namespace sluice::server
