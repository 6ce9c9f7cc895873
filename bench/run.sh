#!/usr/bin/env bash
# bench/run.sh: minictr beside crun, runc, bubblewrap and unshare+chroot.
#
#   bench/run.sh             all three parts (make bench runs this)
#   bench/run.sh startup     only the start-up race and peak memory
#   bench/run.sh import      only image import and first/second start
#
# BENCH_RUNS (default 100) sets the runs per runner in the race. hyperfine
# runs each runner's runs in one block, so on a busy machine a change of load
# lands on some runners only: BENCH_ROUNDS=4 splits the race into 4 hyperfine
# runs, one after the other, and joins their times. BENCH_GAP=0.05 sleeps
# 50 ms before each run (hyperfine --prepare), so that every run starts from
# an idle machine as a real `docker run` does, not warm from the run before
# (see "Caveats" in bench/README.md). Results go to stdout and
# build/bench/ (hyperfine's JSON and output, results.txt, and startup.svg:
# the start-up table as a chart). Needs root.
# The method, and what each runner isolates, is in bench/README.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/bench
IMG=$ROOT/build/images/busybox
RUNS=${BENCH_RUNS:-100}
ROUNDS=${BENCH_ROUNDS:-1}
GAP=${BENCH_GAP:-}
PY=/usr/bin/python3
export MINICTR_ROOT=$OUT/root
MINICTR=$ROOT/bin/minictr
# shellcheck source=bench/common.sh
. "$ROOT/bench/common.sh"

# Docker's 14 default capabilities, for bwrap (the OCI bundles list the same).
DOCKER_CAPS=(CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID
             SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE)

say() { printf '\n== %s\n' "$*"; }

# The runners, NAME CMD pairs, as hyperfine runs them (-N: no shell in
# between).
# Two views of the host's cgroups: crun 1.8 refuses a hybrid host, so it
# runs in bench/cgv1.sh's view (cgroup v1 only); every other runner runs
# on the host as it is. minictr must: on a hybrid host it starts a
# container straight into the cgroup2 tree (clone3 CLONE_INTO_CGROUP, a
# BPF device filter there) and never joins a v1 cgroup, which would cost
# an RCU grace period; in crun's view it would fall back to v1 and pay it.
runner_cmds() {
    local caps=() c
    for c in "${DOCKER_CAPS[@]}"; do caps+=(--cap-add "CAP_$c"); done
    HOST=(
        minictr "$MINICTR run --rm busybox /bin/true"
        runc "runc --root $RUN/runc run --bundle $OUT/bundle-runc minictr-bench"
        bwrap "bwrap --unshare-all --die-with-parent --new-session --ro-bind $IMG / --proc /proc --dev /dev --cap-drop ALL ${caps[*]} /bin/true"
        unshare+chroot "unshare -m -u -i -p -n -f chroot $IMG /bin/true"
        chroot "chroot $IMG /bin/true"
        exec "$IMG/bin/true"
    )
    V1=(crun "crun --root $RUN/crun run --bundle $OUT/bundle-crun minictr-bench")
    # minictr again, its store (layers, the container's overlay dirs) on
    # the tmpfs: what the disk costs it (bench/README.md, section 5).
    TMPFS=("minictr (tmpfs root)" "$MINICTR run --rm busybox /bin/true")
}

startup() {
    local rt round files=()
    say "start-up: /bin/true in a new container, $RUNS runs each in $ROUNDS round(s)${GAP:+, $GAP s apart} (load: $(bench_load))"
    rm -f "$OUT"/startup-*.json "$OUT"/peakmem*.json
    for rt in crun runc; do
        rm -rf "$OUT/bundle-$rt" && mkdir -p "$OUT/bundle-$rt"
        "$PY" bench/make-bundle.py "$rt" "$IMG" "$OUT/bundle-$rt" \
            src/privileges.c
    done
    runner_cmds
    MINICTR_ROOT=$RUN/root "$MINICTR" import "$IMG" busybox >/dev/null
    : >"$OUT/hyperfine-startup.txt"
    # Round by round, each view in turn: a change of load is spread over
    # all runners.
    for ((round = 1; round <= ROUNDS; round++)); do
        bench/cgv1.sh "$0" __race startup v1 "$round" "${V1[@]}"
        race startup host "$round" "${HOST[@]}"
        (export MINICTR_ROOT=$RUN/root; race startup tmpfs "$round" "${TMPFS[@]}")
        files+=("$OUT/startup-host-$round.json" "$OUT/startup-v1-$round.json"
                "$OUT/startup-tmpfs-$round.json")
    done
    echo "load after the race: $(bench_load)"
    "$PY" "$ROOT/bench/measure.py" merge \
        "--order=minictr,minictr (tmpfs root),crun,runc" \
        "$OUT/startup.json" "${files[@]}"
    "$PY" "$ROOT/bench/measure.py" peakmem "$OUT/peakmem.json" 20 "${HOST[@]}"
    bench/cgv1.sh "$PY" "$ROOT/bench/measure.py" peakmem "$OUT/peakmem.json" \
        20 "${V1[@]}"
    "$PY" bench/measure.py startup "$OUT/startup.json" "$OUT/peakmem.json" \
        minictr
    # The same table as a picture: every run of every runner.
    "$PY" bench/measure.py chart "$OUT/startup.json" "$OUT/startup.svg" \
        minictr "start-up: /bin/true in a new container, $RUNS runs each"
    echo "chart: $OUT/startup.svg"
}

