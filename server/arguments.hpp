// arguments.hpp — reading a command's arguments: a present argument of the wrong type is a bad
// request naming it; the `execute` options both task backends take.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include <sluice/engine.hpp>
#include <sluice/errors.hpp>
#include <sluice/json.hpp>

namespace sluice::server {

struct Arguments {
    const Json& json;

    const Json* get(std::string_view key, Json::Type type, std::string_view what) const {
        const Json* v = json.find(key);
        if (!v || v->is_null()) return nullptr;
        const bool ok = v->type() == type || (type == Json::Type::number && v->is_number());
        if (!ok)
            throw UsageError(
                fmt::format("argument \"{}\" must be {}, got {}", key, what, to_string(v->type())));
        return v;
    }
    std::string string(std::string_view key) const {
        const Json* v = get(key, Json::Type::string, "a string");
        return v ? v->as_string() : std::string();
    }
};

// token, threads, ttl, useExisting, name, source: checked, as UseOptions.
UseOptions use_options(const Json& json);

}  // namespace sluice::server
