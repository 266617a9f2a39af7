// text_split.hpp — cutting text into chunks of at most N code points with an overlap, by
// strategy. Chunks are byte spans of the original text and never cut a code point.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::nodes {

enum class SplitStrategy { characters, recursive, sentences, markdown };

struct Chunk {
    std::size_t start = 0;  // byte offsets into the text: [start, end)
    std::size_t end = 0;
    std::string heading;    // markdown: the heading line of the chunk's section
};

struct SplitOptions {
    SplitStrategy strategy = SplitStrategy::recursive;
    std::size_t chunk_size = 512;  // code points
    std::size_t chunk_overlap = 0;
    std::vector<std::string> separators = {"\n\n", "\n", " ", ""};  // recursive
};

// `text` must be valid UTF-8. Chunks other than `characters` are trimmed of surrounding
// whitespace; empty ones are dropped.
std::vector<Chunk> split_text(std::string_view text, const SplitOptions& options);

}  // namespace sluice::nodes
