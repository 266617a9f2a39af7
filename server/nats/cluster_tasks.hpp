// cluster_tasks.hpp — the tasks of `sluice serve --nats`: the protocol's commands answered by a
// NATS JetStream cluster (cluster/front.hpp) instead of the in-process engine. Objects run on
// `sluice worker` processes; this front only claims tokens, publishes objects, hands back
// results and runs terminate's gate -> drain -> dead across the cluster.
//
// What differs from local mode, each answered with a clear error or documented in the README:
// restart (a dead token stays dead cluster-wide), get_token (no project index), a pipe's
// provider check (the pipeline lives in KV), and the per-key task limit. An object is at most
// NATS' max_payload bytes (1 MiB by default).
#pragma once

#include "server.hpp"

namespace sluice::server::nats {

// What Server calls for --nats. The factory connects at once: NATS unreachable throws a
// ClusterError naming the URL.
RemoteTasksFactory cluster_tasks_factory();

}  // namespace sluice::server::nats
