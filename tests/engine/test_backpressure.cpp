// max_inflight: never more objects inside a task's graph than its limit; senders wait.
#include <doctest/doctest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "support/checks.hpp"
#include "support/test_nodes.hpp"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

TEST_SUITE("backpressure") {

TEST_CASE("a full task makes send wait and fail with Busy after the send timeout") {
    register_test_nodes();
    Engine engine(EngineOptions{.send_timeout = 200ms});
    auto valve = Valve::get("busy");
    Token tok = engine.use(chain_pipeline({"test_valve"}, R"({"valve": "busy"})"),
                           UseOptions{.max_inflight = 2});
    auto a = engine.send_async(tok, "a");
    auto b = engine.send_async(tok, "b");
    REQUIRE(valve->wait_arrivals(2));
    CHECK(engine.status(tok).in_flight == 2);
    CHECK_THROWS_WITH_AS(engine.send_async(tok, "c"),
                         doctest::Contains("stayed at max_inflight=2 for 200 ms"), Busy);
    CHECK(engine.status(tok).accepted == 2);  // the refused send was never accepted
    valve->open();
    CHECK(text_of(a.get()) == "a\n\n");
    CHECK(text_of(b.get()) == "b\n\n");
    CHECK(text_of(engine.send(tok, "d")) == "d\n\n");
    check_accounting(engine.terminate(tok).get());
}

TEST_CASE("never more than max_inflight objects are inside the graph") {
    register_test_nodes();
    constexpr std::size_t k = 4;
    Engine engine(EngineOptions{.worker_threads = 4});
    std::atomic<std::uint64_t> max_seen{0};
    std::atomic<std::uint64_t> probes{0};
    Token tok;
    set_probe("inflight", [&](const Item&) {
        std::uint64_t now = engine.status(tok).in_flight;
        std::uint64_t prev = max_seen.load();
        while (now > prev && !max_seen.compare_exchange_weak(prev, now)) {}
        probes.fetch_add(1);
    });
    tok = engine.use(chain_pipeline({"test_probe"}, R"({"probe": "inflight"})"),
                     UseOptions{.max_inflight = k});
    constexpr int senders = 8, per_sender = 200;
    std::latch start(senders);
    std::vector<std::thread> threads;
    for (int t = 0; t < senders; ++t)
        threads.emplace_back([&] {
            start.arrive_and_wait();
            std::vector<std::future<Result>> mine;
            for (int i = 0; i < per_sender; ++i) mine.push_back(engine.send_async(tok, "x"));
            for (auto& f : mine) CHECK(f.get().ok());
        });
    for (auto& t : threads) t.join();
    TaskStatus s = engine.terminate(tok).get();
    CHECK(probes.load() == senders * per_sender);
    CHECK(max_seen.load() <= k);
    CHECK(max_seen.load() >= 1);
    CHECK(s.accepted == senders * per_sender);
    check_accounting(s);
}

TEST_CASE("a sender waiting for capacity is refused when the gate closes") {
    register_test_nodes();
    Engine engine;
    auto valve = Valve::get("gate-while-full");
    Token tok = engine.use(chain_pipeline({"test_valve"}, R"({"valve": "gate-while-full"})"),
                           UseOptions{.max_inflight = 1});
    auto first = engine.send_async(tok, "first");
    REQUIRE(valve->wait_arrivals(1));
    std::promise<std::string> outcome;
    std::thread waiter([&] {
        try {
            engine.send_async(tok, "second");
            outcome.set_value("accepted");
        } catch (const TaskTerminated&) {
            outcome.set_value("terminated");
        }
    });
    // Whether the waiter is already blocked or not yet arrived, the gate refuses it.
    auto done = engine.terminate(tok);
    auto result = outcome.get_future();
    REQUIRE(ready_within(result));
    CHECK(result.get() == "terminated");
    waiter.join();
    valve->open();
    REQUIRE(ready_within(done));
    CHECK(text_of(first.get()) == "first\n\n");
    TaskStatus s = done.get();
    CHECK(s.accepted == 1);
    check_accounting(s);
}

TEST_CASE("capacity waiters all get through one freed slot at a time") {
    // Completions wake one waiter per freed slot. A wake lost on the way would leave a sender
    // asleep beside a free slot: with the send timeout it fails with Busy instead of hanging.
    register_test_nodes();
    for (int round = 0; round < 20; ++round) {
        Engine engine(EngineOptions{.worker_threads = 2, .send_timeout = 30s});
        Token tok = engine.use(k_echo_pipeline, UseOptions{.max_inflight = 1});
        constexpr int senders = 6, per_sender = 100;
        std::latch start(senders);
        std::atomic<int> answered{0}, busy{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < senders; ++t)
            threads.emplace_back([&] {
                start.arrive_and_wait();
                try {
                    for (int i = 0; i < per_sender; ++i)
                        engine.send_async(tok, std::make_shared<const std::string>("x"),
                                          "text/plain", {}, [&](Result) { answered.fetch_add(1); });
                } catch (const Busy&) {
                    busy.fetch_add(1);
                }
            });
        for (auto& t : threads) t.join();
        TaskStatus s = engine.terminate(tok).get();
        check_accounting(s);
        CHECK(busy.load() == 0);
        CHECK(s.completed == senders * per_sender);
        CHECK(answered.load() == senders * per_sender);
    }
}

}  // TEST_SUITE
