#!/usr/bin/env bash
# test_cli.sh — end-to-end checks of the `sluice` executable: results, ordering, summaries,
# error messages and exit codes, validate, and graceful SIGTERM/SIGINT.
# CTest runs it with SLUICE_BIN (the executable) and SLUICE_EXAMPLES (the examples/ dir).
# Waits are bounded polls on observable state (output lines, process exit), never bare sleeps.
set -uo pipefail

: "${SLUICE_BIN:?set SLUICE_BIN to the sluice executable}"
: "${SLUICE_EXAMPLES:?set SLUICE_EXAMPLES to the examples/ directory}"
bin=$SLUICE_BIN
ex=$SLUICE_EXAMPLES
inputs=$ex/inputs

source "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh" sluice-cli
# check_grep DESCRIPTION FILE REGEX — FILE has a line matching the extended REGEX.
check_grep() {
    if grep -Eq -- "$3" "$2"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL: %s\n  no line matches: %s\n  in %s:\n' "$1" "$3" "$2"
        sed 's/^/    | /' "$2"
    fi
}

# sluice NAME ARGS... <stdin — runs the binary; NAME.out / NAME.err in $work, exit code in $rc
# (124 when it had to be stopped after 120 s).
sluice() {
    local name=$1
    shift
    timeout -k 5 120 "$bin" "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
}

# py FILE EXPR — evaluates EXPR with `rows` = the JSON lines of FILE parsed by python's json,
# and helpers: echoed(path) = what echo.pipe returns for that file; names(); lines(path);
# stdin_names(n).
py() {
    python3 - "$1" "$2" <<'PY'
import json, sys
def echoed(path): return [open(path, encoding="utf-8").read() + "\n\n"]
def names(): return [r["name"] for r in rows]
def lines(path): return open(path, encoding="utf-8").read().splitlines()
def stdin_names(n): return ["stdin:%d" % i for i in range(1, n + 1)]
try:
    rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
    print(eval(sys.argv[2]))
except Exception as e:  # shown by check as the actual value
    print("python: %s: %s" % (type(e).__name__, e))
PY
}
lines_of() { wc -l <"$1" | tr -d ' '; }

# wait_exit PID SECONDS — waits for PID to exit (bounded); its exit code, or 124 after KILL.
wait_exit() {
    local pid=$1 polls=$(($2 * 20))
    while kill -0 "$pid" 2>/dev/null && ((polls-- > 0)); do sleep 0.05; done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        return 124
    fi
    wait "$pid"
}

# ---- results ------------------------------------------------------------------------------
sluice echo run "$ex/echo.pipe" "$inputs/hello.txt" </dev/null
check "echo: exit code" "$rc" 0
check "echo: one JSON line" "$(lines_of "$work/echo.out")" 1
check "echo: text is the file plus a blank line" \
    "$(py "$work/echo.out" "rows[0]['text'] == echoed('$inputs/hello.txt')")" True
check "echo: name is the file's base name" "$(py "$work/echo.out" "rows[0]['name']")" hello.txt

sluice order run "$ex/echo.pipe" "$inputs/poem.md" "$inputs/data.json" "$inputs/hello.txt" </dev/null
check "several inputs: results in input order" \
    "$(py "$work/order.out" "names()")" "['poem.md', 'data.json', 'hello.txt']"
check "several inputs: .md travels on the text lane" \
    "$(py "$work/order.out" "[r.get('text') == echoed('$inputs/' + r['name']) for r in rows if r['name'] != 'data.json']")" \
    "[True, True]"
check "several inputs: .json (application/json) travels raw, as in RocketRide: nothing echoed" \
    "$(py "$work/order.out" "[('text' in r, 'result_types' in r) for r in rows if r['name'] == 'data.json']")" \
    "[(False, False)]"

sluice lines run "$ex/echo.pipe" --lines <"$inputs/lines.txt"
check "--lines: exit code" "$rc" 0
check "--lines: 20 results" "$(lines_of "$work/lines.out")" 20
check "--lines: names stdin:1..20 in order" \
    "$(py "$work/lines.out" "names() == stdin_names(20)")" True
check "--lines: each text is its line" \
    "$(py "$work/lines.out" \
        "[r['text'] for r in rows] == [[l + '\n\n'] for l in lines('$inputs/lines.txt')]")" True
