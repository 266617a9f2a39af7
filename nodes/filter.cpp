// filter.cpp — `filter`: keeps (or, with mode "drop", drops) items on any lane that pass every
// test given: substring, RE2 regex, length in code points, a JSON field's presence or value.
#include <optional>

#include <fmt/format.h>

#include <sluice/utf8.hpp>

#include "builtin_nodes.hpp"
#include "item_metadata.hpp"
#include "node_config.hpp"
#include "pattern.hpp"

namespace sluice::nodes {
namespace {

// RFC 6901 lookup in a sluice::Json; nullptr when the pointer finds nothing.
const Json* at_pointer(const Json& root, std::string_view pointer) {
    const Json* at = &root;
    while (!pointer.empty()) {
        pointer.remove_prefix(1);  // the '/'
        const std::size_t slash = pointer.find('/');
        std::string token(pointer.substr(0, slash));
        pointer = slash == std::string_view::npos ? std::string_view() : pointer.substr(slash);
        for (std::size_t p; (p = token.find("~1")) != std::string::npos;) token.replace(p, 2, "/");
        for (std::size_t p; (p = token.find("~0")) != std::string::npos;) token.replace(p, 2, "~");
        if (at->is_object()) {
            at = at->find(token);
        } else if (at->is_array() && !token.empty() &&
                   token.find_first_not_of("0123456789") == std::string::npos &&
                   token.size() < 10) {
            const std::size_t index = std::stoul(token);
            at = index < at->as_array().size() ? &at->as_array()[index] : nullptr;
        } else {
            at = nullptr;
        }
        if (!at) return nullptr;
    }
    return at;
}

struct Tests {
    std::optional<std::string> contains;
    std::optional<Pattern> regex;
    std::optional<std::int64_t> min_length, max_length;
    std::optional<std::string> json_pointer;
    std::optional<Json> equals;
};

Tests tests_from(const Json& config, NodeBudget& budget) {
    Tests t;
    if (config.find("contains")) t.contains = config_string(config, {"contains"});
    if (config.find("regex")) t.regex.emplace("regex", config_string(config, {"regex"}), budget);
    if (config.find("min_length")) t.min_length = config_int(config, "min_length", 0, 0, INT64_MAX);
    if (config.find("max_length")) t.max_length = config_int(config, "max_length", 0, 0, INT64_MAX);
    if (config.find("json_pointer")) {
        t.json_pointer = config_string(config, {"json_pointer"});
        if (!t.json_pointer->empty() && (*t.json_pointer)[0] != '/')
            throw ConfigError(
                fmt::format("config \"json_pointer\": \"{}\" is not a JSON pointer; "
                            "write \"/a/0/b\"",
                            *t.json_pointer));
    }
    if (const Json* equals = config.find("equals")) {
        if (!t.json_pointer)
            throw ConfigError("config \"equals\" needs \"json_pointer\": the field to compare");
        t.equals = *equals;
    }
    if (!t.contains && !t.regex && !t.min_length && !t.max_length && !t.json_pointer)
        throw ConfigError(
            "config: no test given; set contains, regex, min_length, max_length or "
            "json_pointer (+ equals)");
    return t;
}

bool json_test(const Tests& t, std::string_view data) {
    try {
        const Json doc = Json::parse(data);
        const Json* value = at_pointer(doc, *t.json_pointer);
        return value && (!t.equals || *value == *t.equals);
    } catch (const std::exception&) {
        return false;  // not JSON: the field is absent
    }
}

class FilterNode final : public Node {
public:
    FilterNode(Tests tests, bool keep) : t_(std::move(tests)), keep_(keep) {}

    void process(Item item, Emitter& out) override {
        if (passes(item.data()) == keep_) out.emit(std::move(item));
    }

private:
    bool passes(std::string_view data) const {
        if (t_.contains && data.find(*t_.contains) == std::string_view::npos) return false;
        if (t_.min_length || t_.max_length) {
            const auto n = static_cast<std::int64_t>(utf8_length(data));
            if ((t_.min_length && n < *t_.min_length) || (t_.max_length && n > *t_.max_length))
                return false;
        }
        if (t_.regex && !t_.regex->search(data)) return false;
        return !t_.json_pointer || json_test(t_, data);
    }

    Tests t_;
    bool keep_;
};

}  // namespace

std::vector<Provider> filter_providers() {
    NodeInfo info;
    info.description = "keeps or drops items by substring, regex, length or JSON field";
    info.lanes = same_lane_rules();
    info.concurrency = Concurrency::unlimited;  // read-only tests; RE2 is thread-safe
    info.config = {
        {"mode", ConfigType::string,
         "keep (default): pass items that match | drop: pass the others"},
        {"contains", ConfigType::string, "substring the payload must contain"},
        {"regex", ConfigType::string, "RE2 regex the payload must match somewhere"},
        {"min_length", ConfigType::integer, "minimum length in code points"},
        {"max_length", ConfigType::integer, "maximum length in code points"},
        {"json_pointer", ConfigType::string, "field that must exist in the JSON payload"},
        {"equals", ConfigType::any, "value that field must equal"},
    };
    std::vector<Provider> out;
    out.push_back({"filter", std::move(info), [](const NodeContext& ctx) {
                       const bool keep =
                           config_choice(ctx.config, "mode", "keep", {"keep", "drop"}) == "keep";
                       return std::make_unique<FilterNode>(tests_from(ctx.config, ctx.budget),
                                                           keep);
                   }});
    return out;
}

}  // namespace sluice::nodes
