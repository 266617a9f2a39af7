#!/usr/bin/env bash
# test_cluster.sh — cluster mode end to end on a real nats-server this script starts on free
# loopback ports: exactly-once results, a worker killed with kill -9 mid-run, a poison object,
# terminate (dead survives restarts and refuses sends), SIGTERM, and the error messages.
# CTest runs it with SLUICE_BIN, SLUICE_TEST_WORKER, NATS_SERVER and SLUICE_EXAMPLES.
# Waits are bounded polls on observable state (a health URL, a log line, a count), never bare
# sleeps.
set -uo pipefail

: "${SLUICE_BIN:?}" "${SLUICE_TEST_WORKER:?}" "${SLUICE_TEST_RACE:?}" "${NATS_SERVER:?}" "${SLUICE_EXAMPLES:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh" sluice-cluster
check_grep() {  # DESCRIPTION FILE FIXED-STRING
    if grep -qF -- "$3" "$2"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL: %s\n  no line contains: %s\n  in %s:\n' "$1" "$3" "$2"
        sed 's/^/    | /' "$2" | tail -20
    fi
}

# ---- one nats-server with JetStream, file storage ----------------------------------------
port=$(free_port)
monitor=$(free_port)
url=nats://127.0.0.1:$port
start_nats() {
    "$NATS_SERVER" -js -sd "$work/js" -a 127.0.0.1 -p "$port" -m "$monitor" >>"$work/nats.log" 2>&1 &
    nats_pid=$!
    background_pids+=("$nats_pid")
    wait_until 20 healthy || { echo "nats-server did not become healthy"; cat "$work/nats.log"; exit 1; }
}
healthy() { curl -sf "http://127.0.0.1:$monitor/healthz" >/dev/null; }
start_nats

# Short redelivery so the crash tests finish quickly; every process passes the same layout.
layout=(--ack-wait-ms 1000 --max-deliver 4)
# front VERB ARGS... — `sluice cluster` of the test binary (it knows test_check); sluice_front
# runs the real executable.
front() { timeout -k 5 120 "$SLUICE_TEST_WORKER" cluster "$1" --nats "$url" "${layout[@]}" "${@:2}"; }
sluice_front() { timeout -k 5 120 "$SLUICE_BIN" cluster "$1" --nats "$url" "${layout[@]}" "${@:2}"; }

# start_worker NAME — a test worker in the background; waits for its "ready" line.
start_worker() {
    "$SLUICE_TEST_WORKER" worker --nats "$url" "${layout[@]}" --capacity 64 --threads 2 \
        --name "$1" >/dev/null 2>"$work/$1.err" &
    local pid=$!
    background_pids+=("$pid")
    eval "worker_$1=$pid"
    wait_until 20 grep -q 'sluice worker: ready' "$work/$1.err" ||
        { echo "worker $1 did not start"; cat "$work/$1.err"; }
}
stop_worker() {  # NAME — SIGTERM, then waits for its exit
    local pid_var=worker_$1
    kill -TERM "${!pid_var}" 2>/dev/null
    wait "${!pid_var}" 2>/dev/null
}

pipeline() {  # NAME MS — webhook -> test_check(ms) -> response
    cat >"$work/$1.pipe" <<PIPE
{"components": [
  {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
  {"id": "check", "provider": "test_check", "config": {"ms": $2},
   "input": [{"lane": "text", "from": "in"}]},
  {"id": "out", "provider": "response", "config": {"lanes": []},
   "input": [{"lane": "text", "from": "check"}]}]}
PIPE
}
field() { python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())[sys.argv[1]])' "$1"; }
# ids FILE — "LINES UNIQUE" of the objectIds in a file of result lines.
ids() { python3 -c 'import json,sys; v=[json.loads(l)["objectId"] for l in open(sys.argv[1])]; print(len(v), len(set(v)))' "$1"; }

pipeline fast 0
pipeline medium 1
pipeline slow 5

# ---- errors at start ---------------------------------------------------------------------
timeout 30 "$SLUICE_BIN" worker --nats nats://127.0.0.1:1 2>"$work/unreachable.err"
check "an unreachable NATS URL exits 2" "$?" 2
check_grep "an unreachable NATS URL names it and the fix" "$work/unreachable.err" \
    "sluice worker: NATS at nats://127.0.0.1:1: "
check_grep "an unreachable NATS URL says what to check" "$work/unreachable.err" \
    "is nats-server running there, with -js?"
"$SLUICE_BIN" worker 2>"$work/nonats.err"
check "worker without --nats exits 2" "$?" 2
check_grep "worker without --nats says so" "$work/nonats.err" "worker: --nats URL is required"
front use --token 'a.b' "$work/fast.pipe" 2>"$work/badtoken.err"
check "a token with a dot is refused" "$?" 2
check_grep "a bad token names the rule" "$work/badtoken.err" \
    'token "a.b": not usable in cluster mode; use 1-128 letters, digits,'
