// builtin_nodes.hpp — each built-in node family hands its providers to builtin_nodes.cpp.
#pragma once

#include <vector>

#include <sluice/node.hpp>

namespace sluice::nodes {

std::vector<Provider> source_providers();    // webhook, chat, dropper
std::vector<Provider> response_providers();  // response, response_text, response_table, ...

}  // namespace sluice::nodes
