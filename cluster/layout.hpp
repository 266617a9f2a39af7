// layout.hpp — what sluice keeps in JetStream, by name, and its idempotent creation.
//
//   stream SLUICE_IN   subjects sluice.in.<token>           objects (Limits retention: kept
//                      until MaxAge, so subject counts are the cluster-wide "accepted")
//   consumer workers   durable pull consumer on SLUICE_IN   shared by every worker
//   stream SLUICE_OUT  subjects sluice.out.<token>.ok|failed results, Nats-Msg-Id = object id
//   KV sluice_tokens   state.<token> = running|draining|dead, pipeline.<token> = pipeline JSON
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nats_handle.hpp"

namespace sluice::cluster {

inline constexpr const char* k_input_stream = "SLUICE_IN";
inline constexpr const char* k_output_stream = "SLUICE_OUT";
inline constexpr const char* k_worker_consumer = "workers";
inline constexpr const char* k_token_bucket = "sluice_tokens";
inline constexpr const char* k_header_name = "Sluice-Name";
inline constexpr const char* k_header_mime = "Sluice-Mime";
inline constexpr const char* k_header_error = "Sluice-Error";
inline constexpr const char* k_header_msg_id = "Nats-Msg-Id";

std::string input_subject(std::string_view token);
std::string result_subject(std::string_view token, bool ok);
std::string results_filter(std::string_view token);  // both result subjects of one token

// Tokens become subject tokens and KV keys: [A-Za-z0-9_-], 1..128 characters. Throws
// UsageError naming the token and the rule.
void check_token_name(std::string_view token);

struct LayoutOptions {
    int replicas = 1;
    std::chrono::milliseconds ack_wait{5'000};
    int max_deliver = 5;
    std::int64_t max_ack_pending = 4096;             // the cluster's in-flight cap
    std::int64_t max_bytes = std::int64_t{1} << 30;  // input stream; full = sends refused (Busy)
    std::chrono::hours max_age{24};
    // A publish retried after a failover must still be recognised: longer than a redelivery
    // cycle (AckWait x MaxDeliver) plus the time to elect a leader.
    std::chrono::milliseconds failover{30'000};
    std::chrono::milliseconds duplicates_window() const {
        return ack_wait * max_deliver + failover;
    }
};

// Connects to the comma-separated `urls` (reconnecting forever once connected). An unreachable
// server at start is a ClusterError naming the URLs.
struct Connection {
    ConnectionPtr nc;
    JsPtr js;
};
Connection connect(const std::string& urls, std::string_view client_name, jsOptions* js_options);
std::vector<std::string> split_urls(const std::string& urls);

// Creates the streams, the workers' consumer and the KV bucket, or keeps them when present (the
// first process to create them chooses their settings). Returns the consumer's actual settings.
struct Layout {
    std::chrono::milliseconds ack_wait;
    std::int64_t max_deliver;
};
Layout ensure_layout(jsCtx* js, const LayoutOptions& options);
KvPtr open_tokens(jsCtx* js, int replicas = 1);

}  // namespace sluice::cluster
