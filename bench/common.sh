# bench/common.sh: what bench/run.sh and bench/life.sh share (sourced).
# shellcheck shell=bash
#
# bench_state_dir: a tmpfs for every runner's state, as production's
#   /run is one (/run/minictr, /run/crun, /run/runc). Where /run is not a
#   tmpfs (this build VM: /run is on the ext4 root), a tmpfs of our own is
#   mounted on build/bench/run and unmounted when the script ends.
#   Sets RUN, and exports MINICTR_STATE=$RUN/minictr.
# bench_load: the load average now (1, 5, 15 minutes), for every table.
# race PART TAG ROUND NAME CMD [NAME CMD...]: one view's share of a round
#   of a hyperfine race (-N: no shell in between; BENCH_GAP sleeps before
#   each run, not timed), into $OUT/PART-TAG-ROUND.json; on round 1 each
#   CMD is first run once, and a CMD that fails stops the bench. Needs
#   OUT, RUNS, ROUNDS, GAP, PY and ROOT set.

RUN=
OWN_TMPFS=

bench_state_dir() {
    local out=$1
    if [ "$(stat -f -c %T /run)" = tmpfs ]; then
        RUN=/run/minictr-bench
    else
        RUN=$out/run
        mkdir -p "$RUN"
        if [ "$(stat -f -c %T "$RUN")" != tmpfs ]; then
            mount -t tmpfs -o mode=0700,size=256m minictr-bench "$RUN"
            OWN_TMPFS=$RUN
            trap bench_state_done EXIT
        fi
    fi
    mkdir -p "$RUN/minictr" "$RUN/crun" "$RUN/runc"
    export MINICTR_STATE=$RUN/minictr
}

bench_state_done() {
    if [ -n "$OWN_TMPFS" ]; then
        umount "$OWN_TMPFS" ||
            echo "bench: $OWN_TMPFS is still in use: umount it by hand" >&2
        OWN_TMPFS=
    fi
}

bench_load() {
    cut -d' ' -f1-3 /proc/loadavg
}

race() {
    local part=$1 tag=$2 round=$3 args=()
    shift 3
    if [ -n "$GAP" ]; then
        args+=(--prepare "sleep $GAP")
    fi
    while [ $# -gt 0 ]; do
        if [ "$round" = 1 ]; then
            "$PY" "$ROOT/bench/measure.py" once "$2" >/dev/null ||
                { echo "bench: '$1' does not run: $2" >&2; exit 1; }
        fi
        args+=(-n "$1" "$2")
        shift 2
    done
    hyperfine -N --warmup 5 --runs $(((RUNS + ROUNDS - 1) / ROUNDS)) \
        --style basic --export-json "$OUT/$part-$tag-$round.json" \
        "${args[@]}" >>"$OUT/hyperfine-$part.txt" 2>&1 ||
        { cat "$OUT/hyperfine-$part.txt" >&2; exit 1; }
}
