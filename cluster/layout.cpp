// layout.cpp — names of the cluster's streams and subjects, and their idempotent creation.
#include "layout.hpp"

#include <fmt/format.h>

namespace sluice::cluster {
namespace {

std::int64_t to_ns(std::chrono::milliseconds ms) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(ms).count();
}

// js_AddStream answers "name in use" when the stream exists with other settings: keep it.
void ensure_stream(jsCtx* js, jsStreamConfig& config) {
    StreamInfoPtr existing;
    jsStreamInfo* info = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    if (js_GetStreamInfo(&info, js, config.Name, nullptr, &js_error) == NATS_OK) {
        existing.reset(info);
        return;
    }
    natsStatus status = js_AddStream(&info, js, &config, nullptr, &js_error);
    existing.reset(info);
    if (js_error == JSStreamNameExistErr) return;  // another process created it meanwhile
    check(status, fmt::format("NATS stream {}", config.Name), "is JetStream enabled (-js)?",
          js_error);
}

namespace {

// What both streams share: file storage, limits retention, the replicas, the dedupe window
// (longer than AckWait x MaxDeliver plus a failover) and the age limit.
jsStreamConfig stream_config(const char* name, const char** subjects, const LayoutOptions& options) {
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = name;
    config.Subjects = subjects;
    config.SubjectsLen = 1;
    config.Retention = js_LimitsPolicy;
    config.Storage = js_FileStorage;
    config.Replicas = options.replicas;
    config.Duplicates = to_ns(options.duplicates_window());
    config.MaxAge = to_ns(options.max_age);
    return config;
}

}  // namespace

void ensure_streams(jsCtx* js, const LayoutOptions& options) {
    const char* in_subjects[] = {"sluice.in.>"};
    jsStreamConfig in = stream_config(k_input_stream, in_subjects, options);
    in.MaxBytes = options.max_bytes;  // a full input stream refuses sends (Busy), never drops
    in.Discard = js_DiscardNew;
    ensure_stream(js, in);

    const char* out_subjects[] = {"sluice.out.>"};
    jsStreamConfig out = stream_config(k_output_stream, out_subjects, options);
    ensure_stream(js, out);
}

Layout ensure_consumer(jsCtx* js, const LayoutOptions& options) {
    jsConsumerConfig config;
    jsConsumerConfig_Init(&config);
    config.Durable = k_worker_consumer;
    config.AckPolicy = js_AckExplicit;
    config.AckWait = to_ns(options.ack_wait);
    config.MaxDeliver = options.max_deliver;
    config.MaxAckPending = options.max_ack_pending;
    config.DeliverPolicy = js_DeliverAll;
    // No InactiveThreshold: 2.9 deletes durables that carry one on a leader change (#4412).
    jsConsumerInfo* raw = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    natsStatus status =
        js_GetConsumerInfo(&raw, js, k_input_stream, k_worker_consumer, nullptr, &js_error);
    if (status != NATS_OK) {
        status = js_AddConsumer(&raw, js, k_input_stream, &config, nullptr, &js_error);
        if (status != NATS_OK && js_error == JSConsumerNameExistErr)
            status =
                js_GetConsumerInfo(&raw, js, k_input_stream, k_worker_consumer, nullptr, &js_error);
    }
    check(status, fmt::format("NATS consumer {} on {}", k_worker_consumer, k_input_stream), {},
          js_error);
    ConsumerInfoPtr info(raw);
    return Layout{std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::nanoseconds(info->Config->AckWait)),
                  info->Config->MaxDeliver};
}

}  // namespace

Layout ensure_layout(jsCtx* js, const LayoutOptions& options) {
    ensure_streams(js, options);
    Layout layout = ensure_consumer(js, options);
    open_tokens(js, options.replicas);
    return layout;
}

std::string input_subject(std::string_view token) { return fmt::format("sluice.in.{}", token); }
std::string result_subject(std::string_view token, bool ok) {
    return fmt::format("sluice.out.{}.{}", token, ok ? "ok" : "failed");
}
std::string results_filter(std::string_view token) { return fmt::format("sluice.out.{}.*", token); }

void check_token_name(std::string_view token) {
    bool valid = !token.empty() && token.size() <= 128;
    for (char c : token)
        valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '_' || c == '-');
    if (!valid)
        throw UsageError(fmt::format(
            "token \"{}\": not usable in cluster mode; use 1-128 letters, digits, '_' or '-'",
            token));
}

std::vector<std::string> split_urls(const std::string& urls) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= urls.size()) {
        std::size_t comma = urls.find(',', start);
        if (comma == std::string::npos) comma = urls.size();
        if (comma > start) out.push_back(urls.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

Connection connect(const std::string& urls, std::string_view client_name, jsOptions* js_options) {
    std::vector<std::string> list = split_urls(urls);
    if (list.empty())
        throw UsageError("--nats: no URL given; pass nats://HOST:PORT[,nats://HOST:PORT...]");
    std::vector<const char*> servers;
    for (const std::string& url : list) servers.push_back(url.c_str());
    natsOptions* raw_options = nullptr;
    check(natsOptions_Create(&raw_options), "NATS options");
    OptionsPtr options(raw_options);
    const std::string name(client_name);
    check(natsOptions_SetServers(options.get(), servers.data(), static_cast<int>(servers.size())),
          fmt::format("--nats \"{}\"", urls), "pass nats://HOST:PORT[,nats://HOST:PORT...]");
    natsOptions_SetName(options.get(), name.c_str());
    natsOptions_SetMaxReconnect(options.get(), -1);  // once connected, wait for NATS forever
    natsOptions_SetReconnectWait(options.get(), 250);
    natsOptions_SetTimeout(options.get(), 2'000);
    natsConnection* raw_nc = nullptr;
    check(natsConnection_Connect(&raw_nc, options.get()), fmt::format("NATS at {}", urls),
          "is nats-server running there, with -js?");
    Connection connection;
    connection.nc.reset(raw_nc);
    jsCtx* raw_js = nullptr;
    check(natsConnection_JetStream(&raw_js, raw_nc, js_options), "NATS JetStream context");
    connection.js.reset(raw_js);
    return connection;
}

KvPtr open_tokens(jsCtx* js, int replicas) {
    kvStore* raw = nullptr;
    if (js_KeyValue(&raw, js, k_token_bucket) == NATS_OK) return KvPtr(raw);
    kvConfig config;
    kvConfig_Init(&config);
    config.Bucket = k_token_bucket;
    config.History = 1;
    config.StorageType = js_FileStorage;
    config.Replicas = replicas;
    natsStatus status = js_CreateKeyValue(&raw, js, &config);
    if (status != NATS_OK) status = js_KeyValue(&raw, js, k_token_bucket);  // raced another
    check(status, fmt::format("NATS KV bucket {}", k_token_bucket));
    return KvPtr(raw);
}

}  // namespace sluice::cluster
