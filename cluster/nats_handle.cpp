// nats_handle.cpp — turning libnats statuses into ClusterError messages.
#include "nats_handle.hpp"

#include <string_view>

#include <fmt/format.h>

namespace sluice::cluster {

std::string describe(natsStatus status, jsErrCode js_error) {
    std::string text = natsStatus_GetText(status);
    natsStatus last_status = NATS_OK;
    // The last error often repeats the status text behind a source location: add only news.
    if (const char* last = nats_GetLastError(&last_status);
        last && *last && std::string_view(last).find(text) == std::string_view::npos)
        text += fmt::format(" ({})", last);
    if (js_error != 0) text += fmt::format(" [JetStream error {}]", static_cast<int>(js_error));
    return text;
}

void check(natsStatus status, std::string_view where, std::string_view hint, jsErrCode js_error) {
    if (status == NATS_OK) return;
    std::string message = fmt::format("{}: {}", where, describe(status, js_error));
    if (!hint.empty()) message += fmt::format("; {}", hint);
    throw ClusterError(message);
}

std::string header(natsMsg* msg, const char* key) {
    const char* value = nullptr;
    if (natsMsgHeader_Get(msg, key, &value) != NATS_OK || !value) return {};
    return value;
}

}  // namespace sluice::cluster
