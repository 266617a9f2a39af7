// ttl: an idle task is terminated gracefully after ttl seconds.
#include <doctest/doctest.h>

#include "support/checks.hpp"
#include "support/test_nodes.hpp"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

TEST_SUITE("ttl") {

TEST_CASE("an idle task is terminated after its ttl and keeps its final figures") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline, UseOptions{.ttl = 1.0});
    const auto start = std::chrono::steady_clock::now();
    engine.send(tok, "before idle");
    auto done = engine.done(tok);
    REQUIRE(ready_within(done, 30s));
    const auto idle_for = std::chrono::steady_clock::now() - start;
    CHECK(idle_for >= 1s);
    TaskStatus s = done.get();
    CHECK(s.state == TaskState::Terminated);
    CHECK(s.completed == 1);
    check_accounting(s);
    CHECK_THROWS_AS(engine.send(tok, "after"), TaskTerminated);
}

TEST_CASE("a task with ttl 0 is never terminated for being idle") {
    Engine engine(EngineOptions{.default_ttl = 1.0});
    Token forever = engine.use(k_echo_pipeline, UseOptions{.ttl = 0.0});
    Token idle = engine.use(k_echo_pipeline);  // gets the engine default of 1 s
    REQUIRE(ready_within(engine.done(idle), 30s));
    CHECK(engine.status(forever).state == TaskState::Running);
    CHECK(text_of(engine.send(forever, "still here")) == "still here\n\n");
}

TEST_CASE("a task that is busy is not idle") {
    register_test_nodes();
    Engine engine;
    auto valve = Valve::get("ttl-busy");
    Token tok = engine.use(chain_pipeline({"test_valve"}, R"({"valve": "ttl-busy"})"),
                           UseOptions{.ttl = 0.5});
    auto held = engine.send_async(tok, "x");
    REQUIRE(valve->wait_arrivals(1));
    // Busy well past its ttl: the object is in flight, so the task must stay up. Wait for the
    // ttl to have passed twice over, then check it is still running.
    auto done = engine.done(tok);
    CHECK(done.wait_for(1500ms) == std::future_status::timeout);
    CHECK(engine.status(tok).state == TaskState::Running);
    valve->open();
    CHECK(held.get().ok());
    REQUIRE(ready_within(done, 30s));  // then idle, then terminated
    check_accounting(done.get());
}

}  // TEST_SUITE
