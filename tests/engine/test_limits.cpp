// The engine's limits: live tasks (max_tasks), bytes in flight (max_task_bytes), and admission
// that never waits (try_send_async / try_open_pipe).
#include <doctest/doctest.h>

#include <chrono>
#include <vector>

#include "support/checks.hpp"
#include "support/test_nodes.hpp"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

TEST_SUITE("limits") {

TEST_CASE("max_tasks refuses a task past the limit and frees its place when a task ends") {
    Engine engine(EngineOptions{.max_tasks = 2});
    Token a = engine.use(k_echo_pipeline);
    Token b = engine.use(k_echo_pipeline);
    CHECK_THROWS_WITH_AS(engine.use(k_echo_pipeline),
                         "2 tasks are live, the engine's limit (max_tasks=2); terminate one, or "
                         "retry once one has ended",
                         LimitExceeded);
    engine.terminate(a).get();  // done() is set after the place is given back
    Token c = engine.use(k_echo_pipeline);
    CHECK(engine.send(c, "ok").ok());
    CHECK_THROWS_AS(engine.use(k_echo_pipeline), LimitExceeded);
    (void)b;
}

TEST_CASE("a use() that fails gives its place back") {
    register_test_nodes();
    Engine engine(EngineOptions{.max_tasks = 1});
    const std::string bad = R"({"components": [
        {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
        {"id": "out", "provider": "response", "config": {"lanes": 7},
         "input": [{"lane": "text", "from": "in"}]}]})";
    for (int i = 0; i < 5; ++i) CHECK_THROWS_AS(engine.use(bad), InvalidPipeline);
    Token tok = engine.use(k_echo_pipeline, UseOptions{.token = "only"});
    // use_existing hands back the running task without taking a second place.
    Token again = engine.use(k_echo_pipeline, UseOptions{.token = "only", .use_existing = true});
    CHECK(again.task_id() == tok.task_id());
    CHECK_THROWS_AS(engine.use(k_echo_pipeline), LimitExceeded);
}

TEST_CASE("try_send_async and try_open_pipe send nothing when the task is full") {
    register_test_nodes();
    Engine engine;
    auto valve = Valve::get("limits-full");
    Token tok = engine.use(chain_pipeline({"test_valve"}, R"({"valve": "limits-full"})"),
                           UseOptions{.max_inflight = 2});
    auto first = engine.send_async(tok, "one");
    auto second = engine.send_async(tok, "two");
    REQUIRE(valve->wait_arrivals(2));
    bool called = false;
    CHECK_FALSE(engine.try_send_async(tok, std::make_shared<const std::string>("three"),
                                      "text/plain", {}, [&](Result) { called = true; }));
    CHECK_FALSE(engine.try_open_pipe(tok).has_value());
    CHECK(engine.status(tok).accepted == 2);
    valve->open();
    REQUIRE(ready_within(first));
    REQUIRE(ready_within(second));
    // A result is delivered before its object's place is given back (so the drain never sees
    // an empty task with an answer still to come): poll, bounded, for the place.
    std::promise<Result> third;
    bool sent = false;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!sent && std::chrono::steady_clock::now() < give_up)
        sent = engine.try_send_async(tok, std::make_shared<const std::string>("three"),
                                     "text/plain", {},
                                     [&](Result r) { third.set_value(std::move(r)); });
    REQUIRE(sent);
    REQUIRE(ready_within(third.get_future()));
    TaskStatus final_status = engine.terminate(tok).get();
    CHECK(final_status.accepted == 3);
    CHECK_FALSE(called);
    check_accounting(final_status);
}

TEST_CASE("max_task_bytes refuses an object larger than the limit, naming both sizes") {
    Engine engine(EngineOptions{.max_task_bytes = 10});
    Token tok = engine.use(k_echo_pipeline, UseOptions{.token = "tk-bytes"});
    CHECK_THROWS_WITH_AS(engine.send(tok, std::string(11, 'x')),
                         "task tk-bytes: an object of 11 bytes is over max_task_bytes=10; send it "
                         "in chunks through a pipe, or raise the limit",
                         LimitExceeded);
    Pipe pipe = engine.open_pipe(tok);
    pipe.write("123456");
    CHECK_THROWS_WITH_AS(pipe.write("12345"),
                         doctest::Contains("holds 6 bytes in flight; a write of 5 more would pass "
                                           "max_task_bytes=10"),
                         LimitExceeded);
    pipe.write("1234");
    CHECK(text_of(pipe.close()) == "123456\n\n1234\n\n");  // the echo sink's chunk joining
    // (A result is delivered just before its bytes are given back, so the next send may wait a
    // moment for them: it is admitted as soon as they are.)
    CHECK(engine.send(tok, std::string(10, 'x')).ok());
    TaskStatus final_status = engine.terminate(tok).get();
    CHECK(final_status.accepted == 2);
    check_accounting(final_status);
}

TEST_CASE("sends wait while the bytes in flight are at max_task_bytes, then Busy after the timeout") {
    register_test_nodes();
    Engine engine(EngineOptions{.send_timeout = 200ms, .max_task_bytes = 8});
    auto valve = Valve::get("limits-bytes");
    Token tok = engine.use(chain_pipeline({"test_valve"}, R"({"valve": "limits-bytes"})"),
                           UseOptions{.token = "tk-bytes-wait"});
    auto held = engine.send_async(tok, "12345678");  // all 8 bytes
    REQUIRE(valve->wait_arrivals(1));
    CHECK_THROWS_WITH_AS(engine.send(tok, "9"),
                         "task tk-bytes-wait stayed at max_inflight=4096 / max_task_bytes=8 for "
                         "200 ms; retry later",
                         Busy);
    valve->open();
    REQUIRE(ready_within(held));
    CHECK(engine.send(tok, "9").ok());  // the bytes were given back with the first object
    check_accounting(engine.terminate(tok).get());
}

}  // TEST_SUITE
