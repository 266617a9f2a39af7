// object_publisher.cpp — asynchronous object publishes, their acks, and resends.
#include "object_publisher.hpp"

#include <fmt/format.h>

#include "fence.hpp"
#include "layout.hpp"

namespace sluice::cluster {
namespace {

constexpr std::chrono::milliseconds k_resend_after{100};
constexpr std::int64_t k_ack_wait_ms = 2'000;

void ack_handler(jsCtx*, natsMsg* msg, jsPubAck* ack, jsPubAckErr* error, void* closure) {
    static_cast<ObjectPublisher*>(closure)->on_ack(msg, ack, error);
}

std::string token_of(natsMsg* msg) {
    std::optional<InputSubject> subject = parse_input_subject(natsMsg_GetSubject(msg));
    return subject ? subject->token : std::string();
}

}  // namespace

ObjectPublisher::ObjectPublisher(ResultsFeed& results, std::chrono::milliseconds timeout)
    : results_(results), timeout_(timeout), thread_([this] { resend_loop(); }) {}

ObjectPublisher::~ObjectPublisher() { stop(); }

void ObjectPublisher::configure(jsOptions& options) {
    options.PublishAsync.AckHandler = ack_handler;
    options.PublishAsync.AckHandlerClosure = this;
    options.PublishAsync.MaxPending = 8'192;  // a sender past it waits StallWait, then retries
}

// On success libnats owns the message (and hands it back to on_ack).
bool ObjectPublisher::send(natsMsg*& msg) {
    jsPubOptions options;
    jsPubOptions_Init(&options);
    options.MaxWait = k_ack_wait_ms;  // no ack in time: on_ack gets a timeout error
    return js_PublishMsgAsync(js_, &msg, &options) == NATS_OK;
}

void ObjectPublisher::publish(const std::string& token, const std::string& id,
                              std::string_view data, std::string_view mime, std::string_view name) {
    natsMsg* raw = nullptr;
    check(natsMsg_Create(&raw, input_subject(token).c_str(), nullptr, data.data(),
                         static_cast<int>(data.size())),
          fmt::format("token \"{}\": building object {}", token, id));
    MsgPtr msg(raw);
    // In the message itself, so a resend carries the same id and is stored once.
    natsMsgHeader_Set(raw, k_header_msg_id, id.c_str());
    natsMsgHeader_Set(raw, k_header_mime, std::string(mime).c_str());
    if (!name.empty()) natsMsgHeader_Set(raw, k_header_name, std::string(name).c_str());
    const auto give_up = std::chrono::steady_clock::now() + timeout_;
    for (;;) {
        natsMsg* sending = msg.get();
        if (send(sending)) {
            (void)msg.release();
            return;
        }
        if (std::chrono::steady_clock::now() >= give_up)
            throw ClusterError(fmt::format(
                "token \"{}\": NATS did not take object {} within {} ms: {}; is the cluster "
                "reachable?",
                token, id, timeout_.count(), describe(NATS_TIMEOUT)));
        // Past MaxPending the call itself waited StallWait: the loop is bounded by give_up.
    }
}

void ObjectPublisher::on_ack(natsMsg* msg, jsPubAck* ack, jsPubAckErr* error) {
    const std::string id = header(msg, k_header_msg_id);
    if (ack && !error) {
        {
            std::lock_guard lock(mutex_);
            give_up_.erase(id);
        }
        results_.stored(id, ack->Sequence);
        natsMsg_Destroy(msg);
        return;
    }
    const jsErrCode code = error ? error->ErrCode : static_cast<jsErrCode>(0);
    const std::string text = error ? describe(error->Err, code) : std::string("no publish ack");
    if (code == JSStreamStoreFailedErr || code == JSStreamMessageExceedsMaximumErr)
        return fail(msg, std::make_exception_ptr(Busy(fmt::format(
                             "token \"{}\": the cluster refused object {}: {}; the input stream "
                             "{} is full or the object too large, retry later",
                             token_of(msg), id, text, k_input_stream))));
    // Resent from the resend thread: a resend from here could stall the thread acks arrive on.
    std::lock_guard lock(mutex_);
    // The first failure of an object starts its clock; its resends keep it.
    auto [at, inserted] = give_up_.emplace(id, std::chrono::steady_clock::now() + timeout_);
    resend_.push_back({msg, at->second, text});
    wake_.notify_one();
}

void ObjectPublisher::fail(natsMsg* msg, std::exception_ptr error) {
    const std::string id = header(msg, k_header_msg_id);
    {
        std::lock_guard lock(mutex_);
        give_up_.erase(id);
    }
    results_.fail(id, std::move(error));
    natsMsg_Destroy(msg);
}

void ObjectPublisher::resend_loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (resend_.empty()) {
            wake_.wait(lock, [&] { return stopping_ || !resend_.empty(); });
            continue;
        }
        // A back-off while NATS fails over or reconnects (wakes early on stop).
        wake_.wait_for(lock, k_resend_after, [&] { return stopping_; });
        std::deque<Resend> batch;
        batch.swap(resend_);
        lock.unlock();
        for (Resend& one : batch) {
            if (std::chrono::steady_clock::now() >= one.give_up) {
                const std::string id = header(one.msg, k_header_msg_id);
                fail(one.msg, std::make_exception_ptr(ClusterError(fmt::format(
                                  "token \"{}\": NATS did not accept object {} within {} ms: "
                                  "{}; is the cluster reachable?",
                                  token_of(one.msg), id, timeout_.count(), one.last_error))));
                continue;
            }
            natsMsg* sending = one.msg;
            if (!send(sending)) {
                std::lock_guard again(mutex_);
                resend_.push_back(std::move(one));
            }
        }
        lock.lock();
    }
}

void ObjectPublisher::stop() {
    if (js_) {
        jsPubOptions options;
        jsPubOptions_Init(&options);
        options.MaxWait = timeout_.count();
        js_PublishAsyncComplete(js_, &options);
        js_ = nullptr;  // the connection may go after this
    }
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    for (Resend& one : resend_)
        fail(one.msg, std::make_exception_ptr(ClusterError(
                          "the cluster front closed before NATS accepted the object")));
    resend_.clear();
}

}  // namespace sluice::cluster
