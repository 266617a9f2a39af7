// sluice/status.hpp — a task's state and counters, live or final.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

enum class TaskState {
    Running,     // gate open, accepting sends
    Draining,    // gate closed, finishing what was accepted
    Terminated,  // drained completely; every accepted object got its result
    Cancelled,   // the drain deadline cut the drain; what was left was failed
    Failed,      // the task could not run (internal error); what was left was failed
};

std::string_view to_string(TaskState state) noexcept;

struct NodeStatus {
    std::string id;
    std::string provider;
    std::uint64_t items_in = 0;
    std::uint64_t items_out = 0;
    std::uint64_t errors = 0;
    std::chrono::nanoseconds busy{0};  // time inside process() and finish(); past a node's
                                       // first 64 items, estimated from one item in 16
                                       // (every item timed when `profiled`)
    // With UseOptions::profile_nodes: items handed to the node that its process() has not
    // started yet: its queue, or for an unlimited node the items waiting for a free worker,
    // and a blocking node's pool queue (not the source's inbox). A live estimate from two
    // counters read one after the other; 0 when not profiled.
    std::uint64_t waiting = 0;
    bool profiled = false;  // the task was started with UseOptions::profile_nodes
};

struct TaskStatus {
    std::string token;
    std::uint64_t task_id = 0;  // distinguishes tasks that reused one caller-chosen token
    std::string name;
    std::string project_id;
    std::string source;
    TaskState state = TaskState::Running;
    // Invariant once the task is dead: accepted == completed + failed.
    std::uint64_t accepted = 0;
    std::uint64_t completed = 0;
    std::uint64_t failed = 0;
    std::uint64_t in_flight = 0;  // live: objects inside the graph now (<= max_inflight)
    std::uint64_t bytes_in = 0;   // payload bytes sent into the task
    std::uint64_t bytes_out = 0;  // payload bytes collected into results
    std::uint64_t completed_bytes = 0;  // bytes sent for the objects that completed
    std::uint64_t failed_bytes = 0;     // bytes sent for the objects that failed
    std::uint64_t words_count = 0;  // words counted by nodes (ObjectRef::count_words)
    std::uint64_t words_size = 0;   // bytes of the text those words were counted in
    std::chrono::system_clock::time_point started;
    std::chrono::system_clock::time_point ended;  // epoch while not dead
    std::chrono::nanoseconds drain_duration{0};
    std::string last_error;
    std::vector<std::string> warnings;  // the most recent object warnings (at most 32)
    std::vector<NodeStatus> nodes;  // topological order, source first

    bool dead() const noexcept {
        return state != TaskState::Running && state != TaskState::Draining;
    }
};

std::string to_json(const TaskStatus& status);

// Receives a task's final status (Engine::terminate, when_done), once, under the same rules as
// ResultCallback (sluice/result.hpp).
using StatusCallback = std::function<void(const TaskStatus&)>;

}  // namespace sluice
