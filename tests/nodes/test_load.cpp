// delay and cpu_work: pass items on unchanged after a fixed cost.
#include "nodes/node_harness.hpp"

using namespace sluice;
using namespace sluice::test;

TEST_SUITE("nodes") {

TEST_CASE("delay passes items on after sleeping at least its ms") {
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(text_of(run_node(node_pipeline("delay", R"({"ms": 50})"), "x")) == "x\n\n");
    CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(50));
    CHECK(text_of(run_node(node_pipeline("delay", R"({"ms": 0})"), "")) == "\n\n");
}

TEST_CASE("cpu_work passes items on unchanged, on any lane, and records its result") {
    Result r = run_node(node_pipeline("cpu_work", R"({"iterations": 1000})", "text", {"text"}, true), "abc");
    CHECK(text_of(r) == "abc\n\n");
    CHECK(Json::parse(values_of(r, "meta").at(0)).find("cpu_work")->is_int());
    const std::string big = repeated("\xFF", 10'000'000);
    Result t = run_node(node_pipeline("cpu_work", R"({"iterations": 0})", "tags", {"tags"}), big,
                        "application/octet-stream");
    CHECK(values_of(t, "tags") == std::vector<std::string>{big});
}

TEST_CASE("delay and cpu_work config errors say the allowed range") {
    CHECK(use_error(node_pipeline("delay", R"({"ms": 600001})")) ==
          "invalid pipeline: component \"node\": config \"ms\" must be between 0 and 600000, got 600001");
    CHECK(use_error(node_pipeline("cpu_work", R"({"iterations": -5})")) ==
          "invalid pipeline: component \"node\": config \"iterations\" must be between 0 and "
          "1000000000000, got -5");
}

}  // TEST_SUITE
