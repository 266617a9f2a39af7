// test_json.cpp — sluice::Json: parsing (values and syntax errors), typed access, writing,
// and the UTF-8-repairing string escaper.
#include <cmath>
#include <limits>
#include <string>

#include <doctest/doctest.h>

#include <vector>

#include <sluice/errors.hpp>
#include <sluice/json.hpp>

using sluice::Json;
using sluice::JsonError;

namespace {

// Parses text that must fail; returns the error for its fields.
JsonError parse_error(std::string_view text) {
    try {
        Json::parse(text);
    } catch (const JsonError& error) {
        return error;
    }
    FAIL("expected a JsonError for: " << std::string(text));
    return JsonError("", 0, 0, 0);
}

std::string json_quoted(std::string_view text) {
    std::string out;
    sluice::append_json_string(out, text);
    return out;
}

}  // namespace

TEST_SUITE("json") {

TEST_CASE("parse reads every JSON type into the matching Json type") {
    Json doc = Json::parse(R"({"n": null, "t": true, "f": false, "i": -42, "d": 2.5,
                                "s": "hi", "a": [1, "x"], "o": {"k": "v"}})");
    CHECK(doc.find("n")->type() == Json::Type::null);
    CHECK(doc.find("t")->as_bool() == true);
    CHECK(doc.find("f")->as_bool() == false);
    CHECK(doc.find("i")->as_int() == -42);
    CHECK(doc.find("d")->type() == Json::Type::number);
    CHECK(doc.find("d")->as_double() == 2.5);
    CHECK(doc.find("s")->as_string() == "hi");
    CHECK(*doc.find("a") == Json(Json::Array{1, "x"}));
    CHECK(*doc.find("o") == Json(Json::Object{{"k", "v"}}));
    CHECK(Json::parse("7") == Json(7));
    CHECK(Json::parse(" \"root\" ") == Json("root"));
    CHECK(Json::parse("null").is_null());
    CHECK(Json::parse("false") == Json(false));
}

TEST_CASE("parse keeps object members in document order through nesting") {
    Json doc = Json::parse(R"({"z": {"b": [[], {}], "a": [[1, [2, [3]]]]}, "y": 0})");
    const Json::Object& top = doc.as_object();
    REQUIRE(top.size() == 2);
    CHECK(top[0].first == "z");
    CHECK(top[1].first == "y");
    const Json::Object& inner = top[0].second.as_object();
    CHECK(inner[0].first == "b");
    CHECK(inner[1].first == "a");
    CHECK(inner[0].second == Json(Json::Array{Json::Array{}, Json::Object{}}));
    CHECK(doc.dump() == R"({"z":{"b":[[],{}],"a":[[1,[2,[3]]]]},"y":0})");
}

TEST_CASE("parse decodes escapes, including unicode escapes and surrogate pairs, into UTF-8") {
    Json doc = Json::parse(R"(["a\"b\\c\/d\n\t", "\u00e9\u4e2d", "\ud83d\ude00", "\u0000x"])");
    const Json::Array& items = doc.as_array();
    CHECK(items[0].as_string() == "a\"b\\c/d\n\t");
    CHECK(items[1].as_string() == "\xC3\xA9\xE4\xB8\xAD");
    CHECK(items[2].as_string() == "\xF0\x9F\x98\x80");
    CHECK(items[3].as_string() == std::string("\0x", 2));
}

TEST_CASE("integers that fit int64 stay integers and larger ones become doubles") {
    CHECK(Json::parse("9223372036854775807") == Json(std::int64_t{9223372036854775807}));
    CHECK(Json::parse("-9223372036854775808") ==
          Json(std::numeric_limits<std::int64_t>::min()));
    Json big = Json::parse("9223372036854775808");
    CHECK(big.type() == Json::Type::number);
    CHECK(big.as_double() == 9223372036854775808.0);
    Json bigger = Json::parse("[123456789012345678901234567890]").as_array()[0];
    CHECK(bigger.type() == Json::Type::number);
    CHECK(bigger.as_double() == doctest::Approx(1.2345678901234568e29));
    CHECK(Json::parse("-18446744073709551616").as_double() == -18446744073709551616.0);
    CHECK(Json::parse("1.0").type() == Json::Type::number);
    CHECK(Json::parse("1e2").as_double() == 100.0);
}

