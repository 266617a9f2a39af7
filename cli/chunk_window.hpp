// chunk_window.hpp — how far `sluice run` may get ahead of the pipeline when it streams a large
// file as a pipe of chunks: a pipe write never waits, so the sender itself waits until the
// nodes fed by the source have taken all but `window` of the chunks it wrote.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <sluice/engine.hpp>

#include "interrupt.hpp"

namespace sluice::cli {

class ChunkWindow {
public:
    // `window`: chunks that may wait inside the task at once.
    ChunkWindow(Engine& engine, const Token& token, const PipelineSpec& spec, std::size_t window);

    // Call when a pipe opens: its chunks are counted from here.
    void start();
    // After writing chunk number `written` (1-based) of the current pipe: waits until the
    // source's consumers have taken all but `window` of them, or `stop` fires, or the task
    // stops running.
    void wait_room(std::uint64_t written, const Interrupt& stop);

private:
    std::uint64_t taken();  // items taken so far by the source's busiest consumer

    Engine& engine_;
    const Token& token_;
    std::vector<std::size_t> consumers_;  // indices into TaskStatus::nodes
    std::size_t window_;
    std::uint64_t baseline_ = 0;
};

}  // namespace sluice::cli
