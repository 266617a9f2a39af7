// result_json.cpp — a Result in RocketRide's result shape, written straight into one string:
// text lanes as strings, JSON lanes embedded when valid, binary lanes base64-encoded.
#include <cstdint>

#include <simdjson.h>

#include <sluice/json.hpp>
#include <sluice/result.hpp>

namespace sluice {
namespace {

constexpr char k_base64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Appends `bytes` as a quoted base64 string (RFC 4648, with padding).
void append_base64(std::string& out, std::string_view bytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    out += '"';
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        std::uint32_t v = std::uint32_t{p[i]} << 16 | std::uint32_t{p[i + 1]} << 8 | p[i + 2];
        const char quad[] = {k_base64[v >> 18], k_base64[(v >> 12) & 63], k_base64[(v >> 6) & 63],
                             k_base64[v & 63]};
        out.append(quad, 4);
    }
    if (n - i == 1) {
        std::uint32_t v = std::uint32_t{p[i]} << 16;
        const char quad[] = {k_base64[v >> 18], k_base64[(v >> 12) & 63], '=', '='};
        out.append(quad, 4);
    } else if (n - i == 2) {
        std::uint32_t v = std::uint32_t{p[i]} << 16 | std::uint32_t{p[i + 1]} << 8;
        const char quad[] = {k_base64[v >> 18], k_base64[(v >> 12) & 63], k_base64[(v >> 6) & 63],
                             '='};
        out.append(quad, 4);
    }
    out += '"';
}

std::string_view trim_json_whitespace(std::string_view text) noexcept {
    std::size_t first = text.find_first_not_of(" \t\n\r");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\n\r") - first + 1);
}

// Whether `text` is exactly one JSON document: simdjson's DOM parser validates it in full.
bool is_json_document(std::string_view text) {
    if (text.empty()) return false;
    // One parser per thread: its buffers are reused across results.
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element root;
    return parser.parse(text.data(), text.size()).get(root) == simdjson::SUCCESS;
}

void append_value(std::string& out, Lane lane, std::string_view value) {
    if (is_binary_lane(lane)) return append_base64(out, value);
    if (is_json_lane(lane)) {
        std::string_view document = trim_json_whitespace(value);
        if (is_json_document(document)) {
            out += document;  // already valid JSON (and valid UTF-8): embed as is
            return;
        }
    }
    append_json_string(out, value);
}

std::size_t estimated_size(const Result& result) noexcept {
    std::size_t size = 64 + result.display_name().size() + result.path.size() + result.error.size();
    for (const ResultField& field : result.fields) {
        size += 2 * field.key.size() + 32;
        for (const std::string& value : field.values) size += value.size() * 4 / 3 + 8;
    }
    return size;
}

}  // namespace

const ResultField* Result::field(std::string_view key) const noexcept {
    for (const ResultField& f : fields)
        if (f.key == key) return &f;
    return nullptr;
}

std::string to_json(const Result& result) {
    std::string out;
    out.reserve(estimated_size(result));
    out += "{\"name\":";
    append_json_string(out, result.display_name());
    out += ",\"path\":";
    append_json_string(out, result.path);
    out += ",\"objectId\":";
    append_json_string(out, result.object_id);
    if (!result.fields.empty()) {
        out += ",\"result_types\":{";
        for (std::size_t i = 0; i < result.fields.size(); ++i) {
            if (i) out += ',';
            append_json_string(out, result.fields[i].key);
            out += ':';
            append_json_string(out, to_string(result.fields[i].lane));
        }
        out += '}';
        for (const ResultField& field : result.fields) {
            out += ',';
            append_json_string(out, field.key);
            out += ":[";
            for (std::size_t i = 0; i < field.values.size(); ++i) {
                if (i) out += ',';
                append_value(out, field.lane, field.values[i]);
            }
            out += ']';
        }
    }
    if (!result.error.empty()) {
        out += ",\"error\":";
        append_json_string(out, result.error);
    }
    if (!result.warnings.empty()) {
        out += ",\"warnings\":[";
        for (std::size_t i = 0; i < result.warnings.size(); ++i) {
            if (i) out += ',';
            append_json_string(out, result.warnings[i]);
        }
        out += ']';
    }
    out += '}';
    return out;
}

}  // namespace sluice
