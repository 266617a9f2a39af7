// deadline.cpp — failed results for the objects terminate's drain deadline left unanswered.
#include "deadline.hpp"

#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "fence.hpp"
#include "layout.hpp"
#include "poison.hpp"
#include "stream_counts.hpp"

namespace sluice::cluster {
namespace {

struct Stored {
    std::string id;
    std::uint64_t sequence = 0;
};

// Reads the headers of every message on `subject` (an ordered consumer from the first one);
// stops after `expected` messages or when nothing arrives within `wait`.
std::vector<Stored> read_headers(jsCtx* js, const char* stream, const std::string& subject,
                                 std::uint64_t expected, std::chrono::milliseconds wait) {
    jsSubOptions options;
    jsSubOptions_Init(&options);
    options.Stream = stream;
    options.Ordered = true;
    options.Config.DeliverPolicy = js_DeliverAll;
    options.Config.HeadersOnly = true;
    natsSubscription* raw = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    check(js_SubscribeSync(&raw, js, subject.c_str(), nullptr, &options, &js_error),
          fmt::format("reading {} of stream {}", subject, stream), {}, js_error);
    SubscriptionPtr subscription(raw);
    std::vector<Stored> stored;
    while (stored.size() < expected) {
        natsMsg* msg = nullptr;
        if (natsSubscription_NextMsg(&msg, raw, wait.count()) != NATS_OK) break;
        MsgPtr owned(msg);
        Stored one{header(msg, k_header_msg_id), 0};
        jsMsgMetaData* meta = nullptr;
        if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
            one.sequence = meta->Sequence.Stream;
            jsMsgMetaData_Destroy(meta);
        }
        stored.push_back(std::move(one));
    }
    natsSubscription_Unsubscribe(raw);
    return stored;
}

}  // namespace

std::string deadline_reason(const std::string& object_id, std::chrono::milliseconds deadline) {
    return fmt::format(
        "object \"{}\": its task was terminated and no worker answered it within the drain "
        "deadline ({} ms); pass a longer deadline to terminate to let such objects finish",
        object_id, deadline.count());
}

std::uint64_t fail_unanswered(jsCtx* js, const std::string& token, std::uint64_t fence,
                              std::chrono::milliseconds deadline, std::chrono::milliseconds wait) {
    const std::string results_subject = results_filter(token);
    const std::string inputs_subject = input_subject(token);
    std::unordered_set<std::string> answered;
    const std::uint64_t result_count = count_subjects(js, k_output_stream, results_subject).total;
    for (Stored& result : read_headers(js, k_output_stream, results_subject, result_count, wait))
        answered.insert(std::move(result.id));
    const std::uint64_t input_count = count_subjects(js, k_input_stream, inputs_subject).total;
    std::uint64_t published = 0;
    for (const Stored& input :
         read_headers(js, k_input_stream, inputs_subject, input_count, wait)) {
        if (input.sequence > fence) {
            delete_refused(js, input.sequence);  // its front refuses it; it leaves the count
            continue;
        }
        if (input.id.empty() || answered.contains(input.id)) continue;
        const std::string reason = deadline_reason(input.id, deadline);
        const std::string body = failed_result_json(input.id, reason);
        const std::string subject = result_subject(token, false);
        natsMsg* raw = nullptr;
        check(natsMsg_Create(&raw, subject.c_str(), nullptr, body.data(),
                             static_cast<int>(body.size())),
              fmt::format("token \"{}\": failing object {}", token, input.id));
        MsgPtr msg(raw);
        natsMsgHeader_Set(raw, k_header_msg_id, input.id.c_str());
        natsMsgHeader_Set(raw, k_header_error, reason.c_str());
        jsPubAck* ack = nullptr;
        jsErrCode js_error = static_cast<jsErrCode>(0);
        check(
            js_PublishMsg(&ack, js, raw, nullptr, &js_error),
            fmt::format("token \"{}\": publishing the failed result of object {}", token, input.id),
            "is the cluster reachable?", js_error);
        PubAckPtr owned(ack);
        if (!ack->Duplicate) ++published;
    }
    return published;
}

}  // namespace sluice::cluster
