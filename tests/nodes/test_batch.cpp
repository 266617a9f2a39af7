// batch: N items per documents item; what is left is emitted by finish() at drain.
#include <future>
#include <set>

#include "nodes/node_harness.hpp"

using namespace sluice;
using namespace sluice::test;

TEST_SUITE("nodes") {

TEST_CASE("batch gathers N items into one documents item and flushes the rest at drain") {
    Engine engine;
    Token token = engine.use(node_pipeline("batch", R"({"size": 3})", "text", {"documents"}, true));
    std::vector<std::future<Result>> futures;
    for (int i = 0; i < 7; ++i) futures.push_back(engine.send_async(token, fmt::format("item {}", i)));
    // The seventh item can only come out of finish(): terminate drains it.
    TaskStatus status = engine.terminate(token).get();
    check_accounting(status);
    CHECK(status.completed == 7);
    std::multiset<std::string> contents;
    std::vector<std::size_t> sizes;
    for (auto& f : futures) {
        Result r = f.get();
        CHECK(r.ok());
        for (const std::string& value : values_of(r, "documents")) {
            const Json docs = Json::parse(value);
            sizes.push_back(docs.as_array().size());
            for (const Json& d : docs.as_array()) contents.insert(d.get_string("page_content"));
        }
    }
    std::sort(sizes.begin(), sizes.end());
    CHECK(sizes == std::vector<std::size_t>{1, 3, 3});
    CHECK(contents == std::multiset<std::string>{"item 0", "item 1", "item 2", "item 3", "item 4",
                                                 "item 5", "item 6"});
}

TEST_CASE("batch flattens incoming document lists and records the batch in metadata") {
    Engine engine;
    Token token = engine.use(R"({"components": [
      {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
      {"id": "b", "provider": "batch", "config": {"size": 2}, "input": [{"lane": "documents", "from": "in"}]},
      {"id": "out", "provider": "response", "input": [{"lane": "documents", "from": "b"}]}]})");
    auto a = engine.send_async(token, R"([{"page_content": "p1"}, {"page_content": "p2"}])", "lane/documents");
    auto b = engine.send_async(token, "not json", "lane/documents");
    check_accounting(engine.terminate(token).get());
    std::vector<std::string> all = values_of(a.get(), "documents");
    for (const std::string& v : values_of(b.get(), "documents")) all.push_back(v);
    REQUIRE(all.size() == 1);
    const Json docs = Json::parse(all[0]);
    std::multiset<std::string> contents;
    for (const Json& d : docs.as_array()) contents.insert(d.get_string("page_content"));
    CHECK(contents == std::multiset<std::string>{"p1", "p2", "not json"});
}

TEST_CASE("batch of an empty text still counts as an item, and a 10 MB item passes whole") {
    Result r = run_node(node_pipeline("batch", R"({"size": 1})", "text", {"documents"}), "");
    CHECK(Json::parse(values_of(r, "documents").at(0)).as_array()[0].get_string("page_content") == "");
    const std::string big = repeated("0123456789", 10'000'000);
    Result h = run_node(node_pipeline("batch", R"({"size": 1})", "text", {"documents"}), big);
    CHECK(Json::parse(values_of(h, "documents").at(0)).as_array()[0].get_string("page_content") == big);
}

TEST_CASE("batch config errors say the allowed range") {
    CHECK(use_error(node_pipeline("batch", R"({"size": 0})", "text", {"documents"})) ==
          "invalid pipeline: component \"node\": config \"size\" must be between 1 and 1000000, got 0");
}

}  // TEST_SUITE
