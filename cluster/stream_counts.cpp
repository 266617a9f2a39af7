// stream_counts.cpp — per-subject message counts from js_GetStreamInfo.
#include "stream_counts.hpp"

#include <string_view>

#include <fmt/format.h>

namespace sluice::cluster {

SubjectCounts count_subjects(jsCtx* js, const char* stream, const std::string& filter) {
    jsOptions options;
    jsOptions_Init(&options);
    options.Stream.Info.SubjectsFilter = filter.c_str();
    jsStreamInfo* raw = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    check(js_GetStreamInfo(&raw, js, stream, &options, &js_error),
          fmt::format("NATS stream {}: counting {}", stream, filter), {}, js_error);
    StreamInfoPtr info(raw);
    SubjectCounts counts;
    if (!info->State.Subjects) return counts;
    for (int i = 0; i < info->State.Subjects->Count; ++i) {
        const jsStreamStateSubject& subject = info->State.Subjects->List[i];
        const std::string_view name = subject.Subject;
        counts.total += subject.Msgs;
        if (name.ends_with(".ok")) counts.ok += subject.Msgs;
        if (name.ends_with(".failed")) counts.failed += subject.Msgs;
    }
    return counts;
}

}  // namespace sluice::cluster
