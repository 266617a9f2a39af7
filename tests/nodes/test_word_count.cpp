// word_count / stats: counts into metadata and the task's word counters.
#include "nodes/node_harness.hpp"

using namespace sluice;
using namespace sluice::test;

TEST_SUITE("nodes") {

TEST_CASE("word_count counts words, characters, bytes and lines into metadata and the task") {
    Engine engine;
    Token token = engine.use(node_pipeline("word_count", "{}", "text", {"text"}, true));
    Result r = engine.send(token, "Grüße,  world!\nzwei\u00A0Wörter\u3000東京\n");
    Result e = engine.send(token, "");
    TaskStatus status = engine.terminate(token).get();
    check_accounting(status);
    CHECK(text_of(r) == "Grüße,  world!\nzwei\u00A0Wörter\u3000東京\n\n\n");
    CHECK(values_of(r, "meta") ==
          std::vector<std::string>{R"({"words":5,"characters":30,"bytes":40,"lines":2})"});
    CHECK(values_of(e, "meta") ==
          std::vector<std::string>{R"({"words":0,"characters":0,"bytes":0,"lines":0})"});
    CHECK(status.words_count == 5);
    CHECK(status.words_size == 40);
}

TEST_CASE("stats is word_count under another name, and counts 10 MB of invalid UTF-8 safely") {
    const std::string big = repeated("ab \xFF\xFE cd\n", 10'000'000);
    Engine engine;
    Token token = engine.use(node_pipeline("stats", "{}", "text", {"text"}, true));
    Result r = engine.send(token, big);
    TaskStatus status = engine.terminate(token).get();
    const std::size_t units = big.size() / 9;
    CHECK(status.words_count == 3 * units);
    CHECK(status.words_size == big.size());
    CHECK(Json::parse(values_of(r, "meta").at(0)).get_int("lines", 0) == static_cast<std::int64_t>(units));
}

}  // TEST_SUITE
