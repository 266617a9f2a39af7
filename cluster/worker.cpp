// worker.cpp — the worker's fetch loop: fetch at most the free capacity, dispatch each object
// to its local task, keep running objects alive with InProgress, drain on stop.
#include "worker.hpp"

#include <algorithm>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include <sluice/engine.hpp>

#include "fence.hpp"
#include "poison.hpp"
#include "suspects.hpp"
#include "worker_tasks.hpp"

namespace sluice::cluster {
namespace {

constexpr int k_max_batch = 256;
constexpr std::int64_t k_fetch_wait_ms = 250;

void on_publish_ack(jsCtx*, natsMsg* msg, jsPubAck* ack, jsPubAckErr* error, void* closure) {
    static_cast<Inflight*>(closure)->on_publish_ack(msg, ack, error);
}

struct Fetched {
    std::uint64_t sequence = 0;
    std::uint64_t delivered = 0;
    std::string token;
    std::string object_id;
    bool fence = false;  // a terminate fence, not an object
};

Fetched describe_input(natsMsg* msg) {
    Fetched fetched;
    jsMsgMetaData* raw = nullptr;
    if (natsMsg_GetMetaData(&raw, msg) == NATS_OK) {
        MetaPtr meta(raw);
        fetched.sequence = meta->Sequence.Stream;
        fetched.delivered = meta->NumDelivered;
    }
    if (std::optional<InputSubject> subject = parse_input_subject(natsMsg_GetSubject(msg))) {
        fetched.token = std::move(subject->token);
        fetched.fence = subject->fence;
    }
    fetched.object_id = header(msg, k_header_msg_id);
    if (fetched.object_id.empty()) fetched.object_id = fmt::format("seq-{}", fetched.sequence);
    return fetched;
}

class WorkerLoop {
public:
    WorkerLoop(const WorkerOptions& options, Inflight& inflight, Connection& connection)
        : options_(options),
          inflight_(inflight),
          connection_(connection),
          layout_(ensure_layout(connection.js.get(), options.layout)),
          tokens_(open_tokens(connection.js.get(), options.layout.replicas)),
          engine_(engine_options(options)),
          tasks_(engine_, tokens_, options.idle_ttl),
          poison_(connection),
          suspects_(connection.js.get(), options.layout) {}

    void run(const std::atomic<bool>& stop);
    std::size_t drain();

private:
    static EngineOptions engine_options(const WorkerOptions& options) {
        EngineOptions engine;
        engine.worker_threads = options.threads;
        engine.default_max_inflight = std::max<std::size_t>(options.capacity, 1);
        return engine;
    }
    void subscribe();
    void fetch_batch(std::size_t free);
    void learn_fences(const natsMsgList& list);
    bool refused(const Fetched& in) const;
    void dispatch(const Fetched& in, natsMsg* msg);
    void execute(const Fetched& in, natsMsg* msg);
    void run_suspect();
    void fail(const Fetched& in, const std::string& reason) {
        inflight_.finish(in.sequence, result_subject(in.token, false), in.object_id,
                         failed_result_json(in.object_id, reason), reason);
    }
    std::chrono::milliseconds in_progress_every() const { return layout_.ack_wait / 3; }

