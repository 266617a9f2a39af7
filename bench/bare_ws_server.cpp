// bare_ws_server.cpp — the bare Beast server: accept, upgrade, then per message read, parse,
// answer, write, read again. One request at a time per connection: a client that pipelines
// waits in the socket, so nothing queues here and no answer is ever dropped.
#include "bare_ws_server.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "dap.hpp"
#include "net.hpp"

namespace bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using sluice::Json;
using sluice::server::DapRequest;
using sluice::server::Failure;
using sluice::server::Outcome;

// Incremented on a server thread before the answer is written; read by the scenario after its
// clients have read that answer. Relaxed: the socket round trip (a write and a read system
// call, each a full barrier) orders the increment before the read, and nothing else is
// published through these counters.
struct Counters {
    std::atomic<std::uint64_t> opened{0}, closed{0};
};

// What every session of one server shares.
struct Shared {
    std::string key;
    Counters counters;
    BareHops hops;
    net::io_context* elsewhere = nullptr;  // BareHops::close_elsewhere: the engine's stand-in
};

class BareSession : public std::enable_shared_from_this<BareSession> {
public:
    BareSession(tcp::socket socket, Shared& shared) : ws_(std::move(socket)), shared_(shared) {}

    void start() {
        http::async_read(ws_.next_layer(), buffer_, upgrade_,
                         beast::bind_front_handler(&BareSession::on_upgrade, shared_from_this()));
    }

private:
    void on_upgrade(beast::error_code ec, std::size_t) {
        if (ec) return;
        // Anything but the protocol's upgrade: the socket closes as the session goes.
        if (!websocket::is_upgrade(upgrade_) || upgrade_.target() != "/task/service") return;
        // The same bounds as `sluice serve`: handshake and idle timeouts with pings.
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.async_accept(upgrade_,
                         beast::bind_front_handler(&BareSession::on_accept, shared_from_this()));
    }
    void on_accept(beast::error_code ec) {
        if (!ec) do_read();
    }
    void do_read() {
        ws_.async_read(buffer_,
                       beast::bind_front_handler(&BareSession::on_read, shared_from_this()));
    }
    void on_read(beast::error_code ec, std::size_t) {
        if (ec) return;  // closed by the client, or failed: the session ends
        // The same copy and parse as WsSession::on_read and parse_request.
        std::string frame = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        DapRequest request = sluice::server::parse_request(frame, ws_.got_binary());
        closing_ = false;
        Outcome outcome = answer(request);
        const BareHops& hops = shared_.hops;
        if (!hops.post_responses && !(closing_ && hops.close_elsewhere))
            return write(request.seq, request.command, outcome);  // the baseline: no hop
        auto reply = [self = shared_from_this(), seq = request.seq,
                      command = std::move(request.command),
                      outcome = std::move(outcome)] { self->write(seq, command, outcome); };
        if (closing_ && hops.close_elsewhere)
            net::post(*shared_.elsewhere, [strand = ws_.get_executor(), reply = std::move(reply)] {
                net::post(strand, std::move(reply));
            });
        else
            net::post(ws_.get_executor(), std::move(reply));
    }
    void write(std::int64_t request_seq, const std::string& command, const Outcome& outcome) {
        answer_ = sluice::server::response_text(next_seq_++, request_seq, command, outcome);
        ws_.text(true);
        ws_.async_write(net::buffer(answer_),
                        beast::bind_front_handler(&BareSession::on_write, shared_from_this()));
    }
    void on_write(beast::error_code ec, std::size_t) {
        if (!ec) do_read();
    }

