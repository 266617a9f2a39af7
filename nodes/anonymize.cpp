// anonymize.cpp — `anonymize` (RocketRide's name `anonymize_text` too): replaces personal data
// in text — e-mail, phone, Luhn-valid card numbers, checksummed IBANs, IPv4/IPv6, US SSNs, and
// user patterns — by a label ([EMAIL]), stars (***) or a stable hash ([EMAIL:5f1d...]).
#include <map>

#include <xxhash.h>

#include <fmt/format.h>

#include <sluice/utf8.hpp>

#include "builtin_nodes.hpp"
#include "node_config.hpp"
#include "pii_detect.hpp"

namespace sluice::nodes {
namespace {

enum class Mask { label, stars, hash };

std::vector<PiiDetector::Custom> customs_from(const Json& config, NodeBudget& budget) {
    std::vector<PiiDetector::Custom> out;
    const Json* list = config.find("patterns");
    if (!list || list->is_null()) return out;
    for (std::size_t i = 0; i < list->as_array().size(); ++i) {
        const Json& entry = list->as_array()[i];
        const std::string where = fmt::format("patterns[{}]", i);
        if (entry.is_string()) {
            out.push_back({"REDACTED", Pattern(where, entry.as_string(), budget)});
        } else if (entry.is_object() && entry.find("regex") && entry.find("regex")->is_string()) {
            out.push_back({entry.get_string("name", "REDACTED"),
                           Pattern(where, entry.find("regex")->as_string(), budget)});
        } else {
            throw ConfigError(fmt::format(
                "config \"{}\" must be a regex string or {{\"name\": ..., \"regex\": ...}}",
                where));
        }
    }
    return out;
}

std::vector<std::string> kinds_from(const Json& config) {
    if (!config.find("types")) return {std::begin(k_pii_kinds), std::end(k_pii_kinds)};
    return config_strings(config, "types");
}

class AnonymizeNode final : public Node {
public:
    AnonymizeNode(const Json& config, NodeBudget& budget)
        : detector_(kinds_from(config), customs_from(config, budget)),
          salt_(XXH3_64bits(config_string(config, {"salt"}).data(),
                            config_string(config, {"salt"}).size())) {
        const std::string mask = config_choice(config, "mask", "label", {"label", "stars", "hash"});
        mask_ = mask == "stars" ? Mask::stars : mask == "hash" ? Mask::hash : Mask::label;
    }

    void process(Item item, Emitter& out) override {
        Utf8Repair repaired = repair_utf8(item.data());
        if (repaired.replaced > 0)
            item.object().warn(
                fmt::format("anonymize: {} invalid UTF-8 sequence(s) replaced by "
                            "U+FFFD, the first at byte {}",
                            repaired.replaced, repaired.first_bad));
        const std::string& text = repaired.text;
        std::vector<PiiMatch> matches = detector_.find(text, out.stop_token());
        std::string result;
        result.reserve(text.size());
        std::size_t at = 0;
        for (const PiiMatch& m : matches) {
            result.append(text, at, m.start - at);
            append_mask(result, m, std::string_view(text).substr(m.start, m.end - m.start));
            at = m.end;
        }
        result.append(text, at);
        Item masked = item.with(Lane::text, std::move(result));
        out.emit(masked.with_metadata(Json(Json::Object{{"replacements", Json(matches.size())}})));
    }

private:
    void append_mask(std::string& out, const PiiMatch& m, std::string_view original) const {
        switch (mask_) {
            case Mask::label: fmt::format_to(std::back_inserter(out), "[{}]", m.label); return;
            case Mask::stars: out += "***"; return;
            case Mask::hash:
                fmt::format_to(std::back_inserter(out), "[{}:{:016x}]", m.label,
                               XXH3_64bits_withSeed(original.data(), original.size(), salt_));
                return;
        }
    }

    PiiDetector detector_;
    XXH64_hash_t salt_;
    Mask mask_ = Mask::label;
};

Provider anonymize(std::string name) {
    NodeInfo info;
    info.description =
        "masks e-mail, phone, card (Luhn), IBAN, IPv4/IPv6, SSN and custom "
        "patterns in text";
    info.lanes = {{Lane::text, {Lane::text}}};
    info.concurrency = Concurrency::unlimited;  // RE2 matching is thread-safe
    info.config = {
        {"mask", ConfigType::string,
         "label ([EMAIL], default) | stars (***) | hash ([EMAIL:<xxh3>])"},
        {"types", ConfigType::array,
         "kinds to find (default all): email, iban, credit_card, ssn, "
         "ipv6, ipv4, phone"},
        {"patterns", ConfigType::array, "extra RE2 regexes: \"re\" or {name, regex}"},
        {"salt", ConfigType::string, "hash mode: mixed into the hash"},
    };
    return {std::move(name), std::move(info), [](const NodeContext& ctx) {
                return std::make_unique<AnonymizeNode>(ctx.config, ctx.budget);
            }};
}

}  // namespace

std::vector<Provider> anonymize_providers() {
    std::vector<Provider> out;
    out.push_back(anonymize("anonymize"));
    out.push_back(anonymize("anonymize_text"));
    return out;
}

}  // namespace sluice::nodes
