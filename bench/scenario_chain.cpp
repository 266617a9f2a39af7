// scenario_chain.cpp — scenario 1: a chain of 4 trivial nodes, each copying a 64-byte text.
// The per-item cost of the engine against the same chain of function_nodes written by hand.
#include <fmt/format.h>

#include "baseline.hpp"
#include "bench_nodes.hpp"
#include "scenarios.hpp"
#include "sluice_side.hpp"
#include "work.hpp"

namespace bench {
namespace {

constexpr int k_chain = 4;

// source -> 4 x copy -> sink: the shape sluice builds for webhook -> 4 x bench_copy -> response.
double baseline_chain(std::size_t n, const std::string& text, double* put_seconds) {
    tbb::flow::graph g;
    PassNode source(g, tbb::flow::unlimited, pass);
    std::vector<std::unique_ptr<PassNode>> copies;
    for (int i = 0; i < k_chain; ++i)
        copies.push_back(std::make_unique<PassNode>(g, tbb::flow::unlimited, [](const Msg& m) {
            return Msg{std::make_shared<const std::string>(copy_text(*m.payload)), m.promise};
        }));
    SinkNode sink(g, tbb::flow::unlimited, [](const Msg& m) { fulfil(m); });
    tbb::flow::make_edge(source, *copies.front());
    for (int i = 0; i + 1 < k_chain; ++i) tbb::flow::make_edge(*copies[i], *copies[i + 1]);
    tbb::flow::make_edge(*copies.back(), sink);

    const auto start = Clock::now();
    Answers answers(n);
    for (std::size_t i = 0; i < n; ++i)
        source.try_put(Msg{std::make_shared<const std::string>(text), answers.next()});
    *put_seconds = seconds_since(start);
    g.wait_for_all();
    answers.wait_all();
    return seconds_since(start);
}

}  // namespace

void run_chain(Context& ctx) {
    const std::size_t n = ctx.options.quick ? 20'000 : 200'000;
    const std::string text = text_64();
    const std::string pipeline = chain_pipeline(std::vector<std::string>(k_chain, "bench_copy"));
    Row row{.scenario = "1_chain",
            .name = fmt::format("n={}", n),
            .metric = "time_per_item",
            .unit = "ns"};
    // Also the producer's share: the send_async calls alone against the try_put calls alone,
    // since one thread feeds each side and its per-object cost bounds the rate.
    std::vector<double> send_s, put_b;
    Paired p = alternate(
        ctx.options.reps,
        [&] {
            sluice::Token token = ctx.engine.use(pipeline);
            double sent = 0;
            double s = send_and_wait(ctx.engine, token, n, text, &sent);
            finish_task(ctx.engine, token, n, "1_chain", row.counts);
            send_s.push_back(sent * 1e9 / n);
            return s * 1e9 / n;
        },
        [&] {
            double put = 0;
            double s = baseline_chain(n, text, &put);
            put_b.push_back(put * 1e9 / n);
            return s * 1e9 / n;
        });
    row.reps = ctx.options.reps;
    row.sluice = Stats::of(p.sluice);
    row.baseline = Stats::of(p.baseline);
    row.target = {Target::On::ratio_at_most, 1.15, "<= 1.15x"};
    ctx.report(row);
    send_s.erase(send_s.begin());  // the warm-up round
    put_b.erase(put_b.begin());
    Row feed{.scenario = "1_chain",
             .name = fmt::format("n={}", n),
             .metric = "send_call_per_item",
             .unit = "ns",
             .reps = ctx.options.reps};
    feed.sluice = Stats::of(send_s);
    feed.baseline = Stats::of(put_b);
    ctx.report(feed);
}

}  // namespace bench
