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
std::vector<Provider> hash_providers();       // hash
std::vector<Provider> filter_providers();     // filter
std::vector<Provider> text_transform_providers();  // text_transform
std::vector<Provider> json_extract_providers();    // json_extract
std::vector<Provider> batch_providers();           // batch
std::vector<Provider> dedupe_providers();          // dedupe
std::vector<Provider> word_count_providers();      // word_count, stats
std::vector<Provider> text_output_providers();     // text_output, local-text-output
std::vector<Provider> load_providers();            // delay, cpu_work

}  // namespace sluice::nodes
