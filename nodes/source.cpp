// source.cpp — webhook, chat, dropper: where sent objects enter a pipeline. The engine picks
// the entry lane from the MIME type; the source passes each item on unchanged.
#include "builtin_nodes.hpp"

namespace sluice::nodes {
namespace {

class SourceNode final : public Node {
public:
    void process(Item item, Emitter& out) override { out.emit(std::move(item)); }
};

Provider source(std::string name, std::string description, std::vector<Lane> lanes) {
    NodeInfo info;
    info.description = std::move(description);
    info.source_lanes = std::move(lanes);
    info.concurrency = Concurrency::unlimited;  // stateless pass-through
    info.config = {
        {"mode", ConfigType::string, "\"Source\" marks the pipeline's entry component"},
        {"type", ConfigType::string, "the provider name, as editors write it"},
        {"parameters", ConfigType::object, "provider parameters (unused by sluice)"},
    };
    return {std::move(name), std::move(info),
            [](const NodeContext&) { return std::make_unique<SourceNode>(); }};
}

}  // namespace

std::vector<Provider> source_providers() {
    // A webhook can be sent anything, and `lane/<name>` MIME types reach any data lane.
    std::vector<Lane> every_lane(k_all_lanes.begin(), k_all_lanes.end());
    std::vector<Provider> out;
    out.push_back(source("webhook", "objects sent to the task (send, data pipes, HTTP)",
                         every_lane));
    out.push_back(source("chat", "questions sent to the task (RocketRide chat())",
                         {Lane::questions, Lane::text}));
    out.push_back(source("dropper", "files dropped into the task, as raw bytes", {Lane::tags}));
    return out;
}

}  // namespace sluice::nodes
