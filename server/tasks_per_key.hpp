// tasks_per_key.hpp — live tasks counted per API key id (--max-tasks-per-key), so one key
// cannot take every task the server allows. Thread-safe; shared with the engine's task-end
// callbacks, which may run after the TaskService is gone.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sluice::server {

class TasksPerKey {
public:
    // One more live task for `key_id`, unless it holds `limit` already.
    bool try_take(const std::string& key_id, std::size_t limit) {
        std::lock_guard lock(mutex_);
        std::size_t& n = live_[key_id];
        if (n >= limit) return false;
        ++n;
        return true;
    }
    void give_back(const std::string& key_id) noexcept {
        std::lock_guard lock(mutex_);
        auto it = live_.find(key_id);
        if (it != live_.end() && --it->second == 0) live_.erase(it);
    }
    std::size_t live(const std::string& key_id) const {
        std::lock_guard lock(mutex_);
        auto it = live_.find(key_id);
        return it == live_.end() ? 0 : it->second;
    }

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::size_t> live_;
};

}  // namespace sluice::server
