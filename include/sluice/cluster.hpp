// sluice/cluster.hpp — ClusterEngine: sluice::Engine's calls, served by a NATS JetStream cluster
// (cluster mode) instead of this process. Objects are stored durably when accepted and run by
// `sluice worker` processes; results come back exactly once. An embedder moves from in-process to
// cluster by changing the constructor:
//
//     sluice::Engine engine;                                         // in-process
//     sluice::ClusterEngine engine({.nats_urls = "nats://n1:4222"});  // a cluster
//     sluice::Token t = engine.use(pipeline_json);
//     sluice::Result r = engine.send(t, "hello");
//     sluice::TaskStatus final_status = engine.terminate(t).get();
//
// Link sluice::cluster (built when libnats-dev is installed). The errors are the engine's:
// JsonError / InvalidPipeline, AlreadyRunning, UnknownToken, TaskTerminated, Busy, plus
// ClusterError when NATS cannot be reached or times out.
//
// Where it differs from Engine, because the task lives in the cluster, not here:
//  - a token, once terminated, is dead cluster-wide forever: use() of it throws TaskTerminated;
//  - UseOptions::threads, ttl and max_inflight are the workers' business (their flags), ignored;
//  - an object is at most NATS' max_payload (1 MiB by default): more throws LimitExceeded;
//  - status() has the counts and the state; per-node counters stay on the workers;
//  - JSON-lane values come back as compact JSON text.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <string_view>

#include <sluice/engine.hpp>

namespace sluice {

struct ClusterOptions {
    std::string nats_urls;  // nats://HOST:PORT[,nats://HOST:PORT...]
    std::string client_name = "sluice-client";
    int replicas = 1;  // of the streams and bucket, when this client creates them
    std::chrono::milliseconds drain_deadline{30'000};   // for terminate() without one
    std::chrono::milliseconds publish_timeout{10'000};  // NATS must take a send within this
};

class ClusterEngine {
public:
    // Connects, and creates the cluster's streams and bucket when absent. Throws ClusterError
    // naming the URL when NATS is unreachable.
    explicit ClusterEngine(ClusterOptions options);
    // Answers the sends still waiting with ClusterError; terminates nothing (other clients and
    // fronts serve the same tokens). Waits for terminate() calls still draining.
    ~ClusterEngine();
    ClusterEngine(const ClusterEngine&) = delete;
    ClusterEngine& operator=(const ClusterEngine&) = delete;

    Token use(std::string_view pipeline_json, UseOptions options = {});
    Result send(const Token& token, std::string_view data, std::string_view mime = "text/plain",
                ObjectInfo info = {});
    // Returns once NATS has queued the object; the future holds its result, or throws
    // TaskTerminated (stored after terminate's cut), Busy (the input stream is full) or
    // ClusterError.
    std::future<Result> send_async(const Token& token, std::string_view data,
                                   std::string_view mime = "text/plain", ObjectInfo info = {});
    // The same, delivering the result (or a Result whose error says why) to `on_result`, on a
    // NATS thread: keep it short.
    void send_async(const Token& token, std::string_view data, std::string_view mime,
                    ObjectInfo info, ResultCallback on_result);
    // Closes the gate cluster-wide before returning (every client and front refuses new sends at
    // once); the future is ready when every accepted object has its result (or the deadline
    // failed the rest), and the token is dead. Throws UnknownToken, TaskTerminated.
    std::shared_future<TaskStatus> terminate(const Token& token);
    std::shared_future<TaskStatus> terminate(const Token& token,
                                             std::chrono::milliseconds deadline);
    TaskStatus status(const Token& token) const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
