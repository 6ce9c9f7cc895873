#!/usr/bin/env bash
# bench/profile.sh: where `minictr run --rm busybox /bin/true` spends its
# time, with perf (Debian: linux-perf), in three recordings of
# PROFILE_RUNS (default 200) starts one after the other:
#
#   cpu       CPU time a start, by kernel entry point (mount, clone3, page
#             faults, ...), sampled at 4999 Hz with call chains
#   offcpu    each time a start leaves the CPU, in which state and where
#             (sched:sched_switch with call chains): waits, not work
#   syscalls  calls and milliseconds a start, by system call (perf trace -s;
#             its own overhead makes every call slower, so compare calls
#             with each other, not with the other two)
#
# The store is bench/run.sh's (build/bench/root, on the disk), the state on
# a tmpfs as there. Results: stdout and build/bench/profile-*.txt. The
# numbers and what they mean are in bench/README.md, section 5. Needs root.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/bench
IMG=$ROOT/build/images/busybox
RUNS=${PROFILE_RUNS:-200}
PY=/usr/bin/python3
export MINICTR_ROOT=$OUT/root
MINICTR=$ROOT/bin/minictr
# shellcheck source=bench/common.sh
. "$ROOT/bench/common.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v perf >/dev/null; then
    echo "bench/profile.sh: needs root and perf (apt-get install linux-perf)" >&2
    exit 1
fi
[ -x "$MINICTR" ] || make bin/minictr
[ -x "$IMG/bin/true" ] || make images
mkdir -p "$OUT"
bench_state_dir "$OUT"
"$MINICTR" rmi busybox >/dev/null 2>&1 || true
"$MINICTR" import "$IMG" busybox >/dev/null
LOOP="for i in \$(seq $RUNS); do $MINICTR run --rm busybox /bin/true; done"

{
    echo "== CPU a start, by kernel entry point ($RUNS starts; load: $(bench_load))"
    perf record -q -F 4999 -g -o "$OUT/profile-cpu.data" -- sh -c "$LOOP"
    perf script -i "$OUT/profile-cpu.data" -F comm,ip,sym 2>/dev/null \
        >"$OUT/profile-cpu.txt"
    "$PY" bench/profile.py cpu "$OUT/profile-cpu.txt" "$RUNS" 4999 minictr true

    echo
    echo "== leaving the CPU, a start ($RUNS starts; load: $(bench_load))"
    perf record -q -e sched:sched_switch -g -o "$OUT/profile-offcpu.data" \
        -- sh -c "$LOOP"
    perf script -i "$OUT/profile-offcpu.data" -F comm,tid,trace,ip,sym \
        2>/dev/null >"$OUT/profile-offcpu.txt"
    "$PY" bench/profile.py offcpu "$OUT/profile-offcpu.txt" "$RUNS" minictr true

    echo
    echo "== system calls, a start ($RUNS starts; load: $(bench_load))"
    perf trace -s -o "$OUT/profile-syscalls.txt" -- sh -c "$LOOP"
    "$PY" bench/profile.py syscalls "$OUT/profile-syscalls.txt" "$RUNS" \
        minictr true
} 2>&1 | tee "$OUT/profile.txt"
rm -f "$OUT"/profile-*.data
