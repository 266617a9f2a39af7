// preprocessor_langchain / splitter: chunk sizes, overlap, strategies, offsets, UTF-8, config.
#include "nodes/node_harness.hpp"
#include "support/scale.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

struct Doc {
    std::string content;
    std::int64_t id, start, end;
};

std::vector<Doc> split(const std::string& config, std::string_view text,
                       const std::string& provider = "preprocessor_langchain") {
    Result r = run_node(node_pipeline(provider, config, "text", {"documents"}), text);
    REQUIRE(r.ok());
    std::vector<Doc> docs;
    for (const std::string& value : values_of(r, "documents")) {
        const Json parsed = Json::parse(value);
        for (const Json& d : parsed.as_array()) {
            const Json& m = *d.find("metadata");
            docs.push_back({d.get_string("page_content"), m.get_int("chunkId", -1),
                            m.get_int("start", -1), m.get_int("end", -1)});
        }
    }
    return docs;
}

std::vector<std::string> contents(const std::vector<Doc>& docs) {
    std::vector<std::string> out;
    for (const Doc& d : docs) out.push_back(d.content);
    return out;
}

}  // namespace

TEST_SUITE("nodes") {

TEST_CASE("the recursive splitter cuts at the coarsest separator that fits, with offsets") {
    const std::string text = "aaa bbb ccc\n\nddd eee";
    std::vector<Doc> docs = split(R"({"chunk_size": 8})", text);
    REQUIRE(docs.size() == 3);
    CHECK(contents(docs) == std::vector<std::string>{"aaa bbb", "ccc", "ddd eee"});
    for (std::size_t i = 0; i < docs.size(); ++i) {
        CHECK(docs[i].id == static_cast<std::int64_t>(i));
        CHECK(text.substr(docs[i].start, docs[i].end - docs[i].start) == docs[i].content);
    }
    CHECK(contents(split(R"({"chunk_size": 8, "chunk_overlap": 4})", text)) ==
          std::vector<std::string>{"aaa bbb", "bbb ccc", "ccc", "ddd eee"});
}

TEST_CASE("the character splitter makes fixed windows that overlap and never cut a code point") {
    CHECK(contents(split(R"({"strategy": "characters", "chunk_size": 4, "chunk_overlap": 1})", "abcdefghij")) ==
          std::vector<std::string>{"abcd", "defg", "ghij"});
    std::vector<Doc> docs = split(R"({"strategy": "characters", "chunk_size": 2})", "ééééé");
    CHECK(contents(docs) == std::vector<std::string>{"éé", "éé", "é"});
    CHECK(docs[1].start == 4);
    CHECK(docs[2].end == 10);
}

TEST_CASE("the sentence splitter packs whole sentences up to the chunk size") {
    CHECK(contents(split(R"({"strategy": "sentences", "chunk_size": 10})", "One. Two! Three? Four")) ==
          std::vector<std::string>{"One. Two!", "Three?", "Four"});
    CHECK(contents(split(R"({"strategy": "sentences", "chunk_size": 4})", "ひとつ。ふたつ。")) ==
          std::vector<std::string>{"ひとつ。", "ふたつ。"});
}

TEST_CASE("the markdown splitter keeps sections apart and records their heading") {
    Result r = run_node(node_pipeline("splitter", R"({"strategy": "markdown", "chunk_size": 100})",
                                      "text", {"documents"}),
                        "intro\n# A\nalpha\n#tag is no heading\n## B\nbeta beta\n");
    const Json docs = Json::parse(values_of(r, "documents").at(0));
    REQUIRE(docs.as_array().size() == 3);
    CHECK(docs.as_array()[0].get_string("page_content") == "intro");
    CHECK(docs.as_array()[1].get_string("page_content") == "# A\nalpha\n#tag is no heading");
    CHECK(docs.as_array()[1].find("metadata")->get_string("heading") == "# A");
    CHECK(docs.as_array()[2].find("metadata")->get_string("heading") == "## B");
    CHECK(docs.as_array()[2].find("metadata")->get_string("objectId") == r.object_id);
    CHECK(docs.as_array()[2].get_string("type") == "Document");
}

TEST_CASE("the splitter reads RocketRide's profile section and splitter names") {
    const std::string config = R"({"profile": "default", "default":
        {"splitter": "RecursiveCharacterTextSplitter", "mode": "strlen", "strlen": 5}})";
    CHECK(contents(split(config, "aaaa bbbb cccc")) == std::vector<std::string>{"aaaa", "bbbb", "cccc"});
}

