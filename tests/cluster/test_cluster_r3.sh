#!/usr/bin/env bash
# test_cluster_r3.sh — cluster mode on three nats-servers on loopback with R3 streams: kill -9
# the input stream's leader mid-stream; after the election (4-9 s in 2.9) every object has
# exactly one result, nothing lost. CTest runs it with SLUICE_TEST_WORKER and NATS_SERVER.
set -uo pipefail

: "${SLUICE_TEST_WORKER:?}" "${NATS_SERVER:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh" sluice-r3

declare -a client http route nats_pid
declare -A worker_pid
for i in 1 2 3; do
    client[$i]=$(free_port); http[$i]=$(free_port); route[$i]=$(free_port)
done
routes="nats-route://127.0.0.1:${route[1]}, nats-route://127.0.0.1:${route[2]}, nats-route://127.0.0.1:${route[3]}"
for i in 1 2 3; do
    cat >"$work/c$i.conf" <<CONF
server_name: c$i
listen: 127.0.0.1:${client[$i]}
http: 127.0.0.1:${http[$i]}
jetstream { store_dir: "$work/s$i", max_file_store: 8GB }
cluster { name: sluice-test, listen: 127.0.0.1:${route[$i]}, routes: [$routes] }
CONF
    "$NATS_SERVER" -c "$work/c$i.conf" >"$work/c$i.log" 2>&1 &
    nats_pid[$i]=$!
    background_pids+=("${nats_pid[$i]}")
done
# jetstream healthy on every node (the meta leader is elected)
healthy() { for i in 1 2 3; do curl -sf "http://127.0.0.1:${http[$i]}/healthz?js-enabled-only=true" >/dev/null || return 1; done; }
wait_until 30 healthy || { echo "the 3-node cluster did not become healthy"; tail "$work"/c*.log; exit 1; }
url="nats://127.0.0.1:${client[1]},nats://127.0.0.1:${client[2]},nats://127.0.0.1:${client[3]}"
layout=(--replicas 3 --ack-wait-ms 2000 --max-deliver 10 --max-bytes 268435456)
front() { timeout -k 5 150 "$SLUICE_TEST_WORKER" cluster "$1" --nats "$url" "${layout[@]}" "${@:2}"; }
field() { python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())[sys.argv[1]])' "$1"; }
ids() { python3 -c 'import json,sys; v=[json.loads(l)["objectId"] for l in open(sys.argv[1])]; print(len(v), len(set(v)))' "$1"; }
cat >"$work/slow.pipe" <<PIPE
{"components": [
  {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
  {"id": "check", "provider": "test_check", "config": {"ms": 5},
   "input": [{"lane": "text", "from": "in"}]},
  {"id": "out", "provider": "response", "config": {"lanes": []},
   "input": [{"lane": "text", "from": "check"}]}]}
PIPE

# The layout exists (R3) before the workers start, so every process agrees on it.
until front use --token r3 "$work/slow.pipe" >/dev/null 2>"$work/use.err"; do
    ((SECONDS < 60)) || { echo "use failed"; cat "$work/use.err"; exit 1; }
    sleep 0.2  # the meta leader may still be settling: a bounded retry
done
for w in a b; do
    "$SLUICE_TEST_WORKER" worker --nats "$url" "${layout[@]}" --capacity 64 --threads 2 --name "$w" \
        >/dev/null 2>"$work/$w.err" &
    worker_pid[$w]=$!
    background_pids+=($!)
    wait_until 30 grep -qs 'sluice worker: ready' "$work/$w.err" || { echo "worker $w"; cat "$work/$w.err"; }
done
front send --token r3 --generate 3000 --senders 2 >"$work/r3.out" 2>"$work/r3.err" &
sender=$!
completed_at_least() { [[ $(front status --token r3 | field completed) -ge $1 ]]; }
wait_until 60 completed_at_least 300 || echo "r3 never reached 300 results"
leader() {  # the server name leading SLUICE_IN
    curl -sf "http://127.0.0.1:${http[1]}/jsz?streams=true&accounts=true" | python3 -c '
import json,sys
for a in json.load(sys.stdin).get("account_details", []):
    for s in a.get("stream_detail", []):
        if s["name"] == "SLUICE_IN": print(s["cluster"]["leader"])'
}
lead=$(leader)
lead_index=${lead#c}
[[ $lead_index =~ ^[123]$ ]] || { echo "no leader found: '$lead'"; exit 1; }
kill -KILL "${nats_pid[$lead_index]}"
wait "$sender"
check "R3 leader kill -9: send exits 0" "$?" 0
check "R3 leader kill -9: 3000 result lines, 3000 distinct ids" "$(ids "$work/r3.out")" "3000 3000"
counts() { front status --token r3 2>>"$work/status.err" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["accepted"], d["completed"], d["failed"])'; }
# status reads stream info, which can time out while another stream still elects its leader.
counts_are() { [[ $(counts) == "$1" ]]; }
# A front started right after the kill waits (up to 30 s) for the KV bucket's new leader.
wait_until 60 counts_are "3000 3000 0"
check "R3 leader kill -9: a new front reads 3000 accepted, 3000 completed, 0 failed" "$(counts)" \
    "3000 3000 0"
sed 's/^/    r3| /' "$work/r3.err" | tail -2
for w in a b; do
    kill -TERM "${worker_pid[$w]}" 2>/dev/null
    wait "${worker_pid[$w]}"
    check "R3 leader kill -9: worker $w survived and stopped cleanly on SIGTERM" "$?" 0
done
echo "cluster r3: killed leader $lead; $failed failed"
((failed == 0))
