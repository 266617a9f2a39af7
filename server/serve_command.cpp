// serve_command.cpp — `sluice serve`: options and keys, then the server until a signal.
#include "serve_command.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>

#include <pthread.h>

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

enum class Phase { serving, stopping, done };

// The first signal stops the server gracefully; a second exits at once, at any point until
// the server is destroyed (its destructor may wait on the engine). Once the server has stopped
// on its own, any signal counts as the second. Returns when the phase is `done` and the thread
// is woken by a signal sent to it.
void take_signals(Server& server, std::atomic<Phase>& phase) {
    const sigset_t set = stop_signals();
    for (int signal = 0; sigwait(&set, &signal) == 0;) {
        // acquire: pairs with the release stores below, so `server` is still alive while the
        // phase is not `done`.
        Phase now = phase.load(std::memory_order_acquire);
        if (now == Phase::done) return;
        if (now == Phase::stopping) {
            std::fputs("sluice serve: second signal: exiting without waiting\n", stderr);
            std::fflush(stdout);
            std::_Exit(128 + signal);
        }
        if (phase.compare_exchange_strong(now, Phase::stopping, std::memory_order_acq_rel))
            server.stop();
    }
}

}  // namespace

int serve_command(int argc, char** argv, const RemoteTasksFactory& remote) {
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

    // The data root: created now, and absolute so a node's path never depends on the cwd.
    try {
        std::filesystem::create_directories(options.data_dir);
        options.data_dir = std::filesystem::canonical(options.data_dir);
    } catch (const std::filesystem::filesystem_error& e) {
        fmt::print(stderr,
                   "sluice serve: --data-dir {}: cannot be created ({}); give a writable "
                   "directory\n",
                   options.data_dir.string(), e.code().message());
        return 2;
    }
    if (options.nats_urls.empty())
        fmt::print("sluice serve: data root {} (nodes read and write files only inside it)\n",
                   options.data_dir.string());
    else
        fmt::print("sluice serve: cluster mode: tasks run on the workers of {}\n",
                   options.nats_urls);

    const sigset_t signals = stop_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::unique_ptr<Server> server;
    try {
        server = std::make_unique<Server>(std::move(options), std::move(keys), remote);
    } catch (const std::exception& e) {  // --nats: unreachable, or not built in
        fmt::print(stderr, "sluice serve: {}\n", e.what());
        return 2;
    }
    tcp::endpoint at;
    try {
        at = server->listen();
    } catch (const std::exception& e) {
        fmt::print(stderr, "sluice serve: cannot listen: {}\n", e.what());
        return 1;
    }
    const std::string host = at.address().to_string();
    const char* secure = server->tls() ? "s" : "";
    fmt::print("sluice serve: listening on http{}://{}:{} (WebSocket ws{}://{}:{}/task/service)\n",
               secure, host, at.port(), secure, host, at.port());
    std::fflush(stdout);
    std::atomic<Phase> phase{Phase::serving};
    std::thread signal_taker([&] { take_signals(*server, phase); });
    ServeSummary s = server->run();
    phase.store(Phase::stopping, std::memory_order_release);  // a signal now exits at once
    server.reset();  // may wait for the engine: bounded by the server's exit watchdog
    phase.store(Phase::done, std::memory_order_release);
    pthread_kill(signal_taker.native_handle(), SIGTERM);  // wakes its sigwait
    signal_taker.join();
    fmt::print(
        "sluice serve: stopped after {:.1f} s: {} connections, {} tasks, {} objects "
        "accepted, {} completed, {} failed\n",
        s.seconds, s.connections, s.tasks, s.accepted, s.completed, s.failed);
    std::fflush(stdout);
    return 0;
}

}  // namespace sluice::server
