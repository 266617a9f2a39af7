// test_pipeline_spec.cpp — what parse_pipeline builds from a valid pipeline: the flat and
// wrapped forms, ignored keys, project_id, reachability, topological order, source override.
#include <regex>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "pipeline_fixture.hpp"

using namespace sluice::pipeline_test;
using sluice::Json;
using sluice::Lane;

TEST_SUITE("pipeline_spec") {

TEST_CASE("the flat form gives canonical providers and one edge per from and lane") {
    auto spec = spec_of(R"({"project_id": "6744c740-0cdb-4667-b471-6c31d17d92d2", "name": "echo",
        "source": "in", "components": [
        {"id": "in", "provider": "WebHook"},
        {"id": "out", "provider": "response", "config": {"lanes": []},
         "input": [{"lane": "text", "from": "in"}, {"lane": "tags", "from": "in"},
                   {"lane": "text", "from": "in"}]}]})");
    CHECK(spec.project_id == "6744c740-0cdb-4667-b471-6c31d17d92d2");
    CHECK(spec.name == "echo");
    CHECK(spec.source == "in");
    REQUIRE(spec.components.size() == 2);
    CHECK(spec.components[0].provider == "webhook");
    CHECK(spec.components[0].config == Json(Json::Object{}));
    CHECK(spec.components[0].inputs.empty());
    const sluice::ComponentSpec* out = spec.find("out");
    REQUIRE(out != nullptr);
    CHECK(out->index == 1);
    CHECK(out->config.dump() == R"({"lanes":[]})");
    REQUIRE(out->inputs.size() == 2);
    CHECK(out->inputs[0].from == "in");
    CHECK(out->inputs[0].lane == Lane::text);
    CHECK(out->inputs[1].lane == Lane::tags);
    CHECK(spec.find("nope") == nullptr);
    CHECK(spec.warnings.empty());
}

TEST_CASE("the pipeline wrapper form is accepted") {
    auto spec = spec_of(R"({"pipeline": {"source": "in", "components": [
        {"id": "in", "provider": "webhook"},
        {"id": "out", "provider": "response", "input": [{"lane": "text", "from": "in"}]}]}})");
    CHECK(spec.source == "in");
    CHECK(spec.components.size() == 2);
}

TEST_CASE("unknown keys and editor keys such as ui and viewport are ignored") {
    auto spec = spec_of(R"({"version": 1, "viewport": {"x": 0, "y": 0, "zoom": 1},
        "description": "d", "docRevision": 4, "components": [
        {"id": "in", "provider": "webhook", "name": "Webhook", "ui": {"position": {"x": 1}},
         "config": {"mode": "Source", "type": "webhook", "hideForm": true, "parameters": {}}},
        {"id": "out", "provider": "response", "ui": {"measured": {}}, "control": [],
         "input": [{"lane": "text", "from": "in", "note": "x"}]}]})");
    CHECK(spec.source == "in");
    CHECK(spec.components.size() == 2);
}

TEST_CASE("a missing project_id is generated as a lowercase UUID v4") {
    auto spec = spec_of(pipeline(k_source));
    static const std::regex uuid_v4(
        "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    CHECK(std::regex_match(spec.project_id, uuid_v4));
    CHECK(spec_of(pipeline(k_source)).project_id != spec.project_id);
    check_one(problems_of(R"({"project_id": 7, "components": [)" + std::string(k_source) + "]}"),
              "", "\"project_id\" must be a string, got integer");
}

TEST_CASE("components not reachable from the source are left out with a warning each") {
    auto spec = spec_of(with_source(R"(
        {"id": "out", "provider": "response", "input": [{"from": "in", "lane": "text"},
                                                        {"from": "side", "lane": "questions"}]},
        {"id": "side", "provider": "chat"},
        {"id": "side_sink", "provider": "response",
         "input": [{"from": "side", "lane": "text"}]})"));
    REQUIRE(spec.components.size() == 2);
    CHECK(spec.components[0].id == "in");
    CHECK(spec.components[1].id == "out");
    // The input from a component that never runs is dropped from the spec.
    REQUIRE(spec.components[1].inputs.size() == 1);
    CHECK(spec.components[1].inputs[0].from == "in");
    REQUIRE(spec.warnings.size() == 2);
    CHECK(spec.warnings[0] ==
          "component \"side\" is not reachable from source \"in\" and will not run");
    CHECK(spec.warnings[1] ==
          "component \"side_sink\" is not reachable from source \"in\" and will not run");
}

TEST_CASE("components are in topological order, source first, ties in document order") {
    auto spec = spec_of(pipeline(R"(
        {"id": "out", "provider": "response", "input": [{"from": "b", "lane": "text"},
                                                        {"from": "a", "lane": "text"}]},
        {"id": "b", "provider": "test_validation_upper", "input": [{"from": "a", "lane": "text"}]},
        {"id": "c", "provider": "test_validation_chunker",
         "input": [{"from": "in", "lane": "text"}]},
        {"id": "a", "provider": "test_validation_upper", "input": [{"from": "in", "lane": "text"}]},
        {"id": "docs", "provider": "response_documents",
         "input": [{"from": "c", "lane": "documents"}]},
        {"id": "in", "provider": "webhook", "config": {"mode": "Source"}})"));
    std::vector<std::string> order;
    for (const auto& component : spec.components) order.push_back(component.id);
    CHECK(order == std::vector<std::string>{"in", "c", "a", "b", "out", "docs"});
    CHECK(spec.find("in")->index == 5);
}

TEST_CASE("the source argument overrides both the source key and the Source mode") {
    std::string text = R"({"source": "a", "components": [
        {"id": "a", "provider": "webhook", "config": {"mode": "Source"}},
        {"id": "b", "provider": "chat", "config": {"mode": "Source"}},
        {"id": "out", "provider": "response", "input": [{"from": "b", "lane": "questions"}]}]})";
    auto spec = spec_of(text, "b");
    CHECK(spec.source == "b");
    REQUIRE(spec.components.size() == 2);
    CHECK(spec.components[0].id == "b");
    CHECK(spec.components[1].id == "out");
    CHECK(spec_of(text).source == "a");
    CHECK(spec_of(text).components.size() == 1);
}

}  // TEST_SUITE

TEST_CASE("parse_pipeline accepts std::string and literals, and text validation reports syntax errors") {
    std::string text = R"({"components": [{"id": "in", "provider": "webhook", "config": {"mode": "Source"}}]})";
    CHECK(sluice::parse_pipeline(text).source == "in");
    CHECK(sluice::parse_pipeline(text.c_str()).source == "in");
    CHECK(sluice::validate_pipeline_text(text).empty());
    auto problems = sluice::validate_pipeline_text("{\n  \"components\": [\n  }");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].component.empty());
    CHECK(problems[0].message.find("line 3") != std::string::npos);
}
