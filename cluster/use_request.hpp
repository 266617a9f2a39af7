// use_request.hpp — what a cluster use() stores, shared by the server's front (--nats) and the
// embedders' ClusterEngine: a token when the caller gave none, and the pipeline as the workers
// will build it (a `source` override applied to the document itself).
#pragma once

#include <string>

#include <sluice/json.hpp>

namespace sluice::cluster {

// A fresh UUID-shaped token (valid under check_token_name).
std::string fresh_token();
// `pipeline` (flat or {"pipeline": {...}}) as text, with "source" set when `source` is given.
std::string pipeline_for_workers(Json pipeline, const std::string& source);

}  // namespace sluice::cluster
