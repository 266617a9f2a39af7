// scenario_cpu_scaling.cpp — scenario 3: one CPU-heavy node (~20 us per item) and how
// items/s scale with the task's threads, 1 .. cores. The baseline runs the same graph in a
// task_arena of that many threads.
#include <fmt/format.h>
#include <oneapi/tbb/task_arena.h>

#include "baseline.hpp"
#include "bench_nodes.hpp"
#include "scenarios.hpp"
#include "sluice_side.hpp"
#include "work.hpp"

namespace bench {
namespace {

constexpr double k_micros = 20;

double baseline_cpu(std::size_t n, unsigned threads, const std::string& text) {
    tbb::task_arena arena(static_cast<int>(threads));
    double seconds = 0;
    arena.execute([&] {
        tbb::flow::graph g;
        PassNode source(g, tbb::flow::unlimited, pass);
        PassNode cpu(g, tbb::flow::unlimited, [](const Msg& m) {
            volatile std::uint64_t sink = cpu_work(k_micros);
            (void)sink;
            return m;
        });
        SinkNode sink(g, tbb::flow::unlimited, [](const Msg& m) { fulfil(m); });
        tbb::flow::make_edge(source, cpu);
        tbb::flow::make_edge(cpu, sink);
        const auto start = Clock::now();
        Answers answers(n);
        for (std::size_t i = 0; i < n; ++i)
            source.try_put(Msg{std::make_shared<const std::string>(text), answers.next()});
        g.wait_for_all();
        answers.wait_all();
        seconds = seconds_since(start);
    });
    return seconds;
}

}  // namespace

void run_cpu_scaling(Context& ctx) {
    const std::size_t n = ctx.options.quick ? 1'000 : 10'000;
    const std::string text = "cpu";
    const std::string pipeline =
        chain_pipeline({"bench_cpu"}, fmt::format(R"({{"micros": {}}})", k_micros));
    for (unsigned threads = 1; threads <= ctx.options.cores; ++threads) {
        Row row{.scenario = "3_cpu",
                .name = fmt::format("threads={}", threads),
                .metric = "items_per_s",
                .unit = "1/s"};
        Paired p = alternate(
            ctx.options.reps,
            [&] {
                sluice::Token token = ctx.engine.use(pipeline, {.threads = threads});
                double s = send_and_wait(ctx.engine, token, n, text);
                finish_task(ctx.engine, token, n, "3_cpu", row.counts);
                return n / s;
            },
            [&] { return n / baseline_cpu(n, threads, text); });
        row.reps = ctx.options.reps;
        row.sluice = Stats::of(p.sluice);
        row.baseline = Stats::of(p.baseline);
        ctx.report(row);
    }
}

}  // namespace bench
