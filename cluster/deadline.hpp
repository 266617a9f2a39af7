// deadline.hpp — what terminate does with the objects still unanswered at its drain deadline:
// each accepted object (stored before the fence) without a result gets a failed result naming
// the deadline, published with its object id as Nats-Msg-Id, so a worker that finishes it
// later publishes a duplicate the results stream drops. Then accepted = completed + failed holds
// when the token turns dead, and no sender waits for an object nobody will answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "nats_handle.hpp"

namespace sluice::cluster {

// Publishes the failed results; returns how many it published. `wait` bounds each stream read.
// Throws ClusterError when NATS fails.
std::uint64_t fail_unanswered(jsCtx* js, const std::string& token, std::uint64_t fence,
                              std::chrono::milliseconds deadline, std::chrono::milliseconds wait);

std::string deadline_reason(const std::string& object_id, std::chrono::milliseconds deadline);

}  // namespace sluice::cluster
