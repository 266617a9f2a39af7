// stream_counts.hpp — how many messages a stream holds on the subjects matching a filter: the
// cluster-wide "accepted" (input stream) and "answered" (results stream) of a token.
#pragma once

#include <cstdint>
#include <string>

#include "nats_handle.hpp"

namespace sluice::cluster {

struct SubjectCounts {
    std::uint64_t total = 0;
    std::uint64_t ok = 0;      // on subjects ending in ".ok"
    std::uint64_t failed = 0;  // on subjects ending in ".failed"
};
SubjectCounts count_subjects(jsCtx* js, const char* stream, const std::string& filter);

}  // namespace sluice::cluster
