// use_request.cpp — fresh tokens and the stored pipeline of a cluster use().
#include "use_request.hpp"

#include <cstdint>
#include <random>

#include <fmt/format.h>

#include <sluice/errors.hpp>

namespace sluice::cluster {

std::string fresh_token() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    const std::uint64_t a = random(), b = random();
    return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff,
                       a & 0xffff, b >> 48, b & 0xffffffffffffULL);
}

Claimed claim(ClusterFront& front, const Json& pipeline, const UseOptions& options,
              const PipelineLimits& limits) {
    Claimed claimed{options.token.empty() ? fresh_token() : options.token,
                    parse_pipeline(pipeline, options.source, limits)};
    try {
        front.use(claimed.token, pipeline_for_workers(pipeline, options.source));
    } catch (const AlreadyRunning&) {
        if (!options.use_existing) throw;
    }
    return claimed;
}

std::string pipeline_for_workers(Json pipeline, const std::string& source) {
    if (source.empty()) return pipeline.dump();
    if (const Json* inner = pipeline.find("pipeline"); inner && inner->is_object()) {
        Json wrapped = *inner;
        wrapped.set("source", source);
        pipeline.set("pipeline", std::move(wrapped));
    } else {
        pipeline.set("source", source);
    }
    return pipeline.dump();
}

}  // namespace sluice::cluster
