// dap.hpp — RocketRide's DAP envelope: reading a request frame (text, or binary = JSON header,
// '\n', raw bytes) and writing responses and events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <sluice/json.hpp>

#include "outcome.hpp"

namespace sluice::server {

struct DapRequest {
    std::int64_t seq = 0;
    std::string command;
    Json arguments;    // always an object
    std::string data;  // arguments.data: the bytes after '\n' of a binary frame, or a JSON string
    bool has_data = false;
    // Non-empty when the frame is not a valid request; seq/command hold what could be read.
    std::string error;
};

DapRequest parse_request(std::string_view frame, bool binary);

// The token argument (RocketRide also accepts a top-level `token`); empty when absent.
std::string token_argument(const Json& message_arguments);

std::string response_text(std::int64_t seq, std::int64_t request_seq, std::string_view command,
                          const Outcome& outcome);
std::string event_text(std::int64_t seq, std::string_view event, const Json& body,
                       std::string_view id = {});

}  // namespace sluice::server
