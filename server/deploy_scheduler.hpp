// deploy_scheduler.hpp — keeps deployments running (beyond RocketRide, whose scheduler is not
// enabled): each active deployment runs as one task under the token "deploy-<project_id>",
// started when it is added and again when the server starts; a cron schedule restarts it at
// each tick (terminate with the drain deadline, then start: the old task drains under its own
// identity while the new one already takes work); a task that ends otherwise (terminated by a
// client, its start refused) is started again after a backoff of 1 s doubling up to 60 s.
// One timer on the server's io_context serves every deployment; no thread waits per
// deployment. Starts run on the server's blocking pool (they build graphs).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <sluice/engine.hpp>
#include <sluice/json.hpp>

#include "cron.hpp"
#include "deployments.hpp"
#include "monitor.hpp"
#include "net.hpp"
#include "tasks.hpp"

namespace sluice::server {

// The time schedules are read in: the wall clock (UTC), or, for tests, one that runs `scale`
// times faster from the moment it is made (--deploy-clock-scale 60: a minute per second).
class ScheduleClock {
public:
    explicit ScheduleClock(double scale = 1);
    std::chrono::sys_seconds now() const;
    // The steady time at which the schedule time `t` comes.
    std::chrono::steady_clock::time_point steady_at(std::chrono::sys_seconds t) const;

private:
    double scale_;
    std::chrono::system_clock::time_point wall0_;
    std::chrono::steady_clock::time_point steady0_;
};

class DeployScheduler {
public:
    // `engine` is the in-process one: when `tasks` runs on it (local mode) the scheduler
    // watches each task's end there; in cluster mode (--nats) a task that ends other than by
    // the scheduler is not noticed, so it is started again only at the next tick.
    DeployScheduler(net::io_context& ioc, net::thread_pool& blocking, DeploymentStore& store,
                    Engine& engine, Tasks& tasks, Monitor& monitor, double clock_scale);

    static std::string token_of(std::string_view project_id);

    // Throws InvalidPipeline / UsageError for a pipeline that could not start.
    void check_pipeline(const Json& pipeline) const;

    void start();  // starts every active deployment of the store and arms the timer
    void stop();   // the server is shutting down: nothing is started any more

    // The store changed. `restart`: (re)start the task now (pipeline changed, or resumed).
    // Throws UsageError for a schedule that does not parse (the store checked it before).
    void deployed(const Deployment& d, bool restart);
    void removed(const std::string& id);

    // The record plus what runs it: token, running, task_id, starts, restarts, next_run
    // (Unix seconds in schedule time, null when manual), last_error.
    Json describe(const Deployment& d) const;
    DeploymentStore& store() noexcept { return store_; }
    void metrics(std::string& out) const;  // Prometheus families sluice_deployment*

private:
    struct Running {
        Deployment record;   // its tasks count against record.created_by's key
        std::string source;  // of its task, once one started (events are keyed by it)
        std::optional<Schedule> schedule;
        std::optional<std::chrono::sys_seconds> next_tick;
        std::optional<std::chrono::steady_clock::time_point> retry_at;
        std::chrono::seconds backoff{1};
        std::uint64_t task_id = 0;     // the task running it now; 0 = none
        std::uint64_t generation = 0;  // bumped at each start: a late callback is ignored
        bool starting = false;
        bool again = false, again_by_tick = false;  // asked to start while starting
        std::uint64_t starts = 0, restarts = 0;
        std::string last_error;
    };

    void launch(Running& r, bool by_tick);  // caller holds mutex_
    struct Started {
        std::uint64_t task_id = 0;
        std::string source;
    };
    void launched(const std::string& id, std::uint64_t generation, const Outcome& outcome,
                  const Started& started, bool by_tick);
    void ended(const std::string& id, std::uint64_t task_id);
    void retry_later(Running& r, std::string error);  // caller holds mutex_
    void rearm();  // posts to the strand: the timer waits for the earliest due time
    void on_timer();
    void announce(const Running& r, std::string_view action);  // caller holds mutex_
    void close_gate(const std::string& token);  // of the task holding it now; drains alone

    net::strand<net::io_context::executor_type> strand_;
    net::steady_timer timer_;  // the strand's
    net::thread_pool& blocking_;
    DeploymentStore& store_;
    Engine& engine_;
    Tasks& tasks_;
    Monitor& monitor_;
    const bool local_;                 // tasks_ runs on engine_
    std::uint64_t remote_starts_ = 0;  // cluster mode: stands for a task id; under mutex_
    ScheduleClock clock_;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;  // running_; never held while calling the engine's use()
    std::map<std::string, Running, std::less<>> running_;
};

}  // namespace sluice::server
