// summary.hpp — the last line `sluice run` writes to stderr, from the task's final status:
//   sluice: N objects, F failed, X objects/s, Y MiB/s, drain Z ms
// (format_summary returns the text after "sluice: "; print_error adds the prefix).
#pragma once

#include <string>

#include <sluice/status.hpp>

namespace sluice::cli {

std::string format_summary(const TaskStatus& status);

}  // namespace sluice::cli
