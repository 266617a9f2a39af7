// bench_sampler.cpp — the status() sampling thread.
#include "bench_sampler.hpp"

#include <algorithm>
#include <chrono>

namespace sluice::cli {
namespace {

constexpr std::chrono::milliseconds k_period{25};

}  // namespace

QueueSampler::QueueSampler(Engine& engine, Token token)
    : engine_(engine), token_(std::move(token)) {
    thread_ = std::thread([this] { run(); });
}

QueueSampler::~QueueSampler() { stop(); }

void QueueSampler::measure() noexcept { measuring_.store(true, std::memory_order_release); }

std::vector<QueueSampler::Depth> QueueSampler::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    return depths_;
}

void QueueSampler::run() {
    std::unique_lock lock(mutex_);
    // The timed wait is the sampling period, not synchronisation: stop() wakes it at once.
    while (!wake_.wait_for(lock, k_period, [this] { return stopping_; })) {
        if (!measuring_.load(std::memory_order_acquire)) continue;
        lock.unlock();
        TaskStatus status;
        try {
            status = engine_.status(token_);
        } catch (const std::exception&) {  // the task is gone: nothing more to sample
            lock.lock();
            break;
        }
        if (depths_.size() < status.nodes.size()) depths_.resize(status.nodes.size());
        for (std::size_t i = 0; i < status.nodes.size(); ++i) {
            Depth& d = depths_[i];
            d.max = std::max(d.max, status.nodes[i].waiting);
            d.sum += status.nodes[i].waiting;
            ++d.samples;
        }
        lock.lock();
    }
}

}  // namespace sluice::cli
