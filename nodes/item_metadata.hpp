// item_metadata.hpp — small helpers the transform nodes share: adding keys to an item's
// metadata without losing what upstream nodes put there, and "any lane in, same lane out".
#pragma once

#include <utility>
#include <vector>

#include <sluice/item.hpp>
#include <sluice/node.hpp>

namespace sluice::nodes {

// The item's metadata (an object, or {} when none) with `additions` set over it.
inline Json merged_metadata(const Item& item, Json::Object additions) {
    Json meta = item.metadata() && item.metadata()->is_object() ? *item.metadata()
                                                                 : Json(Json::Object{});
    for (auto& [key, value] : additions) meta.set(std::move(key), std::move(value));
    return meta;
}

// Every lane accepted, each emitted on itself (pass-through nodes).
inline std::vector<LaneRule> same_lane_rules() {
    std::vector<LaneRule> rules;
    for (Lane lane : k_all_lanes) rules.push_back({lane, {lane}});
    return rules;
}

}  // namespace sluice::nodes
