// scenario_isolation.cpp — scenario 8: isolation between tasks on one Engine. An echo task's
// send -> result latency (p50, p99) while another task keeps its nodes busy, against the same
// echo task alone, alternating in the same run: the "baseline" column is the echo alone, so
// the ratio is how much the neighbour slows it down. Neighbours: a node that sleeps and
// declares NodeInfo::blocking (on the engine's blocking pool), the same node without the
// declaration (asleep on the TBB workers every task shares), the built-in `delay`, and
// `cpu_work` (computing on the workers).
#include <atomic>
#include <deque>
#include <exception>
#include <future>
#include <thread>

#include <fmt/format.h>

#include "bench_nodes.hpp"
#include "scenarios.hpp"
#include "sluice_side.hpp"

namespace bench {
namespace {

struct Neighbour {
    std::string name;      // the row's case: what the echo runs beside
    std::string provider;  // the busy node
    std::string config;    // its config (JSON object text)
};

// The echo's pacing: a send every k_gap, so the neighbour has time to take the workers.
constexpr auto k_gap = std::chrono::microseconds(200);

std::string one_node_pipeline(const Neighbour& n) {
    return fmt::format(
        R"({{"source": "in", "components": [
            {{"id": "in", "provider": "webhook", "config": {{"mode": "Source"}}}},
            {{"id": "busy", "provider": "{}", "config": {}, "input": [{{"lane": "text", "from": "in"}}]}},
            {{"id": "out", "provider": "response", "input": [{{"lane": "text", "from": "busy"}}]}}]}})",
        n.provider, n.config);
}

// Keeps `inflight` objects inside the neighbour's task until `stop`; then waits for them.
// Returns how many it sent.
std::size_t keep_busy(sluice::Engine& engine, const sluice::Token& token, std::size_t inflight,
                      const std::atomic<bool>& stop) {
    std::deque<std::future<sluice::Result>> pending;
    std::size_t sent = 0;
    // relaxed: a plain stop flag; the thread is joined after it is set.
    while (!stop.load(std::memory_order_relaxed)) {
        while (pending.size() < inflight) {
            pending.push_back(engine.send_async(token, "busy"));
            ++sent;
        }
        if (!pending.front().get().ok()) throw AccountingError("8_isolation: a busy object failed");
        pending.pop_front();
    }
    for (auto& f : pending)
        if (!f.get().ok()) throw AccountingError("8_isolation: a busy object failed");
    return sent;
}

// `n` paced sends to a fresh echo task, each awaited: the send -> result latency of each (us).
std::vector<double> echo_latencies(sluice::Engine& engine, std::size_t n, Counts& counts) {
    sluice::Token token = engine.use(echo_pipeline());
    std::vector<double> latencies;
    latencies.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto sent = Clock::now();
        if (!engine.send(token, "echo").ok()) throw AccountingError("8_isolation: an echo failed");
        latencies.push_back(seconds_since(sent) * 1e6);
        std::this_thread::sleep_for(k_gap);  // pacing the load, not synchronisation
    }
    finish_task(engine, token, n, "8_isolation echo", counts);
    return latencies;
}

// The echo's p50 and p99 with the neighbour busy throughout.
std::pair<double, double> beside(sluice::Engine& engine, const Neighbour& n, std::size_t echoes,
                                 unsigned cores, Counts& counts) {
    sluice::Token busy = engine.use(one_node_pipeline(n));
    std::atomic<bool> stop{false};
    std::size_t sent = 0;
    std::exception_ptr loader_failed, echo_failed;  // each written by one thread
    // More objects than workers (and than the pool's 4 threads): every one of them is taken.
    std::thread loader([&] {
        try {
            sent = keep_busy(engine, busy, 4 * cores + 4, stop);
        } catch (...) {
            loader_failed = std::current_exception();
        }
    });
    std::vector<double> l;
    try {
        l = echo_latencies(engine, echoes, counts);
    } catch (...) {
        echo_failed = std::current_exception();
    }
    stop.store(true, std::memory_order_relaxed);
    loader.join();
    if (loader_failed) std::rethrow_exception(loader_failed);
    if (echo_failed) std::rethrow_exception(echo_failed);
    finish_task(engine, busy, sent, "8_isolation " + n.name, counts);
    return {percentile(l, 50), percentile(l, 99)};
}

Row make_row(const std::string& name, const std::string& metric, int reps,
             const std::vector<double>& s, const std::vector<double>& b) {
    Row row{.scenario = "8_isolation", .name = name, .metric = metric, .unit = "us", .reps = reps};
    row.sluice = Stats::of(s);
    row.baseline = Stats::of(b);
    return row;
}

}  // namespace

void run_isolation(Context& ctx) {
    const std::size_t echoes = ctx.options.quick ? 300 : 1000;
    const int reps = ctx.options.reps;
    const std::vector<Neighbour> neighbours = {
        {"sleep_blocking", "bench_sleep_blocking", R"({"ms": 20})"},
        {"sleep_on_workers", "bench_sleep", R"({"ms": 20})"},
        // The built-in `delay`: like the first where it declares NodeInfo::blocking.
        {"delay", "delay", R"({"ms": 20})"},
        {"cpu_work", "cpu_work", R"({"iterations": 2000000})"},
    };
    for (const Neighbour& n : neighbours) {
        std::vector<double> p50[2], p99[2];  // [0] beside the neighbour, [1] alone
        Counts counts;
        alternate(
            reps,
            [&] {
                auto [a, b] = beside(ctx.engine, n, echoes, ctx.options.cores, counts);
                p50[0].push_back(a);
                p99[0].push_back(b);
                return 0.0;
            },
            [&] {
                std::vector<double> l = echo_latencies(ctx.engine, echoes, counts);
                p50[1].push_back(percentile(l, 50));
                p99[1].push_back(percentile(l, 99));
                return 0.0;
            });
        // The warm-up round's values are in the vectors too; drop them.
        for (auto* v : {&p50[0], &p50[1], &p99[0], &p99[1]}) v->erase(v->begin());
        const std::string& name = n.name;
        ctx.report(make_row(name, "p50_latency_vs_alone", reps, p50[0], p50[1]));
        Row p99_row = make_row(name, "p99_latency_vs_alone", reps, p99[0], p99[1]);
        p99_row.counts = counts;
        ctx.report(p99_row);
    }
}

}  // namespace bench
