#!/usr/bin/env bash
# per_object.sh — instructions per object under callgrind, for the runs of per_object.cpp.
#   bench/probe/per_object.sh [BUILD_DIR] [N] [RUN...]     (defaults: build/release 20000 chain baseline)
# Prints instructions/object for each run and keeps callgrind.out.<run> for callgrind_annotate;
# PER_OBJECT_BREAKDOWN=1 also prints each run's self cost per object by category and function
# (breakdown.py).
set -euo pipefail
build=${1:-build/release}
n=${2:-20000}
shift $(( $# > 2 ? 2 : $# ))
runs=("$@")
[ ${#runs[@]} -eq 0 ] && runs=(chain baseline)
driver="$build/bench/sluice-per-object"
[ -x "$driver" ] || { echo "per_object.sh: $driver is missing; build the target sluice_per_object" >&2; exit 2; }
out=${PER_OBJECT_OUT:-$build/per-object}
mkdir -p "$out"
for run in "${runs[@]}"; do
    file="$out/callgrind.out.$run"
    valgrind --tool=callgrind --callgrind-out-file="$file" \
        "$driver" "$run" "$n" > /dev/null 2> "$out/valgrind.$run.log"
    mv "$file.1" "$file"  # part 1: the measured loop (see per_object.cpp)
    total=$(awk '/^totals:/ {print $2}' "$file")
    echo "$run: $(( total / n )) instructions/object ($total over $n objects)"
    if [[ ${PER_OBJECT_BREAKDOWN:-0} == 1 ]]; then
        python3 "$(dirname "${BASH_SOURCE[0]}")/breakdown.py" "$file" "$n" 20 | sed 's/^/    /'
    fi
done
