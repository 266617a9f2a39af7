// hash.cpp — `hash`: fingerprints each item's data — SHA-256 (OpenSSL libcrypto) and xxHash
// (XXH3-64, XXH64) — into its metadata and one `text` line "sha256=<hex> xxh3=<hex>".
// With `passthrough`, the item also goes on unchanged on its own lane, carrying the metadata.
#include <openssl/evp.h>
#include <xxhash.h>

#include <stdexcept>

#include <fmt/format.h>

#include "builtin_nodes.hpp"
#include "item_metadata.hpp"
#include "node_config.hpp"

namespace sluice::nodes {
namespace {

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("hash: OpenSSL EVP_Digest(SHA-256) failed");
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) fmt::format_to(std::back_inserter(hex), "{:02x}", digest[i]);
    return hex;
}

std::string digest(std::string_view algorithm, std::string_view data) {
    if (algorithm == "sha256") return sha256_hex(data);
    if (algorithm == "xxh64") return fmt::format("{:016x}", XXH64(data.data(), data.size(), 0));
    return fmt::format("{:016x}", XXH3_64bits(data.data(), data.size()));
}

std::vector<std::string> algorithms_from(const Json& config) {
    std::vector<std::string> names = config_strings(config, "algorithms");
    if (!config.find("algorithms")) names = {"sha256", "xxh3"};
    if (names.empty())
        throw ConfigError("config \"algorithms\" is empty; use any of sha256, xxh3, xxh64");
    for (const std::string& name : names)
        if (name != "sha256" && name != "xxh3" && name != "xxh64")
            throw ConfigError(fmt::format(
                "config \"algorithms\": unknown algorithm \"{}\"; use any of sha256, xxh3, xxh64", name));
    return names;
}

class HashNode final : public Node {
public:
    HashNode(std::vector<std::string> algorithms, bool passthrough)
        : algorithms_(std::move(algorithms)), passthrough_(passthrough) {}

    void process(Item item, Emitter& out) override {
        Json::Object fields;
        std::string line;
        for (const std::string& algorithm : algorithms_) {
            std::string hex = digest(algorithm, item.data());
            fmt::format_to(std::back_inserter(line), "{}{}={}", line.empty() ? "" : " ", algorithm, hex);
            fields.emplace_back(algorithm, Json(std::move(hex)));
        }
        Json meta = merged_metadata(item, std::move(fields));
        if (passthrough_) out.emit(item.with_metadata(meta));
        out.emit(item.with(Lane::text, std::move(line)).with_metadata(std::move(meta)));
    }

private:
    std::vector<std::string> algorithms_;
    bool passthrough_;
};

}  // namespace

std::vector<Provider> hash_providers() {
    NodeInfo info;
    info.description = "SHA-256 / xxHash fingerprint of each item into its metadata and a text line";
    info.lanes = {{Lane::tags, {Lane::tags, Lane::text}}, {Lane::text, {Lane::text}}};
    info.concurrency = Concurrency::unlimited;  // stateless
    info.config = {
        {"algorithms", ConfigType::array, "any of sha256, xxh3, xxh64 (default [sha256, xxh3])"},
        {"passthrough", ConfigType::boolean, "also forward the item on its own lane (default false)"},
    };
    std::vector<Provider> out;
    out.push_back({"hash", std::move(info), [](const NodeContext& ctx) {
                       return std::make_unique<HashNode>(algorithms_from(ctx.config),
                                                         ctx.config.get_bool("passthrough", false));
                   }});
    return out;
}

}  // namespace sluice::nodes
