// poison.cpp — failed results for objects that reached MaxDeliver.
#include "poison.hpp"

#include <charconv>

#include <fmt/format.h>

#include <sluice/result.hpp>

namespace sluice::cluster {
namespace {

void advisory_callback(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    static_cast<PoisonListener*>(closure)->on_advisory(std::string_view(
        natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))));
    natsMsg_Destroy(msg);
}

}  // namespace

std::string poison_reason(const std::string& object_id, std::uint64_t deliveries) {
    return fmt::format(
        "object \"{}\": delivered {} times without a result (MaxDeliver); a node crashed the "
        "worker or ran past AckWait each time, so it is failed instead of retried",
        object_id, deliveries);
}

std::string failed_result_json(const std::string& object_id, const std::string& reason) {
    Result result;
    result.name = object_id;
    result.object_id = object_id;
    result.error = reason;
    return to_json(result);
}

PoisonListener::PoisonListener(Connection& connection) : connection_(connection) {
    const std::string subject = fmt::format("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{}.{}",
                                            k_input_stream, k_worker_consumer);
    natsSubscription* raw = nullptr;
    check(natsConnection_Subscribe(&raw, connection.nc.get(), subject.c_str(), advisory_callback,
                                   this),
          fmt::format("subscribing to {}", subject));
    subscription_.reset(raw);
}

// The advisory is small JSON from the server: {"stream_seq":N,"deliveries":M,...}.
void PoisonListener::on_advisory(std::string_view body) {
    constexpr std::string_view key = "\"stream_seq\":";
    std::size_t at = body.find(key);
    if (at == std::string_view::npos) return;
    std::uint64_t sequence = 0;
    const char* first = body.data() + at + key.size();
    if (std::from_chars(first, body.data() + body.size(), sequence).ec != std::errc()) return;
    std::lock_guard lock(mutex_);
    sequences_.push_back(sequence);
}

void PoisonListener::answer_pending(std::int64_t max_deliver) {
    std::vector<std::uint64_t> sequences;
    {
        std::lock_guard lock(mutex_);
        sequences.swap(sequences_);
    }
    for (std::uint64_t sequence : sequences) {
        natsMsg* raw = nullptr;
        jsErrCode js_error = static_cast<jsErrCode>(0);
        if (js_GetMsg(&raw, connection_.js.get(), k_input_stream, sequence, nullptr, &js_error) !=
            NATS_OK)
            continue;  // purged meanwhile (its token was terminated)
        MsgPtr input(raw);
        std::string_view subject = natsMsg_GetSubject(raw);
        std::string token(
            subject.substr(std::min(subject.size(), std::string_view("sluice.in.").size())));
        std::string id = header(raw, k_header_msg_id);
        if (id.empty()) id = fmt::format("seq-{}", sequence);
        const std::string reason = poison_reason(id, static_cast<std::uint64_t>(max_deliver));
        const std::string body = failed_result_json(id, reason);
        natsMsg* result = nullptr;
        if (natsMsg_Create(&result, result_subject(token, false).c_str(), nullptr, body.data(),
                           static_cast<int>(body.size())) != NATS_OK)
            continue;
        MsgPtr owned(result);
        natsMsgHeader_Set(result, k_header_msg_id, id.c_str());
        natsMsgHeader_Set(result, k_header_error, reason.c_str());
        jsPubAck* ack = nullptr;
        if (js_PublishMsg(&ack, connection_.js.get(), result, nullptr, &js_error) == NATS_OK)
            PubAckPtr(ack).reset();
    }
}

}  // namespace sluice::cluster