# A few hundred MB of real files (headers: many small; gcc: a few large),
# on top of the busybox image so the result still runs /bin/true.
big_tarball() {
    if [ ! -s "$OUT/big.tar" ]; then
        tar -C "$IMG" -cf "$OUT/big.tar.tmp" .
        tar -C / -rf "$OUT/big.tar.tmp" usr/include usr/lib/gcc
        mv "$OUT/big.tar.tmp" "$OUT/big.tar"
    fi
}

import_bench() {
    local first=()
    say "import: $(du -h "$OUT/big.tar" | cut -f1) tarball, $(tar -tf "$OUT/big.tar" | wc -l) entries (load: $(bench_load))"
    # sync in --prepare: each run starts with no dirty pages of the last.
    hyperfine --runs 3 --style basic --export-json "$OUT/import.json" \
        --prepare "rm -rf $OUT/untar; sync" \
        -n "tar -x" "tar -xf $OUT/big.tar --one-top-level=$OUT/untar" \
        --prepare "$MINICTR rmi big >/dev/null 2>&1; sync" \
        -n "minictr import" "$MINICTR import $OUT/big.tar big" \
        --prepare "rm -rf $OUT/copy; sync" \
        -n "cp -a (a copy per container)" "cp -a $OUT/untar $OUT/copy" \
        >"$OUT/hyperfine-import.txt" 2>&1 ||
        { cat "$OUT/hyperfine-import.txt" >&2; exit 1; }
    rm -rf "$OUT/copy"
    "$PY" bench/measure.py import "$OUT/import.json" "$OUT/big.tar"

    say "second container: nothing is copied, so image size does not matter"
    # The first run after an import, five times (a fresh import each time).
    for _ in 1 2 3 4 5; do
        "$MINICTR" rmi bb-first >/dev/null 2>&1 || true
        "$MINICTR" import "$IMG" bb-first >/dev/null
        first+=("$("$PY" bench/measure.py once "$MINICTR run --rm bb-first /bin/true")")
    done
    "$MINICTR" rmi bb-first >/dev/null
    hyperfine -N --warmup 3 --runs 30 --style basic \
        --export-json "$OUT/second.json" \
        -n "busybox (1 MB)" "$MINICTR run --rm busybox /bin/true" \
        -n "big ($(du -sh "$OUT/untar" | cut -f1))" "$MINICTR run --rm big /bin/true" \
        >"$OUT/hyperfine-second.txt" 2>&1 ||
        { cat "$OUT/hyperfine-second.txt" >&2; exit 1; }
    printf '%-36s%10s\n' "minictr run --rm IMAGE /bin/true" "median ms"
    printf '%-36s%10s\n' "first run after import (busybox)" \
        "$(printf '%s\n' "${first[@]}" | sort -n | sed -n 3p)"
    "$PY" - "$OUT/second.json" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{'later runs, ' + r['command']:<36}{r['median'] * 1000:>10.2f}")
EOF
    "$MINICTR" rmi big >/dev/null
    rm -rf "$OUT/untar"
}

main() {
    local what=${1:-all}
    if [ "$what" = __race ]; then # crun's share, in bench/cgv1.sh's view
        shift
        race "$@"
        return
    fi
    case $what in
        all | startup | import) ;;
        *) echo "usage: bench/run.sh [startup|import]" >&2; exit 2 ;;
    esac
    if [ "$(id -u)" -ne 0 ]; then
        echo "bench: needs root (namespaces, cgroups, crun and runc)" >&2
        exit 1
    fi
    rootfs-scripts/install-deps.sh --bench
    [ -x "$MINICTR" ] || make bin/minictr
    [ -x "$IMG/bin/true" ] || make images
    mkdir -p "$OUT"
    bench_state_dir "$OUT"
    # build/bench/root is the bench's own image store: start it clean.
    "$MINICTR" ps -a | awk 'NR > 1 { print $1 }' | xargs -r "$MINICTR" rm \
        >/dev/null
    "$MINICTR" rmi busybox >/dev/null 2>&1 || true
    "$MINICTR" import "$IMG" busybox >/dev/null
    {
        echo "minictr bench, $(date -u +%FT%TZ), $(uname -r), $(nproc) cpus"
        echo "$(crun --version | head -n1); $(runc --version | head -n1);" \
            "$(bwrap --version); $(hyperfine --version)"
        case $what in
            all) startup; big_tarball; import_bench ;;
            startup) startup ;;
            import) big_tarball; import_bench ;;
        esac
        echo
        echo "raw: $OUT/*.json, hyperfine's own output in $OUT/hyperfine*.txt"
    } 2>&1 | tee "$OUT/results.txt"
}

main "$@"
