// ws_session.cpp — the DAP connection: reading, dispatching, answering, closing.
#include "ws_session.hpp"

#include <cstdio>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include <sluice/version.hpp>

#include "admission_retry.hpp"
#include "deploy_commands.hpp"

namespace sluice::server {

WsSession::WsSession(ClientStream&& stream, ServerContext& ctx, PendingAuth pending)
    : ws_(std::move(stream)),
      ctx_(ctx),
      pending_(std::move(pending)),
      auth_timer_(ws_.get_executor()),
      store_handles_(
          StoreLimits{.max_file_bytes = std::uint64_t{ctx.options.store_max_file_mb} << 20},
          &ctx.stats.store_handles_open) {}

WsSession::~WsSession() { pipes_.close_all(); }

void WsSession::start(HttpRequest request) {
    // The HTTP session's timeout must not cut a long-lived WebSocket: Beast's own timeouts
    // (handshake, idle with pings) take over.
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
        res.set(http::field::server, fmt::format("sluice/{}", k_version));
    }));
    // The size limit is enforced in on_read (Beast's own closes with 1009 but no reason).
    ws_.read_message_max(0);
    ws_.async_accept(request, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
}

void WsSession::on_accept(beast::error_code ec) {
    if (ec) return finished(ec);
    accepted_ = true;
    ctx_.stats.websocket_open.fetch_add(1);
    ctx_.stats.websocket_total.fetch_add(1);
    ctx_.connections.add(shared_from_this());
    start_auth_timer();
    if (ctx_.stopping.load())
        close_after_writes(websocket::close_code::going_away, "server shutting down");
    do_read();
}

void WsSession::start_auth_timer() {
    auth_timer_.expires_after(ctx_.options.auth_timeout);
    auth_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->authenticated_ || self->finished_) return;
        self->ctx_.stats.refused_unauthenticated.fetch_add(1, std::memory_order_relaxed);
        self->close_after_writes(
            websocket::close_code::policy_error,
            fmt::format("not authenticated within {} s (--auth-timeout): send auth first",
                        self->ctx_.options.auth_timeout.count()));
    });
}

