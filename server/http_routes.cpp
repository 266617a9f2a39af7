// http_routes.cpp — the REST routes over TaskService, and Prometheus metrics.
#include "http_routes.hpp"

#include <map>

#include <fmt/format.h>

#include <sluice/errors.hpp>
#include <sluice/version.hpp>

#include "admission_retry.hpp"

namespace sluice::server {
namespace {

struct Target {
    std::string path;
    std::map<std::string, std::string, std::less<>> query;
    std::string get(std::string_view key) const {
        auto it = query.find(key);
        return it == query.end() ? std::string() : it->second;
    }
};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string url_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+')
            out += ' ';
        else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 &&
                 hex_digit(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
            i += 2;
        } else
            out += s[i];
    }
    return out;
}

Target parse_target(std::string_view target) {
    Target t;
    std::size_t q = target.find('?');
    t.path = url_decode(target.substr(0, q));
    if (q == std::string_view::npos) return t;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        std::size_t amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        std::size_t eq = pair.find('=');
        t.query[url_decode(pair.substr(0, eq))] =
            eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    }
    return t;
}

HttpResponse json_response(const HttpRequest& request, int status, std::string body) {
    HttpResponse res{static_cast<http::status>(status), request.version()};
    res.set(http::field::server, fmt::format("sluice/{}", k_version));
    res.set(http::field::content_type, "application/json");
    res.keep_alive(request.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

// {"status":"OK","data":<data>} (no data key when `data` is empty).
HttpResponse ok_response(const HttpRequest& request, int status, const std::string& data) {
    return json_response(
        request, status,
        data.empty() ? R"({"status":"OK"})" : fmt::format(R"({{"status":"OK","data":{}}})", data));
}

HttpResponse outcome_response(const HttpRequest& request, const Outcome& o, int ok_status = 200) {
    if (!o.ok()) return http_error(request, http_status(o.failure), o.message);
    return ok_response(request, ok_status, o.body_json());
}

// The arguments a DAP command would get, from the query string.
Json query_arguments(const Target& t) {
    Json args(Json::Object{});
    for (const auto& [key, value] : t.query) {
        if (key == "threads" || key == "ttl") {
            try {
                std::size_t used = 0;
                long long n = std::stoll(value, &used);
                if (used != value.size()) throw std::invalid_argument(key);
                args.set(key, n);
            } catch (const std::exception&) {
                throw UsageError(
                    fmt::format("query \"{}\" must be a whole number, got \"{}\"", key, value));
            }
        } else if (key == "useExisting") {
            args.set(key, value == "true" || value == "1");
        } else {
            args.set(key, value);
        }
    }
    return args;
}

std::string content_disposition_name(std::string_view header) {
    std::size_t at = header.find("filename=");
    if (at == std::string_view::npos) return {};
    std::string_view name = header.substr(at + 9);
    if (!name.empty() && name.front() == '"') {
        name.remove_prefix(1);
        name = name.substr(0, name.find('"'));
    } else {
        name = name.substr(0, name.find(';'));
    }
    return std::string(name);
}

// RocketRide's /task/data answer around one object's result.
std::string data_answer(const Outcome& o) {
    Json result = Json::parse(o.body_text);
    Json types = result.find("result_types") ? *result.find("result_types") : Json(Json::Object{});
    Json::Object object;
    for (auto& [key, value] : result.as_object())
        if (key != "result_types") object.emplace_back(key, value);
    const bool failed = result.find("error") != nullptr;
    object.emplace_back("status", failed ? "Error" : "OK");
    return Json(Json::Object{{"objectsRequested", 1},
                             {"objectsCompleted", failed ? 0 : 1},
                             {"resultTypes", std::move(types)},
                             {"objects", Json(Json::Object{{"body", Json(std::move(object))}})}})
        .dump();
}

// Routes take the answer by reference and copy it only into work that outlives them: a route
// that throws leaves handle_http's answer intact for the error.
void post_task(ServerContext& ctx, const HttpRequest& request, const Target& t,
               const HttpAnswer& answer) {
    Json args = query_arguments(t);
    Json body = Json::parse(request.body());
    args.set("pipeline", body.find("pipeline") ? *body.find("pipeline") : body);
    const std::string key = std::string(strip_bearer(request[http::field::authorization]));
    run_blocking(ctx, [&ctx, request, args = std::move(args), answer, key] {
        Outcome o = ctx.tasks.execute(args, ctx.keys.key_id(key));
        count_refusal(ctx.stats, o);
        answer(outcome_response(request, o));
    });
}

void post_data(ServerContext& ctx, HttpRequest request, const Target& t, const HttpAnswer& answer,
               const net::any_io_executor& executor) {
    std::string token = t.get("token");
    if (token.empty()) return answer(http_error(request, 400, "Task token is required (?token=)"));
    std::string mime(request[http::field::content_type]);
    if (mime.empty()) mime = "application/octet-stream";
    mime = mime.substr(0, mime.find(';'));  // "text/plain; charset=utf-8" -> text/plain
    ObjectInfo info;
    info.name = t.get("name");
    if (info.name.empty())
        info.name = content_disposition_name(request[http::field::content_disposition]);
    auto data = std::make_shared<const std::string>(std::move(request.body()));
    HttpRequest head{request.method(), request.target(), request.version()};
    head.keep_alive(request.keep_alive());
    Reply reply = [&ctx, head, answer](Outcome o) {
        count_refusal(ctx.stats, o);
        if (!o.ok()) return answer(outcome_response(head, o));
        answer(ok_response(head, 200, data_answer(o)));
    };
    // Retried on the connection's strand while the task is full: no thread waits for capacity.
    AdmissionRetry::start(
        executor, ctx.options.admission_wait,
        [&ctx, token, data, mime, info, reply] {
            return ctx.tasks.try_send(token, data, mime, info, reply);
        },
        [&ctx, token, reply] {
            reply(Outcome::fail(Failure::busy,
                                fmt::format("task {} is full (max_inflight {}): retry later", token,
                                            ctx.options.max_inflight)));
        });
}

// What a route handler gets: the request is its to move.
struct RouteCall {
    ServerContext& ctx;
    HttpRequest& request;
    const Target& t;
    const Json& args;  // the query's arguments, checked before any route runs
    const HttpAnswer& answer;
    const net::any_io_executor& executor;
};

void get_task(const RouteCall& c) {
    answer_query(
        c.ctx, [&tasks = c.ctx.tasks, args = c.args] { return tasks.status(args); },
        [request = c.request, answer = c.answer](Outcome o) {
            answer(outcome_response(request, o));
        });
}

void delete_task(const RouteCall& c) {
    const bool wait = c.t.get("wait") != "false";
    c.ctx.tasks.terminate(c.args, wait, [request = c.request, answer = c.answer, wait](Outcome o) {
        answer(outcome_response(request, o, wait ? 200 : 202));
    });
}

void get_metrics(const RouteCall& c) {
    HttpResponse res = json_response(c.request, 200, prometheus_metrics(c.ctx));
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    c.answer(std::move(res));
}

// While the server shuts down, a path answers 503 to: no verb, every verb but GET, or all.
enum class WhileStopping { serve, refuse_changes, refuse };

// The REST routes, one row per path and verb; a path's rows share its WhileStopping.
struct Route {
    std::string_view path;
    http::verb verb;
    WhileStopping while_stopping;
    void (*run)(const RouteCall&);
};
constexpr Route k_routes[] = {
    {"/task", http::verb::post, WhileStopping::refuse_changes,
     [](const RouteCall& c) { post_task(c.ctx, c.request, c.t, c.answer); }},
    {"/task", http::verb::put, WhileStopping::refuse_changes,
     [](const RouteCall& c) { post_task(c.ctx, c.request, c.t, c.answer); }},
    {"/task", http::verb::get, WhileStopping::refuse_changes, get_task},
    {"/task", http::verb::delete_, WhileStopping::refuse_changes, delete_task},
    {"/task/data", http::verb::post, WhileStopping::refuse,
     [](const RouteCall& c) { post_data(c.ctx, std::move(c.request), c.t, c.answer, c.executor); }},
    {"/task/data", http::verb::put, WhileStopping::refuse,
     [](const RouteCall& c) { post_data(c.ctx, std::move(c.request), c.t, c.answer, c.executor); }},
    {"/webhook", http::verb::post, WhileStopping::refuse,
     [](const RouteCall& c) { post_data(c.ctx, std::move(c.request), c.t, c.answer, c.executor); }},
    {"/webhook", http::verb::put, WhileStopping::refuse,
     [](const RouteCall& c) { post_data(c.ctx, std::move(c.request), c.t, c.answer, c.executor); }},
    {"/tasks", http::verb::get, WhileStopping::serve,
     [](const RouteCall& c) {
         answer_query(
             c.ctx, [&tasks = c.ctx.tasks] { return tasks.list(); },
             [request = c.request, answer = c.answer](Outcome o) {
                 answer(outcome_response(request, o));
             });
     }},
    {"/metrics", http::verb::get, WhileStopping::serve, get_metrics},
};

bool refused_while_stopping(WhileStopping policy, http::verb verb) {
    return policy == WhileStopping::refuse ||
           (policy == WhileStopping::refuse_changes && verb != http::verb::get);
}

void route(ServerContext& ctx, HttpRequest request, const Target& t, const HttpAnswer& answer,
           const net::any_io_executor& executor) {
    const http::verb verb = request.method();
    const Json args = query_arguments(t);
    const Route* path_row = nullptr;
    for (const Route& r : k_routes) {
        if (r.path != t.path) continue;
        path_row = &r;
        if (r.verb == verb) break;
    }
    if (!path_row)
        return answer(http_error(request, 404,
                                 fmt::format("no route {}; routes: /task, /task/data, /tasks, "
                                             "/health, /metrics, and WebSocket /task/service",
                                             t.path)));
    if (ctx.stopping.load() && refused_while_stopping(path_row->while_stopping, verb))
        return answer(http_error(request, 503, "server is shutting down"));
    if (path_row->verb == verb)
        return path_row->run(RouteCall{ctx, request, t, args, answer, executor});
    answer(http_error(
        request, 405,
        fmt::format("{} is not allowed on {}", std::string_view(request.method_string()), t.path)));
}

}  // namespace

HttpResponse http_error(const HttpRequest& request, int status, std::string_view message) {
    Json body(
        Json::Object{{"status", "Error"}, {"error", Json(Json::Object{{"message", message}})}});
    return json_response(request, status, body.dump());
}

void handle_http(ServerContext& ctx, HttpRequest request, HttpAnswer answer,
                 net::any_io_executor executor) {
    // What an error answer needs, kept apart: `request` itself is moved into the route.
    HttpRequest head{request.method(), request.target(), request.version()};
    head.keep_alive(request.keep_alive());
    try {
        Target t = parse_target(std::string_view(request.target().data(), request.target().size()));
        if ((t.path == "/health" || t.path == "/ping") && request.method() == http::verb::get) {
            auto uptime = std::chrono::steady_clock::now() - ctx.started;
            Json data(Json::Object{{"version", k_version},
                                   {"uptimeSeconds", std::chrono::duration<double>(uptime).count()},
                                   {"stopping", ctx.stopping.load()}});
            return answer(ok_response(request, 200, data.dump()));
        }
        if (!ctx.keys.accepts(std::string_view(request[http::field::authorization]))) {
            ctx.stats.auth_failures.fetch_add(1, std::memory_order_relaxed);
            return answer(http_error(request, 401,
                                     "missing or invalid API key: send the header "
                                     "\"Authorization: Bearer KEY\""));
        }
        route(ctx, std::move(request), t, answer, executor);
    } catch (...) {
        Outcome o = outcome_of(std::current_exception());
        answer(http_error(head, http_status(o.failure), o.message));
    }
}

}  // namespace sluice::server