    const WorkerOptions& options_;
    Inflight& inflight_;
    Connection& connection_;
    Layout layout_;
    TokenStore tokens_;
    SubscriptionPtr subscription_;  // declared before the engine: outlives its callbacks
    Engine engine_;
    WorkerTasks tasks_;
    PoisonListener poison_;
    Suspects suspects_;
    std::string last_fetch_error_;
    std::unordered_map<std::string, std::uint64_t> fences_;  // token -> terminate fence
};

void WorkerLoop::subscribe() {
    jsSubOptions sub_options;
    jsSubOptions_Init(&sub_options);
    sub_options.Stream = k_input_stream;
    sub_options.Consumer = k_worker_consumer;
    natsSubscription* raw = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    check(js_PullSubscribe(&raw, connection_.js.get(), "sluice.in.>", k_worker_consumer, nullptr,
                           &sub_options, &js_error),
          fmt::format("binding consumer {} of stream {}", k_worker_consumer, k_input_stream), {},
          js_error);
    subscription_.reset(raw);
}

void WorkerLoop::run(const std::atomic<bool>& stop) {
    subscribe();
    if (options_.on_ready) options_.on_ready();
    // relaxed: `stop` is a request flag; what the loop reads afterwards is its own state.
    while (!stop.load(std::memory_order_relaxed)) {
        inflight_.tick(in_progress_every());
        poison_.answer_pending(layout_.max_deliver);
        if (!suspects_.empty()) {  // no fetch while suspects wait: each must run alone
            run_suspect();
            continue;
        }
        const std::size_t free = inflight_.free_slots();
        if (free == 0) {
            inflight_.wait_for_slot(std::chrono::milliseconds(k_fetch_wait_ms));
            continue;
        }
        fetch_batch(free);
    }
}

void WorkerLoop::fetch_batch(std::size_t free) {
    natsMsgList list{};
    jsErrCode js_error = static_cast<jsErrCode>(0);
    const int batch = static_cast<int>(std::min<std::size_t>(free, k_max_batch));
    natsStatus status =
        natsSubscription_Fetch(&list, subscription_.get(), batch, k_fetch_wait_ms, &js_error);
    // NATS_TIMEOUT is an empty stream, or 3.4.1's early timeout (nats.c #631): fetch again.
    if (status != NATS_OK && status != NATS_TIMEOUT) {
        std::string error = describe(status, js_error);
        if (error != last_fetch_error_)
            fmt::print(stderr, "sluice worker: fetching objects: {}; retrying\n", error);
        last_fetch_error_ = std::move(error);
        // A back-off while NATS is away (the client reconnects meanwhile), not synchronisation.
        std::this_thread::sleep_for(std::chrono::milliseconds(k_fetch_wait_ms));
    } else {
        last_fetch_error_.clear();
    }
    learn_fences(list);
    for (int i = 0; i < list.Count; ++i) {
        natsMsg* msg = list.Msgs[i];
        list.Msgs[i] = nullptr;  // ownership moves to the in-flight table
        const Fetched in = describe_input(msg);
        if (!inflight_.start(in.sequence, msg)) {
            natsMsg_Destroy(msg);  // the earlier delivery runs on and is acked
            continue;
        }
        if (in.fence || refused(in)) {
            if (!in.fence) delete_refused(connection_.js.get(), in.sequence);
            inflight_.drop(in.sequence);  // acked, never run, no result
            continue;
        }
        dispatch(in, msg);
    }
    natsMsgList_Destroy(&list);
}

// Reads the fence of each token in the batch from the stream leader, after the fetch: a token
// without a fence then has none before any object of this batch (fence.hpp). A fence, once
// found, never moves. On a NATS error the batch runs as before the cut; the fronts still
// refuse, and terminate's count still converges once they delete the refused objects.
void WorkerLoop::learn_fences(const natsMsgList& list) {
    std::vector<std::string> asked;
    for (int i = 0; i < list.Count; ++i) {
        std::optional<InputSubject> subject = parse_input_subject(natsMsg_GetSubject(list.Msgs[i]));
        if (!subject || fences_.contains(subject->token)) continue;
        if (std::find(asked.begin(), asked.end(), subject->token) != asked.end()) continue;
        asked.push_back(subject->token);
        try {
            if (std::optional<std::uint64_t> fence =
                    find_fence(connection_.js.get(), subject->token))
                fences_.emplace(subject->token, *fence);
        } catch (const ClusterError& error) {
            fmt::print(stderr, "sluice worker: {}; running the batch\n", error.what());
        }
    }
}

bool WorkerLoop::refused(const Fetched& in) const {
    auto it = fences_.find(in.token);
    return it != fences_.end() && in.sequence > it->second;
}

void WorkerLoop::dispatch(const Fetched& in, natsMsg* msg) {
    if (in.delivered >= static_cast<std::uint64_t>(layout_.max_deliver) && layout_.max_deliver > 1)
        return fail(in, poison_reason(in.object_id, in.delivered));
    if (in.delivered >= 2)
        return suspects_.hold({in.sequence, in.delivered, in.token, in.object_id, msg});
    execute(in, msg);
}

// Waits (bounded, ticking InProgress) until nothing but held suspects is in flight, then runs
// the next one alone, or fails it when it already crashed a worker alone.
void WorkerLoop::run_suspect() {
    if (!inflight_.wait_at_most(suspects_.size(), in_progress_every())) return;
    HeldObject held = suspects_.next();
    const Fetched in{held.sequence, held.delivered, held.token, held.object_id};
    if (suspects_.convicted(in.object_id))
        return fail(in, convicted_reason(in.object_id, in.delivered));
    suspects_.record_alone_run(in.object_id);
    execute(in, held.msg);
}

void WorkerLoop::execute(const Fetched& in, natsMsg* msg) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::variant<Token, std::string> task = tasks_.task(in.token);
        if (auto* reason = std::get_if<std::string>(&task)) return fail(in, *reason);
        ObjectInfo info;
        info.name = header(msg, k_header_name);
        std::string mime = header(msg, k_header_mime);
        auto payload = std::make_shared<const std::string>(
            natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
        try {
            engine_.send_async(
                std::get<Token>(task), std::move(payload), mime.empty() ? "text/plain" : mime,
                std::move(info), [this, in](Result result) {
                    result.object_id = in.object_id;
                    inflight_.finish(in.sequence, result_subject(in.token, result.ok()),
                                     in.object_id, to_json(result), result.error);
                });
            return;
        } catch (const TaskTerminated&) {
            tasks_.forget(in.token);  // the local task ended by ttl: build it again
        } catch (const UnknownToken&) {
            tasks_.forget(in.token);
        } catch (const Error& error) {
            return fail(in, error.what());
        }
    }
    fail(in, fmt::format("token \"{}\": its local task ended twice in a row", in.token));
}

// Held suspects never started: they go back to NATS after AckWait, like a crashed worker's.
std::size_t WorkerLoop::drain() {
    // Fetching has stopped. The subscription lives on until the engine is gone: acking a
    // message of a destroyed subscription crashes 3.4.1 (nats.c #637).
    const auto deadline = std::chrono::steady_clock::now() + options_.drain_deadline;
    while (std::chrono::steady_clock::now() < deadline) {
        inflight_.tick(in_progress_every());
        if (inflight_.wait_at_most(suspects_.size(), in_progress_every())) break;
    }
    return inflight_.size();
}

}  // namespace

WorkerSummary run_worker(const WorkerOptions& options, const std::atomic<bool>& stop) {
    Inflight inflight(std::max<std::size_t>(options.capacity, 1));
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.PublishAsync.AckHandler = on_publish_ack;
    js_options.PublishAsync.AckHandlerClosure = &inflight;
    js_options.PublishAsync.MaxPending = static_cast<int64_t>(options.capacity) * 2;
    Connection connection = connect(options.urls, options.name, &js_options);
    inflight.attach(connection.js.get());
    WorkerSummary summary;
    {
        WorkerLoop loop(options, inflight, connection);
        loop.run(stop);
        summary.unfinished = loop.drain();
    }  // the engine ends here: no result callback runs after this point
    jsPubOptions complete;
    jsPubOptions_Init(&complete);
    complete.MaxWait = 5'000;  // bounded: an ack lost with a crashed server never comes
    js_PublishAsyncComplete(connection.js.get(), &complete);
    natsConnection_DrainTimeout(connection.nc.get(), 5'000);
    summary.counts = inflight.counts();
    return summary;
}

}  // namespace sluice::cluster
