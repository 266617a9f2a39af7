// pipeline_fixture.hpp — what the pipeline validation tests share: their own providers (named
// test_validation_*, registered once per process) and helpers that build and check pipelines.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include <sluice/errors.hpp>
#include <sluice/json.hpp>
#include <sluice/node.hpp>
#include <sluice/pipeline.hpp>

namespace sluice::pipeline_test {

class NullNode final : public Node {
public:
    void process(Item item, Emitter& out) override { out.emit(std::move(item)); }
};

inline NodeInfo maps(Lane in, Lane out, std::vector<ConfigField> config = {}) {
    NodeInfo info;
    info.lanes.push_back({in, {out}});
    info.config = std::move(config);
    return info;
}

// upper: text -> text; fork: text -> text + documents, documents -> text; chunker: text ->
// documents, throws for chunk_size <= 0; prompted: a required string and typed optional
// fields; hollow: a factory that returns null.
inline void register_validation_nodes() {
    static const bool registered = [] {
        auto plain = [](const NodeContext&) { return std::make_unique<NullNode>(); };
        register_node("test_validation_upper", maps(Lane::text, Lane::text), plain);
        NodeInfo fork;
        fork.lanes = {{Lane::text, {Lane::text, Lane::documents}}, {Lane::documents, {Lane::text}}};
        register_node("test_validation_fork", fork, plain);
        register_node("test_validation_chunker",
                      maps(Lane::text, Lane::documents,
                           {{"chunk_size", ConfigType::integer, "chunk length", false}}),
                      [](const NodeContext& ctx) {
                          if (ctx.config.get_int("chunk_size", 512) <= 0)
                              throw std::invalid_argument("chunk_size must be positive");
                          return std::make_unique<NullNode>();
                      });
        register_node("test_validation_prompted",
                      maps(Lane::text, Lane::answers,
                           {{"prompt", ConfigType::string, "what to ask", true},
                            {"temperature", ConfigType::number, "sampling", false},
                            {"stream", ConfigType::boolean, "stream out", false},
                            {"extra", ConfigType::any, "anything", false}}),
                      plain);
        register_node("test_validation_hollow", maps(Lane::text, Lane::text),
                      [](const NodeContext&) { return nullptr; });
        return true;
    }();
    (void)registered;
}

inline std::vector<Problem> problems_of(std::string_view text, std::string_view source = {}) {
    register_validation_nodes();
    return validate_pipeline(Json::parse(text), source);
}

inline PipelineSpec spec_of(std::string_view text, std::string_view source = {}) {
    register_validation_nodes();
    return parse_pipeline(text, source);
}

// {"components": [ <components> ]}
inline std::string pipeline(std::string_view components) {
    return "{\"components\": [" + std::string(components) + "]}";
}

inline constexpr const char* k_source =
    R"({"id": "in", "provider": "webhook", "config": {"mode": "Source"}})";

// A pipeline whose first component is the webhook source "in".
inline std::string with_source(std::string_view rest) {
    return pipeline(std::string(k_source) + ", " + std::string(rest));
}

// The registry's names as the messages list them: "a, b, c". Registers the test nodes first:
// a check's arguments are evaluated in no set order, so this may run before problems_of.
inline std::string provider_list(bool sources_only) {
    register_validation_nodes();
    std::string out;
    for (const Provider* p : providers()) {
        if (sources_only && !p->info.is_source()) continue;
        out += (out.empty() ? "" : ", ") + p->name;
    }
    return out;
}

// Exactly one problem, on `component`, saying `message`.
inline void check_one(const std::vector<Problem>& problems, std::string_view component,
                      std::string_view message) {
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].component == component);
    CHECK(problems[0].message == message);
}

}  // namespace sluice::pipeline_test
