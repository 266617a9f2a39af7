// Many tasks share a few threads; terminating one does not disturb the others.
#include <doctest/doctest.h>

#include <latch>
#include <thread>

#include "support/checks.hpp"
#include "support/test_nodes.hpp"

using namespace sluice;
using namespace sluice::test;

TEST_SUITE("engine") {

TEST_CASE("terminating one of 60 tasks on 2 threads leaves the other 59 running") {
    register_test_nodes();
    Engine engine(EngineOptions{.worker_threads = 2});
    constexpr int tasks = 60, per_task = 50;
    std::vector<Token> tokens;
    for (int i = 0; i < tasks; ++i)
        tokens.push_back(engine.use(chain_pipeline({"test_upper"}), UseOptions{.threads = 2}));
    const Token victim = tokens[7];

    std::latch start(3);
    std::atomic<int> wrong{0};
    auto sender = [&](int first, int last) {
        start.arrive_and_wait();
        for (int round = 0; round < per_task; ++round)
            for (int t = first; t < last; ++t) {
                if (tokens[t] == victim) continue;
                if (text_of(engine.send(tokens[t], "ab")) != "AB\n\n") wrong.fetch_add(1);
            }
    };
    std::thread a(sender, 0, tasks / 2), b(sender, tasks / 2, tasks);
    start.arrive_and_wait();
    engine.send(victim, "x");
    TaskStatus killed = engine.terminate(victim).get();
    a.join();
    b.join();

    CHECK(wrong.load() == 0);
    CHECK(killed.state == TaskState::Terminated);
    CHECK(killed.completed == 1);
    check_accounting(killed);
    for (const Token& t : tokens) {
        if (t == victim) continue;
        TaskStatus s = engine.status(t);
        CHECK(s.state == TaskState::Running);
        CHECK(s.completed == per_task);
    }
    CHECK(engine.tasks().size() == tasks);
    CHECK(engine.tasks().back().task_id == victim.task_id());  // dead tasks are listed last
}

}  // TEST_SUITE
