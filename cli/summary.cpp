// summary.cpp — the summary line: counts, throughput over the task's life, and drain time.
#include "summary.hpp"

#include <chrono>

#include <fmt/format.h>

namespace sluice::cli {

std::string format_summary(const TaskStatus& status) {
    using namespace std::chrono;
    // The task's whole life, start to dead; a task that never ended reports no rate.
    double seconds = status.ended > status.started
                         ? duration<double>(status.ended - status.started).count()
                         : 0.0;
    double objects_per_s = seconds > 0 ? static_cast<double>(status.accepted) / seconds : 0.0;
    double mib_per_s =
        seconds > 0 ? static_cast<double>(status.bytes_in) / (1024.0 * 1024.0) / seconds : 0.0;
    auto drain_ms = duration_cast<milliseconds>(status.drain_duration).count();
    return fmt::format("{} objects, {} failed, {:.0f} objects/s, {:.2f} MiB/s, drain {} ms",
                       status.accepted, status.failed, objects_per_s, mib_per_s, drain_ms);
}

}  // namespace sluice::cli
