// outcome.hpp — what one protocol command produced: a body, or a failure of a known kind. The
// WebSocket side turns it into a DAP response, the HTTP side into a status code and JSON.
#pragma once

#include <exception>
#include <functional>
#include <string>

#include <sluice/json.hpp>

namespace sluice::server {

enum class Failure {
    none,
    bad_request,    // malformed or missing arguments, an invalid pipeline (HTTP 400)
    unauthorized,   // no or bad API key (401)
    not_found,      // unknown token, pipe or route (404)
    conflict,       // the token's task is already running (409)
    gone,           // the task was terminated (410)
    too_large,      // a body over the size limit (413)
    busy,           // the task stayed full past the send timeout (429)
    limit_reached,  // a server limit (--max-tasks, --max-tasks-per-key) was reached (429)
    unavailable,    // the server is shutting down (503)
    internal,       // a bug: reported, never crashes the server (500)
};

struct Outcome {
    Failure failure = Failure::none;
    std::string message;    // set when failed
    Json body;              // set when succeeded (null = no body)
    std::string body_text;  // the body already serialized (results); used instead of `body`

    bool ok() const noexcept { return failure == Failure::none; }
    static Outcome success(Json body = nullptr) { return {Failure::none, {}, std::move(body), {}}; }
    static Outcome success_text(std::string json) {
        return {Failure::none, {}, nullptr, std::move(json)};
    }
    static Outcome fail(Failure kind, std::string message) {
        return {kind, std::move(message), nullptr, {}};
    }
    // The body as JSON text ("" when there is none).
    std::string body_json() const {
        return !body_text.empty() ? body_text : body.is_null() ? std::string() : body.dump();
    }
};

// Receives a command's outcome exactly once, from any thread.
using Reply = std::function<void(Outcome)>;

// The failure kind and message of an exception thrown by the engine or a command.
Outcome outcome_of(std::exception_ptr error);

int http_status(Failure failure) noexcept;

// Runs `f` (returning an Outcome); what it throws becomes the Outcome of outcome_of.
template <typename F>
Outcome guarded(F&& f) {
    try {
        return f();
    } catch (...) {
        return outcome_of(std::current_exception());
    }
}

}  // namespace sluice::server
