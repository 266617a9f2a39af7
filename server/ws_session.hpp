// ws_session.hpp — one WebSocket connection speaking RocketRide's DAP: reads requests, answers
// each exactly once (out of order when work finishes out of order), pushes subscribed events,
// and owns the connection's data pipes.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "client_stream.hpp"
#include "dap.hpp"
#include "file_store.hpp"
#include "pipe_table.hpp"
#include "server_context.hpp"
#include "store_handles.hpp"

namespace sluice::server {

class WsSession final : public Connection,
                        public EventSink,
                        public std::enable_shared_from_this<WsSession> {
public:
    // Until `auth` succeeds a message may be at most this long (auth and the public commands
    // are small), and the socket holds `pending`, its place among its IP's unauthenticated ones.
    static constexpr std::size_t k_unauthenticated_message_bytes = 64 * 1024;

    WsSession(ClientStream&& stream, ServerContext& ctx, PendingAuth pending);
    ~WsSession();

    // Completes the upgrade `request` asked for, then serves the connection.
    void start(HttpRequest request);
    void push_event(std::string event, Json body, std::string id) override;
    void close_for_shutdown(bool force) override;

private:
    struct Asked {  // what a response needs of its request
        std::int64_t seq;
        std::string command;
    };

    void on_accept(beast::error_code ec);
    void start_auth_timer();
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void handle(DapRequest request);
    void dispatch(DapRequest& request, const Asked& asked);
    void authenticate(const DapRequest& request, const Asked& asked);
    void deauthenticate(const Asked& asked);
    // Answers a task query (status, get_token, list) inline or from the blocking pool.
    void query(const Asked& asked, std::function<Outcome()> run);
    void probe(const Asked& asked);
    void execute(const DapRequest& request, const Asked& asked);
    void restart(const DapRequest& request, const Asked& asked);
    void deploy(const DapRequest& request, const Asked& asked);
    void terminate(const DapRequest& request, const Asked& asked);
    void process(DapRequest& request, const Asked& asked);
    void open_pipe(const DapRequest& request, const Asked& asked);
    void monitor(const DapRequest& request, const Asked& asked);
    // rrext_store (store_commands.cpp): handle calls on the strand, path calls on the pool.
    void store(DapRequest& request, const Asked& asked);
    void store_handle_call(const std::string& sub, DapRequest& request, const Asked& asked);
    void store_path_call(const std::string& sub, const Json& args, const Asked& asked);
    std::shared_ptr<const StoreNamespace> store_namespace();
    bool admission_done();  // one admission of this connection stopped waiting; returns true
    Outcome busy(const std::string& token) const;
    template <typename F>
    void blocking(const Asked& asked, F work);

    // Thread-safe: the response goes out on the connection's strand.
    void respond(const Asked& asked, Outcome outcome);
    // A success whose bytes go in a binary frame's payload (arguments.data). Thread-safe.
    void respond_bytes(const Asked& asked, Json body, std::string bytes);
    // On the strand.
    void queue(std::string text, bool binary = false);
    void do_write();
    void on_write(beast::error_code ec, std::size_t bytes);
    void close_after_writes(websocket::close_code code, std::string reason);
    void finished(beast::error_code ec);

    websocket::stream<ClientStream> ws_;
    beast::flat_buffer buffer_;
    ServerContext& ctx_;
    PipeTable pipes_;
    PendingAuth pending_;           // the strand's
    net::steady_timer auth_timer_;  // closes a socket not authenticated in time

    // Strand state.
    struct Message {
        std::string text;
        bool binary;
    };
    std::deque<Message> outbox_;
    std::size_t queued_bytes_ = 0;  // in outbox_; over 4 x the message limit closes the socket
    bool writing_ = false;
    bool close_pending_ = false;
    bool close_started_ = false;
    bool finished_ = false;
    bool accepted_ = false;
    websocket::close_reason close_reason_;
    std::int64_t next_seq_ = 1;
    bool authenticated_ = false;
    std::string key_id_;                      // ApiKeys::key_id of the key `auth` proved
    std::atomic<bool> shutting_down_{false};  // close once the last open pipe is closed
    int auth_attempts_ = 0;
    std::string store_name_;  // the key's namespace in the file store (a hash, not the key)
    std::shared_ptr<const StoreNamespace> store_ns_;  // opened at the first rrext_store
    StoreHandles store_handles_;
    // Opens of this connection waiting for room in a full task; past the cap: Busy at once.
    static constexpr std::size_t k_max_waiting_admissions = 256;
    std::size_t waiting_admissions_ = 0;
};

}  // namespace sluice::server
