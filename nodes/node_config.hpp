// node_config.hpp — reading a node's config with messages that say what is wrong and what
// would be right. The engine prefixes each message with the component id (`component "x": `).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/errors.hpp>
#include <sluice/json.hpp>

namespace sluice::nodes {

using sluice::ConfigError;  // a config value a node cannot run with (sluice/errors.hpp)

// An integer key in [min, max]; `fallback` when absent.
std::int64_t config_int(const Json& config, std::string_view key, std::int64_t fallback,
                        std::int64_t min, std::int64_t max);

// A string key that must be one of `choices`; `fallback` when absent.
std::string config_choice(const Json& config, std::string_view key, std::string_view fallback,
                          std::initializer_list<std::string_view> choices);

// A string key, or the first of its aliases present (RocketRide spellings); `fallback` if none.
std::string config_string(const Json& config, std::initializer_list<std::string_view> keys,
                          std::string_view fallback = {});

// An array of strings (absent: empty); `what` names an element in messages.
std::vector<std::string> config_strings(const Json& config, std::string_view key);

}  // namespace sluice::nodes
