// sluice/node.hpp — the node interface, what a provider declares about itself, and the registry.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/item.hpp>
#include <sluice/json.hpp>
#include <sluice/lane.hpp>

namespace sluice {

// Where a node sends what it produces. emit() routes the item to every consumer of its lane;
// an item on a lane nobody consumes is dropped. Cheap; never blocks.
class Emitter {
public:
    virtual void emit(Item item) = 0;
    // Requested once the task is cancelled (its drain deadline passed, or the engine shut
    // down): every object still in flight has been answered as failed, and what is emitted
    // now is dropped. A node doing long work checks it (or waits on it, e.g. with
    // std::condition_variable_any) and returns early. Never requested for a node that is
    // draining normally.
    virtual std::stop_token stop_token() const noexcept { return {}; }
    bool stop_requested() const noexcept { return stop_token().stop_requested(); }

protected:
    ~Emitter() = default;
};

// One instance per component per task. process() is called for every item that arrives on an
// accepted lane; finish() once, when the task drains, after every item has been processed, so a
// node that buffers can emit what it holds. An exception from process() fails that item's object
// only (counted against the node); one from finish() is counted against the node.
class Node {
public:
    virtual ~Node() = default;
    virtual void process(Item item, Emitter& out) = 0;
    virtual void finish(Emitter& out) { (void)out; }
};

enum class Concurrency {
    serial,     // process() is never called concurrently on one instance
    unlimited,  // process() may run on several threads at once: the node must be thread-safe
};

// "text in, documents out": RocketRide writes this as "lanes": {"text": ["documents"]}.
struct LaneRule {
    Lane input;
    std::vector<Lane> outputs;  // empty: the node consumes this lane (a sink for it)
};

enum class ConfigType { any, string, integer, number, boolean, array, object };

// "string", "integer", ... as config errors and `sluice nodes` name them.
std::string_view to_string(ConfigType type) noexcept;

struct ConfigField {
    std::string name;
    ConfigType type = ConfigType::any;
    std::string description;
    bool required = false;
};

struct NodeInfo {
    std::string description;
    // Non-empty for a source: the lanes on which it can emit what is sent to the task.
    std::vector<Lane> source_lanes;
    std::vector<LaneRule> lanes;
    Concurrency concurrency = Concurrency::serial;
    // process() may sleep or wait on I/O (files, the network, a timer). Such a node runs on the
    // engine's bounded blocking pool (EngineOptions::blocking_threads), not on a TBB worker, so
    // it cannot hold the workers every task shares. Its concurrency is still honoured.
    bool blocking = false;
    // Checked by the engine at use(): a present field of the wrong type or a missing required
    // field is an InvalidPipeline naming the component. Unlisted keys are allowed.
    std::vector<ConfigField> config;

    bool is_source() const noexcept { return !source_lanes.empty(); }
    const LaneRule* rule_for(Lane input) const noexcept;
    bool emits(Lane lane) const noexcept;  // from any input, or as a source
};

// The folder of a data root where `sluice serve` keeps its own state (the file store,
// deployment records): resolve_data_path refuses every path into it, so no pipeline can read or
// write another key's files or a deployment.
inline constexpr const char* k_server_state_dir = ".sluice";

// What the engine allows the nodes of one pipeline (PipelineLimits::nodes).
struct NodeLimits {
    // Non-empty: every file a node reads or writes resolves inside this directory (see
    // resolve_data_path). Empty: anywhere the process may go (the CLI without --data-dir).
    std::filesystem::path data_root;
    std::size_t regex_memory_per_pattern = std::size_t{2} << 20;   // RE2 max_mem of one pattern
    std::size_t regex_memory_per_pipeline = std::size_t{64} << 20;  // all its patterns together
};

// What the nodes of one pipeline have drawn from its NodeLimits while being built: one per
// use() (and per validation), handed to every factory in turn.
class NodeBudget {
public:
    explicit NodeBudget(const NodeLimits& limits) noexcept : limits_(limits) {}
    const NodeLimits& limits() const noexcept { return limits_; }
    // Takes `bytes` of the pipeline's regex memory for one pattern. Throws ConfigError naming
    // both limits when the pipeline's total would pass regex_memory_per_pipeline.
    void reserve_regex_memory(std::size_t bytes);
    std::size_t regex_memory_used() const noexcept { return regex_memory_used_; }

private:
    const NodeLimits& limits_;
    std::size_t regex_memory_used_ = 0;  // factories of one pipeline run one at a time
};

// What a factory gets to build one node instance.
struct NodeContext {
    std::string_view id;        // component id
    std::string_view provider;  // as registered
    const Json& config;         // the component's config object ({} when absent)
    NodeBudget& budget;         // the pipeline's limits, and what earlier nodes took of them
};

// A path from a node's config (`what` names the key in messages), resolved for this pipeline:
// with a data root, a relative path is taken relative to it, and an absolute one, `..` or a
// symlink that leads outside it is a ConfigError naming the component and the root; without
// one, the path as given. Creates nothing.
std::filesystem::path resolve_data_path(const NodeContext& ctx, std::string_view path,
                                        std::string_view what);

// Builds a node. Throw (any std::exception) for a config the node cannot run with: use()
// reports it as InvalidPipeline with the component id and the exception's message.
using NodeFactory = std::function<std::unique_ptr<Node>(const NodeContext&)>;

// Adds a provider. Names are case-insensitive; registering a taken name throws UsageError.
// Thread-safe. Built-in providers are present before the first use().
void register_node(std::string provider, NodeInfo info, NodeFactory factory);

struct Provider {
    std::string name;
    NodeInfo info;
    NodeFactory factory;
};
// nullptr when unknown. The pointer stays valid for the life of the process.
const Provider* find_provider(std::string_view name);
std::vector<const Provider*> providers();  // sorted by name

// The built-in catalogue, freshly built (target sluice_nodes, nodes/builtin_nodes.cpp, part of
// the sluice library): the registry starts from it before the first lookup or register_node.
std::vector<Provider> builtin_providers();

}  // namespace sluice
