// The task lifecycle: how a task ends (Terminated, Failed, Cancelled), that each end is final,
// and that cancellation reaches node bodies through the stop token.
#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "support/checks.hpp"
#include "support/test_nodes.hpp"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

TEST_SUITE("lifecycle") {

TEST_CASE("a node whose finish() throws ends the task Failed, failing and counting what it held") {
    register_test_nodes();
    Engine engine;
    Token tok = engine.use(chain_pipeline({"test_finish_throw"}),
                           UseOptions{.token = "tk-finish-throws"});
    std::vector<std::future<Result>> results;
    for (int i = 0; i < 5; ++i) results.push_back(engine.send_async(tok, "held"));
    TaskStatus final_status = engine.terminate(tok).get();
    CHECK(final_status.state == TaskState::Failed);
    CHECK(final_status.dead());
    CHECK(final_status.accepted == 5);
    CHECK(final_status.completed == 0);
    CHECK(final_status.failed == 5);
    check_accounting(final_status);
    CHECK(final_status.last_error ==
          "task tk-finish-throws: finish() failed: component \"n0\" (test_finish_throw): lost 5 "
          "item(s); the objects it held are failed");
    for (auto& f : results) {
        REQUIRE(ready_within(f));
        Result r = f.get();
        CHECK_FALSE(r.ok());
        CHECK(r.error.find("finish() failed") != std::string::npos);
    }
    CHECK(engine.status(tok).state == TaskState::Failed);  // and it stays so
    CHECK_THROWS_AS(engine.send(tok, "late"), TaskTerminated);
}

TEST_CASE("a task whose nodes all finish normally ends Terminated, not Failed") {
    register_test_nodes();
    Engine engine;
    Token tok = engine.use(chain_pipeline({"test_buffer"}));
    for (int i = 0; i < 3; ++i) (void)engine.send_async(tok, "x");
    TaskStatus final_status = engine.terminate(tok).get();
    CHECK(final_status.state == TaskState::Terminated);
    CHECK(final_status.completed == 3);
    check_accounting(final_status);
}

TEST_CASE("the drain deadline requests the stop token that running node bodies see") {
    register_test_nodes();
    auto valve = Valve::get("lifecycle-stop");
    const int seen_before = stop_seen().load();
    std::chrono::steady_clock::time_point asked;
    {
        Engine engine;
        Token tok = engine.use(chain_pipeline({"test_stop_wait"}, R"({"valve": "lifecycle-stop"})"));
        auto result = engine.send_async(tok, "waits for the stop");
        REQUIRE(valve->wait_arrivals(1));
        asked = std::chrono::steady_clock::now();
        TaskStatus final_status = engine.terminate(tok, 100ms).get();
        CHECK(final_status.state == TaskState::Cancelled);
        CHECK(final_status.failed == 1);
        check_accounting(final_status);
        REQUIRE(ready_within(result));
        CHECK(result.get().error.find("drain deadline of 100 ms passed") != std::string::npos);
    }  // ~Engine joins the burial, which waits for the body still running at the deadline
    // The body returned because it saw the stop, long before its own 60 s bound.
    CHECK(stop_seen().load() == seen_before + 1);
    CHECK(std::chrono::steady_clock::now() - asked < 30s);
}

TEST_CASE("racing terminates close the gate exactly once, and the end never changes") {
    register_test_nodes();
    Engine engine;
    for (int round = 0; round < 50; ++round) {
        Token tok = engine.use(k_echo_pipeline);
        std::atomic<int> closed{0}, refused{0};
        std::vector<std::thread> racers;
        for (int i = 0; i < 4; ++i)
            racers.emplace_back([&] {
                try {
                    engine.terminate(tok, 1s);
                    closed.fetch_add(1);
                } catch (const TaskTerminated&) {
                    refused.fetch_add(1);
                }
            });
        for (auto& t : racers) t.join();
        CHECK(closed.load() == 1);
        CHECK(refused.load() == 3);
        TaskStatus final_status = engine.done(tok).get();
        CHECK(final_status.state == TaskState::Terminated);
        CHECK(engine.status(tok).state == TaskState::Terminated);
    }
}

}  // TEST_SUITE
