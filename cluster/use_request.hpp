// use_request.hpp — a cluster use(), shared by the server's front (--nats) and the embedders'
// ClusterEngine: a token when the caller gave none, and the pipeline as the workers will build
// it (a `source` override applied to the document itself).
#pragma once

#include <string>

#include <sluice/engine.hpp>
#include <sluice/json.hpp>
#include <sluice/pipeline.hpp>

#include "front.hpp"

namespace sluice::cluster {

struct Claimed {
    std::string token;
    PipelineSpec spec;
};
// Checks `pipeline` against `limits` (and the source override), then claims options.token (or a
// fresh one) cluster-wide. With options.use_existing a live token is taken as it is. Throws as
// ClusterFront::use.
Claimed claim(ClusterFront& front, const Json& pipeline, const UseOptions& options,
              const PipelineLimits& limits);

// A fresh UUID-shaped token (valid under check_token_name).
std::string fresh_token();
// `pipeline` (flat or {"pipeline": {...}}) as text, with "source" set when `source` is given.
std::string pipeline_for_workers(Json pipeline, const std::string& source);

}  // namespace sluice::cluster
