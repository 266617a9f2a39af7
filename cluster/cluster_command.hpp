// cluster_command.hpp — the CLI of cluster mode: `sluice worker` and `sluice cluster ...`.
// Each takes its own argv (argv[0] is the subcommand's name) and returns the exit code:
// 0 ok, 1 an object failed, 2 usage error, unreachable NATS or a refused send.
#pragma once

namespace sluice::cluster {

int worker_command(int argc, char** argv);
int cluster_command(int argc, char** argv);

}  // namespace sluice::cluster
