// test_nodes.hpp — providers only the tests register: slow, throwing, buffering, gated and
// probing nodes, plus the pipelines the engine tests share.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <sluice/sluice.hpp>

namespace sluice::test {

// Registers the test providers once per process (idempotent).
void register_test_nodes();

// A named gate for test_valve (and test_serial_valve) nodes: bodies block in it until the test
// opens it.
class Valve {
public:
    static std::shared_ptr<Valve> get(const std::string& name);
    void open();
    void pass();    // called by the node: counts an arrival, waits until open
    void arrive();  // counts an arrival without waiting
    // Blocks until `n` bodies have arrived, at most `bound` (false then).
    bool wait_arrivals(int n, std::chrono::milliseconds bound = std::chrono::seconds(30));
    int arrivals() const { return arrived_.load(); }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool open_ = false;
    std::atomic<int> arrived_{0};
};

// test_blocking_count_*: how many bodies run now, and the most that ever ran at once.
struct BodyConcurrency {
    std::atomic<int> running{0};
    std::atomic<int> most{0};
};
BodyConcurrency& body_concurrency();

// How many test_stop_wait bodies saw their task's stop token requested (process-wide).
std::atomic<int>& stop_seen();

// test_probe calls the hook registered under its config "probe" name for every item.
void set_probe(const std::string& name, std::function<void(const Item&)> hook);

// webhook -> <middle...> -> response, each middle a provider with `middle_config`.
std::string chain_pipeline(std::initializer_list<std::string> middle,
                           const std::string& middle_config = "{}");
// The same with a config per middle component: {provider, config JSON}, named n0, n1, ...
std::string chain_pipeline_with(const std::vector<std::pair<std::string, std::string>>& middle);

inline constexpr const char* k_echo_pipeline = R"({
  "components": [
    {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
    {"id": "out", "provider": "response", "config": {"lanes": []},
     "input": [{"lane": "text", "from": "in"}]}
  ]})";

}  // namespace sluice::test
