// sluice/utf8.hpp — UTF-8 for code that handles text: well-formedness (Unicode 15, table 3-7),
// repair, and stepping over code points so a split never cuts a character. Used by the engine's
// JSON reader and writer and by the text nodes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice {

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


struct Utf8Repair {
    std::string text;           // well-formed UTF-8
    std::size_t replaced = 0;   // invalid sequences replaced by U+FFFD
    std::size_t first_bad = 0;  // byte offset of the first one in the input
};

// Copies `input`, replacing each maximal invalid subpart by U+FFFD (the WHATWG practice).
inline Utf8Repair repair_utf8(std::string_view input) {
    Utf8Repair out;
    out.text.reserve(input.size());
    const auto* begin = reinterpret_cast<const unsigned char*>(input.data());
    const auto* end = begin + input.size();
    const auto* run = begin;  // start of the pending valid run
    for (const auto* p = begin; p < end;) {
        if (*p < 0x80) {
            ++p;
            continue;
        }
        Utf8Step step = utf8_step(p, end);
        if (!step.valid) {
            out.text.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
            out.text += "\xEF\xBF\xBD";
            if (out.replaced++ == 0) out.first_bad = static_cast<std::size_t>(p - begin);
            run = p + step.length;
        }
        p += step.length;
    }
    out.text.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(end - run));
    return out;
}

inline bool is_utf8_continuation(char c) noexcept {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The largest offset <= pos that does not fall inside a code point.
inline std::size_t utf8_floor(std::string_view text, std::size_t pos) noexcept {
    if (pos >= text.size()) return text.size();
    std::size_t back = 0;  // a code point has at most 3 continuation bytes
    while (pos > 0 && back < 3 && is_utf8_continuation(text[pos])) --pos, ++back;
    return pos;
}

// Byte offset after `n` code points from `pos` (or text.size()).
inline std::size_t utf8_advance(std::string_view text, std::size_t pos, std::size_t n) noexcept {
    while (n > 0 && pos < text.size()) {
        ++pos;
        while (pos < text.size() && is_utf8_continuation(text[pos])) ++pos;
        --n;
    }
    return pos;
}

inline std::size_t utf8_length(std::string_view text) noexcept {
    std::size_t n = 0;
    for (char c : text) n += is_utf8_continuation(c) ? 0 : 1;
    return n;
}

}  // namespace sluice
