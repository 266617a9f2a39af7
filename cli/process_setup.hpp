// process_setup.hpp — what every `sluice` subcommand needs from the process before any thread
// starts: SIGPIPE ignored (a write to a closed socket or FIFO fails with EPIPE instead of
// killing the process) and the soft descriptor limit raised to the hard one.
#pragma once

namespace sluice::cli {

// Call first thing in main(). Prints one line on stderr only when a step fails; never throws.
void prepare_process() noexcept;

}  // namespace sluice::cli
