// send_batch: many objects in one call, each result delivered once to the batch's callback
// under its index; backpressure and terminate hold as for single sends.
#include <atomic>
#include <condition_variable>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "support/checks.hpp"
#include "support/test_nodes.hpp"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

namespace {

std::vector<Payload> numbered(std::size_t n) {
    std::vector<Payload> data;
    for (std::size_t i = 0; i < n; ++i)
        data.push_back(std::make_shared<const std::string>(std::to_string(i)));
    return data;
}

// Results by index; wait() bounds the wait so a lost callback fails the test.
struct Answers {
    explicit Answers(std::size_t n) : texts(n), calls(n, 0) {}
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<std::string> texts;
    std::vector<int> calls;
    std::size_t total = 0;
    BatchCallback callback() {
        return [this](std::size_t index, Result r) {
            {
                std::lock_guard lock(mutex);
                texts.at(index) = text_of(r);
                ++calls.at(index);
                ++total;
            }
            cv.notify_all();
        };
    }
    bool wait(std::size_t n) {
        std::unique_lock lock(mutex);
        return cv.wait_for(lock, 60s, [&] { return total >= n; });
    }
};

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("send_batch delivers each object's result once, under its index") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    constexpr std::size_t n = 1000;
    const std::vector<Payload> data = numbered(n);
    Answers got(n);
    CHECK(engine.send_batch(tok, data, "text/plain", got.callback()) == n);
    REQUIRE(got.wait(n));
    TaskStatus final_status = engine.terminate(tok).get();
    check_accounting(final_status);
    CHECK(final_status.accepted == n);
    CHECK(final_status.completed == n);
    std::lock_guard lock(got.mutex);
    for (std::size_t i = 0; i < n; ++i) {
        CHECK(got.calls[i] == 1);
        CHECK(got.texts[i] == std::to_string(i) + "\n\n");
    }
}

TEST_CASE("a send_batch larger than max_inflight puts its own objects in before it waits") {
    // With send_timeout a batch that held its own objects back while waiting for capacity
    // would stop at max_inflight (Busy), instead of sending them all.
    Engine engine(EngineOptions{.send_timeout = 5s});
    Token tok = engine.use(k_echo_pipeline, UseOptions{.max_inflight = 3});
    constexpr std::size_t n = 200;
    Answers got(n);
    CHECK(engine.send_batch(tok, numbered(n), "text/plain", got.callback()) == n);
    REQUIRE(got.wait(n));
    TaskStatus final_status = engine.terminate(tok).get();
    check_accounting(final_status);
    CHECK(final_status.completed == n);
}

TEST_CASE("send_batch on a terminated task throws TaskTerminated and calls nothing") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    engine.terminate(tok).get();
    std::atomic<int> calls{0};
    CHECK_THROWS_WITH_AS(
        engine.send_batch(tok, numbered(3), "text/plain",
                          [&](std::size_t, Result) { calls.fetch_add(1); }),
        doctest::Contains("was terminated; start a new pipeline with use()"), TaskTerminated);
    CHECK(engine.send_batch(tok, {}, "text/plain", {}) == 0);  // nothing to send: no gate
    CHECK(calls.load() == 0);
}

TEST_CASE("send_batch racing terminate: every object it reports sent is answered, and only those") {
    register_test_nodes();
    for (int round = 0; round < 200; ++round) {
        Engine engine(EngineOptions{.worker_threads = 2});
        Token tok = engine.use(chain_pipeline({"test_buffer"}));
        std::atomic<std::size_t> answered{0}, sent{0};
        std::latch start(3);
        const std::vector<Payload> data = numbered(50);
        auto sender = [&] {
            start.arrive_and_wait();
            for (int i = 0; i < 20; ++i) {
                try {
                    const std::size_t k = engine.send_batch(
                        tok, data, "text/plain",
                        [&](std::size_t, Result) { answered.fetch_add(1); });
                    sent.fetch_add(k);
                    if (k < data.size()) break;
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
        REQUIRE(sent.load() == s.accepted);
        REQUIRE(answered.load() == s.accepted);
    }
}

}  // TEST_SUITE
