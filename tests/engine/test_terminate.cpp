// terminate: the gate closes at once, everything accepted drains, the token is dead for good.
#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "support/checks.hpp"
#include "support/test_nodes.hpp"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

TEST_SUITE("terminate") {

TEST_CASE("send after terminate throws TaskTerminated naming the token") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline, UseOptions{.token = "tk-send-after"});
    engine.terminate(tok).get();
    try {
        engine.send(tok, "late");
        FAIL("send after terminate must throw");
    } catch (const TaskTerminated& e) {
        CHECK(std::string(e.what()) ==
              "task tk-send-after was terminated; start a new pipeline with use()");
    }
    CHECK_THROWS_AS(engine.open_pipe(tok), TaskTerminated);
}

TEST_CASE("terminate twice throws TaskTerminated and unknown tokens throw UnknownToken") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    auto done = engine.terminate(tok);
    CHECK_THROWS_AS(engine.terminate(tok), TaskTerminated);
    REQUIRE(ready_within(done));
    CHECK_THROWS_AS(engine.terminate(tok), TaskTerminated);
    CHECK_THROWS_WITH_AS(engine.terminate(Token("nope")),
                         "unknown token \"nope\"; start a pipeline with use() first", UnknownToken);
    CHECK_THROWS_AS(engine.send(Token("nope"), "x"), UnknownToken);
    CHECK_THROWS_AS(engine.status(Token("nope")), UnknownToken);
}

TEST_CASE("status of a dead token answers with the final figures") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    for (int i = 0; i < 10; ++i) engine.send(tok, "x");
    TaskStatus final_status = engine.terminate(tok).get();
    CHECK(final_status.state == TaskState::Terminated);
    CHECK(final_status.dead());
    CHECK(final_status.ended >= final_status.started);
    TaskStatus later = engine.status(tok);
    CHECK(later.state == TaskState::Terminated);
    CHECK(later.accepted == 10);
    CHECK(later.completed == 10);
    CHECK(later.bytes_in == 10);
    check_accounting(later);
    CHECK(engine.status(Token(tok.str())).task_id == tok.task_id());  // by name, too
}

TEST_CASE("a buffering node loses nothing on terminate") {
    register_test_nodes();
    Engine engine;
    Token tok = engine.use(chain_pipeline({"test_buffer"}));
    std::vector<std::future<Result>> futures;
    for (int i = 0; i < 500; ++i) futures.push_back(engine.send_async(tok, std::to_string(i)));
    // Held by the buffer: nothing can have completed before the drain flushes it.
    CHECK(engine.status(tok).completed == 0);
    auto done = engine.terminate(tok);
    REQUIRE(ready_within(done));
    for (int i = 0; i < 500; ++i) {
        REQUIRE(futures[i].wait_for(0s) == std::future_status::ready);  // before done, not after
        CHECK(text_of(futures[i].get()) == std::to_string(i) + "\n\n");
    }
    TaskStatus s = done.get();
    CHECK(s.state == TaskState::Terminated);
    CHECK(s.completed == 500);
    check_accounting(s);
}

TEST_CASE("a node that throws fails that object only and the task keeps running") {
    register_test_nodes();
    Engine engine;
    Token tok = engine.use(chain_pipeline({"test_throw"}));
    Result bad = engine.send(tok, "boom!");
    CHECK_FALSE(bad.ok());
    CHECK(bad.error == "component \"n0\" (test_throw): boom in \"boom!\"");
    Result good = engine.send(tok, "fine");
    CHECK(good.ok());
    CHECK(text_of(good) == "fine\n\n");
    TaskStatus s = engine.terminate(tok).get();
    CHECK(s.accepted == 2);
    CHECK(s.completed == 1);
    CHECK(s.failed == 1);
    CHECK(s.nodes[1].errors == 1);
    CHECK(s.last_error == bad.error);
    check_accounting(s);
}

TEST_CASE("the drain deadline cancels a node that sleeps past it and fails its objects") {
    register_test_nodes();
    Engine engine;
    Token tok = engine.use(chain_pipeline({"test_sleep"}, R"({"ms": 1500})"));
    auto slow = engine.send_async(tok, "slow");
    const auto start = std::chrono::steady_clock::now();
    auto done = engine.terminate(tok, 100ms);
    REQUIRE(ready_within(done));
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took < 1400ms);  // answered at the deadline, not when the sleeper woke
    TaskStatus s = done.get();
    CHECK(s.state == TaskState::Cancelled);
    CHECK(s.failed == 1);
    check_accounting(s);
    REQUIRE(slow.wait_for(0s) == std::future_status::ready);
    Result r = slow.get();
    CHECK(r.error == "task " + tok.str() + ": drain deadline of 100 ms passed; the object was cancelled");
    CHECK(r.fields.empty());  // nothing delivered from the cancelled body
}

