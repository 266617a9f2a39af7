// test_validation.cpp — validate_pipeline / parse_pipeline rejections: one test per rule, each
// checking the component named and the exact reason; then how problems are reported.
#include <string>

#include <doctest/doctest.h>

#include "pipeline_fixture.hpp"

using namespace sluice::pipeline_test;

TEST_SUITE("validation") {

// ---- one test per rule ----------------------------------------------------------------------

TEST_CASE("a root that is not a JSON object is a pipeline problem") {
    check_one(problems_of("[1, 2]"), "", "pipeline must be a JSON object");
    check_one(problems_of("\"pipe\""), "", "pipeline must be a JSON object");
}

TEST_CASE("components must be a non-empty array") {
    check_one(problems_of("{}"), "", "\"components\" must be a non-empty array; it is missing");
    check_one(problems_of(R"({"components": {}})"), "",
              "\"components\" must be a non-empty array; got object");
    check_one(problems_of(R"({"components": []})"), "",
              "\"components\" must be a non-empty array; it is empty");
}

TEST_CASE("a component that is not an object is reported by its index") {
    check_one(problems_of(with_source("\"out\"")), "",
              "components[1] must be an object, got string");
}

TEST_CASE("a component without a non-empty string id is reported by its index") {
    check_one(problems_of(with_source(R"({"id": "", "provider": "response"})")), "",
              "components[1]: \"id\" must be a non-empty string");
    check_one(problems_of(with_source(R"({"id": 3, "provider": "response"})")), "",
              "components[1]: \"id\" must be a non-empty string");
}

TEST_CASE("a component without a non-empty string provider is reported") {
    check_one(problems_of(with_source(R"({"id": "out", "provider": ""})")), "out",
              "\"provider\" must be a non-empty string");
    check_one(problems_of(with_source(R"({"id": "out"})")), "out",
              "\"provider\" must be a non-empty string");
}

TEST_CASE("a config that is not an object is reported with its type") {
    check_one(problems_of(with_source(R"({"id": "out", "provider": "response", "config": []})")),
              "out", "config must be an object, got array");
}

TEST_CASE("input must be an array of objects with a non-empty from and lane") {
    check_one(problems_of(with_source(R"({"id": "out", "provider": "response", "input": {}})")),
              "out", "input must be an array, got object");
    check_one(problems_of(with_source(R"({"id": "out", "provider": "response", "input": [1]})")),
              "out", "input[0] must be an object {\"from\": ..., \"lane\": ...}, got integer");
    check_one(problems_of(with_source(
                  R"({"id": "out", "provider": "response", "input": [{"lane": "text"}]})")),
              "out", "input[0]: \"from\" must be a non-empty string");
    check_one(problems_of(with_source(
                  R"({"id": "out", "provider": "response", "input": [{"from": "in"}]})")),
              "out", "input from \"in\": \"lane\" must be a non-empty string");
}

TEST_CASE("an unknown lane name is reported with the list of valid lanes") {
    check_one(problems_of(with_source(R"({"id": "out", "provider": "response",
                                          "input": [{"from": "in", "lane": "txt"}]})")),
              "out",
              "input from \"in\": unknown lane \"txt\"; valid lanes: tags, text, documents, "
              "questions, answers, table, image, audio, video, classifications, "
              "classificationContext, words");
}

TEST_CASE("a duplicate id is reported on the later component with the first one's index") {
    check_one(problems_of(with_source(R"(
        {"id": "out", "provider": "response", "input": [{"from": "in", "lane": "text"}]},
        {"id": "out", "provider": "response", "input": [{"from": "in", "lane": "tags"}]})")),
              "out", "duplicate id (first used by component #1)");
}

TEST_CASE("an unknown provider is reported with the known providers") {
    check_one(problems_of(with_source(R"({"id": "b", "provider": "fliter",
                                          "input": [{"from": "in", "lane": "text"}]})")),
              "b", "unknown provider \"fliter\"; known providers: " + provider_list(false));
}

TEST_CASE("an input from a component that does not exist is reported") {
    check_one(problems_of(with_source(R"({"id": "out", "provider": "response",
                                          "input": [{"from": "nowhere", "lane": "text"}]})")),
              "out", "input from \"nowhere\": no such component");
}

TEST_CASE("an input on a lane its producer does not emit is reported with what it emits") {
    std::string text = pipeline(R"(
        {"id": "drop", "provider": "dropper", "config": {"mode": "Source"}},
        {"id": "out", "provider": "response_text", "input": [{"from": "drop", "lane": "text"}]})");
    check_one(problems_of(text), "out",
              "input from \"drop\" on lane \"text\": component \"drop\" (provider \"dropper\") "
              "does not emit lane \"text\"; it emits: tags");
}

TEST_CASE("an input on a lane its consumer does not accept is reported with what it accepts") {
    check_one(problems_of(with_source(R"({"id": "out", "provider": "response_text",
                                          "input": [{"from": "in", "lane": "documents"}]})")),
              "out",
              "input from \"in\" on lane \"documents\": provider \"response_text\" does not "
              "accept lane \"documents\"; it accepts: text");
}

TEST_CASE("a pipeline with no source and no Source component is a pipeline problem") {
    check_one(problems_of(pipeline(R"(
        {"id": "in", "provider": "webhook", "config": {}},
        {"id": "out", "provider": "response", "input": [{"from": "in", "lane": "text"}]})")),
              "", "no source: set \"source\" or give one component config.mode \"Source\"");
}

TEST_CASE("several Source components without an explicit source are ambiguous") {
    check_one(problems_of(pipeline(R"(
        {"id": "a", "provider": "webhook", "config": {"mode": "Source"}},
        {"id": "b", "provider": "chat", "config": {"mode": "Source"}})")),
              "", "ambiguous source: components a, b both have config.mode \"Source\"; set "
                  "\"source\" to one of them");
    check_one(problems_of(pipeline(R"(
        {"id": "a", "provider": "webhook", "config": {"mode": "Source"}},
        {"id": "b", "provider": "chat", "config": {"mode": "Source"}},
        {"id": "c", "provider": "dropper", "config": {"mode": "Source"}})")),
              "", "ambiguous source: components a, b, c all have config.mode \"Source\"; set "
                  "\"source\" to one of them");
}

TEST_CASE("a source naming no component is a pipeline problem listing the components") {
    std::string text = R"({"source": "ghost", "components": [
        {"id": "in", "provider": "webhook"},
        {"id": "out", "provider": "response", "input": [{"from": "in", "lane": "text"}]}]})";
    check_one(problems_of(text), "", "source \"ghost\" names no component; components: in, out");
    check_one(problems_of(pipeline(k_source), "ghost"), "",
              "source \"ghost\" names no component; components: in");
    check_one(problems_of(R"({"source": 1, "components": [)" + std::string(k_source) + "]}"), "",
              "\"source\" must be a string, got integer");
}

TEST_CASE("a source component whose provider is not a source provider is reported") {
    std::string text = R"({"source": "sink", "components": [
        {"id": "sink", "provider": "response"}]})";
    check_one(problems_of(text), "sink",
              "provider \"response\" cannot be the source: it is not a source provider "
              "(source providers: " + provider_list(true) + ")");
}

