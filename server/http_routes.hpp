// http_routes.hpp — the REST side: DELETE/GET/POST /task, POST /task/data, GET /tasks,
// GET /health, GET /metrics. JSON answers in RocketRide's {"status": "OK"|"Error", ...} shape.
#pragma once

#include <functional>

#include "server_context.hpp"

namespace sluice::server {

using HttpAnswer = std::function<void(HttpResponse)>;  // called once, from any thread

// `executor` is the connection's strand: admissions into a full task are retried on it.
void handle_http(ServerContext& ctx, HttpRequest request, HttpAnswer answer,
                 net::any_io_executor executor);

// An error answer: {"status":"Error","error":{"message":...}}.
HttpResponse http_error(const HttpRequest& request, int status, std::string_view message);

std::string prometheus_metrics(ServerContext& ctx);

}  // namespace sluice::server
