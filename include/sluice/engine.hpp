// sluice/engine.hpp — the engine: starts tasks from pipelines and feeds them by token.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/item.hpp>
#include <sluice/node.hpp>
#include <sluice/pipeline.hpp>
#include <sluice/result.hpp>
#include <sluice/status.hpp>

namespace sluice {

namespace detail {
class Task;
class EngineImpl;
struct PipeState;
}  // namespace detail

struct EngineOptions {
    unsigned worker_threads = 0;  // TBB workers for all tasks; 0 = hardware threads (at least 2)
    unsigned default_threads = 0;  // a task's concurrency when use() does not say; 0 = workers
    // Workers no single task may take: a task's concurrency (default or asked for in use())
    // is at most worker_threads - this, and at least 1. A server sets 1, so no tenant's
    // compute-bound nodes can hold every worker while another tenant waits.
    unsigned workers_kept_free = 0;
    double default_ttl = 0;        // idle seconds before a task is terminated; 0 = never
    std::size_t default_max_inflight = 4096;  // objects inside one task's graph at once
    std::chrono::milliseconds drain_deadline{30'000};  // for terminate() without a deadline
    std::chrono::milliseconds send_timeout{0};  // wait for capacity at most this; 0 = no limit
    std::size_t dead_task_retention = 10'000;   // dead tasks whose final status is kept
    std::size_t max_tasks = 0;  // live (running or draining) tasks at once; 0 = no limit
    // Bytes of the objects inside one task at once (whole sends, and pipe writes so far); a
    // send that would pass it waits like one over max_inflight. 0 = no limit.
    std::size_t max_task_bytes = 0;
    // Threads that run the process() of nodes declaring NodeInfo::blocking; 0 = 4.
    unsigned blocking_threads = 0;
    // What a pipeline may ask for (components), and what its nodes may take (data root, regex
    // memory): checked by use() and by every task's node factories.
    PipelineLimits pipeline_limits;
};

struct UseOptions {
    std::string token;  // caller-chosen token; empty = the engine makes a unique one
    unsigned threads = 0;             // the task's concurrency; 0 = EngineOptions default
    std::optional<double> ttl;        // seconds; 0 = never; unset = EngineOptions default
    std::size_t max_inflight = 0;     // 0 = EngineOptions default
    bool use_existing = false;        // a running task with `token`: return it, don't fail
    std::string source;               // override the pipeline's source component
    std::string name;                 // display name; defaults to the pipeline's name
    // Profiles every node (for `sluice bench`): each item's process() is timed, not one in 16,
    // and items handed to a node are counted, so NodeStatus::waiting and ::busy are exact.
    // Costs two clock reads and one more atomic add per item per node; off, one branch per item
    // and the busy time stays sampled as before.
    bool profile_nodes = false;
};

// Names one task. A Token returned by use() keeps naming that task even after its name is
// reused by a newer task; a Token made from a string names whichever task holds the name now.
class Token {
public:
    Token() = default;
    // explicit: a string is not silently a task's name (Token{"name"}), nor a Token its text
    // (token.str()).
    explicit Token(std::string name) : name_(std::move(name)) {}
    explicit Token(std::string_view name) : name_(name) {}
    explicit Token(const char* name) : name_(name) {}

    const std::string& str() const noexcept { return name_; }
    explicit operator const std::string&() const noexcept { return name_; }
    std::uint64_t task_id() const noexcept { return task_id_; }  // 0 = by name only
    bool empty() const noexcept { return name_.empty(); }

    friend bool operator==(const Token& a, const Token& b) noexcept {
        return a.name_ == b.name_ && a.task_id_ == b.task_id_;
    }

private:
    friend class detail::EngineImpl;
    std::string name_;
    std::uint64_t task_id_ = 0;
    std::weak_ptr<detail::Task> task_;  // a cache: skips the table lookup on send
};

// One object streamed in chunks: each write() is one item on the pipe's lane.
class Pipe {
public:
    Pipe(Pipe&&) noexcept;
    Pipe& operator=(Pipe&&) noexcept;
    ~Pipe();  // an open pipe is closed; its result is still delivered to the task's counters

