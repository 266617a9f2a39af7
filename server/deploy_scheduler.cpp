// deploy_scheduler.cpp — starting, restarting and watching the tasks of deployments.
#include "deploy_scheduler.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <sluice/errors.hpp>
#include <sluice/pipeline.hpp>

#include "task_service.hpp"

namespace sluice::server {
namespace {

using namespace std::chrono;

constexpr seconds k_max_backoff{60};

std::string shown_state(const Deployment& d, std::uint64_t task_id, const std::string& error) {
    if (d.state == "active" && task_id == 0 && !error.empty()) return "errored";
    return d.state;
}

}  // namespace

ScheduleClock::ScheduleClock(double scale)
    : scale_(scale), wall0_(system_clock::now()), steady0_(steady_clock::now()) {}

sys_seconds ScheduleClock::now() const {
    const auto elapsed = duration<double>(steady_clock::now() - steady0_) * scale_;
    return floor<seconds>(wall0_ + duration_cast<system_clock::duration>(elapsed));
}

// A millisecond late rather than a rounding early: at the steady time returned, now() has
// reached `t`, so a timer armed for it finds its tick due.
steady_clock::time_point ScheduleClock::steady_at(sys_seconds t) const {
    const auto ahead = duration<double>(t - wall0_) / scale_;
    return steady0_ + ceil<steady_clock::duration>(ahead) + milliseconds(1);
}

DeployScheduler::DeployScheduler(net::io_context& ioc, net::thread_pool& blocking,
                                 DeploymentStore& store, Engine& engine, Tasks& tasks,
                                 Monitor& monitor, double clock_scale)
    : strand_(net::make_strand(ioc)),
      timer_(strand_),
      blocking_(blocking),
      store_(store),
      engine_(engine),
      tasks_(tasks),
      monitor_(monitor),
      local_(dynamic_cast<TaskService*>(&tasks) != nullptr),
      clock_(clock_scale) {}

// Closes the gate of the task holding `token` now (terminate without waiting: the drain goes
// on under the task's own identity, with the server's drain deadline). Nothing running under
// it, or already draining: nothing to do.
void DeployScheduler::close_gate(const std::string& token) {
    tasks_.terminate(Json(Json::Object{{"token", token}}), false, [](const Outcome&) {});
}

std::string DeployScheduler::token_of(std::string_view project_id) {
    return fmt::format("deploy-{}", project_id);
}

void DeployScheduler::check_pipeline(const Json& pipeline) const {
    std::vector<Problem> problems = validate_pipeline(pipeline, "", tasks_.limits());
    if (!problems.empty()) throw InvalidPipeline(std::move(problems));
}

void DeployScheduler::start() {
    for (const Deployment& d : store_.list()) deployed(d, false);
}

void DeployScheduler::stop() {
    stopping_.store(true);
    net::post(strand_, [this] { timer_.cancel(); });
}

void DeployScheduler::deployed(const Deployment& d, bool restart) {
    bool pause = false;
    {
        std::lock_guard lock(mutex_);
        Running& r = running_[d.project_id];
        r.record = d;
        r.schedule = Schedule::parse(d.schedule);
        r.next_tick = r.schedule->next_after(clock_.now());
        if (d.state != "active") {
            pause = r.task_id != 0 || r.starting;
            r.task_id = 0;  // its end is ours, not a failure to retry
            r.retry_at.reset();
            r.last_error.clear();
        } else if (restart || (r.task_id == 0 && !r.starting)) {
            launch(r, false);
        }
        announce(r, "deployed");
    }
    if (pause) close_gate(token_of(d.project_id));
    rearm();
}

void DeployScheduler::removed(const std::string& id) {
    {
        std::lock_guard lock(mutex_);
        auto it = running_.find(id);
        if (it == running_.end()) return;
        announce(it->second, "removed");
        running_.erase(it);
    }
    close_gate(token_of(id));
    rearm();
}

// Caller holds mutex_. The task is started on the blocking pool; a start asked for while one
// is under way runs once that one is over (`again`), with the record as it is then.
void DeployScheduler::launch(Running& r, bool by_tick) {
    if (stopping_.load()) return;
    if (r.starting) {
        r.again = true;
        r.again_by_tick = r.again_by_tick || by_tick;
        return;
    }
    r.starting = true;
    r.retry_at.reset();
    const std::uint64_t generation = ++r.generation;
    const std::string token = token_of(r.record.project_id);
    Json args(Json::Object{{"pipeline", r.record.pipeline},
                           {"token", token},
                           {"ttl", 0},  // kept running: never stopped for being idle
                           {"useExisting", false}});
    if (!r.record.name.empty()) args.set("name", r.record.name);
    net::post(blocking_, [this, id = r.record.project_id, key = r.record.created_by,
                          args = std::move(args), token, generation, by_tick] {
        if (stopping_.load())
            return launched(id, generation, Outcome::fail(Failure::unavailable, "stopping"), {},
                            by_tick);
        close_gate(token);
        Outcome outcome = tasks_.execute(args, key);  // counted against its creator's key
        Started started;
        if (outcome.ok() && local_) {
            try {
                TaskStatus s = engine_.status(Token(token));
                started = {s.task_id, s.source};
            } catch (const std::exception& e) {
                outcome = Outcome::fail(Failure::internal, e.what());  // ended at once
            }
        } else if (outcome.ok()) {
            started.source = outcome.body.get_string("source");
        }
        launched(id, generation, outcome, started, by_tick);
    });
}

void DeployScheduler::launched(const std::string& id, std::uint64_t generation,
                               const Outcome& outcome, const Started& started, bool by_tick) {
    const std::uint64_t task_id = started.task_id;
    bool unwanted = false;
    {
        std::lock_guard lock(mutex_);
        auto it = running_.find(id);
        if (it == running_.end() || it->second.generation != generation) {
            unwanted = outcome.ok();  // removed meanwhile
        } else {
            Running& r = it->second;
            r.starting = false;
            if (!outcome.ok()) {
                retry_later(r, outcome.message);
                announce(r, "failed");
            } else if (r.record.state != "active") {
                unwanted = true;  // paused meanwhile
            } else {
                r.task_id = local_ ? task_id : ++remote_starts_;
                r.last_error.clear();
                r.backoff = seconds(1);
                ++r.starts;
                r.restarts += by_tick;
                r.source = started.source;
                announce(r, by_tick ? "restarted" : "started");
            }
            if (r.again && !stopping_.load()) {
                r.again = false;
                launch(r, std::exchange(r.again_by_tick, false));
            }
        }
    }
    if (unwanted) {
        close_gate(token_of(id));
    } else if (outcome.ok() && local_) {
        // Outside the lock: for a task already dead the callback runs inside this call.
        engine_.when_done(Token(token_of(id)),
                          [this, id, task_id](const TaskStatus&) { ended(id, task_id); });
    }
    rearm();
}

// A task of a deployment is dead. When it is the current one and nobody asked for it (the
// scheduler replaces tasks by starting the next first), the deployment starts again later.
void DeployScheduler::ended(const std::string& id, std::uint64_t task_id) {
    {
        std::lock_guard lock(mutex_);
        auto it = running_.find(id);
        if (it == running_.end() || it->second.task_id != task_id) return;
        Running& r = it->second;
        r.task_id = 0;
        if (stopping_.load() || r.starting || r.record.state != "active") return;
        retry_later(r, fmt::format("its task {} ended without the scheduler asking (terminated, "
                                   "or failed); started again in {} s",
                                   token_of(id), r.backoff.count()));
        announce(r, "ended");
    }
    rearm();
}

// Caller holds mutex_.
void DeployScheduler::retry_later(Running& r, std::string error) {
    r.last_error = std::move(error);
    r.retry_at = steady_clock::now() + r.backoff;
    r.backoff = std::min(r.backoff * 2, k_max_backoff);
}

void DeployScheduler::rearm() {
    net::post(strand_, [this] {
        if (stopping_.load()) return;
        std::optional<steady_clock::time_point> earliest;
        auto consider = [&](steady_clock::time_point t) {
            if (!earliest || t < *earliest) earliest = t;
        };
        {
            std::lock_guard lock(mutex_);
            for (const auto& [id, r] : running_) {
                if (r.record.state != "active") continue;
                if (r.next_tick) consider(clock_.steady_at(*r.next_tick));
                if (r.retry_at) consider(*r.retry_at);
            }
        }
        if (!earliest) {
            timer_.cancel();
            return;
        }
        timer_.expires_at(*earliest);  // cancels the wait before: its handler sees aborted
        timer_.async_wait([this](beast::error_code ec) {
            if (ec == net::error::operation_aborted || stopping_.load()) return;
            on_timer();
        });
    });
}

// On the strand: fires what is due, then waits for the next.
void DeployScheduler::on_timer() {
    const sys_seconds now = clock_.now();
    const steady_clock::time_point steady_now = steady_clock::now();
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, r] : running_) {
            if (r.record.state != "active") continue;
            if (r.next_tick && *r.next_tick <= now) {
                r.next_tick = r.schedule->next_after(now);
                launch(r, true);
            } else if (r.retry_at && *r.retry_at <= steady_now) {
                launch(r, false);
            }
        }
    }
    rearm();
}

