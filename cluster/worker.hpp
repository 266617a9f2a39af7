// worker.hpp — `sluice worker`: pulls objects from the cluster's input stream, runs them through
// a local Engine, publishes each result (Nats-Msg-Id = object id) and acks the input only after
// the result's publish ack. At-least-once processing; the results stream's dedupe makes the
// observable result exactly-once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "inflight.hpp"
#include "layout.hpp"

namespace sluice::cluster {

struct WorkerOptions {
    std::string urls;  // nats://HOST:PORT[,...]
    std::string name = "sluice-worker";
    std::size_t capacity = 256;  // objects in flight on this worker (fetch at most free)
    unsigned threads = 0;        // the local engine's TBB workers; 0 = hardware
    double idle_ttl = 300;       // seconds before an idle local task is dropped
    std::chrono::milliseconds drain_deadline{30'000};  // after stop: finish what runs
    LayoutOptions layout;
    std::function<void()> on_ready;  // called once the consumer is bound
};

struct WorkerSummary {
    WorkerCounts counts;
    std::size_t unfinished = 0;  // still running at the drain deadline (NATS redelivers them)
};

// Runs until `stop` is set, then stops fetching, finishes and acks what runs (bounded by
// drain_deadline) and drains the connection. Throws ClusterError when NATS is unreachable at
// start.
WorkerSummary run_worker(const WorkerOptions& options, const std::atomic<bool>& stop);

}  // namespace sluice::cluster
