// engine.cpp — the Engine facade and its task table: use, lookup by token, terminate,
// listing, shutdown.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "engine_impl.hpp"
#include "uuid.hpp"

namespace sluice {
namespace detail {
namespace {

unsigned hardware_threads() noexcept {
    return std::max(2u, std::thread::hardware_concurrency());
}

}  // namespace

EngineImpl::EngineImpl(EngineOptions options)
    : options_(std::move(options)),
      blocking_pool_(options_.blocking_threads ? options_.blocking_threads : 4),
      housekeeper_([this](std::shared_ptr<Task> task) {
          // Idle past its ttl: a graceful terminate, exactly as if a client had asked.
          begin_terminate(task, options_.drain_deadline);
      }) {
    if (options_.worker_threads == 0) options_.worker_threads = hardware_threads();
    if (options_.default_threads == 0) options_.default_threads = options_.worker_threads;
    if (options_.default_max_inflight == 0) options_.default_max_inflight = 1;
    // max_allowed_parallelism counts the calling thread too: workers = value - 1. The most
    // restrictive global_control in the process wins, so an embedder's own limit still holds.
    worker_budget_ = std::make_unique<tbb::global_control>(
        tbb::global_control::max_allowed_parallelism, options_.worker_threads + 1);
}

EngineImpl::~EngineImpl() {
    shutdown(options_.drain_deadline);
    housekeeper_.stop();
    drains_.join_all();
}

TaskConfig EngineImpl::make_config(const PipelineSpec& spec, const UseOptions& options) {
    TaskConfig config;
    config.token = options.token.empty() ? make_token() : options.token;
    config.name = !options.name.empty() ? options.name : spec.name;
    config.threads = options.threads ? options.threads : options_.default_threads;
    const unsigned share = options_.worker_threads > options_.workers_kept_free
                               ? options_.worker_threads - options_.workers_kept_free
                               : 1;
    config.threads = std::clamp(config.threads, 1u, share);
    config.ttl_seconds = options.ttl.value_or(options_.default_ttl);
    if (config.ttl_seconds < 0) throw UsageError("ttl must be >= 0 seconds (0 = never)");
    config.max_inflight = options.max_inflight ? options.max_inflight : options_.default_max_inflight;
    config.max_task_bytes = options_.max_task_bytes;
    config.node_limits = options_.pipeline_limits.nodes;
    config.blocking_pool = &blocking_pool_;
    config.send_timeout = options_.send_timeout;
    config.profile_nodes = options.profile_nodes;
    return config;
}

Token EngineImpl::token_for(const std::shared_ptr<Task>& task) {
    Token token(task->token());
    token.task_id_ = task->id();
    token.task_ = task;
    return token;
}

Token EngineImpl::use(const PipelineSpec& spec, const UseOptions& options) {
    if (!options.source.empty() && options.source != spec.source)
        throw UsageError("UseOptions::source must be applied when parsing: "
                         "parse_pipeline(json, source) — or pass the JSON to use()");
    TaskConfig config = make_config(spec, options);
    {
        // Fail fast before building a graph that could not be registered anyway.
        std::shared_lock lock(table_mutex_);
        if (shut_down_) throw TaskTerminated("engine is shut down; no new tasks are started");
        auto it = by_name_.find(config.token);
        if (it != by_name_.end() && it->second->running()) {
            if (options.use_existing) return token_for(it->second);
            throw AlreadyRunning(fmt::format(
                "task {} is already running; terminate it first, or pass use_existing to reuse it",
                config.token));
        }
    }
    TaskSlot slot(*this);  // before the graph is built: a refused use() costs nothing
    config.id = next_id_.fetch_add(1, std::memory_order_relaxed);
    return claim(Task::create(spec, std::move(config)), options, slot);
}

EngineImpl::TaskSlot::TaskSlot(EngineImpl& engine) : engine_(engine) {
    const std::size_t limit = engine.options_.max_tasks;
    // relaxed: the count is a budget, not a publication; the table's lock orders the rest.
    const std::size_t live = engine.live_tasks_.fetch_add(1, std::memory_order_relaxed);
    if (limit != 0 && live >= limit) {
        engine.live_tasks_.fetch_sub(1, std::memory_order_relaxed);
        throw LimitExceeded(fmt::format(
            "{} tasks are live, the engine's limit (max_tasks={}); terminate one, or retry once "
            "one has ended",
            live, limit));
    }
}

EngineImpl::TaskSlot::~TaskSlot() {
    if (held_) engine_.live_tasks_.fetch_sub(1, std::memory_order_relaxed);
}

// The slot now belongs to `task`: given back as it ends, before its done() is ready (so a
// caller that waited for the end can start another task at once).
void EngineImpl::TaskSlot::hand_to(Task& task) {
    held_ = false;
    task.on_end([&engine = engine_] { engine.live_tasks_.fetch_sub(1, std::memory_order_relaxed); });
}

// Registers a built task under its token, unless a racing use() claimed the name first.
Token EngineImpl::claim(std::shared_ptr<Task> task, const UseOptions& options, TaskSlot& slot) {
    std::unique_lock lock(table_mutex_);
    if (shut_down_) throw TaskTerminated("engine is shut down; no new tasks are started");
    auto [it, fresh] = by_name_.try_emplace(task->token(), task);
    if (!fresh) {
        if (it->second->running()) {
            if (options.use_existing) return token_for(it->second);
            throw AlreadyRunning(fmt::format(
                "task {} is already running; terminate it first, or pass use_existing to reuse it",
                task->token()));
        }
        it->second = task;  // the old holder keeps draining under its own task id
    }
    by_id_.emplace(task->id(), task);
    slot.hand_to(*task);
    if (task->ttl_seconds() > 0) housekeeper_.watch_ttl(task);
    return token_for(task);
}

std::shared_ptr<Task> EngineImpl::find(const Token& token) const {
    if (token.task_id_ != 0) {
        if (auto task = token.task_.lock()) return task;
        std::shared_lock lock(table_mutex_);
        if (auto it = by_id_.find(token.task_id_); it != by_id_.end()) return it->second;
    } else {
        std::shared_lock lock(table_mutex_);
        if (auto it = by_name_.find(token.str()); it != by_name_.end()) return it->second;
    }
    throw UnknownToken(fmt::format("unknown token \"{}\"; start a pipeline with use() first",
                                   token.str()));
}

// The one way a task starts to end: terminate(), ttl expiry and shutdown all come here. Closes
// the gate; registers `on_done` before the drain starts, so it cannot miss the end; arms the
// deadline; starts the drain. False when the gate was already closed (nothing else is done).
bool EngineImpl::begin_terminate(const std::shared_ptr<Task>& task,
                                 std::chrono::milliseconds deadline, StatusCallback on_done) {
    if (!task->close_gate()) return false;
    if (on_done) task->when_done(std::move(on_done));
    housekeeper_.add_deadline(
        std::chrono::steady_clock::now() + deadline, task,
        fmt::format("task {}: drain deadline of {} ms passed; the object was cancelled",
                    task->token(), deadline.count()));
    drains_.spawn([this, task] {
        task->drain();
        retire(task);
    });
    return true;
}

// Keeps the final status of at most dead_task_retention dead tasks.
void EngineImpl::retire(const std::shared_ptr<Task>& task) {
    std::unique_lock lock(table_mutex_);
    dead_order_.push_back(task->id());
    while (dead_order_.size() > options_.dead_task_retention) {
        std::uint64_t id = dead_order_.front();
        dead_order_.pop_front();
        auto it = by_id_.find(id);
        if (it == by_id_.end()) continue;
        auto named = by_name_.find(it->second->token());
        if (named != by_name_.end() && named->second == it->second) by_name_.erase(named);
        by_id_.erase(it);
    }
}

std::shared_future<TaskStatus> EngineImpl::terminate(const Token& token,
                                                     std::chrono::milliseconds deadline) {
    std::shared_ptr<Task> task = find(token);
    if (!begin_terminate(task, deadline)) task->throw_terminated();
    return task->done();
}

void EngineImpl::terminate(const Token& token, std::chrono::milliseconds deadline,
                           StatusCallback on_done) {
    std::shared_ptr<Task> task = find(token);
    if (!begin_terminate(task, deadline, std::move(on_done))) task->throw_terminated();
}

std::vector<TaskStatus> EngineImpl::tasks() const {
    std::vector<TaskStatus> out;
    {
        std::shared_lock lock(table_mutex_);
        out.reserve(by_id_.size());
        for (const auto& [id, task] : by_id_) out.push_back(task->status());
    }
    std::stable_sort(out.begin(), out.end(), [](const TaskStatus& a, const TaskStatus& b) {
        if (a.dead() != b.dead()) return !a.dead();
        return a.task_id < b.task_id;
    });
    return out;
}

void EngineImpl::shutdown(std::chrono::milliseconds deadline) {
    std::vector<std::shared_ptr<Task>> all;
    {
        std::unique_lock lock(table_mutex_);
        shut_down_ = true;
        for (const auto& [id, task] : by_id_) all.push_back(task);
    }
    for (auto& task : all) begin_terminate(task, deadline);
    for (auto& task : all) task->done().wait();
}

}  // namespace detail

// ---- the facade --------------------------------------------------------------------------------

Engine::Engine() : Engine(EngineOptions{}) {}
Engine::Engine(EngineOptions options)
    : impl_(std::make_unique<detail::EngineImpl>(std::move(options))) {}
Engine::~Engine() = default;

Token Engine::use(std::string_view pipeline_json, UseOptions options) {
    return impl_->use(
        parse_pipeline(pipeline_json, options.source, impl_->options().pipeline_limits), options);
}

Token Engine::use(const PipelineSpec& spec, UseOptions options) { return impl_->use(spec, options); }

Token Engine::use_file(const std::filesystem::path& path, UseOptions options) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(fmt::format("cannot read pipeline file {}", path.string()));
    std::ostringstream text;
    text << in.rdbuf();
    return use(text.str(), std::move(options));
}

