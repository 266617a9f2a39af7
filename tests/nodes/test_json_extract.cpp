// json_extract: JSON pointers onto text or table, missing values, invalid JSON, config.
#include "nodes/node_harness.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {
constexpr const char* k_doc = R"({"user": {"name": "Ada", "tags": ["x", "y"], "a/b": 1}, "n": 2.5})";
}

TEST_SUITE("nodes") {

TEST_CASE("json_extract prints each picked field as a line, strings unquoted") {
    Result r = run_node(node_pipeline("json_extract",
                                      R"({"fields": {"who": "/user/name", "second": "/user/tags/1"},
                                          "pointers": ["/n", "/user/a~1b", "/user/tags"]})"),
                        k_doc, "text/plain");
    CHECK(text_of(r) == "who: Ada\nsecond: y\n/n: 2.5\n/user/a~1b: 1\n/user/tags: [\"x\",\"y\"]\n\n");
}

TEST_CASE("json_extract emits one JSON row on table, null for a missing field") {
    Result r = run_node(node_pipeline("json_extract", R"({"output": "table",
                            "fields": {"who": "/user/name", "age": "/user/age", "all": ""}})",
                                      "text", {"table"}),
                        R"({"user": {"name": "Ada"}})", "text/plain");
    CHECK(values_of(r, "table") ==
          std::vector<std::string>{R"({"who":"Ada","age":null,"all":{"user":{"name":"Ada"}}})"});
}

TEST_CASE("json_extract skips or fails on missing fields when asked") {
    CHECK(text_of(run_node(node_pipeline("json_extract", R"({"pointers": ["/a", "/b"], "missing": "skip"})"),
                           R"({"b": true})")) == "/b: true\n\n");
    Result r = run_node(node_pipeline("json_extract", R"({"pointers": ["/a"], "missing": "fail"})"), "{}");
    CHECK(r.error == "component \"node\" (json_extract): no value at \"/a\"; set \"missing\": \"null\" or \"skip\" to "
                     "accept documents without it");
}

TEST_CASE("json_extract fails an object whose text is not JSON, empty included") {
    const std::string p = node_pipeline("json_extract", R"({"pointers": ["/a"]})");
    Result r = run_node(p, R"({"a": )");
    CHECK(r.error.starts_with("component \"node\" (json_extract): the text is not valid JSON ("));
    CHECK(r.error.ends_with("); send a JSON document"));
    CHECK_FALSE(run_node(p, "").ok());
    CHECK_FALSE(run_node(p, "{\"a\": \"\xFF\"}").ok());
    CHECK_FALSE(run_node(p, std::string(50'000, '[') + std::string(50'000, ']')).ok());
}

TEST_CASE("json_extract picks from a 10 MB document") {
    std::string doc = R"({"items": [)";
    while (doc.size() < 10'000'000) doc += R"({"id": 1, "name": "some item name", "tags": ["a", "b"]},)";
    doc += R"({"id": 2, "name": "last"}], "total": 7})";
    auto t0 = std::chrono::steady_clock::now();
    Result r = run_node(node_pipeline("json_extract", R"({"pointers": ["/total", "/items/0/name"]})"), doc);
    MESSAGE("json_extract: ", mb_per_s(doc.size(), std::chrono::steady_clock::now() - t0), " MB/s");
    CHECK(text_of(r) == "/total: 7\n/items/0/name: some item name\n\n");
}

TEST_CASE("json_extract config errors name the pointer and the syntax") {
    CHECK(use_error(node_pipeline("json_extract", R"({"pointers": ["user/name"]})")) ==
          "invalid pipeline: component \"node\": config \"pointers\": \"user/name\" is not a JSON "
          "pointer; write \"/a/0/b\" (\"~0\" for '~', \"~1\" for '/')");
    CHECK(use_error(node_pipeline("json_extract", "{}")) ==
          "invalid pipeline: component \"node\": config: nothing to extract; set \"pointers\": "
          "[\"/a/b\"] or \"fields\": {\"name\": \"/a/b\"}");
    CHECK(use_error(node_pipeline("json_extract", R"({"pointers": ["/a"], "output": "csv"})")) ==
          "invalid pipeline: component \"node\": config \"output\": unknown value \"csv\"; use one "
          "of text, table");
}

}  // TEST_SUITE
