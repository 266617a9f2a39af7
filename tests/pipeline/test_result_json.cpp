// test_result_json.cpp — a Result written in RocketRide's result shape.
#include <doctest/doctest.h>

#include <sluice/json.hpp>
#include <sluice/result.hpp>

using sluice::Lane;
using sluice::Result;

namespace {

Result base_result() {
    Result result;
    result.name = "report.txt";
    result.path = "in/";
    result.object_id = "0b6c6f43-3a2c-4a0e-9c1e-5f2d8b7a9e10";
    return result;
}

constexpr const char* k_head =
    R"({"name":"report.txt","path":"in/","objectId":"0b6c6f43-3a2c-4a0e-9c1e-5f2d8b7a9e10")";

}  // namespace

TEST_SUITE("result_json") {

TEST_CASE("a result with no fields has no result_types key") {
    CHECK(sluice::to_json(base_result()) == std::string(k_head) + "}");
}

TEST_CASE("a text field is listed in result_types and holds its values as strings") {
    Result result = base_result();
    result.fields.push_back({"text", Lane::text, {"Hello \n\nfrom \n\n"}});
    CHECK(sluice::to_json(result) ==
          std::string(k_head) +
              R"(,"result_types":{"text":"text"},"text":["Hello \n\nfrom \n\n"]})");
}

TEST_CASE("a renamed key maps to its lane in result_types, fields in their order") {
    Result result = base_result();
    result.fields.push_back({"summary", Lane::text, {"a", "b"}});
    result.fields.push_back({"rows", Lane::table, {"|x|"}});
    CHECK(sluice::to_json(result) ==
          std::string(k_head) + R"(,"result_types":{"summary":"text","rows":"table"},)" +
              R"("summary":["a","b"],"rows":["|x|"]})");
}

TEST_CASE("values on JSON lanes are embedded as JSON when they parse") {
    Result result = base_result();
    result.fields.push_back(
        {"documents", Lane::documents, {R"( [{"page": 1, "text": "é"}] )", "42", "\"s\""}});
    result.fields.push_back({"answers", Lane::answers, {R"({"answer":"yes"})"}});
    CHECK(sluice::to_json(result) ==
          std::string(k_head) +
              R"(,"result_types":{"documents":"documents","answers":"answers"},)" +
              R"("documents":[[{"page": 1, "text": "é"}],42,"s"],"answers":[{"answer":"yes"}]})");
}

TEST_CASE("invalid JSON on a JSON lane stays a string") {
    Result result = base_result();
    result.fields.push_back({"answers", Lane::answers, {"plain answer", "{\"a\":1} x", ""}});
    std::string json = sluice::to_json(result);
    CHECK(json == std::string(k_head) + R"(,"result_types":{"answers":"answers"},)" +
                      R"("answers":["plain answer","{\"a\":1} x",""]})");
    CHECK(sluice::Json::parse(json).is_object());
}

TEST_CASE("values on binary lanes are base64 strings") {
    Result result = base_result();
    result.fields.push_back(
        {"image", Lane::image, {"M", "Ma", "Man", std::string("\0\xff\xfe", 3)}});
    result.fields.push_back({"tags", Lane::tags, {""}});
    CHECK(sluice::to_json(result) ==
          std::string(k_head) + R"(,"result_types":{"image":"image","tags":"tags"},)" +
              R"("image":["TQ==","TWE=","TWFu","AP/+"],"tags":[""]})");
}

TEST_CASE("a failed object's result carries its error last") {
    Result result = base_result();
    result.error = "component \"upper\": boom";
    CHECK(sluice::to_json(result) ==
          std::string(k_head) + R"(,"error":"component \"upper\": boom"})");
    result.fields.push_back({"text", Lane::text, {}});
    CHECK(sluice::to_json(result) == std::string(k_head) + R"(,"result_types":{"text":"text"},)" +
                                         R"("text":[],"error":"component \"upper\": boom"})");
}

TEST_CASE("text with invalid UTF-8 still gives valid JSON") {
    Result result = base_result();
    result.name = "bad\xff name";
    result.fields.push_back({"text", Lane::text, {"\xC3"}});
    std::string json = sluice::to_json(result);
    CHECK(sluice::Json::parse(json).get_string("name") == "bad\xEF\xBF\xBD name");
    CHECK(sluice::Json::parse(json).find("text")->as_array()[0].as_string() == "\xEF\xBF\xBD");
}

TEST_CASE("field finds a result field by key") {
    Result result = base_result();
    result.fields.push_back({"a", Lane::text, {"1"}});
    result.fields.push_back({"b", Lane::table, {"2"}});
    REQUIRE(result.field("b") != nullptr);
    CHECK(result.field("b")->lane == Lane::table);
    CHECK(result.field("c") == nullptr);
    CHECK(result.ok());
}

}  // TEST_SUITE