TEST_CASE("a missing comma on line 3 is reported with its line, column and byte offset") {
    std::string text = "{\n  \"a\": 1,\n  \"b\": 2 \"c\": 3\n}";
    JsonError error = parse_error(text);
    CHECK(error.line() == 3);
    CHECK(error.column() == 10);
    CHECK(error.offset() == 21);
    CHECK(text[error.offset()] == '"');
    CHECK(std::string(error.what()) ==
          "JSON syntax error at line 3, column 10 (byte 21): The JSON document has an improper "
          "structure: missing or superfluous commas, braces, missing keys, etc.");
}

TEST_CASE("content after the document is reported at the first extra byte") {
    JsonError error = parse_error("{\"a\": 1}\n  x");
    CHECK(error.line() == 2);
    CHECK(error.column() == 3);
    CHECK(error.offset() == 11);
    CHECK(std::string(error.what()) == "JSON syntax error at line 2, column 3 (byte 11): "
                                       "Unexpected trailing content in the JSON input.");
    CHECK(parse_error("[1] ]").offset() == 4);
    CHECK(parse_error("1 2").offset() == 2);
    CHECK(parse_error("true x").offset() == 5);
    CHECK(parse_error("null x").offset() == 5);
    CHECK(parse_error("\"a\" \"b\"").offset() == 4);
}

TEST_CASE("empty input is a syntax error at byte 0") {
    JsonError error = parse_error("");
    CHECK(error.offset() == 0);
    CHECK(error.line() == 1);
    CHECK(error.column() == 1);
    CHECK(std::string(error.what()) ==
          "JSON syntax error at line 1, column 1 (byte 0): Empty: no JSON found");
}

TEST_CASE("a document that stops inside a container is reported at the end of input") {
    JsonError error = parse_error("{\"a\": [1, 2]");
    CHECK(error.offset() == 12);
    CHECK(std::string(error.what()) == "JSON syntax error at line 1, column 13 (byte 12): JSON "
                                       "document ended early in the middle of an object or array.");
    CHECK(parse_error("[[1,2]").offset() == 6);
    CHECK(parse_error("[").offset() == 1);
}

TEST_CASE("the first fault inside an unbalanced document wins over the imbalance") {
    CHECK(parse_error("[1,,2").offset() == 3);
    CHECK(parse_error("{\"a\" 1, \"b\": [}").offset() == 5);
    CHECK(parse_error("{\"a\": [1}").offset() == 8);  // the mismatched closer
}

TEST_CASE("misspelt literals, bad numbers and bad escapes name the fault") {
    CHECK(std::string(parse_error("[tru]").what()) ==
          "JSON syntax error at line 1, column 2 (byte 1): "
          "Problem while parsing an atom starting with the letter 't'");
    CHECK(parse_error("{\"a\": nul}").offset() == 6);
    CHECK(std::string(parse_error("[01]").what()) ==
          "JSON syntax error at line 1, column 2 (byte 1): Problem while parsing a number");
    CHECK(parse_error("[1e999]").offset() == 1);
    CHECK(std::string(parse_error(R"("\x")").what()).ends_with("Problem while parsing a string"));
}

TEST_CASE("invalid UTF-8 in the input is reported at the offending byte") {
    JsonError error = parse_error("[\"ok\",\n\"\xC3\x28\"]");
    CHECK(error.offset() == 8);
    CHECK(error.line() == 2);
    CHECK(error.column() == 2);
    CHECK(std::string(error.what()).ends_with("The input is not valid UTF-8"));
}