    Outcome answer(const DapRequest& request) {
        if (!request.error.empty()) return Outcome::fail(Failure::bad_request, request.error);
        if (request.command == "auth") return authenticate(request);
        if (!authenticated_) return Outcome::fail(Failure::unauthorized, "Not authenticated");
        if (request.command != "rrext_process")
            return Outcome::fail(Failure::bad_request,
                                 fmt::format("bare server: {} is not served: only auth and "
                                             "rrext_process open/write/close",
                                             request.command));
        return process(request);
    }
    Outcome authenticate(const DapRequest& request) {
        if (request.arguments.get_string("auth") != shared_.key)
            return Outcome::fail(Failure::unauthorized, "Invalid API key");
        authenticated_ = true;
        return Outcome::success(Json(Json::Object{{"userId", "local"},
                                                  {"userToken", shared_.key},
                                                  {"displayName", "sluice"},
                                                  {"capabilities", Json(Json::Array{})}}));
    }
    // The fixed answers, with the checks WsSession::process makes before reaching the engine.
    Outcome process(const DapRequest& request) {
        const std::string subcommand = request.arguments.get_string("subcommand");
        if (subcommand == "open") {
            shared_.counters.opened.fetch_add(1, std::memory_order_relaxed);
            return Outcome::success(Json(Json::Object{{"pipe_id", ++last_pipe_}}));
        }
        const Json* id = request.arguments.find("pipe_id");
        if (!id || !id->is_int())
            return Outcome::fail(
                Failure::bad_request,
                fmt::format("{}: argument \"pipe_id\" must be an integer", subcommand));
        if (subcommand == "write")
            return request.has_data ? Outcome::success()
                                    : Outcome::fail(Failure::bad_request, "write needs data");
        if (subcommand == "close") {
            closing_ = true;
            shared_.counters.closed.fetch_add(1, std::memory_order_relaxed);
            return Outcome::success_text(BareWsServer::k_close_body);
        }
        return Outcome::fail(Failure::bad_request,
                             fmt::format("Invalid subcommand {}", subcommand));
    }

    websocket::stream<tcp::socket> ws_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> upgrade_;
    std::string answer_;  // the one answer being written
    Shared& shared_;
    std::int64_t next_seq_ = 1;
    std::int64_t last_pipe_ = 0;
    bool authenticated_ = false;
    bool closing_ = false;  // the request being answered is a pipe close
};

}  // namespace

const std::string BareWsServer::k_close_body =
    R"({"name":"5a0017c8-1ec4-4889-8b91-52d8126e8a21","path":"",)"
    R"("objectId":"5a0017c8-1ec4-4889-8b91-52d8126e8a21","result_types":{"text":"text"},)"
    R"("text":["tiny object\n\n"]})";

// Declared in the order of need: the sessions the loops' destructors drop still name `shared`,
// and a session held by `elsewhere` closes its socket while `ioc` still exists.
struct BareWsServer::State {
    Shared shared;
    net::io_context ioc;
    net::io_context elsewhere;
    tcp::acceptor acceptor{net::make_strand(ioc)};
    unsigned short port = 0;
    std::vector<std::thread> threads;

    void accept() {
        acceptor.async_accept(
            net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
                if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
                if (!ec) std::make_shared<BareSession>(std::move(socket), shared)->start();
                accept();
            });
    }
};

BareWsServer::BareWsServer(unsigned io_threads, std::string key, BareHops hops)
    : state_(new State) {
    state_->shared.key = std::move(key);
    state_->shared.hops = hops;
    state_->shared.elsewhere = &state_->elsewhere;
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
    state_->acceptor.open(endpoint.protocol());
    state_->acceptor.bind(endpoint);
    state_->acceptor.listen(net::socket_base::max_listen_connections);
    state_->port = state_->acceptor.local_endpoint().port();
    state_->accept();
    for (unsigned i = 0; i < std::max(1u, io_threads); ++i)
        state_->threads.emplace_back([s = state_.get()] { s->ioc.run(); });
    if (hops.close_elsewhere)
        state_->threads.emplace_back([s = state_.get()] {
            auto busy = net::make_work_guard(s->elsewhere);
            s->elsewhere.run();
        });
}

// Stopping the loop drops the sessions' pending handlers (and the sessions with them).
BareWsServer::~BareWsServer() {
    state_->ioc.stop();
    state_->elsewhere.stop();
    for (std::thread& t : state_->threads) t.join();
}

unsigned short BareWsServer::port() const noexcept { return state_->port; }

BareCounts BareWsServer::counts() const noexcept {
    const Counters& c = state_->shared.counters;
    return {c.opened.load(std::memory_order_relaxed), c.closed.load(std::memory_order_relaxed)};
}

}  // namespace bench
