// drain_threads.hpp — one thread per drain (a drain waits, so it must not sit on a TBB worker,
// and one slow drain must not delay another). Finished threads are joined on the next spawn.
#pragma once

#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice::detail {

class DrainThreads {
public:
    DrainThreads() = default;
    ~DrainThreads() { join_all(); }
    DrainThreads(const DrainThreads&) = delete;
    DrainThreads& operator=(const DrainThreads&) = delete;

    void spawn(std::function<void()> work) {
        reap();
        std::lock_guard lock(mutex_);
        auto it = threads_.emplace(threads_.end());
        *it = std::thread([this, it, work = std::move(work)] {
            work();
            std::lock_guard done_lock(mutex_);
            finished_.push_back(it);
        });
    }

    // Waits for every drain; a node body that never returns blocks here (TBB cannot abort it).
    void join_all() {
        std::list<std::thread> threads;
        {
            std::lock_guard lock(mutex_);
            threads.swap(threads_);
            finished_.clear();
        }
        for (auto& t : threads)
            if (t.joinable()) t.join();
        std::lock_guard lock(mutex_);
        finished_.clear();  // entries pushed by the threads just joined point into `threads`
    }

private:
    void reap() {
        std::vector<std::list<std::thread>::iterator> done;
        std::list<std::thread> joinable;
        {
            std::lock_guard lock(mutex_);
            done.swap(finished_);
            for (auto it : done) joinable.splice(joinable.end(), threads_, it);
        }
        for (auto& t : joinable) t.join();  // each has finished its work and only exits now
    }

    std::mutex mutex_;
    std::list<std::thread> threads_;
    std::vector<std::list<std::thread>::iterator> finished_;
};

}  // namespace sluice::detail
