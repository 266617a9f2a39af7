// parse: text by MIME type, CSV/JSON rows on table, HTML visible text, warnings not failures.
#include "nodes/node_harness.hpp"
#include "support/scale.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {
const std::string k_parse = node_pipeline("parse", "{}", "tags", {"text", "table"});
}

TEST_SUITE("nodes") {

TEST_CASE("parse passes plain text and markdown through as text") {
    CHECK(text_of(run_node(k_parse, "hello world", "text/plain")) == "hello world\n\n");
    CHECK(text_of(run_node(k_parse, "# Title\n\nbody", "text/markdown")) == "# Title\n\nbody\n\n");
    CHECK(text_of(run_node(k_parse, "x", "text/x-log; charset=utf-8")) == "x\n\n");
}

TEST_CASE("parse emits csv as text and its rows as one table item") {
    Result r = run_node(k_parse, "name,note\r\nAda,\"says \"\"hi\"\", twice\"\nBob,\n", "text/csv");
    CHECK(text_of(r) == "name,note\r\nAda,\"says \"\"hi\"\", twice\"\nBob,\n\n\n");
    CHECK(values_of(r, "table") ==
          std::vector<std::string>{R"([["name","note"],["Ada","says \"hi\", twice"],["Bob",""]])"});
}

TEST_CASE("parse pretty-prints json and lists its values as [pointer, value] rows") {
    Result r = run_node(k_parse, R"({"a":[1,"x"],"b/c":{"d":null}})", "application/json");
    CHECK(text_of(r) == "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b/c\": {\n    \"d\": null\n  }\n}\n\n");
    CHECK(values_of(r, "table") ==
          std::vector<std::string>{R"([["/a/0",1],["/a/1","x"],["/b~1c/d",null]])"});
}

TEST_CASE("parse keeps only the visible text of html") {
    const char* html = "<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style>"
                       "<script>var x = '<p>no</p>';</script></head><body><h1>Head&amp;line</h1>"
                       "<!-- hidden --><p>One &lt;two&gt;&#33;&#x263A; <b>bold</b></p>"
                       "<ul><li>a</li><li>b</li></ul>a < b<br>end</body></html>";
    CHECK(text_of(run_node(k_parse, html, "text/html")) ==
          "Head&line\nOne <two>!\xE2\x98\xBA bold\na\nb\na < b\nend\n\n");
}

TEST_CASE("parse gives no text and a warning for a binary type, and the object completes") {
    Result r = run_node(k_parse, std::string("\x89PNG\x00\x01", 6), "image/png");
    CHECK(r.ok());
    CHECK(r.fields.empty());
    CHECK(r.warnings == std::vector<std::string>{
                            "parse: no parser for MIME type \"image/png\"; the object passes with "
                            "no text (parse reads text/plain, text/markdown, text/csv, "
                            "application/json, text/html)"});
}

TEST_CASE("parse of an empty object emits nothing and does not fail") {
    Result r = run_node(k_parse, "", "text/plain");
    CHECK(r.ok());
    CHECK(r.fields.empty());
    CHECK(r.warnings.empty());
}

TEST_CASE("parse repairs invalid UTF-8 with U+FFFD and says where") {
    Result r = run_node(k_parse, "ok \xC3\x28 and \xFF end", "text/plain");
    CHECK(text_of(r) == "ok \xEF\xBF\xBD( and \xEF\xBF\xBD end\n\n");
    CHECK(r.warnings == std::vector<std::string>{
                            "parse: 2 invalid UTF-8 sequence(s) replaced by U+FFFD, the first at "
                            "byte 3; send UTF-8 text"});
}

TEST_CASE("parse fails an object whose application/json is not JSON, naming the offset") {
    Result r = run_node(k_parse, R"({"a": tru})", "application/json");
    CHECK_FALSE(r.ok());
    CHECK(r.error.starts_with("component \"node\" (parse): application/json is not valid JSON ("));
    CHECK(r.error.ends_with("); fix the data or send it as text/plain"));
}

TEST_CASE("parse reads a 10 MB html and a 10 MB csv object" * sluice::test::scale_test()) {
    const std::string_view unit = "<div><p>Lorem &amp; ipsum <i>dolor</i></p><script>x()</script></div>";
    const std::string html = repeated(unit, 10'500'000);
    auto t0 = std::chrono::steady_clock::now();
    Result r = run_node(node_pipeline("parse", "{}", "tags", {"text"}), html, "text/html");
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    MESSAGE("parse html: ", mb_per_s(html.size(), elapsed), " MB/s (whole task, incl. result)");
    // "Lorem & ipsum dolor\n" per unit; the last '\n' is trimmed, the response adds "\n\n".
    CHECK(text_of(r).size() == html.size() / unit.size() * 20 + 1);
    const std::string csv = repeated("a,\"b\nc\",d\n", 10'000'000);
    Result c = run_node(k_parse, csv, "text/csv");
    const Json rows = Json::parse(values_of(c, "table").at(0));
    CHECK(rows.as_array().size() == csv.size() / 10);
    CHECK(rows.as_array().back().dump() == R"(["a","b\nc","d"])");
}

TEST_CASE("parse fails a deeply nested json document instead of overflowing the stack") {
    Result r = run_node(k_parse, std::string(100'000, '[') + std::string(100'000, ']'), "application/json");
    // Json::parse bounds the nesting (256 levels) and reports it as a syntax error.
    CHECK(r.error == "component \"node\" (parse): application/json is not valid JSON (JSON syntax "
                     "error at line 1, column 258 (byte 257): The JSON document was too deep (too "
                     "many nested objects and arrays)); fix the data or send it as text/plain");
    CHECK(run_node(k_parse, std::string(250, '[') + std::string(250, ']'), "application/json").ok());
}

}  // TEST_SUITE
