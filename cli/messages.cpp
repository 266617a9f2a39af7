// messages.cpp — prefixed, line-by-line error output on stderr.
#include "messages.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace sluice::cli {
namespace {

void print_prefixed(std::string_view prefix, std::string_view message) {
    std::string out;
    while (!message.empty()) {
        std::size_t newline = message.find('\n');
        std::string_view line = message.substr(0, newline);
        fmt::format_to(std::back_inserter(out), "{}{}\n", prefix, line);
        if (newline == std::string_view::npos) break;
        message.remove_prefix(newline + 1);
    }
    if (out.empty()) out = fmt::format("{}\n", prefix.substr(0, prefix.size() - 1));
    std::fflush(stdout);  // keep stdout and stderr in order on a shared terminal
    std::fputs(out.c_str(), stderr);
}

}  // namespace

void print_error(std::string_view message) { print_prefixed("sluice: ", message); }

void print_file_error(std::string_view file, std::string_view message) {
    print_prefixed(fmt::format("sluice: {}: ", file), message);
}

void print_unexpected(const std::exception_ptr& error) noexcept {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sluice: internal error: %s\n", e.what());
    } catch (...) {
        std::fputs("sluice: internal error (no message); please report it\n", stderr);
    }
}

}  // namespace sluice::cli
