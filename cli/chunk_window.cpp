// chunk_window.cpp — see chunk_window.hpp.
#include "chunk_window.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <sluice/errors.hpp>

namespace sluice::cli {

ChunkWindow::ChunkWindow(Engine& engine, const Token& token, const PipelineSpec& spec,
                         std::size_t window)
    : engine_(engine), token_(token), window_(std::max<std::size_t>(window, 1)) {
    // TaskStatus::nodes is in the spec's (topological) order.
    for (std::size_t i = 0; i < spec.components.size(); ++i)
        for (const InputSpec& input : spec.components[i].inputs)
            if (input.from == spec.source) {
                consumers_.push_back(i);
                break;
            }
}

// The busiest consumer: a chunk travels on one lane, so only the consumers of that lane see it.
std::uint64_t ChunkWindow::taken() {
    TaskStatus status = engine_.status(token_);
    std::uint64_t most = 0;
    for (std::size_t i : consumers_)
        if (i < status.nodes.size()) most = std::max(most, status.nodes[i].items_in);
    return most;
}

void ChunkWindow::start() { baseline_ = taken(); }

void ChunkWindow::wait_room(std::uint64_t written, const Interrupt& stop) {
    if (consumers_.empty()) return;  // nothing downstream: chunks end at the source
    // Polled: the engine has no event for "an item was taken". A millisecond per look keeps
    // the cost negligible next to a chunk's worth of work.
    try {
        while (written > window_ + (taken() - baseline_) && !stop.requested()) {
            if (engine_.status(token_).state != TaskState::Running) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    } catch (const Error&) {  // the task is gone: the next write says so
    }
}

}  // namespace sluice::cli