TEST_CASE("the source component cannot have inputs") {
    check_one(problems_of(pipeline(R"(
        {"id": "feed", "provider": "chat"},
        {"id": "in", "provider": "webhook", "config": {"mode": "Source"},
         "input": [{"from": "feed", "lane": "text"}]})")),
              "in", "a source cannot have inputs");
}

TEST_CASE("a component with a source provider cannot have inputs even when it is not the source") {
    check_one(problems_of(with_source(R"(
        {"id": "relay", "provider": "chat", "input": [{"from": "in", "lane": "text"}]},
        {"id": "out", "provider": "response",
         "input": [{"from": "relay", "lane": "questions"}]})")),
              "relay", "a source cannot have inputs");
}

TEST_CASE("a cycle is reported once, on the component where it was entered") {
    check_one(problems_of(with_source(R"(
        {"id": "a", "provider": "test_validation_upper",
         "input": [{"from": "in", "lane": "text"}, {"from": "b", "lane": "text"}]},
        {"id": "b", "provider": "test_validation_upper", "input": [{"from": "a", "lane": "text"}]},
        {"id": "out", "provider": "response", "input": [{"from": "b", "lane": "text"}]})")),
              "a", "cycle: a -> b -> a");
    check_one(problems_of(with_source(R"(
        {"id": "self", "provider": "test_validation_upper",
         "input": [{"from": "in", "lane": "text"}, {"from": "self", "lane": "text"}]})")),
              "self", "cycle: self -> self");
    check_one(problems_of(with_source(R"(
        {"id": "x", "provider": "test_validation_fork", "input": [{"from": "in", "lane": "text"},
            {"from": "y", "lane": "text"}, {"from": "y", "lane": "documents"}]},
        {"id": "y", "provider": "test_validation_fork",
         "input": [{"from": "x", "lane": "text"}, {"from": "x", "lane": "documents"}]})")),
              "x", "cycle: x -> y -> x");
}

TEST_CASE("a config field of the wrong type is reported with both types") {
    auto problems = problems_of(with_source(R"({"id": "ask", "provider": "test_validation_prompted",
        "config": {"prompt": 5, "temperature": "hot", "stream": "yes", "extra": null},
        "input": [{"from": "in", "lane": "text"}]})"));
    REQUIRE(problems.size() == 3);
    CHECK(problems[0].component == "ask");
    CHECK(problems[0].message == "config \"prompt\" must be string, got integer");
    CHECK(problems[1].message == "config \"temperature\" must be number, got string");
    CHECK(problems[2].message == "config \"stream\" must be boolean, got string");
    CHECK(problems_of(with_source(R"({"id": "ask", "provider": "test_validation_prompted",
        "config": {"prompt": "why?", "temperature": 1, "stream": false, "extra": [1]},
        "input": [{"from": "in", "lane": "text"}]})")).empty());
}

TEST_CASE("a missing required config field is reported") {
    check_one(problems_of(with_source(R"({"id": "ask", "provider": "test_validation_prompted",
                                          "input": [{"from": "in", "lane": "text"}]})")),
              "ask", "config \"prompt\" is required");
}

TEST_CASE("a factory that rejects its config is reported with the exception's message") {
    check_one(problems_of(with_source(R"({"id": "chunk", "provider": "test_validation_chunker",
        "config": {"chunk_size": 0}, "input": [{"from": "in", "lane": "text"}]})")),
              "chunk", "chunk_size must be positive");
    // A component with another problem is not built, so only the type problem shows.
    check_one(problems_of(with_source(R"({"id": "chunk", "provider": "test_validation_chunker",
        "config": {"chunk_size": "0"}, "input": [{"from": "in", "lane": "text"}]})")),
              "chunk", "config \"chunk_size\" must be integer, got string");
    check_one(problems_of(with_source(R"({"id": "hollow", "provider": "test_validation_hollow",
        "input": [{"from": "in", "lane": "text"}]})")),
              "hollow",
              "provider \"test_validation_hollow\" built no node (its factory returned null)");
}

// ---- reporting ----------------------------------------------------------------------------

TEST_CASE("every problem is reported, pipeline problems first, then in document order") {
    auto problems = problems_of(pipeline(R"(
        {"id": "z", "provider": "response", "input": [{"from": "ghost", "lane": "text"}]},
        {"id": "a", "provider": "fliter"},
        {"id": "z", "provider": "response", "config": 3})"));
    REQUIRE(problems.size() == 5);
    CHECK(problems[0].component == "");
    CHECK(problems[0].message.starts_with("no source"));
    CHECK(problems[1].component == "z");
    CHECK(problems[1].message == "input from \"ghost\": no such component");
    CHECK(problems[2].component == "a");
    CHECK(problems[2].message.starts_with("unknown provider \"fliter\""));
    CHECK(problems[3].component == "z");
    CHECK(problems[3].message == "duplicate id (first used by component #0)");
    CHECK(problems[4].component == "z");
    CHECK(problems[4].message == "config must be an object, got integer");
}

TEST_CASE("parse_pipeline throws InvalidPipeline whose message lists every problem per line") {
    register_validation_nodes();
    std::string text = with_source(R"({"id": "b", "provider": "fliter"})");
    try {
        sluice::parse_pipeline(std::string_view(text));
        FAIL("parse_pipeline accepted an unknown provider");
    } catch (const sluice::InvalidPipeline& error) {
        CHECK(std::string(error.what()) == "invalid pipeline: component \"b\": unknown provider "
                                           "\"fliter\"; known providers: " + provider_list(false));
        CHECK(error.problems().size() == 1);
    }
    sluice::InvalidPipeline several({{"", "no source: x"}, {"a", "one"}, {"b", "two"}});
    CHECK(std::string(several.what()) ==
          "invalid pipeline: pipeline: no source: x\ncomponent \"a\": one\ncomponent \"b\": two");
}

TEST_CASE("parse_pipeline passes malformed JSON text on as JsonError") {
    CHECK_THROWS_AS(sluice::parse_pipeline(std::string_view("{\"components\": [}")),
                    sluice::JsonError);
}

}  // TEST_SUITE
