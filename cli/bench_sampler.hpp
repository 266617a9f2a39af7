// bench_sampler.hpp — samples a task's status() while `sluice bench` measures it: the items
// waiting at each node (NodeStatus::waiting, from UseOptions::profile_nodes), every 25 ms.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include <sluice/engine.hpp>

namespace sluice::cli {

class QueueSampler {
public:
    struct Depth {
        std::uint64_t max = 0;
        std::uint64_t sum = 0;
        std::uint64_t samples = 0;
    };

    // Starts sampling at once; samples count only between measure() and stop().
    QueueSampler(Engine& engine, Token token);
    ~QueueSampler();  // stop()
    QueueSampler(const QueueSampler&) = delete;
    QueueSampler& operator=(const QueueSampler&) = delete;

    void measure() noexcept;
    // Stops and joins the sampling thread; the depths per node, in status() order.
    std::vector<Depth> stop();

private:
    void run();

    Engine& engine_;
    Token token_;
    // Release/acquire: the sampler thread sees the measuring flag set by the sender soon; its
    // own figures are read only after the join.
    std::atomic<bool> measuring_{false};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::vector<Depth> depths_;  // the sampling thread's until joined
    std::thread thread_;
};

}  // namespace sluice::cli
