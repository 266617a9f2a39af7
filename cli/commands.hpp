// commands.hpp — the subcommands of the `sluice` executable. Each takes its own argv (argv[0]
// is the subcommand's name) and returns the process exit code:
//   0 ok, 1 an object failed (run) or the pipeline is invalid (validate),
//   2 usage error, bad pipeline or unreadable input (run), 128+N after signal N (run).
#pragma once

namespace sluice::cli {

int run_command(int argc, char** argv);
int validate_command(int argc, char** argv);
int nodes_command(int argc, char** argv);
int bench_command(int argc, char** argv);

}  // namespace sluice::cli
