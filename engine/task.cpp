// task.cpp — building a task's graph, admitting objects through the gate, and delivering
// each object's result when it completes.
#include "task.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include <fmt/format.h>

#include "runtime.hpp"

namespace sluice::detail {
namespace {

std::int64_t steady_ns() noexcept {
    return std::chrono::steady_clock::now().time_since_epoch().count();
}

bool starts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::shared_ptr<Task> Task::create(const PipelineSpec& spec, TaskConfig config) {
    return std::make_shared<Task>(spec, std::move(config));
}

Task::Task(const PipelineSpec& spec, TaskConfig config)
    : config_(std::move(config)),
      project_id_(spec.project_id),
      source_id_(spec.source),
      started_(std::chrono::system_clock::now()),
      life_([this](std::string message) { record_error(std::move(message)); }) {
    node_count_ = spec.components.size();
    counters_ = std::make_unique<NodeCounters[]>(node_count_);
    runtime_ = std::make_unique<Runtime>(config_.threads);
    std::unordered_map<std::string_view, GraphNode*> by_id;
    std::vector<Problem> problems;
    NodeBudget budget(config_.node_limits);
    // The graph attaches to the arena it is constructed in, so build it inside the task's.
    runtime_->arena.execute([&] {
        runtime_->graph = std::make_unique<tbb::flow::graph>(runtime_->context);
        for (std::size_t i = 0; i < node_count_; ++i) {
            const ComponentSpec& c = spec.components[i];
            counters_[i].id = c.id;
            counters_[i].provider = c.provider;
            counters_[i].profiled = config_.profile_nodes;
            const Provider* provider = find_provider(c.provider);
            if (!provider) {
                problems.push_back({c.id, fmt::format("unknown provider \"{}\"", c.provider)});
                continue;
            }
            std::unique_ptr<Node> node;
            try {
                node = provider->factory(NodeContext{c.id, provider->name, c.config, budget});
            } catch (const std::exception& e) {
                problems.push_back({c.id, e.what()});
                continue;
            }
            auto& g = runtime_->nodes.emplace_back(std::make_unique<GraphNode>(
                *runtime_->graph, runtime_->arena, std::move(node), provider->info.concurrency,
                pool_queue_for(provider->info), counters_[i], *this));
            by_id.emplace(c.id, g.get());
        }
    });
    if (!problems.empty()) throw InvalidPipeline(std::move(problems));
    for (const ComponentSpec& c : spec.components)
        for (const InputSpec& in : c.inputs)
            if (auto from = by_id.find(in.from); from != by_id.end())
                from->second->add_route(in.lane, by_id.at(c.id));
    source_ = by_id.at(spec.source);
    runtime_->inbox = std::make_unique<Inbox>(runtime_->arena, *runtime_->graph, *source_);
    for (Lane lane : k_all_lanes)
        source_routes_[static_cast<std::size_t>(lane)] = source_->has_route(lane);
    touch();
}

Task::~Task() = default;

// A blocking node's queue into the pool: serial nodes one body at a time; the task as a whole
// at most all but one of the pool's threads, so it cannot hold the pool against other tasks.
std::shared_ptr<JobQueue> Task::pool_queue_for(const NodeInfo& info) {
    if (!info.blocking || !config_.blocking_pool) return nullptr;
    BlockingPool& pool = *config_.blocking_pool;
    if (!runtime_->pool)
        runtime_->pool = std::make_shared<JobQueue>(pool, nullptr, std::max(1u, pool.threads() - 1));
    const std::size_t limit =
        info.concurrency == Concurrency::serial ? 1 : std::numeric_limits<std::size_t>::max();
    return std::make_shared<JobQueue>(*runtime_->pool, runtime_->pool, limit);
}

[[noreturn]] void Task::throw_terminated() const {
    throw TaskTerminated(fmt::format(
        "task {} was terminated; start a new pipeline with use()", config_.token));
}

// RocketRide's lane choice: lane/<name> forces a lane; text/* goes on `text`, questions on
// `questions`, media on their lanes — each only when the source feeds someone on that lane.
// Everything else (application/octet-stream and application/json included, as in RocketRide,
// where a `parse` node turns them into text) travels as raw `tags`.
Lane Task::entry_lane(std::string_view mime) const noexcept {
    std::optional<Lane> lane;
    if (starts_with(mime, "lane/")) lane = lane_from_string(mime.substr(5));
    else if (starts_with(mime, "text/")) lane = Lane::text;
    else if (starts_with(mime, "application/rocketride-question")) lane = Lane::questions;
    else if (starts_with(mime, "image/")) lane = Lane::image;
    else if (starts_with(mime, "audio/")) lane = Lane::audio;
    else if (starts_with(mime, "video/")) lane = Lane::video;
    if (lane && source_routes_[static_cast<std::size_t>(*lane)]) return *lane;
    return Lane::tags;
}

void Task::touch() noexcept {
    if (config_.ttl_seconds > 0) last_activity_ns_.store(steady_ns(), std::memory_order_relaxed);
}

// One slot of max_inflight and `size` bytes of max_task_bytes: both, or neither. seq_cst on
// live_ and live_bytes_ pairs with the waiters' ticket: either a releaser sees a waiter or the
// waiter sees the freed capacity. May run with wait_mutex_ held, so it never takes it.
bool Task::try_take_capacity(std::uint64_t size) noexcept {
    std::uint64_t cur = live_.load(std::memory_order_relaxed);
    do {
        if (cur >= config_.max_inflight) return false;
    } while (!live_.compare_exchange_weak(cur, cur + 1, std::memory_order_seq_cst));
    if (config_.max_task_bytes == 0) return true;
    std::uint64_t held = live_bytes_.load(std::memory_order_relaxed);
    do {
        if (held + size > config_.max_task_bytes) {
            // Give the slot back. A waiter that saw it taken may sleep past this notify (it is
            // not under the lock); it wakes at the next completion, and there is one: the
            // bytes that refused this send belong to objects still in flight.
            live_.fetch_sub(1, std::memory_order_seq_cst);
            wait_cv_.notify_all();
            return false;
        }
    } while (!live_bytes_.compare_exchange_weak(held, held + size, std::memory_order_seq_cst));
    return true;
}

void Task::release_capacity(std::uint64_t size) noexcept {
    if (config_.max_task_bytes != 0) live_bytes_.fetch_sub(size, std::memory_order_seq_cst);
    live_.fetch_sub(1, std::memory_order_seq_cst);
    notify_waiters();
}

bool Task::acquire_capacity(std::uint64_t size, Admission admission) {
    if (config_.max_task_bytes != 0 && size > config_.max_task_bytes)
        throw LimitExceeded(fmt::format(
            "task {}: an object of {} bytes is over max_task_bytes={}; send it in chunks "
            "through a pipe, or raise the limit",
            config_.token, size, config_.max_task_bytes));
    if (try_take_capacity(size)) return true;
    if (admission == Admission::no_wait) return false;

    // Full: sleep until a completion frees capacity.
    WaiterTicket ticket(waiters_);
    const bool bounded = config_.send_timeout.count() > 0;
    const auto deadline = std::chrono::steady_clock::now() + config_.send_timeout;
    std::unique_lock lock(wait_mutex_);
    for (;;) {
        // Not admitted yet: once the gate closes this send is refused, not queued. (Waiting on
        // would deadlock a drain whose buffering nodes free capacity only in finish().)
        if (life_.gate().closed() || life_.cancelled()) throw_terminated();
        if (try_take_capacity(size)) return true;
        if (!bounded) {
            wait_cv_.wait(lock);
        } else if (wait_cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
            if (life_.gate().closed() || life_.cancelled()) throw_terminated();
            if (try_take_capacity(size)) return true;
            throw Busy(fmt::format("task {} stayed at max_inflight={}{} for {} ms; retry later",
                                   config_.token, config_.max_inflight,
                                   config_.max_task_bytes
                                       ? fmt::format(" / max_task_bytes={}", config_.max_task_bytes)
                                       : std::string(),
                                   config_.send_timeout.count()));
        }
    }
}

ObjectState* Task::admit(std::shared_ptr<Task> self, std::uint64_t size, std::string_view mime,
                         ObjectInfo&& info, Admission admission) {
    if (!acquire_capacity(size, admission)) return nullptr;
    auto* object = new ObjectState(std::move(self), std::move(info), mime, size);
    {
        ObjectShard& shard = shard_of(object);
        std::lock_guard lock(shard.mutex);
        // The deadline may have failed everything in the meantime: admitting now would create
        // an object it never saw.
        if (life_.cancelled()) {
            object->task.reset();
            delete object;
            release_capacity(size);
            throw_terminated();
        }
        object->next = shard.head;
        if (shard.head) shard.head->prev = object;
        shard.head = object;
        // relaxed: status() orders its reads by completed_/failed_, which this object's
        // completion increments after it was handed over (so after this increment).
        shard.accepted.fetch_add(1, std::memory_order_relaxed);
        shard.bytes_in.fetch_add(size, std::memory_order_relaxed);
    }
    touch();
    return object;
}

std::future<Result> Task::send(std::shared_ptr<Task> self, Payload data, std::string_view mime,
                               ObjectInfo info) {
    if (!life_.gate().enter()) throw_terminated();
    GateTicket ticket(life_.gate());
    ObjectState* object = admit(std::move(self), data ? data->size() : 0, mime, std::move(info));
    std::future<Result> result = object->make_future();
    inject(Item(entry_lane(mime), ObjectRef(object), std::move(data)));
    return result;
}

bool Task::send(std::shared_ptr<Task> self, Payload data, std::string_view mime, ObjectInfo info,
                ResultCallback on_result, Admission admission) {
    if (!life_.gate().enter()) throw_terminated();
    GateTicket ticket(life_.gate());
    ObjectState* object =
        admit(std::move(self), data ? data->size() : 0, mime, std::move(info), admission);
    if (!object) return false;
    object->answer = std::move(on_result);  // before the object is visible to any worker
    inject(Item(entry_lane(mime), ObjectRef(object), std::move(data)));
    return true;
}

// Hands an item to the source from a thread outside the task's arena. Not function_node::
// try_put: from an outside thread that spawns with oneTBB's deliberately unfenced "work
// spawned" advertisement, which assumes some thread waits inside the arena. Senders never do,
// so a worker leaving the arena at that moment can strand the item (seen as a hang with 60
// tasks on 2 workers). The inbox starts its drainers with task_arena::enqueue, which
// advertises with a full fence and never misses a wakeup (see inbox.hpp).
void Task::inject(Item item) { runtime_->inbox->push(std::move(item)); }

bool Task::resolve(ObjectState* object, const char* forced_error) noexcept {
    if (object->resolved.exchange(true, std::memory_order_acq_rel)) return false;
    try {
        Result result;
        {
            std::lock_guard lock(object->mutex);
            if (forced_error) object->problems().error = forced_error;
            result = object->take_result();
        }
        std::uint64_t bytes = 0;
        for (const ResultField& f : result.fields)
            for (const std::string& v : f.values) bytes += v.size();
        bytes_out_.fetch_add(bytes, std::memory_order_relaxed);
        (result.ok() ? completed_bytes_ : failed_bytes_)
            .fetch_add(object->size_in, std::memory_order_relaxed);
        (result.ok() ? completed_ : failed_).fetch_add(1, std::memory_order_acq_rel);
        deliver(object, std::move(result));
    } catch (...) {
        // Allocation failed while building the result: still account and answer the sender.
        failed_.fetch_add(1, std::memory_order_acq_rel);
        if (ObjectState::Promise* promise = object->promise()) {
            promise->set_exception(std::current_exception());
        } else {
            Result failed;
            failed.error = "out of memory while collecting the result";
            deliver(object, std::move(failed));
        }
    }
    return true;
}

void Task::deliver(ObjectState* object, Result&& result) noexcept {
    if (ObjectState::Promise* promise = object->promise()) {
        promise->set_value(std::move(result));
        return;
    }
    try {
        if (const BatchSlot* slot = std::get_if<BatchSlot>(&object->answer))
            slot->call(std::move(result));
        else if (const ResultCallback& callback = std::get<ResultCallback>(object->answer))
            callback(std::move(result));  // (a callback send given none: nobody asked)
    } catch (const std::exception& e) {
        record_error(fmt::format("a result callback threw: {}", e.what()));
    } catch (...) {
        record_error("a result callback threw a non-standard exception");
    }
}

void Task::complete_object(ObjectState* object) noexcept {
    resolve(object, nullptr);
    {
        ObjectShard& shard = shard_of(object);
        std::lock_guard lock(shard.mutex);
        if (object->prev) object->prev->next = object->next;
        else shard.head = object->next;
        if (object->next) object->next->prev = object->prev;
    }
    touch();
    release_capacity(object->size_in);
}

// One slot freed, so one sleeper woken: N senders at max_inflight used to wake together on
// every completion, and all but one went back to sleep. A woken sender always tries to take
// capacity before it leaves (even on its timeout), so a wake is never dropped beside a free
// slot. Everyone is woken when the task is empty (the drain waits for that) or under a byte
// limit (the freed bytes may fit one waiter's object and not another's).
void Task::notify_waiters() noexcept {
    if (waiters_.load(std::memory_order_seq_cst) == 0) return;
    if (config_.max_task_bytes != 0 || live_.load(std::memory_order_seq_cst) == 0)
        return wake_waiters();
    { std::lock_guard lock(wait_mutex_); }  // orders this notify after a waiter's check-then-wait
    wait_cv_.notify_one();
}

void Task::wake_waiters() noexcept {
    // Taking the lock orders this notify after a waiter's check-then-wait.
    { std::lock_guard lock(wait_mutex_); }
    wait_cv_.notify_all();
}

void Task::record_error(std::string message) {
    std::lock_guard lock(report_mutex_);
    last_error_ = std::move(message);
}

void Task::add_warning(std::string_view object_name, std::string_view message) {
    constexpr std::size_t k_kept_warnings = 32;
    std::string line = fmt::format("{}: {}", object_name, message);
    std::lock_guard lock(report_mutex_);
    if (warnings_.size() == k_kept_warnings) warnings_.pop_front();
    warnings_.push_back(std::move(line));
}

std::optional<std::chrono::steady_clock::time_point> Task::idle_since() const noexcept {
    if (!running() || live_.load(std::memory_order_acquire) != 0 || life_.gate().inside() != 0)
        return std::nullopt;
    return std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(last_activity_ns_.load(std::memory_order_relaxed)));
}

TaskStatus Task::status() const {
    TaskStatus s;
    s.token = config_.token;
    s.task_id = config_.id;
    s.name = config_.name;
    s.project_id = project_id_;
    s.source = source_id_;
    s.state = state();
    // Read the resolved counts before `accepted` so that accepted >= completed + failed.
    s.completed = completed_.load(std::memory_order_acquire);
    s.failed = failed_.load(std::memory_order_acquire);
    s.accepted = 0;
    for (const ObjectShard& shard : object_shards_)
        s.accepted += shard.accepted.load(std::memory_order_acquire);
    // Live: the objects inside the graph now, one atomic read (accepted - resolved from three
    // separate reads over-counts while objects complete and others are admitted in between).
    // Dead: what was never resolved, 0 by the accounting invariant (after a cancel, objects
    // still referenced by a body that outlived the deadline are resolved, so not in flight).
    s.in_flight = !s.dead() ? live_.load(std::memory_order_acquire)
                            : s.accepted - std::min(s.accepted, s.completed + s.failed);
    s.bytes_in = bytes_in_.load(std::memory_order_relaxed);
    for (const ObjectShard& shard : object_shards_)
        s.bytes_in += shard.bytes_in.load(std::memory_order_relaxed);
    s.bytes_out = bytes_out_.load(std::memory_order_relaxed);
    s.completed_bytes = completed_bytes_.load(std::memory_order_relaxed);
    s.failed_bytes = failed_bytes_.load(std::memory_order_relaxed);
    s.words_count = words_count_.load(std::memory_order_relaxed);
    s.words_size = words_size_.load(std::memory_order_relaxed);
    s.started = started_;
    {
        std::lock_guard lock(report_mutex_);
        s.ended = ended_;
        s.drain_duration = drain_duration_;
        s.last_error = last_error_;
        s.warnings.assign(warnings_.begin(), warnings_.end());
    }
    s.nodes.reserve(node_count_);
    for (std::size_t i = 0; i < node_count_; ++i) {
        const NodeCounters& c = counters_[i];
        s.nodes.push_back({c.id, c.provider, c.items_in.load(std::memory_order_relaxed),
                           c.items_out.load(std::memory_order_relaxed),
                           c.errors.load(std::memory_order_relaxed),
                           std::chrono::nanoseconds(c.busy_ns.load(std::memory_order_relaxed)),
                           c.waiting(), c.profiled});
    }
    return s;
}

}  // namespace sluice::detail
