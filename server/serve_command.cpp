// serve_command.cpp — `sluice serve`: options and keys, then the server until a signal.
#include "serve_command.hpp"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include <sluice/errors.hpp>

#include "server.hpp"

namespace sluice::server {

int serve_command(int argc, char** argv) {
    ServeOptions options;
    try {
        options = parse_serve_options(argc, argv);
    } catch (const UsageError& e) {
        fmt::print(stderr, "sluice serve: {}\n", e.what());
        return 2;
    }
    if (options.help) {
        std::fputs(k_serve_usage, stdout);
        return 0;
    }
    ApiKeys keys;
    try {
        const char* env = std::getenv("SLUICE_API_KEYS");
        keys = ApiKeys::load(env ? env : "", options.api_key_file);
    } catch (const UsageError& e) {
        fmt::print(stderr, "sluice serve: {}\n", e.what());
        return 2;
    }
    if (keys.empty())
        fmt::print("sluice serve: no API key given; generated one for this run: {}\n",
                   keys.generate());

    Server server(std::move(options), std::move(keys));
    tcp::endpoint at;
    try {
        at = server.listen();
    } catch (const std::exception& e) {
        fmt::print(stderr, "sluice serve: cannot listen: {}\n", e.what());
        return 1;
    }
    const std::string host = at.address().to_string();
    fmt::print("sluice serve: listening on http://{}:{} (WebSocket ws://{}:{}/task/service)\n",
               host, at.port(), host, at.port());
    std::fflush(stdout);
    ServeSummary s = server.run();
    fmt::print("sluice serve: stopped after {:.1f} s: {} connections, {} tasks, {} objects "
               "accepted, {} completed, {} failed\n",
               s.seconds, s.connections, s.tasks, s.accepted, s.completed, s.failed);
    std::fflush(stdout);
    return 0;
}

}  // namespace sluice::server
