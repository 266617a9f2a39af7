// node_config.cpp — typed config getters with where → what → hint messages.
#include "node_config.hpp"

#include <fmt/format.h>

namespace sluice::nodes {

std::int64_t config_int(const Json& config, std::string_view key, std::int64_t fallback,
                        std::int64_t min, std::int64_t max) {
    const Json* value = config.find(key);
    if (!value || value->is_null()) return fallback;
    if (!value->is_int())
        throw ConfigError(fmt::format("config \"{}\" must be an integer, got {}", key,
                                      to_string(value->type())));
    const std::int64_t v = value->as_int();
    if (v < min || v > max)
        throw ConfigError(fmt::format("config \"{}\" must be between {} and {}, got {}", key, min,
                                      max, v));
    return v;
}

std::string config_choice(const Json& config, std::string_view key, std::string_view fallback,
                          std::initializer_list<std::string_view> choices) {
    const Json* value = config.find(key);
    if (!value || value->is_null()) return std::string(fallback);
    if (!value->is_string())
        throw ConfigError(fmt::format("config \"{}\" must be a string, got {}", key,
                                      to_string(value->type())));
    for (std::string_view choice : choices)
        if (value->as_string() == choice) return value->as_string();
    throw ConfigError(fmt::format("config \"{}\": unknown value \"{}\"; use one of {}", key,
                                  value->as_string(), fmt::join(choices, ", ")));
}

std::string config_string(const Json& config, std::initializer_list<std::string_view> keys,
                          std::string_view fallback) {
    for (std::string_view key : keys) {
        const Json* value = config.find(key);
        if (!value || value->is_null()) continue;
        if (!value->is_string())
            throw ConfigError(fmt::format("config \"{}\" must be a string, got {}", key,
                                          to_string(value->type())));
        return value->as_string();
    }
    return std::string(fallback);
}

std::vector<std::string> config_strings(const Json& config, std::string_view key) {
    std::vector<std::string> out;
    const Json* value = config.find(key);
    if (!value || value->is_null()) return out;
    if (!value->is_array())
        throw ConfigError(fmt::format("config \"{}\" must be an array of strings, got {}", key,
                                      to_string(value->type())));
    for (std::size_t i = 0; i < value->as_array().size(); ++i) {
        const Json& element = value->as_array()[i];
        if (!element.is_string())
            throw ConfigError(fmt::format("config \"{}\"[{}] must be a string, got {}", key, i,
                                          to_string(element.type())));
        out.push_back(element.as_string());
    }
    return out;
}

}  // namespace sluice::nodes
