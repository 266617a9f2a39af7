// utf8.hpp — UTF-8 well-formedness, shared by the JSON reader (to locate bad bytes) and the
// JSON string writer (to replace them).
#pragma once

#include <cstddef>
#include <string_view>

namespace sluice::detail {

struct Utf8Step {
    std::size_t length;  // bytes consumed: the sequence, or its maximal invalid subpart (>= 1)
    bool valid;
};

// Classifies the sequence starting at the non-ASCII byte `p` (Unicode 15, table 3-7): overlong
// forms, surrogates and code points above U+10FFFF are invalid. An invalid sequence consumes
// its maximal subpart, so each one becomes exactly one U+FFFD (the W3C/WHATWG practice).
inline Utf8Step utf8_step(const unsigned char* p, const unsigned char* end) noexcept {
    const unsigned char lead = p[0];
    std::size_t need = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the next continuation byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        need = 2;
        if (lead == 0xE0)
            lo = 0xA0;  // overlong
        else if (lead == 0xED)
            hi = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        need = 3;
        if (lead == 0xF0)
            lo = 0x90;  // overlong
        else if (lead == 0xF4)
            hi = 0x8F;  // above U+10FFFF
    } else {
        return {1, false};  // continuation byte, C0/C1 overlong lead, or F5..FF
    }
    std::size_t n = 1;
    for (; n <= need; ++n) {
        if (p + n >= end || p[n] < lo || p[n] > hi) return {n, false};
        lo = 0x80;
        hi = 0xBF;
    }
    return {n, true};
}

// Offset of the first byte that is not well-formed UTF-8; text.size() when there is none.
inline std::size_t first_invalid_utf8(std::string_view text) noexcept {
    const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = begin + text.size();
    for (const auto* p = begin; p < end;) {
        if (*p < 0x80) {
            ++p;
            continue;
        }
        Utf8Step step = utf8_step(p, end);
        if (!step.valid) return static_cast<std::size_t>(p - begin);
        p += step.length;
    }
    return text.size();
}

}  // namespace sluice::detail
