// The racing terminate: senders on four threads while a fifth terminates at a random moment.
// Run with SLUICE_STRESS_ITERATIONS=N for a soak (default 2000).
#include <doctest/doctest.h>

#include <barrier>
#include <cstdlib>
#include <random>
#include <thread>

#include "support/checks.hpp"
#include "support/test_nodes.hpp"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

namespace {

int iterations() {
    const char* env = std::getenv("SLUICE_STRESS_ITERATIONS");
    return env ? std::max(1, std::atoi(env)) : 2000;
}

// Fan-out to a transforming branch and a buffering branch: every object's result needs both,
// and the buffered half only arrives when the drain flushes it.
constexpr const char* k_pipeline = R"({"components": [
  {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
  {"id": "up", "provider": "test_upper", "input": [{"lane": "text", "from": "in"}]},
  {"id": "hold", "provider": "test_buffer", "input": [{"lane": "text", "from": "in"}]},
  {"id": "out_up", "provider": "response", "config": {"lanes": [{"laneId": "text", "laneName": "up"}]},
   "input": [{"lane": "text", "from": "up"}]},
  {"id": "out_held", "provider": "response", "config": {"lanes": [{"laneId": "text", "laneName": "held"}]},
   "input": [{"lane": "text", "from": "hold"}]}]})";

struct SenderLog {
    std::vector<std::pair<std::string, std::future<Result>>> sent;
    std::string unexpected;  // anything other than a result or TaskTerminated
};

}  // namespace

TEST_SUITE("stress") {

TEST_CASE("sends racing a terminate either complete fully or throw TaskTerminated") {
    register_test_nodes();
    constexpr int k_senders = 4;
    const int rounds = iterations();
    Engine engine(EngineOptions{.worker_threads = 2});
    std::mt19937 rng(20261129);

    Token tok;
    std::shared_future<TaskStatus> done;
    std::array<SenderLog, k_senders> logs;
    int terminate_after = 0;
    std::barrier sync(k_senders + 2);  // senders, terminator, this thread

    auto sender = [&](int id) {
        for (int r = 0; r < rounds; ++r) {
            sync.arrive_and_wait();  // round starts: tok is set
            for (int i = 0;; ++i) {
                std::string payload = "s" + std::to_string(id) + "-" + std::to_string(i);
                try {
                    logs[id].sent.emplace_back(payload, engine.send_async(tok, payload));
                } catch (const TaskTerminated&) {
                    break;
                } catch (const std::exception& e) {
                    logs[id].unexpected = e.what();
                    break;
                }
            }
            sync.arrive_and_wait();  // round ends
        }
    };
    auto terminator = [&] {
        for (int r = 0; r < rounds; ++r) {
            sync.arrive_and_wait();
            for (int spin = 0; spin < terminate_after; ++spin) std::this_thread::yield();
            done = engine.terminate(tok);
            sync.arrive_and_wait();
        }
    };
    std::vector<std::thread> threads;
    for (int i = 0; i < k_senders; ++i) threads.emplace_back(sender, i);
    threads.emplace_back(terminator);

    std::uint64_t total_accepted = 0;
    for (int r = 0; r < rounds; ++r) {
        tok = engine.use(k_pipeline, UseOptions{.max_inflight = 256});
        terminate_after = std::uniform_int_distribution<int>(0, 400)(rng);
        for (auto& log : logs) log = SenderLog{};
        sync.arrive_and_wait();
        sync.arrive_and_wait();
        REQUIRE(ready_within(done));
        TaskStatus s = done.get();
        std::uint64_t futures = 0;
        for (auto& log : logs) {
            REQUIRE(log.unexpected.empty());
            for (auto& [payload, f] : log.sent) {
                ++futures;
                // Delivered before the drain future was ready, never after.
                REQUIRE(f.wait_for(0s) == std::future_status::ready);
                Result res = f.get();
                REQUIRE(res.ok());
                std::string upper = payload;
                for (char& c : upper) c = static_cast<char>(std::toupper(c));
                REQUIRE(text_of(res, "up") == upper + "\n\n");
                REQUIRE(text_of(res, "held") == payload + "\n\n");
            }
        }
        REQUIRE(s.state == TaskState::Terminated);
        REQUIRE(s.accepted == futures);
        REQUIRE(s.completed == futures);
        REQUIRE(s.failed == 0);
        REQUIRE(s.in_flight == 0);
        total_accepted += s.accepted;
    }
    for (auto& t : threads) t.join();
    MESSAGE("stress: ", rounds, " rounds, ", total_accepted, " objects accepted, all delivered");
}

}  // TEST_SUITE
