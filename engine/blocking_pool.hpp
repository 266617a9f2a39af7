// blocking_pool.hpp — the threads that run the process() of nodes declaring NodeInfo::blocking.
// A node that sleeps or waits on I/O there holds none of the TBB workers every task shares.
// The pool is bounded (EngineOptions::blocking_threads for the whole engine), and jobs reach it
// through JobQueues, which cap how many of one owner's jobs run at once: one per serial node
// (its concurrency), and all but one of the pool's threads per task (so one task's slow node
// cannot take the pool from the others).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice::detail {

// Where a job can be posted. A job must not throw.
class JobSink {
public:
    virtual void post(std::function<void()> job) = 0;

protected:
    ~JobSink() = default;
};

class BlockingPool final : public JobSink {
public:
    explicit BlockingPool(unsigned threads);
    // Joins the threads after the jobs already posted have run. The engine destroys the pool
    // only after every task is buried, so none are left by then.
    ~BlockingPool();
    BlockingPool(const BlockingPool&) = delete;
    BlockingPool& operator=(const BlockingPool&) = delete;

    unsigned threads() const noexcept { return static_cast<unsigned>(threads_.size()); }
    void post(std::function<void()> job) override;

private:
    void work();

    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

// One owner's jobs: at most `limit` of them at once in `parent`, the rest waiting here in the
// order they came. Shared: each job keeps its queue (and a queue its parent queue) alive.
class JobQueue final : public JobSink, public std::enable_shared_from_this<JobQueue> {
public:
    // `parent` is a queue (kept alive by `keep_parent`) or the pool (which outlives the queue).
    JobQueue(JobSink& parent, std::shared_ptr<JobQueue> keep_parent, std::size_t limit);
    void post(std::function<void()> job) override;

private:
    void start(std::function<void()> job);
    void finished() noexcept;

    JobSink& parent_;
    std::shared_ptr<JobQueue> keep_parent_;
    const std::size_t limit_;
    std::mutex mutex_;
    std::size_t running_ = 0;  // posted to the parent and not finished
    std::deque<std::function<void()>> waiting_;
};

}  // namespace sluice::detail