// Reads a message piece by piece, so one over the limit is refused after at most the limit
// plus one piece has been buffered, whatever size its frame header announces.
void WsSession::do_read() {
    const std::size_t piece = authenticated_ ? 256 * 1024 : k_unauthenticated_message_bytes;
    ws_.async_read_some(buffer_, piece,
                        beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
}

void WsSession::on_read(beast::error_code ec, std::size_t) {
    if (ec) return finished(ec);
    if (!authenticated_ && buffer_.size() > k_unauthenticated_message_bytes) {
        buffer_.clear();
        ctx_.stats.refused_unauthenticated.fetch_add(1, std::memory_order_relaxed);
        return close_after_writes(
            websocket::close_code::policy_error,
            fmt::format("message over {} bytes before auth: authenticate first",
                        k_unauthenticated_message_bytes));
    }
    const std::size_t limit = ctx_.options.max_message_bytes;
    if (buffer_.size() > limit) {
        buffer_.clear();
        std::fprintf(stderr, "sluice serve: closed a connection: a message over %zu bytes\n",
                     limit);
        // No read after this one: the close handshake reads (and drops) what is left.
        return close_after_writes(
            websocket::close_code::too_big,
            fmt::format("message over the {}-byte limit (--max-message-mb); send large data as "
                        "several pipe writes",
                        limit));
    }
    if (!ws_.is_message_done()) return do_read();
    std::string frame = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    const bool binary = ws_.got_binary();
    do_read();  // requests are pipelined: keep reading while this one is served
    handle(parse_request(frame, binary));
}

void WsSession::handle(DapRequest request) {
    ctx_.stats.requests.fetch_add(1, std::memory_order_relaxed);
    const Asked asked{request.seq, request.command};
    if (!request.error.empty())
        return respond(asked, Outcome::fail(Failure::bad_request, std::move(request.error)));
    if (!authenticated_ && request.command != "auth" &&
        !request.command.starts_with("rrext_public_")) {
        respond(asked, Outcome::fail(Failure::unauthorized, "Not authenticated"));
        return close_after_writes(websocket::close_code::policy_error, "Not authenticated");
    }
    try {
        dispatch(request, asked);
    } catch (...) {
        respond(asked, outcome_of(std::current_exception()));
    }
}

// The DAP commands, one row each. `starts_task`: refused while the server shuts down (pipes
// stay usable, so a client can still close its pipe and collect what the drain completed).
void WsSession::dispatch(DapRequest& request, const Asked& asked) {
    using Handler = void (*)(WsSession&, DapRequest&, const Asked&);
    struct Command {
        std::string_view name;
        bool starts_task;
        Handler run;
    };
    static constexpr Command commands[] = {
        {"auth", false, [](WsSession& s, DapRequest& r, const Asked& a) { s.authenticate(r, a); }},
        {"deauth", false, [](WsSession& s, DapRequest&, const Asked& a) { s.deauthenticate(a); }},
        {"rrext_ping", false,
         [](WsSession& s, DapRequest&, const Asked& a) {
             s.respond(a, Outcome::success(Json(Json::Object{{"pong", true}})));
         }},
        {"rrext_public_probe", false,
         [](WsSession& s, DapRequest&, const Asked& a) { s.probe(a); }},
        {"execute", true, [](WsSession& s, DapRequest& r, const Asked& a) { s.execute(r, a); }},
        {"restart", true, [](WsSession& s, DapRequest& r, const Asked& a) { s.restart(r, a); }},
        {"terminate", false,
         [](WsSession& s, DapRequest& r, const Asked& a) { s.terminate(r, a); }},
        {"rrext_get_task_status", false,
         [](WsSession& s, DapRequest& r, const Asked& a) {
             s.query(a, [&tasks = s.ctx_.tasks, args = r.arguments] { return tasks.status(args); });
         }},
        {"rrext_get_token", false,
         [](WsSession& s, DapRequest& r, const Asked& a) {
             s.query(a,
                     [&tasks = s.ctx_.tasks, args = r.arguments] { return tasks.get_token(args); });
         }},
        {"rrext_get_tasks", false,
         [](WsSession& s, DapRequest&, const Asked& a) {
             s.query(a, [&tasks = s.ctx_.tasks] { return tasks.list(); });
         }},
        {"rrext_validate", false,
         [](WsSession& s, DapRequest& r, const Asked& a) {
             s.respond(a, s.ctx_.tasks.validate(r.arguments));
         }},
        {"rrext_services", false,
         [](WsSession& s, DapRequest& r, const Asked& a) {
             s.respond(a, s.ctx_.tasks.services(r.arguments));
         }},
        {"rrext_monitor", false,
         [](WsSession& s, DapRequest& r, const Asked& a) { s.monitor(r, a); }},
        {"rrext_process", false,
         [](WsSession& s, DapRequest& r, const Asked& a) { s.process(r, a); }},
        // Deployments (deploy_commands.cpp); an added one starts a task.
        {"rrext_deploy_add", true,
         [](WsSession& s, DapRequest& r, const Asked& a) { s.deploy(r, a); }},
        {"rrext_deploy_list", false,
         [](WsSession& s, DapRequest& r, const Asked& a) { s.deploy(r, a); }},
        {"rrext_deploy_status", false,
         [](WsSession& s, DapRequest& r, const Asked& a) { s.deploy(r, a); }},
        {"rrext_deploy_update", true,
         [](WsSession& s, DapRequest& r, const Asked& a) { s.deploy(r, a); }},
        {"rrext_deploy_remove", false,
         [](WsSession& s, DapRequest& r, const Asked& a) { s.deploy(r, a); }},
        {"rrext_store", false, [](WsSession& s, DapRequest& r, const Asked& a) { s.store(r, a); }},
    };
    for (const Command& c : commands) {
        if (c.name != request.command) continue;
        if (c.starts_task && ctx_.stopping.load())
            return respond(asked, Outcome::fail(Failure::unavailable, "server is shutting down"));
        return c.run(*this, request, asked);
    }
    respond(asked, Outcome::fail(Failure::bad_request,
                                 fmt::format("Invalid command: {}", request.command)));
}

void WsSession::query(const Asked& asked, std::function<Outcome()> run) {
    answer_query(ctx_, std::move(run), [self = shared_from_this(), asked](Outcome o) {
        self->respond(asked, std::move(o));
    });
}

void WsSession::deauthenticate(const Asked& asked) {
    authenticated_ = false;
    respond(asked, Outcome::success(Json(Json::Object{})));
}

void WsSession::probe(const Asked& asked) {
    respond(asked, Outcome::success(Json(Json::Object{{"version", k_version},
                                                      {"platform", "linux"},
                                                      {"capabilities", Json(Json::Array{})},
                                                      {"apps", Json(Json::Array{})}})));
}

void WsSession::execute(const DapRequest& request, const Asked& asked) {
    blocking(asked, [this, args = request.arguments, key = key_id_] {
        return ctx_.tasks.execute(args, key);
    });
}

void WsSession::restart(const DapRequest& request, const Asked& asked) {
    blocking(asked, [this, args = request.arguments, key = key_id_] {
        return ctx_.tasks.restart(args, key);
    });
}

void WsSession::terminate(const DapRequest& request, const Asked& asked) {
    ctx_.tasks.terminate(request.arguments, true, [self = shared_from_this(), asked](Outcome o) {
        self->respond(asked, std::move(o));
    });
}

// Records are written to disk: on the blocking pool.
void WsSession::deploy(const DapRequest& request, const Asked& asked) {
    blocking(asked, [this, args = request.arguments, command = asked.command, key = key_id_] {
        return deploy_command(*ctx_.deployments, command, args, key);
    });
}

template <typename F>
void WsSession::blocking(const Asked& asked, F work) {
    run_blocking(ctx_, [self = shared_from_this(), asked, work = std::move(work)]() mutable {
        self->respond(asked, work());  // work() returns an Outcome, never throws
    });
}

void WsSession::authenticate(const DapRequest& request, const Asked& asked) {
    if (++auth_attempts_ > 5) {
        respond(asked, Outcome::fail(Failure::unauthorized, "Too many authentication attempts"));
        return close_after_writes(websocket::close_code::policy_error,
                                  "Too many authentication attempts");
    }
    const Json* given = request.arguments.find("auth");
    const std::string credential = given && given->is_string() ? given->as_string() : "";
    const char* refusal = nullptr;
    if (strip_bearer(credential).empty())
        refusal = "No authorization provided";
    else if (!ctx_.keys.accepts(credential))
        refusal = "Invalid API key";
    if (refusal) {
        ctx_.stats.auth_failures.fetch_add(1, std::memory_order_relaxed);
        respond(asked, Outcome::fail(Failure::unauthorized, refusal));
        return close_after_writes(websocket::close_code::policy_error, refusal);
    }
    authenticated_ = true;
    key_id_ = ctx_.keys.key_id(credential);
    store_name_ = store_namespace_name(strip_bearer(credential));
    store_ns_.reset();
    pending_.release();
    auth_timer_.cancel();
    // userToken echoes the key: the client stores it and uses it to log in again.
    respond(asked,
            Outcome::success(Json(Json::Object{{"userId", "local"},
                                               {"userToken", std::string(strip_bearer(credential))},
                                               {"displayName", "sluice"},
                                               {"capabilities", Json(Json::Array{})}})));
}

void WsSession::monitor(const DapRequest& request, const Asked& asked) {
    std::vector<Event> catch_up;
    Outcome outcome = ctx_.monitor.subscribe(shared_from_this(), request.arguments, catch_up);
    respond(asked, std::move(outcome));
    for (Event& e : catch_up) push_event(std::move(e.name), std::move(e.body), std::move(e.id));
}

void WsSession::push_event(std::string event, Json body, std::string id) {
    net::post(ws_.get_executor(), [self = shared_from_this(), event = std::move(event),
                                   body = std::move(body), id = std::move(id)] {
        self->queue(event_text(self->next_seq_++, event, body, id));
    });
}

// Answered on the strand (most requests, as they are read), the response is queued at once;
// from any other thread (a task's result, the blocking pool) it is posted to the strand. A post
// per answer cost about 7,000 instructions and 5 futex calls per object in scenario 7
// (bench/probe/server_per_object.sh). Order holds either way: `seq` is taken when the response
// is queued, and close_after_writes() is always posted, so it runs after an inline answer.
void WsSession::respond(const Asked& asked, Outcome outcome) {
    if (!outcome.ok()) ctx_.stats.failed_requests.fetch_add(1, std::memory_order_relaxed);
    count_refusal(ctx_.stats, outcome);
    net::dispatch(
        ws_.get_executor(), [self = shared_from_this(), asked, outcome = std::move(outcome)] {
            self->queue(response_text(self->next_seq_++, asked.seq, asked.command, outcome));
        });
}

void WsSession::queue(std::string text, bool binary) {
    if (finished_ || close_started_) return;  // nobody left to read it
    queued_bytes_ += text.size();
    outbox_.push_back(Message{std::move(text), binary});
    // A client that stops reading would otherwise grow this queue without bound. A close
    // handshake would wait behind the stalled write, so the socket is closed outright.
    const std::size_t cap = 4 * ctx_.options.max_message_bytes;
    if (queued_bytes_ > cap) {
        std::fprintf(stderr,
                     "sluice serve: closed a connection that does not read its responses "
                     "(over %zu bytes queued)\n",
                     cap);
        // The message being written stays: the pending write still reads its buffer.
        outbox_.erase(writing_ ? std::next(outbox_.begin()) : outbox_.begin(), outbox_.end());
        queued_bytes_ = 0;
        close_started_ = true;  // nothing more is queued
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
        // Posted: respond() may have queued this from inside a request's handler, which must
        // not see its pipes and handles closed under it.
        net::post(ws_.get_executor(),
                  [self = shared_from_this()] { self->finished(websocket::error::closed); });
        return;
    }
    if (!writing_) do_write();
}

void WsSession::do_write() {
    if (outbox_.empty()) {
        if (close_pending_ && !close_started_) {
            close_started_ = true;
            ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code ec) {
                self->finished(ec);
            });
        }
        return;
    }
    writing_ = true;
    ws_.binary(outbox_.front().binary);
    ws_.async_write(net::buffer(outbox_.front().text),
                    beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
}

