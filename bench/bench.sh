#!/usr/bin/env bash
# bench/bench.sh — build sluice-bench (Release), run it, and plot the results next to the CSV.
#
#   bench/bench.sh [--quick] [OUT_DIR] [-- sluice-bench options...]
#
# Writes OUT_DIR/sluice-bench.csv (default OUT_DIR: build/bench-results), the table as
# OUT_DIR/sluice-bench.txt, and, when gnuplot is installed (Debian: apt-get install
# gnuplot-nox), OUT_DIR/throughput_vs_threads.png and OUT_DIR/drain_vs_inflight.png.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
quick=()
out=build/bench-results
extra=()
while (($#)); do
    case $1 in
        --quick) quick=(--quick) ;;
        --) shift; extra=("$@"); break ;;
        -h | --help) sed -n '2,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) out=$1 ;;
    esac
    shift
done

build=build/bench  # the `bench` preset of CMakePresets.json (Release)
cmake --preset bench >/dev/null
cmake --build --preset bench -j "$(nproc 2>/dev/null || echo 2)"
mkdir -p "$out"
csv=$out/sluice-bench.csv
"$build/bench/sluice-bench" "${quick[@]}" --csv "$csv" "${extra[@]}" | tee "$out/sluice-bench.txt"

if ! command -v gnuplot >/dev/null 2>&1; then
    echo "bench.sh: gnuplot not found: skipping the plots (install it: apt-get install gnuplot-nox)"
    exit 0
fi

# name,x,sluice,baseline columns per plot, taken from the CSV (case is "threads=N" / "K=N").
extract() {  # extract SCENARIO METRIC > data file
    awk -F, -v s="$1" -v m="$2" '$1 == s && $3 == m { split($2, kv, "="); print kv[2], $6, $7, $8, $9, $10, $11 }' "$csv"
}
extract 3_cpu items_per_s >"$out/throughput.dat"
extract 5_terminate drain_time >"$out/drain.dat"
machine="$(nproc) hardware threads, $(uname -m), $(date -u +%Y-%m-%d)"
if [[ -s $out/throughput.dat ]]; then
    gnuplot <<GP
set terminal pngcairo size 800,500 noenhanced
set output "$out/throughput_vs_threads.png"
set title "Scenario 3: CPU-heavy node (~20 us/item), items/s vs threads"
set label 1 "$machine" at graph 0.99, graph 0.04 right
set xlabel "threads"; set ylabel "items/s (median, min..max)"; set key left top; set grid
set xtics 1; set yrange [0:*]
plot "$out/throughput.dat" using 1:2:3:4 with yerrorlines title "sluice", \
     "" using 1:5:6:7 with yerrorlines title "hand-written oneTBB"
GP
    echo "bench.sh: wrote $out/throughput_vs_threads.png"
fi
if [[ -s $out/drain.dat ]]; then
    gnuplot <<GP
set terminal pngcairo size 800,500 noenhanced
set output "$out/drain_vs_inflight.png"
set title "Scenario 5: terminate with K in flight, drain vs work time"
set label 1 "$machine" at graph 0.99, graph 0.04 right
set xlabel "objects in flight (K)"; set ylabel "ms (median, min..max)"; set key left top; set grid
set logscale xy
plot "$out/drain.dat" using 1:2:3:4 with yerrorlines title "sluice: terminate -> drain future ready", \
     "" using 1:5:6:7 with yerrorlines title "hand-written oneTBB: the same K items' work"
GP
    echo "bench.sh: wrote $out/drain_vs_inflight.png"
fi
rm -f "$out/throughput.dat" "$out/drain.dat"
