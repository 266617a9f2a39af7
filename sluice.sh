#!/usr/bin/env bash
# sluice.sh — one entry point to install, build, try and test sluice on Debian 12.
#
#   ./sluice.sh deps          install the Debian packages (skipped when all are present)
#   ./sluice.sh build [PRESET]  configure + build a CMakePresets.json preset (release, tsan,
#                             asan, bench); default release, into build/<preset>
#   ./sluice.sh demo          deps + build + run the example pipelines over the sample inputs
#   ./sluice.sh test          deps + build + ctest, the installed-package consumer check,
#                             then a ThreadSanitizer build + ctest (what CI runs)
#   ./sluice.sh tsan          ThreadSanitizer build in build/tsan + ctest (instrumented oneTBB)
#   ./sluice.sh asan          AddressSanitizer + UBSan build in build/asan + ctest
#   ./sluice.sh soak [N]      the racing-terminate stress test for N rounds (default 20000)
#   ./sluice.sh bench [--quick] [DIR]  sluice-bench vs hand-written oneTBB; CSV + plots in DIR
#   ./sluice.sh cluster-demo  a local nats-server, two workers and a `serve --nats` front on
#                             port 5566; streams the example inputs through it and leaves it up
#   ./sluice.sh cluster-down  stops what cluster-demo started
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
readonly root=$PWD
readonly packages=(build-essential cmake ninja-build pkg-config libtbb-dev libsimdjson-dev
                   libfmt-dev libssl-dev libre2-dev libxxhash-dev libboost1.81-dev doctest-dev
                   python3 python3-websockets nats-server libnats-dev curl openssl)
jobs=$(nproc 2>/dev/null || echo 2)
readonly jobs

banner() { printf '\n==== sluice: %s ====\n' "$*"; }
die() {
    printf 'sluice.sh: %s\n' "$*" >&2
    exit 1
}

# ---- phases ---------------------------------------------------------------------------------

deps() {
    banner "deps"
    local missing=() p
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        echo "all packages present: ${packages[*]}"
        return 0
    fi
    if [[ $(id -u) != 0 ]]; then
        echo "not root: skipping apt-get. Missing: ${missing[*]}"
        echo "install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}"
        return 0
    fi
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${packages[@]}"
}

# build PRESET — configure and build one tree of CMakePresets.json (build/PRESET).
build() {
    local preset=${1:-release}
    banner "build $preset (build/$preset)"
    cmake --preset "$preset"
    cmake --build --preset "$preset" -j "$jobs"
}

# run_ctest PRESET — every test of that tree, each doctest case on its own.
run_ctest() {
    local preset=$1
    banner "ctest $preset"
    ctest --preset "$preset" -j "$jobs"
}

demo() {
    deps
    build release
    local bin=build/release/sluice in=examples/inputs
    banner "demo: examples/echo.pipe over $in/hello.txt $in/poem.md $in/data.json"
    "$bin" run examples/echo.pipe "$in/hello.txt" "$in/poem.md" "$in/data.json"
    banner "demo: examples/fanout.pipe over $in/hello.txt (two sinks, one result)"
    "$bin" run examples/fanout.pipe "$in/hello.txt"
    banner "demo: examples/echo.pipe --lines < $in/lines.txt (first 3 results)"
    "$bin" run examples/echo.pipe --lines <"$in/lines.txt" >build/demo-lines.jsonl
    head -n 3 build/demo-lines.jsonl
    banner "demo: examples/redact-and-chunk.pipe over $in/ticket.html (parse, anonymize, split)"
    "$bin" run examples/redact-and-chunk.pipe "$in/ticket.html"
    banner "demo: done"
}

