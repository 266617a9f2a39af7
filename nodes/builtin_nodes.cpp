// builtin_nodes.cpp — the one explicit list of built-in providers. Add a node family here.
#include "builtin_nodes.hpp"

namespace sluice::detail {

std::vector<Provider> builtin_providers() {
    std::vector<Provider> all;
    for (auto family : {nodes::source_providers, nodes::response_providers, nodes::parse_providers,
                        nodes::splitter_providers, nodes::anonymize_providers})
        for (Provider& p : family()) all.push_back(std::move(p));
    return all;
}

}  // namespace sluice::detail
