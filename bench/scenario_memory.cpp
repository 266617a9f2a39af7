// scenario_memory.cpp — scenario 6: peak RSS per idle task (1,000 tasks of the echo pipeline)
// and per object in flight (100,000 held at a valve), each measured in a fresh child process
// (`sluice-bench --probe NAME COUNT`) so one measurement's freed memory cannot hide the next.
// The baselines hold the same things by hand: a task_arena + graph + two nodes per idle task,
// and per item its payload and promise queued in a function_node.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include "baseline.hpp"
#include "bench_nodes.hpp"
#include "scenarios.hpp"
#include "work.hpp"

namespace bench {
namespace {

// Resets the kernel's peak-RSS mark to the current RSS (Linux >= 4.0); false when refused.
bool reset_peak_rss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    return static_cast<bool>(out.flush());
}

// VmHWM (peak) or VmRSS (current) from /proc/self/status, in bytes.
double status_bytes(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) * 1024;
    return 0;
}

// Runs `make` (which builds `count` things and keeps them) and prints the peak RSS growth per
// thing, then leaves without tearing down (teardown is not what is measured).
template <typename Setup, typename Make>
int probe(std::size_t count, Setup setup, Make make) {
    setup();
    const double before = status_bytes("VmRSS");
    const bool peak = reset_peak_rss();
    make();
    const double after = peak ? status_bytes("VmHWM") : status_bytes("VmRSS");
    std::printf("%.1f\n", (after - before) / static_cast<double>(count));
    std::fflush(stdout);
    return 0;
}

int idle_task_probe(std::size_t count) {
    sluice::Engine engine;
    std::vector<sluice::Token> tokens;
    tokens.reserve(count + 1);
    const std::string pipeline = echo_pipeline();
    return probe(
        count,
        [&] {  // one task first: worker threads and the registry exist before the clock
            tokens.push_back(engine.use(pipeline));
            engine.send(tokens.back(), "warm");
        },
        [&] {
            for (std::size_t i = 0; i < count; ++i) tokens.push_back(engine.use(pipeline));
        });
}

struct IdleGraph {
    tbb::task_arena arena{static_cast<int>(std::thread::hardware_concurrency()) + 1, 1};
    std::unique_ptr<tbb::flow::graph> graph;
    std::unique_ptr<PassNode> source;
    std::unique_ptr<SinkNode> sink;
    IdleGraph() {
        arena.execute([&] {
            graph = std::make_unique<tbb::flow::graph>();
            source = std::make_unique<PassNode>(*graph, tbb::flow::unlimited, pass);
            sink = std::make_unique<SinkNode>(*graph, tbb::flow::unlimited, fulfil);
            tbb::flow::make_edge(*source, *sink);
        });
    }
};

int idle_graph_probe(std::size_t count) {
    // The worker budget sluice's Engine sets, so both sides get the same arenas.
    tbb::global_control budget(tbb::global_control::max_allowed_parallelism,
                               std::thread::hardware_concurrency() + 1);
    std::vector<std::unique_ptr<IdleGraph>> graphs;
    graphs.reserve(count + 1);
    return probe(
        count, [&] { graphs.push_back(std::make_unique<IdleGraph>()); },
        [&] {
            for (std::size_t i = 0; i < count; ++i) graphs.push_back(std::make_unique<IdleGraph>());
        });
}

int inflight_object_probe(std::size_t count) {
    register_bench_nodes();
    sluice::Engine engine;
    sluice::Token token = engine.use(chain_pipeline({"bench_valve"}), {.max_inflight = count + 1});
    std::vector<std::future<sluice::Result>> results;
    results.reserve(count + 1);
    const std::string text = text_64();
    int rc = probe(
        count, [&] { results.push_back(engine.send_async(token, text)); },
        [&] {
            valve().close();
            for (std::size_t i = 0; i < count; ++i)
                results.push_back(engine.send_async(token, text));
        });
    valve().open();
    sluice::TaskStatus final_status = engine.terminate(token).get();
    if (final_status.accepted != count + 1 ||
        final_status.accepted != final_status.completed + final_status.failed) {
        std::fprintf(stderr, "probe: accepted %llu, completed %llu, failed %llu\n",
                     static_cast<unsigned long long>(final_status.accepted),
                     static_cast<unsigned long long>(final_status.completed),
                     static_cast<unsigned long long>(final_status.failed));
        return 1;
    }
    std::fflush(stdout);
    std::_Exit(rc);
}