TEST_CASE("an open pipe is sealed by terminate: its object drains what it got and is failed") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    Pipe pipe = engine.open_pipe(tok);
    pipe.write("first");
    auto done = engine.terminate(tok);
    CHECK_THROWS_AS(pipe.write("after"), TaskTerminated);
    REQUIRE(ready_within(done));
    Result r = pipe.close();
    CHECK(text_of(r) == "first\n\n");
    CHECK(r.error == "task " + tok.str() +
                         " was terminated while this object's pipe was open; it holds only the 1 "
                         "write(s) made before");
    TaskStatus s = done.get();
    CHECK(s.completed == 0);
    CHECK(s.failed == 1);
    check_accounting(s);
}

TEST_CASE("a caller-chosen token starts a new task only after its task is dead") {
    Engine engine;
    Token first = engine.use(k_echo_pipeline, UseOptions{.token = "named"});
    CHECK(first.str() == "named");
    CHECK_THROWS_WITH_AS(
        engine.use(k_echo_pipeline, UseOptions{.token = "named"}),
        "task named is already running; terminate it first, or pass use_existing to reuse it",
        AlreadyRunning);
    Token same = engine.use(k_echo_pipeline, UseOptions{.token = "named", .use_existing = true});
    CHECK(same == first);
    engine.terminate(first).get();
    Token second = engine.use(k_echo_pipeline, UseOptions{.token = "named"});
    CHECK(second.str() == "named");
    CHECK(second.task_id() != first.task_id());
    CHECK(text_of(engine.send(second, "new")) == "new\n\n");
    CHECK(text_of(engine.send(Token("named"), "by name")) == "by name\n\n");
    // The old task never runs again: its own handle keeps failing.
    CHECK_THROWS_AS(engine.send(first, "stale"), TaskTerminated);
    CHECK(engine.status(first).state == TaskState::Terminated);
    CHECK(engine.status(second).state == TaskState::Running);
}

TEST_CASE("a name whose task is still draining can start a new task") {
    register_test_nodes();
    Engine engine;
    auto valve = Valve::get("draining-name");
    Token old = engine.use(chain_pipeline({"test_valve"}, R"({"valve": "draining-name"})"),
                           UseOptions{.token = "busy-name"});
    auto pending = engine.send_async(old, "held");
    REQUIRE(valve->wait_arrivals(1));
    auto done = engine.terminate(old);
    CHECK(engine.status(old).state == TaskState::Draining);
    Token fresh = engine.use(k_echo_pipeline, UseOptions{.token = "busy-name"});
    CHECK(text_of(engine.send(fresh, "ok")) == "ok\n\n");
    valve->open();
    REQUIRE(ready_within(done));
    CHECK(text_of(pending.get()) == "held\n\n");
    CHECK(done.get().completed == 1);
    CHECK(engine.status(fresh).state == TaskState::Running);
}

TEST_CASE("engine-made tokens are unique") {
    Engine engine;
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        Token t = engine.use(k_echo_pipeline);
        CHECK(t.str().rfind("tk_", 0) == 0);
        CHECK(seen.insert(t.str()).second);
    }
}

TEST_CASE("done() becomes ready with the final status however the task ended") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    auto done = engine.done(tok);
    CHECK(done.wait_for(0s) == std::future_status::timeout);
    engine.send(tok, "x");
    engine.terminate(tok);
    REQUIRE(ready_within(done));
    CHECK(done.get().completed == 1);
}

TEST_CASE("shutdown terminates every task and refuses new ones") {
    Engine engine;
    Token a = engine.use(k_echo_pipeline);
    Token b = engine.use(k_echo_pipeline);
    engine.send(a, "x");
    engine.shutdown(5s);
    CHECK(engine.status(a).state == TaskState::Terminated);
    CHECK(engine.status(b).state == TaskState::Terminated);
    CHECK_THROWS_WITH_AS(engine.use(k_echo_pipeline),
                         "engine is shut down; no new tasks are started", TaskTerminated);
}

}  // TEST_SUITE
