// serve_options.hpp — the options of `sluice serve`, parsed from the command line.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace sluice::server {

struct ServeOptions {
    std::string host = "127.0.0.1";  // loopback unless told otherwise
    std::uint16_t port = 5565;       // RocketRide's default; 0 = any free port
    unsigned io_threads = 2;         // threads running the network event loop
    unsigned engine_threads = 0;     // TBB workers for all tasks (0 = the machine's cores)
    std::optional<std::filesystem::path> api_key_file;
    std::size_t max_message_bytes = 64u << 20;  // WebSocket message / HTTP body limit
    std::chrono::milliseconds drain_deadline{30'000};
    double default_ttl = 900;  // idle seconds before a task stops itself (RocketRide's default)
    bool help = false;
};

extern const char* const k_serve_usage;

// Throws UsageError naming the bad option.
ServeOptions parse_serve_options(int argc, char** argv);

}  // namespace sluice::server
