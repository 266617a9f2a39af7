// cluster_tasks.cpp — ClusterTasks: Tasks over ClusterFront. No network thread ever waits on
// NATS: sends go to a small pool of "calls" threads and come back through callbacks, queries run
// on the server's blocking pool (calls_block()), and terminates wait out their drain on threads
// of their own.
#include "cluster_tasks.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>

#include <fmt/format.h>

#include <sluice/errors.hpp>

#include "arguments.hpp"
#include "front.hpp"
#include "nats_handle.hpp"
#include "status_object.hpp"
#include "use_request.hpp"

namespace sluice::server::nats {
namespace {

using cluster::ClusterFront;
using cluster::ClusterResult;
using cluster::ClusterStatus;

// NATS trouble is the service being unavailable (503), not a bad request.
Outcome cluster_outcome(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const cluster::ClusterError& e) {
        return Outcome::fail(Failure::unavailable, e.what());
    } catch (...) {
        return outcome_of(std::current_exception());
    }
}

template <typename F>
Outcome cluster_guarded(F&& f) {
    try {
        return f();
    } catch (...) {
        return cluster_outcome(std::current_exception());
    }
}

class ClusterTasks;

// rrext_process: the object is gathered here and published whole at close (one NATS message).
class ClusterPipe final : public ObjectPipe {
public:
    ClusterPipe(ClusterTasks& tasks, std::string token, std::string mime, std::string name,
                std::size_t most)
        : tasks_(tasks),
          token_(std::move(token)),
          mime_(std::move(mime)),
          name_(std::move(name)),
          most_(most) {}
    ~ClusterPipe() override;  // a pipe never closed gives its place back
    void write(std::string_view bytes) override;
    void close_then(Reply reply) override;
    bool is_open() const noexcept override { return open_.load(std::memory_order_relaxed); }

private:
    ClusterTasks& tasks_;
    const std::string token_, mime_, name_;
    const std::size_t most_;
    std::mutex mutex_;  // writes come from the connection's strand, close_all from anywhere
    std::string data_;
    std::atomic<bool> open_{true};  // a flag read for display: relaxed
};

class ClusterTasks final : public Tasks {
public:
    explicit ClusterTasks(const ServeOptions& o)
        : Tasks(pipeline_limits_of(o)),
          drain_deadline_(o.drain_deadline),
          max_pending_(o.max_inflight),
          front_(front_options(o)),
          max_object_bytes_(front_.max_object_bytes()) {}
    ~ClusterTasks() override {
        calls_.join();
        terminates_.join();
    }

    Outcome execute(const Json& arguments, const std::string& key_id) override;
    Outcome restart(const Json&, const std::string&) override {
        return Outcome::fail(Failure::bad_request,
                             "restart is not available in cluster mode (--nats): a terminated "
                             "token stays dead cluster-wide; terminate it and execute the "
                             "pipeline under a new token");
    }
    void terminate(const Json& arguments, bool wait, Reply reply) override;
    Outcome status(const Json& arguments) override;
    Outcome get_token(const Json&) override {
        return Outcome::fail(Failure::not_found,
                             "rrext_get_token is not available in cluster mode (--nats): keep "
                             "the token execute answered");
    }
    Outcome list() override;
    bool try_send(const std::string& token, const Payload& data, const std::string& mime,
                  const ObjectInfo& info, const Reply& reply) override;
    std::shared_ptr<ObjectPipe> try_open_pipe(const std::string& token, const ObjectInfo& info,
                                              const std::string& mime,
                                              const std::string& provider) override;
    void shutdown(std::chrono::milliseconds deadline) override;
    TasksTotals totals() override;
    bool calls_block() const noexcept override { return true; }

