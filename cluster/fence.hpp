// fence.hpp — the cut terminate makes in the input stream. After a token turns `draining`,
// terminate publishes one fence message on sluice.in.<token>.fence; its stream sequence F orders
// it against every object. An object stored before F is accepted: it gets a result. One stored
// after F (from a front whose KV watcher had not yet delivered `draining`) is refused: its
// front answers TaskTerminated, workers delete it unrun, and it leaves the accepted count.
// Without the cut, such an object could be counted by nobody and answered after `dead`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nats_handle.hpp"

namespace sluice::cluster {

std::string fence_subject(std::string_view token);
// The token named by an input subject, and whether the subject is its fence; nullopt when the
// subject is not an input subject.
struct InputSubject {
    std::string token;
    bool fence = false;
};
std::optional<InputSubject> parse_input_subject(std::string_view subject);

// Publishes the fence of `token` (idempotent within the Duplicates window) and returns its
// stream sequence. Throws ClusterError.
std::uint64_t publish_fence(jsCtx* js, const std::string& token);
// The fence's sequence read from the stream leader, or nullopt when none exists yet: then every
// object already stored is before any fence to come. Throws ClusterError when NATS fails.
std::optional<std::uint64_t> find_fence(jsCtx* js, const std::string& token);
// Deletes a refused object from the input stream; an absent one (deleted already) is fine.
void delete_refused(jsCtx* js, std::uint64_t sequence);

}  // namespace sluice::cluster
