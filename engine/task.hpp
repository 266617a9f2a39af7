// task.hpp — one running pipeline: its graph, its gate, its objects in flight, its counters,
// and the steps of its drain (the drain itself is in drain.cpp).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include <sluice/engine.hpp>

#include "gate.hpp"
#include "graph_node.hpp"
#include "lifecycle.hpp"
#include "object_state.hpp"
#include "result_channel.hpp"

namespace sluice::detail {

struct TaskConfig {
    std::string token;
    std::uint64_t id = 0;
    std::string name;
    unsigned threads = 1;
    double ttl_seconds = 0;
    std::size_t max_inflight = 4096;
    std::size_t max_task_bytes = 0;  // 0 = no limit
    NodeLimits node_limits;
    BlockingPool* blocking_pool = nullptr;  // the engine's; outlives every task's graph
    std::chrono::milliseconds send_timeout{0};
    bool profile_nodes = false;  // UseOptions::profile_nodes
};

struct Runtime;

// What a send does when the task is full: wait for capacity (bounded by send_timeout), or
// return at once having sent nothing.
enum class Admission { wait, no_wait };

struct PipeState {
    std::mutex mutex;
    std::shared_ptr<Task> task;
    ObjectRef object;  // the pipe's hold on its object; dropped at close or when sealed
    std::shared_ptr<ResultChannel> result;
    std::string object_id;
    Lane lane = Lane::tags;
    std::uint32_t writes = 0;  // the next write's Item::sequence
    bool closed = false;
    bool sealed = false;  // the task's gate closed: no more writes
};

class Task : public std::enable_shared_from_this<Task> {
public:
    // Builds the graph; throws InvalidPipeline when a node's factory rejects its config.
    static std::shared_ptr<Task> create(const PipelineSpec& spec, TaskConfig config);
    Task(const PipelineSpec& spec, TaskConfig config);
    ~Task();
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;

    const std::string& token() const noexcept { return config_.token; }
    std::uint64_t id() const noexcept { return config_.id; }
    double ttl_seconds() const noexcept { return config_.ttl_seconds; }
    TaskState state() const noexcept { return life_.state(); }
    bool running() const noexcept { return life_.running(); }
    // Requested when the task is cancelled: node bodies see it through Emitter::stop_token().
    std::stop_token stop_token() const noexcept { return life_.stop_token(); }
    bool cancelled() const noexcept { return life_.cancelled(); }

    // ---- sending (engine.cpp, pipe.cpp) ----
    // `self` is the caller's reference to this task, handed to the object (saves a refcount
    // round trip per send on a counter every worker also writes).
    std::future<Result> send(std::shared_ptr<Task> self, Payload data, std::string_view mime,
                             ObjectInfo info);
    // false: Admission::no_wait found the task full; nothing was sent.
    bool send(std::shared_ptr<Task> self, Payload data, std::string_view mime, ObjectInfo info,
              ResultCallback on_result, Admission admission = Admission::wait);
    // Engine::send_batch: how many of `data` were sent (the first ones).
    std::size_t send_batch(std::shared_ptr<Task> self, std::span<const Payload> data,
                           std::string_view mime, BatchCallback on_result);
    // nullptr: Admission::no_wait found the task full.
    std::shared_ptr<PipeState> open_pipe(ObjectInfo info, std::string_view mime,
                                         Admission admission = Admission::wait);
    void write_pipe(PipeState& pipe, std::string_view bytes);
    std::future<Result> close_pipe(PipeState& pipe);
    void close_pipe(PipeState& pipe, ResultCallback on_result);

    // ---- objects (object.cpp calls this when an object's last reference goes) ----
    void complete_object(ObjectState* object) noexcept;
    void record_error(std::string message);
    void add_warning(std::string_view object_name, std::string_view message);
    void count_words(std::uint64_t words, std::uint64_t bytes) noexcept {
        words_count_.fetch_add(words, std::memory_order_relaxed);
        words_size_.fetch_add(bytes, std::memory_order_relaxed);
    }

    // ---- terminate (drain.cpp) ----
    // Closes the gate (Running -> Draining); false when it was already closed.
    bool close_gate();
    // The drain thread's whole job: wait for senders, drain the graph, flush buffering nodes,
    // wait for every object, end the task (Terminated, or Failed), release the graph.
    void drain() noexcept;
    // The drain deadline (or shutdown) passed: stop what still runs, fail what is left, end the
    // task Cancelled.
    void cancel(const std::string& reason) noexcept;
    std::shared_future<TaskStatus> done() const { return life_.done(); }
    // The engine's own bookkeeping at the end (its place among max_tasks), run by whichever
    // path ends the task, before done() is ready. Set once, before the task can end.
    void on_end(std::function<void()> hook) { on_end_ = std::move(hook); }
    void when_done(StatusCallback on_done) { life_.when_done(std::move(on_done)); }

