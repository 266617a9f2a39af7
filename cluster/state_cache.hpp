// state_cache.hpp — a front's view of every token's state, kept current by a KV watcher, so a
// send checks it without a round trip and every front refuses a draining token's sends within
// the watcher's delivery time. The same watcher delivers each token's terminate fence.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "token_state.hpp"

namespace sluice::cluster {

class StateCache {
public:
    using FenceHandler = std::function<void(const std::string& token, std::uint64_t fence)>;
    StateCache(TokenStore& tokens, FenceHandler on_fence);
    ~StateCache();
    StateCache(const StateCache&) = delete;
    StateCache& operator=(const StateCache&) = delete;

    // The cached state, or KV's when the token was not seen yet; nullopt for an unknown token.
    std::optional<TokenState> get(const std::string& token);
    // The cached state only: nullopt when this cache has not seen the token. Never a round trip.
    std::optional<TokenState> peek(const std::string& token);
    // A state this front just wrote. States only move forward, so a late watcher update
    // carrying an older state is ignored.
    void set(const std::string& token, TokenState state);
    // Every token seen so far with its state's name, sorted by token.
    std::vector<std::pair<std::string, std::string>> snapshot();

private:
    void watch();

    TokenStore& tokens_;
    FenceHandler on_fence_;
    KvWatcherPtr watcher_;
    std::mutex mutex_;
    std::unordered_map<std::string, TokenState> states_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace sluice::cluster
