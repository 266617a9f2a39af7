// bench_main.cpp — sluice-bench: runs the scenarios (sluice and its hand-written oneTBB
// baseline, alternating), prints the table and writes the CSV.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include <fmt/format.h>

#include <sluice/sluice.hpp>

#include "bench_nodes.hpp"
#include "scenarios.hpp"
#include "work.hpp"

namespace {

constexpr const char* k_usage = R"(usage: sluice-bench [options]
  --quick          a short run (~30 s): fewer items and repetitions (the CI smoke test)
  --reps N         repetitions per side (default 7, --quick 3)
  --csv PATH       write the results as CSV (default: sluice-bench.csv)
  --only A,B       run only these scenarios (names or numbers: --only 1,5)
  --list           list the scenarios and exit
Exit status: 0 when every run accounted for every object (targets missed do not fail the
run: they are reported), 1 when objects were lost or a scenario failed, 2 on a usage error.
)";

bool selected(const bench::Options& options, const std::string& name) {
    if (options.only.empty()) return true;
    for (const std::string& want : options.only)
        if (name == want || name.substr(0, name.find('_')) == want) return true;
    return false;
}

std::vector<std::string> split(const std::string& list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        if (comma > start) out.push_back(list.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::string(argv[1]) == "--probe") {
        bench::register_bench_nodes();
        return bench::run_memory_probe(argv[2], std::stoul(argv[3]));
    }
    bench::Options options;
    options.cores = std::max(1u, std::thread::hardware_concurrency());
    options.csv_path = "sluice-bench.csv";
    // The probes are started through a shell, which would resolve /proc/self/exe to itself.
    std::error_code ec;
    options.self_path = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    if (ec) options.self_path = argv[0];
    bool reps_given = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "sluice-bench: %s needs a value\n%s", arg.c_str(), k_usage);
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--quick")
            options.quick = true;
        else if (arg == "--reps") {
            options.reps = std::max(1, std::atoi(value().c_str()));
            reps_given = true;
        } else if (arg == "--csv")
            options.csv_path = value();
        else if (arg == "--only")
            options.only = split(value());
        else if (arg == "--list") {
            for (const auto& s : bench::all_scenarios())
                fmt::print("{:<12} {}\n", s.name, s.description);
            return 0;
        } else if (arg == "-h" || arg == "--help") {
            std::fputs(k_usage, stdout);
            return 0;
        } else {
            std::fprintf(stderr, "sluice-bench: unknown option %s\n%s", arg.c_str(), k_usage);
            return 2;
        }
    }
    if (options.quick && !reps_given) options.reps = 3;

    bench::register_bench_nodes();
    bench::calibrate_cpu_work();
    fmt::print(
        "sluice-bench {}: {} hardware threads, {} repetitions per side{}; cpu_work "
        "{:.0f} iterations/us\n\n",
        sluice::k_version, options.cores, options.reps, options.quick ? " (quick)" : "",
        bench::cpu_work_iterations_per_micro());
    std::vector<bench::Row> rows;
    int status = 0;
    {
        sluice::Engine engine;
        bench::Context ctx{options, engine, [&](bench::Row row) {
                               bench::print_row(row);
                               rows.push_back(std::move(row));
                           }};
        bench::print_header();
        for (const auto& scenario : bench::all_scenarios()) {
            if (!selected(options, scenario.name)) continue;
            try {
                scenario.run(ctx);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "sluice-bench: %s FAILED: %s\n", scenario.name.c_str(),
                             e.what());
                status = 1;
            }
        }
    }
    if (!options.csv_path.empty()) {
        bench::write_csv(options.csv_path, rows);
        fmt::print("\nwrote {}\n", options.csv_path);
    }
    return status;
}
