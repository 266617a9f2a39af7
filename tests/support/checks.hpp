// checks.hpp — assertions shared by the engine tests.
#pragma once

#include <chrono>
#include <future>
#include <string>

#include <doctest/doctest.h>

#include <sluice/sluice.hpp>

namespace sluice::test {

// The invariant every terminate must keep.
inline void check_accounting(const TaskStatus& s) {
    INFO("task ", s.token, " state ", to_string(s.state));
    CHECK(s.accepted == s.completed + s.failed);
    CHECK(s.in_flight == 0);
}

// Waits for a future with a generous bound, so a bug fails the test instead of hanging it.
template <typename Future>
bool ready_within(const Future& f, std::chrono::seconds bound = std::chrono::seconds(60)) {
    return f.wait_for(bound) == std::future_status::ready;
}

// A lowercase version-4 UUID: 8-4-4-4-12 hex digits, version nibble 4, variant 8/9/a/b.
inline bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        const char c = s[i];
        if (dash != (c == '-')) return false;
        if (!dash && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return s[14] == '4' && std::string_view("89ab").find(s[19]) != std::string_view::npos;
}

inline std::string text_of(const Result& r, std::string_view key = "text") {
    const ResultField* f = r.field(key);
    if (!f || f->values.size() != 1) return "<missing or not one value>";
    return f->values[0];
}

}  // namespace sluice::test
