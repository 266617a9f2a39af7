// Result and status callbacks (the non-blocking forms an event loop uses), object warnings and
// word counters.
#include <atomic>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "support/checks.hpp"
#include "support/test_nodes.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

// Collects callback results; wait() bounds the wait so a lost callback fails the test.
struct Collector {
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<Result> results;
    void add(Result r) {
        // Notified under the lock: once the waiter has seen the last result it may destroy
        // this Collector, which must not happen while a callback is still inside notify_all
        // (TSan: pthread_cond_destroy against pthread_cond_broadcast).
        std::lock_guard lock(mutex);
        results.push_back(std::move(r));
        cv.notify_all();
    }
    bool wait(std::size_t n) {
        std::unique_lock lock(mutex);
        return cv.wait_for(lock, std::chrono::seconds(60), [&] { return results.size() >= n; });
    }
};

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("send_async with a callback delivers every result exactly once") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    Collector got;
    constexpr int n = 500;
    for (int i = 0; i < n; ++i)
        engine.send_async(tok, std::make_shared<const std::string>(std::to_string(i)),
                          "text/plain", ObjectInfo{std::to_string(i), "", {}},
                          [&](Result r) { got.add(std::move(r)); });
    REQUIRE(got.wait(n));
    TaskStatus final_status = engine.terminate(tok).get();
    check_accounting(final_status);
    CHECK(final_status.completed == n);
    std::lock_guard lock(got.mutex);
    REQUIRE(got.results.size() == n);
    std::vector<int> seen(n, 0);
    for (const Result& r : got.results) {
        CHECK(text_of(r) == r.name + "\n\n");
        ++seen.at(std::stoi(r.name));
    }
    CHECK(std::count(seen.begin(), seen.end(), 1) == n);
}

TEST_CASE("a pipe closed with close_then delivers its result whether or not it is already done") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    Collector got;
    Pipe streamed = engine.open_pipe(tok, ObjectInfo{"streamed", "", {}});
    streamed.write("a");
    streamed.write("b");
    streamed.close_then([&](Result r) { got.add(std::move(r)); });
    CHECK_FALSE(streamed.is_open());
    Pipe empty = engine.open_pipe(tok, ObjectInfo{"empty", "", {}});
    empty.close_then([&](Result r) { got.add(std::move(r)); });  // completes inside the call
    REQUIRE(got.wait(2));
    std::lock_guard lock(got.mutex);
    for (const Result& r : got.results) {
        if (r.name == "streamed") CHECK(text_of(r) == "a\n\nb\n\n");
        else CHECK(r.fields.empty());
    }
    CHECK_THROWS_AS(streamed.close_then([](Result) {}), UsageError);
}

TEST_CASE("when_done runs once with the final status, registered before or after death") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    engine.send(tok, "x");
    std::atomic<int> before{0}, after{0};
    std::promise<TaskStatus> seen;
    engine.when_done(tok, [&](const TaskStatus& s) {
        ++before;
        seen.set_value(s);
    });
    auto drained = engine.terminate(tok);
    TaskStatus final_status = seen.get_future().get();
    CHECK(final_status.state == TaskState::Terminated);
    CHECK(final_status.completed == 1);
    drained.wait();
    engine.when_done(tok, [&](const TaskStatus& s) {
        ++after;
        CHECK(s.dead());
    });
    CHECK(before == 1);
    CHECK(after == 1);  // already dead: ran inside the call
}

TEST_CASE("a throwing result callback is recorded as the task's last error, not propagated") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    std::latch called(1);
    engine.send_async(tok, std::make_shared<const std::string>("x"), "text/plain", {},
                      [&](Result) {
                          called.count_down();
                          throw std::runtime_error("callback broke");
                      });
    called.wait();
    TaskStatus s = engine.terminate(tok).get();
    check_accounting(s);
    CHECK(s.completed == 1);
    CHECK(s.last_error == "a result callback threw: callback broke");
}

