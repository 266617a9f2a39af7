// serve_command.hpp — the entry point the `sluice` executable calls for `sluice serve`.
#pragma once

namespace sluice::server {

// argv[0] is "serve". Returns the process exit code.
int serve_command(int argc, char** argv);

}  // namespace sluice::server
