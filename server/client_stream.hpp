// client_stream.hpp — the byte stream of one client connection: plain TCP, or TLS over it when
// the server has a certificate (--tls-cert/--tls-key). One type for both, so the HTTP and
// WebSocket sessions are written once; the choice is made per listener, at accept.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <utility>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "net.hpp"

namespace sluice::server {

namespace ssl = boost::asio::ssl;

class ClientStream {
public:
    using executor_type = beast::tcp_stream::executor_type;

    // `tls` null: plain TCP. Otherwise the stream speaks TLS once handshake() completed.
    ClientStream(tcp::socket&& socket, ssl::context* tls) {
        if (tls)
            tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(
                beast::tcp_stream(std::move(socket)), *tls);
        else
            plain_.emplace(std::move(socket));
    }

    bool tls() const noexcept { return tls_ != nullptr; }
    // The TCP layer: timeouts and the socket.
    beast::tcp_stream& next_layer() noexcept { return tls_ ? tls_->next_layer() : *plain_; }
    const beast::tcp_stream& next_layer() const noexcept {
        return tls_ ? tls_->next_layer() : *plain_;
    }
    executor_type get_executor() noexcept { return next_layer().get_executor(); }

    // The server side of the TLS handshake; only for a TLS stream.
    template <typename Handler>
    void async_handshake(Handler&& handler) {
        tls_->async_handshake(ssl::stream_base::server, std::forward<Handler>(handler));
    }

    template <typename Buffers, typename Token>
    auto async_read_some(const Buffers& buffers, Token&& token) {
        return net::async_initiate<Token, void(beast::error_code, std::size_t)>(
            [this](auto handler, const Buffers& b) {
                if (tls_)
                    tls_->async_read_some(b, std::move(handler));
                else
                    plain_->async_read_some(b, std::move(handler));
            },
            token, buffers);
    }

    template <typename Buffers, typename Token>
    auto async_write_some(const Buffers& buffers, Token&& token) {
        return net::async_initiate<Token, void(beast::error_code, std::size_t)>(
            [this](auto handler, const Buffers& b) {
                if (tls_)
                    tls_->async_write_some(b, std::move(handler));
                else
                    plain_->async_write_some(b, std::move(handler));
            },
            token, buffers);
    }

    // WebSocket close: TLS close_notify first when there is TLS, then the TCP teardown.
    template <typename Handler>
    friend void async_teardown(beast::role_type role, ClientStream& stream, Handler&& handler) {
        using beast::async_teardown;
        if (stream.tls_)
            async_teardown(role, *stream.tls_, std::forward<Handler>(handler));
        else
            async_teardown(role, *stream.plain_, std::forward<Handler>(handler));
    }
    friend void teardown(beast::role_type role, ClientStream& stream, beast::error_code& ec) {
        using beast::teardown;
        if (stream.tls_)
            teardown(role, *stream.tls_, ec);
        else
            teardown(role, *stream.plain_, ec);
    }

private:
    std::optional<beast::tcp_stream> plain_;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls_;
};

// The server's TLS context from a PEM certificate chain and its private key. Throws UsageError
// naming the file and OpenSSL's reason (unreadable, not PEM, key not matching the certificate).
std::unique_ptr<ssl::context> make_tls_context(const std::filesystem::path& cert,
                                               const std::filesystem::path& key);

}  // namespace sluice::server
