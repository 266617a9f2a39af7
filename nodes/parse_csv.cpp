// parse_csv.cpp — CSV rows (RFC 4180) and the JSON helpers of the `parse` node.
#include <fmt/format.h>

#include "parse_formats.hpp"

namespace sluice::nodes {

CsvTable parse_csv(std::string_view text, char delimiter) {
    CsvTable table;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, row_has_data = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c != '"') field += c;
            else if (i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
            else quoted = false;
        } else if (c == '"' && field.empty()) {
            quoted = row_has_data = true;
        } else if (c == delimiter) {
            row.push_back(std::move(field));
            field.clear();
            row_has_data = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            if (row_has_data || !field.empty()) row.push_back(std::move(field));
            if (!row.empty()) table.rows.push_back(std::move(row));
            row.clear();
            field.clear();
            row_has_data = false;
        } else {
            field += c;  // a stray quote inside an unquoted field is kept as text
            row_has_data = true;
        }
    }
    table.unterminated_quote = quoted;
    if (row_has_data || !field.empty()) row.push_back(std::move(field));
    if (!row.empty()) table.rows.push_back(std::move(row));
    return table;
}

namespace {

void pretty_to(std::string& out, const Json& value, int depth) {
    const auto newline = [&](int d) {
        out += '\n';
        out.append(static_cast<std::size_t>(d) * 2, ' ');
    };
    if (value.is_array() && !value.as_array().empty()) {
        out += '[';
        const char* sep = "";
        for (const Json& element : value.as_array()) {
            out += sep;
            newline(depth + 1);
            pretty_to(out, element, depth + 1);
            sep = ",";
        }
        newline(depth);
        out += ']';
    } else if (value.is_object() && !value.as_object().empty()) {
        out += '{';
        const char* sep = "";
        for (const auto& [key, member] : value.as_object()) {
            out += sep;
            newline(depth + 1);
            append_json_string(out, key);
            out += ": ";
            pretty_to(out, member, depth + 1);
            sep = ",";
        }
        newline(depth);
        out += '}';
    } else {
        value.dump_to(out);
    }
}

// RFC 6901: '~' is written "~0" and '/' is written "~1".
void append_pointer_token(std::string& pointer, std::string_view key) {
    pointer += '/';
    for (char c : key) {
        if (c == '~') pointer += "~0";
        else if (c == '/') pointer += "~1";
        else pointer += c;
    }
}

void leaves(std::string& pointer, const Json& value,
            const std::function<void(const std::string&, const Json&)>& on_leaf) {
    const std::size_t mark = pointer.size();
    if (value.is_array()) {
        for (std::size_t i = 0; i < value.as_array().size(); ++i) {
            append_pointer_token(pointer, fmt::format("{}", i));
            leaves(pointer, value.as_array()[i], on_leaf);
            pointer.resize(mark);
        }
    } else if (value.is_object()) {
        for (const auto& [key, member] : value.as_object()) {
            append_pointer_token(pointer, key);
            leaves(pointer, member, on_leaf);
            pointer.resize(mark);
        }
    } else {
        on_leaf(pointer, value);
    }
}

}  // namespace

// Recursion depth is bounded: Json::parse rejects documents nested deeper than simdjson's 1024.
std::string pretty_json(const Json& value) {
    std::string out;
    pretty_to(out, value, 0);
    return out;
}

void for_each_json_leaf(const Json& value,
                        const std::function<void(const std::string&, const Json&)>& on_leaf) {
    std::string pointer;
    leaves(pointer, value, on_leaf);
}

}  // namespace sluice::nodes
