// UseOptions::profile_nodes: exact per-node busy time and the items waiting at each node.
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "support/checks.hpp"
#include "support/test_nodes.hpp"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

namespace {

// Polls the status of `tok` until `done` holds for it, at most 30 s; the last status seen.
template <typename Condition>
TaskStatus poll_status(Engine& engine, const Token& tok, Condition done) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    TaskStatus s = engine.status(tok);
    while (!done(s) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
        s = engine.status(tok);
    }
    return s;
}

}  // namespace

TEST_SUITE("engine") {
    TEST_CASE("a profiled task counts the items waiting behind a busy serial node") {
        register_test_nodes();
        Engine engine(EngineOptions{.worker_threads = 2});
        auto valve = Valve::get("profile-waiting");
        Token tok =
            engine.use(chain_pipeline({"test_serial_valve"}, R"({"valve": "profile-waiting"})"),
                       UseOptions{.threads = 2, .profile_nodes = true});
        std::vector<std::future<Result>> results;
        for (int i = 0; i < 5; ++i) results.push_back(engine.send_async(tok, "x"));
        REQUIRE(valve->wait_arrivals(1));
        // One item is inside the valve; the other four queue in front of the serial node.
        TaskStatus s = poll_status(engine, tok, [](const TaskStatus& st) {
            return st.nodes.size() == 3 && st.nodes[1].waiting == 4;
        });
        REQUIRE(s.nodes.size() == 3);
        CHECK(s.nodes[1].id == "n0");
        CHECK(s.nodes[1].waiting == 4);
        CHECK(s.nodes[1].items_in == 1);
        CHECK(s.nodes[1].profiled);
        valve->open();
        for (auto& r : results) CHECK(r.get().ok());
        TaskStatus final_status = engine.terminate(tok).get();
        check_accounting(final_status);
        for (const NodeStatus& node : final_status.nodes) {
            INFO("node ", node.id);
            CHECK(node.waiting == 0);
            CHECK(node.items_in == 5);
        }
    }

    TEST_CASE("an unprofiled task reports no waiting items and says it was not profiled") {
        register_test_nodes();
        Engine engine(EngineOptions{.worker_threads = 2});
        auto valve = Valve::get("profile-off");
        Token tok = engine.use(chain_pipeline({"test_serial_valve"}, R"({"valve": "profile-off"})"),
                               UseOptions{.threads = 2});
        std::vector<std::future<Result>> results;
        for (int i = 0; i < 5; ++i) results.push_back(engine.send_async(tok, "x"));
        REQUIRE(valve->wait_arrivals(1));
        // The source has handed all five on: four of them wait, uncounted.
        TaskStatus s = poll_status(engine, tok, [](const TaskStatus& st) {
            return st.nodes.size() == 3 && st.nodes[0].items_out == 5;
        });
        REQUIRE(s.nodes.size() == 3);
        CHECK(s.nodes[0].items_out == 5);
        CHECK(s.nodes[1].waiting == 0);
        CHECK_FALSE(s.nodes[1].profiled);
        valve->open();
        for (auto& r : results) CHECK(r.get().ok());
        check_accounting(engine.terminate(tok).get());
    }

    TEST_CASE("a profiled node's busy time covers every item it processed") {
        register_test_nodes();
        Engine engine(EngineOptions{.worker_threads = 2});
        Token tok = engine.use(chain_pipeline({"test_sleep"}, R"({"ms": 1})"),
                               UseOptions{.threads = 2, .profile_nodes = true});
        constexpr int k_items = 100;  // past the 64 items an unprofiled node times exactly
        std::vector<std::future<Result>> results;
        for (int i = 0; i < k_items; ++i) results.push_back(engine.send_async(tok, "x"));
        for (auto& r : results) CHECK(r.get().ok());
        TaskStatus s = engine.terminate(tok).get();
        check_accounting(s);
        REQUIRE(s.nodes.size() == 3);
        CHECK(s.nodes[1].items_in == k_items);
        CHECK(s.nodes[1].busy >= std::chrono::milliseconds(k_items));  // each item sleeps >= 1 ms
        CHECK(s.nodes[1].busy < std::chrono::seconds(30));
    }

}  // TEST_SUITE
