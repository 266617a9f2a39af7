// Nodes that work long on one large item stop once their task is cancelled: they fail the item
// with "<node>: cancelled" and emit nothing.
#include <chrono>
#include <string>

#include "nodes/node_harness.hpp"

using namespace sluice;
using namespace sluice::test;

TEST_SUITE("nodes") {
    TEST_CASE("anonymize, parse, splitter and text_transform stop on a cancelled 10 MB item") {
        const auto text = std::make_shared<const std::string>(
            repeated("<p>Mail ada@example.com, call +1 415-555-0100 now.</p>\n", 10'000'000));
        struct Case {
            const char* provider;
            const char* config;
            const char* message;
        };
        for (const Case& c : {Case{"anonymize", R"({"patterns": ["now"]})", "anonymize: cancelled"},
                              Case{"parse", R"({"mime": "text/html"})", "parse: cancelled"},
                              Case{"parse", R"({"mime": "text/csv"})", "parse: cancelled"},
                              Case{"splitter", "{}", "splitter: cancelled"},
                              Case{"text_transform", R"({"operations": ["lower"]})",
                                   "text_transform: cancelled"}}) {
            CAPTURE(c.provider);
            CAPTURE(c.config);
            auto node = build_node(c.provider, c.config);
            StoppableEmitter out;
            out.source.request_stop();
            CHECK_THROWS_WITH(node->process(Item(Lane::text, ObjectRef(), text), out), c.message);
            CHECK(out.emitted() == 0);
        }
    }

    }  // TEST_SUITE
