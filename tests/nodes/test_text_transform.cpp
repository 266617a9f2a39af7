// text_transform: case, trim, whitespace, regex replace, in order.
#include "nodes/node_harness.hpp"
#include "support/scale.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {
std::string transformed(const std::string& operations, std::string_view text) {
    Result r = run_node(node_pipeline("text_transform", fmt::format(R"({{"operations": {}}})", operations)), text);
    REQUIRE(r.ok());
    std::string out = text_of(r);
    return out.substr(0, out.size() - 2);
}
}  // namespace

TEST_SUITE("nodes") {

TEST_CASE("text_transform applies its operations in order") {
    CHECK(transformed(R"(["trim", "lower"])", "  Hello ÀÉÎ ΑΒΓ ДЖЁ World \n") == "hello àéî αβγ джё world");
    CHECK(transformed(R"(["upper"])", "straße àé αβγ джё") == "STRAßE ÀÉ ΑΒΓ ДЖЁ");
    CHECK(transformed(R"(["normalize_whitespace"])", " a \t\n b  c ") == "a b c");
    CHECK(transformed(R"x([{"replace": "([0-9]+)-([0-9]+)", "with": "\\2/\\1"}, "upper"])x", "x 12-34 y 5-6") ==
          "X 34/12 Y 6/5");
}

TEST_CASE("text_transform keeps empty text empty and repairs invalid UTF-8") {
    CHECK(transformed(R"(["trim"])", "") == "");
    CHECK(transformed(R"(["upper"])", "a\xC3") == "A\xEF\xBF\xBD");
}

TEST_CASE("text_transform rewrites a 10 MB text" * sluice::test::scale_test()) {
    const std::string big = repeated("Mixed CASE  text, ok.\n", 10'000'000);
    const std::string out = transformed(R"(["lower", "normalize_whitespace", {"replace": "ok", "with": "OK"}])", big);
    CHECK(out.size() == big.size() / 22 * 21 - 1);
    CHECK(out.starts_with("mixed case text, OK. mixed"));
}

TEST_CASE("text_transform config errors name the operation") {
    CHECK(use_error(node_pipeline("text_transform", R"({"operations": ["title"]})")) ==
          "invalid pipeline: component \"node\": config \"operations[0]\": unknown operation "
          "\"title\"; use lower, upper, trim, normalize_whitespace or {\"replace\": ..., \"with\": ...}");
    CHECK(use_error(node_pipeline("text_transform", R"({"operations": [{"replace": "(a", "with": ""}]})")) ==
          "invalid pipeline: component \"node\": config \"operations[0]\": bad regex \"(a\": missing ): (a");
    CHECK(use_error(node_pipeline("text_transform", R"({"operations": [{"replace": "a", "with": "\\1"}]})")) ==
          "invalid pipeline: component \"node\": config \"operations[0]\": bad replacement \"\\1\": "
          "Rewrite schema requests 1 matches, but the regexp only has 0 parenthesized subexpressions.");
    CHECK(use_error(node_pipeline("text_transform", "{}")) ==
          "invalid pipeline: component \"node\": config \"operations\" is required");
}

}  // TEST_SUITE
