// worker_command.hpp — `sluice worker` and `sluice cluster ...` (cluster mode on NATS
// JetStream, cluster/), or a clear error when this sluice was built without it.
#pragma once

namespace sluice::cli {

int cluster_mode_command(int argc, char** argv);

}  // namespace sluice::cli
