// node_harness.hpp — running one built-in node between `webhook` and `response`, reading its
// use() error text, its metadata (through test_metadata) and making large inputs.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sluice/sluice.hpp>

#include "support/checks.hpp"

// Failing CHECKs on lists of result values print the values.
template <>
struct doctest::StringMaker<std::vector<std::string>> {
    static doctest::String convert(const std::vector<std::string>& values) {
        return fmt::format("[{}]", fmt::join(values, " | ")).c_str();
    }
};

namespace sluice::test {

// An Emitter whose stop the test controls (as the engine's is requested on cancel); it keeps
// what the node emits. For calling a node's process() directly.
class StoppableEmitter final : public Emitter {
public:
    void emit(Item item) override {
        std::lock_guard lock(mutex_);
        emitted_.push_back(std::move(item));
    }
    std::stop_token stop_token() const noexcept override { return source.get_token(); }
    std::size_t emitted() const {
        std::lock_guard lock(mutex_);
        return emitted_.size();
    }

    std::stop_source source;

private:
    mutable std::mutex mutex_;
    std::vector<Item> emitted_;
};

// One instance of a registered provider with `config` (JSON text), built outside any engine.
std::unique_ptr<Node> build_node(const std::string& provider, const std::string& config = "{}");

// A sink for any lane that records each item's metadata (JSON) in the result under "meta".
void register_metadata_probe();

// webhook -(in_lane)-> node(provider, config) -(out_lanes)-> response [+ test_metadata].
std::string node_pipeline(const std::string& provider, const std::string& config = "{}",
                          const std::string& in_lane = "text",
                          const std::vector<std::string>& out_lanes = {"text"},
                          bool probe_metadata = false);

// Sends one object through a fresh task, terminates it, checks the accounting.
Result run_node(const std::string& pipeline, std::string_view data,
                std::string_view mime = "text/plain");

// The InvalidPipeline text use() throws ("" when the pipeline is accepted).
std::string use_error(const std::string& pipeline);

// `bytes` of repeated `unit`, cut at a unit boundary.
std::string repeated(std::string_view unit, std::size_t bytes);

// The values of result field `key` ({} when absent).
std::vector<std::string> values_of(const Result& r, std::string_view key);

inline double mb_per_s(std::size_t bytes, std::chrono::steady_clock::duration d) {
    return static_cast<double>(bytes) / 1e6 /
           std::max(1e-9, std::chrono::duration<double>(d).count());
}

}  // namespace sluice::test
