#!/usr/bin/env bash
# server_per_object.sh — scenario 7's server-side instructions per object under callgrind, for
# `sluice serve` and the bare Beast server (server_per_object.cpp).
#   bench/probe/server_per_object.sh [BUILD_DIR] [N] [RUN...]
#   (defaults: build/release 2000 sluice bare; runs: sluice bare bare-posted bare-hopped)
# Two runs per server, both dumping only the measured loop (part 1): one with every thread's
# counts together, one with the client's (main) thread apart; the server's share is their
# difference. Keeps callgrind.out.<run> (every thread) for callgrind_annotate.
set -euo pipefail
build=${1:-build/release}
n=${2:-2000}
shift $(( $# > 2 ? 2 : $# ))
runs=("$@")
[ ${#runs[@]} -eq 0 ] && runs=(sluice bare)
driver="$build/bench/sluice-server-per-object"
[ -x "$driver" ] || { echo "server_per_object.sh: $driver is missing; build the target sluice_server_per_object" >&2; exit 2; }
out=${PER_OBJECT_OUT:-$build/per-object}
mkdir -p "$out"
totals() { awk '/^totals:/ {print $2}' "$1"; }
for run in "${runs[@]}"; do
    file="$out/callgrind.out.$run"
    rm -f "$file" "$file".* "$file"-*
    valgrind --tool=callgrind --callgrind-out-file="$file" \
        "$driver" "$run" "$n" > /dev/null 2> "$out/valgrind.$run.log"
    mv "$file.1" "$file"
    valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$file.threads" \
        "$driver" "$run" "$n" > /dev/null 2>> "$out/valgrind.$run.log"
    all=$(totals "$file")
    client=$(totals "$file.threads.1-01")
    rm -f "$file".threads*
    echo "$run: $(( (all - client) / n )) server instructions/object" \
         "(all threads $(( all / n )), client thread $(( client / n )); $n objects)"
done
