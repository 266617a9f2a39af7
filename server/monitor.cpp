// monitor.cpp — subscriptions, catch-up events and the status-update ticker.
#include "monitor.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "status_object.hpp"

namespace sluice::server {
namespace {

std::string task_key(std::string_view project_id, std::string_view source) {
    return fmt::format("p.{}.{}", project_id, source);
}

bool key_matches(const std::string& subscribed, const std::string& task) {
    return subscribed == "*" || subscribed == task;
}

// RocketRide's event type names (case-insensitive), an int, or a digit string.
unsigned event_mask(const Json& types) {
    static const std::pair<std::string_view, unsigned> k_bits[] = {
        {"debugger", 1}, {"detail", 2}, {"summary", 4}, {"output", 8}, {"flow", 16},
        {"task", 32},    {"sse", 64},   {"dashboard", 128}, {"all", 255}};
    if (types.is_int()) return static_cast<unsigned>(types.as_int()) & 255u;
    auto bit_of = [&](std::string name) -> unsigned {
        if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit))
            return static_cast<unsigned>(std::stoul(name.substr(0, 3))) & 255u;
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (auto [n, bit] : k_bits)
            if (n == name) return bit;
        return 0;  // unknown names are ignored, as RocketRide does
    };
    if (types.is_string()) return bit_of(types.as_string());
    unsigned mask = 0;
    if (types.is_array())
        for (const Json& t : types.as_array())
            if (t.is_string()) mask |= bit_of(t.as_string());
    return mask;
}

std::string fingerprint(const TaskStatus& s) {
    return fmt::format("{}/{}/{}/{}/{}/{}/{}", static_cast<int>(s.state), s.accepted, s.completed,
                       s.failed, s.words_count, s.bytes_in, s.warnings.size());
}

Json task_entry(const TaskStatus& s) {
    return Json(Json::Object{{"id", fmt::format("{}.{}", s.token.substr(0, 8), s.source)},
                             {"name", s.name.empty() ? s.token : s.name},
                             {"projectId", s.project_id},
                             {"source", s.source}});
}

}  // namespace

Outcome Monitor::key_of(const Json& arguments, std::string& key) const {
    const Json* token = arguments.find("token");
    if (token && token->is_string() && !token->as_string().empty()) {
        if (token->as_string() == "*") {
            key = std::string(1, '*');  // not = "*": GCC 12 warns falsely (-Wrestrict, PR105329)
            return Outcome::success();
        }
        try {
            TaskStatus s = engine_.status(Token(token->as_string()));
            key = task_key(s.project_id, s.source);
        } catch (...) {
            return outcome_of(std::current_exception());
        }
        return Outcome::success();
    }
    const Json* project = arguments.find("projectId");
    const Json* source = arguments.find("source");
    if (project && project->is_string() && source && source->is_string()) {
        key = task_key(project->as_string(), source->as_string());
        return Outcome::success();
    }
    return Outcome::fail(Failure::bad_request,
                         "You must specify either token or projectId/source");
}

Outcome Monitor::subscribe(const std::shared_ptr<EventSink>& sink, const Json& arguments,
                           std::vector<Event>& catch_up) {
    std::string key;
    if (Outcome found = key_of(arguments, key); !found.ok()) return found;
    const Json* types = arguments.find("types");
    if (!types) types = arguments.find("listenType");
    const unsigned mask = types ? event_mask(*types) : 0;
    unsigned gained = mask;
    {
        std::lock_guard lock(mutex_);
        auto it = std::find_if(subscriptions_.begin(), subscriptions_.end(), [&](const auto& s) {
            return s.owner == sink.get() && s.key == key;
        });
        if (it != subscriptions_.end()) {
            gained = mask & ~it->mask;
            if (mask == 0) subscriptions_.erase(it);
            else it->mask = mask;
        } else if (mask != 0) {
            subscriptions_.push_back({sink, sink.get(), key, mask});
        }
        catch_up = catch_up_for(key, gained);
    }
    return Outcome::success();
}

