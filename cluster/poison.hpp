// poison.hpp — objects that never complete. An object whose delivery count reached MaxDeliver
// is answered with a failed result instead of being run again; and every worker listens for
// the MAX_DELIVERIES advisory (2.9 keeps such messages in the stream, #5564) to answer an
// object whose last delivery also went unanswered. Both publish with the object id as
// Nats-Msg-Id, so the results stream keeps one answer however many workers send it.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "layout.hpp"

namespace sluice::cluster {

std::string poison_reason(const std::string& object_id, std::uint64_t deliveries);
// The RocketRide result shape for an object that failed with `reason`.
std::string failed_result_json(const std::string& object_id, const std::string& reason);

class PoisonListener {
public:
    explicit PoisonListener(Connection& connection);
    // Publishes the failed results of the advisories received so far (on the caller's thread).
    void answer_pending(std::int64_t max_deliver);
    void on_advisory(std::string_view body);

private:
    Connection& connection_;
    SubscriptionPtr subscription_;
    std::mutex mutex_;
    std::vector<std::uint64_t> sequences_;
};

}  // namespace sluice::cluster
