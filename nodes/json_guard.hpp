// json_guard.hpp — a nesting check before Json::parse on untrusted data. Json::parse reads
// nested arrays and objects recursively; on a TBB worker's stack a document nested 100 000 deep
// overflows it (seen: SIGSEGV in DocumentReader::read_array), so nodes refuse deep documents
// first with an error they can report.
#pragma once

#include <cstddef>
#include <string_view>

namespace sluice::nodes {

inline constexpr std::size_t k_max_json_depth = 512;

// True when no array/object in `text` (outside strings) nests deeper than `limit`.
inline bool json_nesting_within(std::string_view text, std::size_t limit = k_max_json_depth) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return false;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return true;
}

}  // namespace sluice::nodes
