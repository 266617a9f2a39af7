// bench_command.cpp — `sluice bench`: checks everything it was given (exit 2 before any run),
// loads the inputs once, runs every point (per thread count, each run of each pipeline in
// turn, so --compare's runs alternate), then prints the table and writes --csv/--json/--plot.
// A first Ctrl-C/SIGTERM stops the run in progress; what was measured so far is reported.
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <sluice/errors.hpp>

#include "bench_driver.hpp"
#include "bench_inputs.hpp"
#include "bench_options.hpp"
#include "bench_plot.hpp"
#include "bench_report.hpp"
#include "commands.hpp"
#include "inputs.hpp"
#include "interrupt.hpp"
#include "messages.hpp"
#include "pipeline_file.hpp"
#include "progress.hpp"
#include "signals.hpp"

namespace sluice::cli {
namespace {

struct Bench {
    BenchOptions options;
    std::vector<PipelineSpec> specs;  // the pipeline, then --compare's
    std::vector<std::string> names;   // their base names (made distinct)
    std::vector<BenchInput> inputs;
    BenchSetup setup;
};

// An output file opened before any run, so a bad path costs no measuring time.
struct OutputFile {
    std::string path;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{nullptr, &std::fclose};

    void open(const std::string& option, const std::string& where) {
        path = where;
        file.reset(std::fopen(where.c_str(), "w"));
        if (!file)
            throw UsageError(
                fmt::format("{} {}: cannot write: {}", option, where, std::strerror(errno)));
    }
    // false (after saying so) when the write failed.
    bool write(const std::string& option, const std::string& text) {
        if (!file) return true;
        bool ok = std::fwrite(text.data(), 1, text.size(), file.get()) == text.size();
        ok &= std::fclose(file.release()) == 0;
        if (!ok)
            print_error(
                fmt::format("{} {}: writing failed: {}", option, path, std::strerror(errno)));
        return ok;
    }
};

std::string threads_text(unsigned threads) {
    return fmt::format("{} thread{}", threads, threads == 1 ? "" : "s");
}

std::string pipeline_name(const std::string& path) {
    std::string name = base_name(path);
    if (name.size() > 5 && name.ends_with(".pipe")) name.resize(name.size() - 5);
    return name;
}

BenchSetup make_setup(const Bench& bench) {
    const BenchOptions& o = bench.options;
    BenchSetup setup;
    setup.pipelines = bench.names;
    setup.inputs = bench.inputs.size();
    for (const BenchInput& input : bench.inputs) setup.input_bytes += input.data->size();
    setup.reps = o.reps;
    setup.loop = o.rate > 0 ? fmt::format("open loop at {:g} objects/s, at most {} in flight",
                                          o.rate, o.max_inflight)
                            : fmt::format("closed loop, {} in flight", o.max_inflight);
    const double warmup = std::chrono::duration<double>(o.warmup).count();
    setup.bound = o.objects > 0
                      ? fmt::format("{} objects per run after {:g} s warm-up", o.objects, warmup)
                      : fmt::format("{:g} s per run after {:g} s warm-up",
                                    std::chrono::duration<double>(o.duration).count(), warmup);
    setup.points_planned = o.threads.size() * bench.specs.size();
    return setup;
}

// The label of the progress line: which point and run is measured now.
class Now {
public:
    void set(std::string text) {
        std::lock_guard lock(mutex_);
        text_ = std::move(text);
    }
    std::string get() {
        std::lock_guard lock(mutex_);
        return text_;
    }

private:
    std::mutex mutex_;
    std::string text_;
};

// Runs every point; stops early on a signal. Throws InvalidPipeline (with the file's index).
std::vector<PointResult> run_points(const Bench& bench, const Interrupt& stop, Now& now,
                                    std::atomic<std::uint64_t>& done, std::size_t& failing) {
    const BenchOptions& o = bench.options;
    std::vector<PointResult> points;
    for (unsigned threads : o.threads) {
        const std::size_t first = points.size();
        for (const std::string& name : bench.names) points.push_back({name, threads, {}});
        for (unsigned rep = 0; rep < o.reps && !stop.requested(); ++rep) {
            for (std::size_t p = 0; p < bench.specs.size() && !stop.requested(); ++p) {
                now.set(fmt::format("{}, {}, run {}/{}", bench.names[p], threads_text(threads),
                                    rep + 1, o.reps));
                RunPlan plan{threads, o.max_inflight, o.rate, o.objects, o.duration, o.warmup};
                failing = p;
                RunResult run = run_once(bench.specs[p], bench.inputs, plan, stop, done);
                if (run.objects > 0 || !run.interrupted)
                    points[first + p].runs.push_back(std::move(run));
            }
        }
        if (stop.requested()) break;
    }
    std::erase_if(points, [](const PointResult& p) { return p.runs.empty(); });
    return points;
}

// Problems every user must see: lost objects, failed objects. Returns the exit code they call
// for (1), or 0.
int report_problems(const std::vector<PointSummary>& points) {
    int code = 0;
    for (const PointSummary& p : points) {
        if (p.lost > 0) {
            print_error(fmt::format("{} at {}: {} objects lost ({}); please report it", p.pipeline,
                                    threads_text(p.threads), p.lost, p.lost_detail));
            code = 1;
        }
        if (p.failed > 0) {
            print_error(fmt::format("{} at {}: {} of {} objects failed; the first: {}", p.pipeline,
                                    threads_text(p.threads), p.failed, p.objects, p.first_error));
            code = 1;
        }
    }
    return code;
}

int execute(Bench& bench, OutputFile& csv, OutputFile& json) {
    Interrupt stop;
    SignalWatcher watcher([&](int signal) { stop.request(signal); });
    Now now;
    std::atomic<std::uint64_t> done{0};
    std::optional<Progress> progress;
    if (Progress::wanted(bench.options.quiet))
        progress.emplace([&done] { return done.load(std::memory_order_relaxed); },
                         [&now] { return now.get(); });
    std::vector<PointResult> results;
    std::size_t failing = 0;
    try {
        results = run_points(bench, stop, now, done, failing);
    } catch (const InvalidPipeline& e) {  // a node rejected its config when the task was built
        if (progress) progress->stop();
        print_file_error(failing == 0 ? bench.options.pipeline : bench.options.compare, e.what());
        return 2;
    }
    if (progress) progress->stop();
    watcher.stop();  // a signal that raced with the end still counts

    std::vector<PointSummary> base, other, points;
    for (const PointResult& r : results)
        (r.pipeline == bench.names.front() ? base : other).push_back(summarize(r));
    set_ratios(base, other);
    for (const PointResult& r : results) {  // measured order: per thread count, each pipeline
        auto& from = r.pipeline == bench.names.front() ? base : other;
        for (PointSummary& s : from)
            if (s.threads == r.threads) points.push_back(s);
    }
    const std::string table = format_table(bench.setup, points);
    std::fputs(table.c_str(), stdout);
    std::fflush(stdout);
    bool written = csv.write("--csv", format_csv(points));
    written &= json.write("--json", format_json(bench.setup, points, stop.requested()));
    if (!bench.options.plot.empty())
        for (const std::string& line : write_plots(bench.options.plot, bench.setup, points))
            print_error(line);
    int code = report_problems(points);
    if (int signal = stop.signal()) {
        print_error(
            fmt::format("interrupted: reported what was measured until then ({} of {} "
                        "points)",
                        points.size(), bench.setup.points_planned));
        return 128 + signal;
    }
    return code != 0 ? code : (written ? 0 : 2);
}

// Parses and checks everything; nullopt after printing why (exit 2).
std::optional<Bench> prepare(int argc, char** argv, OutputFile& csv, OutputFile& json) {
    Bench bench;
    try {
        bench.options = parse_bench_options(argc, argv);
    } catch (const UsageError& e) {
        print_error(e.what());
        return std::nullopt;
    }
    std::vector<std::string> files{bench.options.pipeline};
    if (!bench.options.compare.empty()) files.push_back(bench.options.compare);
    for (const std::string& file : files) {
        std::optional<PipelineSpec> spec = load_pipeline(file, PipelineLimits{});
        if (!spec) return std::nullopt;
        bench.specs.push_back(std::move(*spec));
        std::string name = pipeline_name(file);
        if (!bench.names.empty() && name == bench.names.front()) name += " (compare)";
        bench.names.push_back(std::move(name));
    }
    try {
        bench.inputs = load_bench_inputs(bench.options);
        if (!bench.options.csv.empty()) csv.open("--csv", bench.options.csv);
        if (!bench.options.json.empty()) json.open("--json", bench.options.json);
        if (!bench.options.plot.empty()) prepare_plot_dir(bench.options.plot);
    } catch (const UsageError& e) {
        print_error(e.what());
        return std::nullopt;
    }
    bench.setup = make_setup(bench);
    return bench;
}

}  // namespace

int bench_command(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") break;
        if (arg == "--help" || arg == "-h") {
            std::fputs(k_bench_usage, stdout);
            return 0;
        }
    }
    OutputFile csv, json;
    std::optional<Bench> bench = prepare(argc, argv, csv, json);
    if (!bench) return 2;
    return execute(*bench, csv, json);
}

}  // namespace sluice::cli
