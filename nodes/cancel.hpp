// cancel.hpp — how a node doing long work on one item gives up once its task is cancelled
// (Emitter::stop_token): it throws, so the item's object is failed with "<node>: cancelled".
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <sluice/node.hpp>

namespace sluice::nodes {

inline void throw_if_cancelled(const std::stop_token& stop, std::string_view node) {
    if (stop.stop_requested()) throw std::runtime_error(std::string(node) + ": cancelled");
}

}  // namespace sluice::nodes
