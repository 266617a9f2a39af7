// blocking_pool.cpp — the blocking pool's threads, and the per-owner queues in front of it.
#include "blocking_pool.hpp"

namespace sluice::detail {

BlockingPool::BlockingPool(unsigned threads) {
    threads_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

BlockingPool::~BlockingPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
}

void BlockingPool::post(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
}

void BlockingPool::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        // Jobs are only posted by tasks that are not yet buried: the wait has a documented end
        // (the destructor's stopping_), and every job posted before it still runs.
        cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        std::function<void()> job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        job();
        job = nullptr;  // what it captured goes before the lock is taken again
        lock.lock();
    }
}

JobQueue::JobQueue(JobSink& parent, std::shared_ptr<JobQueue> keep_parent, std::size_t limit)
    : parent_(parent), keep_parent_(std::move(keep_parent)), limit_(limit == 0 ? 1 : limit) {}

void JobQueue::post(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        if (running_ >= limit_) {
            waiting_.push_back(std::move(job));
            return;
        }
        ++running_;
    }
    start(std::move(job));
}

void JobQueue::start(std::function<void()> job) {
    parent_.post([self = shared_from_this(), job = std::move(job)] {
        job();
        self->finished();
    });
}

// One of this queue's jobs is over: the next waiting one takes its place in the parent.
void JobQueue::finished() noexcept {
    std::function<void()> next;
    {
        std::lock_guard lock(mutex_);
        if (waiting_.empty()) {
            --running_;
            return;
        }
        next = std::move(waiting_.front());
        waiting_.pop_front();
    }
    start(std::move(next));  // may throw bad_alloc: noexcept turns that into a loud stop
}

}  // namespace sluice::detail
