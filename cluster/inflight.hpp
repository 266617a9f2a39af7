// inflight.hpp — a worker's objects between fetch and ack. Each entry owns its input message
// until its result's publish is acknowledged by the results stream; only then is the input
// acked. A failed publish is retried with the same Nats-Msg-Id, never Nak'ed: a Nak for an
// infrastructure fault burns MaxDeliver on objects that never ran (scaleout-reference.md).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "layout.hpp"
#include "nats_handle.hpp"

namespace sluice::cluster {

struct WorkerCounts {
    std::uint64_t completed = 0;
    std::uint64_t failed = 0;
    std::uint64_t duplicates = 0;  // results the stream already held (a redelivered object)
    std::uint64_t publish_retries = 0;
};

class Inflight {
public:
    explicit Inflight(std::size_t capacity) : capacity_(capacity) {}
    // The context results are published on (made after this table: it names it as closure).
    void attach(jsCtx* js) { js_ = js; }
    ~Inflight();  // inputs never acked go back to NATS after AckWait
    Inflight(const Inflight&) = delete;
    Inflight& operator=(const Inflight&) = delete;

    std::size_t free_slots();
    // Takes ownership of `input` (the fetched message) under `key` (its stream sequence); false
    // (ownership stays with the caller) when `key` is in flight already: a redelivery during a
    // leader change. Replacing the message then freed the one a held suspect still pointed to.
    bool start(std::uint64_t key, natsMsg* input);
    // Acks `key` without a result (a fence, or an object stored after its token's fence).
    void drop(std::uint64_t key);
    // Publishes the result of `key` on `subject` with `msg_id`; the ack follows its publish ack.
    void finish(std::uint64_t key, const std::string& subject, const std::string& msg_id,
                const std::string& body, const std::string& error);
    // From libnats' publish-ack thread.
    void on_publish_ack(natsMsg* result, jsPubAck* ack, jsPubAckErr* error);
    // Resends failed publishes, and tells NATS the still-running objects are alive.
    void tick(std::chrono::milliseconds in_progress_every);
    // Waits until a slot frees or `timeout` passes.
    void wait_for_slot(std::chrono::milliseconds timeout);
    // Waits until at most `count` objects are in flight or `timeout` passes; true when so.
    bool wait_at_most(std::size_t count, std::chrono::milliseconds timeout);
    // Waits until nothing is in flight or `deadline`; true when empty.
    bool wait_empty(std::chrono::steady_clock::time_point deadline);
    std::size_t size();
    WorkerCounts counts();

private:
    struct Entry {
        natsMsg* input = nullptr;
        natsMsg* result = nullptr;  // while its publish is outstanding or queued for retry
        bool ok = true;
    };
    void publish(std::uint64_t key, natsMsg* result);

    jsCtx* js_ = nullptr;
    const std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::unordered_map<std::uint64_t, Entry> entries_;
    std::unordered_map<natsMsg*, std::uint64_t> by_result_;
    std::deque<std::uint64_t> retry_;
    std::chrono::steady_clock::time_point last_progress_{};
    WorkerCounts counts_;
};

}  // namespace sluice::cluster
