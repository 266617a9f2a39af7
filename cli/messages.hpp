// messages.hpp — how the CLI talks to the user on stderr: every line starts with "sluice: ".
#pragma once

#include <exception>
#include <string_view>

namespace sluice::cli {

// "sluice: <message>", one prefixed line per line of `message`.
void print_error(std::string_view message);
// "sluice: <file>: <message>", one prefixed line per line of `message`.
void print_file_error(std::string_view file, std::string_view message);

// For a failure nothing more specific caught: the message only, never the exception's type.
void print_unexpected(const std::exception_ptr& error) noexcept;

}  // namespace sluice::cli