    // Throws TaskTerminated once the task's gate has closed, UsageError after close().
    void write(std::string_view bytes);
    // Ends the object and waits until it has passed the whole pipeline.
    Result close();
    std::future<Result> close_async();
    // Ends the object; `on_result` receives its result (see ResultCallback). Never blocks.
    void close_then(ResultCallback on_result);
    bool is_open() const noexcept;
    std::string_view object_id() const noexcept;

private:
    friend class detail::EngineImpl;
    explicit Pipe(std::shared_ptr<detail::PipeState> state) noexcept;
    std::shared_ptr<detail::PipeState> state_;
};

class Engine {
public:
    Engine();
    explicit Engine(EngineOptions options);
    // Terminates every live task (with the drain deadline) and waits for the drains.
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Starts a task. Throws JsonError / InvalidPipeline for a bad pipeline, AlreadyRunning
    // for a caller-chosen token whose task is running (unless use_existing), TaskTerminated
    // after shutdown().
    Token use(std::string_view pipeline_json, UseOptions options = {});
    Token use(const PipelineSpec& spec, UseOptions options = {});
    Token use_file(const std::filesystem::path& path, UseOptions options = {});

    // Sends one object and blocks until it has passed the whole pipeline. Waits while the task
    // is at max_inflight (Busy after send_timeout). Throws UnknownToken, TaskTerminated.
    // A node failure does not throw: the Result carries the error. Do not call from a node.
    Result send(const Token& token, std::string_view data, std::string_view mime = "text/plain",
                ObjectInfo info = {});
    // The same, returning once the object is accepted (it may wait for capacity).
    std::future<Result> send_async(const Token& token, std::string_view data,
                                   std::string_view mime = "text/plain", ObjectInfo info = {});
    std::future<Result> send_async(const Token& token, Payload data,
                                   std::string_view mime = "text/plain", ObjectInfo info = {});
    // The same, delivering the result to `on_result` instead of a future (for event loops that
    // must not block a thread per object). Throws as send_async does; then `on_result` is not
    // called.
    void send_async(const Token& token, Payload data, std::string_view mime, ObjectInfo info,
                    ResultCallback on_result);

    // Sends each of `data` as one object (of type `mime`, no ObjectInfo) in one call: one token
    // lookup, one gate entry and one hand-over into the task per 64 objects, and no promise or
    // std::function per object. `on_result(i, result)` is called exactly once for each object
    // sent, on the thread that completes it (see ResultCallback). Waits for capacity object by
    // object, as send_async does. Returns how many were sent: all of `data`, unless the task
    // closed, a send_timeout passed or a limit refused an object partway; then data[0..n) were
    // sent and the rest were not (send them again to learn why). Throws as send_async does
    // when it could send none; then `on_result` is never called.
    std::size_t send_batch(const Token& token, std::span<const Payload> data,
                           std::string_view mime, BatchCallback on_result);
    Pipe open_pipe(const Token& token, ObjectInfo info = {}, std::string_view mime = "text/plain");

    // Never wait for capacity: when the task is at max_inflight (or max_task_bytes) these return
    // false / nullopt at once and nothing was sent. For event loops, which retry on a timer
    // rather than hold a thread. Throw as send_async / open_pipe do.
    bool try_send_async(const Token& token, Payload data, std::string_view mime, ObjectInfo info,
                        ResultCallback on_result);
    std::optional<Pipe> try_open_pipe(const Token& token, ObjectInfo info = {},
                                      std::string_view mime = "text/plain");

    // Closes the task's gate and returns at once; the future is ready when the drain is over
    // and holds the final status. Throws UnknownToken, or TaskTerminated when the gate was
    // already closed. The one-argument form uses EngineOptions::drain_deadline.
    std::shared_future<TaskStatus> terminate(const Token& token);
    std::shared_future<TaskStatus> terminate(const Token& token, std::chrono::milliseconds deadline);
    // The same, calling `on_done` with the final status when the drain is over instead of
    // returning a future (for event loops; see ResultCallback for the rules). The callback is
    // bound to the task the gate was closed on, even if its token is reused meanwhile.
    void terminate(const Token& token, std::chrono::milliseconds deadline, StatusCallback on_done);
    // Ready when the task is dead, whatever ended it (terminate, ttl, shutdown).
    std::shared_future<TaskStatus> done(const Token& token) const;
    // Calls `on_done` with the final status once the task is dead (at once if it already is),
    // on the thread that finalizes it (see ResultCallback for the rules).
    void when_done(const Token& token, StatusCallback on_done) const;

    TaskStatus status(const Token& token) const;
    std::vector<TaskStatus> tasks() const;  // live tasks first, then retained dead ones

    // Refuses new tasks and terminates every live one; returns when all are dead.
    void shutdown(std::chrono::milliseconds deadline);
    const EngineOptions& options() const noexcept;

private:
    std::unique_ptr<detail::EngineImpl> impl_;
};

}  // namespace sluice
