// parse_html.cpp — visible text from HTML in one forward pass: tags dropped, raw-text elements
// (script, style, ...) skipped to their end tag, entities decoded, blocks ending lines.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

#include "parse_formats.hpp"

namespace sluice::nodes {
namespace {

// Elements whose content is never shown on the page.
// (Not <head>: its end tag is optional, and its other children carry no text anyway.)
constexpr std::array<std::string_view, 5> k_hidden = {"script", "style", "noscript", "template",
                                                      "title"};
constexpr std::array<std::string_view, 27> k_blocks = {
    "p",  "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "nav", "aside", "blockquote", "pre", "hr", "dt",
    "dd", "main", "form"};

bool is_one_of(std::string_view name, const auto& list) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

bool iequals_at(std::string_view text, std::size_t at, std::string_view word) {
    if (at + word.size() > text.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i]) return false;
    return true;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

class HtmlText {
public:
    explicit HtmlText(std::string_view html) : in_(html) {}

    std::string run() {
        while (at_ < in_.size()) {
            const char c = in_[at_];
            if (c == '<') tag();
            else if (c == '&') entity();
            else if (std::isspace(static_cast<unsigned char>(c))) space(), ++at_;
            else out_ += c, ++at_;
        }
        while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\n')) out_.pop_back();
        return std::move(out_);
    }

private:
    void space() {
        if (!out_.empty() && out_.back() != ' ' && out_.back() != '\n') out_ += ' ';
    }
    void line_break() {
        while (!out_.empty() && out_.back() == ' ') out_.pop_back();
        if (!out_.empty() && out_.back() != '\n') out_ += '\n';
    }
    void skip_past(std::string_view end_marker) {
        std::size_t end = in_.find(end_marker, at_);
        at_ = end == std::string_view::npos ? in_.size() : end + end_marker.size();
    }
    // From `at_` (just after the name) to after the closing '>', skipping quoted values.
    void skip_tag_rest() {
        char quote = 0;
        for (; at_ < in_.size(); ++at_) {
            const char c = in_[at_];
            if (quote) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                ++at_;
                return;
            }
        }
    }
    // Skips to the end tag `</name`, case-insensitively, then past its '>'.
    void skip_element(std::string_view name) {
        for (std::size_t p = in_.find('<', at_); p != std::string_view::npos;
             p = in_.find('<', p + 1)) {
            if (p + 1 < in_.size() && in_[p + 1] == '/' && iequals_at(in_, p + 2, name)) {
                at_ = p + 2 + name.size();
                return skip_tag_rest();
            }
        }
        at_ = in_.size();
    }
    void tag() {
        if (in_.compare(at_, 4, "<!--") == 0) return skip_past("-->");
        std::size_t p = at_ + 1;
        const bool closing = p < in_.size() && in_[p] == '/';
        if (closing) ++p;
        std::string name;
        while (p < in_.size() && std::isalnum(static_cast<unsigned char>(in_[p])) && name.size() < 16)
            name += static_cast<char>(std::tolower(static_cast<unsigned char>(in_[p++])));
        if (name.empty() && !(p < in_.size() && (in_[p] == '!' || in_[p] == '?'))) {
            out_ += '<';  // a lone '<' in text ("a < b")
            ++at_;
            return;
        }
        at_ = p;
        skip_tag_rest();
        if (!closing && is_one_of(name, k_hidden)) skip_element(name);
        if (is_one_of(name, k_blocks)) line_break();
        else if (name == "td" || name == "th") space();
    }
    void entity() {
        const std::size_t semi = in_.find(';', at_);
        if (semi == std::string_view::npos || semi - at_ > 10) {
            out_ += '&';
            ++at_;
            return;
        }
        std::string_view body = in_.substr(at_ + 1, semi - at_ - 1);
        if (!decode(body)) {
            out_ += '&';
            ++at_;
            return;
        }
        at_ = semi + 1;
    }
    bool decode(std::string_view body) {
        static constexpr std::array<std::pair<std::string_view, std::uint32_t>, 8> named = {{
            {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
            {"nbsp", ' '}, {"copy", 0xA9}, {"hellip", 0x2026}}};
        for (const auto& [name, cp] : named)
            if (body == name) return append_utf8(out_, cp), true;
        if (body.size() < 2 || body[0] != '#') return false;
        const bool hex = body[1] == 'x' || body[1] == 'X';
        std::uint32_t cp = 0;
        std::string_view digits = body.substr(hex ? 2 : 1);
        if (digits.empty() || digits.size() > 7) return false;
        for (char d : digits) {
            if (!(hex ? std::isxdigit(static_cast<unsigned char>(d))
                      : std::isdigit(static_cast<unsigned char>(d))))
                return false;
            cp = cp * (hex ? 16 : 10) +
                 static_cast<std::uint32_t>(std::isdigit(static_cast<unsigned char>(d))
                                                ? d - '0'
                                                : std::tolower(static_cast<unsigned char>(d)) - 'a' + 10);
        }
        append_utf8(out_, cp);
        return true;
    }

    std::string_view in_;
    std::size_t at_ = 0;
    std::string out_;
};

}  // namespace

std::string html_visible_text(std::string_view html) { return HtmlText(html).run(); }

}  // namespace sluice::nodes
