// http_session.cpp — reading HTTP requests, the WebSocket upgrade, writing answers.
#include "http_session.hpp"

#include <algorithm>

#include "http_routes.hpp"
#include "ws_session.hpp"

namespace sluice::server {
namespace {
constexpr auto k_read_timeout = std::chrono::seconds(60);

// Requests anyone may make: the health probes, and the WebSocket upgrade (whose credential is
// the DAP `auth` command).
bool is_public(const HttpRequest& head) {
    std::string_view target(head.target().data(), head.target().size());
    target = target.substr(0, target.find('?'));
    if (websocket::is_upgrade(head)) return target == "/task/service";
    return head.method() == http::verb::get && (target == "/health" || target == "/ping");
}
}  // namespace

HttpSession::HttpSession(ClientStream&& stream, ServerContext& ctx, PendingAuth pending)
    : stream_(std::move(stream)), ctx_(ctx), pending_(std::move(pending)) {}

HttpSession::~HttpSession() {
    if (registered_) {
        ctx_.connections.remove(this);
        ctx_.stats.http_open.fetch_sub(1);
    }
}

void HttpSession::start() {
    registered_ = true;
    ctx_.stats.http_open.fetch_add(1);
    ctx_.connections.add(shared_from_this());
    if (!stream_.tls())
        return net::dispatch(stream_.get_executor(),
                             beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
    // The handshake is bounded like the head of a request: a socket holding its IP's
    // unauthenticated place gets --auth-timeout to finish it.
    stream_.next_layer().expires_after(
        std::min<std::chrono::seconds>(k_read_timeout, ctx_.options.auth_timeout));
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
        self->stream_.async_handshake(beast::bind_front_handler(&HttpSession::on_handshake, self));
    });
}

void HttpSession::on_handshake(beast::error_code ec) {
    if (ec) return end();  // not TLS, a bad certificate check on the client, or too slow
    do_read();
}

void HttpSession::do_read() {
    if (closing_) return end();
    parser_.emplace();
    parser_->body_limit(ctx_.options.max_message_bytes);
    parser_->header_limit(64 * 1024);
    // A client that has not shown a key gets --auth-timeout to send its request's head.
    stream_.next_layer().expires_after(
        pending_.held() ? std::min<std::chrono::seconds>(k_read_timeout, ctx_.options.auth_timeout)
                        : k_read_timeout);
    // The head first: the key is checked before any byte of the body is read.
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(beast::error_code ec, std::size_t bytes) {
    if (ec && ec != http::error::body_limit) return end();
    const HttpRequest& head = parser_->get();
    if (!is_public(head)) {
        if (!ctx_.keys.accepts(std::string_view(head[http::field::authorization])))
            return refuse_unauthenticated();
        pending_.release();
    }
    if (ec || parser_->is_done()) return on_read(ec, bytes);  // over the limit, or no body
    stream_.next_layer().expires_after(k_read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

// 401 at once, then close: the body (maybe 60 MB) is never read.
void HttpSession::refuse_unauthenticated() {
    ctx_.stats.auth_failures.fetch_add(1, std::memory_order_relaxed);
    ctx_.stats.refused_unauthenticated.fetch_add(1, std::memory_order_relaxed);
    const HttpRequest& head = parser_->get();
    HttpRequest bare{head.method(), head.target(), head.version()};
    closing_ = true;
    busy_ = true;
    answer(http_error(bare, 401,
                      "missing or invalid API key: send the header \"Authorization: Bearer KEY\""));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) {
        HttpRequest head = parser_->release();
        closing_ = true;
        busy_ = true;
        return answer(http_error(head, 413,
                                 "request body over the limit (--max-message-mb); send it in "
                                 "chunks through a data pipe instead"));
    }
    if (ec) return end();  // end of stream, timeout, or garbage: nothing to answer
    HttpRequest request = parser_->release();
    if (websocket::is_upgrade(request)) {
        std::string_view target(request.target().data(), request.target().size());
        if (target.substr(0, target.find('?')) == "/task/service") {
            // The socket now belongs to the WebSocket session.
            stream_.next_layer().expires_never();
            std::make_shared<WsSession>(std::move(stream_), ctx_, std::move(pending_))
                ->start(std::move(request));
            return;
        }
        closing_ = true;
    }
    ctx_.stats.http_requests.fetch_add(1, std::memory_order_relaxed);
    busy_ = true;
    stream_.next_layer()
        .expires_never();  // an answer may wait for a drain: no read timeout meanwhile
    handle_http(
        ctx_, std::move(request),
        [self = shared_from_this()](HttpResponse response) {
            net::post(self->stream_.get_executor(),
                      [self, response = std::move(response)]() mutable {
                          self->answer(std::move(response));
                      });
        },
        stream_.get_executor());
}

void HttpSession::answer(HttpResponse response) {
    const bool keep_alive = response.keep_alive() && !closing_ && !ctx_.stopping.load();
    response.keep_alive(keep_alive);
    auto shared = std::make_shared<HttpResponse>(std::move(response));
    stream_.next_layer().expires_after(k_read_timeout);
    http::async_write(stream_, *shared,
                      [self = shared_from_this(), shared, keep_alive](
                          beast::error_code ec, std::size_t) { self->on_written(keep_alive, ec); });
}

void HttpSession::on_written(bool keep_alive, beast::error_code ec) {
    busy_ = false;
    if (ec || !keep_alive) return end();
    do_read();
}

void HttpSession::end() {
    beast::error_code ignored;
    // Send side only: the client reads our last answer before it sees the close.
    stream_.next_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.next_layer().socket().close(ignored);
}

void HttpSession::close_for_shutdown(bool) {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
        self->closing_ = true;
        if (!self->busy_) self->end();  // idle keep-alive: close now; busy: after the answer
    });
}

}  // namespace sluice::server
