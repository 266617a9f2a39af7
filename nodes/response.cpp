// response.cpp — the result sinks: what reaches them is collected into the object's result.
// `response` takes every lane; `response_<lane>` takes one. Keys default to the lane name;
// `laneName` renames (all lanes of this node), `lanes: [{laneId, laneName}]` renames per lane.
// Text is RocketRide-compatible: each chunk plus "\n\n", joined into one string per object.
#include <array>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "builtin_nodes.hpp"

namespace sluice::nodes {
namespace {

using KeyTable = std::array<std::string, k_lane_count>;

KeyTable keys_from_config(const Json& config) {
    KeyTable keys;
    std::string all = config.get_string("laneName");
    for (Lane lane : k_all_lanes)
        keys[static_cast<std::size_t>(lane)] = all.empty() ? std::string(to_string(lane)) : all;
    const Json* lanes = config.find("lanes");
    if (!lanes || lanes->is_null()) return keys;
    if (!lanes->is_array()) throw std::invalid_argument("config \"lanes\" must be an array");
    for (const Json& entry : lanes->as_array()) {
        if (!entry.is_object())
            throw std::invalid_argument("config \"lanes\" entries must be objects "
                                        "{\"laneId\": ..., \"laneName\": ...}");
        std::string id = entry.get_string("laneId");
        auto lane = lane_from_string(id);
        if (!lane)
            throw std::invalid_argument(fmt::format("config \"lanes\": unknown laneId \"{}\"", id));
        std::string name = entry.get_string("laneName");
        if (!name.empty()) keys[static_cast<std::size_t>(*lane)] = std::move(name);
    }
    return keys;
}

class ResponseNode final : public Node {
public:
    explicit ResponseNode(KeyTable keys) : keys_(std::move(keys)) {}

    void process(Item item, Emitter&) override {
        const std::string& key = keys_[static_cast<std::size_t>(item.lane())];
        const ObjectRef& object = item.object();
        if (item.lane() == Lane::text) {
            object.append_result_text(key, Lane::text, item.data(), "\n\n", item.sequence());
        } else {
            object.add_result(key, item.lane(), std::string(item.data()));
        }
    }

private:
    KeyTable keys_;
};

Provider response(std::string name, std::vector<Lane> accepted, std::string description) {
    NodeInfo info;
    info.description = std::move(description);
    for (Lane lane : accepted) info.lanes.push_back({lane, {}});
    // Writes go to per-object results under the object's own lock: safe to run in parallel.
    info.concurrency = Concurrency::unlimited;
    info.config = {
        {"laneName", ConfigType::string, "result key for what this node collects"},
        {"lanes", ConfigType::array, "[{laneId, laneName}]: result key per lane"},
    };
    return {std::move(name), std::move(info), [](const NodeContext& ctx) {
                return std::make_unique<ResponseNode>(keys_from_config(ctx.config));
            }};
}

}  // namespace

std::vector<Provider> response_providers() {
    std::vector<Provider> out;
    out.push_back(response("response", {k_all_lanes.begin(), k_all_lanes.end()},
                           "collects every lane into the object's result"));
    for (Lane lane : {Lane::text, Lane::table, Lane::documents, Lane::questions, Lane::answers,
                      Lane::image, Lane::audio, Lane::video}) {
        out.push_back(response(fmt::format("response_{}", to_string(lane)), {lane},
                               fmt::format("collects the {} lane into the object's result",
                                           to_string(lane))));
    }
    return out;
}

}  // namespace sluice::nodes
