// bench_options.cpp — parsing `sluice bench PIPELINE.pipe [INPUT ...] [options]`.
#include "bench_options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include <sluice/errors.hpp>

#include "run_options.hpp"

namespace sluice::cli {

const char* const k_bench_usage =
    "usage: sluice bench PIPELINE.pipe [INPUT ...] [options]\n"
    "\n"
    "Measures a pipeline over its inputs: objects/s, MiB/s, latency (send -> result), peak RSS,\n"
    "and per node the items, busy share, time per item and queue depth; names the bottleneck.\n"
    "The inputs (files, directories' files, or stdin) are loaded once and replayed in a loop.\n"
    "\n"
    "options:\n"
    "  --threads N[,N...]  a sweep: one point per thread count (default: 1 and all cores)\n"
    "  --duration S        measured seconds per run (default 2)\n"
    "  --objects N         measured objects per run, instead of --duration\n"
    "  --warmup S          unmeasured seconds before each run (default 0.5)\n"
    "  --reps R            runs per point; the median run's rate is reported (default 3)\n"
    "  --max-inflight N    objects in flight at once (default 64)\n"
    "  --rate R            open loop: send R objects/s whatever the results do (latency under\n"
    "                      load); default: closed loop, a new object as soon as one finishes\n"
    "  --compare OTHER     run OTHER.pipe over the same inputs, alternating runs, and print\n"
    "                      its ratio to PIPELINE at each point\n"
    "  --csv FILE          one row per pipeline and thread count\n"
    "  --json FILE         everything, per node included\n"
    "  --plot DIR          throughput, latency and node busy-share PNGs (needs gnuplot; without\n"
    "                      it, the data and the script are written)\n"
    "  --lines             each line of stdin is one object\n"
    "  --mime TYPE         send every input as TYPE (default: by file extension)\n"
    "  --quiet             no progress line\n"
    "exit codes: 0 ok; 1 an object failed or was lost; 2 usage error, bad pipeline or\n"
    "            unreadable input; 130/143 after Ctrl-C/SIGTERM (what was measured is printed)\n";

namespace {

constexpr unsigned k_max_threads = 4096;
constexpr unsigned k_max_reps = 1000;
constexpr std::size_t k_max_inflight = 1'000'000;

double parse_number(std::string_view option, std::string_view text, double low, double high,
                    std::string_view what) {
    double value = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
        !(value >= low) || !(value <= high))
        throw UsageError(fmt::format("{} expects {}, got \"{}\"", option, what, text));
    return value;
}

std::chrono::milliseconds parse_seconds(std::string_view option, std::string_view text,
                                        double low) {
    double s = parse_number(option, text, low, 1e6,
                            low > 0 ? "seconds (a number > 0)" : "seconds (a number >= 0)");
    auto ms = std::chrono::milliseconds(std::llround(s * 1000));
    if (low > 0 && ms.count() == 0)
        throw UsageError(
            fmt::format("{} expects at least 0.001 seconds, got \"{}\"", option, text));
    return ms;
}

// "1,2,4": each a positive integer; duplicates dropped, order kept.
std::vector<unsigned> parse_thread_list(std::string_view option, std::string_view text) {
    std::vector<unsigned> threads;
    while (true) {
        std::size_t comma = text.find(',');
        std::string_view one = text.substr(0, comma);
        auto value = parse_count(option, one);
        if (value > k_max_threads)
            throw UsageError(
                fmt::format("{}: {} threads is over the limit of {}", option, one, k_max_threads));
        if (std::find(threads.begin(), threads.end(), value) == threads.end())
            threads.push_back(static_cast<unsigned>(value));
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return threads;
}

std::string_view take_value(int argc, char** argv, int& index, std::string_view name,
                            std::optional<std::string_view> inline_value) {
    if (inline_value) return *inline_value;
    if (index + 1 >= argc) throw UsageError(fmt::format("{} needs a value", name));
    return argv[++index];
}

std::string non_empty(std::string_view name, std::string_view value, std::string_view what) {
    if (value.empty()) throw UsageError(fmt::format("{} needs {}", name, what));
    return std::string(value);
}

// Applies one option; false when `name` is not an option of `bench`.
bool apply_option(BenchOptions& o, std::string_view name, std::optional<std::string_view> value,
                  int argc, char** argv, int& index) {
    auto next = [&] { return take_value(argc, argv, index, name, value); };
    if (name == "--lines" || name == "--quiet") {
        if (value) throw UsageError(fmt::format("{} takes no value", name));
        (name == "--lines" ? o.lines : o.quiet) = true;
    } else if (name == "--threads") {
        o.threads = parse_thread_list(name, next());
    } else if (name == "--duration") {
        o.duration = parse_seconds(name, next(), 0.001);
    } else if (name == "--objects") {
        o.objects = parse_count(name, next());
    } else if (name == "--warmup") {
        o.warmup = parse_seconds(name, next(), 0);
    } else if (name == "--reps") {
        const auto reps = parse_count(name, next());
        if (reps > k_max_reps)
            throw UsageError(fmt::format("{}: {} runs per point is over the limit of {}", name,
                                         reps, k_max_reps));
        o.reps = static_cast<unsigned>(reps);
    } else if (name == "--max-inflight") {
        o.max_inflight = parse_count(name, next());
        if (o.max_inflight > k_max_inflight)
            throw UsageError(fmt::format("{}: {} objects in flight is over the limit of {}", name,
                                         o.max_inflight, k_max_inflight));
    } else if (name == "--rate") {
        o.rate = parse_number(name, next(), 0.001, 1e9, "objects per second (a number > 0)");
    } else if (name == "--compare") {
        o.compare = non_empty(name, next(), "a pipeline file");
    } else if (name == "--csv" || name == "--json") {
        (name == "--csv" ? o.csv : o.json) = non_empty(name, next(), "a file name");
    } else if (name == "--plot") {
        o.plot = non_empty(name, next(), "a directory");
    } else if (name == "--mime") {
        o.mime = non_empty(name, next(), "a type, e.g. text/plain");
    } else {
        return false;
    }
    return true;
}

void check_combination(BenchOptions& o, bool objects_given, bool duration_given) {
    if (objects_given && duration_given)
        throw UsageError("--duration and --objects both bound a run; give one of them");
    std::size_t stdin_count = 0;
    for (const std::string& input : o.inputs) stdin_count += input == "-";
    if (stdin_count > 1) throw UsageError("stdin (\"-\") can be an input only once");
    if (o.threads.empty()) {
        o.threads.push_back(1);
        const unsigned all = std::max(1u, std::thread::hardware_concurrency());
        if (all > 1) o.threads.push_back(all);
    }
}

}  // namespace

BenchOptions parse_bench_options(int argc, char** argv) {
    BenchOptions options;
    std::vector<std::string> positional;
    bool only_positional = false, objects_given = false, duration_given = false;
    for (int index = 1; index < argc; ++index) {
        std::string_view arg = argv[index];
        if (only_positional || arg == "-" || !arg.starts_with("-")) {
            positional.emplace_back(arg);
            continue;
        }
        if (arg == "--") {
            only_positional = true;
            continue;
        }
        std::size_t eq = arg.find('=');
        std::string_view name = arg.substr(0, eq);
        std::optional<std::string_view> value;
        if (eq != std::string_view::npos) value = arg.substr(eq + 1);
        if (!apply_option(options, name, value, argc, argv, index))
            throw UsageError(
                fmt::format("unknown option \"{}\" for bench; see 'sluice bench --help'", arg));
        objects_given |= name == "--objects";
        duration_given |= name == "--duration";
    }
    if (positional.empty())
        throw UsageError("bench needs a pipeline file; see 'sluice bench --help'");
    options.pipeline = positional.front();
    options.inputs.assign(positional.begin() + 1, positional.end());
    if (options.inputs.empty()) options.inputs.emplace_back("-");
    check_combination(options, objects_given, duration_given);
    return options;
}

}  // namespace sluice::cli
