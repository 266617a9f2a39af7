// pipeline_file.hpp — loading a .pipe file for `sluice run`, with every problem reported as
// "sluice: <file>: ..." (one line per problem) on stderr.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sluice/pipeline.hpp>

namespace sluice::cli {

// The parsed, validated pipeline; nullopt after printing why it cannot be used.
std::optional<PipelineSpec> load_pipeline(const std::string& path, const PipelineLimits& limits);

// True when `problems` is the one problem of a pipeline over a PipelineLimits bound (a usage
// matter, exit 2, rather than a pipeline to fix, exit 1).
bool over_pipeline_limits(const std::vector<Problem>& problems);

}  // namespace sluice::cli
