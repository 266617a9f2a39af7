// pipeline_check.hpp — the pipeline reader/validator shared by pipeline_parse.cpp (reading the
// document, building the spec) and pipeline_validate.cpp (source, edges, cycles, config).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sluice/node.hpp>
#include <sluice/pipeline.hpp>

namespace sluice::detail {

// One component as read from the document, with what the checks learnt about it.
struct PipelineEntry {
    ComponentSpec spec;
    const Provider* provider = nullptr;  // nullptr: unknown or unreadable provider
    bool has_id = false;
    bool duplicate = false;  // a later component reusing an id: kept out of the graph
    bool config_ok = true;
    bool source_with_inputs = false;
    bool has_problem = false;
};

// Runs every check in order at construction; problems come out in document order.
class PipelineCheck {
public:
    PipelineCheck(const Json& document, std::string_view source, const PipelineLimits& limits);

    std::vector<Problem> problems() const;
    PipelineSpec spec() const;  // only meaningful when problems() is empty

private:
    using Entry = PipelineEntry;
    using Graph = std::vector<std::vector<std::size_t>>;  // entry -> entries consuming from it

    // Order key: 0 for the pipeline itself, then 1 + the component's array index.
    void add(std::size_t order, std::string component, std::string message);
    void add(Entry& entry, std::string message);
    bool in_graph(const Entry& entry) const noexcept { return entry.has_id && !entry.duplicate; }

    // pipeline_parse.cpp: reading
    const Json* read_root(const Json& document);
    void read_header(const Json& root);
    void read_components(const Json& root);
    void read_component(std::size_t index, const Json& json);
    void read_id(Entry& entry, const Json& json);
    void read_provider(Entry& entry, const Json& json);
    void read_config(Entry& entry, const Json& json);
    void read_inputs(Entry& entry, const Json& json);
    void read_input(Entry& entry, std::size_t k, const Json& edge,
                    std::set<std::pair<std::string_view, Lane>>& seen_inputs);
    Graph build_graph() const;
    std::vector<bool> reachable_from(std::size_t source) const;

    // pipeline_validate.cpp: checks across components
    void resolve_source(const Json& root, std::string_view override_id);
    std::string implied_source();
    void check_sources();
    void check_edges();
    void check_edge(Entry& consumer, const InputSpec& input);
    void check_cycles();
    struct Frame {  // one component on the depth-first path of check_cycles
        std::size_t at;
        std::size_t next_edge = 0;  // index into graph_[at] of the next edge to follow
    };
    void visit(std::size_t root, std::vector<int>& state);
    void report_cycle(const std::vector<Frame>& path, std::size_t next);
    void check_configs();
    void check_config_types(Entry& entry);
    void try_factory(Entry& entry);

    std::vector<std::pair<std::size_t, Problem>> problems_;
    std::vector<Entry> entries_;
    std::map<std::string, std::size_t, std::less<>> by_id_;  // id -> its first entry
    Graph graph_;
    const Entry* source_ = nullptr;
    PipelineLimits pipeline_limits_;
    NodeBudget budget_{pipeline_limits_.nodes};  // try_factory builds under the same limits
    std::string project_id_, name_;
};

// For messages: "a, b, c", or `empty` when there is nothing to list.
std::string join_names(const std::vector<std::string>& names, std::string_view empty = "nothing");
// The lanes for which `keep` holds, in lane order.
std::string lane_names(const std::function<bool(Lane)>& keep);
// Registered provider names, sorted (only the sources when `sources_only`).
std::string provider_names(bool sources_only);

}  // namespace sluice::detail