// Caller holds mutex_. apaevt_deploy, on the `task` bit, keyed like the deployment's task.
void DeployScheduler::announce(const Running& r, std::string_view action) {
    const std::string& id = r.record.project_id;
    Json body(Json::Object{{"action", action},
                           {"deployment_id", id},
                           {"project_id", id},
                           {"token", token_of(id)},
                           {"schedule", r.record.schedule},
                           {"state", shown_state(r.record, r.task_id, r.last_error)},
                           {"starts", r.starts},
                           {"restarts", r.restarts}});
    if (!r.last_error.empty()) body.set("error", r.last_error);
    const std::string source = r.source.empty() ? r.record.pipeline.get_string("source") : r.source;
    monitor_.publish_for(id, source, k_event_task, {"apaevt_deploy", std::move(body), id});
}

Json DeployScheduler::describe(const Deployment& d) const {
    Json out = to_json(d);
    out.set("token", token_of(d.project_id));
    std::lock_guard lock(mutex_);
    auto it = running_.find(d.project_id);
    if (it == running_.end()) return out;
    const Running& r = it->second;
    out.set("state", shown_state(r.record, r.task_id, r.last_error));
    out.set("running", r.task_id != 0);
    out.set("task_id", r.task_id);
    out.set("starts", r.starts);
    out.set("restarts", r.restarts);
    out.set("next_run", r.next_tick ? Json(r.next_tick->time_since_epoch().count()) : Json());
    out.set("last_error", r.last_error);
    return out;
}

