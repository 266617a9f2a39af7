// server.cpp — accepting connections, the status ticker, signals, graceful shutdown.
#include "server.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sluice/errors.hpp>

#include "http_session.hpp"
#include "refusal.hpp"
#include "task_service.hpp"

namespace sluice::server {
namespace {

constexpr auto k_status_period = std::chrono::milliseconds(250);
// After the drain: how long clients get to close the data pipes they still hold (collecting
// those results), then how long connections get to close once told to.
constexpr auto k_pipe_grace = std::chrono::seconds(3);
constexpr auto k_close_grace = std::chrono::seconds(2);
// How long past the drain deadline the engine may take to stop (and its destructor to run)
// before the process exits regardless: only a node body that ignores cancellation needs it.
constexpr auto k_exit_bound = std::chrono::seconds(2);

EngineOptions engine_options(const ServeOptions& o) {
    EngineOptions e;
    e.worker_threads = o.engine_threads;
    e.workers_kept_free = o.workers_kept_free;
    e.default_ttl = o.default_ttl;
    e.drain_deadline = o.drain_deadline;
    e.default_max_inflight = o.max_inflight;
    e.max_tasks = o.max_tasks;
    e.max_task_bytes = o.max_task_mb << 20;
    e.pipeline_limits = pipeline_limits_of(o);
    return e;
}

// Graph builds (execute, restart) run here, never on network threads.
std::size_t blocking_threads(const ServeOptions& o) {
    return std::max<std::size_t>(8, 4 * static_cast<std::size_t>(o.io_threads));
}

}  // namespace

Server::Server(ServeOptions options, ApiKeys keys, const RemoteTasksFactory& remote)
    : options_(std::move(options)),
      keys_(std::move(keys)),
      tls_(options_.tls_cert ? make_tls_context(*options_.tls_cert, *options_.tls_key) : nullptr),
      started_(std::chrono::steady_clock::now()),
      unauthenticated_(options_.max_unauthenticated_per_ip),
      monitor_(nullptr),
      engine_(std::make_unique<Engine>(engine_options(options_))),
      ioc_(static_cast<int>(options_.io_threads)),
      control_(net::make_strand(ioc_)),
      blocking_(blocking_threads(options_)),
      acceptor_(net::make_strand(ioc_)),  // its handlers and its close never run at once
      accept_retry_(acceptor_.get_executor()),
      ticker_(control_),
      closer_(control_) {
    monitor_ = std::make_unique<Monitor>(*engine_);
    if (options_.nats_urls.empty())
        tasks_ = std::make_unique<TaskService>(*engine_, *monitor_, options_.drain_deadline,
                                               options_.max_tasks_per_key);
    else if (remote)
        tasks_ = remote(options_);
    else
        throw UsageError(
            "--nats: this sluice was built without cluster mode; install libnats-dev and "
            "rebuild (SLUICE_BUILD_CLUSTER=ON)");
    ctx_ = std::make_unique<ServerContext>(ServerContext{options_, keys_, *engine_, *monitor_,
                                                         *tasks_, stats_, blocking_, connections_,
                                                         unauthenticated_, stopping_, started_});
    open_deployments();
}

// Records live in <data root>/.sluice/deployments (no node may reach it: k_server_state_dir);
// they are started when run() begins.
void Server::open_deployments() {
    auto log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    deployment_store_ =
        std::make_unique<DeploymentStore>(options_.data_dir / k_server_state_dir / "deployments", std::move(log));
    try {
        if (std::size_t n = deployment_store_->load(); n > 0)
            fmt::print("sluice serve: {} deployment{} restored from {}\n", n, n == 1 ? "" : "s",
                       deployment_store_->dir().string());
    } catch (const std::exception& e) {
        std::fprintf(stderr,
                     "sluice serve: deployments not restored: %s (check the data root's "
                     "permissions)\n",
                     e.what());
    }
    deployments_ =
        std::make_unique<DeployScheduler>(ioc_, blocking_, *deployment_store_, *engine_, *tasks_,
                                          *monitor_, options_.deploy_clock_scale);
    ctx_->deployments = deployments_.get();
}

Server::~Server() {
    if (shutdown_thread_.joinable()) shutdown_thread_.join();
    deployments_->stop();
    blocking_.join();
    // The engine first: its shutdown runs task-end callbacks into the monitor.
    tasks_.reset();
    // After a shutdown the drain deadline has already run its course (the engine's shutdown
    // returned at it at the latest): only the bound is left. Without one, the destructor's own
    // shutdown gets the whole deadline.
    const auto bound = stopping_.load() ? k_exit_bound : options_.drain_deadline + k_exit_bound;
    watchdog_.arm(std::chrono::steady_clock::now() + bound, [] {
        return std::string(
            "sluice serve: the engine did not stop in time (a node body ignores cancellation; "
            "its objects were answered as failed): exiting without waiting for it");
    });
    engine_.reset();
    watchdog_.disarm();
}

tcp::endpoint Server::listen() {
    tcp::endpoint endpoint(net::ip::make_address(options_.host), options_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
    return acceptor_.local_endpoint();
}

void Server::accept() {
    acceptor_.async_accept(
        net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;  // shutdown
            if (ec) return on_accept_failed(ec);
            if (stopping_.load())
                return;  // raced the shutdown: the socket closes going out of scope
            accept_backoff_.succeeded();
            admit(std::move(socket));
            accept();
        });
}

// The caps a fresh socket meets before anything is read from it.
void Server::admit(tcp::socket socket) {
    const std::uint64_t open = stats_.http_open.load() + stats_.websocket_open.load();
    if (open >= options_.max_connections) {
        stats_.refused_connections.fetch_add(1, std::memory_order_relaxed);
        return refuse_connection(std::move(socket), 503,
                                 fmt::format("server at its connection limit ({}, "
                                             "--max-connections): retry later",
                                             options_.max_connections));
    }
    beast::error_code ec;
    const std::string ip = socket.remote_endpoint(ec).address().to_string();
    if (ec) return;  // already gone
    PendingAuth pending = unauthenticated_.try_take(ip);
    if (!pending.held()) {
        stats_.refused_unauthenticated.fetch_add(1, std::memory_order_relaxed);
        return refuse_connection(
            std::move(socket), 429,
            fmt::format("too many unauthenticated connections from {} ({}, "
                        "--max-unauthenticated-per-ip): authenticate the open ones first",
                        ip, options_.max_unauthenticated_per_ip));
    }
    std::make_shared<HttpSession>(ClientStream(std::move(socket), tls_.get()), *ctx_,
                                  std::move(pending))
        ->start();
}

// Out of descriptors, retrying at once would spin (millions of lines, a core busy) while the
// connected clients wait: the next accept waits on a timer instead.
void Server::on_accept_failed(const beast::error_code& ec) {
    const int error = ec.category() == net::error::get_system_category() ? ec.value() : 0;
    std::optional<std::string> line;
    const auto wait =
        accept_backoff_.failed(error, ec.message(), std::chrono::steady_clock::now(), line);
    if (line) std::fprintf(stderr, "%s\n", line->c_str());
    if (wait.count() == 0) return accept();
    accept_retry_.expires_after(wait);
    accept_retry_.async_wait([this](beast::error_code timer_ec) {
        if (timer_ec || !acceptor_.is_open()) return;  // cancelled by the shutdown
        accept();
    });
}

void Server::schedule_tick() {
    ticker_.expires_after(k_status_period);
    ticker_.async_wait([this](beast::error_code ec) {
        if (ec || stopping_.load()) return;
        monitor_->tick();
        schedule_tick();
    });
}

void Server::stop() {
    net::post(control_, [this] {
        if (!stopping_.load()) begin_shutdown();
    });
}

// On the control strand. The drain blocks, so it runs on its own thread; the network keeps running
// meanwhile, so the answers of in-flight requests still go out.
void Server::begin_shutdown() {
    stopping_.store(true);
    deployments_->stop();
    net::post(acceptor_.get_executor(), [this] {
        beast::error_code ignored;
        acceptor_.close(ignored);
        accept_retry_.cancel();
    });
    ticker_.cancel();
    watchdog_.arm(std::chrono::steady_clock::now() + options_.drain_deadline + k_exit_bound,
                  [this] { return stuck_line(); });
    shutdown_thread_ = std::thread([this] {
        tasks_->shutdown(options_.drain_deadline);
        watchdog_.disarm();
        monitor_->tick();
        net::post(control_, [this] { finish_shutdown(); });
    });
}

// The watchdog's line when the drains outlive their deadline.
std::string Server::stuck_line() const {
    std::size_t stuck = 0;
    for (const TaskStatus& s : engine_->tasks()) stuck += !s.dead();
    return fmt::format(
        "sluice serve: {} task drain{} still stuck {} s after the drain deadline "
        "(a node body ignores cancellation; their objects were answered as "
        "failed): exiting without waiting",
        stuck, stuck == 1 ? " was" : "s were",
        std::chrono::duration_cast<std::chrono::seconds>(k_exit_bound).count());
}

void Server::finish_shutdown() {
    connections_.close_all(false);
    await_connections_closed(std::chrono::steady_clock::now() + k_pipe_grace, false);
}

// Polls every 20 ms until every connection has closed: after the pipe grace, connections still
// open are told to close regardless; after the close grace the event loop stops.
void Server::await_connections_closed(std::chrono::steady_clock::time_point deadline, bool forced) {
    const bool open = stats_.websocket_open.load() + stats_.http_open.load() > 0;
    const bool late = std::chrono::steady_clock::now() >= deadline;
    if (!open || (late && forced)) {
        ioc_.stop();
        return;
    }
    if (late) {
        connections_.close_all(true);
        deadline = std::chrono::steady_clock::now() + k_close_grace;
        forced = true;
    }
    closer_.expires_after(std::chrono::milliseconds(20));
    closer_.async_wait([this, deadline, forced](beast::error_code) {
        await_connections_closed(deadline, forced);
    });
}

ServeSummary Server::run() {
    net::post(acceptor_.get_executor(), [this] { accept(); });
    net::post(control_, [this] { schedule_tick(); });
    net::post(blocking_, [this] { deployments_->start(); });
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < options_.io_threads; ++i) threads.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (std::thread& t : threads) t.join();
    if (shutdown_thread_.joinable()) shutdown_thread_.join();

    ServeSummary summary;
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    summary.connections = stats_.websocket_total.load() + stats_.http_requests.load();
    const TasksTotals totals = tasks_->totals();
    summary.tasks = totals.tasks;
    summary.accepted = totals.accepted;
    summary.completed = totals.completed;
    summary.failed = totals.failed;
    return summary;
}

}  // namespace sluice::server
