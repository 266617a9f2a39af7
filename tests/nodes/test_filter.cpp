// filter: keep/drop by substring, regex, length, JSON field; any lane.
#include "nodes/node_harness.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {
bool kept(const std::string& config, std::string_view text, const std::string& lane = "text") {
    const std::string mime = lane == "text" ? "text/plain" : "lane/" + lane;
    Result r = run_node(node_pipeline("filter", config, lane, {lane}), text, mime);
    REQUIRE(r.ok());
    return r.field(lane) != nullptr;
}
}  // namespace

TEST_SUITE("nodes") {

TEST_CASE("filter keeps items that pass every test, or drops them in drop mode") {
    CHECK(kept(R"({"contains": "needle"})", "hay needle hay"));
    CHECK_FALSE(kept(R"({"contains": "needle"})", "hay"));
    CHECK_FALSE(kept(R"({"contains": "needle", "mode": "drop"})", "hay needle"));
    CHECK(kept(R"({"regex": "^[0-9]{3}-x$"})", "123-x"));
    CHECK_FALSE(kept(R"({"regex": "^[0-9]{3}-x$", "contains": "9"})", "123-x"));
    CHECK(kept(R"({"min_length": 3, "max_length": 3})", "äöü"));  // code points, not bytes
    CHECK_FALSE(kept(R"({"max_length": 2})", "äöü"));
}

TEST_CASE("filter tests a JSON field's presence or value, on any lane") {
    CHECK(kept(R"({"json_pointer": "/user/role", "equals": "admin"})", R"({"user": {"role": "admin"}})"));
    CHECK_FALSE(kept(R"({"json_pointer": "/user/role", "equals": "admin"})", R"({"user": {"role": "x"}})"));
    CHECK(kept(R"({"json_pointer": "/items/1"})", R"({"items": [0, 1]})", "documents"));
    CHECK_FALSE(kept(R"({"json_pointer": "/items/2"})", R"({"items": [0, 1]})", "documents"));
    CHECK_FALSE(kept(R"({"json_pointer": "/a"})", "not json"));
    CHECK_FALSE(kept(R"({"json_pointer": "/a"})", std::string(100'000, '[') + std::string(100'000, ']')));
}

TEST_CASE("filter handles empty, 10 MB and invalid UTF-8 payloads") {
    CHECK(kept(R"({"max_length": 0})", ""));
    const std::string big = repeated("abc\xFF", 10'000'000) + "needle";
    CHECK(kept(R"({"regex": "needle$"})", big));
    CHECK(kept(R"({"contains": "needle", "min_length": 10000000})", big));
}

TEST_CASE("filter config errors name the problem") {
    CHECK(use_error(node_pipeline("filter", "{}")) ==
          "invalid pipeline: component \"node\": config: no test given; set contains, regex, "
          "min_length, max_length or json_pointer (+ equals)");
    CHECK(use_error(node_pipeline("filter", R"({"regex": "a(b"})")) ==
          "invalid pipeline: component \"node\": config \"regex\": bad regex \"a(b\": missing ): a(b");
    CHECK(use_error(node_pipeline("filter", R"({"equals": 1})")) ==
          "invalid pipeline: component \"node\": config \"equals\" needs \"json_pointer\": the "
          "field to compare");
    CHECK(use_error(node_pipeline("filter", R"({"contains": "x", "mode": "invert"})")) ==
          "invalid pipeline: component \"node\": config \"mode\": unknown value \"invert\"; use "
          "one of keep, drop");
}

}  // TEST_SUITE
