// word_count.cpp — `word_count` (alias `stats`): counts words, characters, bytes and lines of
// each text item into its metadata and the task's wordsCount / wordsSize; the text passes on.
#include "builtin_nodes.hpp"
#include "item_metadata.hpp"
#include <sluice/utf8.hpp>

namespace sluice::nodes {
namespace {

// Bytes of a whitespace code point starting at i (ASCII, NBSP, U+2000..U+200A, U+3000), or 0.
std::size_t space_at(std::string_view t, std::size_t i) {
    const auto c = static_cast<unsigned char>(t[i]);
    if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
    if (c == 0xC2 && i + 1 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0xA0) return 2;
    if (c == 0xE2 && i + 2 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x80 &&
        static_cast<unsigned char>(t[i + 2]) <= 0x8A)
        return 3;
    if (c == 0xE3 && i + 2 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x80 &&
        static_cast<unsigned char>(t[i + 2]) == 0x80)
        return 3;
    return 0;
}

struct Counts {
    std::size_t words = 0, characters = 0, lines = 0;
};

Counts count(std::string_view t) {
    Counts n;
    bool in_word = false;
    for (std::size_t i = 0; i < t.size();) {
        if (std::size_t s = space_at(t, i)) {
            if (t[i] == '\n') ++n.lines;
            in_word = false;
            i += s;
            ++n.characters;
            continue;
        }
        if (!in_word) ++n.words;
        in_word = true;
        if (!is_utf8_continuation(t[i])) ++n.characters;
        ++i;
    }
    if (!t.empty() && t.back() != '\n') ++n.lines;
    return n;
}

class WordCountNode final : public Node {
public:
    void process(Item item, Emitter& out) override {
        const Counts n = count(item.data());
        item.object().count_words(n.words, item.size());
        Json meta = merged_metadata(item, {{"words", Json(n.words)},
                                           {"characters", Json(n.characters)},
                                           {"bytes", Json(item.size())},
                                           {"lines", Json(n.lines)}});
        out.emit(item.with_metadata(std::move(meta)));
    }
};

Provider word_count(std::string name) {
    NodeInfo info;
    info.description = "counts words/characters/lines into metadata and the task's wordsCount";
    info.lanes = {{Lane::text, {Lane::text}}};
    info.concurrency = Concurrency::unlimited;  // stateless; counters are atomic in the engine
    return {std::move(name), std::move(info),
            [](const NodeContext&) { return std::make_unique<WordCountNode>(); }};
}

}  // namespace

std::vector<Provider> word_count_providers() {
    std::vector<Provider> out;
    out.push_back(word_count("word_count"));
    out.push_back(word_count("stats"));
    return out;
}

}  // namespace sluice::nodes
