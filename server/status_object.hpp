// status_object.hpp — a task's status in RocketRide's TASK_STATUS shape (every key the clients
// read, numeric states), plus a few sluice extras (token, inFlight, nodes).
#pragma once

#include <sluice/json.hpp>
#include <sluice/status.hpp>

namespace sluice::server {

// RocketRide's numeric task states.
enum class RrState { none = 0, starting = 1, initializing = 2, running = 3, stopping = 4,
                     completed = 5, cancelled = 6 };

RrState rr_state(TaskState state) noexcept;
Json status_object(const TaskStatus& status);
// The status of "no task" (rrext_monitor catch-up with nothing running).
Json idle_status_object(std::string_view project_id, std::string_view source);

}  // namespace sluice::server
