// The regex memory budget: every user pattern (anonymize, filter, text_transform) may use at most
// regex_memory_per_pattern, and a pipeline's patterns together at most
// regex_memory_per_pipeline; over either, use() fails naming the component and the limit.
#include <string>

#include "nodes/node_harness.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

std::string use_error_with(const NodeLimits& limits, const std::string& pipeline) {
    try {
        EngineOptions options;
        options.pipeline_limits.nodes = limits;
        Engine engine(options);
        engine.use(pipeline);
    } catch (const InvalidPipeline& e) {
        return e.what();
    }
    return "";
}

// {"patterns": ["p0", "p1", ...]}: n distinct patterns with a costly shape.
std::string many_patterns(int n) {
    std::string list;
    for (int i = 0; i < n; ++i)
        list += fmt::format(R"({}"[a-z0-9]{{1,40}}-{}@[a-z]{{2,30}}")", i ? ", " : "", i);
    return fmt::format(R"({{"patterns": [{}]}})", list);
}

}  // namespace

TEST_SUITE("nodes") {
    TEST_CASE("a pipeline over its regex budget fails use() with the budget's exact message") {
        NodeLimits limits;
        limits.regex_memory_per_pipeline = 3u << 20;
        CHECK(
            use_error_with(limits, node_pipeline("anonymize", R"({"patterns": ["a+", "b+"]})")) ==
            "invalid pipeline: component \"node\": config \"patterns[1]\": regex memory: this "
            "pattern's 2097152 bytes would bring the pipeline to 4194304 bytes, over its budget of "
            "3145728 (regex_memory_per_pipeline; 2097152 per pattern): use fewer or simpler "
            "patterns");
    }

    TEST_CASE("1,000 anonymize patterns are refused under the default budget, at the 33rd") {
        CHECK(use_error(node_pipeline("anonymize", many_patterns(1000))) ==
              "invalid pipeline: component \"node\": config \"patterns[32]\": regex memory: this "
              "pattern's 2097152 bytes would bring the pipeline to 69206016 bytes, over its budget "
              "of "
              "67108864 (regex_memory_per_pipeline; 2097152 per pattern): use fewer or simpler "
              "patterns");
        CHECK(use_error(node_pipeline("anonymize", many_patterns(32))) == "");
    }

    TEST_CASE("a budget raised on the engine admits what the default refuses, at use()") {
        // use() validates under the engine's limits, not the defaults, before building.
        NodeLimits roomy;
        roomy.regex_memory_per_pipeline = 128u << 20;
        const std::string pipeline = node_pipeline("anonymize", many_patterns(40));
        CHECK(use_error_with(NodeLimits{}, pipeline).find("over its budget of 67108864") !=
              std::string::npos);
        CHECK(use_error_with(roomy, pipeline) == "");
    }

    TEST_CASE("the budget is the pipeline's: patterns of several nodes count together") {
        NodeLimits limits;
        limits.regex_memory_per_pipeline = 5u << 20;
        const std::string pipeline = R"({"components": [
        {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
        {"id": "f", "provider": "filter", "config": {"regex": "x"}, "input": [{"lane": "text", "from": "in"}]},
        {"id": "t", "provider": "text_transform", "config": {"operations": [{"replace": "y", "with": "z"}]},
         "input": [{"lane": "text", "from": "f"}]},
        {"id": "a", "provider": "anonymize", "config": {"patterns": ["q"]}, "input": [{"lane": "text", "from": "t"}]},
        {"id": "out", "provider": "response", "input": [{"lane": "text", "from": "a"}]}]})";
        CHECK(
            use_error_with(limits, pipeline) ==
            "invalid pipeline: component \"a\": config \"patterns[0]\": regex memory: this "
            "pattern's 2097152 bytes would bring the pipeline to 6291456 bytes, over its budget of "
            "5242880 (regex_memory_per_pipeline; 2097152 per pattern): use fewer or simpler "
            "patterns");
        limits.regex_memory_per_pipeline = 6u << 20;
        CHECK(use_error_with(limits, pipeline) == "");
    }

    TEST_CASE("a pattern too big for its memory fails use() naming regex_memory_per_pattern") {
        NodeLimits limits;
        limits.regex_memory_per_pattern = 100'000;
        // Too big for 100,000 bytes (RE2: "pattern too large"), fine under the 2 MiB default;
        // written as JSON, so each backslash doubled.
        const std::string big = R"((\\pL|\\pN){100})";
        for (const auto& [provider, config, where] :
             {std::tuple{"anonymize", fmt::format(R"({{"patterns": ["{}"]}})", big), "patterns[0]"},
              std::tuple{"filter", fmt::format(R"({{"regex": "{}"}})", big), "regex"},
              std::tuple{"text_transform",
                         fmt::format(R"({{"operations": [{{"replace": "{}", "with": ""}}]}})", big),
                         "operations[0]"}})
            CHECK(use_error_with(limits, node_pipeline(provider, config)) ==
                  fmt::format("invalid pipeline: component \"node\": config \"{}\": regex "
                              "\"(\\pL|\\pN){{100}}\" needs more than its 100000 bytes of memory "
                              "(regex_memory_per_pattern): simplify it, e.g. fewer or smaller "
                              "repetition counts",
                              where));
    }

    TEST_CASE("a normal anonymize pipeline with custom patterns still masks as before") {
        Result r =
            run_node(node_pipeline("anonymize",
                                   R"({"patterns": [{"name": "TICKET", "regex": "T-[0-9]+"}]})"),
                     "mail a@b.org about T-42");
        CHECK(text_of(r) == "mail [EMAIL] about [TICKET]\n\n");
    }

}  // TEST_SUITE
