// http_session.hpp — one HTTP connection (plain, or TLS after a bounded handshake): reads requests
// (keep-alive), answers them through the routes, or hands the socket to a WsSession when the
// request is a WebSocket upgrade.
#pragma once

#include <memory>
#include <optional>

#include "client_stream.hpp"
#include "server_context.hpp"

namespace sluice::server {

class HttpSession final : public Connection, public std::enable_shared_from_this<HttpSession> {
public:
    // `pending` is the socket's place among its IP's unauthenticated connections: given back
    // once a request carries a valid key (or handed to the WebSocket session on upgrade).
    HttpSession(ClientStream&& stream, ServerContext& ctx, PendingAuth pending);
    ~HttpSession();
    void start();
    void close_for_shutdown(bool force) override;

private:
    void on_handshake(beast::error_code ec);
    void do_read();
    void on_header(beast::error_code ec, std::size_t bytes);
    void refuse_unauthenticated();
    void on_read(beast::error_code ec, std::size_t bytes);
    void answer(HttpResponse response);
    void on_written(bool keep_alive, beast::error_code ec);
    void end();

    ClientStream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    ServerContext& ctx_;
    PendingAuth pending_;
    bool busy_ = false;     // a request is being answered
    bool closing_ = false;  // close once the current answer is written
    bool registered_ = false;
};

}  // namespace sluice::server
