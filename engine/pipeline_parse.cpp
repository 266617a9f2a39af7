// pipeline_parse.cpp — reads a RocketRide `.pipe` document (flat or `{"pipeline": ...}`) into a
// PipelineSpec: the document's structure, ids, providers, config and inputs, then the spec of
// what runs. The checks across components live in pipeline_validate.cpp.
#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "pipeline_check.hpp"
#include "uuid.hpp"

namespace sluice {
namespace detail {
namespace {

const std::string* non_empty_string(const Json* value) noexcept {
    if (!value || !value->is_string() || value->as_string().empty()) return nullptr;
    return &value->as_string();
}

}  // namespace

std::string join_names(const std::vector<std::string>& names, std::string_view empty) {
    if (names.empty()) return std::string(empty);
    return fmt::format("{}", fmt::join(names, ", "));
}

std::string lane_names(const std::function<bool(Lane)>& keep) {
    std::vector<std::string> names;
    for (Lane lane : k_all_lanes)
        if (keep(lane)) names.emplace_back(to_string(lane));
    return join_names(names);
}

std::string provider_names(bool sources_only) {
    std::vector<std::string> names;
    for (const Provider* p : providers())
        if (!sources_only || p->info.is_source()) names.push_back(p->name);
    return join_names(names, "none");
}

PipelineCheck::PipelineCheck(const Json& document, std::string_view source,
                             const PipelineLimits& limits)
    : pipeline_limits_(limits) {
    const Json* root = read_root(document);
    if (!root) return;
    read_header(*root);
    read_components(*root);
    if (entries_.empty()) return;
    graph_ = build_graph();
    resolve_source(*root, source);
    check_sources();
    check_edges();
    check_cycles();
    check_configs();
}

std::vector<Problem> PipelineCheck::problems() const {
    auto sorted = problems_;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Problem> out;
    for (auto& [order, problem] : sorted) out.push_back(std::move(problem));
    return out;
}

void PipelineCheck::add(std::size_t order, std::string component, std::string message) {
    problems_.push_back({order, Problem{std::move(component), std::move(message)}});
}

void PipelineCheck::add(Entry& entry, std::string message) {
    entry.has_problem = true;
    if (entry.has_id) return add(entry.spec.index + 1, entry.spec.id, std::move(message));
    add(entry.spec.index + 1, "", fmt::format("components[{}]: {}", entry.spec.index, message));
}

const Json* PipelineCheck::read_root(const Json& document) {
    if (!document.is_object()) {
        add(0, "", "pipeline must be a JSON object");
        return nullptr;
    }
    const Json* wrapped = document.find("pipeline");
    return wrapped && wrapped->is_object() ? wrapped : &document;
}

void PipelineCheck::read_header(const Json& root) {
    if (const Json* id = root.find("project_id"); id && !id->is_null()) {
        if (id->is_string())
            project_id_ = id->as_string();
        else
            add(0, "",
                fmt::format("\"project_id\" must be a string, got {}", to_string(id->type())));
    }
    if (project_id_.empty()) project_id_ = make_uuid_string();
    if (const Json* name = root.find("name"); name && name->is_string()) name_ = name->as_string();
}

void PipelineCheck::read_components(const Json& root) {
    const Json* list = root.find("components");
    if (!list || !list->is_array() || list->as_array().empty()) {
        std::string why = !list               ? "it is missing"
                          : !list->is_array() ? fmt::format("got {}", to_string(list->type()))
                                              : "it is empty";
        add(0, "", fmt::format("\"components\" must be a non-empty array; {}", why));
        return;
    }
    const Json::Array& components = list->as_array();
    // Before any per-component work: what follows is linear or n log n in the components, but
    // a bound keeps one document from holding a server's validation for long.
    if (components.size() > pipeline_limits_.max_components) {
        add(0, "",
            fmt::format("pipeline has {} components; the limit is {} (max_components)",
                        components.size(), pipeline_limits_.max_components));
        return;
    }
    for (std::size_t i = 0; i < components.size(); ++i) read_component(i, components[i]);
}

void PipelineCheck::read_component(std::size_t index, const Json& json) {
    if (!json.is_object()) {
        add(index + 1, "",
            fmt::format("components[{}] must be an object, got {}", index, to_string(json.type())));
        return;
    }
    Entry entry;
    entry.spec.index = index;
    read_id(entry, json);
    read_provider(entry, json);
    read_config(entry, json);
    read_inputs(entry, json);
    entries_.push_back(std::move(entry));
}

void PipelineCheck::read_id(Entry& entry, const Json& json) {
    const std::string* id = non_empty_string(json.find("id"));
    if (!id) return add(entry, "\"id\" must be a non-empty string");
    entry.spec.id = *id;
    entry.has_id = true;
    auto [first, fresh] = by_id_.emplace(*id, entries_.size());
    if (fresh) return;
    entry.duplicate = true;
    add(entry, fmt::format("duplicate id (first used by component #{})",
                           entries_[first->second].spec.index));
}

void PipelineCheck::read_provider(Entry& entry, const Json& json) {
    const std::string* name = non_empty_string(json.find("provider"));
    if (!name) return add(entry, "\"provider\" must be a non-empty string");
    entry.spec.provider = *name;
    entry.provider = find_provider(*name);
    if (!entry.provider)
        return add(entry, fmt::format("unknown provider \"{}\"; known providers: {}", *name,
                                      provider_names(false)));
    entry.spec.provider = entry.provider->name;
}

void PipelineCheck::read_config(Entry& entry, const Json& json) {
    const Json* config = json.find("config");
    entry.spec.config = config && config->is_object() ? *config : Json(Json::Object{});
    if (!config || config->is_object()) return;
    entry.config_ok = false;
    add(entry, fmt::format("config must be an object, got {}", to_string(config->type())));
}

void PipelineCheck::read_inputs(Entry& entry, const Json& json) {
    const Json* input = json.find("input");
    if (!input) return;
    if (!input->is_array())
        return add(entry, fmt::format("input must be an array, got {}", to_string(input->type())));
    const Json::Array& edges = input->as_array();
    std::set<std::pair<std::string_view, Lane>> seen;  // views into `json`, which outlives it
    for (std::size_t k = 0; k < edges.size(); ++k) read_input(entry, k, edges[k], seen);
}

void PipelineCheck::read_input(Entry& entry, std::size_t k, const Json& edge,
                               std::set<std::pair<std::string_view, Lane>>& seen_inputs) {
    if (!edge.is_object())
        return add(entry, fmt::format("input[{}] must be an object {{\"from\": ..., \"lane\": ...}}"
                                      ", got {}",
                                      k, to_string(edge.type())));
    const std::string* from = non_empty_string(edge.find("from"));
    const std::string* lane_name = non_empty_string(edge.find("lane"));
    std::string where =
        from ? fmt::format("input from \"{}\"", *from) : fmt::format("input[{}]", k);
    if (!from) add(entry, fmt::format("{}: \"from\" must be a non-empty string", where));
    if (!lane_name)
        return add(entry, fmt::format("{}: \"lane\" must be a non-empty string", where));
    std::optional<Lane> lane = lane_from_string(*lane_name);
    if (!lane)
        return add(entry, fmt::format("{}: unknown lane \"{}\"; valid lanes: {}", where, *lane_name,
                                      lane_names([](Lane) { return true; })));
    if (!from) return;
    // A repeated (from, lane) pair is one edge, as in RocketRide: it must not deliver twice.
    // A set, not a scan of the inputs so far: a component may list a million inputs.
    if (seen_inputs.emplace(*from, *lane).second)
        entry.spec.inputs.push_back(InputSpec{*from, *lane});
}

PipelineCheck::Graph PipelineCheck::build_graph() const {
    Graph graph(entries_.size());
    for (std::size_t c = 0; c < entries_.size(); ++c) {
        if (!in_graph(entries_[c])) continue;
        for (const InputSpec& input : entries_[c].spec.inputs)
            if (auto producer = by_id_.find(input.from); producer != by_id_.end())
                graph[producer->second].push_back(c);
    }
    // Several lanes between one pair are one edge here: a cycle must be reported once.
    for (auto& consumers : graph)
        consumers.erase(std::unique(consumers.begin(), consumers.end()), consumers.end());
    return graph;
}

std::vector<bool> PipelineCheck::reachable_from(std::size_t source) const {
    std::vector<bool> reached(entries_.size(), false);
    reached[source] = true;
    std::vector<std::size_t> todo{source};
    while (!todo.empty()) {
        std::size_t at = todo.back();
        todo.pop_back();
        for (std::size_t next : graph_[at]) {
            if (reached[next]) continue;
            reached[next] = true;
            todo.push_back(next);
        }
    }
    return reached;
}

// The components reachable from the source, in topological order (ties in document order).
PipelineSpec PipelineCheck::spec() const {
    PipelineSpec spec{project_id_, source_ ? source_->spec.id : "", name_, {}, {}};
    if (!source_) return spec;
    std::size_t source = by_id_.at(source_->spec.id);
    std::vector<bool> reached = reachable_from(source);
    std::vector<std::size_t> waiting_on(entries_.size(), 0);  // inputs from reached producers
    for (std::size_t i = 0; i < entries_.size(); ++i)
        for (std::size_t next : graph_[i]) waiting_on[next] += reached[i] ? 1 : 0;
    for (std::set<std::size_t> ready{source}; !ready.empty();) {
        std::size_t at = *ready.begin();
        ready.erase(ready.begin());
        ComponentSpec component = entries_[at].spec;
        // Inputs from components that never run would never deliver: drop them.
        std::erase_if(component.inputs,
                      [&](const InputSpec& in) { return !reached[by_id_.at(in.from)]; });
        spec.components.push_back(std::move(component));
        for (std::size_t next : graph_[at])
            if (--waiting_on[next] == 0) ready.insert(next);
    }
    for (std::size_t i = 0; i < entries_.size(); ++i)
        if (!reached[i])
            spec.warnings.push_back(
                fmt::format("component \"{}\" is not reachable from source \"{}\" and will not run",
                            entries_[i].spec.id, spec.source));
    return spec;
}

}  // namespace detail

PipelineSpec parse_pipeline(std::string_view json_text, std::string_view source,
                            const PipelineLimits& limits) {
    return parse_pipeline(Json::parse(json_text), source, limits);
}

PipelineSpec parse_pipeline(const Json& document, std::string_view source,
                            const PipelineLimits& limits) {
    detail::PipelineCheck check(document, source, limits);
    std::vector<Problem> problems = check.problems();
    if (!problems.empty()) throw InvalidPipeline(std::move(problems));
    return check.spec();
}

std::vector<Problem> validate_pipeline(const Json& document, std::string_view source,
                                       const PipelineLimits& limits) {
    return detail::PipelineCheck(document, source, limits).problems();
}

std::vector<Problem> validate_pipeline_text(std::string_view json_text, std::string_view source,
                                            const PipelineLimits& limits) {
    Json document;
    try {
        document = Json::parse(json_text);
    } catch (const JsonError& e) {
        return {Problem{"", e.what()}};
    }
    return validate_pipeline(document, source, limits);
}

const ComponentSpec* PipelineSpec::find(std::string_view id) const noexcept {
    for (const ComponentSpec& component : components)
        if (component.id == id) return &component;
    return nullptr;
}

}  // namespace sluice
