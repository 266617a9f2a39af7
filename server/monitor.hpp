// monitor.hpp — rrext_monitor subscriptions and the events they receive: status updates
// (throttled, and one when a task ends) and task begin/end, with the catch-up events a new
// subscription gets at once.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <sluice/engine.hpp>
#include <sluice/json.hpp>

#include "outcome.hpp"

namespace sluice::server {

// Where events go: a connection. push_event is thread-safe and never blocks.
class EventSink {
public:
    virtual void push_event(std::string event, Json body, std::string id) = 0;

protected:
    ~EventSink() = default;
};

struct Event {
    std::string name;
    Json body;
    std::string id;
};

// RocketRide's event type bits.
inline constexpr unsigned k_event_summary = 4;
inline constexpr unsigned k_event_task = 32;

class Monitor {
public:
    explicit Monitor(Engine& engine) : engine_(engine) {}

    // rrext_monitor: sets `sink`'s event types for one task key (token, or projectId+source,
    // or token "*" for all); an empty list removes it. `catch_up` receives the events to send
    // right after the response.
    Outcome subscribe(const std::shared_ptr<EventSink>& sink, const Json& arguments,
                      std::vector<Event>& catch_up);
    void unsubscribe_all(const EventSink* sink);

    // A task the server started: announces it (apaevt_task begin) and follows it until it ends.
    void track(const Token& token);
    // Sends a status update for every followed task whose counters changed since the last one.
    void tick();
    // Sends `event` to the subscribers of `bit` for that project and source (and to "*").
    void publish_for(std::string_view project_id, std::string_view source, unsigned bit,
                     const Event& event);

private:
    struct Subscription {
        std::weak_ptr<EventSink> sink;
        const EventSink* owner;
        std::string key;  // "*" or "p.<project_id>.<source>"
        unsigned mask;
    };
    struct Followed {
        Token token;
        std::string key;
        std::string project_id, source, name;
        std::string fingerprint;  // of the last status sent
    };

    void on_end(std::uint64_t task_id, const TaskStatus& final_status);
    void publish(const std::string& key, unsigned bit, const Event& event);
    std::vector<Event> catch_up_for(const std::string& key, unsigned gained);
    Outcome key_of(const Json& arguments, std::string& key) const;

    Engine& engine_;
    std::mutex mutex_;
    std::vector<Subscription> subscriptions_;
    std::unordered_map<std::uint64_t, Followed> followed_;  // by task id
};

}  // namespace sluice::server
