// test_pipeline_limits.cpp — hostile pipeline documents: the component limit, and documents
// whose size would once have cost native stack or quadratic time (long chains, long cycles,
// components with very many inputs).
#include <chrono>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "pipeline_fixture.hpp"
#include "support/scale.hpp"

using namespace sluice;
using namespace sluice::pipeline_test;

namespace {

// in -> c0 -> c1 -> ... -> c(n-1) -> out; with `cycle`, c0 also takes input from c(n-1).
std::string chain(std::size_t n, bool cycle = false) {
    std::string out = std::string("{\"components\": [") + k_source;
    for (std::size_t i = 0; i < n; ++i) {
        std::string from = i == 0 ? "in" : fmt::format("c{}", i - 1);
        std::string back =
            i == 0 && cycle ? fmt::format(R"(, {{"from": "c{}", "lane": "text"}})", n - 1) : "";
        out += fmt::format(
            R"(, {{"id": "c{}", "provider": "test_validation_upper", "input": [{{"from": "{}", "lane": "text"}}{}]}})",
            i, from, back);
    }
    out += fmt::format(
        R"(, {{"id": "out", "provider": "response", "input": [{{"from": "c{}", "lane": "text"}}]}}]}})",
        n - 1);
    return out;
}

std::vector<Problem> problems_with(const std::string& text, std::size_t max_components) {
    register_validation_nodes();
    return validate_pipeline(Json::parse(text), {}, PipelineLimits{max_components});
}

}  // namespace

TEST_SUITE("validation") {
    TEST_CASE("a pipeline over max_components is one pipeline-level problem naming the limit") {
        const std::string text = chain(10'000);  // plus "in" and "out": 10,002 components
        check_one(problems_with(text, PipelineLimits{}.max_components), "",
                  "pipeline has 10002 components; the limit is 10000 (max_components)");
        register_validation_nodes();
        CHECK_THROWS_WITH_AS(parse_pipeline(text),
                             "invalid pipeline: pipeline: pipeline has 10002 components; the "
                             "limit is 10000 (max_components)",
                             InvalidPipeline);
        CHECK(problems_with(text, 10'002).empty());
    }

    TEST_CASE("a limit of 3 components refuses a fourth before looking at any of them") {
        // The unknown provider of the fourth component is never read: the limit comes first.
        check_one(problems_with(with_source(R"({"id": "a", "provider": "nope"},
        {"id": "b", "provider": "nope"}, {"id": "c", "provider": "nope"})"),
                                3),
                  "", "pipeline has 4 components; the limit is 3 (max_components)");
    }

    TEST_CASE("a 100,000-component chain validates under a raised limit, in topological order" * sluice::test::scale_test()) {
        const std::string text = chain(100'000);
        CHECK(problems_with(text, 200'000).empty());
        register_validation_nodes();
        PipelineSpec spec = parse_pipeline(text, {}, PipelineLimits{200'000});
        REQUIRE(spec.components.size() == 100'002);
        CHECK(spec.components[1].id == "c0");
        CHECK(spec.components[100'000].id == "c99999");
    }

    TEST_CASE("a cycle through a 100,000-component chain is reported once, named by its ends" * sluice::test::scale_test()) {
        std::vector<Problem> problems = problems_with(chain(100'000, true), 200'000);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].component == "c0");
        std::string expected = "cycle: c0";
        for (int i = 1; i < 16; ++i) expected += fmt::format(" -> c{}", i);
        expected += " -> ... (99968 more) ...";
        for (int i = 99'984; i < 100'000; ++i) expected += fmt::format(" -> c{}", i);
        CHECK(problems[0].message == expected + " -> c0");
    }

    TEST_CASE("a cycle of 32 components is still listed whole") {
        std::vector<Problem> problems = problems_with(chain(32, true), 100);
        REQUIRE(problems.size() == 1);
        std::string expected = "cycle: c0";
        for (int i = 1; i < 32; ++i) expected += fmt::format(" -> c{}", i);
        CHECK(problems[0].message == expected + " -> c0");
    }

    TEST_CASE("a component with 200,000 distinct inputs is read in linear time" * sluice::test::scale_test()) {
        std::string inputs;
        for (int i = 0; i < 200'000; ++i)
            inputs += fmt::format(R"({}{{"from": "x{}", "lane": "text"}})", i ? ", " : "", i);
        const std::string text = with_source(
            fmt::format(R"({{"id": "many", "provider": "response", "input": [{}]}})", inputs));
        const auto start = std::chrono::steady_clock::now();
        std::vector<Problem> problems = problems_with(text, 10);
        const auto took = std::chrono::steady_clock::now() - start;
        REQUIRE(problems.size() == 200'000);
        CHECK(problems[0].message == "input from \"x0\": no such component");
        // Not a speed test (bench/ measures speed): a guard against going quadratic again. A scan
        // of the inputs so far per input took minutes here; a set takes about a second in a
        // release build and about 12 s under ThreadSanitizer.
        CHECK(took < std::chrono::seconds(60));
    }

}  // TEST_SUITE
