// front.hpp — ClusterFront: use / send / status / terminate over NATS JetStream, for the CLI
// (`sluice cluster ...`) and for `sluice serve --nats`. Stateless apart from its connection:
// several fronts may serve the same cluster.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sluice/status.hpp>

#include "layout.hpp"

namespace sluice::cluster {

struct FrontOptions {
    std::string urls;  // nats://HOST:PORT[,...]
    std::string name = "sluice-front";
    LayoutOptions layout;
    // A send retries its publish (same Nats-Msg-Id) this long before giving up.
    std::chrono::milliseconds publish_timeout{10'000};
};

struct ClusterResult {
    std::string object_id;
    std::string json;   // the RocketRide result shape, as the worker published it
    std::string error;  // empty when the object completed
    bool ok() const noexcept { return error.empty(); }
};

struct ClusterStatus {
    std::string token;
    std::string state;            // running | draining | dead
    std::uint64_t accepted = 0;   // objects the input stream stored
    std::uint64_t completed = 0;  // results without an error
    std::uint64_t failed = 0;     // results with one
    // dead only: objects without a result at the drain deadline; terminate published a failed
    // result for each (counted in `failed`), so accepted = completed + failed.
    std::uint64_t unanswered = 0;
    std::string to_json() const;
    // The same counts in the engine's shape: running/draining, then Terminated, or Cancelled
    // when the drain deadline failed objects.
    TaskStatus task_status() const;
};

class ClusterFront {
public:
    // Connects and creates the cluster's streams and bucket when absent. Throws ClusterError.
    explicit ClusterFront(FrontOptions options);
    ~ClusterFront();
    ClusterFront(const ClusterFront&) = delete;
    ClusterFront& operator=(const ClusterFront&) = delete;

    // Claims `token` cluster-wide with `pipeline_json` (validated here first). Throws
    // InvalidPipeline/JsonError, AlreadyRunning (live token), TaskTerminated (dead token).
    void use(const std::string& token, std::string_view pipeline_json);
    // Publishes asynchronously and returns; the object is accepted at the input stream's
    // publish ack, and the future then waits for its result. Throws TaskTerminated once the
    // token drains, UnknownToken, ClusterError (NATS took nothing within publish_timeout). The
    // future throws TaskTerminated (stored after terminate's fence), Busy (input stream full)
    // or ClusterError (no publish ack within publish_timeout).
    std::future<ClusterResult> send_async(const std::string& token, std::string_view data,
                                          std::string_view mime = "text/plain",
                                          std::string_view name = {});
    // The same, calling `done` once instead of fulfilling a future: with the result, or with
    // what the future would throw (a null exception_ptr means the result is valid). `done`
    // runs on a libnats thread, or on the caller's when the send is refused at once, and must
    // not throw. Throws (and never calls `done`) as send_async throws.
    using SendDone = std::function<void(ClusterResult, std::exception_ptr)>;
    void send_then(const std::string& token, std::string_view data, std::string_view mime,
                   std::string_view name, SendDone done);
    ClusterStatus status(const std::string& token);
    // The tokens this front has seen (its KV watcher's view) with their states; no counts, no
    // round trip.
    std::vector<std::pair<std::string, std::string>> tokens();
    // draining (every front refuses sends) -> wait until results == accepted (bounded by
    // `deadline`) -> dead, forever. Throws UnknownToken, TaskTerminated when already closed.
    // `on_closed`, when given, is called once the gate is closed cluster-wide (the token is
    // draining and its fence is stored), before the drain: for callers that answer then.
    ClusterStatus terminate(const std::string& token, std::chrono::milliseconds deadline,
                            const std::function<void()>& on_closed = {});
    // The token's state as this front's watcher last saw it, without a round trip: nullopt
    // when it has not seen the token (it may still exist).
    std::optional<std::string> peek_state(const std::string& token);
    // The largest object NATS takes in one message (the server's max_payload).
    std::size_t max_object_bytes();

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::cluster
