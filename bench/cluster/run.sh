#!/usr/bin/env bash
# run.sh — the cluster benchmark: objects/s and p50/p99 latency through a local nats-server
# (JetStream, file storage) with 1, 2 and 3 `sluice worker` processes, next to the same pipeline
# in-process (Engine::send_async, same objects, same window) measured in the same run.
#   bench/cluster/run.sh [BUILD_DIR] [OBJECTS] [OUT_DIR]
# Writes OUT_DIR/cluster.csv and, with gnuplot, OUT_DIR/cluster.png.
set -euo pipefail
build=${1:-build/release}
objects=${2:-20000}
out=${3:-bench-out}
window=${WINDOW:-512}
here=$(cd "$(dirname "$0")" && pwd)
pipeline=$here/../../examples/echo.pipe
bench=$build/bench/sluice-cluster-bench
sluice=$build/sluice
nats=$(command -v nats-server || echo /usr/sbin/nats-server)
[[ -x $bench && -x $sluice && -x $nats ]] || { echo "run.sh: needs $bench, $sluice and nats-server" >&2; exit 2; }
mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
monitor=$(free_port)
url=nats://127.0.0.1:$port
"$nats" -js -sd "$work/js" -a 127.0.0.1 -p "$port" -m "$monitor" >"$work/nats.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$monitor/healthz" >/dev/null && break; sleep 0.05; done

csv=$out/cluster.csv
echo "mode,workers,objects,seconds,objects_per_s,p50_ms,p99_ms,failed" >"$csv"
echo "cluster bench: $objects objects per point, window $window, echo pipeline" >&2
"$bench" "$url" "$pipeline" "$objects" "$window" 0 local | tee -a "$csv" >&2
for workers in 1 2 3; do
    wp=()
    for i in $(seq "$workers"); do
        "$sluice" worker --nats "$url" --capacity 256 --threads 2 --name "b$i" 2>"$work/w$i.err" &
        wp+=($!); pids+=($!)
        for _ in $(seq 200); do grep -q 'sluice worker: ready' "$work/w$i.err" && break; sleep 0.05; done
    done
    "$bench" "$url" "$pipeline" "$objects" "$window" "$workers" cluster | tee -a "$csv" >&2
    kill -TERM "${wp[@]}"; wait "${wp[@]}" 2>/dev/null || true
done
"$bench" "$url" "$pipeline" "$objects" "$window" 0 local | tee -a "$csv" >&2
if command -v gnuplot >/dev/null; then
    gnuplot <<GP
set terminal pngcairo size 800,450
set output "$out/cluster.png"
set datafile separator ","
set title "sluice cluster: objects/s by workers (echo, $objects objects, window $window)"
set xlabel "workers (0 = in-process Engine)"
set ylabel "objects/s"
set style fill solid 0.6
set boxwidth 0.5
set yrange [0:*]
plot "$csv" using 2:5 every ::1 with boxes title "objects/s"
GP
    echo "cluster bench: wrote $csv and $out/cluster.png" >&2
else
    echo "cluster bench: wrote $csv (no gnuplot: apt-get install gnuplot-nox for the plot)" >&2
fi