    // ---- status ----
    TaskStatus status() const;
    // The time since which the task has had nothing in flight, if it is idle and running.
    std::optional<std::chrono::steady_clock::time_point> idle_since() const noexcept;
    [[noreturn]] void throw_terminated() const;

private:
    // nullptr: Admission::no_wait found the task full.
    ObjectState* admit(std::shared_ptr<Task> self, std::uint64_t size, std::string_view mime,
                       ObjectInfo&& info, Admission admission = Admission::wait);
    std::shared_ptr<ResultChannel> hand_over(PipeState& pipe);
    void deliver(ObjectState* object, Result&& result) noexcept;
    void inject(Item item);
    bool acquire_capacity(std::uint64_t size, Admission admission);
    bool try_take_capacity(std::uint64_t size) noexcept;
    void release_capacity(std::uint64_t size) noexcept;
    Lane entry_lane(std::string_view mime) const noexcept;
    std::shared_ptr<JobQueue> pool_queue_for(const NodeInfo& info);
    bool resolve(ObjectState* object, const char* forced_error) noexcept;
    void notify_waiters() noexcept;  // from completions: skips the lock when nobody waits
    void wake_waiters() noexcept;    // always: gate closed, task cancelled
    // Registers a sleeper on wait_cv_ for its scope, so notify_waiters() knows to wake it.
    struct WaiterTicket {
        explicit WaiterTicket(std::atomic<int>& w) noexcept : waiters(w) {
            waiters.fetch_add(1, std::memory_order_seq_cst);
        }
        ~WaiterTicket() { waiters.fetch_sub(1, std::memory_order_seq_cst); }
        WaiterTicket(const WaiterTicket&) = delete;
        WaiterTicket& operator=(const WaiterTicket&) = delete;
        std::atomic<int>& waiters;
    };
    void touch() noexcept;

    void seal_pipes() noexcept;
    std::string drain_graph() noexcept;  // "" or why the engine cannot go on with the task
    void wait_for_graph();
    void finish_nodes(std::string& failure) noexcept;
    void wait_for_objects() noexcept;
    void fail_live_objects(const std::string& reason) noexcept;
    bool end(TaskState final_state) noexcept;
    void bury() noexcept;

    TaskConfig config_;
    std::string project_id_;
    std::string source_id_;
    std::chrono::system_clock::time_point started_;
    std::chrono::steady_clock::time_point drain_started_;

    Lifecycle life_;  // the gate, the state, cancellation, the done promise
    std::function<void()> on_end_;

    // Counters by writer, a cache line per group: senders (admit: counted in their object's
    // shard, below), workers (completion), and both (live_), so a completion does not take the
    // line a sender is writing, nor one sender the line another is writing.
    alignas(64) std::atomic<std::uint64_t> bytes_in_{0};  // pipe writes
    alignas(64) std::atomic<std::uint64_t> completed_{0};
    std::atomic<std::uint64_t> failed_{0};
    std::atomic<std::uint64_t> bytes_out_{0};
    std::atomic<std::uint64_t> words_count_{0}, words_size_{0};
    std::atomic<std::uint64_t> completed_bytes_{0}, failed_bytes_{0};
    alignas(64) std::atomic<std::uint64_t> live_{0};  // objects not yet released (<= max_inflight)
    std::atomic<std::uint64_t> live_bytes_{0};  // their bytes, kept only under max_task_bytes
    std::atomic<std::int64_t> last_activity_ns_{0};

    // Capacity and drain waiters sleep here; `waiters_` lets releasers skip the lock.
    mutable std::mutex wait_mutex_;
    std::condition_variable wait_cv_;
    std::atomic<int> waiters_{0};

    // The live objects, for the deadline to fail what is left. Sharded by object address, so a
    // sender admitting and a worker completing rarely contend for one lock.
    struct alignas(64) ObjectShard {
        std::mutex mutex;
        ObjectState* head = nullptr;
        std::atomic<std::uint64_t> accepted{0};  // the task's counts are the sums over shards
        std::atomic<std::uint64_t> bytes_in{0};
    };
    static constexpr std::size_t k_object_shards = 16;
    ObjectShard& shard_of(const ObjectState* object) noexcept {
        // Fibonacci hashing: allocators hand out same-size blocks at a fixed stride.
        const auto bits = reinterpret_cast<std::uintptr_t>(object) >> 4;
        return object_shards_[(bits * 0x9e3779b97f4a7c15ull) >> 60];  // top 4 bits: 16 shards
    }
    std::array<ObjectShard, k_object_shards> object_shards_;

    std::mutex pipes_mutex_;  // lock order: pipes_mutex_, then a PipeState::mutex
    std::unordered_set<PipeState*> pipes_;

    mutable std::mutex report_mutex_;  // last error, drain duration, end time
    std::string last_error_;
    std::deque<std::string> warnings_;  // the most recent k_kept_warnings
    std::chrono::nanoseconds drain_duration_{0};
    std::chrono::system_clock::time_point ended_;

    std::unique_ptr<NodeCounters[]> counters_;
    std::size_t node_count_ = 0;
    std::array<bool, k_lane_count> source_routes_{};

    std::mutex runtime_mutex_;  // cancel() and bury() both touch the runtime
    std::unique_ptr<Runtime> runtime_;
    GraphNode* source_ = nullptr;
};

}  // namespace sluice::detail
