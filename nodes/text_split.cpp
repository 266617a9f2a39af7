// text_split.cpp — the splitting strategies. Text is first cut into "atoms" no longer than the
// chunk size (at separators, sentence ends or headings; by characters as a last resort), then
// consecutive atoms are merged up to the chunk size, the next chunk starting with as many
// trailing atoms of the previous one as fit in the overlap (LangChain's merge rule).
#include "text_split.hpp"

#include <cctype>

#include <sluice/utf8.hpp>

namespace sluice::nodes {
namespace {

struct Span {
    std::size_t start, end;
};

class Splitter {
public:
    Splitter(std::string_view text, const SplitOptions& o) : text_(text), o_(o) {}

    std::vector<Chunk> run() {
        switch (o_.strategy) {
            case SplitStrategy::characters: return windows_as_chunks();
            case SplitStrategy::recursive: atoms_recursive({0, text_.size()}, o_.separators, 0); break;
            case SplitStrategy::sentences: atoms_sentences(); break;
            case SplitStrategy::markdown: return markdown_sections();
        }
        return merge("");
    }

private:
    std::size_t length(Span s) const { return utf8_length(text_.substr(s.start, s.end - s.start)); }

    // Fixed windows of chunk_size code points, each starting `step` code points after the last.
    void windows(Span s, std::size_t step, std::vector<Span>& out) const {
        for (std::size_t pos = s.start; pos < s.end;) {
            std::size_t end = std::min(utf8_advance(text_, pos, o_.chunk_size), s.end);
            out.push_back({pos, end});
            if (end == s.end) break;
            pos = utf8_advance(text_, pos, step);
        }
    }

    std::vector<Chunk> windows_as_chunks() const {
        std::vector<Span> spans;
        windows({0, text_.size()}, o_.chunk_size - o_.chunk_overlap, spans);
        std::vector<Chunk> chunks;
        for (Span s : spans) chunks.push_back({s.start, s.end, {}});
        return chunks;
    }

    // Splits `s` at the first separator that occurs in it (each piece keeps its separator),
    // recursing into oversized pieces with the separators after it. Depth <= separators + 1.
    void atoms_recursive(Span s, const std::vector<std::string>& seps, std::size_t from) {
        if (length(s) <= o_.chunk_size) return atoms_.push_back(s);
        for (std::size_t i = from; i < seps.size(); ++i) {
            const std::string& sep = seps[i];
            if (sep.empty()) break;
            std::string_view view = text_.substr(s.start, s.end - s.start);
            if (view.find(sep) == std::string_view::npos) continue;
            std::size_t piece = s.start;
            for (std::size_t at = view.find(sep); at != std::string_view::npos;
                 at = view.find(sep, at + sep.size())) {
                const std::size_t end = s.start + at + sep.size();
                atoms_recursive({piece, end}, seps, i + 1);
                piece = end;
            }
            if (piece < s.end) atoms_recursive({piece, s.end}, seps, i + 1);
            return;
        }
        windows(s, o_.chunk_size, atoms_);
    }

    // 1: '.', '!' or '?' (a sentence end when whitespace follows); 2: 。！？… (always one).
    static int sentence_end(std::string_view t, std::size_t i) {
        const char c = t[i];
        if (c == '.' || c == '!' || c == '?') return 1;
        if (i < 2) return 0;
        std::string_view tail = t.substr(i - 2, 3);  // the terminator's last UTF-8 byte is at i
        return tail == "\xE3\x80\x82" || tail == "\xEF\xBC\x81" || tail == "\xEF\xBC\x9F" ||
                       tail == "\xE2\x80\xA6"
                   ? 2
                   : 0;
    }

    // A sentence runs to a terminator and the whitespace after it, or to a blank line.
    void atoms_sentences() {
        static const std::vector<std::string> words = {"\n", " ", ""};
        std::size_t start = 0;
        for (std::size_t i = 0; i < text_.size(); ++i) {
            const bool blank_line = text_[i] == '\n' && i + 1 < text_.size() && text_[i + 1] == '\n';
            const int kind = sentence_end(text_, i);
            const bool end = kind == 2 || (kind == 1 && i + 1 < text_.size() &&
                                           std::isspace(static_cast<unsigned char>(text_[i + 1])));
            if (!end && !blank_line) continue;
            std::size_t next = i + 1;
            while (next < text_.size() && std::isspace(static_cast<unsigned char>(text_[next]))) ++next;
            atoms_recursive({start, next}, words, 0);
            start = next;
            i = next - 1;
        }
        if (start < text_.size()) atoms_recursive({start, text_.size()}, words, 0);
    }

    // ATX headings: 1 to 6 '#' then a space or the end of the line ("#tag" is not one).
    static bool is_heading(std::string_view line) {
        std::size_t n = 0;
        while (n < line.size() && n < 7 && line[n] == '#') ++n;
        return n >= 1 && n <= 6 && (n == line.size() || line[n] == ' ' || line[n] == '\t');
    }

    // Each section (a heading line and what follows up to the next heading) is split on its own.
    std::vector<Chunk> markdown_sections() {
        std::vector<Chunk> all;
        std::size_t start = 0;
        std::string heading;
        const auto flush = [&](std::size_t end, std::string next_heading) {
            atoms_.clear();
            if (end > start) atoms_recursive({start, end}, o_.separators, 0);
            for (Chunk& c : merge(heading)) all.push_back(std::move(c));
            start = end;
            heading = std::move(next_heading);
        };
        for (std::size_t line = 0; line < text_.size();) {
            std::size_t eol = text_.find('\n', line);
            if (eol == std::string_view::npos) eol = text_.size();
            if (is_heading(text_.substr(line, eol - line)))
                flush(line, std::string(text_.substr(line, eol - line)));
            line = eol + 1;
        }
        flush(text_.size(), {});
        return all;
    }

    Span trimmed(Span s) const {
        while (s.start < s.end && std::isspace(static_cast<unsigned char>(text_[s.start]))) ++s.start;
        while (s.end > s.start && std::isspace(static_cast<unsigned char>(text_[s.end - 1]))) --s.end;
        return s;
    }

    std::vector<Chunk> merge(const std::string& heading) const {
        std::vector<Chunk> chunks;
        std::vector<std::size_t> lengths;
        for (Span a : atoms_) lengths.push_back(length(a));
        for (std::size_t i = 0; i < atoms_.size();) {
            std::size_t j = i, total = 0;
            while (j < atoms_.size() && (j == i || total + lengths[j] <= o_.chunk_size))
                total += lengths[j++];
            Span s = trimmed({atoms_[i].start, atoms_[j - 1].end});
            if (s.end > s.start) chunks.push_back({s.start, s.end, heading});
            if (j == atoms_.size()) break;
            std::size_t k = j, kept = 0;  // trailing atoms that fit in the overlap
            while (k - 1 > i && kept + lengths[k - 1] <= o_.chunk_overlap) kept += lengths[--k];
            i = k;
        }
        return chunks;
    }

    std::string_view text_;
    const SplitOptions& o_;
    std::vector<Span> atoms_;
};

}  // namespace

std::vector<Chunk> split_text(std::string_view text, const SplitOptions& options) {
    return Splitter(text, options).run();
}

}  // namespace sluice::nodes
