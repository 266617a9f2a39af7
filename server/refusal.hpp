// refusal.hpp — turning away a fresh socket at a cap (--max-connections,
// --max-unauthenticated-per-ip): one short HTTP answer, then close, without reading the request.
#pragma once

#include <string_view>

#include "net.hpp"

namespace sluice::server {

// Writes "HTTP/1.1 <status>" with a JSON error body naming `message`, then closes the socket.
// The answer is a few hundred bytes: the write completes into the kernel's buffer.
void refuse_connection(tcp::socket socket, int status, std::string_view message);

}  // namespace sluice::server
