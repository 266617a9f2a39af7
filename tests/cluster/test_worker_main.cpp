// test_worker_main.cpp — `sluice worker` and `sluice cluster` with one more provider for the
// cluster tests: test_check aborts the whole process on the text "poison" (a node that crashes its
// worker), fails every object whose text starts with "fail" (a node error), and passes everything
// on after `ms` milliseconds (so a kill -9 lands mid-run). The front validates pipelines against
// its own providers, so the tests' fronts run this binary too.
#include <chrono>
#include <cstdlib>
#include <string_view>
#include <thread>

#include <sluice/sluice.hpp>

#include "cluster_command.hpp"

namespace {

struct Checker final : sluice::Node {
    explicit Checker(int delay_ms) : ms(delay_ms) {}
    void process(sluice::Item item, sluice::Emitter& out) override {
        if (item.data() == "poison") std::abort();
        if (item.data().starts_with("fail")) item.object().fail("test_fail: refused this object");
        // A stand-in for real work, so that objects are in flight when a test kills a worker.
        if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        out.emit(item.with_lane(sluice::Lane::text));
    }
    int ms;
};

sluice::NodeInfo text_to_text() {
    sluice::NodeInfo info;
    info.lanes = {{sluice::Lane::text, {sluice::Lane::text}}};
    info.concurrency = sluice::Concurrency::unlimited;
    return info;
}

}  // namespace

int main(int argc, char** argv) {
    sluice::register_node("test_check", text_to_text(), [](const sluice::NodeContext& ctx) {
        return std::make_unique<Checker>(static_cast<int>(ctx.config.get_int("ms", 0)));
    });
    if (argc > 1 && std::string_view(argv[1]) == "cluster")
        return sluice::cluster::cluster_command(argc - 1, argv + 1);
    return sluice::cluster::worker_command(argc - 1, argv + 1);
}
