// node_harness.cpp — see node_harness.hpp.
#include "nodes/node_harness.hpp"

#include <mutex>

namespace sluice::test {
namespace {

struct MetadataProbe final : Node {
    void process(Item item, Emitter&) override {
        item.object().add_result("meta", Lane::text,
                                 item.metadata() ? item.metadata()->dump() : std::string("null"));
    }
};

}  // namespace

void register_metadata_probe() {
    static std::once_flag once;
    std::call_once(once, [] {
        NodeInfo info;
        for (Lane lane : k_all_lanes) info.lanes.push_back({lane, {}});
        info.concurrency = Concurrency::unlimited;
        register_node("test_metadata", std::move(info),
                      [](const NodeContext&) { return std::make_unique<MetadataProbe>(); });
    });
}

std::string node_pipeline(const std::string& provider, const std::string& config,
                          const std::string& in_lane, const std::vector<std::string>& out_lanes,
                          bool probe_metadata) {
    std::string inputs;
    for (const std::string& lane : out_lanes)
        inputs +=
            fmt::format(R"({}{{"lane": "{}", "from": "node"}})", inputs.empty() ? "" : ", ", lane);
    std::string out = fmt::format(
        R"({{"components": [
          {{"id": "in", "provider": "webhook", "config": {{"mode": "Source"}}}},
          {{"id": "node", "provider": "{}", "config": {}, "input": [{{"lane": "{}", "from": "in"}}]}})",
        provider, config, in_lane);
    if (!inputs.empty())
        out += fmt::format(R"(, {{"id": "out", "provider": "response", "input": [{}]}})", inputs);
    if (probe_metadata) {
        register_metadata_probe();
        out += fmt::format(R"(, {{"id": "meta", "provider": "test_metadata", "input": [{}]}})",
                           inputs);
    }
    return out + "]}";
}

Result run_node(const std::string& pipeline, std::string_view data, std::string_view mime) {
    Engine engine;
    Token token = engine.use(pipeline);
    Result result = engine.send(token, data, mime, ObjectInfo{"doc", "", {}});
    check_accounting(engine.terminate(token).get());
    return result;
}

std::unique_ptr<Node> build_node(const std::string& provider, const std::string& config) {
    const Provider* p = find_provider(provider);
    REQUIRE(p != nullptr);
    const Json json = Json::parse(config);
    NodeLimits limits;
    NodeBudget budget(limits);
    return p->factory(NodeContext{"node", p->name, json, budget});
}

std::string use_error(const std::string& pipeline) {
    try {
        Engine engine;
        engine.use(pipeline);
    } catch (const InvalidPipeline& e) {
        return e.what();
    }
    return "";
}

std::string repeated(std::string_view unit, std::size_t bytes) {
    std::string out;
    out.reserve(bytes + unit.size());
    while (out.size() + unit.size() <= bytes) out += unit;
    return out;
}

std::vector<std::string> values_of(const Result& r, std::string_view key) {
    const ResultField* f = r.field(key);
    return f ? f->values : std::vector<std::string>{};
}

}  // namespace sluice::test
