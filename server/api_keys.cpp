// api_keys.cpp — loading, generating and checking API keys.
#include "api_keys.hpp"

#include <cctype>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include <sluice/errors.hpp>

namespace sluice::server {
namespace {

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// Compares in time that depends only on the lengths, not on where the first difference is.
bool same(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace

std::string_view strip_bearer(std::string_view credential) noexcept {
    credential = trim(credential);
    constexpr std::string_view k_scheme = "bearer ";
    if (credential.size() >= k_scheme.size()) {
        bool match = true;
        for (std::size_t i = 0; i < k_scheme.size(); ++i)
            match &= std::tolower(static_cast<unsigned char>(credential[i])) == k_scheme[i];
        if (match) credential = trim(credential.substr(k_scheme.size()));
    }
    return credential;
}

ApiKeys ApiKeys::load(std::string_view env_value,
                      const std::optional<std::filesystem::path>& file) {
    ApiKeys keys;
    while (!env_value.empty()) {
        std::size_t comma = env_value.find(',');
        std::string_view key = trim(env_value.substr(0, comma));
        if (!key.empty()) keys.keys_.emplace_back(key);
        env_value =
            comma == std::string_view::npos ? std::string_view() : env_value.substr(comma + 1);
    }
    if (file) {
        std::ifstream in(*file);
        if (!in) throw UsageError(fmt::format("--api-key-file {}: cannot be read", file->string()));
        std::size_t before = keys.keys_.size();
        for (std::string line; std::getline(in, line);) {
            std::string_view key = trim(line);
            if (!key.empty() && key.front() != '#') keys.keys_.emplace_back(key);
        }
        if (keys.keys_.size() == before)
            throw UsageError(
                fmt::format("--api-key-file {}: holds no key (one per line)", file->string()));
    }
    return keys;
}

std::string ApiKeys::generate() {
    std::random_device entropy;  // /dev/urandom on Linux
    std::string key = "sk_";
    for (int i = 0; i < 4; ++i) key += fmt::format("{:08x}", entropy());
    keys_.push_back(key);
    return key;
}

bool ApiKeys::accepts(std::string_view credential) const noexcept {
    credential = strip_bearer(credential);
    bool found = false;
    for (const std::string& key : keys_) found |= same(key, credential);  // no early exit
    return !credential.empty() && found;
}

std::string ApiKeys::key_id(std::string_view credential) const {
    credential = strip_bearer(credential);
    std::size_t found = 0;
    for (std::size_t i = 0; i < keys_.size(); ++i)
        if (same(keys_[i], credential) && found == 0) found = i + 1;
    return credential.empty() || found == 0 ? std::string() : fmt::format("key-{}", found);
}

}  // namespace sluice::server