front send --token nobody --generate 1 2>"$work/unknown.err"
check "a send to an unknown token exits 2" "$?" 2
check_grep "a send to an unknown token says use first" "$work/unknown.err" \
    'unknown token "nobody" in the cluster; start a pipeline with use() first'

# ---- N objects through 2 workers: N results, exactly once --------------------------------
start_worker a
start_worker b
sluice_front use --token t1 "$SLUICE_EXAMPLES/echo.pipe" >/dev/null
check "use t1 exits 0" "$?" 0
sluice_front use --token t1 "$SLUICE_EXAMPLES/echo.pipe" 2>"$work/again.err"
check "use of a running token exits 2" "$?" 2
check_grep "use of a running token answers AlreadyRunning" "$work/again.err" \
    'token "t1": is already running in the cluster; terminate it first or use another token'
sluice_front send --token t1 --generate 2000 --senders 2 >"$work/t1.out" 2>"$work/t1.err"
check "2000 objects: send exits 0" "$?" 0
check "2000 objects: 2000 result lines, 2000 distinct ids" "$(ids "$work/t1.out")" "2000 2000"
check "2000 objects: the streams count 2000 accepted, 2000 completed" \
    "$(front status --token t1)" \
    '{"token":"t1","state":"running","accepted":2000,"completed":2000,"failed":0,"unanswered":0}'
check "a result is the echoed text" "$(grep -cF '"text":["object 7\n\n"]' "$work/t1.out")" 1

# ---- 3 workers, 20,000 objects from 4 senders; kill -9 one worker mid-stream, then another --
start_worker c
front use --token t2 "$work/medium.pipe" >/dev/null
front send --token t2 --generate 20000 --senders 4 >"$work/t2.out" 2>"$work/t2.err" &
sender=$!
completed_at_least() { [[ $(front status --token t2 | field completed) -ge $1 ]]; }
wait_until 60 completed_at_least 2000 || echo "t2 never reached 2000 results"
kill -KILL "$worker_a"
wait_until 60 completed_at_least 8000 || echo "t2 never reached 8000 results"
kill -KILL "$worker_b"
start_worker n
wait "$sender"
check "two kill -9 mid-stream: send exits 0" "$?" 0
check "two kill -9 mid-stream: 20000 result lines, 20000 distinct ids" "$(ids "$work/t2.out")" \
    "20000 20000"
check "two kill -9 mid-stream: the streams count 20000 accepted, 20000 completed, 0 lost" \
    "$(front status --token t2)" \
    '{"token":"t2","state":"running","accepted":20000,"completed":20000,"failed":0,"unanswered":0}'

# ---- a poison object crashes its worker every time: one failed result -----------------------
stop_worker n
stop_worker c
check_grep "SIGTERM: the worker prints its summary" "$work/n.err" "sluice worker: stopped; "
# A supervisor restarts the worker each time the poison object kills it.
(
    for _ in $(seq 1 10); do
        "$SLUICE_TEST_WORKER" worker --nats "$url" "${layout[@]}" --capacity 64 --threads 2 \
            --name p >/dev/null 2>>"$work/p.err" &
        echo $! >"$work/p.pid"
        wait $!
    done
) &
supervisor=$!
background_pids+=("$supervisor")
printf 'a' >"$work/o1"; printf 'poison' >"$work/o2"; printf 'b' >"$work/o3"
printf 'fail me' >"$work/o4"
front use --token t3 "$work/fast.pipe" >/dev/null
front send --token t3 "$work/o1" "$work/o2" "$work/o3" "$work/o4" >"$work/t3.out" 2>"$work/t3.err"
check "poison: send exits 1 (objects failed)" "$?" 1
check_grep "poison: 4 results, 2 failed" "$work/t3.err" "4 results: 2 completed, 2 failed"
check_grep "poison: its failed result says why" "$work/t3.out" \
    'crashed or hung its worker when run alone (delivery 3); a node cannot process it'
check_grep "a node error is a failed result" "$work/t3.out" '"error":"test_fail: refused this object"'
# The supervisor first (so it starts no other), then its current worker, by its pid.
kill -KILL "$supervisor" 2>/dev/null
wait "$supervisor" 2>/dev/null
kill -KILL "$(cat "$work/p.pid")" 2>/dev/null

# ---- terminate: dead is permanent, across restarts -----------------------------------------
start_worker d
front use --token t4 "$work/fast.pipe" >/dev/null
front send --token t4 --generate 300 --quiet 2>/dev/null
check "terminate drains and reports the final counts" "$(front terminate --token t4)" \
    '{"token":"t4","state":"dead","accepted":300,"completed":300,"failed":0,"unanswered":0}'
front send --token t4 --generate 1 2>"$work/t4.err"
check "a send after terminate exits 2" "$?" 2
check_grep "a send after terminate answers TaskTerminated" "$work/t4.err" \
    "task t4 was terminated; start a new pipeline with use()"