TEST_CASE("callbacks racing terminate: every accepted object is answered before the task is dead") {
    register_test_nodes();
    const int rounds = 200;
    for (int round = 0; round < rounds; ++round) {
        Engine engine(EngineOptions{.worker_threads = 2});
        Token tok = engine.use(chain_pipeline({"test_buffer"}));
        std::atomic<int> answered{0}, accepted{0};
        std::latch start(3);
        auto sender = [&] {
            start.arrive_and_wait();
            for (int i = 0; i < 200; ++i) {
                try {
                    engine.send_async(tok, std::make_shared<const std::string>("v"), "text/plain",
                                      {}, [&](Result) { answered.fetch_add(1); });
                    accepted.fetch_add(1);
                } catch (const TaskTerminated&) {
                    break;
                }
            }
        };
        std::thread a(sender), b(sender);
        start.arrive_and_wait();
        TaskStatus s = engine.terminate(tok).get();
        a.join();
        b.join();
        check_accounting(s);
        REQUIRE(answered.load() == static_cast<int>(s.accepted));
        REQUIRE(accepted.load() == static_cast<int>(s.accepted));
    }
}

TEST_CASE("node warnings reach the result and the task status; word counts reach the status") {
    register_test_nodes();
    Engine engine;
    Token tok = engine.use(chain_pipeline({"test_words"}));
    Result counted = engine.send(tok, "three little words", "text/plain", {"a", "", {}});
    CHECK(counted.warnings.empty());
    Result empty = engine.send(tok, "", "text/plain", {"b", "", {}});
    CHECK(empty.ok());
    REQUIRE(empty.warnings.size() == 1);
    CHECK(empty.warnings[0] == "empty text");
    CHECK(to_json(empty).find(R"("warnings":["empty text"])") != std::string::npos);
    TaskStatus s = engine.status(tok);
    CHECK(s.words_count == 3);
    CHECK(s.words_size == 18);
    REQUIRE(s.warnings.size() == 1);
    CHECK(s.warnings[0] == "b: empty text");
    CHECK(to_json(s).find(R"("wordsCount":3,"wordsSize":18)") != std::string::npos);
}

}  // TEST_SUITE

namespace {
// Holds every item and emits them in reverse at drain: the worst reordering a graph can do.
struct Reverse final : Node {
    std::vector<Item> held;
    void process(Item item, Emitter&) override { held.push_back(std::move(item)); }
    void finish(Emitter& out) override {
        for (auto it = held.rbegin(); it != held.rend(); ++it) out.emit(std::move(*it));
        held.clear();
    }
};
}  // namespace

TEST_CASE("a streamed pipe's chunks are joined in write order even when the graph reverses them") {
    static std::once_flag once;
    std::call_once(once, [] {
        NodeInfo info;
        info.lanes = {{Lane::text, {Lane::text}}};
        register_node("test_reverse", info,
                      [](const NodeContext&) { return std::make_unique<Reverse>(); });
    });
    Engine engine;
    Token tok = engine.use(chain_pipeline({"test_reverse"}));
    Pipe pipe = engine.open_pipe(tok, ObjectInfo{"stream", "", {}});
    for (const char* chunk : {"Hello ", "from ", "streaming ", "test!"}) pipe.write(chunk);
    std::future<Result> result = pipe.close_async();
    engine.terminate(tok).get();
    REQUIRE(ready_within(result));
    CHECK(text_of(result.get()) == "Hello \n\nfrom \n\nstreaming \n\ntest!\n\n");
}

TEST_CASE("terminate with a callback reports the final status of the task it closed") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline, UseOptions{.token = "named"});
    engine.send(tok, "x");
    std::promise<TaskStatus> ended;
    engine.terminate(Token{"named"}, std::chrono::seconds(30),
                     [&](const TaskStatus& s) { ended.set_value(s); });
    // The name is free again at once: a new task takes it, the callback still reports the old.
    Token second = engine.use(k_echo_pipeline, UseOptions{.token = "named"});
    TaskStatus s = ended.get_future().get();
    CHECK(s.task_id == tok.task_id());
    CHECK(s.completed == 1);
    CHECK(s.state == TaskState::Terminated);
    CHECK_THROWS_WITH_AS(engine.terminate(tok, std::chrono::seconds(1), [](const TaskStatus&) {}),
                         "task named was terminated; start a new pipeline with use()",
                         TaskTerminated);
    CHECK(engine.status(second).state == TaskState::Running);
}
