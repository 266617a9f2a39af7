// builtin_nodes.hpp — the one list of built-in node families. Add a node: its .cpp in nodes/
// defining sluice::nodes::<family>_providers(), and one line here.
#pragma once

#include <vector>

#include <sluice/node.hpp>

// X(family): nodes/<file>.cpp defines std::vector<Provider> sluice::nodes::family_providers().
#define SLUICE_BUILTIN_NODE_FAMILIES(X)                                  \
    X(source)         /* webhook, chat, dropper */                       \
    X(response)       /* response, response_text, response_table, ... */ \
    X(parse)          /* parse */                                        \
    X(splitter)       /* preprocessor_langchain, splitter */             \
    X(anonymize)      /* anonymize, anonymize_text */                    \
    X(hash)           /* hash */                                         \
    X(filter)         /* filter */                                       \
    X(text_transform) /* text_transform */                               \
    X(json_extract)   /* json_extract */                                 \
    X(batch)          /* batch */                                        \
    X(dedupe)         /* dedupe */                                       \
    X(word_count)     /* word_count, stats */                            \
    X(text_output)    /* text_output, local-text-output */               \
    X(load)           /* delay, cpu_work */

namespace sluice::nodes {

#define SLUICE_DECLARE_FAMILY(family) std::vector<Provider> family##_providers();
SLUICE_BUILTIN_NODE_FAMILIES(SLUICE_DECLARE_FAMILY)
#undef SLUICE_DECLARE_FAMILY

}  // namespace sluice::nodes
