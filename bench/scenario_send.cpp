// scenario_send.cpp — scenario 4: send_async of tiny objects through the echo pipeline from
// 1..N producer threads (objects/s, p50/p99 latency), against a hand-written two-node graph
// that fulfils one promise per item; then the latency of both at half the load sluice reached
// from one producer (the target's "p99 < 1 ms at half that load").
#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "baseline.hpp"
#include "bench_nodes.hpp"
#include "latency_log.hpp"
#include "scenarios.hpp"
#include "sluice_side.hpp"

namespace bench {
namespace {

const std::string k_text = "tiny object";

struct Measured {
    double items_per_s = 0, p50_us = 0, p99_us = 0;
};

// Paces sends at `rate` per second (0 = as fast as possible) from one producer.
template <typename Log, typename Send>
void produce(Log& log, std::size_t n, double rate, Send send) {
    const auto start = Clock::now();
    std::size_t sent = 0;
    while (sent < n) {
        std::size_t due = n;
        if (rate > 0) due = std::min(n, static_cast<std::size_t>(seconds_since(start) * rate) + 1);
        for (; sent < due; ++sent) {
            const auto t = Clock::now();
            log.push(t, send());
        }
        log.flush();
        // Pacing the load generator (not synchronisation): the next sends are not due yet.
        if (sent < n) std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
}

template <typename Future, typename Ok, typename Send>
Measured drive(unsigned producers, std::size_t n, double rate, Ok ok, Send send) {
    std::vector<std::unique_ptr<LatencyLog<Future>>> logs;
    for (unsigned p = 0; p < producers; ++p)
        logs.push_back(std::make_unique<LatencyLog<Future>>(n / producers, ok));
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (unsigned p = 0; p < producers; ++p)
        threads.emplace_back([&, p] { produce(*logs[p], n / producers, rate / producers, send); });
    for (auto& t : threads) t.join();
    std::vector<double> all;
    std::size_t failures = 0;
    for (auto& log : logs) {
        log->join();
        failures += log->failures();
        all.insert(all.end(), log->latencies_us().begin(), log->latencies_us().end());
    }
    const double seconds = seconds_since(start);
    if (failures) throw AccountingError(fmt::format("4_send: {} objects failed", failures));
    return {static_cast<double>(all.size()) / seconds, percentile(all, 50), percentile(all, 99)};
}

Measured sluice_send(sluice::Engine& engine, unsigned producers, std::size_t n, double rate,
                     Counts& counts) {
    sluice::Token token = engine.use(echo_pipeline());
    Measured m = drive<std::future<sluice::Result>>(
        producers, n, rate, [](std::future<sluice::Result>& f) { return f.get().ok(); },
        [&] { return engine.send_async(token, k_text); });
    finish_task(engine, token, n / producers * producers, "4_send", counts);
    return m;
}

Measured baseline_send(unsigned producers, std::size_t n, double rate) {
    tbb::flow::graph g;
    PassNode source(g, tbb::flow::unlimited, pass);
    SinkNode sink(g, tbb::flow::unlimited, [](const Msg& m) {
        fulfil(m);
        delete m.promise;
    });
    tbb::flow::make_edge(source, sink);
    // This thread waits inside the graph while producers put from theirs, so no item waits
    // for a worker to notice it (the idiomatic way to feed a graph from outside threads).
    g.reserve_wait();
    Measured m;
    std::thread driver([&] {
        m = drive<std::future<std::string>>(
            producers, n, rate, [](std::future<std::string>& f) { return !f.get().empty(); },
            [&] {
                auto* promise = new std::promise<std::string>;
                auto future = promise->get_future();
                source.try_put(Msg{std::make_shared<const std::string>(k_text), promise});
                return future;
            });
        g.release_wait();
    });
    g.wait_for_all();
    driver.join();
    return m;
}

Row make_row(const std::string& name, const std::string& metric, const std::string& unit, int reps,
             const std::vector<double>& s, const std::vector<double>& b) {
    Row row{.scenario = "4_send", .name = name, .metric = metric, .unit = unit, .reps = reps};
    row.sluice = Stats::of(s);
    row.baseline = Stats::of(b);
    return row;
}

}  // namespace

void run_send(Context& ctx) {
    const std::size_t n = ctx.options.quick ? 20'000 : 200'000;
    const int reps = ctx.options.reps;
    std::vector<unsigned> producer_counts = {1, 2};
    if (!ctx.options.quick) producer_counts.push_back(2 * ctx.options.cores);
    double sluice_one_producer = 0;
    for (unsigned producers : producer_counts) {
        std::vector<double> lat_s[2], lat_b[2];
        Counts counts;
        Paired p = alternate(
            reps,
            [&] {
                Measured m = sluice_send(ctx.engine, producers, n, 0, counts);
                lat_s[0].push_back(m.p50_us);
                lat_s[1].push_back(m.p99_us);
                return m.items_per_s;
            },
            [&] {
                Measured m = baseline_send(producers, n, 0);
                lat_b[0].push_back(m.p50_us);
                lat_b[1].push_back(m.p99_us);
                return m.items_per_s;
            });
        const std::string name = fmt::format("producers={}", producers);
        Row rate = make_row(name, "items_per_s", "1/s", reps, p.sluice, p.baseline);
        rate.target = {Target::On::ratio_at_least, 0.5, ">= 0.5x"};
        rate.counts = counts;
        ctx.report(rate);
        // The warm-up round's latencies are in the vectors too; drop them.
        for (auto* v : {&lat_s[0], &lat_s[1], &lat_b[0], &lat_b[1]}) v->erase(v->begin());
        ctx.report(make_row(name, "p50_latency", "us", reps, lat_s[0], lat_b[0]));
        ctx.report(make_row(name, "p99_latency", "us", reps, lat_s[1], lat_b[1]));
        if (producers == 1) sluice_one_producer = rate.sluice.median;
    }

    // Half the rate sluice reached from one producer, paced, for about a second (a third in
    // --quick): the latency an object sees when the engine is not saturated. Both sides get
    // the same rate.
    const double rate = sluice_one_producer / 2;
    const std::size_t paced = std::max<std::size_t>(
        1000, static_cast<std::size_t>(rate * (ctx.options.quick ? 0.3 : 1.0)));
    std::vector<double> p50_s, p99_s, p50_b, p99_b;
    Counts counts;
    alternate(
        reps,
        [&] {
            Measured m = sluice_send(ctx.engine, 1, paced, rate, counts);
            p50_s.push_back(m.p50_us);
            p99_s.push_back(m.p99_us);
            return 0.0;
        },
        [&] {
            Measured m = baseline_send(1, paced, rate);
            p50_b.push_back(m.p50_us);
            p99_b.push_back(m.p99_us);
            return 0.0;
        });
    for (auto* v : {&p50_s, &p99_s, &p50_b, &p99_b}) v->erase(v->begin());
    const std::string name = fmt::format("half_load={:.0f}/s", rate);
    ctx.report(make_row(name, "p50_latency", "us", reps, p50_s, p50_b));
    Row p99 = make_row(name, "p99_latency", "us", reps, p99_s, p99_b);
    p99.target = {Target::On::sluice_at_most, 1000, "< 1000 us"};
    p99.counts = counts;
    ctx.report(p99);
}

}  // namespace bench
