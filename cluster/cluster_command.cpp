// cluster_command.cpp — `sluice cluster use|send|status|terminate`: the front side of cluster
// mode from the command line, on ClusterFront.
#include "cluster_command.hpp"

#include <cstdio>
#include <deque>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "command_args.hpp"
#include "front.hpp"

namespace sluice::cluster {
namespace {

constexpr const char* k_cluster_usage =
    "usage: sluice cluster use       --nats URL --token T PIPELINE.pipe\n"
    "       sluice cluster send      --nats URL --token T [FILE...] [--generate N]\n"
    "                                [--senders N] [--window N] [--result-timeout-ms N] [--quiet]\n"
    "       sluice cluster status    --nats URL --token T\n"
    "       sluice cluster terminate --nats URL --token T [--deadline-ms N]\n"
    "  send prints one result per line (JSON) and a summary on stderr; --generate N sends N\n"
    "  small text objects (\"object I\") instead of files.\n";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(fmt::format("{}: cannot open it; check the path", path));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

struct SendPlan {
    std::vector<std::string> files;
    std::int64_t generate = 0;
    std::size_t count() const {
        return generate > 0 ? static_cast<std::size_t>(generate) : files.size();
    }
    std::string object(std::size_t i) const {
        return generate > 0 ? fmt::format("object {}", i) : read_file(files[i]);
    }
};

struct SendTally {
    std::mutex mutex;
    std::uint64_t completed = 0, failed = 0;
    std::string refused;  // the first refusal's message
};

// One sender: objects first, first + stride, ...; at most `window` results awaited at once.
void send_share(ClusterFront& front, const std::string& token, const SendPlan& plan,
                std::size_t first, std::size_t stride, std::size_t window,
                std::chrono::milliseconds result_timeout, bool quiet, SendTally& tally) {
    std::deque<std::future<ClusterResult>> waiting;
    auto collect = [&] {
        std::future<ClusterResult> next = std::move(waiting.front());
        waiting.pop_front();
        if (next.wait_for(result_timeout) != std::future_status::ready)
            throw ClusterError(
                fmt::format("token \"{}\": no result within {} ms; are workers "
                            "running?",
                            token, result_timeout.count()));
        try {
            ClusterResult result = next.get();
            std::lock_guard lock(tally.mutex);
            ++(result.ok() ? tally.completed : tally.failed);
            if (!quiet) fmt::print("{}\n", result.json);
        } catch (const Error& error) {  // stored after a terminate fence: refused
            std::lock_guard lock(tally.mutex);
            if (tally.refused.empty()) tally.refused = error.what();
        }
    };
    try {
        for (std::size_t i = first; i < plan.count(); i += stride) {
            const std::string name =
                plan.generate > 0 ? fmt::format("object-{}", i) : plan.files[i];
            waiting.push_back(front.send_async(token, plan.object(i), "text/plain", name));
            if (waiting.size() >= window) collect();
        }
    } catch (const Error& error) {
        std::lock_guard lock(tally.mutex);
        if (tally.refused.empty()) tally.refused = error.what();
    }
    try {
        while (!waiting.empty()) collect();
    } catch (const Error& error) {  // no result within the timeout
        std::lock_guard lock(tally.mutex);
        if (tally.refused.empty()) tally.refused = error.what();
    }
}

int send(ClusterFront& front, const std::string& token, const CommandArgs& args) {
    SendPlan plan{args.positional, args.number("generate", 0, 0, 100'000'000)};
    const auto senders = static_cast<std::size_t>(args.number("senders", 1, 1, 64));
    const auto window = static_cast<std::size_t>(args.number("window", 256, 1, 100'000));
    const std::chrono::milliseconds timeout(
        args.number("result-timeout-ms", 120'000, 1, 86'400'000));
    SendTally tally;
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (std::size_t s = 0; s < senders; ++s)
        threads.emplace_back([&, s] {
            send_share(front, token, plan, s, senders, window, timeout, args.has("quiet"), tally);
        });
    for (std::thread& thread : threads) thread.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const std::uint64_t answered = tally.completed + tally.failed;
    std::fflush(stdout);
    fmt::print(stderr, "{} results: {} completed, {} failed in {:.2f} s ({:.0f} objects/s)\n",
               answered, tally.completed, tally.failed, seconds,
               seconds > 0 ? static_cast<double>(answered) / seconds : 0.0);
    if (!tally.refused.empty()) {
        fmt::print(stderr, "sluice cluster send: {}\n", tally.refused);
        return 2;
    }
    return tally.failed > 0 ? 1 : 0;
}

int run(const std::string& verb, const CommandArgs& args) {
    if (!args.has("nats") || !args.has("token"))
        throw UsageError(fmt::format("cluster {}: --nats URL and --token T are required", verb));
    FrontOptions options;
    options.urls = args.text("nats");
    options.layout = layout_from(args);
    ClusterFront front(options);
    const std::string token = args.text("token");
    if (verb == "use") {
        if (args.positional.size() != 1)
            throw UsageError("cluster use: give exactly one PIPELINE.pipe");
        front.use(token, read_file(args.positional[0]));
        fmt::print("{}\n", front.status(token).to_json());
        return 0;
    }
    if (verb == "send") return send(front, token, args);
    if (verb == "status") {
        fmt::print("{}\n", front.status(token).to_json());
        return 0;
    }
    const std::chrono::milliseconds deadline(args.number("deadline-ms", 30'000, 0, 86'400'000));
    fmt::print("{}\n", front.terminate(token, deadline).to_json());
    return 0;
}

}  // namespace

int cluster_command(int argc, char** argv) {
    const std::string verb = argc > 1 ? argv[1] : "";
    if (verb != "use" && verb != "send" && verb != "status" && verb != "terminate") {
        std::fputs(k_cluster_usage, verb == "--help" || verb == "help" ? stdout : stderr);
        return verb == "--help" || verb == "help" ? 0 : 2;
    }
    std::vector<std::string> known = {"nats",   "token",       "generate",         "senders",
                                      "window", "deadline-ms", "result-timeout-ms"};
    known.insert(known.end(), k_layout_flags.begin(), k_layout_flags.end());
    try {
        return run(verb, parse_args(argc - 1, argv + 1, known, {"quiet"}));
    } catch (const UsageError& error) {
        fmt::print(stderr, "sluice {}\n", error.what());
        return 2;
    } catch (const Error& error) {
        fmt::print(stderr, "sluice cluster {}: {}\n", verb, error.what());
        return 2;
    }
}

}  // namespace sluice::cluster
