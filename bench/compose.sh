#!/usr/bin/env bash
# bench/compose.sh: `minictr compose up -d --wait` of a three-service file
# (db with a health check that passes at once, app depending on it with
# condition: service_healthy, web depending on app), from nothing to all
# healthy, and down; then the memory of what holds the three (their
# monitors' PSS, and the services' own). Twice: a container per service,
# then the same file as a pod (x-minictr: {pod: true}: one container, its
# PID 1 the service manager).
#
#   sudo bench/compose.sh          BENCH_RUNS (default 10) up + down pairs
#
# Everything runs in a network namespace of its own (the project's bridge
# never reaches the host's), with state of our own under build/bench/; the
# EXIT trap ends what it started. The health check's interval (100 ms) is
# most of the time to healthy: the first probe runs one interval after the
# start, as Docker's. Results: stdout. Needs root.
#
# With podman-compose installed (Debian's 1.0.3), one run of it too, on
# the same file: podman with a storage, run root and network config of its
# own under build/bench/compose/podman (vfs, cgroupfs, runc: crun refuses
# this hybrid host), its containers' cgroups below /minictr-bench-pc, in
# the same network namespace. It waits for no condition and runs no health
# check without systemd (podman's probes are systemd timers), so its time
# is to all started; its down is podman's stop, 10 s a service.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/bench/compose
RUNS=${BENCH_RUNS:-10}
export MINICTR_ROOT=$OUT/root MINICTR_STATE=$OUT/state MINICTR_NETWORK=none
MC=$ROOT/bin/minictr
NS=

PODD=$OUT/podman
PODMAN_ARGS="--root $PODD/root --runroot $PODD/run --tmpdir $PODD/tmp --storage-driver vfs --cgroup-manager cgroupfs --events-backend file --network-config-dir $PODD/net --runtime runc"
POD_CG=minictr-bench-pc

podman_down() {
    [ -d "$PODD" ] || return 0
    # shellcheck disable=SC2086
    podman $PODMAN_ARGS rm -af -t 0 >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    podman $PODMAN_ARGS rmi -af >/dev/null 2>&1 || true
    # the cgroups podman made: below ours, and conmon's beside them
    find /sys/fs/cgroup -depth -type d \( -path "*/$POD_CG*" -o -path '*/libpod_parent/conmon' \) \
        -exec rmdir {} + 2>/dev/null || true
    rm -rf "$PODD"
}

cleanup() {
    podman_down
    if [ -n "$NS" ]; then
        nsenter --net="/proc/$NS/ns/net" "$MC" compose -f "$OUT/compose.yaml" \
            -p bench down -t 1 >/dev/null 2>&1 || true
        kill -KILL "$NS" 2>/dev/null || true
        wait "$NS" 2>/dev/null || true
    fi
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || { echo "$0: needs root" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT"
"$MC" import "$ROOT/build/images/busybox" busybox >/dev/null
cat >"$OUT/services.yaml" <<'EOF'
services:
  db:
    image: busybox
    command: sh -c 'touch /tmp/ready; exec sleep 1000'
    healthcheck:
      test: ["CMD", "test", "-e", "/tmp/ready"]
      interval: 100ms
  app:
    image: busybox
    command: sleep 1000
    depends_on:
      db:
        condition: service_healthy
  web:
    image: busybox
    command: httpd -f -p 8080
    depends_on: [app]
EOF
{ printf 'x-minictr:\n  pod: true\n'; cat "$OUT/services.yaml"; } >"$OUT/pod.yaml"
unshare --net sleep 100000 &
NS=$!
sleep 0.2
in_ns() { nsenter --net="/proc/$NS/ns/net" "$@"; }
in_ns ip link set lo up
mc() { in_ns "$MC" compose -f "$OUT/compose.yaml" -p bench "$@"; }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# (a process gone meanwhile, a health probe, counts 0)
pss() { cat "/proc/$1/smaps_rollup" 2>/dev/null | awk '/^Pss:/ { s += $2 } END { print s + 0 }'; }


for mode in services pod; do
    cp "$OUT/$mode.yaml" "$OUT/compose.yaml"
    ups=() downs=()
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s%N)
        mc up -d --wait >/dev/null 2>&1
        t1=$(date +%s%N)
        mc down -t 1 >/dev/null 2>&1
        t2=$(date +%s%N)
        ups+=($(((t1 - t0) / 1000000)))
        downs+=($(((t2 - t1) / 1000000)))
    done
    echo "$mode: up -d --wait, 3 services, to all healthy: median $(median "${ups[@]}") ms (runs: ${ups[*]})"
    echo "$mode: down -t 1: median $(median "${downs[@]}") ms"

    # memory: what holds the services (monitors; the pod's manager too),
    # and the services' own first processes
    mc up -d --wait >/dev/null 2>&1
    mon=0 svc=0
    if [ "$mode" = services ]; then
        for s in db app web; do
            m=$("$MC" inspect -f '{{.monitor_pid}}' "bench-$s-1")
            p=$("$MC" inspect -f '{{.pid}}' "bench-$s-1")
            mon=$((mon + $(pss "$m")))
            svc=$((svc + $(pss "$p")))
        done
        echo "services: memory (PSS): 3 monitors $mon kB, the 3 services' first processes $svc kB"
    else
        m=$("$MC" inspect -f '{{.monitor_pid}}' bench-pod)
        p=$("$MC" inspect -f '{{.pid}}' bench-pod)
        for c in $(pgrep -P "$p"); do svc=$((svc + $(pss "$c"))); done
        echo "pod: memory (PSS): 1 monitor and the service manager $(($(pss "$m") + $(pss "$p"))) kB, the 3 services' first processes $svc kB"
    fi
    mc down -t 1 >/dev/null 2>&1
done

# ---- podman-compose, once ------------------------------------------------
if command -v podman-compose >/dev/null && command -v podman >/dev/null; then
    mkdir -p "$PODD/net"
    "$MC" save -o "$PODD/busybox.tar" busybox
    # shellcheck disable=SC2086
    podman $PODMAN_ARGS load -i "$PODD/busybox.tar" >/dev/null 2>&1
    sed 's|image: busybox|image: localhost/busybox:latest|' "$OUT/services.yaml" >"$PODD/compose.yaml"
    pc() {
        (cd "$PODD" && in_ns podman-compose --podman-args "$PODMAN_ARGS" \
            --podman-run-args "--ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --cgroup-parent /$POD_CG" \
            -p pcb "$@")
    }
    t0=$(date +%s%N)
    pc up -d >/dev/null 2>&1
    t1=$(date +%s%N)
    mon=0
    for m in $(pgrep -x conmon); do
        grep -q "pcb_" "/proc/$m/cmdline" 2>/dev/null && mon=$((mon + $(pss "$m")))
    done
    pc down >/dev/null 2>&1
    t2=$(date +%s%N)
    echo "podman-compose: up -d, 3 services, to all started (no health check: no systemd): $(((t1 - t0) / 1000000)) ms"
    echo "podman-compose: down: $(((t2 - t1) / 1000000)) ms"
    echo "podman-compose: memory (PSS): 3 conmons $mon kB"
fi