TEST_CASE("typed accessors throw UsageError naming the expected and the actual type") {
    Json number(1);
    CHECK_THROWS_WITH_AS(number.as_string(), "expected string, got integer", sluice::UsageError);
    CHECK_THROWS_WITH_AS(Json("x").as_int(), "expected integer, got string", sluice::UsageError);
    CHECK_THROWS_WITH_AS(Json(2.5).as_int(), "expected integer, got number", sluice::UsageError);
    CHECK_THROWS_WITH_AS(Json().as_object(), "expected object, got null", sluice::UsageError);
    CHECK_THROWS_WITH_AS(Json(true).as_array(), "expected array, got boolean",
                         sluice::UsageError);
    CHECK_THROWS_WITH_AS(Json("1").as_double(), "expected number, got string",
                         sluice::UsageError);
    CHECK(Json(3).as_double() == 3.0);
}

TEST_CASE("get helpers return the fallback for absent keys and throw for a wrong type") {
    Json doc = Json::parse(R"({"s": "v", "i": 5, "d": 0.5, "b": true})");
    CHECK(doc.get_string("s") == "v");
    CHECK(doc.get_string("missing", "dflt") == "dflt");
    CHECK(doc.get_int("i", 0) == 5);
    CHECK(doc.get_int("missing", 9) == 9);
    CHECK(doc.get_double("d", 0) == 0.5);
    CHECK(doc.get_double("i", 0) == 5.0);
    CHECK(doc.get_bool("b", false) == true);
    CHECK_THROWS_WITH_AS(doc.get_string("i"), "key \"i\": expected string, got integer",
                         sluice::UsageError);
    CHECK_THROWS_WITH_AS(doc.get_int("d", 0), "key \"d\": expected integer, got number",
                         sluice::UsageError);
    CHECK(doc.find("nope") == nullptr);
    CHECK(Json(1).find("s") == nullptr);
}

TEST_CASE("set adds or replaces members and turns null into an object") {
    Json doc;
    doc.set("a", 1);
    doc.set("b", "two");
    doc.set("a", 3);
    CHECK(doc.dump() == R"({"a":3,"b":"two"})");
    Json number(1);
    CHECK_THROWS_AS(number.set("a", 1), sluice::UsageError);
}

TEST_CASE("dump writes compact JSON that parses back to an equal value") {
    std::string text =
        R"({"a":[1,-2,3.25,true,false,null],"b":{"c":"line\nbreak \"q\" \\"},"e":[],"f":{}})";
    Json doc = Json::parse(text);
    CHECK(doc.dump() == text);
    CHECK(Json::parse(doc.dump()) == doc);
    std::string appended = "prefix:";
    doc.find("e")->dump_to(appended);
    CHECK(appended == "prefix:[]");
}

TEST_CASE("dump keeps doubles as doubles and writes non-finite numbers as null") {
    CHECK(Json(1.0).dump() == "1.0");
    CHECK(Json(0.1).dump() == "0.1");
    CHECK(Json(1e300).dump() == "1e+300");
    CHECK(Json::parse(Json(2.0).dump()).type() == Json::Type::number);
    double third = 1.0 / 3.0;
    CHECK(Json::parse(Json(third).dump()).as_double() == third);
    CHECK(Json(std::numeric_limits<double>::infinity()).dump() == "null");
    CHECK(Json(std::nan("")).dump() == "null");
    CHECK(Json(std::int64_t{-7}).dump() == "-7");
}

TEST_CASE("append_json_string escapes quotes, backslashes and control characters") {
    CHECK(json_quoted("plain") == "\"plain\"");
    CHECK(json_quoted("a\"b\\c") == R"("a\"b\\c")");
    CHECK(json_quoted("\n\t\r\b\f") == R"("\n\t\r\b\f")");
    CHECK(json_quoted(std::string("\x01\x1f\0", 3)) == R"("\u0001\u001f\u0000")");
    CHECK(json_quoted("/\x7f") == "\"/\x7f\"");
    std::string out = "x";
    sluice::append_json_string(out, "");
    CHECK(out == "x\"\"");
}

