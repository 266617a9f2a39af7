// bench_plot.cpp — plot data, the gnuplot script, and running gnuplot (bounded) when present.
#include "bench_plot.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <sluice/errors.hpp>

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds k_gnuplot_deadline{60};
constexpr std::chrono::milliseconds k_gnuplot_poll{10};

// A gnuplot string literal: double quotes, `"` and `\` escaped, a line break as \n.
std::string gp_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '\r') continue;
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::vector<const PointSummary*> of_pipeline(const std::vector<PointSummary>& points,
                                             const std::string& name) {
    std::vector<const PointSummary*> mine;
    for (const PointSummary& p : points)
        if (p.pipeline == name) mine.push_back(&p);
    return mine;
}

// One gnuplot data block per pipeline (separated by two blank lines: `index i`).
std::string series(const BenchSetup& setup, const std::vector<PointSummary>& points,
                   std::string (*row)(const PointSummary&)) {
    std::string out;
    for (const std::string& name : setup.pipelines) {
        for (const PointSummary* p : of_pipeline(points, name)) out += row(*p);
        out += "\n\n";
    }
    return out;
}

// Rows: nodes; columns: busy share (%) at each thread count.
std::string node_shares(const std::vector<const PointSummary*>& mine) {
    std::string out = "node";
    for (const PointSummary* p : mine)
        out += fmt::format(" \"{} thread{}\"", p->threads, p->threads == 1 ? "" : "s");
    out += "\n";
    if (mine.empty()) return out;
    for (std::size_t i = 0; i < mine.front()->nodes.size(); ++i) {
        out += gp_string(mine.front()->nodes[i].id);
        for (const PointSummary* p : mine)
            out += fmt::format(" {:.2f}", i < p->nodes.size() ? p->nodes[i].busy_share * 100 : 0.0);
        out += "\n";
    }
    return out;
}

std::string line_plots(const BenchSetup& setup, const std::string& file,
                       const std::vector<std::pair<std::string, std::string>>& columns) {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < setup.pipelines.size(); ++i)
        for (const auto& [using_clause, label] : columns)
            parts.push_back(fmt::format("{} index {} using {} title {}", gp_string(file), i,
                                        using_clause, gp_string(setup.pipelines[i] + label)));
    return fmt::format("plot {}\n", fmt::join(parts, ", \\\n     "));
}

// "set xtics (1, 2, 4)": a tic at each thread count measured, none between.
std::string thread_tics(const std::vector<PointSummary>& points) {
    std::vector<unsigned> threads;
    for (const PointSummary& p : points)
        if (std::find(threads.begin(), threads.end(), p.threads) == threads.end())
            threads.push_back(p.threads);
    std::sort(threads.begin(), threads.end());
    return fmt::format("set xtics ({})\n", fmt::join(threads, ", "));
}

std::string script(const BenchSetup& setup, const std::vector<PointSummary>& points) {
    const std::string how = fmt::format("{}; {}", setup.loop, setup.bound);
    std::string gp = "set terminal pngcairo size 800,500 noenhanced\nset grid\n";
    gp += thread_tics(points) + "set xlabel \"threads\"\nset key left top\n";
    gp += fmt::format("set output \"throughput.png\"\nset title {}\n",
                      gp_string("objects/s vs threads\n" + how));
    gp += "set ylabel \"objects/s (median, min..max)\"; set yrange [0:*]\n";
    gp += line_plots(setup, "throughput.dat", {{"1:2:3:4 with yerrorlines", ""}});
    gp += fmt::format("set output \"latency.png\"\nset title {}\n",
                      gp_string("latency, send to result\n" + how));
    gp += "set ylabel \"ms\"; set yrange [*:*]; set logscale y; set key outside right top\n";
    gp += line_plots(setup, "latency.dat",
                     {{"1:2 with linespoints", " p50"},
                      {"1:3 with linespoints", " p90"},
                      {"1:4 with linespoints", " p99"}});
    gp +=
        "unset logscale y\nset key inside left top\nset style data histograms\n"
        "set style fill solid 0.8\nset xtics autofreq rotate by -30\n"
        "set yrange [0:100]; set xlabel \"node\"; set ylabel \"busy share (%)\"\n";
    for (std::size_t i = 0; i < setup.pipelines.size() && i < 2; ++i) {
        const char* name = i == 0 ? "nodes" : "nodes-compare";
        gp += fmt::format(
            "set output \"{}.png\"\nset title {}\n", name,
            gp_string(setup.pipelines[i] + ": each node's share of the busy time\n" + how));
        gp += fmt::format("plot for [c=2:*] \"{}.dat\" using c:xtic(1) title columnhead\n", name);
    }
    return gp;
}