TEST_CASE("the splitter emits nothing for empty or blank text") {
    CHECK(split("{}", "").empty());
    CHECK(split("{}", "  \n\n  ").empty());
}

TEST_CASE("the splitter repairs invalid UTF-8 and warns") {
    Result r = run_node(node_pipeline("splitter", R"({"strategy": "characters", "chunk_size": 2})",
                                      "text", {"documents"}),
                        "a\xE2\x82z");
    const Json docs = Json::parse(values_of(r, "documents").at(0));
    CHECK(docs.as_array()[0].get_string("page_content") == "a\xEF\xBF\xBD");
    CHECK(r.warnings == std::vector<std::string>{
                            "splitter: 1 invalid UTF-8 sequence(s) replaced by U+FFFD, the first at byte 1"});
}

TEST_CASE("splitter config errors name the component and the fix") {
    CHECK(use_error(node_pipeline("splitter", R"({"strategy": "words"})", "text", {"documents"})) ==
          "invalid pipeline: component \"node\": config \"strategy\": unknown value \"words\"; use "
          "one of characters, recursive, sentences, markdown");
    CHECK(use_error(node_pipeline("splitter", R"({"chunk_size": 64, "chunk_overlap": 64})", "text", {"documents"})) ==
          "invalid pipeline: component \"node\": config \"chunk_overlap\" (64) must be smaller "
          "than \"chunk_size\" (64); lower the overlap");
    CHECK(use_error(node_pipeline("splitter", R"({"chunk_size": 0})", "text", {"documents"})) ==
          "invalid pipeline: component \"node\": config \"chunk_size\" must be between 1 and "
          "100000000, got 0");
    CHECK(use_error(node_pipeline("splitter", R"({"chunk_size": "big"})", "text", {"documents"})) ==
          "invalid pipeline: component \"node\": config \"chunk_size\" must be integer, got string");
    CHECK(use_error(node_pipeline("splitter", R"({"splitter": "NLTKTextSplitter"})", "text", {"documents"})) ==
          "invalid pipeline: component \"node\": config \"splitter\": unknown splitter "
          "\"NLTKTextSplitter\"; use RecursiveCharacterTextSplitter, CharacterTextSplitter or "
          "MarkdownTextSplitter, or set \"strategy\"");
}

TEST_CASE("the splitter cuts a 10 MB text into chunks that cover it in order" * sluice::test::scale_test()) {
    const std::string text = repeated("Grüße, world. Línea ñ dos!\nThird line here\n\n", 10'000'000);
    auto t0 = std::chrono::steady_clock::now();
    std::vector<Doc> docs = split(R"({"chunk_size": 1000, "chunk_overlap": 100})", text);
    MESSAGE("splitter recursive: ", mb_per_s(text.size(), std::chrono::steady_clock::now() - t0), " MB/s");
    REQUIRE(docs.size() > 10'000);
    std::int64_t covered = 0;
    for (std::size_t i = 0; i < docs.size(); ++i) {
        CHECK(docs[i].id == static_cast<std::int64_t>(i));
        if (docs[i].start > covered)  // only trimmed whitespace may fall between chunks
            CHECK(text.find_first_not_of(" \n", covered) >= static_cast<std::size_t>(docs[i].start));
        covered = std::max(covered, docs[i].end);
        if (docs[i].content.size() > 2000 ||
            text.compare(docs[i].start, docs[i].end - docs[i].start, docs[i].content) != 0) {
            FAIL("chunk ", i, " does not match its offsets");
        }
    }
    CHECK(covered >= static_cast<std::int64_t>(text.size()) - 2);
}

}  // TEST_SUITE
