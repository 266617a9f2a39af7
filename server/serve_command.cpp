// serve_command.cpp — `sluice serve`: options and keys, then the server until a signal.
#include "serve_command.hpp"

#include <pthread.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include <sluice/errors.hpp>

#include "server.hpp"

namespace sluice::server {
namespace {

// SIGINT and SIGTERM are blocked in every thread (they inherit the mask of the thread that
// blocks them here, before any is created) and taken by one thread in sigwait. An async
// handler may land in any thread, and under ThreadSanitizer one landing in a TBB worker asleep
// in a raw futex call runs only when that worker wakes, i.e. maybe never (seen: a server that
// ignored SIGTERM).
sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

// The first signal stops the server gracefully; a second exits at once. Returns when `done`
// is set and the thread is woken by a signal sent to it.
void take_signals(Server& server, const std::atomic<bool>& done) {
    const sigset_t set = stop_signals();
    bool stopping = false;
    for (int signal = 0; sigwait(&set, &signal) == 0;) {
        if (done.load()) return;
        if (stopping) {
            std::fputs("sluice serve: second signal: exiting without waiting\n", stderr);
            std::_Exit(128 + signal);
        }
        stopping = true;
        server.stop();
    }
}

}  // namespace

int serve_command(int argc, char** argv) {
    ServeOptions options;
    try {
        options = parse_serve_options(argc, argv);
    } catch (const UsageError& e) {
        fmt::print(stderr, "sluice serve: {}\n", e.what());
        return 2;
    }
    if (options.help) {
        std::fputs(k_serve_usage, stdout);
        return 0;
    }
    ApiKeys keys;
    try {
        const char* env = std::getenv("SLUICE_API_KEYS");
        keys = ApiKeys::load(env ? env : "", options.api_key_file);
    } catch (const UsageError& e) {
        fmt::print(stderr, "sluice serve: {}\n", e.what());
        return 2;
    }
    if (keys.empty())
        fmt::print("sluice serve: no API key given; generated one for this run: {}\n",
                   keys.generate());

    const sigset_t signals = stop_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    Server server(std::move(options), std::move(keys));
    tcp::endpoint at;
    try {
        at = server.listen();
    } catch (const std::exception& e) {
        fmt::print(stderr, "sluice serve: cannot listen: {}\n", e.what());
        return 1;
    }
    const std::string host = at.address().to_string();
    fmt::print("sluice serve: listening on http://{}:{} (WebSocket ws://{}:{}/task/service)\n",
               host, at.port(), host, at.port());
    std::fflush(stdout);
    std::atomic<bool> done{false};
    std::thread signal_taker([&] { take_signals(server, done); });
    ServeSummary s = server.run();
    done.store(true);
    pthread_kill(signal_taker.native_handle(), SIGTERM);  // wakes its sigwait
    signal_taker.join();
    fmt::print("sluice serve: stopped after {:.1f} s: {} connections, {} tasks, {} objects "
               "accepted, {} completed, {} failed\n",
               s.seconds, s.connections, s.tasks, s.accepted, s.completed, s.failed);
    std::fflush(stdout);
    return 0;
}

}  // namespace sluice::server
