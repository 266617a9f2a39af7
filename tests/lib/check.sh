# check.sh — what the shell test scripts share: a work directory removed at exit together with
# the background processes they started, exact checks that count passes and failures, and a
# bounded poll. Source it with the work directory's prefix:
#   source "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh" sluice-cli
# KEEP_WORK=1 keeps the work directory for a look after a failure.
work=$(mktemp -d "${TMPDIR:-/tmp}/${1:-sluice-test}.XXXXXX")
background_pids=()
cleanup() {
    for pid in "${background_pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    [[ -n ${KEEP_WORK:-} ]] || rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
# check DESCRIPTION ACTUAL EXPECTED — exact comparison; prints both sides when they differ.
check() {
    if [[ "$2" == "$3" ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL: %s\n  expected: %q\n  actual:   %q\n' "$1" "$3" "$2"
    fi
}
# wait_until SECONDS COMMAND... — polls COMMAND every 50 ms; false after SECONDS.
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.05
    done
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
