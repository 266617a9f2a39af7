// serve_command.hpp — the entry point the `sluice` executable calls for `sluice serve`.
#pragma once

#include "server.hpp"

namespace sluice::server {

// argv[0] is "serve". `remote` makes the tasks of cluster mode (--nats); without it, --nats is
// refused. Returns the process exit code.
int serve_command(int argc, char** argv, const RemoteTasksFactory& remote = {});

}  // namespace sluice::server