Result Engine::send(const Token& token, std::string_view data, std::string_view mime,
                    ObjectInfo info) {
    return send_async(token, data, mime, std::move(info)).get();
}

std::future<Result> Engine::send_async(const Token& token, std::string_view data,
                                       std::string_view mime, ObjectInfo info) {
    return send_async(token, std::make_shared<const std::string>(data), mime, std::move(info));
}

std::future<Result> Engine::send_async(const Token& token, Payload data, std::string_view mime,
                                       ObjectInfo info) {
    std::shared_ptr<detail::Task> task = impl_->find(token);
    detail::Task& t = *task;
    return t.send(std::move(task), std::move(data), mime, std::move(info));
}

std::size_t Engine::send_batch(const Token& token, std::span<const Payload> data,
                               std::string_view mime, BatchCallback on_result) {
    if (data.empty()) return 0;
    std::shared_ptr<detail::Task> task = impl_->find(token);
    detail::Task& t = *task;
    return t.send_batch(std::move(task), data, mime, std::move(on_result));
}

void Engine::send_async(const Token& token, Payload data, std::string_view mime,
                        ObjectInfo info, ResultCallback on_result) {
    std::shared_ptr<detail::Task> task = impl_->find(token);
    detail::Task& t = *task;
    t.send(std::move(task), std::move(data), mime, std::move(info), std::move(on_result));
}

