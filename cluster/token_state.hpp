// token_state.hpp — a token's control state in the KV bucket: running -> draining -> dead.
// Dead is permanent: nothing ever writes a dead key again, so it survives every restart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nats_handle.hpp"

namespace sluice::cluster {

enum class TokenState { running, draining, dead };
std::string_view to_string(TokenState state);

struct TokenRecord {
    TokenState state;
    std::uint64_t revision;
};

class TokenStore {
public:
    explicit TokenStore(KvPtr kv) : kv_(std::move(kv)) {}

    // Claims `token` (compare-and-set on an absent key) and stores its pipeline. Throws
    // AlreadyRunning for a live token and TaskTerminated for a dead one.
    void claim(std::string_view token, std::string_view pipeline_json);
    std::optional<TokenRecord> state(std::string_view token);
    std::optional<std::string> pipeline(std::string_view token);
    // Moves `from` -> `to` with a compare-and-set on `from`'s revision; false when the key
    // changed meanwhile (another front moved it).
    bool advance(std::string_view token, const TokenRecord& from, TokenState to);
    // Records the sequence of the token's terminate fence (fence.hpp) for the fronts' watchers.
    void set_fence(std::string_view token, std::uint64_t fence);
    kvStore* kv() const noexcept { return kv_.get(); }

private:
    KvPtr kv_;
};

std::string state_key(std::string_view token);
std::string pipeline_key(std::string_view token);
std::optional<TokenState> parse_state(std::string_view text);
std::optional<std::uint64_t> parse_fence(std::string_view text);

}  // namespace sluice::cluster
