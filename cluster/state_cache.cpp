// state_cache.cpp — the KV watcher thread behind StateCache.
#include "state_cache.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>

namespace sluice::cluster {
namespace {

// How long a front keeps asking for its watcher while the bucket's stream elects a leader (4-9 s
// in nats-server 2.9; seen: a front started right after a leader kill timed out once).
constexpr auto k_watch_patience = std::chrono::seconds(30);

kvWatcher* start_watcher(kvStore* kv) {
    const auto give_up = std::chrono::steady_clock::now() + k_watch_patience;
    for (;;) {
        kvWatcher* raw = nullptr;
        const natsStatus status = kvStore_Watch(&raw, kv, ">", nullptr);
        if (status == NATS_OK) return raw;
        // Each attempt is bounded by the JetStream request timeout; a timeout or a missing
        // leader is what an election looks like, anything else will not pass by waiting.
        const bool transient = status == NATS_TIMEOUT || status == NATS_NO_RESPONDERS;
        if (!transient || std::chrono::steady_clock::now() >= give_up)
            check(status, "watching token states in KV",
                  "is the cluster electing a leader? retry when it has one");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));  // a retry's back-off
    }
}

}  // namespace

StateCache::StateCache(TokenStore& tokens, FenceHandler on_fence)
    : tokens_(tokens), on_fence_(std::move(on_fence)) {
    watcher_.reset(start_watcher(tokens_.kv()));
    thread_ = std::thread([this] { watch(); });
}

StateCache::~StateCache() {
    // release: pairs with the watcher thread's acquire load; it exits within one Next timeout.
    stopping_.store(true, std::memory_order_release);
    kvWatcher_Stop(watcher_.get());
    thread_.join();
}

void StateCache::watch() {
    while (!stopping_.load(std::memory_order_acquire)) {
        kvEntry* raw = nullptr;
        natsStatus status = kvWatcher_Next(&raw, watcher_.get(), 250);
        if (status == NATS_TIMEOUT) continue;
        if (status != NATS_OK) {
            if (status == NATS_ILLEGAL_STATE) return;  // stopped
            continue;
        }
        if (!raw) continue;  // the marker after the initial values
        KvEntryPtr entry(raw);
        std::string_view key = kvEntry_Key(raw);
        if (kvEntry_Operation(raw) != kvOp_Put) continue;
        if (key.starts_with("state.")) {
            if (std::optional<TokenState> state = parse_state(kvEntry_ValueString(raw)))
                set(std::string(key.substr(6)), *state);
        } else if (key.starts_with("fence.")) {
            if (std::optional<std::uint64_t> fence = parse_fence(kvEntry_ValueString(raw)))
                on_fence_(std::string(key.substr(6)), *fence);
        }
    }
}

std::optional<TokenState> StateCache::get(const std::string& token) {
    {
        std::lock_guard lock(mutex_);
        if (auto it = states_.find(token); it != states_.end()) return it->second;
    }
    std::optional<TokenRecord> record = tokens_.state(token);
    if (!record) return std::nullopt;
    set(token, record->state);
    std::lock_guard lock(mutex_);
    return states_.at(token);  // set() never lowers a state: this is the newest known
}

std::optional<TokenState> StateCache::peek(const std::string& token) {
    std::lock_guard lock(mutex_);
    if (auto it = states_.find(token); it != states_.end()) return it->second;
    return std::nullopt;
}

void StateCache::set(const std::string& token, TokenState state) {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = states_.emplace(token, state);
    if (!inserted && static_cast<int>(state) > static_cast<int>(it->second)) it->second = state;
}

std::vector<std::pair<std::string, std::string>> StateCache::snapshot() {
    std::vector<std::pair<std::string, std::string>> all;
    {
        std::lock_guard lock(mutex_);
        all.reserve(states_.size());
        for (const auto& [token, state] : states_) all.emplace_back(token, to_string(state));
    }
    std::sort(all.begin(), all.end());
    return all;
}

}  // namespace sluice::cluster
