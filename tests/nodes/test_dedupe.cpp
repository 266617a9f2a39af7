// dedupe: drops repeated payloads within a task, with bounded memory.
#include "nodes/node_harness.hpp"
#include "support/scale.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

// Sends each text in order; returns which came through (in send order).
std::vector<std::string> survivors(const std::string& config, const std::vector<std::string>& texts) {
    Engine engine;
    Token token = engine.use(node_pipeline("dedupe", config));
    std::vector<std::string> out;
    for (const std::string& t : texts) {
        Result r = engine.send(token, t);
        if (r.field("text")) out.push_back(t);
    }
    check_accounting(engine.terminate(token).get());
    return out;
}

}  // namespace

TEST_SUITE("nodes") {

TEST_CASE("dedupe passes the first of each payload and drops repeats") {
    CHECK(survivors("{}", {"a", "b", "a", "", "", "b", "c"}) ==
          std::vector<std::string>{"a", "b", "", "c"});
    CHECK(survivors(R"({"normalize": true})", {"Hello  World", " hello world ", "HELLO WORLD!"}) ==
          std::vector<std::string>{"Hello  World", "HELLO WORLD!"});
}

TEST_CASE("dedupe forgets the oldest payload once max_entries is reached") {
    CHECK(survivors(R"({"max_entries": 2})", {"a", "b", "c", "a", "c"}) ==
          std::vector<std::string>{"a", "b", "c", "a"});
}

TEST_CASE("dedupe handles 10 MB payloads and invalid UTF-8 by bytes" * sluice::test::scale_test()) {
    const std::string big = repeated("x\xFF", 10'000'000);
    std::string other = big;
    other.back() = 'y';
    CHECK(survivors("{}", {big, other, big}).size() == 2);
}

TEST_CASE("dedupe config errors say the allowed range") {
    CHECK(use_error(node_pipeline("dedupe", R"({"max_entries": -1})")) ==
          "invalid pipeline: component \"node\": config \"max_entries\" must be between 1 and "
          "100000000, got -1");
}

}  // TEST_SUITE
