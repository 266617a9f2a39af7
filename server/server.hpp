// server.hpp — `sluice serve`: one port, WebSocket DAP at /task/service and HTTP beside it, over
// one engine. Runs until SIGINT/SIGTERM (or stop()), then shuts down gracefully: no new
// connections or tasks, every task terminated with the drain deadline, pending requests
// answered, sockets closed with a reason. Signals are the caller's: serve_command turns
// SIGINT/SIGTERM into stop().
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <sluice/engine.hpp>

#include "accept_backoff.hpp"
#include "api_keys.hpp"
#include "deploy_scheduler.hpp"
#include "deployments.hpp"
#include "client_stream.hpp"
#include "exit_watchdog.hpp"
#include "monitor.hpp"
#include "net.hpp"
#include "serve_options.hpp"
#include "server_context.hpp"
#include "tasks.hpp"

namespace sluice::server {

struct ServeSummary {
    double seconds = 0;
    std::uint64_t connections = 0, tasks = 0, accepted = 0, completed = 0, failed = 0;
};

// The tasks of a backend outside this process (cluster mode: server/nats/), made from the
// options when --nats is given. Throws a clear error when it cannot start (e.g. NATS
// unreachable).
using RemoteTasksFactory = std::function<std::unique_ptr<Tasks>(const ServeOptions&)>;

class Server {
public:
    // Without --nats the tasks run on an in-process engine; with it, on `remote`'s (which must
    // then be given: UsageError otherwise). Throws what `remote` throws, and
    // UsageError when the TLS certificate or key cannot be loaded.
    Server(ServeOptions options, ApiKeys keys, const RemoteTasksFactory& remote = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens; throws std::system_error (e.g. address in use). Returns the endpoint
    // (with the real port when asked for port 0).
    tcp::endpoint listen();
    // Serves until stop(), then shuts down; returns what was done.
    ServeSummary run();
    void stop();  // thread-safe; what SIGTERM does (once shutdown began, a no-op)
    bool tls() const noexcept { return tls_ != nullptr; }

private:
    void accept();
    void open_deployments();
    void on_accept_failed(const beast::error_code& ec);
    void admit(tcp::socket socket);
    void schedule_tick();
    void begin_shutdown();
    void finish_shutdown();
    std::string stuck_line() const;
    void await_connections_closed(std::chrono::steady_clock::time_point deadline, bool forced);

    // First: destroyed last, so it bounds every other member's destructor too.
    ExitWatchdog watchdog_;
    ServeOptions options_;
    ApiKeys keys_;
    std::unique_ptr<ssl::context> tls_;  // null: plain ws:// and http://
    std::chrono::steady_clock::time_point started_;
    ServerStats stats_;
    std::atomic<bool> stopping_{false};
    ConnectionList connections_;
    // Before ioc_: sessions destroyed with the event loop give their places back to it.
    UnauthenticatedCount unauthenticated_;
    // The monitor outlives the engine: a task's end callback reaches it during engine shutdown.
    std::unique_ptr<Monitor> monitor_;
    std::unique_ptr<Engine> engine_;
    std::unique_ptr<Tasks> tasks_;

    net::io_context ioc_;
    // The signal set, the timers and the shutdown steps run on this strand, one at a time.
    net::strand<net::io_context::executor_type> control_;
    net::thread_pool blocking_;
    tcp::acceptor acceptor_;
    net::steady_timer accept_retry_;  // on the acceptor's strand
    AcceptBackoff accept_backoff_;    // the acceptor strand's
    net::steady_timer ticker_;
    net::steady_timer closer_;
    // After ioc_ (its timer dies first) and alive while engine_ is reset in ~Server: task-end
    // callbacks reach it then.
    std::unique_ptr<DeploymentStore> deployment_store_;
    std::unique_ptr<DeployScheduler> deployments_;
    std::unique_ptr<ServerContext> ctx_;
    std::thread shutdown_thread_;
};

}  // namespace sluice::server
