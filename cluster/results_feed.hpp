// results_feed.hpp — results from the results stream, handed to the sends waiting for them
// (a callback each: the future-returning send is built on it). One ordered consumer per token this
// front sends to, made before the token's first publish so no result can pass unseen. It also
// applies a token's terminate fence (fence.hpp): a waiting send stored after the fence is answered
// TaskTerminated.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "front.hpp"
#include "nats_handle.hpp"

namespace sluice::cluster {

class ResultsFeed {
public:
    explicit ResultsFeed(jsCtx* js) : js_(js) {}
    ~ResultsFeed();  // a send still waiting gets ClusterError: this front is closing
    ResultsFeed(const ResultsFeed&) = delete;
    ResultsFeed& operator=(const ResultsFeed&) = delete;

    void follow(const std::string& token);  // idempotent
    // `done` is called exactly once, on a libnats thread or the caller's, and must not throw:
    // with the result, or with the error (a null exception_ptr means the result is valid).
    using Done = std::function<void(ClusterResult, std::exception_ptr)>;
    void expect(const std::string& object_id, const std::string& token, Done done);
    void forget(const std::string& object_id);  // the send was not accepted
    // The input stream stored the object at `sequence`. When that is past the token's known
    // fence, the send is refused here (its `done` gets TaskTerminated).
    void stored(const std::string& object_id, std::uint64_t sequence);
    // The send was not accepted after all (stream full, NATS away): its `done` gets `error`.
    void fail(const std::string& object_id, std::exception_ptr error);
    // The token's fence became known: refuses every waiting send stored after it.
    void fence(const std::string& token, std::uint64_t fence_sequence);
    void on_result(natsMsg* msg);  // from libnats' delivery thread

private:
    struct Waiting {
        Done done;
        std::string token;
        std::uint64_t sequence = 0;  // 0 until the publish ack
    };
    void refuse(std::vector<std::pair<std::string, Waiting>> refused);

    jsCtx* js_;
    std::mutex mutex_;
    std::unordered_map<std::string, SubscriptionPtr> followed_;
    std::unordered_map<std::string, Waiting> waiting_;
    std::unordered_map<std::string, std::uint64_t> fences_;  // token -> fence sequence
};

}  // namespace sluice::cluster
