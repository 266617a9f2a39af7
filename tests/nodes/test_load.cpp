// delay and cpu_work: pass items on unchanged after a fixed cost, and stop when cancelled.
#include <future>
#include <string>

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
        Result r = run_node(
            node_pipeline("cpu_work", R"({"iterations": 1000})", "text", {"text"}, true), "abc");
        CHECK(text_of(r) == "abc\n\n");
        CHECK(Json::parse(values_of(r, "meta").at(0)).find("cpu_work")->is_int());
        const std::string big = repeated("\xFF", 10'000'000);
        Result t = run_node(node_pipeline("cpu_work", R"({"iterations": 0})", "tags", {"tags"}),
                            big, "application/octet-stream");
        CHECK(values_of(t, "tags") == std::vector<std::string>{big});
    }

    TEST_CASE("delay and cpu_work config errors say the allowed range") {
        CHECK(use_error(node_pipeline("delay", R"({"ms": 600001})")) ==
              "invalid pipeline: component \"node\": config \"ms\" must be between 0 and 600000, "
              "got 600001");
        CHECK(use_error(node_pipeline("cpu_work", R"({"iterations": -5})")) ==
              "invalid pipeline: component \"node\": config \"iterations\" must be between 0 and "
              "1000000000000, got -5");
    }

}  // TEST_SUITE

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Runs `node` on one item in another thread; once it is seen still running after `running_for`,
// requests the stop and returns how long the node took from then to return.
steady_clock::duration stop_while_running(Node& node, milliseconds running_for,
                                          std::string& error) {
    StoppableEmitter out;
    auto done = std::async(std::launch::async, [&] {
        try {
            node.process(Item(Lane::text, ObjectRef(), std::make_shared<const std::string>("x")),
                         out);
        } catch (const std::exception& e) {
            error = e.what();
        }
    });
    // A bounded wait on the node's own completion: it must still be running afterwards.
    REQUIRE(done.wait_for(running_for) == std::future_status::timeout);
    const auto stopped_at = steady_clock::now();
    out.source.request_stop();
    done.wait();
    CHECK(out.emitted() == 0);
    return steady_clock::now() - stopped_at;
}

}  // namespace

TEST_SUITE("nodes") {
    TEST_CASE("a cancelled 60 s delay returns within 100 ms, failing its item") {
        for (int round = 0; round < 5; ++round) {
            auto node = build_node("delay", R"({"ms": 60000})");
            std::string error;
            CHECK(stop_while_running(*node, milliseconds(20), error) < milliseconds(100));
            CHECK(error == "delay: cancelled");
        }
    }

    TEST_CASE("a delay whose task is already cancelled does not wait at all") {
        auto node = build_node("delay", R"({"ms": 60000})");
        StoppableEmitter out;
        out.source.request_stop();
        const auto start = steady_clock::now();
        CHECK_THROWS_WITH(node->process(Item(Lane::text, ObjectRef(), nullptr), out),
                          "delay: cancelled");
        CHECK(steady_clock::now() - start < milliseconds(100));
    }

    TEST_CASE("a delay configured not cancellable sleeps its time out and passes the item on") {
        auto node = build_node("delay", R"({"ms": 150, "cancellable": false})");
        StoppableEmitter out;
        out.source.request_stop();
        const auto start = steady_clock::now();
        node->process(Item(Lane::text, ObjectRef(), nullptr), out);
        CHECK(steady_clock::now() - start >= milliseconds(150));
        CHECK(out.emitted() == 1);
    }

    TEST_CASE("cpu_work of 10^12 iterations returns promptly once stopped") {
        for (int round = 0; round < 5; ++round) {
            auto node = build_node("cpu_work", R"({"iterations": 1000000000000})");
            std::string error;
            CHECK(stop_while_running(*node, milliseconds(20), error) < milliseconds(100));
            CHECK(error == "cpu_work: cancelled");
        }
    }

    TEST_CASE("delay is declared blocking, cpu_work is not") {
        CHECK(find_provider("delay")->info.blocking);
        CHECK_FALSE(find_provider("cpu_work")->info.blocking);
    }

}  // TEST_SUITE
