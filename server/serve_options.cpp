// serve_options.cpp — `sluice serve` command-line parsing.
#include "serve_options.hpp"

#include <charconv>
#include <string_view>

#include <fmt/format.h>

#include <sluice/errors.hpp>

namespace sluice::server {

const char* const k_serve_usage =
    "usage: sluice serve [options]\n"
    "  --host ADDR             address to bind (default 127.0.0.1, loopback only)\n"
    "  --port N                port (default 5565; 0 = any free port)\n"
    "  --threads N             network threads (default 2)\n"
    "  --engine-threads N      TBB workers shared by all tasks (default: every core)\n"
    "  --workers-kept-free N   workers no single task may take, so one tenant's compute\n"
    "                          cannot hold them all (default 1; a task gets at least 1)\n"
    "  --api-key-file FILE     accepted API keys, one per line (also: SLUICE_API_KEYS=k1,k2);\n"
    "                          with neither, a key is generated and printed once\n"
    "  --max-message-mb N      largest WebSocket message or HTTP body (default 64)\n"
    "  --drain-deadline S      seconds a terminate may drain before work is cancelled (30)\n"
    "  --ttl S                 idle seconds before a task stops itself; 0 = never (900)\n"
    "limits (what happens at each: see the README's limits table):\n"
    "  --max-connections N     open sockets (1024); past it a new one gets 503 and is closed\n"
    "  --max-unauthenticated-per-ip N\n"
    "                          sockets of one IP without a valid key yet (10); past it: 429\n"
    "  --auth-timeout S        a WebSocket not authenticated within S seconds is closed (10)\n"
    "  --admission-wait S      how long a send or pipe open waits for a full task before\n"
    "                          failing with 429 Busy (10)\n"
    "  --max-inflight N        objects inside one task at once (4096)\n"
    "  --max-tasks N           live tasks on the server (1000); past it: 429\n"
    "  --max-tasks-per-key N   live tasks started with one API key (100); past it: 429\n"
    "  --max-task-mb N         MB of objects inside one task at once (1024); sends wait\n"
    "  --max-components N      components in one pipeline (10000); more: 400\n"
    "  --regex-mb-per-pattern N   RE2 memory of one pattern (2)\n"
    "  --regex-mb-per-pipeline N  RE2 memory of all patterns of one pipeline (64)\n"
    "  --data-dir DIR          the only directory nodes may read or write files in\n"
    "                          (default ./sluice-data, created at start)\n"
    "cluster mode (see the README's Cluster section):\n"
    "  --nats URL[,URL...]     serve the tasks of a NATS JetStream cluster: objects are run by\n"
    "                          `sluice worker` processes, not by this one\n"
    "  --replicas N            replicas of the cluster's streams when this front creates them (1)\n"
    "  --store-max-file-mb N   largest file written through the file store (rrext_store;\n"
    "                          1024); each API key's files are under DATA-DIR/.sluice/store\n"
    "TLS (wss:// and https:// on the same port instead of ws:// and http://):\n"
    "  --tls-cert FILE         the certificate chain (PEM)\n"
    "  --tls-key FILE          its private key (PEM)\n"
    "WebSocket (RocketRide DAP) at ws://HOST:PORT/task/service; HTTP on the same port.\n";

namespace {

template <typename T>
T number(std::string_view option, std::string_view text, T low, T high) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high)
        throw UsageError(fmt::format("{}: expected a number from {} to {}, got \"{}\"", option, low,
                                     high, text));
    return value;
}

constexpr std::size_t k_huge = std::size_t{1} << 40;

