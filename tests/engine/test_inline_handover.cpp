// Inline hand-over (engine/graph_node.cpp): inside a graph task, an unlimited node's next
// unlimited node runs on the same worker instead of in a spawned task. What it must keep: every
// object through, a bounded stack however long the chain, each node's own busy time.
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "support/checks.hpp"
#include "support/test_nodes.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

// test_inline_outer marks its thread while its emit() runs; test_inline_inner counts the items
// it saw inside that mark, that is, handed over inline from within the outer node's emit().
thread_local bool t_inside_outer = false;
std::atomic<int> g_inner_items{0}, g_inner_nested{0};

struct Outer final : Node {
    void process(Item item, Emitter& out) override {
        t_inside_outer = true;
        out.emit(std::move(item));
        t_inside_outer = false;
    }
};

struct Inner final : Node {
    void process(Item item, Emitter& out) override {
        g_inner_items.fetch_add(1);
        if (t_inside_outer) g_inner_nested.fetch_add(1);
        out.emit(std::move(item));
    }
};

template <typename N>
void register_text_node(const char* name, Concurrency concurrency) {
    NodeInfo info;
    info.lanes = {{Lane::text, {Lane::text}}};
    info.concurrency = concurrency;
    register_node(name, info, [](const NodeContext&) { return std::make_unique<N>(); });
}

void register_nesting_nodes() {
    static std::once_flag once;
    std::call_once(once, [] {
        register_text_node<Outer>("test_inline_outer", Concurrency::unlimited);
        register_text_node<Outer>("test_inline_outer_serial", Concurrency::serial);
        register_text_node<Inner>("test_inline_inner", Concurrency::unlimited);
        register_text_node<Inner>("test_inline_inner_serial", Concurrency::serial);
    });
}

// Sends `n` objects through webhook -> `outer` -> `inner` -> response; how many of them the
// inner node ran nested inside the outer node's emit().
int nested_runs(const std::string& outer, const std::string& inner, int n) {
    register_nesting_nodes();
    g_inner_items = 0;
    g_inner_nested = 0;
    Engine engine(EngineOptions{.worker_threads = 2});
    Token tok =
        engine.use(chain_pipeline_with({{outer, "{}"}, {inner, "{}"}}), UseOptions{.threads = 2});
    std::vector<std::future<Result>> results;
    for (int i = 0; i < n; ++i) results.push_back(engine.send_async(tok, "x"));
    for (auto& r : results) CHECK(text_of(r.get()) == "x\n\n");
    check_accounting(engine.terminate(tok).get());
    CHECK(g_inner_items.load() == n);
    return g_inner_nested.load();
}

}  // namespace

TEST_SUITE("engine") {
    TEST_CASE("inside a graph task, an unlimited node runs the next unlimited node inline") {
        CHECK(nested_runs("test_inline_outer", "test_inline_inner", 200) == 200);
    }

    TEST_CASE("a serial node is never run inline: its items queue in its graph node") {
        CHECK(nested_runs("test_inline_outer", "test_inline_inner_serial", 200) == 0);
    }

    TEST_CASE(
        "a serial node hands on in a task of its own, so its successor's work stays out "
        "of its serial section") {
        CHECK(nested_runs("test_inline_outer_serial", "test_inline_inner", 200) == 0);
    }

    TEST_CASE(
        "a chain of 20,000 unlimited nodes carries every object: inline hand-over is bounded") {
        // Unbounded, each hop would nest the next node's frames (over 6 MB for this chain, past
        // a TBB worker's stack); bounded, every 8th hop is a spawned task.
        register_test_nodes();
        constexpr std::size_t k_length = 20'000;
        std::vector<std::pair<std::string, std::string>> middle(k_length, {"test_probe", "{}"});
        EngineOptions options{.worker_threads = 2};
        options.pipeline_limits.max_components = k_length + 2;
        Engine engine(options);
        Token tok = engine.use(chain_pipeline_with(middle), UseOptions{.threads = 2});
        std::vector<std::future<Result>> results;
        for (int i = 0; i < 8; ++i)
            results.push_back(engine.send_async(tok, fmt::format("o{}", i)));
        for (int i = 0; i < 8; ++i) CHECK(text_of(results[i].get()) == fmt::format("o{}\n\n", i));
        TaskStatus s = engine.terminate(tok).get();
        check_accounting(s);
        CHECK(s.completed == 8);
        REQUIRE(s.nodes.size() == k_length + 2);
        CHECK(s.nodes[k_length].items_in == 8);  // the last of the chain saw every object
    }

    TEST_CASE("a node's busy time excludes the nodes it handed items to inline") {
        register_test_nodes();
        Engine engine(EngineOptions{.worker_threads = 2});
        // n0 passes each item on at once; n1, which n0 runs inline, sleeps 2 ms per item.
        Token tok =
            engine.use(chain_pipeline_with({{"test_probe", "{}"}, {"test_sleep", R"({"ms": 2})"}}),
                       UseOptions{.threads = 2, .profile_nodes = true});
        constexpr int k_items = 40;
        std::vector<std::future<Result>> results;
        for (int i = 0; i < k_items; ++i) results.push_back(engine.send_async(tok, "x"));
        for (auto& r : results) CHECK(r.get().ok());
        TaskStatus s = engine.terminate(tok).get();
        check_accounting(s);
        REQUIRE(s.nodes.size() == 4);
        const NodeStatus& quick = s.nodes[1];
        const NodeStatus& sleeper = s.nodes[2];
        CHECK(quick.id == "n0");
        CHECK(sleeper.items_in == k_items);
        CHECK(sleeper.busy >= std::chrono::milliseconds(2 * k_items));
        // Counted inclusively, n0 would have the sleeper's 80 ms too.
        INFO("n0 busy ", quick.busy.count(), " ns; n1 busy ", sleeper.busy.count(), " ns");
        CHECK(quick.busy < sleeper.busy / 4);
    }
}  // TEST_SUITE
