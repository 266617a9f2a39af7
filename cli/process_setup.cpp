// process_setup.cpp — SIGPIPE and RLIMIT_NOFILE, set once for the whole process.
#include "process_setup.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <signal.h>
#include <sys/resource.h>

namespace sluice::cli {
namespace {

void ignore_sigpipe() noexcept {
    struct sigaction action {};
    action.sa_handler = SIG_IGN;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGPIPE, &action, nullptr) != 0)
        std::fprintf(stderr,
                     "sluice: cannot ignore SIGPIPE (%s); a closed socket may end the "
                     "process\n",
                     std::strerror(errno));
}

// A server holds a descriptor per connection, pipe and file: the soft limit (often 1024) is
// raised as far as the administrator allows.
void raise_descriptor_limit() noexcept {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == limit.rlim_max) return;
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
        std::fprintf(stderr,
                     "sluice: cannot raise the open-file limit from %llu to %llu (%s); "
                     "raise it with 'ulimit -n'\n",
                     static_cast<unsigned long long>(before),
                     static_cast<unsigned long long>(limit.rlim_max), std::strerror(errno));
}

}  // namespace

void prepare_process() noexcept {
    ignore_sigpipe();
    raise_descriptor_limit();
}

}  // namespace sluice::cli
