// refusal.cpp — the short answer of a refused socket.
#include "refusal.hpp"

#include <memory>
#include <string>

#include <fmt/format.h>

#include <sluice/json.hpp>

namespace sluice::server {

void refuse_connection(tcp::socket socket, int status, std::string_view message) {
    struct Refused {
        tcp::socket socket;
        std::string text;
    };
    const std::string body =
        Json(Json::Object{{"status", "Error"}, {"error", Json(Json::Object{{"message", message}})}})
            .dump();
    const char* reason = status == 503 ? "Service Unavailable" : "Too Many Requests";
    auto refused = std::make_shared<Refused>(Refused{
        std::move(socket),
        fmt::format("HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n"
                    "Connection: close\r\nRetry-After: 1\r\n\r\n{}",
                    status, reason, body.size(), body)});
    net::async_write(refused->socket, net::buffer(refused->text),
                     [refused](beast::error_code, std::size_t) {
                         beast::error_code ignored;
                         refused->socket.shutdown(tcp::socket::shutdown_send, ignored);
                         refused->socket.close(ignored);
                     });
}

}  // namespace sluice::server