void WsSession::on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) {
        outbox_.clear();
        queued_bytes_ = 0;
        return finished(ec);
    }
    queued_bytes_ -= outbox_.front().text.size();
    outbox_.pop_front();
    do_write();
}

// Posted, like respond(): the strand runs it after every response posted before it, so a
// refusal's response goes out before the close.
void WsSession::close_after_writes(websocket::close_code code, std::string reason) {
    net::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
        if (self->close_pending_) return;
        self->close_pending_ = true;
        // A close frame's reason holds at most 123 bytes.
        self->close_reason_ = websocket::close_reason(
            code, std::string_view(reason).substr(0, websocket::reason_string::static_capacity));
        if (!self->writing_) self->do_write();
    });
}

void WsSession::close_for_shutdown(bool force) {
    shutting_down_.store(true);
    if (force || pipes_.size() == 0)
        close_after_writes(websocket::close_code::going_away, "server shutting down");
}

// The connection is over (closed by either side, or failed): release what it held.
void WsSession::finished(beast::error_code) {
    if (finished_) return;
    finished_ = true;
    auth_timer_.cancel();
    pending_.release();
    ctx_.monitor.unsubscribe_all(this);
    pipes_.close_all();
    store_handles_.close_all();  // unfinished writes leave no temporary file behind
    if (accepted_) {
        ctx_.connections.remove(this);
        ctx_.stats.websocket_open.fetch_sub(1);
    }
}

