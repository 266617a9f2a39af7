// dap.cpp — DAP request parsing and response/event writing.
#include "dap.hpp"

#include <fmt/format.h>

#include <sluice/errors.hpp>

namespace sluice::server {
namespace {

// Reads seq and command even from a request that fails later checks, so the error response
// can still be matched by the client.
void read_envelope(const Json& message, DapRequest& request) {
    if (const Json* seq = message.find("seq"); seq && seq->is_int()) request.seq = seq->as_int();
    if (const Json* command = message.find("command"); command && command->is_string())
        request.command = command->as_string();
}

std::string check_envelope(const Json& message) {
    if (!message.is_object()) return "malformed message: not a JSON object";
    const Json* type = message.find("type");
    if (type && (!type->is_string() || type->as_string() != "request"))
        return "malformed message: \"type\" must be \"request\"";
    const Json* seq = message.find("seq");
    if (!seq || !seq->is_int()) return "malformed message: \"seq\" must be an integer";
    const Json* command = message.find("command");
    if (!command || !command->is_string() || command->as_string().empty())
        return "malformed message: \"command\" must be a non-empty string";
    const Json* arguments = message.find("arguments");
    if (arguments && !arguments->is_object() && !arguments->is_null())
        return "malformed message: \"arguments\" must be an object";
    return {};
}

// The seq of a request whose JSON is broken elsewhere (a bad escape in an argument, say), so
// the client waiting on that seq still gets its answer; 0 when it cannot be found.
std::int64_t salvage_seq(std::string_view text) {
    std::size_t at = text.find("\"seq\"");
    if (at == std::string_view::npos) return 0;
    at = text.find_first_not_of(" \t\r\n", at + 5);
    if (at == std::string_view::npos || text[at] != ':') return 0;
    at = text.find_first_not_of(" \t\r\n", at + 1);
    std::int64_t seq = 0;
    int digits = 0;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9' && digits < 15; ++at, ++digits)
        seq = seq * 10 + (text[at] - '0');
    return digits > 0 ? seq : 0;
}

}  // namespace

DapRequest parse_request(std::string_view frame, bool binary) {
    DapRequest request;
    std::string_view header = frame;
    if (binary) {
        // The header never holds a raw newline: the first '\n' ends it. None: plain JSON.
        if (std::size_t nl = frame.find('\n'); nl != std::string_view::npos) {
            header = frame.substr(0, nl);
            request.data.assign(frame.substr(nl + 1));
            request.has_data = true;
        }
    }
    Json message;
    try {
        message = Json::parse(header);
    } catch (const JsonError& e) {
        request.error = fmt::format("malformed message: {}", e.what());
        request.seq = salvage_seq(header);
        return request;
    }
    read_envelope(message, request);
    if (request.error = check_envelope(message); !request.error.empty()) return request;
    Json* arguments = nullptr;
    for (auto& [key, value] : message.as_object())
        if (key == "arguments") arguments = &value;
    request.arguments = arguments && arguments->is_object() ? std::move(*arguments)
                                                            : Json(Json::Object{});
    if (!request.has_data) {
        if (const Json* data = request.arguments.find("data"); data && data->is_string()) {
            request.data = data->as_string();
            request.has_data = true;
        }
    }
    // RocketRide falls back to a top-level token when arguments has none.
    if (!request.arguments.find("token"))
        if (const Json* token = message.find("token"); token && token->is_string())
            request.arguments.set("token", *token);
    return request;
}

std::string token_argument(const Json& arguments) {
    const Json* token = arguments.find("token");
    return token && token->is_string() ? token->as_string() : std::string();
}

std::string response_text(std::int64_t seq, std::int64_t request_seq, std::string_view command,
                          const Outcome& outcome) {
    std::string out = fmt::format(R"({{"type":"response","seq":{},"request_seq":{},"command":)",
                                  seq, request_seq);
    append_json_string(out, command);
    if (outcome.ok()) {
        out += R"(,"success":true)";
        if (!outcome.body_text.empty()) {
            out += R"(,"body":)";
            out += outcome.body_text;
        } else if (!outcome.body.is_null()) {
            out += R"(,"body":)";
            outcome.body.dump_to(out);
        }
    } else {
        out += R"(,"success":false,"message":)";
        append_json_string(out, outcome.message);
    }
    out += '}';
    return out;
}

std::string event_text(std::int64_t seq, std::string_view event, const Json& body,
                       std::string_view id) {
    Json::Object message{{"type", "event"}, {"seq", seq}, {"event", event}, {"body", body}};
    if (!id.empty()) message.emplace_back("id", id);
    return Json(std::move(message)).dump();
}

}  // namespace sluice::server
