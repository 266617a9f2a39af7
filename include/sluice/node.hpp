// sluice/node.hpp — the node interface, what a provider declares about itself, and the registry.
#pragma once

#include <functional>
#include <memory>
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
    // Checked by the engine at use(): a present field of the wrong type or a missing required
    // field is an InvalidPipeline naming the component. Unlisted keys are allowed.
    std::vector<ConfigField> config;

    bool is_source() const noexcept { return !source_lanes.empty(); }
    const LaneRule* rule_for(Lane input) const noexcept;
    bool emits(Lane lane) const noexcept;  // from any input, or as a source
};

// What a factory gets to build one node instance.
struct NodeContext {
    std::string_view id;        // component id
    std::string_view provider;  // as registered
    const Json& config;         // the component's config object ({} when absent)
};

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

}  // namespace sluice
