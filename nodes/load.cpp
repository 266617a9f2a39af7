// load.cpp — `delay` and `cpu_work`: pass every item on unchanged after sleeping or burning a
// fixed amount of CPU, for tests and benchmarks of drain, backpressure and scaling.
#include <chrono>
#include <cstdint>
#include <thread>

#include "builtin_nodes.hpp"
#include "item_metadata.hpp"
#include "node_config.hpp"

namespace sluice::nodes {
namespace {

class DelayNode final : public Node {
public:
    explicit DelayNode(std::chrono::milliseconds ms) : ms_(ms) {}
    void process(Item item, Emitter& out) override {
        std::this_thread::sleep_for(ms_);  // the node's whole purpose, not synchronisation
        out.emit(std::move(item));
    }

private:
    std::chrono::milliseconds ms_;
};

class CpuWorkNode final : public Node {
public:
    explicit CpuWorkNode(std::uint64_t iterations) : iterations_(iterations) {}
    void process(Item item, Emitter& out) override {
        std::uint64_t x = 0x9E3779B97F4A7C15ull ^ item.size();
        for (std::uint64_t i = 0; i < iterations_; ++i) {  // xorshift64: cannot be folded away
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        // The result goes into metadata so the loop has an observable effect.
        out.emit(item.with_metadata(merged_metadata(item, {{"cpu_work", Json(x & 0xFFFF)}})));
    }

private:
    std::uint64_t iterations_;
};

}  // namespace

std::vector<Provider> load_providers() {
    std::vector<Provider> out;
    NodeInfo delay;
    delay.description = "sleeps `ms` per item, then passes it on (tests, benchmarks)";
    delay.lanes = same_lane_rules();
    delay.concurrency = Concurrency::unlimited;
    delay.config = {{"ms", ConfigType::integer, "milliseconds per item (default 10, max 600000)"}};
    out.push_back({"delay", std::move(delay), [](const NodeContext& ctx) {
                       return std::make_unique<DelayNode>(
                           std::chrono::milliseconds(config_int(ctx.config, "ms", 10, 0, 600'000)));
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
