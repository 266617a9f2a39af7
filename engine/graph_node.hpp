// graph_node.hpp — one component of a running task: the user's Node inside a
// tbb::flow::function_node, with its routes per output lane and its counters.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/task_arena.h>

#include <sluice/node.hpp>

#include "blocking_pool.hpp"

namespace sluice::detail {

class Task;

// Lives as long as the task (status reads it after the graph is gone). One cache line each:
// neighbouring nodes run on different workers and must not invalidate each other's counters.
struct alignas(64) NodeCounters {
    std::string id;
    std::string provider;
    std::atomic<std::uint64_t> items_in{0};
    std::atomic<std::uint64_t> items_out{0};
    std::atomic<std::uint64_t> errors{0};
    std::atomic<std::uint64_t> busy_ns{0};
    // UseOptions::profile_nodes: set before the graph runs, read-only afterwards.
    bool profiled = false;
    std::atomic<std::uint64_t> arrived{0};  // items handed to the node (profiled only)

    // Items arrived but not yet started. Relaxed: a monitoring estimate, not a synchronisation;
    // items_in is read first and only grows after an item arrived, so the difference is rarely
    // off, and never negative once clamped.
    std::uint64_t waiting() const noexcept {
        const std::uint64_t started = items_in.load(std::memory_order_relaxed);
        const std::uint64_t seen = arrived.load(std::memory_order_relaxed);
        return seen > started ? seen - started : 0;
    }
    void count_arrival() noexcept {
        if (profiled) arrived.fetch_add(1, std::memory_order_relaxed);
    }
};

class GraphNode final : public Emitter {
public:
    // `pool` is where a blocking node's bodies run (nullptr for a node that does not block).
    GraphNode(tbb::flow::graph& graph, tbb::task_arena& arena, std::unique_ptr<Node> node,
              Concurrency concurrency, std::shared_ptr<JobQueue> pool, NodeCounters& counters,
              Task& task);
    GraphNode(const GraphNode&) = delete;
    GraphNode& operator=(const GraphNode&) = delete;

    void put(const Item& item) {
        counters_.count_arrival();
        function_.try_put(item);
    }
    // Takes an item on a thread inside the task's arena: an unlimited node runs its body right
    // here (saving a task), a serial one queues it so its concurrency still holds, a blocking
    // one hands it to the pool.
    void accept_in_arena(Item& item) noexcept {
        counters_.count_arrival();
        if (pool_)
            to_pool(item);
        else if (unlimited_)
            run(item);
        else
            function_.try_put(item);
    }
    // Hands each item to the nodes routed from its lane. Inside a graph task, the last (or
    // only) target of an unlimited node runs right here instead of in a task of its own (see
    // "inline hand-over" in graph_node.cpp).
    void emit(Item item) override;
    std::stop_token stop_token() const noexcept override;
    void add_route(Lane lane, GraphNode* target) {
        routes_[static_cast<std::size_t>(lane)].push_back(target);
    }
    bool has_route(Lane lane) const noexcept {
        return !routes_[static_cast<std::size_t>(lane)].empty();
    }
    // Calls Node::finish. An exception is counted against this node and returned as a message
    // naming the node ("" when finish() returned normally), never propagated.
    std::string finish() noexcept;

private:
    struct Body {
        GraphNode* self;
        tbb::flow::continue_msg operator()(const Item& in) const {
            self->run_task(in);
            return {};
        }
    };
    // The body of this node's graph task: may hand items on inline (emit).
    void run_task(const Item& in) noexcept;
    void run(const Item& in) noexcept { process(const_cast<Item&>(in), *this); }
    // Gives `item` to `target`: inline when this thread may still hand over inline and both
    // this node and the target run any number of items at once in the arena, else through the
    // target's graph node.
    void pass(GraphNode& target, Item& item) noexcept;
    // Counts, times and calls Node::process, keeping every exception inside.
    void process(Item& in, Emitter& out) noexcept;
    void to_pool(const Item& in) noexcept;
    void run_in_pool(Item& in) noexcept;
    std::string record_failure(const ObjectRef& object, const char* what) noexcept;

    std::unique_ptr<Node> node_;
    tbb::flow::graph& graph_;
    tbb::task_arena& arena_;
    std::shared_ptr<JobQueue> pool_;
    NodeCounters& counters_;
    Task& task_;
    std::array<std::vector<GraphNode*>, k_lane_count> routes_;
    bool unlimited_;
    tbb::flow::function_node<Item> function_;  // last: destroyed first
};

}  // namespace sluice::detail
