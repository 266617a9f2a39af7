// pipe_table.hpp — one connection's open data pipes (rrext_process), by pipe id. Opened on the
// blocking pool, written and closed on the connection's strand: hence the lock.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "tasks.hpp"

namespace sluice::server {

class PipeTable {
public:
    int add(std::shared_ptr<ObjectPipe> shared) {
        std::lock_guard lock(mutex_);
        int id = next_id_++;
        pipes_.emplace(id, std::move(shared));
        return id;
    }
    std::shared_ptr<ObjectPipe> find(int id) {
        std::lock_guard lock(mutex_);
        auto it = pipes_.find(id);
        return it == pipes_.end() ? nullptr : it->second;
    }
    std::shared_ptr<ObjectPipe> take(int id) {
        std::lock_guard lock(mutex_);
        auto it = pipes_.find(id);
        if (it == pipes_.end()) return nullptr;
        auto pipe = std::move(it->second);
        pipes_.erase(it);
        return pipe;
    }
    // The connection went away: close every pipe it left open. Their objects complete and are
    // counted like any other (nobody is left to receive the results).
    std::size_t close_all() {
        std::unordered_map<int, std::shared_ptr<ObjectPipe>> left;
        {
            std::lock_guard lock(mutex_);
            left.swap(pipes_);
        }
        for (auto& [id, pipe] : left)
            if (pipe->is_open()) pipe->close_then([](Outcome) {});
        return left.size();
    }
    std::size_t size() {
        std::lock_guard lock(mutex_);
        return pipes_.size();
    }

private:
    std::mutex mutex_;
    int next_id_ = 1;
    std::unordered_map<int, std::shared_ptr<ObjectPipe>> pipes_;
};

}  // namespace sluice::server
