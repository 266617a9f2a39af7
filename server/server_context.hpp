// server_context.hpp — what every connection of one server shares: options, keys, the engine
// and its services, the pool for blocking engine calls, counters, and the list of open
// connections (for shutdown).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <sluice/engine.hpp>

#include "admission_caps.hpp"
#include "api_keys.hpp"
#include "monitor.hpp"
#include "net.hpp"
#include "serve_options.hpp"
#include "tasks.hpp"

namespace sluice::server {

class DeployScheduler;

struct ServerStats {
    std::atomic<std::uint64_t> websocket_open{0}, websocket_total{0};
    std::atomic<std::uint64_t> http_open{0}, http_requests{0};
    std::atomic<std::uint64_t> requests{0}, failed_requests{0};
    std::atomic<std::uint64_t> auth_failures{0};
    // Refusals at a limit, by reason (sluice_refused_total). Counters only: relaxed.
    std::atomic<std::uint64_t> refused_max_tasks{0}, refused_busy{0};
    std::atomic<std::uint64_t> refused_unauthenticated{0}, refused_connections{0};
    std::atomic<std::int64_t> store_handles_open{0};  // rrext_store files open (gauge)
};

// An open connection the server can ask to close (on shutdown). Thread-safe. Without `force`
// a connection with open data pipes waits until its client has closed them (so the client
// collects those objects' results); with it, it closes after what it has queued.
class Connection {
public:
    virtual void close_for_shutdown(bool force) = 0;

protected:
    ~Connection() = default;
};

class ConnectionList {
public:
    void add(const std::shared_ptr<Connection>& c);
    void remove(const Connection* c);
    void close_all(bool force);

private:
    std::mutex mutex_;
    std::unordered_map<const Connection*, std::weak_ptr<Connection>> open_;
};

struct ServerContext {
    const ServeOptions& options;
    const ApiKeys& keys;
    Engine& engine;
    Monitor& monitor;
    Tasks& tasks;  // the engine's (TaskService) or the cluster's (--nats)
    ServerStats& stats;
    net::thread_pool& blocking;  // engine calls that may wait (graph build, capacity)
    ConnectionList& connections;
    UnauthenticatedCount& unauthenticated;  // per IP, until a key is proved
    std::atomic<bool>& stopping;            // shutdown began: refuse new work
    std::chrono::steady_clock::time_point started;
    DeployScheduler* deployments = nullptr;  // rrext_deploy_* (deploy_scheduler.hpp)
};

// Counts an outcome refused at a limit (busy task, --max-tasks) for sluice_refused_total.
inline void count_refusal(ServerStats& stats, const Outcome& outcome) {
    if (outcome.failure == Failure::busy)
        stats.refused_busy.fetch_add(1, std::memory_order_relaxed);
    if (outcome.failure == Failure::limit_reached)
        stats.refused_max_tasks.fetch_add(1, std::memory_order_relaxed);
}

// Runs `work` on the blocking pool; `work` must not throw.
inline void run_blocking(ServerContext& ctx, std::function<void()> work) {
    net::post(ctx.blocking, std::move(work));
}

// A task query (status, get_token, list): inline when the backend answers without blocking,
// on the blocking pool when each call is a round trip (the cluster).
template <typename Query>
void answer_query(ServerContext& ctx, Query query, Reply reply) {
    if (!ctx.tasks.calls_block()) return reply(guarded(query));
    run_blocking(ctx,
                 [query = std::move(query), reply = std::move(reply)] { reply(guarded(query)); });
}

}  // namespace sluice::server
