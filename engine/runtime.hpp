// runtime.hpp — the TBB side of a task: its arena, cancellation context, flow graph and nodes.
// Released as a whole when the task is dead.
#pragma once

#include <memory>
#include <vector>

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include "blocking_pool.hpp"
#include "graph_node.hpp"
#include "inbox.hpp"

namespace sluice::detail {

struct Runtime {
    // `threads` slots for workers, so the graph progresses with no caller inside the arena
    // (senders only enqueue), plus one slot reserved for the drain thread: without it,
    // wait_for_all's task_arena::execute finds the arena full and delegates the wait to a worker,
    // which then sits blocked in this task's wait while other tasks starve for workers.
    explicit Runtime(unsigned threads) : arena(static_cast<int>(threads) + 1, 1) {}

    tbb::task_arena arena;
    // isolated: cancelling this task never touches another context, and vice versa.
    tbb::task_group_context context{tbb::task_group_context::isolated};
    // Declared before the nodes so it is destroyed after them (oneTBB #985: a graph destroyed
    // before its nodes deadlocks).
    std::unique_ptr<tbb::flow::graph> graph;
    std::vector<std::unique_ptr<GraphNode>> nodes;  // topological order, source first
    std::unique_ptr<Inbox> inbox;  // senders' items on their way to the source; empty when idle
    std::shared_ptr<JobQueue> pool;  // this task's share of the blocking pool (if it needs one)
};

}  // namespace sluice::detail
