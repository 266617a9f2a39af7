// inputs.hpp — the files `sluice run` and `sluice validate` read: opening, checking, naming.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice::cli {

// "cannot read <path>: <strerror(err)>"
std::string cannot_read(std::string_view path, int err);

// Opens `path` read-only (a directory fails with EISDIR); -1 with errno set on failure.
int open_input(const std::string& path);

// Opens every input but "-" once, before any work starts; one message per unreadable input.
std::vector<std::string> unreadable_inputs(const std::vector<std::string>& inputs);

// Reads a whole file. Throws UsageError(cannot_read(...)).
std::string read_file(const std::string& path);

// The object name for a file: its last path component ("poem.md" for "examples/poem.md").
std::string base_name(std::string_view path);

}  // namespace sluice::cli
