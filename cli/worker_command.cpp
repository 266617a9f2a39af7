// worker_command.cpp — routes `sluice worker` / `sluice cluster` to cluster/ when built in.
#include "worker_command.hpp"

#include <string_view>

#include "messages.hpp"
#ifdef SLUICE_HAVE_CLUSTER
#include "cluster_command.hpp"
#endif

namespace sluice::cli {

int cluster_mode_command(int argc, char** argv) {
#ifdef SLUICE_HAVE_CLUSTER
    if (std::string_view(argv[0]) == "worker") return sluice::cluster::worker_command(argc, argv);
    return sluice::cluster::cluster_command(argc, argv);
#else
    (void)argc;
    (void)argv;
    print_error(
        "this sluice was built without cluster mode (install libnats-dev and configure with "
        "-DSLUICE_BUILD_CLUSTER=ON)");
    return 2;
#endif
}

}  // namespace sluice::cli
