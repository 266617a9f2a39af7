// suspects.cpp — the KV record of objects that ran alone.
#include "suspects.hpp"

#include <fmt/format.h>

namespace sluice::cluster {
namespace {

constexpr const char* k_suspect_bucket = "sluice_suspects";

std::string suspect_key(const std::string& object_id) {
    return fmt::format("ran_alone.{}", object_id);
}

}  // namespace

Suspects::Suspects(jsCtx* js, const LayoutOptions& layout) {
    kvStore* raw = nullptr;
    if (js_KeyValue(&raw, js, k_suspect_bucket) != NATS_OK) {
        kvConfig config;
        kvConfig_Init(&config);
        config.Bucket = k_suspect_bucket;
        config.History = 1;
        config.StorageType = js_FileStorage;
        config.Replicas = layout.replicas;
        // A record matters only while its object can still be redelivered.
        config.TTL =
            std::chrono::duration_cast<std::chrono::nanoseconds>(layout.duplicates_window())
                .count();
        natsStatus status = js_CreateKeyValue(&raw, js, &config);
        if (status != NATS_OK) status = js_KeyValue(&raw, js, k_suspect_bucket);  // raced
        check(status, fmt::format("NATS KV bucket {}", k_suspect_bucket));
    }
    kv_.reset(raw);
}

HeldObject Suspects::next() {
    HeldObject object = std::move(held_.front());
    held_.pop_front();
    return object;
}

bool Suspects::convicted(const std::string& object_id) {
    const std::string key = suspect_key(object_id);
    kvEntry* raw = nullptr;
    if (kvStore_Get(&raw, kv_.get(), key.c_str()) != NATS_OK) return false;
    KvEntryPtr entry(raw);
    return true;
}

void Suspects::record_alone_run(const std::string& object_id) {
    const std::string key = suspect_key(object_id);
    // A lost record only costs the object another alone run: no need to stop for it.
    kvStore_PutString(nullptr, kv_.get(), key.c_str(), "1");
}

std::string convicted_reason(const std::string& object_id, std::uint64_t delivered) {
    return fmt::format(
        "object \"{}\": crashed or hung its worker when run alone (delivery {}); a node cannot "
        "process it, so it is failed instead of retried",
        object_id, delivered);
}

}  // namespace sluice::cluster
