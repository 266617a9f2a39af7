// graph_node.cpp — the body every node runs in: counts, times, routes, and keeps every
// exception inside (one escaping into TBB would cancel the whole graph).
#include "graph_node.hpp"

#include <chrono>
#include <utility>

#include <fmt/format.h>

#include "task.hpp"

namespace sluice::detail {
namespace {

std::uint64_t now_ns() noexcept {
    return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

// Inline hand-over. A graph task (Body) of an unlimited node that emits to another unlimited
// node runs that node's process() itself, on the same worker, instead of spawning a task for
// it: a spawn, its scheduling and a copy of the item cost more than a small node's body
// (bench/probe). Not from a serial node: its successors' work would join its serial section
// (scenario 5's valve -> work chain drained at half speed). Only inside a graph task, so what
// enters from the inbox, the pool's hand-back and finish() still spreads over the workers through
// spawned tasks; only the last target of an emit, so the others of a fan-out run in parallel; and
// at most k_inline_depth hops deep, so a long chain of unlimited nodes neither grows the stack with
// the input nor holds one worker for all of it.
constexpr int k_inline_depth = 8;
thread_local int t_inline_left = 0;  // hops this thread may still run inline (0: none)
// Busy time stays each node's own: the time its inline hand-overs took, measured by emit while
// the node's own process() is timed, is subtracted from that node's busy time.
thread_local bool t_timing = false;          // the innermost running process() is timed
thread_local std::uint64_t t_inline_ns = 0;  // inline hand-over time since that process() began

// A blocking node's body only hands its item to the pool, whose queue keeps the node's
// concurrency: in the graph it is unlimited.
std::size_t to_tbb(Concurrency c, bool pooled) noexcept {
    return c == Concurrency::serial && !pooled ? tbb::flow::serial : tbb::flow::unlimited;
}

// What a node running on the pool emits, kept until process() returns: items enter the graph
// only from inside the task's arena (see Task::inject).
class PoolEmitter final : public Emitter {
public:
    explicit PoolEmitter(const Emitter& node) noexcept : node_(node) {}
    void emit(Item item) override { items.push_back(std::move(item)); }
    std::stop_token stop_token() const noexcept override { return node_.stop_token(); }
    std::vector<Item> items;

private:
    const Emitter& node_;
};

}  // namespace

GraphNode::GraphNode(tbb::flow::graph& graph, tbb::task_arena& arena, std::unique_ptr<Node> node,
                     Concurrency concurrency, std::shared_ptr<JobQueue> pool,
                     NodeCounters& counters, Task& task)
    : node_(std::move(node)),
      graph_(graph),
      arena_(arena),
      pool_(std::move(pool)),
      counters_(counters),
      task_(task),
      unlimited_(concurrency == Concurrency::unlimited),
      function_(graph, to_tbb(concurrency, pool_ != nullptr), Body{this}) {}

void GraphNode::emit(Item item) {
    counters_.items_out.fetch_add(1, std::memory_order_relaxed);
    const auto& targets = routes_[static_cast<std::size_t>(item.lane())];
    if (targets.empty()) return;  // nobody consumes this lane: the item ends here
    for (std::size_t i = 0; i + 1 < targets.size(); ++i) {
        Item copy = item;  // a copy per extra consumer shares the payload
        targets[i]->put(copy);
    }
    pass(*targets.back(), item);
}

void GraphNode::pass(GraphNode& target, Item& item) noexcept {
    if (t_inline_left == 0 || !unlimited_ || !target.unlimited_ || target.pool_) {
        target.put(item);
        return;
    }
    --t_inline_left;
    // The target's time is not this node's: measured while this node's process() is timed, and
    // subtracted from its busy time there (the target's process() restores both thread-locals).
    const bool timing = t_timing;
    const std::uint64_t start = timing ? now_ns() : 0;
    target.accept_in_arena(item);  // an unlimited, unpooled target: runs it here
    if (timing) t_inline_ns += now_ns() - start;
    ++t_inline_left;
}

void GraphNode::run_task(const Item& in) noexcept {
    if (pool_) {
        to_pool(in);
        return;
    }
    // A task can start on a thread that is inside another (TBB runs tasks while it waits):
    // the outer one's budget comes back when this one ends.
    const int outer = std::exchange(t_inline_left, k_inline_depth);
    run(in);
    t_inline_left = outer;
}

void GraphNode::process(Item& in, Emitter& out) noexcept {
    // Busy time is sampled: the first k_timed_exactly items are each timed, then one item in
    // k_sample_every, weighted by k_sample_every (two clock reads cost more than a trivial body).
    // A profiled task times every item.
    constexpr std::uint64_t k_timed_exactly = 64, k_sample_every = 16;
    const std::uint64_t seen = counters_.items_in.fetch_add(1, std::memory_order_relaxed);
    const bool exact = seen < k_timed_exactly || counters_.profiled;
    const bool timed = exact || seen % k_sample_every == 0;
    const std::uint64_t start = timed ? now_ns() : 0;
    const bool outer_timing = std::exchange(t_timing, timed);
    const std::uint64_t outer_inline_ns = std::exchange(t_inline_ns, 0);
    // Keep the object referenced while process() runs: if it throws after giving the item
    // away, the object must still be open when we mark it failed.
    ObjectRef object = in.object();
    try {
        // The Item is the task's own copy (TBB hands the body a const reference to it and
        // destroys it afterwards), so moving out of it saves the payload's refcount traffic.
        node_->process(std::move(in), out);
    } catch (const std::exception& e) {
        record_failure(object, e.what());
    } catch (...) {
        record_failure(object, "unknown exception");
    }
    if (timed) {
        const std::uint64_t weight = exact ? 1 : k_sample_every;
        const std::uint64_t took = now_ns() - start;
        const std::uint64_t own = took > t_inline_ns ? took - t_inline_ns : 0;
        counters_.busy_ns.fetch_add(own * weight, std::memory_order_relaxed);
    }
    t_timing = outer_timing;
    t_inline_ns = outer_inline_ns;
}

// On a worker inside the arena. reserve_wait: the graph is not idle (a drain does not go on)
// until the pool has run this item and what it emitted is in the graph.
void GraphNode::to_pool(const Item& in) noexcept {
    graph_.reserve_wait();
    try {
        pool_->post([this, item = in]() mutable { run_in_pool(item); });
    } catch (...) {
        graph_.release_wait();
        record_failure(in.object(), "out of memory handing the item to the blocking pool");
    }
}

// On a pool thread, outside the arena. A cancelled task's items are dropped unprocessed: their
// objects were answered when it was cancelled.
void GraphNode::run_in_pool(Item& in) noexcept {
    // The graph stays busy until this function has returned, not only until the task it
    // enqueues below ran: that task can run on a worker and release its wait while this thread
    // is still inside enqueue(), and a drain that then found the graph idle would free the
    // arena under it (TSan: a worker's free_arena against this thread's advertise_new_work).
    // Declared first, so it is released last, after every Item here is gone.
    struct HoldGraph {
        tbb::flow::graph& graph;
        explicit HoldGraph(tbb::flow::graph& g) : graph(g) { graph.reserve_wait(); }
        ~HoldGraph() { graph.release_wait(); }
    } hold(graph_);
    PoolEmitter out(*this);
    if (!task_.cancelled()) process(in, out);
    in = Item();  // the object's reference goes now, not with the arena task
    std::shared_ptr<std::vector<Item>> items;
    try {
        // Shared, so a failed enqueue still has them to fail (and the task moves, not copies).
        items = std::make_shared<std::vector<Item>>(std::move(out.items));
        arena_.enqueue([this, items] {
            for (Item& item : *items) emit(std::move(item));
            graph_.release_wait();
        });
    } catch (...) {
        // No memory for the hand-back: what the body emitted cannot reach the graph, so its
        // objects fail rather than complete as if whole.
        for (const Item& item : items ? *items : out.items)
            record_failure(item.object(),
                           "out of memory handing what it emitted back to the graph");
        graph_.release_wait();
    }
}

std::string GraphNode::finish() noexcept {
    const std::uint64_t start = now_ns();
    std::string error;
    try {
        node_->finish(*this);
    } catch (const std::exception& e) {
        error = record_failure(ObjectRef(), e.what());
    } catch (...) {
        error = record_failure(ObjectRef(), "unknown exception");
    }
    counters_.busy_ns.fetch_add(now_ns() - start, std::memory_order_relaxed);
    return error;
}

std::stop_token GraphNode::stop_token() const noexcept { return task_.stop_token(); }

std::string GraphNode::record_failure(const ObjectRef& object, const char* what) noexcept {
    counters_.errors.fetch_add(1, std::memory_order_relaxed);
    try {
        std::string message =
            fmt::format("component \"{}\" ({}): {}", counters_.id, counters_.provider, what);
        object.fail(message);
        task_.record_error(message);
        return message;
    } catch (...) {
        // Out of memory while reporting: the error count above still records the failure.
        return "a node failed (out of memory while reporting it)";
    }
}

}  // namespace sluice::detail
