// json_extract.cpp — `json_extract`: picks fields by JSON pointer (RFC 6901) out of text that
// holds a JSON document, parsed with simdjson, onto `text` ("name: value" lines, strings
// unquoted) or `table` (one JSON object row per document).
#include <simdjson.h>

#include <stdexcept>

#include <fmt/format.h>

#include "builtin_nodes.hpp"
#include "node_config.hpp"

namespace sluice::nodes {
namespace {

struct Field {
    std::string name;
    std::string pointer;
};

void check_pointer(std::string_view where, const std::string& pointer) {
    bool ok = pointer.empty() || pointer[0] == '/';
    for (std::size_t i = 0; ok && i < pointer.size(); ++i)
        if (pointer[i] == '~') ok = i + 1 < pointer.size() && (pointer[i + 1] == '0' || pointer[i + 1] == '1');
    if (!ok)
        throw ConfigError(fmt::format("config \"{}\": \"{}\" is not a JSON pointer; write \"/a/0/b\" "
                                      "(\"~0\" for '~', \"~1\" for '/')", where, pointer));
}

std::vector<Field> fields_from(const Json& config) {
    std::vector<Field> fields;
    if (const Json* named = config.find("fields"); named && named->is_object()) {
        for (const auto& [name, pointer] : named->as_object()) {
            if (!pointer.is_string())
                throw ConfigError(fmt::format("config \"fields\".\"{}\" must be a JSON pointer string", name));
            check_pointer("fields", pointer.as_string());
            fields.push_back({name, pointer.as_string()});
        }
    }
    for (std::string& pointer : config_strings(config, "pointers")) {
        check_pointer("pointers", pointer);
        fields.push_back({pointer, pointer});
    }
    if (fields.empty())
        throw ConfigError("config: nothing to extract; set \"pointers\": [\"/a/b\"] or "
                          "\"fields\": {\"name\": \"/a/b\"}");
    return fields;
}

class JsonExtractNode final : public Node {
public:
    JsonExtractNode(std::vector<Field> fields, bool table, std::string missing)
        : fields_(std::move(fields)), table_(table), missing_(std::move(missing)) {}

    void process(Item item, Emitter& out) override {
        // One parser per thread: its buffers are reused across documents.
        thread_local simdjson::dom::parser parser;
        simdjson::dom::element doc;
        if (auto error = parser.parse(item.data().data(), item.data().size()).get(doc))
            throw std::runtime_error(fmt::format(
                "the text is not valid JSON ({}); send a JSON document",
                simdjson::error_message(error)));
        std::string text, row = "{";
        for (const Field& field : fields_) {
            simdjson::dom::element value;
            if (doc.at_pointer(field.pointer).get(value)) {
                if (missing_ == "fail")
                    throw std::runtime_error(fmt::format(
                        "no value at \"{}\"; set \"missing\": \"null\" or \"skip\" "
                        "to accept documents without it", field.pointer));
                if (missing_ == "skip") continue;
                append(text, row, field.name, "null", "null");
                continue;
            }
            std::string json = simdjson::minify(value);
            std::string_view plain;
            if (value.get_string().get(plain)) plain = json;
            append(text, row, field.name, json, plain);
        }
        row += '}';
        if (table_) return out.emit(item.with(Lane::table, std::move(row)));
        if (!text.empty()) text.pop_back();  // the last '\n'
        out.emit(item.with(Lane::text, std::move(text)));
    }

private:
    static void append(std::string& text, std::string& row, const std::string& name,
                       std::string_view json, std::string_view plain) {
        fmt::format_to(std::back_inserter(text), "{}: {}\n", name, plain);
        if (row.size() > 1) row += ',';
        append_json_string(row, name);
        row += ':';
        row += json;
    }

    std::vector<Field> fields_;
    bool table_;
    std::string missing_;
};

}  // namespace

std::vector<Provider> json_extract_providers() {
    NodeInfo info;
    info.description = "fields of a JSON text by JSON pointer, onto text or table";
    info.lanes = {{Lane::text, {Lane::text, Lane::table}}};
    info.concurrency = Concurrency::unlimited;  // thread_local parsers
    info.config = {
        {"pointers", ConfigType::array, "JSON pointers to pick, e.g. [\"/user/name\"]"},
        {"fields", ConfigType::object, "{name: pointer}: named picks"},
        {"output", ConfigType::string, "text (\"name: value\" lines, default) | table (one JSON row)"},
        {"missing", ConfigType::string, "null (default) | skip | fail: when a pointer finds nothing"},
    };
    std::vector<Provider> out;
    out.push_back({"json_extract", std::move(info), [](const NodeContext& ctx) {
                       auto fields = fields_from(ctx.config);
                       bool table = config_choice(ctx.config, "output", "text", {"text", "table"}) == "table";
                       return std::make_unique<JsonExtractNode>(
                           std::move(fields), table,
                           config_choice(ctx.config, "missing", "null", {"null", "skip", "fail"}));
                   }});
    return out;
}

}  // namespace sluice::nodes
