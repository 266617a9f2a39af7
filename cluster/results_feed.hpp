// results_feed.hpp — results from the results stream, handed to the futures of the sends
// waiting for them. One ordered consumer per token this front sends to, made before the
// token's first publish so no result can pass unseen.
#pragma once

#include <future>
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
    ~ResultsFeed();
    ResultsFeed(const ResultsFeed&) = delete;
    ResultsFeed& operator=(const ResultsFeed&) = delete;

    void follow(const std::string& token);  // idempotent
    std::future<ClusterResult> expect(const std::string& object_id);
    void forget(const std::string& object_id);  // the send was not accepted
    void on_result(natsMsg* msg);               // from libnats' delivery thread

private:
    jsCtx* js_;
    std::mutex mutex_;
    std::unordered_map<std::string, SubscriptionPtr> followed_;
    std::unordered_map<std::string, std::promise<ClusterResult>> waiting_;
};

}  // namespace sluice::cluster
