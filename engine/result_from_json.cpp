// result_from_json.cpp — a Result read back from RocketRide's result shape (result_json.cpp
// writes it): for results that crossed a process boundary, as in cluster mode.
#include <cstdint>

#include <fmt/format.h>

#include <sluice/errors.hpp>
#include <sluice/json.hpp>
#include <sluice/result.hpp>

namespace sluice {
namespace {

// RFC 4648 with padding, as append_base64 writes it; Error on anything else.
std::string decode_base64(std::string_view text, std::string_view key) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    if (text.size() % 4 != 0)
        throw Error(fmt::format("result key \"{}\": base64 of length {}, not a multiple of 4", key,
                                text.size()));
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        std::uint32_t v = 0;
        int padding = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            const char c = text[i + j];
            const bool pad = c == '=' && i + 4 == text.size() && j >= 2;
            const int d = pad ? 0 : value(c);
            if (d < 0 || (padding > 0 && !pad))
                throw Error(
                    fmt::format("result key \"{}\": not base64 at character {}", key, i + j));
            padding += pad;
            v = v << 6 | static_cast<std::uint32_t>(d);
        }
        const char bytes[] = {static_cast<char>(v >> 16), static_cast<char>((v >> 8) & 0xff),
                              static_cast<char>(v & 0xff)};
        out.append(bytes, 3 - padding);
    }
    return out;
}

std::vector<std::string> strings(const Json& array, std::string_view key) {
    std::vector<std::string> out;
    if (!array.is_array()) throw Error(fmt::format("result key \"{}\": expected an array", key));
    for (const Json& v : array.as_array()) out.push_back(v.is_string() ? v.as_string() : v.dump());
    return out;
}

}  // namespace

Result result_from_json(std::string_view json) {
    const Json document = Json::parse(json);
    if (!document.is_object()) throw Error("a result must be a JSON object");
    Result result;
    result.name = document.get_string("name");
    result.path = document.get_string("path");
    result.object_id = document.get_string("objectId");
    if (result.name == result.object_id) result.name.clear();  // named by its id: none was given
    result.error = document.get_string("error");
    if (const Json* warnings = document.find("warnings"))
        result.warnings = strings(*warnings, "warnings");
    const Json* types = document.find("result_types");
    if (!types || !types->is_object()) return result;
    for (const auto& [key, lane_name] : types->as_object()) {
        const std::optional<Lane> lane =
            lane_name.is_string() ? lane_from_string(lane_name.as_string()) : std::nullopt;
        if (!lane) throw Error(fmt::format("result key \"{}\": unknown lane", key));
        ResultField field{key, *lane, {}};
        if (const Json* values = document.find(key)) {
            field.values = strings(*values, key);
            if (is_binary_lane(*lane))
                for (std::string& v : field.values) v = decode_base64(v, key);
        }
        result.fields.push_back(std::move(field));
    }
    return result;
}

}  // namespace sluice
