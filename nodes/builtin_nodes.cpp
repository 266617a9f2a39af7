// builtin_nodes.cpp — the one explicit list of built-in providers. Add a node family here.
#include "builtin_nodes.hpp"

namespace sluice::detail {

std::vector<Provider> builtin_providers() {
    std::vector<Provider> all;
    for (auto family :
         {nodes::source_providers, nodes::response_providers, nodes::parse_providers,
          nodes::splitter_providers, nodes::anonymize_providers, nodes::hash_providers,
          nodes::filter_providers, nodes::text_transform_providers, nodes::json_extract_providers,
          nodes::batch_providers, nodes::dedupe_providers, nodes::word_count_providers,
          nodes::text_output_providers, nodes::load_providers})
        for (Provider& p : family()) all.push_back(std::move(p));
    return all;
}

}  // namespace sluice::detail
