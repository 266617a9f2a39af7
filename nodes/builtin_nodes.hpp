// builtin_nodes.hpp — each built-in node family hands its providers to builtin_nodes.cpp.
#pragma once

#include <vector>

#include <sluice/node.hpp>

namespace sluice::nodes {

std::vector<Provider> source_providers();     // webhook, chat, dropper
std::vector<Provider> response_providers();   // response, response_text, response_table, ...
std::vector<Provider> parse_providers();      // parse
std::vector<Provider> splitter_providers();   // preprocessor_langchain, splitter
std::vector<Provider> anonymize_providers();  // anonymize, anonymize_text

}  // namespace sluice::nodes
