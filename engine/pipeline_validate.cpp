// pipeline_validate.cpp — the pipeline checks across components: choosing the source, edges
// and their lanes, cycles, and each node's config (schema types, then the provider's factory).
#include <algorithm>

#include <fmt/format.h>

#include "pipeline_check.hpp"

namespace sluice::detail {
namespace {

constexpr std::size_t k_cycle_ids_shown = 16;  // at each end of a longer cycle's message

bool has_type(const Json& value, ConfigType type) noexcept {
    switch (type) {
        case ConfigType::any: return true;
        case ConfigType::string: return value.is_string();
        case ConfigType::integer: return value.is_int();
        case ConfigType::number: return value.is_number();
        case ConfigType::boolean: return value.is_bool();
        case ConfigType::array: return value.is_array();
        case ConfigType::object: return value.is_object();
    }
    return false;
}

}  // namespace

void PipelineCheck::resolve_source(const Json& root, std::string_view override_id) {
    std::string id(override_id);
    if (const Json* named = root.find("source"); id.empty() && named && !named->is_null()) {
        if (!named->is_string())
            return add(
                0, "",
                fmt::format("\"source\" must be a string, got {}", to_string(named->type())));
        id = named->as_string();
    }
    if (id.empty()) id = implied_source();
    if (id.empty()) return;
    auto found = by_id_.find(id);
    if (found == by_id_.end()) {
        std::vector<std::string> ids;
        for (const Entry& entry : entries_)
            if (in_graph(entry)) ids.push_back(entry.spec.id);
        return add(0, "",
                   fmt::format("source \"{}\" names no component; components: {}", id,
                               join_names(ids, "none")));
    }
    source_ = &entries_[found->second];
}

// RocketRide's rule when no source is named: the one component whose config.mode is "Source".
std::string PipelineCheck::implied_source() {
    std::vector<std::string> marked;
    for (const Entry& entry : entries_) {
        const Json* mode = entry.spec.config.find("mode");
        if (in_graph(entry) && mode && mode->is_string() && mode->as_string() == "Source")
            marked.push_back(entry.spec.id);
    }
    if (marked.size() == 1) return marked.front();
    if (marked.empty())
        add(0, "", "no source: set \"source\" or give one component config.mode \"Source\"");
    else
        add(0, "",
            fmt::format("ambiguous source: components {} {} have config.mode \"Source\"; "
                        "set \"source\" to one of them",
                        join_names(marked), marked.size() == 2 ? "both" : "all"));
    return {};
}

void PipelineCheck::check_sources() {
    for (Entry& entry : entries_) {
        bool chosen = source_ == &entry;
        bool source_provider = entry.provider && entry.provider->info.is_source();
        if (chosen && entry.provider && !source_provider)
            add(entry, fmt::format("provider \"{}\" cannot be the source: it is not a source "
                                   "provider (source providers: {})",
                                   entry.spec.provider, provider_names(true)));
        if ((chosen || source_provider) && !entry.spec.inputs.empty()) {
            entry.source_with_inputs = true;
            add(entry, "a source cannot have inputs");
        }
    }
}

void PipelineCheck::check_edges() {
    for (Entry& entry : entries_)
        for (const InputSpec& input : entry.spec.inputs) check_edge(entry, input);
}

void PipelineCheck::check_edge(Entry& consumer, const InputSpec& input) {
    auto found = by_id_.find(input.from);
    if (found == by_id_.end())
        return add(consumer, fmt::format("input from \"{}\": no such component", input.from));
    const Entry& producer = entries_[found->second];
    std::string_view lane = to_string(input.lane);
    std::string where = fmt::format("input from \"{}\" on lane \"{}\"", input.from, lane);
    if (const Provider* p = producer.provider; p && !p->info.emits(input.lane))
        add(consumer, fmt::format("{}: component \"{}\" (provider \"{}\") does not emit lane "
                                  "\"{}\"; it emits: {}",
                                  where, input.from, p->name, lane,
                                  lane_names([p](Lane l) { return p->info.emits(l); })));
    if (const Provider* p = consumer.provider;
        p && !consumer.source_with_inputs && !p->info.rule_for(input.lane))
        add(consumer, fmt::format("{}: provider \"{}\" does not accept lane \"{}\"; it accepts: {}",
                                  where, p->name, lane, lane_names([p](Lane l) {
                                      return p->info.rule_for(l) != nullptr;
                                  })));
}

void PipelineCheck::check_cycles() {
    std::vector<int> state(entries_.size(), 0);  // 0 unseen, 1 on the current path, 2 done
    for (std::size_t i = 0; i < entries_.size(); ++i)
        if (in_graph(entries_[i]) && state[i] == 0) visit(i, state);
}

// Depth-first along the data flow, with an explicit stack (a 100,000-component chain must not
// take 100,000 native frames); an edge back into the current path closes one cycle, reported on
// the component where the path entered it. The stack of frames is the current path.
void PipelineCheck::visit(std::size_t root, std::vector<int>& state) {
    std::vector<Frame> path{{root}};
    state[root] = 1;
    while (!path.empty()) {
        Frame& frame = path.back();
        const std::vector<std::size_t>& edges = graph_[frame.at];
        if (frame.next_edge == edges.size()) {
            state[frame.at] = 2;
            path.pop_back();
            continue;
        }
        const std::size_t next = edges[frame.next_edge++];
        if (state[next] == 0) {
            state[next] = 1;
            path.push_back({next});  // `frame` is not used past this point
        } else if (state[next] == 1) {
            report_cycle(path, next);
        }
    }
}

// `next` is on the path: the cycle runs from there to the path's end and back to `next`.
void PipelineCheck::report_cycle(const std::vector<Frame>& path, std::size_t next) {
    auto first = std::find_if(path.begin(), path.end(),
                              [next](const Frame& frame) { return frame.at == next; });
    std::vector<std::string> ids;
    const auto length = static_cast<std::size_t>(path.end() - first);
    // A long cycle is named by its ends: listing 100,000 ids per cycle would let a small
    // document ask for gigabytes of messages.
    for (std::size_t k = 0; k < length; ++k) {
        if (length > 2 * k_cycle_ids_shown && k == k_cycle_ids_shown) {
            ids.push_back(fmt::format("... ({} more) ...", length - 2 * k_cycle_ids_shown));
            k = length - k_cycle_ids_shown;
        }
        ids.push_back(entries_[first[static_cast<std::ptrdiff_t>(k)].at].spec.id);
    }
    ids.push_back(entries_[next].spec.id);
    add(entries_[next], fmt::format("cycle: {}", fmt::join(ids, " -> ")));
}

void PipelineCheck::check_configs() {
    for (Entry& entry : entries_) {
        if (!entry.provider || !entry.config_ok) continue;
        check_config_types(entry);
        if (!entry.has_problem) try_factory(entry);
    }
}

void PipelineCheck::check_config_types(Entry& entry) {
    for (const ConfigField& field : entry.provider->info.config) {
        const Json* value = entry.spec.config.find(field.name);
        if (!value && field.required)
            add(entry, fmt::format("config \"{}\" is required", field.name));
        else if (value && !has_type(*value, field.type))
            add(entry, fmt::format("config \"{}\" must be {}, got {}", field.name,
                                   to_string(field.type), to_string(value->type())));
    }
}

// The provider's own judgement of its config: build one node and throw it away.
void PipelineCheck::try_factory(Entry& entry) {
    try {
        std::unique_ptr<Node> node = entry.provider->factory(
            NodeContext{entry.spec.id, entry.spec.provider, entry.spec.config, budget_});
        if (!node)
            add(entry, fmt::format("provider \"{}\" built no node (its factory returned null)",
                                   entry.spec.provider));
    } catch (const std::exception& error) {
        add(entry, error.what());
    }
}

}  // namespace sluice::detail
