// housekeeper.cpp — sleeps until the next deadline or ttl expiry, then acts on it.
#include "housekeeper.hpp"

#include <algorithm>

#include "task.hpp"

namespace sluice::detail {

Housekeeper::Housekeeper(std::function<void(std::shared_ptr<Task>)> on_idle)
    : on_idle_(std::move(on_idle)), thread_([this] { run(); }) {}

Housekeeper::~Housekeeper() { stop(); }

void Housekeeper::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Housekeeper::add_deadline(Clock::time_point when, std::shared_ptr<Task> task,
                               std::string reason) {
    {
        std::lock_guard lock(mutex_);
        deadlines_.push_back({when, std::move(task), std::move(reason)});
    }
    cv_.notify_all();
}

void Housekeeper::watch_ttl(std::weak_ptr<Task> task) {
    {
        std::lock_guard lock(mutex_);
        ttl_tasks_.push_back(std::move(task));
    }
    cv_.notify_all();
}

// Collects what is due and returns when to look again. Called with mutex_ held.
Housekeeper::Clock::time_point Housekeeper::sweep(Clock::time_point now,
                                                  std::vector<Deadline>& expired,
                                                  std::vector<std::shared_ptr<Task>>& idle) {
    Clock::time_point next = Clock::time_point::max();
    std::erase_if(deadlines_, [&](Deadline& d) {
        if (d.task->done().wait_for(std::chrono::seconds(0)) == std::future_status::ready)
            return true;
        if (d.when <= now) {
            expired.push_back(std::move(d));
            return true;
        }
        next = std::min(next, d.when);
        return false;
    });
    std::erase_if(ttl_tasks_, [&](std::weak_ptr<Task>& weak) {
        std::shared_ptr<Task> task = weak.lock();
        if (!task || !task->running()) return true;
        const auto ttl = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(task->ttl_seconds()));
        auto since = task->idle_since();
        // Busy now: look again one ttl from now (an object completing restarts the clock).
        Clock::time_point expiry = since ? *since + ttl : now + ttl;
        if (expiry <= now) {
            idle.push_back(std::move(task));
            return true;
        }
        next = std::min(next, expiry);
        return false;
    });
    return next;
}

void Housekeeper::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        std::vector<Deadline> expired;
        std::vector<std::shared_ptr<Task>> idle;
        Clock::time_point next = sweep(Clock::now(), expired, idle);
        if (!expired.empty() || !idle.empty()) {
            lock.unlock();
            for (auto& d : expired) d.task->cancel(d.reason);
            for (auto& task : idle) on_idle_(std::move(task));
            lock.lock();
            continue;
        }
        if (next == Clock::time_point::max()) cv_.wait(lock);
        else cv_.wait_until(lock, next);
    }
}

}  // namespace sluice::detail
