// object_publisher.hpp — a front's asynchronous publishing of objects to the input stream
// (js_PublishMsgAsync). A send returns once its message is queued; the object is accepted when
// the stream's publish ack arrives (ResultsFeed::stored), so a sender keeps many publishes in
// flight instead of waiting a round trip for each. A publish that fails or times out is resent
// with the same Nats-Msg-Id (stored once) until the publish timeout; then, or when the stream
// is full, the send's future carries the error.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "nats_handle.hpp"
#include "results_feed.hpp"

namespace sluice::cluster {

class ObjectPublisher {
public:
    ObjectPublisher(ResultsFeed& results, std::chrono::milliseconds timeout);
    ~ObjectPublisher();  // call stop() first
    ObjectPublisher(const ObjectPublisher&) = delete;
    ObjectPublisher& operator=(const ObjectPublisher&) = delete;

    // The JetStream options whose ack handler reports to this publisher.
    void configure(jsOptions& options);
    void attach(jsCtx* js) { js_ = js; }
    // Queues the object; throws ClusterError when even queueing fails within the timeout.
    void publish(const std::string& token, const std::string& id, std::string_view data,
                 std::string_view mime, std::string_view name);
    // From libnats' publish-ack thread; takes ownership of `msg`.
    void on_ack(natsMsg* msg, jsPubAck* ack, jsPubAckErr* error);
    // Waits (bounded) for every outstanding publish ack and ends the resend thread.
    void stop();

private:
    struct Resend {
        natsMsg* msg;
        std::chrono::steady_clock::time_point give_up;
        std::string last_error;
    };
    bool send(natsMsg*& msg);
    void resend_loop();
    void fail(natsMsg* msg, std::exception_ptr error);

    ResultsFeed& results_;
    const std::chrono::milliseconds timeout_;
    jsCtx* js_ = nullptr;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Resend> resend_;
    std::unordered_map<std::string, std::chrono::steady_clock::time_point> give_up_;  // by id
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace sluice::cluster
