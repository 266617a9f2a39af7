// parse_formats.hpp — the text extractors behind the `parse` node, one per format; each is a
// single linear pass with no recursion on the input (JSON nesting is capped by simdjson).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/json.hpp>

namespace sluice::nodes {

// Visible text of an HTML document: no tags, comments, scripts, styles or title; entities
// decoded; block elements end a line; runs of whitespace become one space.
std::string html_visible_text(std::string_view html);

struct CsvTable {
    std::vector<std::vector<std::string>> rows;
    bool unterminated_quote = false;  // the input ended inside a quoted field
};
// RFC 4180: quoted fields, "" escapes, CRLF or LF line ends; lenient on stray quotes.
CsvTable parse_csv(std::string_view text, char delimiter);

// Two-space indented JSON text.
std::string pretty_json(const Json& value);
// Calls on_leaf(pointer, value) for every scalar in document order (RFC 6901 pointers).
void for_each_json_leaf(const Json& value,
                        const std::function<void(const std::string&, const Json&)>& on_leaf);

}  // namespace sluice::nodes