bool write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    return static_cast<bool>(out.flush());
}

// The executable `name` on PATH; "" when there is none.
std::string find_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/bin:/bin";
    while (!dirs.empty()) {
        std::size_t colon = dirs.find(':');
        std::string dir(dirs.substr(0, colon));
        dirs.remove_prefix(colon == std::string_view::npos ? dirs.size() : colon + 1);
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

// Runs `gnuplot bench.gp` inside `dir`, at most k_gnuplot_deadline; "" on success, else why not.
std::string run_gnuplot(const std::string& gnuplot, const std::string& dir) {
    pid_t child = ::fork();
    if (child < 0) return fmt::format("cannot start gnuplot: {}", std::strerror(errno));
    if (child == 0) {  // only async-signal-safe calls until exec
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the parent blocks SIGINT/SIGTERM
        int null = ::open("/dev/null", O_WRONLY);
        if (null >= 0) ::dup2(null, STDOUT_FILENO);
        if (::chdir(dir.c_str()) != 0) ::_exit(127);
        const char* argv[] = {gnuplot.c_str(), "bench.gp", nullptr};
        ::execv(gnuplot.c_str(), const_cast<char* const*>(argv));
        ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + k_gnuplot_deadline;
    int status = 0;
    while (::waitpid(child, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(child, SIGKILL);
            ::waitpid(child, &status, 0);
            return fmt::format("gnuplot took over {} s and was stopped",
                               k_gnuplot_deadline.count());
        }
        std::this_thread::sleep_for(k_gnuplot_poll);  // polling the child's exit, bounded above
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    return "gnuplot failed (its message is above)";
}

}  // namespace

void prepare_plot_dir(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec))
        throw UsageError(fmt::format("--plot {}: cannot make the directory: {}", dir,
                                     ec ? ec.message() : "a file is in the way"));
}

std::vector<std::string> write_plots(const std::string& dir, const BenchSetup& setup,
                                     const std::vector<PointSummary>& points) {
    const fs::path base(dir);
    bool ok =
        write_file(base / "throughput.dat", series(setup, points, [](const PointSummary& p) {
                       return fmt::format("{} {:.1f} {:.1f} {:.1f}\n", p.threads, p.objects_per_s,
                                          p.objects_per_s_min, p.objects_per_s_max);
                   }));
    ok &= write_file(base / "latency.dat", series(setup, points, [](const PointSummary& p) {
                         return fmt::format("{} {:.4f} {:.4f} {:.4f}\n", p.threads, p.p50_ms,
                                            p.p90_ms, p.p99_ms);
                     }));
    for (std::size_t i = 0; i < setup.pipelines.size() && i < 2; ++i)
        ok &= write_file(base / (i == 0 ? "nodes.dat" : "nodes-compare.dat"),
                         node_shares(of_pipeline(points, setup.pipelines[i])));
    ok &= write_file(base / "bench.gp", script(setup, points));
    if (!ok) return {fmt::format("--plot {}: cannot write the plot files there", dir)};
    const std::string gnuplot = find_on_path("gnuplot");
    if (gnuplot.empty())
        return {
            fmt::format("--plot {}: gnuplot not found: wrote the data and bench.gp, no PNG "
                        "(install gnuplot, e.g. apt-get install gnuplot-nox)",
                        dir)};
    if (std::string error = run_gnuplot(gnuplot, dir); !error.empty())
        return {fmt::format("--plot {}: {}", dir, error)};
    std::string pngs = "throughput.png, latency.png, nodes.png";
    if (setup.pipelines.size() > 1) pngs += ", nodes-compare.png";
    return {fmt::format("--plot {}: wrote {}", dir, pngs)};
}

}  // namespace sluice::cli