// ---- rrext_process: data pipes ------------------------------------------------------------

namespace {
std::optional<int> pipe_id(const Json& args) {
    const Json* id = args.find("pipe_id");
    if (!id || !id->is_int()) return std::nullopt;
    return static_cast<int>(id->as_int());
}
}  // namespace

void WsSession::process(DapRequest& request, const Asked& asked) {
    const Json& args = request.arguments;
    const Json* sub = args.find("subcommand");
    const std::string subcommand = sub && sub->is_string() ? sub->as_string() : "";
    if (subcommand == "open") return open_pipe(request, asked);
    if (subcommand != "write" && subcommand != "close")
        return respond(asked, Outcome::fail(Failure::bad_request,
                                            fmt::format("Invalid subcommand {}", subcommand)));
    std::optional<int> id = pipe_id(args);
    if (!id)
        return respond(
            asked,
            Outcome::fail(Failure::bad_request,
                          fmt::format("{}: argument \"pipe_id\" must be an integer", subcommand)));
    if (subcommand == "write") {
        std::shared_ptr<ObjectPipe> pipe = pipes_.find(*id);
        if (!pipe)
            return respond(asked,
                           Outcome::fail(Failure::not_found,
                                         fmt::format("Write pipe with id {} not found", *id)));
        if (!request.has_data)
            return respond(asked, Outcome::fail(Failure::bad_request,
                                                "write needs data: send a binary frame (JSON "
                                                "header, a newline, then the bytes)"));
        pipe->write(request.data);  // throws TaskTerminated once the gate is closed
        return respond(asked, Outcome::success());
    }
    std::shared_ptr<ObjectPipe> pipe = pipes_.take(*id);
    if (!pipe)
        return respond(asked, Outcome::fail(Failure::not_found,
                                            fmt::format("Close pipe with id {} not found", *id)));
    pipe->close_then([self = shared_from_this(), asked](Outcome result) {
        self->respond(asked, std::move(result));
        if (self->shutting_down_.load() && self->pipes_.size() == 0)
            self->close_after_writes(websocket::close_code::going_away, "server shutting down");
    });
}

