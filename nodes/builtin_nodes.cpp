// builtin_nodes.cpp — the built-in catalogue handed to the registry: every family listed in
// builtin_nodes.hpp, in that order. Explicit, not self-registering statics (which a static
// library's linker would drop).
#include "builtin_nodes.hpp"

namespace sluice {

std::vector<Provider> builtin_providers() {
    std::vector<Provider> all;
#define SLUICE_APPEND_FAMILY(family) \
    for (Provider & p : nodes::family##_providers()) all.push_back(std::move(p));
    SLUICE_BUILTIN_NODE_FAMILIES(SLUICE_APPEND_FAMILY)
#undef SLUICE_APPEND_FAMILY
    return all;
}

}  // namespace sluice