int inflight_item_probe(std::size_t count) {
    tbb::flow::graph g;
    PassNode held(g, tbb::flow::serial, [](const Msg& m) {
        valve().pass();
        return m;
    });
    SinkNode sink(g, tbb::flow::unlimited, fulfil);
    tbb::flow::make_edge(held, sink);
    const std::string text = text_64();
    std::unique_ptr<Answers> answers;
    Answers warm(1);
    int rc = probe(
        count,
        [&] {  // one item first, so the workers exist before the clock
            held.try_put(Msg{std::make_shared<const std::string>(text), warm.next()});
            g.wait_for_all();
        },
        [&] {
            valve().close();
            answers = std::make_unique<Answers>(count);
            for (std::size_t i = 0; i < count; ++i)
                held.try_put(Msg{std::make_shared<const std::string>(text), answers->next()});
        });
    valve().open();
    g.wait_for_all();
    std::_Exit(rc);
}

// Runs one probe in a child process and reads the bytes it prints.
double run_probe(const std::string& self, const std::string& name, std::size_t count) {
    std::string command = fmt::format("'{}' --probe {} {}", self, name, count);
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot start " + command);
    char line[128] = {};
    const bool got = std::fgets(line, sizeof line, pipe) != nullptr;
    const int status = pclose(pipe);
    if (!got || status != 0)
        throw AccountingError(
            fmt::format("memory probe failed (exit status {}): {}", status, command));
    return std::stod(line);
}

}  // namespace

int run_memory_probe(const std::string& name, std::size_t count) {
    if (name == "idle_task") return idle_task_probe(count);
    if (name == "idle_graph") return idle_graph_probe(count);
    if (name == "inflight_object") return inflight_object_probe(count);
    if (name == "inflight_item") return inflight_item_probe(count);
    std::fprintf(stderr, "unknown probe %s\n", name.c_str());
    return 2;
}

void run_memory(Context& ctx) {
    const int reps = ctx.options.quick ? 1 : 3;
    const std::string& self = ctx.options.self_path;
    const std::size_t tasks = ctx.options.quick ? 200 : 1'000;
    const std::size_t objects = ctx.options.quick ? 20'000 : 100'000;
    struct Case {
        std::string name, metric, sluice_probe, baseline_probe;
        std::size_t count;
        Target target;
    };
    const Case cases[] = {
        {fmt::format("tasks={}", tasks),
         "rss_per_idle_task",
         "idle_task",
         "idle_graph",
         tasks,
         {Target::On::sluice_at_most, 65536, "<= 64 KiB"}},
        {fmt::format("objects={}", objects),
         "rss_per_inflight_object",
         "inflight_object",
         "inflight_item",
         objects,
         {}},
    };
    for (const Case& c : cases) {
        Row row{.scenario = "6_memory", .name = c.name, .metric = c.metric, .unit = "B"};
        std::vector<double> s, b;
        for (int i = 0; i < reps; ++i) {
            s.push_back(run_probe(self, c.sluice_probe, c.count));
            b.push_back(run_probe(self, c.baseline_probe, c.count));
        }
        row.reps = reps;
        row.sluice = Stats::of(s);
        row.baseline = Stats::of(b);
        row.target = c.target;
        ctx.report(row);
        if (c.sluice_probe == "inflight_object") {
            // What sluice holds per object beyond what the hand-written graph holds for the same
            // payload and promise: the engine's own overhead.
            Row over{.scenario = "6_memory",
                     .name = c.name,
                     .metric = "engine_overhead_per_object",
                     .unit = "B",
                     .reps = reps};
            std::vector<double> diff;
            for (int i = 0; i < reps; ++i) diff.push_back(s[i] - b[i]);
            over.sluice = Stats::of(diff);
            over.has_baseline = false;
            over.target = {Target::On::sluice_at_most, 512, "<= 512 B"};
            ctx.report(over);
        }
    }
}

}  // namespace bench
