// server.cpp — accepting connections, the status ticker, signals, graceful shutdown.
#include "server.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "http_session.hpp"

namespace sluice::server {
namespace {

constexpr auto k_status_period = std::chrono::milliseconds(250);
// After the drain: how long clients get to close the data pipes they still hold (collecting
// those results), then how long connections get to close once told to.
constexpr auto k_pipe_grace = std::chrono::seconds(3);
constexpr auto k_close_grace = std::chrono::seconds(2);

EngineOptions engine_options(const ServeOptions& o) {
    EngineOptions e;
    e.worker_threads = o.engine_threads;
    e.default_ttl = o.default_ttl;
    e.drain_deadline = o.drain_deadline;
    return e;
}

// Blocking engine calls (graph builds, capacity waits) run here, never on network threads.
std::size_t blocking_threads(const ServeOptions& o) {
    return std::max<std::size_t>(8, 4 * static_cast<std::size_t>(o.io_threads));
}

}  // namespace

Server::Server(ServeOptions options, ApiKeys keys)
    : options_(std::move(options)),
      keys_(std::move(keys)),
      started_(std::chrono::steady_clock::now()),
      monitor_(nullptr),
      engine_(std::make_unique<Engine>(engine_options(options_))),
      ioc_(static_cast<int>(options_.io_threads)),
      control_(net::make_strand(ioc_)),
      blocking_(blocking_threads(options_)),
      acceptor_(net::make_strand(ioc_)),  // its handlers and its close never run at once
      ticker_(control_),
      closer_(control_) {
    monitor_ = std::make_unique<Monitor>(*engine_);
    tasks_ = std::make_unique<TaskService>(*engine_, *monitor_, options_.drain_deadline);
    ctx_ = std::make_unique<ServerContext>(ServerContext{options_, keys_, *engine_, *monitor_,
                                                         *tasks_, stats_, blocking_,
                                                         connections_, stopping_, started_});
}

Server::~Server() {
    if (shutdown_thread_.joinable()) shutdown_thread_.join();
    blocking_.join();
    // The engine first: its shutdown runs task-end callbacks into the monitor.
    tasks_.reset();
    engine_.reset();
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
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;  // shutdown
        if (ec) {
            std::fprintf(stderr, "sluice serve: accept failed: %s\n", ec.message().c_str());
        } else if (stopping_.load()) {
            return;  // raced the shutdown: the socket closes as it goes out of scope
        } else {
            std::make_shared<HttpSession>(std::move(socket), *ctx_)->start();
        }
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
    net::post(acceptor_.get_executor(), [this] {
        beast::error_code ignored;
        acceptor_.close(ignored);
    });
    ticker_.cancel();
    shutdown_thread_ = std::thread([this] {
        engine_->shutdown(options_.drain_deadline);
        monitor_->tick();
        net::post(control_, [this] { finish_shutdown(); });
    });
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
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < options_.io_threads; ++i) threads.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (std::thread& t : threads) t.join();
    if (shutdown_thread_.joinable()) shutdown_thread_.join();

    ServeSummary summary;
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    summary.connections = stats_.websocket_total.load() + stats_.http_requests.load();
    summary.tasks = tasks_->tasks_started();
    for (const TaskStatus& s : engine_->tasks()) {
        summary.accepted += s.accepted;
        summary.completed += s.completed;
        summary.failed += s.failed;
    }
    return summary;
}

}  // namespace sluice::server
