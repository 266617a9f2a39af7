// parse.cpp — `parse`: an object's raw data (tags, or text) becomes text by MIME type:
// plain/markdown as is, CSV as is plus its rows on `table` (one JSON array of rows), JSON
// pretty-printed plus its values on `table` ([[pointer, value], ...]), HTML as visible text.
// Invalid UTF-8 is repaired (U+FFFD) with a warning; a type it cannot read gives a warning and no
// text, not a failure.
#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <fmt/format.h>

#include <sluice/utf8.hpp>

#include "builtin_nodes.hpp"
#include "cancel.hpp"
#include "node_config.hpp"
#include "parse_formats.hpp"

namespace sluice::nodes {
namespace {

enum class Format { plain, markdown, csv, tsv, json, html, unknown };

// "Text/HTML; charset=utf-8" -> "text/html".
std::string base_mime(std::string_view mime) {
    std::string out(mime.substr(0, mime.find(';')));
    while (!out.empty() && out.back() == ' ') out.pop_back();
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

Format format_of(const std::string& mime) {
    if (mime == "text/markdown" || mime == "text/x-markdown") return Format::markdown;
    if (mime == "text/csv" || mime == "application/csv") return Format::csv;
    if (mime == "text/tab-separated-values") return Format::tsv;
    if (mime == "application/json" || mime.ends_with("+json")) return Format::json;
    if (mime == "text/html" || mime == "application/xhtml+xml") return Format::html;
    if (mime.starts_with("text/")) return Format::plain;
    return Format::unknown;
}

class ParseNode final : public Node {
public:
    explicit ParseNode(std::string forced_mime) : forced_mime_(std::move(forced_mime)) {}

    void process(Item item, Emitter& out) override {
        const ObjectRef& object = item.object();
        const std::string mime = base_mime(forced_mime_.empty() ? object.mime() : forced_mime_);
        const Format format = format_of(mime);
        if (format == Format::unknown) {
            object.warn(fmt::format(
                "parse: no parser for MIME type \"{}\"; the object passes with no text (parse "
                "reads text/plain, text/markdown, text/csv, application/json, text/html)",
                mime.empty() ? "(none)" : mime));
            return;
        }
        if (item.size() == 0) return;  // nothing to extract (RocketRide skips empty objects)
        Utf8Repair repaired = repair_utf8(item.data());
        if (repaired.replaced > 0)
            object.warn(
                fmt::format("parse: {} invalid UTF-8 sequence(s) replaced by U+FFFD, the "
                            "first at byte {}; send UTF-8 text",
                            repaired.replaced, repaired.first_bad));
        std::string& text = repaired.text;
        if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);  // a BOM is not text
        throw_if_cancelled(out.stop_token(), "parse");
        switch (format) {
            case Format::csv: return emit_csv(item, std::move(text), ',', out);
            case Format::tsv: return emit_csv(item, std::move(text), '\t', out);
            case Format::json: return emit_json(item, text, out);
            case Format::html: {
                std::string visible = html_visible_text(text);
                throw_if_cancelled(out.stop_token(), "parse");
                return emit_text(item, std::move(visible), out);
            }
            default: return emit_text(item, std::move(text), out);
        }
    }

private:
    static void emit_text(const Item& item, std::string text, Emitter& out) {
        if (!text.empty()) out.emit(item.with(Lane::text, std::move(text)));
    }

    static void emit_csv(const Item& item, std::string text, char delimiter, Emitter& out) {
        CsvTable table = parse_csv(text, delimiter);
        throw_if_cancelled(out.stop_token(), "parse");
        if (table.unterminated_quote)
            item.object().warn(
                "parse: text/csv ends inside a quoted field; the last field runs "
                "to the end of the data");
        emit_text(item, std::move(text), out);
        Json::Array rows;
        rows.reserve(table.rows.size());
        for (auto& row : table.rows) {
            Json::Array cells;
            cells.reserve(row.size());
            for (std::string& cell : row) cells.emplace_back(std::move(cell));
            rows.emplace_back(std::move(cells));
        }
        // One item for the whole table: separate items could reach the sink out of order.
        if (!rows.empty()) out.emit(item.with(Lane::table, Json(std::move(rows)).dump()));
    }

    static void emit_json(const Item& item, const std::string& text, Emitter& out) {
        Json value;
        try {
            value = Json::parse(text);
        } catch (const std::exception& e) {
            throw std::runtime_error(
                fmt::format("application/json is not valid JSON ({}); fix the data or send it as "
                            "text/plain",
                            e.what()));
        }
        emit_text(item, pretty_json(value), out);
        Json::Array rows;
        for_each_json_leaf(value, [&](const std::string& pointer, const Json& leaf) {
            rows.emplace_back(Json::Array{Json(pointer), leaf});
        });
        if (!rows.empty()) out.emit(item.with(Lane::table, Json(std::move(rows)).dump()));
    }

    std::string forced_mime_;
};

}  // namespace

std::vector<Provider> parse_providers() {
    NodeInfo info;
    info.description =
        "raw data to text by MIME type: plain, markdown, csv (+ table rows), json "
        "(pretty + table of values), html (visible text)";
    info.lanes = {{Lane::tags, {Lane::text, Lane::table}}, {Lane::text, {Lane::text, Lane::table}}};
    info.concurrency = Concurrency::unlimited;  // stateless
    info.config = {{"mime", ConfigType::string, "parse every object as this MIME type"}};
    std::vector<Provider> out;
    out.push_back({"parse", std::move(info), [](const NodeContext& ctx) {
                       return std::make_unique<ParseNode>(config_string(ctx.config, {"mime"}));
                   }});
    return out;
}

}  // namespace sluice::nodes