TEST_CASE("append_json_string passes valid UTF-8 through unchanged") {
    std::string text = "caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF \xEF\xBF\xBD";
    CHECK(json_quoted(text) == "\"" + text + "\"");
}

TEST_CASE("append_json_string replaces each invalid UTF-8 sequence with U+FFFD") {
    const std::string r = "\xEF\xBF\xBD";
    CHECK(json_quoted("a\x80z") == "\"a" + r + "z\"");                 // stray continuation byte
    CHECK(json_quoted("\xC0\xAF") == "\"" + r + r + "\"");             // overlong lead C0
    CHECK(json_quoted("\xE0\x80\xAF") == "\"" + r + r + r + "\"");     // overlong 3-byte form
    CHECK(json_quoted("\xED\xA0\x80") == "\"" + r + r + r + "\"");     // UTF-16 surrogate
    CHECK(json_quoted("\xF4\x90\x80\x80") == "\"" + r + r + r + r + "\"");  // above U+10FFFF
    CHECK(json_quoted("\xF5") == "\"" + r + "\"");                     // never a lead byte
    CHECK(json_quoted("x\xE2\x82") == "\"x" + r + "\"");               // truncated at the end
    CHECK(json_quoted("\xE2\x82z") == "\"" + r + "z\"");               // truncated mid-text
    CHECK(json_quoted("\xF0\x9F\x98" "\"") == "\"" + r + "\\\"\"");    // cut short by a quote
    CHECK(Json::parse(json_quoted("\xFF\xFE ok")).as_string() == r + r + " ok");
}

TEST_CASE("Json types have lowercase names") {
    CHECK(sluice::to_string(Json::Type::null) == "null");
    CHECK(sluice::to_string(Json::Type::boolean) == "boolean");
    CHECK(sluice::to_string(Json::Type::integer) == "integer");
    CHECK(sluice::to_string(Json::Type::number) == "number");
    CHECK(sluice::to_string(Json::Type::string) == "string");
    CHECK(sluice::to_string(Json::Type::array) == "array");
    CHECK(sluice::to_string(Json::Type::object) == "object");
}

}  // TEST_SUITE

TEST_CASE("Json is built from any integer type") {
    std::vector<int> v(3);
    CHECK(sluice::Json(v.size()).as_int() == 3);
    CHECK(sluice::Json(7LL).as_int() == 7);
    CHECK(sluice::Json(static_cast<unsigned char>(9)).as_int() == 9);
    CHECK(sluice::Json(true).is_bool());
    CHECK(sluice::Json(2.5).as_double() == 2.5);
}

TEST_SUITE("json") {

TEST_CASE("nesting is bounded: 256 levels parse, deeper documents are a syntax error, not a crash") {
    std::string ok = std::string(256, '[') + std::string(256, ']');
    CHECK(Json::parse(ok).is_array());
    for (std::size_t depth : {257u, 100'000u}) {
        INFO("depth ", depth);
        for (bool closed : {true, false}) {
            std::string deep = std::string(depth, '[') + (closed ? std::string(depth, ']') : "");
            try {
                Json::parse(deep);
                FAIL("parsed a document nested ", depth, " levels deep");
            } catch (const JsonError& e) {
                // An unclosed document 257 deep is first of all truncated; either is right.
                const std::string what = e.what();
                if (closed || depth > 257)
                    CHECK(what.find("too deep") != std::string::npos);
                else
                    CHECK(what.find("ended early") != std::string::npos);
            }
        }
    }
    std::string objects;
    for (int i = 0; i < 5000; ++i) objects += R"({"a":)";
    CHECK_THROWS_AS(Json::parse(objects + "1" + std::string(5000, '}')), JsonError);
}

}  // TEST_SUITE
