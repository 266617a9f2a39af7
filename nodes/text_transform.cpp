// text_transform.cpp — `text_transform`: applies `operations` in order to each text item:
// lower, upper (ASCII, Latin-1, Greek, Cyrillic), trim, normalize_whitespace, and RE2
// {"replace": regex, "with": rewrite}.
#include <cctype>
#include <cstdint>
#include <variant>

#include <fmt/format.h>

#include <sluice/utf8.hpp>

#include "builtin_nodes.hpp"
#include "cancel.hpp"
#include "node_config.hpp"
#include "pattern.hpp"

namespace sluice::nodes {
namespace {

enum class Simple { lower, upper, trim, normalize_whitespace };
struct Replace {
    Pattern pattern;
    std::string rewrite;
};
using Operation = std::variant<Simple, Replace>;

// Case pairs differing by a fixed offset: [first upper, last upper], lower = upper + delta.
struct CaseRange {
    std::uint32_t first, last, delta;
};
constexpr CaseRange k_case_ranges[] = {{'A', 'Z', 32},     {0xC0, 0xD6, 32},   {0xD8, 0xDE, 32},
                                       {0x391, 0x3A1, 32}, {0x3A3, 0x3AB, 32}, {0x410, 0x42F, 32},
                                       {0x400, 0x40F, 80}};

std::uint32_t map_case(std::uint32_t cp, bool upper) {
    for (const CaseRange& r : k_case_ranges) {
        if (!upper && cp >= r.first && cp <= r.last) return cp + r.delta;
        if (upper && cp >= r.first + r.delta && cp <= r.last + r.delta) return cp - r.delta;
    }
    return cp;
}

// Only 1- and 2-byte code points change case here, and they stay the same length.
std::string change_case(std::string_view text, bool upper) {
    std::string out(text);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        if (c < 0x80) {
            out[i] = static_cast<char>(map_case(c, upper));
        } else if (c >= 0xC2 && c <= 0xDF && i + 1 < out.size()) {
            const std::uint32_t cp =
                ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(out[i + 1]) & 0x3Fu);
            const std::uint32_t mapped = map_case(cp, upper);
            if (mapped >= 0x80 && mapped < 0x800) {
                out[i] = static_cast<char>(0xC0 | (mapped >> 6));
                out[i + 1] = static_cast<char>(0x80 | (mapped & 0x3F));
            }
            ++i;
        }
    }
    return out;
}

std::string collapse_whitespace(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string trim(std::string_view text) {
    const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    return std::string(text);
}

Operation operation_from(const Json& op, std::size_t i, NodeBudget& budget) {
    const std::string where = fmt::format("operations[{}]", i);
    if (op.is_string()) {
        const std::string& name = op.as_string();
        if (name == "lower") return Simple::lower;
        if (name == "upper") return Simple::upper;
        if (name == "trim") return Simple::trim;
        if (name == "normalize_whitespace") return Simple::normalize_whitespace;
        throw ConfigError(
            fmt::format("config \"{}\": unknown operation \"{}\"; use lower, upper, "
                        "trim, normalize_whitespace or {{\"replace\": ..., \"with\": ...}}",
                        where, name));
    }
    const Json* re = op.find("replace");
    if (!op.is_object() || !re || !re->is_string())
        throw ConfigError(
            fmt::format("config \"{}\" must be an operation name or "
                        "{{\"replace\": regex, \"with\": text}}",
                        where));
    Replace r{Pattern(where, re->as_string(), budget), op.get_string("with")};
    r.pattern.check_rewrite(where, r.rewrite);
    return r;
}

std::vector<Operation> operations_from(const Json& config, NodeBudget& budget) {
    std::vector<Operation> ops;
    const Json* list = config.find("operations");
    if (!list || !list->is_array() || list->as_array().empty())
        throw ConfigError(
            "config \"operations\" must list at least one operation, e.g. "
            "[\"trim\", \"lower\"]");
    for (std::size_t i = 0; i < list->as_array().size(); ++i)
        ops.push_back(operation_from(list->as_array()[i], i, budget));
    return ops;
}

class TextTransformNode final : public Node {
public:
    explicit TextTransformNode(std::vector<Operation> ops) : ops_(std::move(ops)) {}

    void process(Item item, Emitter& out) override {
        std::string text = repair_utf8(item.data()).text;
        for (const Operation& op : ops_) {
            throw_if_cancelled(out.stop_token(), "text_transform");
            if (const Replace* r = std::get_if<Replace>(&op)) {
                r->pattern.replace_all(text, r->rewrite);
                continue;
            }
            switch (std::get<Simple>(op)) {
                case Simple::lower: text = change_case(text, false); break;
                case Simple::upper: text = change_case(text, true); break;
                case Simple::trim: text = trim(text); break;
                case Simple::normalize_whitespace: text = collapse_whitespace(text); break;
            }
        }
        out.emit(item.with(Lane::text, std::move(text)));
    }

private:
    std::vector<Operation> ops_;
};

}  // namespace

std::vector<Provider> text_transform_providers() {
    NodeInfo info;
    info.description = "lower/upper case, trim, normalize whitespace, regex replace";
    info.lanes = {{Lane::text, {Lane::text}}};
    info.concurrency = Concurrency::unlimited;  // read-only operations
    info.config = {{"operations", ConfigType::array,
                    "in order: lower, upper, trim, normalize_whitespace, {replace, with}", true}};
    std::vector<Provider> out;
    out.push_back({"text_transform", std::move(info), [](const NodeContext& ctx) {
                       return std::make_unique<TextTransformNode>(
                           operations_from(ctx.config, ctx.budget));
                   }});
    return out;
}

}  // namespace sluice::nodes
