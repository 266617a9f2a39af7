// registry.cpp — the process-wide table of node providers, built-ins first.
#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include <sluice/errors.hpp>
#include <sluice/node.hpp>

namespace sluice {

std::string_view to_string(ConfigType type) noexcept {
    switch (type) {
        case ConfigType::any: return "any";
        case ConfigType::string: return "string";
        case ConfigType::integer: return "integer";
        case ConfigType::number: return "number";
        case ConfigType::boolean: return "boolean";
        case ConfigType::array: return "array";
        case ConfigType::object: return "object";
    }
    return "unknown";
}
namespace {

std::string fold(std::string_view name) {
    std::string key(name);
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return key;
}

struct Registry {
    std::mutex mutex;
    // unique_ptr: a Provider's address stays valid for the life of the process.
    std::map<std::string, std::unique_ptr<Provider>> by_name;

    void add(Provider provider) {
        if (provider.name.empty()) throw UsageError("register_node: provider name is empty");
        if (!provider.factory)
            throw UsageError(fmt::format("register_node(\"{}\"): factory is empty", provider.name));
        std::string key = fold(provider.name);
        std::lock_guard lock(mutex);
        if (by_name.count(key))
            throw UsageError(fmt::format("register_node: provider \"{}\" is already registered",
                                         provider.name));
        by_name.emplace(std::move(key), std::make_unique<Provider>(std::move(provider)));
    }
};

Registry& registry() {
    static Registry* r = [] {
        auto* reg = new Registry;  // never destroyed: providers may be looked up at exit
        // The catalogue of sluice_nodes (builtin_providers, include/sluice/node.hpp).
        for (Provider& p : builtin_providers()) reg->add(std::move(p));
        return reg;
    }();
    return *r;
}

}  // namespace

const LaneRule* NodeInfo::rule_for(Lane input) const noexcept {
    for (const LaneRule& r : lanes)
        if (r.input == input) return &r;
    return nullptr;
}

bool NodeInfo::emits(Lane lane) const noexcept {
    if (std::find(source_lanes.begin(), source_lanes.end(), lane) != source_lanes.end())
        return true;
    for (const LaneRule& r : lanes)
        if (std::find(r.outputs.begin(), r.outputs.end(), lane) != r.outputs.end()) return true;
    return false;
}

void register_node(std::string provider, NodeInfo info, NodeFactory factory) {
    registry().add(Provider{std::move(provider), std::move(info), std::move(factory)});
}

const Provider* find_provider(std::string_view name) {
    Registry& r = registry();
    std::string key = fold(name);
    std::lock_guard lock(r.mutex);
    auto it = r.by_name.find(key);
    return it == r.by_name.end() ? nullptr : it->second.get();
}

std::vector<const Provider*> providers() {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    std::vector<const Provider*> out;
    out.reserve(r.by_name.size());
    for (auto& [key, p] : r.by_name) out.push_back(p.get());
    return out;
}

}  // namespace sluice
