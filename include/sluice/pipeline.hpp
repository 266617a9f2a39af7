// sluice/pipeline.hpp — a pipeline as parsed and validated from RocketRide `.pipe` JSON.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/errors.hpp>
#include <sluice/json.hpp>
#include <sluice/lane.hpp>
#include <sluice/node.hpp>

namespace sluice {

struct InputSpec {
    std::string from;
    Lane lane;
};

struct ComponentSpec {
    std::string id;
    std::string provider;  // canonical registered name
    Json config;           // always an object
    std::vector<InputSpec> inputs;
    std::size_t index = 0;  // position in the `components` array
};

struct PipelineSpec {
    std::string project_id;  // generated (UUID) when absent
    std::string source;      // id of the entry component
    std::string name;
    // Components reachable from the source, in topological order (source first). Components
    // that cannot be reached are validated but not run, as RocketRide does; see `warnings`.
    std::vector<ComponentSpec> components;
    std::vector<std::string> warnings;

    const ComponentSpec* find(std::string_view id) const noexcept;
};

// Bounds on what one pipeline document may ask for, checked while it is read, before any
// graph work: over them is an InvalidPipeline naming the limit.
struct PipelineLimits {
    std::size_t max_components = 10'000;
    NodeLimits nodes;  // what its nodes may take: validation builds each node under these too
};

// Accepts the flat config or the `{"pipeline": {...}}` wrapper; unknown keys are ignored.
// `source` overrides the pipeline's own choice of source (RocketRide's `use(source=...)`).
// Throws JsonError for malformed text and InvalidPipeline listing every problem found.
PipelineSpec parse_pipeline(std::string_view json_text, std::string_view source = {},
                            const PipelineLimits& limits = {});
PipelineSpec parse_pipeline(const Json& document, std::string_view source = {},
                            const PipelineLimits& limits = {});

// Text overloads: without them a std::string or a literal would be ambiguous between the
// text and the Json forms (Json converts from strings), or silently become a Json string.
inline PipelineSpec parse_pipeline(const std::string& json_text, std::string_view source = {},
                                   const PipelineLimits& limits = {}) {
    return parse_pipeline(std::string_view(json_text), source, limits);
}
inline PipelineSpec parse_pipeline(const char* json_text, std::string_view source = {},
                                   const PipelineLimits& limits = {}) {
    return parse_pipeline(std::string_view(json_text), source, limits);
}

// The same checks without throwing: every problem, in document order (empty = valid).
std::vector<Problem> validate_pipeline(const Json& document, std::string_view source = {},
                            const PipelineLimits& limits = {});
// From text: a JSON syntax error becomes one pipeline-level problem with its position.
std::vector<Problem> validate_pipeline_text(std::string_view json_text, std::string_view source = {},
                            const PipelineLimits& limits = {});

}  // namespace sluice
