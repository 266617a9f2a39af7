#!/usr/bin/env bash
# server_per_object.sh — scenario 7's server-side instructions per object under callgrind, for
# `sluice serve` and the bare Beast server (server_per_object.cpp).
#   bench/probe/server_per_object.sh [BUILD_DIR] [N]     (defaults: build/release 2000)
# Prints instructions/object per thread and for the server (every thread but the client's),
# and keeps callgrind.out.<run>.* for callgrind_annotate.
set -euo pipefail
build=${1:-build/release}
n=${2:-2000}
driver="$build/bench/sluice-server-per-object"
[ -x "$driver" ] || { echo "server_per_object.sh: $driver is missing; build the target sluice_server_per_object" >&2; exit 2; }
out=${PER_OBJECT_OUT:-$build/per-object}
mkdir -p "$out"
for run in sluice bare; do
    file="$out/callgrind.out.$run"
    rm -f "$file" "$file".*
    valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$file" \
        "$driver" "$run" "$n" > /dev/null 2> "$out/valgrind.$run.log"
    server=0
    for part in "$file".1-*; do  # part 1: the measured loop; -01 is the client (main) thread
        thread=${part##*-}
        total=$(awk '/^totals:/ {print $2}' "$part")
        echo "$run thread $thread: $(( total / n )) instructions/object"
        [ "$thread" != 01 ] && server=$(( server + total ))
    done
    echo "$run server side: $(( server / n )) instructions/object ($server over $n objects)"
done
