// sluice/json.hpp — a small owned JSON value: how node config and object metadata reach user code.
// Parsing is done with simdjson inside the engine; this type keeps simdjson out of public headers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace sluice {

class Json {
public:
    enum class Type { null, boolean, integer, number, string, array, object };
    using Array = std::vector<Json>;
    using Object = std::vector<std::pair<std::string, Json>>;  // keeps document order

    Json() = default;
    Json(std::nullptr_t) {}
    Json(bool b) : v_(b) {}
    // Any integer type (int, size_t, long long, ...); stored as int64 (values above INT64_MAX
    // wrap, which no count in sluice reaches).
    template <typename T,
              std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
    Json(T i) : v_(static_cast<std::int64_t>(i)) {}
    Json(double d) : v_(d) {}
    Json(std::string s) : v_(std::move(s)) {}
    Json(std::string_view s) : v_(std::string(s)) {}
    Json(const char* s) : v_(std::string(s)) {}
    Json(Array a) : v_(std::move(a)) {}
    Json(Object o) : v_(std::move(o)) {}

    // Parses JSON text; throws JsonError with the byte offset, line and column of a syntax error.
    static Json parse(std::string_view text);

    Type type() const noexcept { return static_cast<Type>(v_.index()); }
    bool is_null() const noexcept { return type() == Type::null; }
    bool is_bool() const noexcept { return type() == Type::boolean; }
    bool is_int() const noexcept { return type() == Type::integer; }
    bool is_number() const noexcept { return is_int() || type() == Type::number; }
    bool is_string() const noexcept { return type() == Type::string; }
    bool is_array() const noexcept { return type() == Type::array; }
    bool is_object() const noexcept { return type() == Type::object; }

    // Typed access; throws UsageError naming the expected and actual type on a mismatch.
    bool as_bool() const;
    std::int64_t as_int() const;
    double as_double() const;  // integers convert
    const std::string& as_string() const;
    const Array& as_array() const;
    const Object& as_object() const;
    Array& as_array();
    Object& as_object();

    // Object member lookup; nullptr when this is not an object or the key is absent.
    const Json* find(std::string_view key) const noexcept;
    // Convenience getters with a default for absent keys (a present key of the wrong type throws).
    std::string get_string(std::string_view key, std::string_view fallback = {}) const;
    std::int64_t get_int(std::string_view key, std::int64_t fallback) const;
    double get_double(std::string_view key, double fallback) const;
    bool get_bool(std::string_view key, bool fallback) const;

    // Sets (or replaces) an object member; turns a null value into an object first.
    Json& set(std::string key, Json value);

    std::string dump() const;  // compact JSON text
    void dump_to(std::string& out) const;

    friend bool operator==(const Json&, const Json&) = default;

private:
    std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, Array, Object> v_;
};

std::string_view to_string(Json::Type type) noexcept;

// Appends `text` to `out` as a quoted JSON string. Invalid UTF-8 bytes become U+FFFD so the
// output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

}  // namespace sluice
