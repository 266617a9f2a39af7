// worker_command.cpp — `sluice worker --nats URL[,URL...]`: runs a worker until SIGTERM/SIGINT,
// then finishes what runs and prints a summary line.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "cluster_command.hpp"
#include "command_args.hpp"
#include "worker.hpp"

namespace sluice::cluster {
namespace {

constexpr const char* k_worker_usage =
    "usage: sluice worker --nats URL[,URL...] [--capacity N] [--threads N] [--name NAME]\n"
    "                     [--drain-deadline-ms N] [--replicas N] [--ack-wait-ms N]\n"
    "                     [--max-deliver N] [--max-ack-pending N] [--max-bytes N]\n";

// Blocks SIGINT/SIGTERM in every thread made from here on (libnats', TBB's), and takes them in
// one thread with sigtimedwait, which sets `stop`.
class StopSignals {
public:
    explicit StopSignals(std::atomic<bool>& stop) : stop_(stop) {
        sigemptyset(&set_);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set_, nullptr);
        thread_ = std::thread([this] { wait(); });
    }
    ~StopSignals() {
        done_.store(true, std::memory_order_relaxed);  // polled within 200 ms
        thread_.join();
    }
    int signal() const { return signal_.load(std::memory_order_relaxed); }

private:
    void wait() {
        const timespec tick{0, 200'000'000};
        while (!done_.load(std::memory_order_relaxed)) {
            int got = sigtimedwait(&set_, nullptr, &tick);
            if (got > 0) {
                signal_.store(got, std::memory_order_relaxed);
                stop_.store(true, std::memory_order_relaxed);  // a request flag, see worker.cpp
                return;
            }
        }
    }
    std::atomic<bool>& stop_;
    sigset_t set_{};
    std::atomic<bool> done_{false};
    std::atomic<int> signal_{0};
    std::thread thread_;
};

}  // namespace

int worker_command(int argc, char** argv) {
    std::vector<std::string> known = {"nats", "capacity", "threads", "name", "drain-deadline-ms"};
    known.insert(known.end(), k_layout_flags.begin(), k_layout_flags.end());
    WorkerOptions options;
    try {
        CommandArgs args = parse_args(argc, argv, known, {"help"});
        if (args.has("help")) {
            std::fputs(k_worker_usage, stdout);
            return 0;
        }
        if (!args.has("nats") || !args.positional.empty())
            throw UsageError(fmt::format("worker: {}", args.has("nats")
                                                           ? "takes no positional argument"
                                                           : "--nats URL is required"));
        options.urls = args.text("nats");
        options.capacity = static_cast<std::size_t>(args.number("capacity", 256, 1, 100'000));
        options.threads = static_cast<unsigned>(args.number("threads", 0, 0, 1024));
        options.name = args.text("name", options.name);
        options.drain_deadline =
            std::chrono::milliseconds(args.number("drain-deadline-ms", 30'000, 0, 3'600'000));
        options.layout = layout_from(args);
        options.on_ready = [&options] {
            fmt::print(stderr, "sluice worker: ready on {} (capacity {})\n", options.urls,
                       options.capacity);
        };
    } catch (const Error& error) {
        fmt::print(stderr, "sluice {}\n{}", error.what(), k_worker_usage);
        return 2;
    }
    std::atomic<bool> stop{false};
    StopSignals signals(stop);
    try {
        WorkerSummary summary = run_worker(options, stop);
        fmt::print(stderr,
                   "sluice worker: stopped; {} completed, {} failed, {} duplicates, {} publish "
                   "retries, {} unfinished\n",
                   summary.counts.completed, summary.counts.failed, summary.counts.duplicates,
                   summary.counts.publish_retries, summary.unfinished);
        return 0;
    } catch (const Error& error) {
        fmt::print(stderr, "sluice worker: {}\n", error.what());
        return 2;
    }
}

}  // namespace sluice::cluster
