// fence.cpp — publishing and finding a token's fence in the input stream.
#include "fence.hpp"

#include <fmt/format.h>

#include "layout.hpp"

namespace sluice::cluster {

std::string fence_subject(std::string_view token) {
    return fmt::format("sluice.in.{}.fence", token);
}

std::optional<InputSubject> parse_input_subject(std::string_view subject) {
    constexpr std::string_view prefix = "sluice.in.";
    constexpr std::string_view suffix = ".fence";
    if (!subject.starts_with(prefix)) return std::nullopt;
    subject.remove_prefix(prefix.size());
    InputSubject parsed;
    // Token names hold no '.' (check_token_name), so a suffix can only be the fence's.
    if (subject.ends_with(suffix)) {
        subject.remove_suffix(suffix.size());
        parsed.fence = true;
    }
    parsed.token = std::string(subject);
    return parsed;
}

std::uint64_t publish_fence(jsCtx* js, const std::string& token) {
    const std::string subject = fence_subject(token);
    const std::string id = fmt::format("fence-{}", token);
    jsPubOptions options;
    jsPubOptions_Init(&options);
    options.MsgId = id.c_str();
    options.MaxWait = 5'000;
    jsPubAck* raw = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    check(js_Publish(&raw, js, subject.c_str(), "", 0, &options, &js_error),
          fmt::format("token \"{}\": publishing its terminate fence on {}", token, subject),
          "is the cluster reachable? terminate stays draining until it is", js_error);
    PubAckPtr ack(raw);
    return ack->Sequence;  // a duplicate's ack names the first fence's sequence
}

std::optional<std::uint64_t> find_fence(jsCtx* js, const std::string& token) {
    const std::string subject = fence_subject(token);
    natsMsg* raw = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    natsStatus status =
        js_GetLastMsg(&raw, js, k_input_stream, subject.c_str(), nullptr, &js_error);
    if (status == NATS_NOT_FOUND) return std::nullopt;
    check(status, fmt::format("token \"{}\": looking up its terminate fence", token), {}, js_error);
    MsgPtr msg(raw);
    return natsMsg_GetSequence(raw);
}

void delete_refused(jsCtx* js, std::uint64_t sequence) {
    jsErrCode js_error = static_cast<jsErrCode>(0);
    // Best effort: an object left behind is purged when its token turns dead.
    js_DeleteMsg(js, k_input_stream, sequence, nullptr, &js_error);
}

}  // namespace sluice::cluster