Pipe Engine::open_pipe(const Token& token, ObjectInfo info, std::string_view mime) {
    return impl_->make_pipe(impl_->find(token)->open_pipe(std::move(info), mime));
}

bool Engine::try_send_async(const Token& token, Payload data, std::string_view mime,
                            ObjectInfo info, ResultCallback on_result) {
    std::shared_ptr<detail::Task> task = impl_->find(token);
    detail::Task& t = *task;
    return t.send(std::move(task), std::move(data), mime, std::move(info), std::move(on_result),
                  detail::Admission::no_wait);
}

std::optional<Pipe> Engine::try_open_pipe(const Token& token, ObjectInfo info,
                                          std::string_view mime) {
    auto state = impl_->find(token)->open_pipe(std::move(info), mime, detail::Admission::no_wait);
    if (!state) return std::nullopt;
    return impl_->make_pipe(std::move(state));
}

std::shared_future<TaskStatus> Engine::terminate(const Token& token) {
    return impl_->terminate(token, impl_->options().drain_deadline);
}

std::shared_future<TaskStatus> Engine::terminate(const Token& token,
                                                 std::chrono::milliseconds deadline) {
    return impl_->terminate(token, deadline);
}

void Engine::terminate(const Token& token, std::chrono::milliseconds deadline,
                       StatusCallback on_done) {
    impl_->terminate(token, deadline, std::move(on_done));
}

std::shared_future<TaskStatus> Engine::done(const Token& token) const {
    return impl_->find(token)->done();
}

void Engine::when_done(const Token& token, StatusCallback on_done) const {
    impl_->find(token)->when_done(std::move(on_done));
}

TaskStatus Engine::status(const Token& token) const { return impl_->find(token)->status(); }
std::vector<TaskStatus> Engine::tasks() const { return impl_->tasks(); }
void Engine::shutdown(std::chrono::milliseconds deadline) { impl_->shutdown(deadline); }
const EngineOptions& Engine::options() const noexcept { return impl_->options(); }

}  // namespace sluice