check_grep "--lines: summary line" "$work/lines.err" \
    '^sluice: 20 objects, 0 failed, [0-9]+ objects/s, [0-9]+\.[0-9]+ MiB/s, drain [0-9]+ ms$'

printf 'hi\n' | sluice stdin run "$ex/echo.pipe" -
check "stdin '-': one object named stdin, sent as text" \
    "$(py "$work/stdin.out" "(rows[0]['name'], rows[0]['text'])")" "('stdin', ['hi\\n\\n\\n'])"

sluice fanout run "$ex/fanout.pipe" "$inputs/hello.txt" </dev/null
check "fanout: exit code" "$rc" 0
check "fanout: both branches in one result" \
    "$(py "$work/fanout.out" "(sorted(rows[0]['result_types'].items()),
        rows[0]['left'] == rows[0]['right'] == echoed('$inputs/hello.txt'))")" \
    "([('left', 'text'), ('right', 'text')], True)"

sluice mime run "$ex/echo.pipe" --mime application/octet-stream --quiet "$inputs/hello.txt" \
    </dev/null
check "--mime octet-stream: nothing on the text lane" \
    "$(py "$work/mime.out" "'text' in rows[0]")" False
check "--quiet: nothing on stderr" "$(cat "$work/mime.err")" ""

# ---- errors and exit codes -----------------------------------------------------------------
cat >"$work/unknown.pipe" <<'JSON'
{"pipeline": {"source": "in", "components": [
  {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
  {"id": "mystery_1", "provider": "no_such_provider", "input": [{"lane": "text", "from": "in"}]}
]}}
JSON
sluice unknown run "$work/unknown.pipe" "$inputs/hello.txt" </dev/null
check "unknown provider: exit 2" "$rc" 2
check_grep "unknown provider: message names the file and the component" "$work/unknown.err" \
    "^sluice: $work/unknown.pipe: .*\"mystery_1\".*no_such_provider"
check "unknown provider: no results" "$(cat "$work/unknown.out")" ""

sluice missing run "$ex/echo.pipe" "$inputs/hello.txt" "$work/does-not-exist.txt" </dev/null
check "missing input: exit 2" "$rc" 2
check_grep "missing input: cannot read" "$work/missing.err" \
    "^sluice: cannot read $work/does-not-exist.txt: No such file or directory$"
check "missing input: checked before the task starts (no results)" "$(cat "$work/missing.out")" ""

printf '{"components": [\n  {"id": "a",, "provider": "webhook"}\n]}\n' >"$work/malformed.pipe"
sluice malformed run "$work/malformed.pipe" </dev/null
check "malformed JSON: exit 2" "$rc" 2
check_grep "malformed JSON: message names the file and the line" "$work/malformed.err" \
    "^sluice: $work/malformed.pipe: .*line [0-9]+"

sluice badopt run "$ex/echo.pipe" --threads zero </dev/null
check "bad option value: exit 2" "$rc" 2
check_grep "bad option value: says what was expected" "$work/badopt.err" \
    '^sluice: --threads expects a positive integer, got "zero"$'

sluice serve serve --help </dev/null
check "serve --help: exit 0" "$rc" 0
check_grep "serve --help: lists the options" "$work/serve.out" '^  --api-key-file FILE'
sluice servebad serve --port 99999 </dev/null
check "serve with a bad port: exit 2" "$rc" 2
check_grep "serve with a bad port: says what was expected" "$work/servebad.err" \
    '^sluice serve: --port: expected a number from 0 to 65535, got "99999"$'
sluice serveopt serve --frobnicate 1 </dev/null
check_grep "serve with an unknown option: names it" "$work/serveopt.err" \
    '^sluice serve: unknown option "--frobnicate"'
sluice servekeys serve --api-key-file /nonexistent/keys </dev/null
check "serve with an unreadable key file: exit 2" "$rc" 2
check_grep "serve with an unreadable key file: names it" "$work/servekeys.err" \
    '^sluice serve: --api-key-file /nonexistent/keys: cannot be read$'
sluice version version </dev/null
check_grep "version: prints the version" "$work/version.out" '^sluice [0-9]+\.[0-9]+\.[0-9]+$'

if cat "$work"/*.err | grep -Eq 'std::|terminate called|what\(\)'; then
    check "no C++ exception type names reach the user" leaked none
else
    check "no C++ exception type names reach the user" none none
fi

# ---- validate ------------------------------------------------------------------------------
sluice valid validate "$ex/fanout.pipe" </dev/null
check "validate ok: exit 0" "$rc" 0
check "validate ok: prints ok" "$(head -n 1 "$work/valid.out")" ok
sluice invalid validate "$work/unknown.pipe" </dev/null
check "validate failing: exit 1" "$rc" 1
check_grep "validate failing: names the component" "$work/invalid.err" \
    "^sluice: $work/unknown.pipe: .*\"mystery_1\""

# ---- limits: components, the data root ------------------------------------------------------
# chain_pipe FILE N — webhook -> N x word_count -> response, as one .pipe file.
chain_pipe() {
    python3 - "$1" "$2" <<'PY'
import json, sys
n = int(sys.argv[2])
components = [{"id": "in", "provider": "webhook", "config": {"mode": "Source"}}]
for i in range(n):
    components.append({"id": "c%d" % i, "provider": "word_count",
                       "input": [{"lane": "text", "from": "c%d" % (i - 1) if i else "in"}]})
components.append({"id": "out", "provider": "response",
                   "input": [{"lane": "text", "from": "c%d" % (n - 1)}]})
json.dump({"components": components}, open(sys.argv[1], "w"))
PY
}
chain_pipe "$work/long.pipe" 50000
sluice long validate "$work/long.pipe" </dev/null
check "validate over max_components: exit 2" "$rc" 2
check "validate over max_components: one clear line" "$(cat "$work/long.err")" \
    "sluice: $work/long.pipe: pipeline has 50002 components; the limit is 10000 (max_components)"
sluice longrun run "$work/long.pipe" "$inputs/hello.txt" </dev/null
check "run over max_components: exit 2" "$rc" 2
check "run over max_components: one clear line" "$(cat "$work/longrun.err")" \
    "sluice: $work/long.pipe: pipeline has 50002 components; the limit is 10000 (max_components)"
chain_pipe "$work/chain.pipe" 3
sluice limit3 validate "$work/chain.pipe" --max-components 4 </dev/null
check "validate --max-components 4 on 5 components: exit 2" "$rc" 2
check_grep "validate --max-components: the limit given" "$work/limit3.err" \
    'pipeline has 5 components; the limit is 4 \(max_components\)$'
sluice limit5 run "$work/chain.pipe" "$inputs/hello.txt" --max-components=5 </dev/null
check "run --max-components 5 on 5 components: exit 0" "$rc" 0
sluice limitbad validate "$work/chain.pipe" --max-components none </dev/null
check_grep "validate --max-components none: says what was expected" "$work/limitbad.err" \
    '^sluice: --max-components expects a positive integer, got "none"$'

mkdir -p "$work/root"
printf '{"components": [{"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
  {"id": "keep", "provider": "text_output", "config": {"directory": "%s"},
   "input": [{"lane": "text", "from": "in"}]}]}\n' "out" >"$work/inside.pipe"
printf '{"components": [{"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
  {"id": "keep", "provider": "text_output", "config": {"directory": "%s"},
   "input": [{"lane": "text", "from": "in"}]}]}\n' "$work/outside" >"$work/outside.pipe"
sluice datain run "$work/inside.pipe" "$inputs/hello.txt" --data-dir "$work/root" </dev/null
check "--data-dir: a relative directory lands inside the root" \
    "$rc $(cat "$work/root/out/hello.txt.txt" 2>&1 | head -c 5)" "0 $(head -c 5 "$inputs/hello.txt")"
sluice dataout run "$work/outside.pipe" "$inputs/hello.txt" --data-dir "$work/root" </dev/null
check "--data-dir: a directory outside the root: exit 2" "$rc" 2
check "--data-dir: the message names the component and the root" "$(cat "$work/dataout.err")" \
    "sluice: $work/outside.pipe: invalid pipeline: component \"keep\": config \"directory\": \"$work/outside\" leads outside the data root \"$(cd "$work/root" && pwd -P)\"; give a path inside it (a relative path is taken from the root)"
check "--data-dir: nothing written outside" "$([[ -e $work/outside ]] && echo written || echo none)" none
sluice datanone run "$work/outside.pipe" "$inputs/hello.txt" </dev/null
check "without --data-dir: the user's own files, as before" \
    "$rc $(ls "$work/outside")" "0 hello.txt.txt"
sluice datamissing run "$work/inside.pipe" "$inputs/hello.txt" --data-dir "$work/nope" </dev/null
check "--data-dir missing: exit 2 and says so" "$rc $(cat "$work/datamissing.err")" \
    "2 sluice: --data-dir $work/nope: no such directory; create it first"

# ---- streaming large inputs ------------------------------------------------------------------
# A small file sent whole and the same file chunked (1 KiB chunks): echo's response ends each
# chunk with its blank line, so without them the chunked text is the file, in order.
python3 -c 'import sys; sys.stdout.write("".join("line %05d of the stream test\n" % i for i in range(2000)))' \
    >"$work/small.txt"
sluice whole run "$ex/echo.pipe" "$work/small.txt" </dev/null
sluice chunked run "$ex/echo.pipe" "$work/small.txt" --chunk-mb 0.0009765625 </dev/null
check "chunked: exit 0, one result" "$rc $(lines_of "$work/chunked.out")" "0 1"
check "whole: the file plus a blank line" "$(py "$work/whole.out" "rows[0]['text'] == echoed('$work/small.txt')")" True
check "chunked: 1 KiB chunks each followed by a blank line, in file order" \
    "$(py "$work/chunked.out" "(lambda t, f: len(t) == len(f) + 59 * 2 and ''.join(t[i:i + 1024] for i in range(0, len(t), 1026)) == f + '\\n\\n')(rows[0]['text'][0], open('$work/small.txt').read())")" True
sluice chunkbad run "$ex/echo.pipe" "$work/small.txt" --chunk-mb 0 </dev/null
check_grep "--chunk-mb 0: says what was expected" "$work/chunkbad.err" \
    '^sluice: --chunk-mb expects megabytes from 0.001 \(1 KiB\) to 1024, got "0"$'

# 200 MB through webhook -> word_count (a small result): peak RSS stays under 100 MB.
printf '{"components": [{"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
  {"id": "count", "provider": "word_count", "input": [{"lane": "text", "from": "in"}]}]}\n' \
    >"$work/count.pipe"
yes 'the quick brown fox jumps over the lazy dog' | head -c 200000000 >"$work/big.txt"
if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%M' -o "$work/big.rss" timeout -k 5 120 "$bin" run "$work/count.pipe" \
        "$work/big.txt" >"$work/big.out" 2>"$work/big.err" </dev/null
    rc=$?
    peak_kb=$(tail -n 1 "$work/big.rss")
else  # /proc polling: the largest VmHWM seen while it runs
    timeout -k 5 120 "$bin" run "$work/count.pipe" "$work/big.txt" >"$work/big.out" \
        2>"$work/big.err" </dev/null &
    pid=$!
    peak_kb=0
    while kill -0 "$pid" 2>/dev/null; do
        hwm=$(sed -nE 's/^VmHWM:\s+([0-9]+) kB/\1/p' "/proc/$pid/status" 2>/dev/null)
        ((${hwm:-0} > peak_kb)) && peak_kb=$hwm
        sleep 0.05
    done
    wait "$pid"
    rc=$?
fi
rm -f "$work/big.txt"
check "200 MB streamed: exit 0, one result" "$rc $(lines_of "$work/big.out")" "0 1"
check_grep "200 MB streamed: every byte went in" "$work/big.err" \
    '^sluice: 1 objects, 0 failed, .* MiB/s, drain [0-9]+ ms$'
echo "cli: 200 MB streamed, peak RSS ${peak_kb} kB"
if [[ -n ${SLUICE_SANITIZE:-} ]]; then
    echo "cli: the 100 MB bound is not checked under SLUICE_SANITIZE=$SLUICE_SANITIZE (shadow memory)"
else
    check "200 MB streamed: peak RSS under 100 MB" "$((peak_kb < 100 * 1024))" 1
fi

# ---- nodes and the node catalogue example -----------------------------------------------------
sluice nodes nodes </dev/null
check "nodes: exit 0" "$rc" 0
check_grep "nodes: header" "$work/nodes.out" '^provider +lanes +config \(! = required\)$'
check_grep "nodes: parse with its lanes and config" "$work/nodes.out" \
    '^parse +tags->text,table text->text,table +mime:string$'
check_grep "nodes: splitter alias" "$work/nodes.out" \
    '^splitter +text->documents table->documents +strategy:string chunk_size:integer chunk_overlap:integer '
check_grep "nodes: a required field is marked" "$work/nodes.out" '^text_transform +text->text +operations:array!$'
check_grep "nodes: the count" "$work/nodes.out" '^[0-9]+ providers; '"'"'sluice nodes PROVIDER'"'"' describes one$'
sluice nodes_one nodes anonymize </dev/null
check "nodes PROVIDER: exit 0" "$rc" 0
check_grep "nodes PROVIDER: each field described" "$work/nodes_one.out" \
    '^  mask \(string\): label \(\[EMAIL\], default\) \| stars \(\*\*\*\) \| hash'
sluice nodes_bad nodes anonymise </dev/null
check "nodes unknown: exit 2" "$rc" 2
check_grep "nodes unknown: lists the known ones" "$work/nodes_bad.err" \
    '^sluice: nodes: unknown provider "anonymise"; known: anonymize, anonymize_text, '

sluice redact run "$ex/redact-and-chunk.pipe" "$inputs/ticket.html" </dev/null
check "redact-and-chunk: exit 0" "$rc" 0
check "redact-and-chunk: no address, card, IBAN or IP is left" \
    "$(py "$work/redact.out" "[any(x in d['page_content'] for d in rows[0]['documents'][0] for x in ('@', '4111', 'DE89', '203.0.113', '555-0147')) ]")" "[False]"
check "redact-and-chunk: labels in place, chunks numbered, script and title gone" \
    "$(py "$work/redact.out" "[(sum(d['page_content'].count('[EMAIL]') for d in rows[0]['documents'][0]), [d['metadata']['chunkId'] for d in rows[0]['documents'][0]], any('analytics' in d['page_content'] or 'Ticket #' in d['page_content'] for d in rows[0]['documents'][0]))]")" \
    "[(2, [0, 1], False)]"

# ---- graceful signals ----------------------------------------------------------------------
# signal_run NAME SIGNAL EXPECTED_RC: streams lines through a fifo, signals once a result is
# out, then checks that every accepted object was printed (summary count = result lines).
signal_run() {
    local name=$1 sig=$2 want=$3 fifo="$work/$1.fifo" pid polls
    mkfifo "$fifo"
    # Async commands of a non-interactive shell ignore SIGINT; restore the default for sluice.
    python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$bin" run "$ex/echo.pipe" --lines \
        <"$fifo" >"$work/$name.out" 2>"$work/$name.err" &
    pid=$!
    background_pids+=("$pid")
    exec 3>"$fifo"  # opening the write end lets sluice's stdin open complete
    for i in $(seq 1 100); do printf 'streamed line %d\n' "$i" >&3; done
    polls=600  # up to 30 s for the first result line
    while [[ ! -s "$work/$name.out" ]] && ((polls-- > 0)); do sleep 0.05; done
    kill "-$sig" "$pid"
    # The fifo stays open: sluice must stop reading on the signal, not wait for the end of input.
    wait_exit "$pid" 60
    local status=$?
    exec 3>&-
    check "$sig: exit code $want" "$status" "$want"
    [[ $status == "$want" ]] || sed 's/^/    stderr| /' "$work/$name.err"
    local count
    count=$(sed -nE 's/^sluice: ([0-9]+) objects, .*/\1/p' "$work/$name.err")
    check "$sig: a summary was printed" "${count:+yes}" yes
    check "$sig: every accepted object was printed" "$(lines_of "$work/$name.out")" "${count:-?}"
    check "$sig: results are whole JSON lines in order" \
        "$(py "$work/$name.out" "len(rows) > 0 and names() == stdin_names(len(rows))")" True
}
signal_run sigterm TERM 143
signal_run sigint INT 130

echo "cli: $passed passed, $failed failed"
((failed == 0))