// The limit options; false when `arg` is none of them.
bool parse_limit(ServeOptions& o, std::string_view arg, std::string_view value) {
    using std::chrono::seconds;
    if (arg == "--max-connections")
        o.max_connections = number<std::size_t>(arg, value, 1, k_huge);
    else if (arg == "--max-unauthenticated-per-ip")
        o.max_unauthenticated_per_ip = number<std::size_t>(arg, value, 1, k_huge);
    else if (arg == "--auth-timeout")
        o.auth_timeout = seconds(number<unsigned>(arg, value, 1, 3600));
    else if (arg == "--admission-wait")
        o.admission_wait = seconds(number<unsigned>(arg, value, 0, 3600));
    else if (arg == "--workers-kept-free")
        o.workers_kept_free = number<unsigned>(arg, value, 0, 1024);
    else if (arg == "--max-inflight")
        o.max_inflight = number<std::size_t>(arg, value, 1, k_huge);
    else if (arg == "--max-tasks")
        o.max_tasks = number<std::size_t>(arg, value, 1, k_huge);
    else if (arg == "--max-tasks-per-key")
        o.max_tasks_per_key = number<std::size_t>(arg, value, 1, k_huge);
    else if (arg == "--max-task-mb")
        o.max_task_mb = number<std::size_t>(arg, value, 1, 1 << 20);
    else if (arg == "--max-components")
        o.max_components = number<std::size_t>(arg, value, 1, k_huge);
    else if (arg == "--regex-mb-per-pattern")
        o.regex_mb_per_pattern = number<std::size_t>(arg, value, 1, 4096);
    else if (arg == "--regex-mb-per-pipeline")
        o.regex_mb_per_pipeline = number<std::size_t>(arg, value, 1, 1 << 20);
    else if (arg == "--deploy-clock-scale")
        o.deploy_clock_scale = number<unsigned>(arg, value, 1, 3600);
    else if (arg == "--store-max-file-mb")
        o.store_max_file_mb = number<std::size_t>(arg, value, 1, 1 << 20);
    else if (arg == "--data-dir") {
        if (value.empty()) throw UsageError("--data-dir: must not be empty");
        o.data_dir = std::filesystem::path(value);
    } else
        return false;
    return true;
}

}  // namespace

PipelineLimits pipeline_limits_of(const ServeOptions& o) {
    PipelineLimits limits;
    limits.nodes.data_root = o.data_dir;
    limits.nodes.regex_memory_per_pattern = o.regex_mb_per_pattern << 20;
    limits.nodes.regex_memory_per_pipeline = o.regex_mb_per_pipeline << 20;
    limits.max_components = o.max_components;
    return limits;
}

ServeOptions parse_serve_options(int argc, char** argv) {
    ServeOptions o;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            o.help = true;
            continue;
        }
        std::string_view value;
        if (std::size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            throw UsageError(fmt::format("{}: needs a value (see 'sluice serve --help')", arg));
        }
        if (arg == "--host")
            o.host = std::string(value);
        else if (arg == "--port")
            o.port = number<std::uint16_t>(arg, value, 0, 65535);
        else if (arg == "--threads")
            o.io_threads = number<unsigned>(arg, value, 1, 256);
        else if (arg == "--engine-threads")
            o.engine_threads = number<unsigned>(arg, value, 1, 1024);
        else if (arg == "--api-key-file")
            o.api_key_file = std::filesystem::path(value);
        else if (arg == "--max-message-mb")
            o.max_message_bytes = number<std::size_t>(arg, value, 1, 4096) << 20;
        else if (arg == "--drain-deadline")
            o.drain_deadline = std::chrono::seconds(number<unsigned>(arg, value, 1, 86400));
        else if (arg == "--ttl")
            o.default_ttl = number<unsigned>(arg, value, 0, 31'536'000);
        else if (arg == "--nats") {
            if (value.empty()) throw UsageError("--nats: give nats://HOST:PORT[,...]");
            o.nats_urls = std::string(value);
        } else if (arg == "--replicas")
            o.nats_replicas = number<int>(arg, value, 1, 5);
        else if (arg == "--tls-cert")
            o.tls_cert = std::filesystem::path(value);
        else if (arg == "--tls-key")
            o.tls_key = std::filesystem::path(value);
        else if (!parse_limit(o, arg, value))
            throw UsageError(fmt::format("unknown option \"{}\" (see 'sluice serve --help')", arg));
    }
    if (o.host.empty()) throw UsageError("--host: must not be empty");
    if (o.tls_cert.has_value() != o.tls_key.has_value())
        throw UsageError(o.tls_cert
                             ? "--tls-cert: needs --tls-key too (the certificate's private key)"
                             : "--tls-key: needs --tls-cert too (the certificate to serve)");
    return o;
}

}  // namespace sluice::server