# The outside-consumer check: install the release build into a temporary prefix, build
# examples/embed against it with find_package(sluice), run it and check what it prints.
consumer_check() {
    banner "consumer: find_package(sluice) from an installed prefix"
    local prefix
    prefix=$(mktemp -d "${TMPDIR:-/tmp}/sluice-prefix.XXXXXX")
    cmake --install build/release --prefix "$prefix" >/dev/null
    rm -rf build/embed
    cmake -S examples/embed -B build/embed -G Ninja -DCMAKE_PREFIX_PATH="$prefix"
    cmake --build build/embed -j "$jobs"
    local out
    out=$(build/embed/embed)
    rm -rf "$prefix"
    printf '%s\n' "$out"
    grep -qF '"name":"greeting"' <<<"$out" || die "consumer: result lacks the object name"
    grep -qF '"text":["hello from an embedder\n\n"]' <<<"$out" ||
        die "consumer: result lacks the echoed text"
    grep -qx '1 accepted, 1 completed, 0 failed' <<<"$out" || die "consumer: wrong final counts"
    echo "consumer: ok"
}

# ThreadSanitizer must see inside oneTBB: Debian's libtbb is not instrumented, so TSan misses the
# synchronisation in TBB's task queues and reports every item handed to a worker as a data race
# (seen here: races on Item, shared_ptr and task_arena_function with no real conflict). So the
# TSan build links a oneTBB built from Debian's own source package (the same version as
# libtbb-dev) with -fsanitize=thread, made once into build/tbb-tsan/prefix and reused.
tbb_tsan() {
    local top=$root/build/tbb-tsan
    tbb_tsan_prefix=$top/prefix
    if [[ -f $tbb_tsan_prefix/lib/cmake/TBB/TBBConfig.cmake ]]; then
        echo "instrumented oneTBB: $tbb_tsan_prefix (reused)"
        return 0
    fi
    banner "oneTBB with -fsanitize=thread (once, into $tbb_tsan_prefix)"
    fetch_tbb_source "$top/src"
    local src
    src=$(find "$top/src" -maxdepth 1 -type d -iname 'onetbb-*' | head -n 1)
    [[ -n $src ]] || die "no oneTBB source under $top/src after apt-get source"
    # Its build log is long (GCC warns about fences under TSan): kept in a file, shown on failure.
    local log=$top/build.log
    if ! {
        cmake -S "$src" -B "$top/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBBMALLOC_BUILD=OFF \
            -DTBB_STRICT=OFF -DTBB_DISABLE_HWLOC_AUTOMATIC_SEARCH=ON \
            -DCMAKE_INSTALL_PREFIX="$tbb_tsan_prefix" -DCMAKE_INSTALL_LIBDIR=lib &&
            cmake --build "$top/build" -j "$jobs"
    } >"$log" 2>&1; then
        tail -n 40 "$log"
        die "building the instrumented oneTBB failed; full log: $log"
    fi
    cmake --install "$top/build" >/dev/null
}

# fetch_tbb_source DIR — `apt-get source onetbb` into DIR (adds Debian's deb-src lines once).
fetch_tbb_source() {
    local dir=$1
    if ! apt-get source --print-uris onetbb >/dev/null 2>&1; then
        [[ $(id -u) == 0 ]] ||
            die "need Debian deb-src entries to fetch oneTBB's source; run as root"
        echo "adding deb-src entries: /etc/apt/sources.list.d/sluice-deb-src.sources"
        cat >/etc/apt/sources.list.d/sluice-deb-src.sources <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
        apt-get update
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && apt-get source onetbb)
}

# sanitized PRESET — a sanitizer tree (tsan or asan preset) and its ctest run. What the presets
# cannot hold stays here: building the instrumented oneTBB, and the sanitizers' environment.
sanitized() {
    local preset=$1
    if [[ $preset == tsan ]]; then
        tbb_tsan  # the preset's TBB_DIR points into build/tbb-tsan/prefix
        export LD_LIBRARY_PATH="$tbb_tsan_prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    fi
    build "$preset"
    if [[ $preset == tsan ]]; then
        export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1${TSAN_OPTIONS:+ $TSAN_OPTIONS}"
        if [[ -f tests/tsan.supp ]]; then
            TSAN_OPTIONS+=" suppressions=$root/tests/tsan.supp"
        fi
    else
        export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
        export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
    fi
    run_ctest "$preset"
}

soak() {
    local rounds=${1:-20000}
    deps
    build release
    banner "soak: racing terminate, $rounds rounds"
    SLUICE_STRESS_ITERATIONS=$rounds build/release/tests/sluice_tests --test-suite=stress
}

