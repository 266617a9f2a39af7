// scenario_terminate.cpp — scenario 5: terminate with K objects in flight. Objects are held at
// a valve so exactly K are inside when the clock starts; then the valve opens and the time
// until the drain future is ready is set against the time the same K items need in a
// hand-written graph of the same shape (valve -> ~2 us of work -> sink). Every run checks
// accepted == completed + failed == K.
#include <fmt/format.h>
#include <oneapi/tbb/task_arena.h>

#include "baseline.hpp"
#include "bench_nodes.hpp"
#include "scenarios.hpp"
#include "sluice_side.hpp"
#include "work.hpp"

namespace bench {
namespace {

constexpr double k_micros = 2;

double sluice_drain(sluice::Engine& engine, const std::string& pipeline, std::size_t k,
                    unsigned threads, Counts& counts) {
    valve().close();
    sluice::Token token = engine.use(pipeline, {.threads = threads, .max_inflight = k});
    std::vector<std::future<sluice::Result>> results;
    results.reserve(k);
    for (std::size_t i = 0; i < k; ++i) results.push_back(engine.send_async(token, "drain"));
    const auto start = Clock::now();
    std::shared_future<sluice::TaskStatus> done = engine.terminate(token);
    valve().open();
    const sluice::TaskStatus& final_status = done.get();
    const double seconds = seconds_since(start);
    check_accounting(final_status, k, fmt::format("5_terminate K={}", k));
    if (final_status.failed != 0)
        throw AccountingError(fmt::format("5_terminate K={}: {} objects failed in the drain", k,
                                          final_status.failed));
    for (auto& r : results)
        if (r.wait_for(std::chrono::seconds(0)) != std::future_status::ready || !r.get().ok())
            throw AccountingError(
                fmt::format("5_terminate K={}: a result was not ready when the task died", k));
    counts.add(final_status);
    return seconds;
}

// The same shape with the sluice task's threads: `threads` workers plus the thread that waits.
double baseline_drain(std::size_t k, unsigned threads) {
    tbb::task_arena arena(static_cast<int>(threads) + 1, 1);
    double seconds = 0;
    valve().close();
    arena.execute([&] {
        tbb::flow::graph g;
        PassNode source(g, tbb::flow::unlimited, pass);
        PassNode held(g, tbb::flow::serial, [](const Msg& m) {
            valve().pass();
            return m;
        });
        PassNode cpu(g, tbb::flow::unlimited, [](const Msg& m) {
            volatile std::uint64_t sink = cpu_work(k_micros);
            (void)sink;
            return m;
        });
        SinkNode sink(g, tbb::flow::unlimited, [](const Msg& m) { fulfil(m); });
        tbb::flow::make_edge(source, held);
        tbb::flow::make_edge(held, cpu);
        tbb::flow::make_edge(cpu, sink);
        Answers answers(k);
        for (std::size_t i = 0; i < k; ++i)
            source.try_put(Msg{std::make_shared<const std::string>("drain"), answers.next()});
        const auto start = Clock::now();
        valve().open();
        g.wait_for_all();
        answers.wait_all();
        seconds = seconds_since(start);
    });
    return seconds;
}

}  // namespace

void run_terminate(Context& ctx) {
    std::vector<std::size_t> ks = {1'000, 10'000};
    if (!ctx.options.quick) ks.push_back(100'000);
    const unsigned threads = ctx.options.cores;
    const std::string pipeline =
        chain_pipeline({"bench_valve", "bench_cpu"}, fmt::format(R"({{"micros": {}}})", k_micros));
    for (std::size_t k : ks) {
        Row row{.scenario = "5_terminate",
                .name = fmt::format("K={}", k),
                .metric = "drain_time",
                .unit = "ms"};
        Paired p = alternate(
            ctx.options.reps,
            [&] { return 1e3 * sluice_drain(ctx.engine, pipeline, k, threads, row.counts); },
            [&] { return 1e3 * baseline_drain(k, threads); });
        row.reps = ctx.options.reps;
        row.sluice = Stats::of(p.sluice);
        row.baseline = Stats::of(p.baseline);
        row.target = {Target::On::ratio_at_most, 1.2, "<= 1.2x"};
        ctx.report(row);
    }
}

}  // namespace bench
