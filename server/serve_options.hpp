// serve_options.hpp — the options of `sluice serve`, parsed from the command line.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <sluice/pipeline.hpp>

namespace sluice::server {

struct ServeOptions {
    std::string host = "127.0.0.1";  // loopback unless told otherwise
    std::uint16_t port = 5565;       // RocketRide's default; 0 = any free port
    unsigned io_threads = 2;         // threads running the network event loop
    unsigned engine_threads = 0;     // TBB workers for all tasks (0 = the machine's cores)
    unsigned workers_kept_free = 1;  // workers no single task may take (multi-tenant default)
    std::optional<std::filesystem::path> api_key_file;
    std::size_t max_message_bytes = 64u << 20;  // WebSocket message / HTTP body limit
    std::chrono::milliseconds drain_deadline{30'000};
    double default_ttl = 900;  // idle seconds before a task stops itself (RocketRide's default)
    // Clients that have not proved a key yet.
    std::chrono::seconds auth_timeout{10};        // a WebSocket must authenticate within this
    std::size_t max_connections = 1024;           // open sockets; past it: 503 and close
    std::size_t max_unauthenticated_per_ip = 10;  // RocketRide's default
    // Admission: how long a send or pipe open may wait for a full task before Busy (429).
    std::chrono::milliseconds admission_wait{10'000};
    std::size_t max_inflight = 4096;  // objects inside one task at once
    // Limits fed to the engine (0 = no limit where noted).
    std::size_t max_tasks = 1000;                    // live tasks on the server
    std::size_t max_tasks_per_key = 100;             // live tasks started with one API key
    std::filesystem::path data_dir = "sluice-data";  // made absolute and canonical at start
    std::size_t regex_mb_per_pattern = 2;
    std::size_t regex_mb_per_pipeline = 64;
    std::size_t max_components = 10'000;
    std::size_t max_task_mb = 1024;  // bytes of objects inside one task at once
    // Cluster mode: tasks run on the workers of a NATS JetStream cluster instead of in this
    // process. Empty = local mode (the default).
    std::string nats_urls;
    int nats_replicas = 1;  // of the streams and bucket, when this front creates them
    // Schedule time runs this many times faster than the wall clock (tests: a minute per
    // second at 60). Hidden from --help: for tests only.
    double deploy_clock_scale = 1;
    std::size_t store_max_file_mb = 1024;  // one file written through rrext_store
    // TLS: both set = wss:// and https:// on the port (checked at start).
    std::optional<std::filesystem::path> tls_cert, tls_key;
    bool help = false;
};

extern const char* const k_serve_usage;

// What a pipeline may ask for on this server (components, data root, regex memory).
PipelineLimits pipeline_limits_of(const ServeOptions& options);

// Throws UsageError naming the bad option.
ServeOptions parse_serve_options(int argc, char** argv);

}  // namespace sluice::server
