// token_state.cpp — compare-and-set moves of a token's KV state.
#include "token_state.hpp"

#include <charconv>

#include <fmt/format.h>

namespace sluice::cluster {

std::string_view to_string(TokenState state) {
    switch (state) {
        case TokenState::running: return "running";
        case TokenState::draining: return "draining";
        case TokenState::dead: return "dead";
    }
    return "unknown";
}

std::optional<TokenState> parse_state(std::string_view text) {
    if (text == "running") return TokenState::running;
    if (text == "draining") return TokenState::draining;
    if (text == "dead") return TokenState::dead;
    return std::nullopt;
}

std::optional<std::uint64_t> parse_fence(std::string_view text) {
    std::uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value == 0) return std::nullopt;
    return value;
}

std::string state_key(std::string_view token) { return fmt::format("state.{}", token); }
std::string pipeline_key(std::string_view token) { return fmt::format("pipeline.{}", token); }

void TokenStore::claim(std::string_view token, std::string_view pipeline_json) {
    const std::string key = state_key(token);
    // The claim first (an atomic create), so a loser never overwrites the winner's pipeline.
    // Workers read the pipeline only for an object, and objects follow claim()'s return.
    std::uint64_t revision = 0;
    natsStatus status = kvStore_CreateString(&revision, kv_.get(), key.c_str(), "running");
    if (status != NATS_OK) {
        std::optional<TokenRecord> current = state(token);
        if (current && current->state == TokenState::dead)
            throw TaskTerminated(fmt::format(
                "token \"{}\": is dead in the cluster and stays dead; use another token", token));
        if (current)
            throw AlreadyRunning(fmt::format(
                "token \"{}\": is already {} in the cluster; terminate it first or use another "
                "token",
                token, to_string(current->state)));
        check(status,
              fmt::format("token \"{}\": claiming it in KV {}", token, kvStore_Bucket(kv_.get())));
    }
    const std::string pkey = pipeline_key(token);
    check(kvStore_Put(nullptr, kv_.get(), pkey.c_str(), pipeline_json.data(),
                      static_cast<int>(pipeline_json.size())),
          fmt::format("token \"{}\": storing its pipeline", token),
          "is the pipeline larger than the server's max_payload?");
}

std::optional<TokenRecord> TokenStore::state(std::string_view token) {
    const std::string key = state_key(token);
    kvEntry* raw = nullptr;
    natsStatus status = kvStore_Get(&raw, kv_.get(), key.c_str());
    if (status == NATS_NOT_FOUND) return std::nullopt;
    check(status, fmt::format("token \"{}\": reading its state", token));
    KvEntryPtr entry(raw);
    std::optional<TokenState> parsed = parse_state(kvEntry_ValueString(raw));
    if (!parsed)
        throw ClusterError(
            fmt::format("token \"{}\": KV holds state \"{}\"; expected "
                        "running, draining or dead",
                        token, kvEntry_ValueString(raw)));
    return TokenRecord{*parsed, kvEntry_Revision(raw)};
}

std::optional<std::string> TokenStore::pipeline(std::string_view token) {
    const std::string key = pipeline_key(token);
    kvEntry* raw = nullptr;
    natsStatus status = kvStore_Get(&raw, kv_.get(), key.c_str());
    if (status == NATS_NOT_FOUND) return std::nullopt;
    check(status, fmt::format("token \"{}\": reading its pipeline", token));
    KvEntryPtr entry(raw);
    return std::string(static_cast<const char*>(kvEntry_Value(raw)),
                       static_cast<std::size_t>(kvEntry_ValueLen(raw)));
}

void TokenStore::set_fence(std::string_view token, std::uint64_t fence) {
    const std::string key = fmt::format("fence.{}", token);
    const std::string value = std::to_string(fence);
    check(kvStore_PutString(nullptr, kv_.get(), key.c_str(), value.c_str()),
          fmt::format("token \"{}\": recording its terminate fence in KV", token));
}

bool TokenStore::advance(std::string_view token, const TokenRecord& from, TokenState to) {
    const std::string key = state_key(token);
    const std::string value(to_string(to));
    natsStatus status =
        kvStore_UpdateString(nullptr, kv_.get(), key.c_str(), value.c_str(), from.revision);
    if (status == NATS_OK) return true;
    std::optional<TokenRecord> now = state(token);
    if (now && now->revision != from.revision) return false;  // lost the race: caller rereads
    check(status, fmt::format("token \"{}\": setting its state to {}", token, value));
    return false;
}

}  // namespace sluice::cluster
