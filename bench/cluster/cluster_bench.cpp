// cluster_bench.cpp — one point of the cluster benchmark (bench/cluster/run.sh starts nats-server
// and the workers): N objects through a pipeline by ClusterEngine, and the same N through an
// in-process Engine in the same run, each with a window of W objects in flight. Prints one CSV
// row: mode, workers, objects, seconds, objects/s, p50 ms, p99 ms, failed.
//   usage: sluice-cluster-bench URL PIPELINE.pipe OBJECTS WINDOW WORKERS [local|cluster]
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sluice/cluster.hpp>
#include <sluice/sluice.hpp>

namespace {

using Clock = std::chrono::steady_clock;

struct Point {
    double seconds = 0;
    std::vector<double> latencies_ms;
    std::size_t failed = 0;
};

// Keeps `window` objects in flight through `send(i, done)`; done(ok) must be called once each.
template <typename Send>
Point drive(std::size_t objects, std::size_t window, Send send) {
    Point point;
    point.latencies_ms.resize(objects);
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t in_flight = 0, finished = 0;
    const auto start = Clock::now();
    for (std::size_t i = 0; i < objects; ++i) {
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return in_flight < window; });
            ++in_flight;
        }
        const auto sent = Clock::now();
        send(i, [&, i, sent](bool ok) {
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
            std::lock_guard lock(mutex);
            point.latencies_ms[i] = ms;
            point.failed += !ok;
            --in_flight;
            ++finished;
            changed.notify_all();
        });
    }
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return finished == objects; });
    point.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return point;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

std::string read_file(const char* path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) throw std::runtime_error(fmt::format("cannot read {}", path));
    return text.str();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fputs("usage: sluice-cluster-bench URL PIPELINE OBJECTS WINDOW WORKERS [local|cluster]\n",
                   stderr);
        return 2;
    }
    try {
        const std::string url = argv[1], pipeline = read_file(argv[2]);
        const std::size_t objects = std::stoul(argv[3]), window = std::stoul(argv[4]);
        const std::string workers = argv[5], mode = argc > 6 ? argv[6] : "cluster";
        std::vector<std::string> texts;
        for (std::size_t i = 0; i < 64; ++i) texts.push_back(fmt::format("object {} {}", i, std::string(100, 'x')));
        Point point;
        if (mode == "local") {
            sluice::Engine engine;
            const sluice::Token token = engine.use(pipeline);
            point = drive(objects, window, [&](std::size_t i, auto done) {
                engine.send_async(token, std::make_shared<const std::string>(texts[i % 64]),
                                  "text/plain", {}, [done](sluice::Result r) { done(r.ok()); });
            });
            engine.terminate(token).get();
        } else {
            sluice::ClusterEngine engine({.nats_urls = url, .client_name = "cluster-bench"});
            const sluice::Token token = engine.use(pipeline);
            point = drive(objects, window, [&](std::size_t i, auto done) {
                engine.send_async(token, texts[i % 64], "text/plain", {},
                                  [done](sluice::Result r) { done(r.ok()); });
            });
            const sluice::TaskStatus final_status = engine.terminate(token).get();
            if (final_status.accepted != final_status.completed + final_status.failed ||
                final_status.accepted != objects)
                throw std::runtime_error(fmt::format("counts: accepted {} completed {} failed {}",
                                                     final_status.accepted, final_status.completed,
                                                     final_status.failed));
        }
        fmt::print("{},{},{},{:.3f},{:.0f},{:.3f},{:.3f},{}\n", mode, workers, objects,
                   point.seconds, static_cast<double>(objects) / point.seconds,
                   percentile(point.latencies_ms, 0.50), percentile(point.latencies_ms, 0.99),
                   point.failed);
        return point.failed == 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sluice-cluster-bench: %s\n", e.what());
        return 2;
    }
}
