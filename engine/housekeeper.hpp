// housekeeper.hpp — the engine's one timer thread: drain deadlines and idle (ttl) tasks.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::detail {

class Task;

class Housekeeper {
public:
    using Clock = std::chrono::steady_clock;
    // `on_idle` is called (without locks held) for a running task idle for its ttl.
    explicit Housekeeper(std::function<void(std::shared_ptr<Task>)> on_idle);
    ~Housekeeper();  // stops the thread
    Housekeeper(const Housekeeper&) = delete;
    Housekeeper& operator=(const Housekeeper&) = delete;

    // At `when`, cancels the task's drain if it has not finished.
    void add_deadline(Clock::time_point when, std::shared_ptr<Task> task, std::string reason);
    void watch_ttl(std::weak_ptr<Task> task);
    void stop();

private:
    void run();
    struct Deadline;
    Clock::time_point sweep(Clock::time_point now, std::vector<Deadline>& expired,
                            std::vector<std::shared_ptr<Task>>& idle);

    struct Deadline {
        Clock::time_point when;
        std::shared_ptr<Task> task;
        std::string reason;  // what the failed objects report
    };
    std::function<void(std::shared_ptr<Task>)> on_idle_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<Deadline> deadlines_;
    std::vector<std::weak_ptr<Task>> ttl_tasks_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace sluice::detail
