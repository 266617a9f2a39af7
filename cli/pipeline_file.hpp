// pipeline_file.hpp — loading a .pipe file for `sluice run`, with every problem reported as
// "sluice: <file>: ..." (one line per problem) on stderr.
#pragma once

#include <optional>
#include <string>

#include <sluice/pipeline.hpp>

namespace sluice::cli {

// The parsed, validated pipeline; nullopt after printing why it cannot be used.
std::optional<PipelineSpec> load_pipeline(const std::string& path);

}  // namespace sluice::cli
