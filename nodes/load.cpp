// load.cpp — `delay` and `cpu_work`: pass every item on unchanged after sleeping or burning a
// fixed amount of CPU, for tests and benchmarks of drain, backpressure, scaling and
// cancellation. Both stop as soon as their task is cancelled (Emitter::stop_token), unless a
// delay is configured `"cancellable": false` to play a careless node.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "builtin_nodes.hpp"
#include "item_metadata.hpp"
#include "node_config.hpp"

namespace sluice::nodes {
namespace {

constexpr std::uint64_t k_iterations_per_check = 4096;  // cpu_work: ~10 us between stop checks

class DelayNode final : public Node {
public:
    DelayNode(std::chrono::milliseconds ms, bool cancellable)
        : ms_(ms), cancellable_(cancellable) {}
    void process(Item item, Emitter& out) override {
        if (!cancellable_) {
            std::this_thread::sleep_for(ms_);  // the node's whole purpose, not synchronisation
        } else {
            // Nothing ever notifies: the wait ends at the deadline or when the stop is requested
            // (wait_for with a stop_token wakes on request_stop). Private per call, so
            // concurrent calls never contend.
            std::mutex mutex;
            std::condition_variable_any wake;
            std::unique_lock lock(mutex);
            std::stop_token stop = out.stop_token();
            wake.wait_for(lock, stop, ms_, [] { return false; });
            if (stop.stop_requested()) throw std::runtime_error("delay: cancelled");
        }
        out.emit(std::move(item));
    }

private:
    std::chrono::milliseconds ms_;
    bool cancellable_;
};

class CpuWorkNode final : public Node {
public:
    explicit CpuWorkNode(std::uint64_t iterations) : iterations_(iterations) {}
    void process(Item item, Emitter& out) override {
        const std::stop_token stop = out.stop_token();
        std::uint64_t x = 0x9E3779B97F4A7C15ull ^ item.size();
        for (std::uint64_t i = 0; i < iterations_; ++i) {  // xorshift64: cannot be folded away
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if (i % k_iterations_per_check == 0 && stop.stop_requested())
                throw std::runtime_error("cpu_work: cancelled");
        }
        // The result goes into metadata so the loop has an observable effect.
        out.emit(item.with_metadata(merged_metadata(item, {{"cpu_work", Json(x & 0xFFFF)}})));
    }

private:
    std::uint64_t iterations_;
};

bool cancellable(const Json& config) {
    const Json* value = config.find("cancellable");
    return !value || !value->is_bool() || value->as_bool();
}

}  // namespace

std::vector<Provider> load_providers() {
    std::vector<Provider> out;
    NodeInfo delay;
    delay.description = "sleeps `ms` per item, then passes it on (tests, benchmarks)";
    delay.lanes = same_lane_rules();
    delay.concurrency = Concurrency::unlimited;
    delay.blocking = true;  // it waits: on the blocking pool, never on a shared worker
    delay.config = {
        {"ms", ConfigType::integer, "milliseconds per item (default 10, max 600000)"},
        {"cancellable", ConfigType::boolean,
         "false: keep sleeping after the task is cancelled, like a careless node (for drain and "
         "shutdown tests; default true)"},
    };
    out.push_back({"delay", std::move(delay), [](const NodeContext& ctx) {
                       return std::make_unique<DelayNode>(
                           std::chrono::milliseconds(config_int(ctx.config, "ms", 10, 0, 600'000)),
                           cancellable(ctx.config));
                   }});
    NodeInfo cpu;
    cpu.description = "burns `iterations` of xorshift per item, then passes it on (benchmarks)";
    cpu.lanes = same_lane_rules();
    cpu.concurrency = Concurrency::unlimited;
    cpu.config = {{"iterations", ConfigType::integer, "work per item (default 100000)"}};
    out.push_back({"cpu_work", std::move(cpu), [](const NodeContext& ctx) {
                       return std::make_unique<CpuWorkNode>(static_cast<std::uint64_t>(
                           config_int(ctx.config, "iterations", 100'000, 0, 1'000'000'000'000)));
                   }});
    return out;
}

}  // namespace sluice::nodes