test_all() {
    local started=$SECONDS
    deps
    banner "environment"
    echo "$(g++ --version | head -n 1); $(cmake --version | head -n 1); $jobs cores; CI=${CI:-}"
    build release
    run_ctest release
    consumer_check
    sanitized tsan
    banner "test: all passed in $((SECONDS - started)) s"
}

# cluster-demo: everything under $cluster_dir (pids, logs, JetStream files), on fixed loopback
# ports 4222 (NATS) and 5566 (the front), so cluster-down finds it again.
readonly cluster_dir=${TMPDIR:-/tmp}/sluice-cluster-demo
cluster_demo() {
    deps
    build release
    cluster_down quiet
    banner "cluster-demo: nats-server, 2 workers, a front (serve --nats) on :5566"
    mkdir -p "$cluster_dir"
    local url=nats://127.0.0.1:4222 key=demo-key sluice=build/release/sluice i
    nats-server -js -sd "$cluster_dir/js" -a 127.0.0.1 -p 4222 -m 8222 >"$cluster_dir/nats.log" 2>&1 &
    echo $! >>"$cluster_dir/pids"
    for i in $(seq 100); do curl -sf http://127.0.0.1:8222/healthz >/dev/null && break; sleep 0.1; done
    for i in 1 2; do
        "$sluice" worker --nats "$url" --name "demo-$i" 2>"$cluster_dir/worker-$i.log" &
        echo $! >>"$cluster_dir/pids"
    done
    SLUICE_API_KEYS=$key "$sluice" serve --port 5566 --nats "$url" --data-dir "$cluster_dir/data" \
        >"$cluster_dir/front.log" 2>&1 &
    echo $! >>"$cluster_dir/pids"
    for i in $(seq 100); do curl -sf http://127.0.0.1:5566/health >/dev/null && break; sleep 0.1; done
    local auth=(-H "Authorization: Bearer $key") token=demo-$RANDOM$RANDOM f
    curl -sf "${auth[@]}" --data-binary @examples/echo.pipe "127.0.0.1:5566/task?token=$token" >/dev/null
    for f in examples/inputs/*; do
        printf '%s -> ' "$f"
        curl -s "${auth[@]}" -H 'Content-Type: text/plain' --data-binary "@$f" \
            "127.0.0.1:5566/task/data?token=$token&name=$(basename "$f")" | head -c 160
        echo
    done
    echo "final status:"
    curl -s "${auth[@]}" -X DELETE "127.0.0.1:5566/task?token=$token" | head -c 400
    echo
    banner "cluster-demo: up (front http://127.0.0.1:5566, key $key); ./sluice.sh cluster-down stops it"
}

cluster_down() {
    [[ -f $cluster_dir/pids ]] || { [[ ${1:-} == quiet ]] || echo "cluster-down: nothing running"; return 0; }
    local pid
    while read -r pid; do kill -TERM "$pid" 2>/dev/null || true; done <"$cluster_dir/pids"
    while read -r pid; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done <"$cluster_dir/pids"
    rm -rf "$cluster_dir"
    [[ ${1:-} == quiet ]] || echo "cluster-down: stopped"
}

usage() {
    sed -n '2,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

# ---- main -----------------------------------------------------------------------------------

# (Each phase is its own statement: `set -e` does not apply inside `a && b`.)
case "${1:-}" in
    deps) deps ;;
    build)
        deps
        build "${2:-release}"
        banner "build: done"
        ;;
    demo) demo ;;
    test) test_all ;;
    tsan)
        deps
        sanitized tsan
        banner "tsan: all passed"
        ;;
    asan)
        deps
        sanitized asan
        banner "asan: all passed"
        ;;
    soak) soak "${2:-20000}" ;;
    bench)
        deps
        shift
        exec bench/bench.sh "$@"
        ;;
    cluster-demo) cluster_demo ;;
    cluster-down) cluster_down ;;
    help | -h | --help) usage ;;
    *)
        usage >&2
        exit 2
        ;;
esac