void WsSession::open_pipe(const DapRequest& request, const Asked& asked) {
    const Json& args = request.arguments;
    std::string token;
    if (Outcome missing = require_token(args, token); !missing.ok()) return respond(asked, missing);
    const Json* object = args.find("object");
    if (!object || !object->is_object())
        return respond(asked, Outcome::fail(Failure::bad_request, "No object info specified"));
    const Json* mime = args.find("mimeType");
    if (!mime || !mime->is_string() || mime->as_string().empty())
        return respond(asked, Outcome::fail(Failure::bad_request, "No mimeType specified"));
    ObjectInfo info;
    info.name = object->get_string("name");
    info.path = object->get_string("path");
    info.metadata = *object;
    const Json* provider = args.find("provider");
    std::string wanted = provider && provider->is_string() ? provider->as_string() : "";
    if (waiting_admissions_ >= k_max_waiting_admissions) return respond(asked, busy(token));
    ++waiting_admissions_;
    // Retried on this strand while the task is full: no thread waits for capacity.
    auto self = shared_from_this();
    auto attempt = [self, asked, token, info = std::move(info), mime = mime->as_string(),
                    wanted = std::move(wanted)] {
        try {
            if (self->finished_) return self->admission_done();  // nobody to answer
            std::shared_ptr<ObjectPipe> pipe =
                self->ctx_.tasks.try_open_pipe(token, info, mime, wanted);
            if (!pipe) return false;
            int id = self->pipes_.add(std::move(pipe));
            self->respond(asked, Outcome::success(Json(Json::Object{{"pipe_id", id}})));
        } catch (...) {
            self->respond(asked, outcome_of(std::current_exception()));
        }
        return self->admission_done();
    };
    AdmissionRetry::start(ws_.get_executor(), ctx_.options.admission_wait, std::move(attempt),
                          [self, asked, token] {
                              self->admission_done();
                              self->respond(asked, self->busy(token));
                          });
}

bool WsSession::admission_done() {
    --waiting_admissions_;
    return true;
}

Outcome WsSession::busy(const std::string& token) const {
    return Outcome::fail(Failure::busy,
                         fmt::format("task {} is full (max_inflight {}): retry later", token,
                                     ctx_.options.max_inflight));
}

}  // namespace sluice::server
