// per_object.cpp — a driver for instruction counts per object under callgrind: scenario 1's
// chain (webhook -> 4 x bench_copy -> response) against the same hand-written oneTBB chain,
// with only the send-and-wait loop dumped (part 1 of the output, every thread):
//   valgrind --tool=callgrind build/release/bench/sluice-per-object chain 20000
// then divide the totals of callgrind.out.<pid>.1 by the item count (bench/probe/per_object.sh does
// it). Without valgrind it runs the same loop and prints the wall time (meaningless on a loaded
// box).
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>
#include <valgrind/callgrind.h>

#include <sluice/sluice.hpp>

#include "../baseline.hpp"
#include "../bench_nodes.hpp"
#include "../harness.hpp"
#include "../work.hpp"

namespace {

constexpr int k_chain = 4;

// Collects (under callgrind) exactly what `loop` does.
template <class F>
double measured(F&& loop) {
    const auto start = bench::Clock::now();
    CALLGRIND_ZERO_STATS;  // every thread's counts: the workers' share is most of an object
    loop();
    CALLGRIND_DUMP_STATS_AT("measured");
    return bench::seconds_since(start);
}

enum class Send { future, callback, batch };

double run_sluice(const std::string& pipeline, std::size_t n, Send how) {
    sluice::EngineOptions options;
    options.worker_threads = 2;
    sluice::Engine engine(options);
    sluice::Token token = engine.use(pipeline);
    const std::string text = bench::text_64();
    // The warm-up: the first objects pay for thread-local caches and lazily made pools.
    for (int i = 0; i < 100; ++i) engine.send(token, text);
    const double seconds = measured([&] {
        if (how == Send::batch) {
            std::vector<sluice::Payload> data;
            data.reserve(n);
            for (std::size_t i = 0; i < n; ++i)
                data.push_back(std::make_shared<const std::string>(text));
            std::atomic<std::size_t> done{0};
            if (engine.send_batch(token, data, "text/plain", [&done](std::size_t, sluice::Result) {
                    done.fetch_add(1, std::memory_order_release);
                    done.notify_one();
                }) != n)
                std::abort();
            for (std::size_t seen = done.load(std::memory_order_acquire); seen != n;
                 seen = done.load(std::memory_order_acquire))
                done.wait(seen, std::memory_order_acquire);
        } else if (how == Send::callback) {
            std::atomic<std::size_t> done{0};
            for (std::size_t i = 0; i < n; ++i)
                engine.send_async(token, std::make_shared<const std::string>(text), "text/plain",
                                  {}, [&done](sluice::Result) {
                                      done.fetch_add(1, std::memory_order_release);
                                      done.notify_one();
                                  });
            for (std::size_t seen = done.load(std::memory_order_acquire); seen != n;
                 seen = done.load(std::memory_order_acquire))
                done.wait(seen, std::memory_order_acquire);
        } else {
            std::vector<std::future<sluice::Result>> results;
            results.reserve(n);
            for (std::size_t i = 0; i < n; ++i) results.push_back(engine.send_async(token, text));
            for (auto& r : results)
                if (!r.get().ok()) std::abort();
        }
    });
    sluice::TaskStatus s = engine.terminate(token).get();
    if (s.accepted != n + 100 || s.completed != n + 100) {
        std::fprintf(stderr, "accounting: accepted %llu completed %llu\n",
                     static_cast<unsigned long long>(s.accepted),
                     static_cast<unsigned long long>(s.completed));
        std::exit(1);
    }
    return seconds;
}

// Scenario 4's shape at max_inflight: `producers` threads share one task of max_inflight 8,
// each making n / producers callback sends, so senders wait for capacity and completions wake
// them.
double run_producers(const std::string& pipeline, std::size_t n, unsigned producers) {
    sluice::EngineOptions options;
    options.worker_threads = 2;
    sluice::Engine engine(options);
    sluice::Token token = engine.use(pipeline, sluice::UseOptions{.max_inflight = 8});
    const std::string text = bench::text_64();
    for (int i = 0; i < 100; ++i) engine.send(token, text);
    const std::size_t each = n / producers;
    const double seconds = measured([&] {
        std::atomic<std::size_t> done{0};
        std::vector<std::thread> threads;
        for (unsigned p = 0; p < producers; ++p)
            threads.emplace_back([&] {
                for (std::size_t i = 0; i < each; ++i)
                    engine.send_async(token, std::make_shared<const std::string>(text),
                                      "text/plain", {}, [&done](sluice::Result) {
                                          done.fetch_add(1, std::memory_order_release);
                                          done.notify_one();
                                      });
            });
        for (auto& t : threads) t.join();
        for (std::size_t seen = done.load(std::memory_order_acquire); seen != each * producers;
             seen = done.load(std::memory_order_acquire))
            done.wait(seen, std::memory_order_acquire);
    });
    sluice::TaskStatus s = engine.terminate(token).get();
    if (s.completed != each * producers + 100) std::exit(1);
    return seconds;
}

double run_baseline(std::size_t n) {
    using namespace bench;
    tbb::global_control workers(tbb::global_control::max_allowed_parallelism, 3);
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
    const std::string text = text_64();
    return measured([&] {
        Answers answers(n);
        for (std::size_t i = 0; i < n; ++i)
            source.try_put(Msg{std::make_shared<const std::string>(text), answers.next()});
        g.wait_for_all();
        answers.wait_all();
    });
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(
            stderr,
            "usage: %s chain|chain-callback|chain-batch|chain-4-producers|echo|baseline N\n",
            argv[0]);
        return 2;
    }
    const std::string what = argv[1];
    const std::size_t n = std::stoul(argv[2]);
    bench::register_bench_nodes();
    const std::string chain =
        bench::chain_pipeline(std::vector<std::string>(k_chain, "bench_copy"));
    double seconds = 0;
    if (what == "chain")
        seconds = run_sluice(chain, n, Send::future);
    else if (what == "chain-callback")
        seconds = run_sluice(chain, n, Send::callback);
    else if (what == "chain-batch")
        seconds = run_sluice(chain, n, Send::batch);
    else if (what == "chain-4-producers")
        seconds = run_producers(chain, n, 4);
    else if (what == "echo")
        seconds = run_sluice(bench::echo_pipeline(), n, Send::future);
    else if (what == "baseline")
        seconds = run_baseline(n);
    else {
        std::fprintf(stderr,
                     "unknown run \"%s\"; use chain, chain-callback, chain-batch, "
                     "chain-4-producers, echo or baseline\n",
                     argv[1]);
        return 2;
    }
    fmt::print("{} n={}: {:.0f} ns per object\n", what, n, seconds * 1e9 / n);
    return 0;
}
