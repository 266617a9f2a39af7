// api_keys.hpp — the API keys the server accepts: from SLUICE_API_KEYS and/or a key file, or one
// generated at start-up, so the server never runs open by accident.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::server {

class ApiKeys {
public:
    // `env_value`: comma-separated keys; `file`: one key per line ('#' comments, blank lines
    // skipped). Throws UsageError for an unreadable file or when every source is empty but given.
    static ApiKeys load(std::string_view env_value,
                        const std::optional<std::filesystem::path>& file);

    // Adds a fresh random key (32 hex characters from the OS's entropy) and returns it.
    std::string generate();

    // Constant-time comparison against every key; a leading "Bearer " is stripped.
    bool accepts(std::string_view credential) const noexcept;
    // A stable name for the key `credential` carries ("key-1" for the first key loaded, ...),
    // for counting and logs, never the key itself; empty when no key matches.
    std::string key_id(std::string_view credential) const;
    bool empty() const noexcept { return keys_.empty(); }
    std::size_t size() const noexcept { return keys_.size(); }

private:
    std::vector<std::string> keys_;
};

// "Bearer KEY" -> "KEY" (case-insensitive scheme, surrounding spaces trimmed).
std::string_view strip_bearer(std::string_view credential) noexcept;

}  // namespace sluice::server