// Caller holds mutex_. Statuses are read from the engine (never blocks on a task).
std::vector<Event> Monitor::catch_up_for(const std::string& key, unsigned gained) {
    std::vector<Event> events;
    if (!(gained & (k_event_summary | k_event_task))) return events;
    std::vector<TaskStatus> live;
    for (const TaskStatus& s : engine_.tasks())
        if (!s.dead() && key_matches(key, task_key(s.project_id, s.source))) live.push_back(s);
    if (gained & k_event_summary) {
        for (const TaskStatus& s : live) events.push_back({"apaevt_status_update", status_object(s), {}});
        if (live.empty() && key != "*") {
            // "p.<project>.<source>": the source is after the last dot (project ids are UUIDs).
            std::string_view rest = std::string_view(key).substr(2);
            std::size_t dot = rest.rfind('.');
            events.push_back({"apaevt_status_update",
                              idle_status_object(rest.substr(0, dot), rest.substr(dot + 1)), {}});
        }
    }
    if (gained & k_event_task) {
        Json::Array tasks;
        for (const TaskStatus& s : live) tasks.push_back(task_entry(s));
        events.push_back({"apaevt_task",
                          Json(Json::Object{{"action", "running"}, {"tasks", std::move(tasks)}}),
                          {}});
    }
    return events;
}

void Monitor::unsubscribe_all(const EventSink* sink) {
    std::lock_guard lock(mutex_);
    std::erase_if(subscriptions_, [&](const Subscription& s) { return s.owner == sink; });
}

void Monitor::track(const Token& token) {
    TaskStatus s = engine_.status(token);
    Followed f{token, task_key(s.project_id, s.source), s.project_id, s.source,
               s.name.empty() ? s.token : s.name, fingerprint(s)};
    Event begin{"apaevt_task",
                Json(Json::Object{{"action", "begin"}, {"name", f.name},
                                  {"projectId", f.project_id}, {"source", f.source}}),
                fmt::format("{}.{}", s.token.substr(0, 8), s.source)};
    {
        std::lock_guard lock(mutex_);
        if (!followed_.emplace(token.task_id(), f).second) return;  // useExisting: known
        publish(f.key, k_event_task, begin);
    }
    // Outside the lock: for a task already dead, on_end runs inside this call.
    const std::uint64_t id = token.task_id();
    engine_.when_done(token, [this, id](const TaskStatus& final_status) { on_end(id, final_status); });
}

void Monitor::on_end(std::uint64_t task_id, const TaskStatus& final_status) {
    std::lock_guard lock(mutex_);
    auto it = followed_.find(task_id);
    if (it == followed_.end()) return;
    Followed f = std::move(it->second);
    followed_.erase(it);
    publish(f.key, k_event_summary, {"apaevt_status_update", status_object(final_status), {}});
    publish(f.key, k_event_task,
            {"apaevt_task",
             Json(Json::Object{{"action", "end"}, {"name", f.name}, {"projectId", f.project_id},
                               {"source", f.source}}),
             fmt::format("{}.{}", final_status.token.substr(0, 8), f.source)});
}

void Monitor::tick() {
    std::lock_guard lock(mutex_);
    const bool anyone = std::any_of(subscriptions_.begin(), subscriptions_.end(),
                                    [](const auto& s) { return s.mask & k_event_summary; });
    if (!anyone) return;
    for (auto& [id, f] : followed_) {
        TaskStatus s;
        try {
            s = engine_.status(f.token);
        } catch (...) {
            continue;  // no longer retained: its end event was (or will be) sent by on_end
        }
        std::string now = fingerprint(s);
        if (now == f.fingerprint) continue;
        f.fingerprint = std::move(now);
        publish(f.key, k_event_summary, {"apaevt_status_update", status_object(s), {}});
    }
}

void Monitor::publish_for(std::string_view project_id, std::string_view source, unsigned bit,
                          const Event& event) {
    std::lock_guard lock(mutex_);
    publish(task_key(project_id, source), bit, event);
}

// Caller holds mutex_.
void Monitor::publish(const std::string& key, unsigned bit, const Event& event) {
    for (const Subscription& s : subscriptions_) {
        if (!(s.mask & bit) || !key_matches(s.key, key)) continue;
        if (auto sink = s.sink.lock()) sink->push_event(event.name, event.body, event.id);
    }
}

}  // namespace sluice::server
