#!/usr/bin/env bash
# test_bench.sh — end-to-end checks of `sluice bench`: the table's columns, CSV and JSON that
# parse, one row per thread count, the bottleneck node, --compare's ratios, --plot, usage and
# pipeline errors (one line, exit 2), and SIGINT printing what was measured so far.
# CTest runs it with SLUICE_BIN and SLUICE_EXAMPLES. Each run is short (--objects, --reps 1):
# CI time is limited. Waits are bounded polls on observable state, never bare sleeps.
set -uo pipefail

: "${SLUICE_BIN:?set SLUICE_BIN to the sluice executable}"
: "${SLUICE_EXAMPLES:?set SLUICE_EXAMPLES to the examples/ directory}"
bin=$SLUICE_BIN
ex=$SLUICE_EXAMPLES
inputs=$ex/inputs

source "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh" sluice-bench
# sluice NAME ARGS... — runs the binary; NAME.out / NAME.err in $work, exit code in $rc.
sluice() {
    local name=$1
    shift
    timeout -k 5 120 "$bin" "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null
    rc=$?
}
# py EXPR — evaluates EXPR (python) with csv_rows(name) and doc(name) for $work's files, and
# out(name) / err(name) for a run's output lines.
py() {
    python3 - "$work" "$1" <<'PY'
import csv, json, os, sys
w = sys.argv[1]
def csv_rows(name): return list(csv.DictReader(open(os.path.join(w, name), encoding="utf-8")))
def doc(name): return json.load(open(os.path.join(w, name), encoding="utf-8"))
def out(name): return open(os.path.join(w, name + ".out"), encoding="utf-8").read().splitlines()
def err(name): return open(os.path.join(w, name + ".err"), encoding="utf-8").read().splitlines()
try:
    print(eval(sys.argv[2]))
except Exception as e:  # shown by check as the actual value
    print("python: %s: %s" % (type(e).__name__, e))
PY
}
# cpu_pipe FILE ITERATIONS — webhook -> cpu_work -> response, the cpu_work node named "burn".
cpu_pipe() {
    cat >"$1" <<JSON
{"pipeline": {"name": "cpu", "source": "in", "components": [
  {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
  {"id": "burn", "provider": "cpu_work", "config": {"iterations": $2},
   "input": [{"lane": "text", "from": "in"}]},
  {"id": "out", "provider": "response", "config": {"lanes": []},
   "input": [{"lane": "text", "from": "burn"}]}]}}
JSON
}
quick=(--objects 200 --reps 1 --warmup 0 --quiet)

# ---- the table, CSV and JSON --------------------------------------------------------------
sluice table bench "$ex/echo.pipe" "$inputs/hello.txt" --threads 1 "${quick[@]}"
check "a bench run exits 0" "$rc" 0
check "the table's columns" "$(py "[l.split() for l in out('table') if l.startswith('pipeline')][0]")" \
    "['pipeline', 'threads', 'objects/s', 'min/s', 'max/s', 'MiB/s', 'p50', 'ms', 'p90', 'ms', 'p99', 'ms', 'max', 'ms', 'failed', 'lost', 'RSS', 'MiB', 'bottleneck', '(busy', 'share)']"
check "one row for the one thread count: echo at 1 thread, no failure, nothing lost" \
    "$(py "[(l.split()[0], l.split()[1], l.split()[10], l.split()[11]) for l in out('table') if l.startswith('echo ')]")" \
    "[('echo', '1', '0', '0')]"
check "the node table lists the echo pipeline's nodes, each item in once" \
    "$(py "[(l.split()[0], l.split()[2]) for l in out('table') if l.startswith('  webhook_1') or l.startswith('  response_1')]")" \
    "[('webhook_1', '200'), ('response_1', '200')]"

sluice sweep bench "$ex/echo.pipe" "$inputs" --threads 1,2,3 --objects 300 --reps 2 --warmup 0 \
    --quiet --csv "$work/sweep.csv" --json "$work/sweep.json"
check "a sweep exits 0" "$rc" 0
check "a sweep gives one table row per thread count" \
    "$(py "[l.split()[1] for l in out('sweep') if l.startswith('echo ')]")" "['1', '2', '3']"
check "the CSV parses: one row per thread count, every object of both runs counted" \
    "$(py "[(r['pipeline'], r['threads'], r['runs'], r['objects'], r['lost']) for r in csv_rows('sweep.csv')]")" \
    "[('echo', '1', '2', '600', '0'), ('echo', '2', '2', '600', '0'), ('echo', '3', '2', '600', '0')]"
check "the CSV's rates and latencies are numbers in order (min <= median <= max, p50 <= p99 <= max)" \
    "$(py "all(float(r['objects_per_s_min']) <= float(r['objects_per_s']) <= float(r['objects_per_s_max']) and 0 < float(r['p50_ms']) <= float(r['p99_ms']) <= float(r['max_ms']) for r in csv_rows('sweep.csv'))")" True
check "the JSON parses: the setup, and per point the latency and every node" \
    "$(py "(doc('sweep.json')['inputs'], [(p['threads'], sorted(p['latency_ms']), [n['id'] for n in p['nodes']]) for p in doc('sweep.json')['points']][0])")" \
    "(5, (1, ['max', 'p50', 'p90', 'p99'], ['webhook_1', 'response_1']))"
# 600 objects into the webhook; 480 reach the response: data.json (1 in 5) has no text lane.
check "the JSON's node figures: the items into each node, busy shares summing to 1" \
    "$(py "[([n['items_in'] for n in p['nodes']], round(sum(n['busy_share'] for n in p['nodes']), 3)) for p in doc('sweep.json')['points']]")" \
    "[([600, 480], 1.0), ([600, 480], 1.0), ([600, 480], 1.0)]"

# ---- the bottleneck and --compare ----------------------------------------------------------
cpu_pipe "$work/cpu.pipe" 200000
sluice bottleneck bench "$work/cpu.pipe" "$inputs/hello.txt" --threads 2 --objects 100 \
    --reps 1 --warmup 0 --quiet --json "$work/bottleneck.json"
check "a pipeline with a cpu_work node: that node is the bottleneck" \
    "$(py "[(p['bottleneck'], p['bottleneck_share'] > 0.9) for p in doc('bottleneck.json')['points']]")" \
    "[('burn', True)]"
check "the table names the bottleneck with its busy share" \
    "$(py "[l.split()[-2] for l in out('bottleneck') if l.startswith('cpu ')]")" "['burn']"
check "the cpu_work node's time per item is the largest" \
    "$(py "max(doc('bottleneck.json')['points'][0]['nodes'], key=lambda n: n['us_per_item'])['id']")" burn

sluice compare bench "$ex/echo.pipe" "$inputs/hello.txt" --compare "$work/cpu.pipe" \
    --threads 1,2 --objects 100 --reps 1 --warmup 0 --quiet --csv "$work/compare.csv"
check "--compare exits 0" "$rc" 0
check "--compare: rows alternate per thread count, the compared pipeline with its ratios" \
    "$(py "[(r['pipeline'], r['threads'], r['ratio_objects_per_s'] != '', r['ratio_p99'] != '') for r in csv_rows('compare.csv')]")" \
    "[('echo', '1', False, False), ('cpu', '1', True, True), ('echo', '2', False, False), ('cpu', '2', True, True)]"
check "--compare: a pipeline that burns CPU per item runs slower than echo (ratio < 1)" \
    "$(py "all(float(r['ratio_objects_per_s']) < 1 for r in csv_rows('compare.csv') if r['pipeline'] == 'cpu')")" True
check "--compare: the table has the ratio columns" \
    "$(py "[l.split()[-7:-3] for l in out('compare') if l.startswith('pipeline')][0]")" \
    "['x', 'obj/s', 'x', 'p99']"

# ---- --plot --------------------------------------------------------------------------------
sluice plot bench "$ex/echo.pipe" "$inputs/hello.txt" --threads 1,2 "${quick[@]}" \
    --plot "$work/plots"
check "--plot exits 0" "$rc" 0
for f in throughput.dat latency.dat nodes.dat bench.gp; do
    check "--plot writes $f" "$([[ -s $work/plots/$f ]] && echo yes)" yes
done
if command -v gnuplot >/dev/null 2>&1; then
    check "--plot with gnuplot: the three PNGs" \
        "$(cd "$work/plots" && ls -- *.png | tr '\n' ' ')" "latency.png nodes.png throughput.png "
    check "--plot says what it wrote" "$(cat "$work/plot.err")" \
        "sluice: --plot $work/plots: wrote throughput.png, latency.png, nodes.png"
fi
# Without gnuplot on PATH: the data and the script, and one line saying why no PNG.
timeout -k 5 120 env PATH=/nonexistent "$bin" bench "$ex/echo.pipe" "$inputs/hello.txt" \
    --threads 1 "${quick[@]}" --plot "$work/noplot" >"$work/noplot.out" 2>"$work/noplot.err"
check "--plot without gnuplot exits 0" "$?" 0
check "--plot without gnuplot says so" "$(cat "$work/noplot.err")" \
    "sluice: --plot $work/noplot: gnuplot not found: wrote the data and bench.gp, no PNG (install gnuplot, e.g. apt-get install gnuplot-nox)"
check "--plot without gnuplot: the data and the script, no PNG" \
    "$(cd "$work/noplot" && ls | tr '\n' ' ')" "bench.gp latency.dat nodes.dat throughput.dat "

# ---- failed objects: reported, exit 1 ------------------------------------------------------
sluice failing bench "$ex/redact-and-chunk.pipe" "$inputs/hello.txt" --mime application/json \
    --threads 1 "${quick[@]}"
check "objects that fail: exit 1" "$rc" 1
check "objects that fail: counted in the table" \
    "$(py "[l.split()[10] for l in out('failing') if l.startswith('redact-and-chunk ')]")" "['200']"
check "objects that fail: one line with the count and the first error" \
    "$(py "(len(err('failing')), err('failing')[0].startswith('sluice: redact-and-chunk at 1 thread: 200 of 200 objects failed; the first: component \"parse_1\" (parse): '))")" \
    "(1, True)"

# ---- usage and pipeline errors: one line, exit 2 --------------------------------------------
# bad NAME EXPECTED_LINE ARGS... — bench ARGS exits 2 with exactly EXPECTED_LINE on stderr.
bad() {
    local name=$1 want=$2
    shift 2
    sluice "$name" bench "$@"
    check "$name: exit 2" "$rc" 2
    check "$name: one line naming the problem" "$(cat "$work/$name.err")" "$want"
}
bad no_pipeline "sluice: bench needs a pipeline file; see 'sluice bench --help'"
bad unknown_option "sluice: unknown option \"--fast\" for bench; see 'sluice bench --help'" \
    "$ex/echo.pipe" --fast
bad zero_threads 'sluice: --threads expects a positive integer, got "0"' "$ex/echo.pipe" --threads 1,0
bad bad_list 'sluice: --threads expects a positive integer, got ""' "$ex/echo.pipe" --threads 1,
bad duration 'sluice: --duration expects seconds (a number > 0), got "soon"' "$ex/echo.pipe" \
    --duration soon
bad both_bounds 'sluice: --duration and --objects both bound a run; give one of them' \
    "$ex/echo.pipe" --duration 1 --objects 10
bad rate 'sluice: --rate expects objects per second (a number > 0), got "-5"' "$ex/echo.pipe" \
    --rate=-5
bad reps 'sluice: --reps: 5000 runs per point is over the limit of 1000' "$ex/echo.pipe" --reps 5000
bad inflight 'sluice: --max-inflight: 2000000 objects in flight is over the limit of 1000000' \
    "$ex/echo.pipe" --max-inflight 2000000
bad no_value 'sluice: --csv needs a value' "$ex/echo.pipe" --csv
bad missing_input "sluice: cannot read $work/nothing.txt: No such file or directory" \
    "$ex/echo.pipe" "$work/nothing.txt"
mkdir -p "$work/empty"
bad empty_dir "sluice: $work/empty: a directory with no files in it; give one with the inputs to replay" \
    "$ex/echo.pipe" "$work/empty"
bad csv_dir "sluice: --csv $work/no/such/dir.csv: cannot write: No such file or directory" \
    "$ex/echo.pipe" "$inputs/hello.txt" --csv "$work/no/such/dir.csv"
printf '{"pipeline": {"source": "in", "components": [{"id": "in", "provider": "webhook", "config": {"mode": "Source"}}, {"id": "x", "provider": "fliter", "config": {}, "input": [{"lane": "text", "from": "in"}]}]}}' \
    >"$work/typo.pipe"
sluice typo bench "$work/typo.pipe" "$inputs/hello.txt"
check "a bad pipeline: exit 2" "$rc" 2
check "a bad pipeline: one line naming the file, the component and the provider" \
    "$(py "(len(err('typo')), err('typo')[0].startswith('sluice: $work/typo.pipe: invalid pipeline: component \"x\"'), 'fliter' in err('typo')[0])")" \
    "(1, True, True)"
bad bad_compare "sluice: cannot read $work/other.pipe: No such file or directory" \
    "$ex/echo.pipe" "$inputs/hello.txt" --compare "$work/other.pipe"

# ---- SIGINT: stops, prints what was measured -----------------------------------------------
# A 30 s run per point: interrupted once it has used 0.3 s of CPU (measuring from the start,
# --warmup 0), it must stop at once and still print the table and the JSON.
python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$bin" bench "$ex/echo.pipe" "$inputs" --threads 1,2 \
    --duration 30 --warmup 0 --quiet --json "$work/sigint.json" \
    >"$work/sigint.out" 2>"$work/sigint.err" </dev/null &
pid=$!
background_pids+=("$pid")
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
polls=600  # up to 30 s
while (($(cpu_ticks "$pid") < 30)) && kill -0 "$pid" 2>/dev/null && ((polls-- > 0)); do
    sleep 0.05
done
kill -INT "$pid"
polls=1200  # up to 60 s for the exit
while kill -0 "$pid" 2>/dev/null && ((polls-- > 0)); do sleep 0.05; done
kill -KILL "$pid" 2>/dev/null
wait "$pid"
check "SIGINT: exit 130" "$?" 130
check "SIGINT: the measured point is printed, marked interrupted" \
    "$(py "[(l.split()[1], l.split()[-1], int(float(l.split()[2])) > 0) for l in out('sigint') if l.startswith('echo ')]")" \
    "[('1', '[interrupted]', True)]"
check "SIGINT: the table says how much was measured" \
    "$(py "[l for l in out('sigint') if l.startswith('interrupted')]")" \
    "['interrupted: 1 of 2 points measured']"
check "SIGINT: stderr says it was interrupted" "$(py "err('sigint')[-1]")" \
    "sluice: interrupted: reported what was measured until then (1 of 2 points)"
check "SIGINT: the JSON is written, marked interrupted, nothing lost" \
    "$(py "(doc('sigint.json')['interrupted'], [(p['threads'], p['lost']) for p in doc('sigint.json')['points']])")" \
    "(True, [(1, 0)])"

echo "bench: $passed passed, $failed failed"
((failed == 0))
