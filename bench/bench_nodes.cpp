// bench_nodes.cpp — the benchmark's own providers and pipelines. Each node body calls the same
// work function as the matching hand-written baseline node.
#include "bench_nodes.hpp"

#include <chrono>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include <sluice/sluice.hpp>

#include "work.hpp"

namespace bench {
namespace {

sluice::NodeInfo text_to_text(sluice::Concurrency concurrency) {
    sluice::NodeInfo info;
    info.lanes = {{sluice::Lane::text, {sluice::Lane::text}}};
    info.concurrency = concurrency;
    return info;
}

struct CopyNode final : sluice::Node {
    void process(sluice::Item item, sluice::Emitter& out) override {
        out.emit(item.with(sluice::Lane::text, copy_text(item.data())));
    }
};

struct CpuNode final : sluice::Node {
    double micros;
    explicit CpuNode(double m) : micros(m) {}
    void process(sluice::Item item, sluice::Emitter& out) override {
        volatile std::uint64_t sink = cpu_work(micros);
        (void)sink;
        out.emit(std::move(item));
    }
};

// Sleeps config.ms per item: the careless node of scenario 8, declared blocking or not.
struct SleepNode final : sluice::Node {
    std::chrono::milliseconds ms;
    explicit SleepNode(double m) : ms(static_cast<long>(m)) {}
    void process(sluice::Item item, sluice::Emitter& out) override {
        std::this_thread::sleep_for(ms);  // the node's whole purpose, not synchronisation
        out.emit(std::move(item));
    }
};

struct ValveNode final : sluice::Node {
    void process(sluice::Item item, sluice::Emitter& out) override {
        valve().pass();
        out.emit(std::move(item));
    }
};

}  // namespace

void register_bench_nodes() {
    static std::once_flag once;
    std::call_once(once, [] {
        auto copy = text_to_text(sluice::Concurrency::unlimited);
        copy.description = "copies the text (benchmark)";
        sluice::register_node("bench_copy", std::move(copy), [](const sluice::NodeContext&) {
            return std::make_unique<CopyNode>();
        });
        auto cpu = text_to_text(sluice::Concurrency::unlimited);
        cpu.description = "burns config.micros of CPU per item (benchmark)";
        cpu.config = {{"micros", sluice::ConfigType::number, "work per item", true}};
        sluice::register_node("bench_cpu", std::move(cpu), [](const sluice::NodeContext& ctx) {
            return std::make_unique<CpuNode>(ctx.config.find("micros")->as_double());
        });
        for (bool blocking : {false, true}) {
            auto sleep = text_to_text(sluice::Concurrency::unlimited);
            sleep.blocking = blocking;
            sleep.description = blocking ? "sleeps config.ms per item on the blocking pool "
                                           "(benchmark)"
                                         : "sleeps config.ms per item on a TBB worker (benchmark)";
            sleep.config = {{"ms", sluice::ConfigType::number, "milliseconds per item", true}};
            sluice::register_node(
                blocking ? "bench_sleep_blocking" : "bench_sleep", std::move(sleep),
                [](const sluice::NodeContext& ctx) {
                    return std::make_unique<SleepNode>(ctx.config.find("ms")->as_double());
                });
        }
        // serial: the first item holds one worker at the valve, the rest queue behind it.
        auto held = text_to_text(sluice::Concurrency::serial);
        held.description = "waits at the benchmark's valve (benchmark)";
        sluice::register_node("bench_valve", std::move(held), [](const sluice::NodeContext&) {
            return std::make_unique<ValveNode>();
        });
    });
}

std::string chain_pipeline(const std::vector<std::string>& middle, const std::string& config) {
    std::string components = R"({"id": "in", "provider": "webhook", "config": {"mode": "Source"}})";
    std::string prev = "in";
    for (std::size_t i = 0; i < middle.size(); ++i) {
        std::string id = fmt::format("n{}", i + 1);
        components += fmt::format(
            R"(, {{"id": "{}", "provider": "{}", "config": {}, "input": [{{"lane": "text", "from": "{}"}}]}})",
            id, middle[i], middle[i] == "bench_cpu" ? config : "{}", prev);
        prev = id;
    }
    components += fmt::format(
        R"(, {{"id": "out", "provider": "response", "input": [{{"lane": "text", "from": "{}"}}]}})",
        prev);
    return fmt::format(R"({{"source": "in", "components": [{}]}})", components);
}

std::string diamond_pipeline() {
    return R"({"source": "in", "components": [
        {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
        {"id": "a", "provider": "bench_copy", "input": [{"lane": "text", "from": "in"}]},
        {"id": "b", "provider": "bench_copy", "input": [{"lane": "text", "from": "in"}]},
        {"id": "c", "provider": "bench_copy", "input": [{"lane": "text", "from": "in"}]},
        {"id": "out", "provider": "response", "input": [{"lane": "text", "from": "a"},
            {"lane": "text", "from": "b"}, {"lane": "text", "from": "c"}]}]})";
}

std::string echo_pipeline() { return chain_pipeline({}); }

}  // namespace bench
