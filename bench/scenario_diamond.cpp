// scenario_diamond.cpp — scenario 2: fan-out to 3 copy branches and fan-in to one sink that
// answers once all three branches reached it (sluice's object context, written by hand).
#include <atomic>
#include <mutex>

#include <fmt/format.h>

#include "baseline.hpp"
#include "bench_nodes.hpp"
#include "scenarios.hpp"
#include "sluice_side.hpp"
#include "work.hpp"

namespace bench {
namespace {

// The hand-written object context: what the three branches collect, answered by the last one.
struct Joined {
    std::promise<std::string>* promise;
    std::atomic<int> remaining{3};
    std::mutex mutex;
    std::string result;
};

struct Branch {
    std::shared_ptr<Joined> object;
    Payload payload;
};

using BranchNode = tbb::flow::function_node<Branch, Branch>;

double baseline_diamond(std::size_t n, const std::string& text) {
    tbb::flow::graph g;
    BranchNode source(g, tbb::flow::unlimited, [](const Branch& b) { return b; });
    auto copy = [](const Branch& b) {
        return Branch{b.object, std::make_shared<const std::string>(copy_text(*b.payload))};
    };
    BranchNode a(g, tbb::flow::unlimited, copy), b(g, tbb::flow::unlimited, copy),
        c(g, tbb::flow::unlimited, copy);
    tbb::flow::function_node<Branch> sink(g, tbb::flow::unlimited, [](const Branch& in) {
        Joined& o = *in.object;
        {
            std::lock_guard lock(o.mutex);
            o.result.append(*in.payload);
            o.result.append("\n\n");
        }
        if (o.remaining.fetch_sub(1, std::memory_order_acq_rel) == 1)
            o.promise->set_value(std::move(o.result));
    });
    for (BranchNode* branch : {&a, &b, &c}) {
        tbb::flow::make_edge(source, *branch);
        tbb::flow::make_edge(*branch, sink);
    }

    const auto start = Clock::now();
    Answers answers(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto object = std::make_shared<Joined>();
        object->promise = answers.next();
        source.try_put(Branch{std::move(object), std::make_shared<const std::string>(text)});
    }
    g.wait_for_all();
    answers.wait_all();
    return seconds_since(start);
}

}  // namespace

void run_diamond(Context& ctx) {
    const std::size_t n = ctx.options.quick ? 20'000 : 200'000;
    const std::string text = text_64();
    const std::string pipeline = diamond_pipeline();
    Row row{.scenario = "2_diamond",
            .name = fmt::format("n={}", n),
            .metric = "time_per_item",
            .unit = "ns"};
    Paired p = alternate(
        ctx.options.reps,
        [&] {
            sluice::Token token = ctx.engine.use(pipeline);
            double s = send_and_wait(ctx.engine, token, n, text);
            finish_task(ctx.engine, token, n, "2_diamond", row.counts);
            return s * 1e9 / n;
        },
        [&] { return baseline_diamond(n, text) * 1e9 / n; });
    row.reps = ctx.options.reps;
    row.sluice = Stats::of(p.sluice);
    row.baseline = Stats::of(p.baseline);
    ctx.report(row);
}

}  // namespace bench
