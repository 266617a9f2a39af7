// nats_handle.hpp — owning handles for libnats objects, and the one error type of cluster mode.
// Every libnats status that is not NATS_OK becomes a ClusterError reading where -> what -> hint.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nats/nats.h>

#include <sluice/errors.hpp>

namespace sluice::cluster {

// NATS refused or could not do something (unreachable server, stream missing, timeout).
using ClusterError = sluice::ClusterError;

// Throws ClusterError "<where>: <status text> (<last error>) [JetStream error N]; <hint>".
void check(natsStatus status, std::string_view where, std::string_view hint = {},
           jsErrCode js_error = static_cast<jsErrCode>(0));
std::string describe(natsStatus status, jsErrCode js_error = static_cast<jsErrCode>(0));

template <auto Destroy>
struct NatsDeleter {
    template <class T>
    void operator()(T* p) const noexcept {
        if (p) Destroy(p);
    }
};

using ConnectionPtr = std::unique_ptr<natsConnection, NatsDeleter<natsConnection_Destroy>>;
using OptionsPtr = std::unique_ptr<natsOptions, NatsDeleter<natsOptions_Destroy>>;
using JsPtr = std::unique_ptr<jsCtx, NatsDeleter<jsCtx_Destroy>>;
using MsgPtr = std::unique_ptr<natsMsg, NatsDeleter<natsMsg_Destroy>>;
using SubscriptionPtr = std::unique_ptr<natsSubscription, NatsDeleter<natsSubscription_Destroy>>;
using KvPtr = std::unique_ptr<kvStore, NatsDeleter<kvStore_Destroy>>;
using KvEntryPtr = std::unique_ptr<kvEntry, NatsDeleter<kvEntry_Destroy>>;
using KvWatcherPtr = std::unique_ptr<kvWatcher, NatsDeleter<kvWatcher_Destroy>>;
using StreamInfoPtr = std::unique_ptr<jsStreamInfo, NatsDeleter<jsStreamInfo_Destroy>>;
using ConsumerInfoPtr = std::unique_ptr<jsConsumerInfo, NatsDeleter<jsConsumerInfo_Destroy>>;
using PubAckPtr = std::unique_ptr<jsPubAck, NatsDeleter<jsPubAck_Destroy>>;
using MetaPtr = std::unique_ptr<jsMsgMetaData, NatsDeleter<jsMsgMetaData_Destroy>>;

// A header of `msg`, or empty when absent.
std::string header(natsMsg* msg, const char* key);

}  // namespace sluice::cluster
