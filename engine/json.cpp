// json.cpp — sluice::Json values: typed access, member lookup, and compact writing (including
// the UTF-8-repairing string escaper on the result path). Parsing lives in json_parse.cpp.
#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include <sluice/errors.hpp>
#include <sluice/json.hpp>

#include <sluice/utf8.hpp>

namespace sluice {
namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";  // U+FFFD

void append_escape(std::string& out, unsigned char c) {
    switch (c) {
        case '"': out += "\\\""; return;
        case '\\': out += "\\\\"; return;
        case '\n': out += "\\n"; return;
        case '\t': out += "\\t"; return;
        case '\r': out += "\\r"; return;
        case '\b': out += "\\b"; return;
        case '\f': out += "\\f"; return;
        default: {
            constexpr char k_hex[] = "0123456789abcdef";
            const char code[] = {'\\', 'u', '0', '0', k_hex[c >> 4], k_hex[c & 0xF]};
            out.append(code, sizeof code);
        }
    }
}

[[noreturn]] void throw_type_error(Json::Type expected, Json::Type actual) {
    throw UsageError(fmt::format("expected {}, got {}", to_string(expected), to_string(actual)));
}

[[noreturn]] void throw_key_type_error(std::string_view key, std::string_view expected,
                                       Json::Type actual) {
    throw UsageError(
        fmt::format("key \"{}\": expected {}, got {}", key, expected, to_string(actual)));
}

void append_double(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";  // JSON has no NaN or infinity
        return;
    }
    std::size_t start = out.size();
    fmt::format_to(std::back_inserter(out), "{}", d);  // shortest round-trip form
    // Keep a double a double when read back: "1" would parse as an integer.
    if (out.find_first_of(".eE", start) == std::string::npos) out += ".0";
}

}  // namespace

// ---- Json ---------------------------------------------------------------------------------

bool Json::as_bool() const {
    if (!is_bool()) throw_type_error(Type::boolean, type());
    return std::get<bool>(v_);
}

std::int64_t Json::as_int() const {
    if (!is_int()) throw_type_error(Type::integer, type());
    return std::get<std::int64_t>(v_);
}

double Json::as_double() const {
    if (is_int()) return static_cast<double>(std::get<std::int64_t>(v_));
    if (type() != Type::number) throw_type_error(Type::number, type());
    return std::get<double>(v_);
}

const std::string& Json::as_string() const {
    if (!is_string()) throw_type_error(Type::string, type());
    return std::get<std::string>(v_);
}

const Json::Array& Json::as_array() const {
    if (!is_array()) throw_type_error(Type::array, type());
    return std::get<Array>(v_);
}

const Json::Object& Json::as_object() const {
    if (!is_object()) throw_type_error(Type::object, type());
    return std::get<Object>(v_);
}

Json::Array& Json::as_array() {
    if (!is_array()) throw_type_error(Type::array, type());
    return std::get<Array>(v_);
}

Json::Object& Json::as_object() {
    if (!is_object()) throw_type_error(Type::object, type());
    return std::get<Object>(v_);
}

const Json* Json::find(std::string_view key) const noexcept {
    if (!is_object()) return nullptr;
    for (const auto& [name, value] : std::get<Object>(v_))
        if (name == key) return &value;
    return nullptr;
}

std::string Json::get_string(std::string_view key, std::string_view fallback) const {
    const Json* value = find(key);
    if (!value) return std::string(fallback);
    if (!value->is_string()) throw_key_type_error(key, "string", value->type());
    return value->as_string();
}

std::int64_t Json::get_int(std::string_view key, std::int64_t fallback) const {
    const Json* value = find(key);
    if (!value) return fallback;
    if (!value->is_int()) throw_key_type_error(key, "integer", value->type());
    return value->as_int();
}

double Json::get_double(std::string_view key, double fallback) const {
    const Json* value = find(key);
    if (!value) return fallback;
    if (!value->is_number()) throw_key_type_error(key, "number", value->type());
    return value->as_double();
}

bool Json::get_bool(std::string_view key, bool fallback) const {
    const Json* value = find(key);
    if (!value) return fallback;
    if (!value->is_bool()) throw_key_type_error(key, "boolean", value->type());
    return value->as_bool();
}

Json& Json::set(std::string key, Json value) {
    if (is_null()) v_ = Object{};
    Object& members = as_object();
    for (auto& [name, existing] : members) {
        if (name == key) {
            existing = std::move(value);
            return existing;
        }
    }
    members.emplace_back(std::move(key), std::move(value));
    return members.back().second;
}

std::string Json::dump() const {
    std::string out;
    dump_to(out);
    return out;
}

void Json::dump_to(std::string& out) const {
    switch (type()) {
        case Type::null: out += "null"; return;
        case Type::boolean: out += std::get<bool>(v_) ? "true" : "false"; return;
        case Type::integer:
            fmt::format_to(std::back_inserter(out), "{}", std::get<std::int64_t>(v_));
            return;
        case Type::number: append_double(out, std::get<double>(v_)); return;
        case Type::string: append_json_string(out, std::get<std::string>(v_)); return;
        case Type::array: {
            out += '[';
            const char* separator = "";
            for (const Json& element : std::get<Array>(v_)) {
                out += separator;
                element.dump_to(out);
                separator = ",";
            }
            out += ']';
            return;
        }
        case Type::object: {
            out += '{';
            const char* separator = "";
            for (const auto& [key, value] : std::get<Object>(v_)) {
                out += separator;
                append_json_string(out, key);
                out += ':';
                value.dump_to(out);
                separator = ",";
            }
            out += '}';
            return;
        }
    }
}

std::string_view to_string(Json::Type type) noexcept {
    switch (type) {
        case Json::Type::null: return "null";
        case Json::Type::boolean: return "boolean";
        case Json::Type::integer: return "integer";
        case Json::Type::number: return "number";
        case Json::Type::string: return "string";
        case Json::Type::array: return "array";
        case Json::Type::object: return "object";
    }
    return "unknown";
}

void append_json_string(std::string& out, std::string_view text) {
    // Room for the common case (nothing to escape); grow geometrically, as appends would.
    if (std::size_t need = out.size() + text.size() + 2; need > out.capacity())
        out.reserve(std::max(need, 2 * out.capacity()));
    out += '"';
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    const auto* run = p;  // start of the bytes that pass through unchanged
    auto flush = [&](const unsigned char* upto) {
        out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(upto - run));
    };
    while (p < end) {
        const unsigned char c = *p;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            ++p;
        } else if (c >= 0x80) {
            Utf8Step step = utf8_step(p, end);
            if (!step.valid) {
                flush(p);
                out += k_replacement;
                run = p + step.length;
            }
            p += step.length;
        } else {
            flush(p);
            append_escape(out, c);
            run = ++p;
        }
    }
    flush(end);
    out += '"';
}

}  // namespace sluice