front terminate --token t4 2>"$work/t4b.err"
check "a second terminate exits 2" "$?" 2
stop_worker d
start_worker e
front use --token t4 "$work/fast.pipe" 2>"$work/t4c.err"
check "use of a dead token after a worker restart exits 2" "$?" 2
check_grep "use of a dead token says it stays dead" "$work/t4c.err" \
    'token "t4": is dead in the cluster and stays dead; use another token'
check "status of a dead token keeps its final counts" "$(front status --token t4)" \
    '{"token":"t4","state":"dead","accepted":300,"completed":300,"failed":0,"unanswered":0}'

# ---- terminate racing 4 senders on 2 fronts, 3 workers, many rounds --------------------------
# A front whose KV watcher has not yet delivered `draining` still publishes; the terminate fence
# must make such objects refused (TaskTerminated), never lost, never answered after dead.
start_worker f
start_worker g
timeout -k 5 150 "$SLUICE_TEST_RACE" "$url" "$SLUICE_EXAMPLES/echo.pipe" "${RACE_ROUNDS:-100}" \
    >"$work/race.out" 2>"$work/race.err"
check "terminate race: every send answered or refused, counts exact, nothing after dead" "$?" 0
check_grep "terminate race: the summary line" "$work/race.out" "rounds, 0 failures"
[[ -s "$work/race.err" ]] && sed 's/^/    race| /' "$work/race.err" | head -20
stop_worker e
stop_worker f
stop_worker g

# ---- an object running longer than AckWait: InProgress keeps it, it is answered once ---------
pipeline crawl 1500  # 1.5 s per object, AckWait is 1 s
start_worker h
front use --token t6 "$work/crawl.pipe" >/dev/null
front send --token t6 --generate 4 --senders 4 >"$work/t6.out" 2>"$work/t6.err"
check "objects longer than AckWait: send exits 0" "$?" 0
check "objects longer than AckWait: 4 results, 4 distinct ids" "$(ids "$work/t6.out")" "4 4"
check "objects longer than AckWait: the streams count 4 accepted, 4 completed" \
    "$(front status --token t6)" \
    '{"token":"t6","state":"running","accepted":4,"completed":4,"failed":0,"unanswered":0}'
stop_worker h
check_grep "objects longer than AckWait ran once each (no redelivery)" \
    "$work/h.err" "sluice worker: stopped; 4 completed, 0 failed, 0 duplicates"

# ---- the drain deadline passes while objects run: each gets a failed result -----------------
start_worker i
front use --token t5 "$work/crawl.pipe" >/dev/null
front send --token t5 --generate 4 --senders 4 >"$work/t5.out" 2>"$work/t5.err" &
sender=$!
accepted_is() { [[ $(front status --token t5 | field accepted) == "$1" ]]; }
wait_until 30 accepted_is 4 || echo "t5 never reached 4 accepted"
check "a drain deadline fails what still runs, and counts it" \
    "$(front terminate --token t5 --deadline-ms 100)" \
    '{"token":"t5","state":"dead","accepted":4,"completed":0,"failed":4,"unanswered":4}'
wait "$sender"
check "deadline: the sender's objects failed (exit 1)" "$?" 1
check "deadline: 4 results, 4 distinct ids" "$(ids "$work/t5.out")" "4 4"
check_grep "deadline: the failed result names the deadline and the fix" "$work/t5.out" \
    'no worker answered it within the drain deadline (100 ms); pass a longer deadline'
# The worker finishes them after dead: its results are duplicates the results stream drops.
stop_worker i
check_grep "deadline: the late results after dead were duplicates the stream dropped" \
    "$work/i.err" "sluice worker: stopped; 4 completed, 0 failed, 4 duplicates"

# ---- kill -9 of the nats-server mid-stream, restarted on the same store: nothing lost --------
start_worker j
start_worker k
front use --token t7 "$work/slow.pipe" >/dev/null
front send --token t7 --generate 3000 --senders 2 >"$work/t7.out" 2>"$work/t7.err" &
sender=$!
t7_completed_at_least() { [[ $(front status --token t7 | field completed) -ge $1 ]]; }
wait_until 60 t7_completed_at_least 300 || echo "t7 never reached 300 results"
kill -KILL "$nats_pid"
wait "$nats_pid" 2>/dev/null
start_nats
wait "$sender"
check "nats-server kill -9 + restart: send exits 0" "$?" 0
check "nats-server kill -9 + restart: 3000 result lines, 3000 distinct ids" \
    "$(ids "$work/t7.out")" "3000 3000"
check "nats-server kill -9 + restart: the streams count 3000 accepted, 3000 completed" \
    "$(front status --token t7)" \
    '{"token":"t7","state":"running","accepted":3000,"completed":3000,"failed":0,"unanswered":0}'
[[ -s "$work/t7.err" ]] && sed 's/^/    t7| /' "$work/t7.err" | tail -3
stop_worker j
stop_worker k
tail -n1 "$work/j.err" "$work/k.err" | sed 's/^/    /'

echo "cluster: $passed passed, $failed failed"
((failed == 0))
