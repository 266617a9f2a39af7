// main.cpp — the `sluice` executable: picks the subcommand, and makes sure no failure reaches
// the user as a C++ exception type name.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include <fmt/format.h>

#include <sluice/version.hpp>

#include "bench_options.hpp"
#include "commands.hpp"
#ifdef SLUICE_HAVE_SERVER
#include "serve_command.hpp"
#endif
#ifdef SLUICE_HAVE_SERVER_NATS
#include "cluster_tasks.hpp"
#endif
#include "messages.hpp"
#include "process_setup.hpp"
#include "run_options.hpp"
#include "worker_command.hpp"

namespace {

constexpr const char* k_usage =
    "sluice — run RocketRide-style pipelines on oneTBB flow graphs\n"
    "\n"
    "usage:\n"
    "  sluice run PIPELINE.pipe [INPUT ...] [options]   run a pipeline over files or stdin\n"
    "  sluice validate PIPELINE.pipe                    check a pipeline without running it\n"
    "  sluice nodes [PROVIDER]                          list the providers (lanes, config)\n"
    "  sluice bench PIPELINE.pipe [INPUT ...] [options] measure throughput, latency and the\n"
    "                                                   bottleneck node (--help for options)\n"
    "  sluice version                                   print the version\n"
    "  sluice help [run|bench]                          this text (or the run/bench options)\n"
    "  sluice serve [options]                           the network server (RocketRide\n"
    "                                                   protocol + HTTP; --help for options)\n"
    "  sluice worker --nats URL[,URL...]                cluster mode: run objects from NATS\n"
    "  sluice cluster use|send|status|terminate ...     cluster mode: the front (--help)\n"
    "\n"
    "exit codes: 0 ok; 1 an object failed (run, bench) or the pipeline is invalid (validate);\n"
    "            2 usage error, bad pipeline or unreadable input; 130/143 after Ctrl-C/SIGTERM\n";

int help(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "run") {
        std::fputs(sluice::cli::k_run_usage, stdout);
        return 0;
    }
    if (argc > 1 && std::string_view(argv[1]) == "bench") {
        std::fputs(sluice::cli::k_bench_usage, stdout);
        return 0;
    }
    std::fputs(k_usage, stdout);
    std::fputs("\n", stdout);
    std::fputs(sluice::cli::k_run_usage, stdout);
    return 0;
}

int dispatch(int argc, char** argv) {
    const std::string_view command = argv[0];
    if (command == "run") return sluice::cli::run_command(argc, argv);
    if (command == "validate") return sluice::cli::validate_command(argc, argv);
    if (command == "worker" || command == "cluster")
        return sluice::cli::cluster_mode_command(argc, argv);
    if (command == "nodes") return sluice::cli::nodes_command(argc, argv);
    if (command == "bench") return sluice::cli::bench_command(argc, argv);
    if (command == "help" || command == "--help" || command == "-h") return help(argc, argv);
    if (command == "version" || command == "--version") {
        fmt::print("sluice {}\n", sluice::k_version);
        return 0;
    }
    if (command == "serve") {
#ifdef SLUICE_HAVE_SERVER
#ifdef SLUICE_HAVE_SERVER_NATS
        return sluice::server::serve_command(argc, argv,
                                             sluice::server::nats::cluster_tasks_factory());
#else
        return sluice::server::serve_command(argc, argv);
#endif
#else
        sluice::cli::print_error(
            "this sluice was built without the server (configure with "
            "-DSLUICE_BUILD_SERVER=ON and Boost installed)");
        return 2;
#endif
    }
    sluice::cli::print_error(
        fmt::format("unknown command \"{}\"; run 'sluice help' for the list", command));
    return 2;
}

// Last line of defence: an exception that escaped a thread must not print its type name.
[[noreturn]] void on_terminate() noexcept {
    if (std::exception_ptr error = std::current_exception())
        sluice::cli::print_unexpected(error);
    else
        std::fputs("sluice: internal error; please report it\n", stderr);
    std::abort();
}

}  // namespace

int main(int argc, char** argv) {
    sluice::cli::prepare_process();  // before any thread exists, for every subcommand
    std::set_terminate(on_terminate);
    if (argc < 2) {
        std::fputs(k_usage, stderr);
        return 2;
    }
    try {
        return dispatch(argc - 1, argv + 1);
    } catch (...) {
        sluice::cli::print_unexpected(std::current_exception());
        return 1;
    }
}
