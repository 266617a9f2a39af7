// inbox.hpp — how senders' items reach a task's source. Senders are outside the task's arena,
// so they cannot try_put into the graph (see Task::inject); each used to enqueue one arena task
// per item. Now they push onto a queue, and only the sender that finds it idle enqueues a
// drainer: one drainer at a time takes the items in batches inside the arena.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <vector>

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/task_arena.h>

#include "graph_node.hpp"

namespace sluice::detail {

class Inbox {
public:
    Inbox(tbb::task_arena& arena, tbb::flow::graph& graph, GraphNode& source) noexcept
        : arena_(arena), graph_(graph), source_(source) {}
    Inbox(const Inbox&) = delete;
    Inbox& operator=(const Inbox&) = delete;

    // From a sender. reserve_wait keeps the item counted by wait_for_all until it is in the
    // graph. Throws (std::bad_alloc) only when nothing was queued.
    void push(Item item) {
        graph_.reserve_wait();
        try {
            queue_.push(std::move(item));
        } catch (...) {
            graph_.release_wait();
            throw;
        }
        publish(1);
    }

    // A sender's batch: one count and at most one drainer start for all of `items`, which it
    // leaves empty. Throws (std::bad_alloc) with the items it could not queue left in `items`;
    // those it queued are counted, so they still drain.
    void push_all(std::vector<Item>& items) {
        std::size_t queued = 0;
        try {
            for (; queued < items.size(); ++queued) {
                graph_.reserve_wait();
                try {
                    queue_.push(std::move(items[queued]));
                } catch (...) {
                    graph_.release_wait();
                    throw;
                }
            }
        } catch (...) {
            publish(queued);
            items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(queued));
            throw;
        }
        publish(queued);
        items.clear();
    }

    // Before waiting for the graph: restarts a drainer that could not be enqueued (no memory).
    void kick() noexcept {
        if (stalled_.exchange(false, std::memory_order_acq_rel)) start_drainer();
    }

private:
    // Counts `queued` items pushed above.
    void publish(std::size_t queued) noexcept {
        // acq_rel: the drainer that takes this count sees the pushes before it; and the sender
        // that moves the count off zero is the one that starts a drainer.
        if (queued != 0 && pending_.fetch_add(queued, std::memory_order_acq_rel) == 0)
            start_drainer();
    }

    // task_arena::enqueue advertises the work with a full fence: no worker misses it.
    void start_drainer() noexcept {
        try {
            arena_.enqueue([this] { drain(); });
        } catch (...) {
            stalled_.store(true, std::memory_order_release);  // kick() retries
        }
    }

    void drain() noexcept {
        constexpr std::size_t k_batch = 64;  // then this worker runs what the batch spawned
        const std::size_t todo =
            std::min<std::size_t>(pending_.load(std::memory_order_acquire), k_batch);
        for (std::size_t i = 0; i < todo; ++i) {
            Item item;
            // Succeeds: the only drainer pops, and each counted item was pushed before it was
            // counted (try_pop waits for a push still writing an earlier slot).
            if (queue_.try_pop(item)) source_.accept_in_arena(item);
        }
        tbb::flow::graph& graph = graph_;
        // Before the wait counts go: once the last does, the drain may free this inbox.
        // acq_rel: pairs with the senders' fetch_add, so `left` items were pushed.
        const std::size_t left = pending_.fetch_sub(todo, std::memory_order_acq_rel) - todo;
        if (left != 0) start_drainer();  // hand over: still one drainer at a time
        for (std::size_t i = 0; i < todo; ++i) graph.release_wait();
    }

    tbb::task_arena& arena_;
    tbb::flow::graph& graph_;
    GraphNode& source_;
    tbb::concurrent_queue<Item> queue_;
    alignas(64) std::atomic<std::size_t> pending_{0};  // pushed, not yet taken by a drainer
    std::atomic<bool> stalled_{false};
};

}  // namespace sluice::detail