void DeployScheduler::metrics(std::string& out) const {
    std::lock_guard lock(mutex_);
    std::size_t active = 0, paused = 0, errored = 0;
    for (const auto& [id, r] : running_) {
        const std::string state = shown_state(r.record, r.task_id, r.last_error);
        active += state == "active";
        paused += state == "paused";
        errored += state == "errored";
    }
    out +=
        "# HELP sluice_deployments Deployments, by state (errored: its last start failed).\n"
        "# TYPE sluice_deployments gauge\n";
    out += fmt::format("sluice_deployments{{state=\"active\"}} {}\n", active);
    out += fmt::format("sluice_deployments{{state=\"paused\"}} {}\n", paused);
    out += fmt::format("sluice_deployments{{state=\"errored\"}} {}\n", errored);
    // Ids hold only letters, digits, '.', '_' and '-' (DeploymentStore::check_id): no escaping.
    out +=
        "# HELP sluice_deployment_starts_total Tasks started for a deployment.\n"
        "# TYPE sluice_deployment_starts_total counter\n";
    for (const auto& [id, r] : running_)
        out +=
            fmt::format("sluice_deployment_starts_total{{deployment=\"{}\"}} {}\n", id, r.starts);
    out +=
        "# HELP sluice_deployment_restarts_total Restarts of a deployment at a cron tick.\n"
        "# TYPE sluice_deployment_restarts_total counter\n";
    for (const auto& [id, r] : running_)
        out += fmt::format("sluice_deployment_restarts_total{{deployment=\"{}\"}} {}\n", id,
                           r.restarts);
}

}  // namespace sluice::server