    // Publishes `data` and answers `reply` with its result. The caller holds a place
    // (take_place) or a closed pipe's; it is given back with the answer.
    void send(const std::string& token, Payload data, const std::string& mime,
              const std::string& name, Reply reply);
    // An open pipe's place becomes a send's, or goes back when the pipe is dropped unclosed.
    void pipe_closed(bool publishing) {
        std::lock_guard lock(mutex_);
        --open_pipes_;
        if (publishing) ++pending_;
        settled_.notify_all();
    }

private:
    static cluster::FrontOptions front_options(const ServeOptions& o) {
        cluster::FrontOptions f;
        f.urls = o.nats_urls;
        f.name = "sluice-serve";
        f.layout.replicas = o.nats_replicas;
        return f;
    }
    void settled(const ClusterResult* result);
    // A place for one object: a send waiting for its result, or an open pipe gathering one
    // (each holds up to max_payload bytes here). False when this front is full or stopping.
    bool take_place(bool pipe) {
        std::lock_guard lock(mutex_);
        if (stopping_ || pending_ + open_pipes_ >= max_pending_) return false;
        ++(pipe ? open_pipes_ : pending_);
        return true;
    }

    const std::chrono::milliseconds drain_deadline_;
    const std::size_t max_pending_;  // sends of this front waiting for results (--max-inflight)
    // Before front_: the front's callbacks (run until it is destroyed) count here.
    std::mutex mutex_;
    std::condition_variable settled_;
    std::size_t pending_ = 0;     // published, waiting for results
    std::size_t open_pipes_ = 0;  // gathering an object
    bool stopping_ = false;
    std::atomic<std::uint64_t> started_{0}, completed_{0}, failed_{0};  // counters: relaxed
    ClusterFront front_;
    const std::size_t max_object_bytes_;
    // Destroyed first: their work ends before the front goes.
    net::thread_pool calls_{2};       // the synchronous part of a send (a publish queued)
    net::thread_pool terminates_{2};  // each holds a thread until its drain is over
};

void ClusterPipe::write(std::string_view bytes) {
    std::lock_guard lock(mutex_);
    if (!open_.load(std::memory_order_relaxed))
        throw UsageError("write after close: the pipe is closed");
    if (data_.size() + bytes.size() > most_)
        throw LimitExceeded(fmt::format(
            "task {}: object over {} bytes, the most NATS takes in one message (its "
            "max_payload): raise max_payload in nats-server's configuration or send less",
            token_, most_));
    data_.append(bytes);
}

ClusterPipe::~ClusterPipe() {
    if (open_.load(std::memory_order_relaxed)) tasks_.pipe_closed(false);
}

void ClusterPipe::close_then(Reply reply) {
    std::string data;
    {
        std::lock_guard lock(mutex_);
        if (!open_.exchange(false, std::memory_order_relaxed))
            return reply(Outcome::fail(Failure::bad_request, "the pipe is closed already"));
        data.swap(data_);
    }
    tasks_.pipe_closed(true);
    tasks_.send(token_, std::make_shared<const std::string>(std::move(data)), mime_, name_,
                std::move(reply));
}

Outcome ClusterTasks::execute(const Json& arguments, const std::string&) {
    return cluster_guarded([&] {
        const cluster::Claimed claimed =
            cluster::claim(front_, pipeline_argument(arguments), use_options(arguments), limits());
        started_.fetch_add(1, std::memory_order_relaxed);
        const PipelineSpec& spec = claimed.spec;
        return Outcome::success(execute_body(
            claimed.token, spec.project_id, spec.source,
            spec.components.empty() ? std::string() : spec.components.front().provider));
    });
}

void ClusterTasks::terminate(const Json& arguments, bool wait, Reply reply) {
    std::string token;
    if (Outcome missing = require_token(arguments, token); !missing.ok()) return reply(missing);
    net::post(terminates_, [this, token, wait, reply = std::move(reply)] {
        // Answered once: at the gate (wait false) or with the final status.
        auto answered = std::make_shared<bool>(false);
        try {
            ClusterStatus final_status = front_.terminate(token, drain_deadline_, [&] {
                if (wait) return;
                *answered = true;
                reply(Outcome::success(Json(Json::Object{
                    {"token", token}, {"state", static_cast<int>(RrState::stopping)}})));
            });
            if (!*answered) reply(Outcome::success(status_object(final_status.task_status())));
        } catch (...) {
            if (!*answered) reply(cluster_outcome(std::current_exception()));
        }
    });
}

Outcome ClusterTasks::status(const Json& arguments) {
    std::string token;
    if (Outcome missing = require_token(arguments, token); !missing.ok()) return missing;
    return cluster_guarded(
        [&] { return Outcome::success(status_object(front_.status(token).task_status())); });
}

Outcome ClusterTasks::list() {
    return cluster_guarded([&] {
        Json::Array tasks;
        for (const auto& [token, state] : front_.tokens()) {
            ClusterStatus s;
            s.token = token;
            s.state = state;
            tasks.push_back(status_object(s.task_status()));
        }
        return Outcome::success(Json(Json::Object{{"tasks", Json(std::move(tasks))}}));
    });
}

bool ClusterTasks::try_send(const std::string& token, const Payload& data, const std::string& mime,
                            const ObjectInfo& info, const Reply& reply) {
    if (!take_place(false)) return false;
    send(token, data, mime, info.name, reply);
    return true;
}

void ClusterTasks::send(const std::string& token, Payload data, const std::string& mime,
                        const std::string& name, Reply reply) {
    if (data->size() > max_object_bytes_) {
        settled(nullptr);
        return reply(Outcome::fail(
            Failure::too_large,
            fmt::format("task {}: object of {} bytes is over {} bytes, the most NATS takes in "
                        "one message (its max_payload): raise max_payload in nats-server's "
                        "configuration or send less",
                        token, data->size(), max_object_bytes_)));
    }
    net::post(calls_, [this, token, data = std::move(data), mime, name, reply = std::move(reply)] {
        try {
            front_.send_then(token, *data, mime, name,
                             [this, reply](ClusterResult result, std::exception_ptr error) {
                                 settled(error ? nullptr : &result);
                                 reply(error ? cluster_outcome(error)
                                             : Outcome::success_text(std::move(result.json)));
                             });
        } catch (...) {
            settled(nullptr);
            reply(cluster_outcome(std::current_exception()));
        }
    });
}

void ClusterTasks::settled(const ClusterResult* result) {
    if (result) (result->ok() ? completed_ : failed_).fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    --pending_;
    settled_.notify_all();
}

std::shared_ptr<ObjectPipe> ClusterTasks::try_open_pipe(const std::string& token,
                                                        const ObjectInfo& info,
                                                        const std::string& mime,
                                                        const std::string&) {
    cluster::check_token_name(token);
    // Only what the watcher already knows: a token it has not seen is checked at close.
    if (std::optional<std::string> state = front_.peek_state(token); state && *state != "running")
        throw TaskTerminated(
            fmt::format("task {} was terminated; start a new pipeline with use()", token));
    if (!take_place(true)) return nullptr;
    return std::make_shared<ClusterPipe>(*this, token, mime, info.name, max_object_bytes_);
}

// Objects this front published are answered (or the deadline passes); the tokens live on for
// the other fronts: a front's shutdown terminates nothing.
void ClusterTasks::shutdown(std::chrono::milliseconds deadline) {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    settled_.wait_for(lock, deadline, [&] { return pending_ == 0; });
}

TasksTotals ClusterTasks::totals() {
    TasksTotals t;
    t.tasks = started_.load(std::memory_order_relaxed);
    t.completed = completed_.load(std::memory_order_relaxed);
    t.failed = failed_.load(std::memory_order_relaxed);
    t.accepted = t.completed + t.failed;  // answered objects: what this front saw accepted
    return t;
}

}  // namespace

RemoteTasksFactory cluster_tasks_factory() {
    return [](const ServeOptions& options) -> std::unique_ptr<Tasks> {
        return std::make_unique<ClusterTasks>(options);
    };
}

}  // namespace sluice::server::nats
