#!/usr/bin/env bash
# bench/life.sh: containers that live on their own (`run -d`, `exec`, the
# monitor), beside the runtimes and monitors Podman and containerd use.
#
#   bench/life.sh           all five parts
#   bench/life.sh exec      /bin/true into a running busybox container:
#                           minictr exec, crun exec, runc exec, nsenter -a
#   bench/life.sh cycle     minictr run -d + rm -f, beside crun's, runc's
#                           and minictr-oci's create + start + delete -f
#                           of a bundle and containerd's ctr run -d +
#                           task rm -f + c rm
#   bench/life.sh monitor   the memory of what holds one idle container:
#                           minictr's monitor, conmon (running runc, with
#                           podman's flags), containerd-shim-runc-v2
#   bench/life.sh idle      BENCH_IDLE (100) idle `run -d busybox sleep
#                           1000`: their monitors' memory and their own
#   bench/life.sh drivers   busybox `true` through the real drivers of an
#                           OCI runtime: `ctr run --rm` with --runc-binary
#                           bin/minictr-oci beside runc (containerd's
#                           default); `podman run --rm --network none`
#                           with --runtime bin/minictr-oci beside crun
#                           (and runc)
#
# BENCH_RUNS (default 100) runs each for exec, BENCH_CYCLES (default 30)
# cycles each, BENCH_DRIVER_RUNS (default 20) runs each for drivers;
# BENCH_ROUNDS (default 1; 4 for drivers) and BENCH_GAP as for bench/run.sh
# (rounds: each runner's runs split in N blocks, one runner after the
# other; gap: a sleep before each run, not timed). crun runs in bench/cgv1.sh's view of the
# cgroups, everything else on the host's (bench/README.md says why).
# containerd is started by hand on a socket, root and state of our own
# under build/bench/ctrd (no systemd here), the busybox image imported into
# it from `minictr save`, and stopped at the end. Everything this script
# starts it ends, on every path (the EXIT trap). podman (drivers) has a
# storage root, run root and tmpdir of its own under build/bench/podman,
# the image loaded from the same `minictr save`, and its cgroups below
# /minictr-bench-pod (removed at the end). Results: stdout and
# build/bench/life-*.json. Needs root.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/bench
IMG=$ROOT/build/images/busybox
RUNS=${BENCH_RUNS:-100}
CYCLES=${BENCH_CYCLES:-30}
ROUNDS=${BENCH_ROUNDS:-1}
GAP=${BENCH_GAP:-}
IDLE=${BENCH_IDLE:-100}
DRIVER_RUNS=${BENCH_DRIVER_RUNS:-20}
DRIVER_ROUNDS=${BENCH_ROUNDS:-4}
PY=/usr/bin/python3
export MINICTR_ROOT=$OUT/life-root
MINICTR=$ROOT/bin/minictr
CTRD=$OUT/ctrd
PODD=$OUT/podman
POD_CG=minictr-bench-pod
# shellcheck source=bench/common.sh
. "$ROOT/bench/common.sh"

say() { printf '\n== %s\n' "$*"; }

# Set once the state directory is known (main).
runtimes() {
    CRUN=(crun --root "$RUN/crun")
    RUNC=(runc --root "$RUN/runc")
    OCI=("$MINICTR-oci" --root "$RUN/minictr-oci")
    CTR=(ctr -a "$CTRD/containerd.sock" -n minictr-bench)
    # As tests/minictr-oci-drivers.bats runs it: storage of our own (vfs:
    # a copy of busybox's 3 MB a container, for every runtime alike),
    # cgroupfs (no systemd here), events to a file.
    PODMAN=(podman --root "$PODD/root" --runroot "$PODD/run"
        --tmpdir "$PODD/tmp" --storage-driver vfs --cgroup-manager cgroupfs
        --events-backend file)
}

bundles() {
    local rt
    for rt in crun runc minictr-oci; do
        rm -rf "$OUT/bundle-$rt-sleep" && mkdir -p "$OUT/bundle-$rt-sleep"
        PATH=$ROOT/bin:$PATH "$PY" bench/make-bundle.py "$rt" "$IMG" \
            "$OUT/bundle-$rt-sleep" src/privileges.c sleep 1000
    done
}

# ---- containerd, by hand ------------------------------------------------

# Its own socket, root and state (the shim still puts its sockets and fifos
# in /run/containerd, whatever the config says), no CRI plugin. Containers
# get a relative cgroupsPath: runc makes it below our own cgroup.
containerd_up() {
    local i
    rm -rf "$CTRD" && mkdir -p "$CTRD"
    cat >"$CTRD/config.toml" <<EOF
version = 2
root = "$CTRD/root"
state = "$CTRD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CTRD/containerd.sock"
[ttrpc]
  address = "$CTRD/containerd.sock.ttrpc"
EOF
    setsid containerd --config "$CTRD/config.toml" </dev/null \
        >"$CTRD/log" 2>&1 &
    echo $! >"$CTRD/pid"
    for ((i = 0; i < 100; i++)); do
        [ -S "$CTRD/containerd.sock" ] && break
        sleep 0.1
    done
    "$MINICTR" save -o "$CTRD/busybox.tar" busybox
    "${CTR[@]}" image import "$CTRD/busybox.tar" >/dev/null
}

containerd_down() {
    local pid
    [ -f "$CTRD/pid" ] || return 0
    pid=$(cat "$CTRD/pid")
    "${CTR[@]}" task ls -q 2>/dev/null | xargs -r -n1 "${CTR[@]}" task rm -f >/dev/null 2>&1 || true
    "${CTR[@]}" c ls -q 2>/dev/null | xargs -r "${CTR[@]}" c rm >/dev/null 2>&1 || true
    "${CTR[@]}" image rm busybox:latest >/dev/null 2>&1 || true
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$CTRD/pid"
    rm -rf "$CTRD/root" "$CTRD/state"
    # What the shim and runc left of ours: empty directories only (rmdir
    # removes nothing another containerd still uses).
    find /sys/fs/cgroup -maxdepth 5 -type d -name minictr-bench-ctr \
        -exec rmdir {} + 2>/dev/null || true
    rmdir /run/containerd/runc/minictr-bench /run/containerd/runc \
        /run/containerd/fifo /run/containerd/s /run/containerd 2>/dev/null ||
        true
}

# ---- podman, with a storage of its own ---------------------------------

podman_up() {
    rm -rf "$PODD" && mkdir -p "$PODD"
    [ -s "$CTRD/busybox.tar" ] ||
        "$MINICTR" save -o "$CTRD/busybox.tar" busybox
    "${PODMAN[@]}" load -i "$CTRD/busybox.tar" >/dev/null 2>&1
}

# In bench/cgv1.sh's view: it can remove a container of crun's too (and
# the others' alike). conmon ends with its container; the cgroups podman
# made for the containers and for conmon (POD_CG/conmon) are then empty.
podman_down() {
    local i
    [ -d "$PODD" ] || return 0
    bench/cgv1.sh "${PODMAN[@]}" rm -af -t 0 >/dev/null 2>&1 || true
    "${PODMAN[@]}" rmi -af >/dev/null 2>&1 || true
    for ((i = 0; i < 50; i++)); do
        find /sys/fs/cgroup -depth -type d -path "*/$POD_CG*" \
            -exec rmdir {} + 2>/dev/null
        [ -z "$(find /sys/fs/cgroup -maxdepth 5 -type d -name "$POD_CG")" ] &&
            break
        sleep 0.1
    done
    # vfs mounts nothing, but a container's /dev/shm is a mount in the run
    # root until podman unmounts it: none may be left under what we remove.
    awk -v d="$PODD/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo |
        sort -r | xargs -r umount 2>/dev/null
    rm -rf "$PODD"
}

# ---- the end, on every path ----------------------------------------------

life_cleanup() {
    local id
    set +e
    "$MINICTR" ps -aq 2>/dev/null | xargs -r "$MINICTR" rm -f >/dev/null 2>&1
    conmon_down
    for id in mb-exec-runc mb-cycle-runc; do
        "${RUNC[@]}" delete -f "$id" >/dev/null 2>&1
    done
    "${OCI[@]}" delete -f mb-cycle-oci >/dev/null 2>&1
    for id in mb-exec-crun mb-cycle-crun; do
        bench/cgv1.sh "${CRUN[@]}" delete -f "$id" >/dev/null 2>&1
    done
    containerd_down
    podman_down
    find /sys/fs/cgroup -maxdepth 5 -type d -name 'minictr-bench-*' \
        -exec rmdir {} + 2>/dev/null
    bench_state_done
}

# ---- exec ----------------------------------------------------------------

exec_bench() {
    local pid round host v1 files=()
    say "exec: /bin/true into a running busybox container, $RUNS runs each in $ROUNDS round(s)${GAP:+, $GAP s apart} (load: $(bench_load))"
    "$MINICTR" run -d --name mb-exec busybox sleep 1000 >/dev/null
    "${RUNC[@]}" run -d --bundle "$OUT/bundle-runc-sleep" mb-exec-runc \
        </dev/null >/dev/null 2>&1
    bench/cgv1.sh "${CRUN[@]}" run -d --bundle "$OUT/bundle-crun-sleep" \
        mb-exec-crun </dev/null >/dev/null 2>&1
    pid=$("$MINICTR" inspect -f '{{.State.Pid}}' mb-exec)
    # nsenter -a: every namespace of the container's PID 1 (and its root
    # and cwd), nothing else: no cgroup, no capabilities, no seccomp. The
    # floor of what an exec is.
    host=(minictr "$MINICTR exec mb-exec /bin/true"
          runc "${RUNC[*]} exec mb-exec-runc /bin/true"
          "nsenter -a" "nsenter -t $pid -a /bin/true")
    v1=(crun "${CRUN[*]} exec mb-exec-crun /bin/true")
    : >"$OUT/hyperfine-exec.txt"
    rm -f "$OUT"/exec-*.json
    for ((round = 1; round <= ROUNDS; round++)); do
        bench/cgv1.sh bench/life.sh __race exec v1 "$round" "${v1[@]}"
        race exec host "$round" "${host[@]}"
        files+=("$OUT/exec-host-$round.json" "$OUT/exec-v1-$round.json")
    done
    "$PY" bench/measure.py merge --order=minictr,crun,runc \
        "$OUT/life-exec.json" "${files[@]}"
    echo "load after: $(bench_load)"
    "$PY" bench/measure.py table "$OUT/life-exec.json" minictr
    "$MINICTR" rm -f mb-exec >/dev/null
    "${RUNC[@]}" delete -f mb-exec-runc
    bench/cgv1.sh "${CRUN[@]}" delete -f mb-exec-crun
}

# ---- run -d + rm -f ------------------------------------------------------

cycle_bench() {
    local ctr_cycle
    say "run -d + rm -f of 'sleep 1000': $CYCLES cycles each${GAP:+, $GAP s apart} (load: $(bench_load))"
    ctr_cycle="${CTR[*]} run -d --cgroup minictr-bench-ctr/mb-cycle-ctr busybox:latest mb-cycle-ctr sleep 1000 && ${CTR[*]} task rm -f mb-cycle-ctr && ${CTR[*]} c rm mb-cycle-ctr"
    "$PY" bench/measure.py cycle "$OUT/cycle-host.json" "$CYCLES" "$GAP" \
        minictr "$MINICTR run -d --name mb-cycle busybox sleep 1000 && $MINICTR rm -f mb-cycle" \
        runc "${RUNC[*]} create --bundle $OUT/bundle-runc-sleep mb-cycle-runc && ${RUNC[*]} start mb-cycle-runc && ${RUNC[*]} delete -f mb-cycle-runc" \
        minictr-oci "${OCI[*]} create --bundle $OUT/bundle-minictr-oci-sleep mb-cycle-oci && ${OCI[*]} start mb-cycle-oci && ${OCI[*]} delete -f mb-cycle-oci" \
        "containerd (ctr)" "$ctr_cycle"
    bench/cgv1.sh "$PY" bench/measure.py cycle "$OUT/cycle-v1.json" \
        "$CYCLES" "$GAP" \
        crun "${CRUN[*]} create --bundle $OUT/bundle-crun-sleep mb-cycle-crun && ${CRUN[*]} start mb-cycle-crun && ${CRUN[*]} delete -f mb-cycle-crun"
    "$PY" bench/measure.py merge --order=minictr,crun,runc \
        "$OUT/life-cycle.json" "$OUT/cycle-host.json" "$OUT/cycle-v1.json"
    echo "load after: $(bench_load)"
    "$PY" bench/measure.py table "$OUT/life-cycle.json" minictr
}

# ---- the monitor's memory ------------------------------------------------

ppid_of() {
    awk '/^PPid:/ { print $2 }' "/proc/$1/status"
}

# One row: NAME, the holder's pid, the container's pid.
mem_row() {
    "$PY" - "$@" <<'EOF'
import json, subprocess, sys
name, holder, ctr = sys.argv[1:]
# Each holder's mappings, for a look at what its RSS is made of.
with open(f"build/bench/life-smaps-{name.split()[0]}.txt", "w") as out:
    out.write(open(f"/proc/{holder}/smaps").read())
def mem(pid):
    out = subprocess.run([sys.executable, "bench/measure.py", "smaps", pid],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)
threads = open(f"/proc/{holder}/status").read().split("Threads:")[1].split()[0]
m, c = mem(holder), mem(ctr)
print(f"{name:<26}{m['Rss'] / 1024:>8.2f}{m['Pss'] / 1024:>8.2f}"
      f"{m['Anonymous'] / 1024:>8.2f}{threads:>9}{c['Rss'] / 1024:>12.2f}")
EOF
}

CONMON_ID=$(printf 'minictrbench%052d' 0)

monitor_bench() {
    local d=$OUT/conmon cid=$CONMON_ID mon ctr i
    say "the monitor of one idle 'sleep 1000' container, MB from /proc/PID/smaps_rollup (load: $(bench_load))"
    printf '%-26s%8s%8s%8s%9s%12s\n' "holder" "RSS" "PSS" "anon" \
        "threads" "ctr RSS"
    "$MINICTR" run -d --name mb-mon busybox sleep 1000 >/dev/null
    ctr=$("$MINICTR" inspect -f '{{.State.Pid}}' mb-mon)
    # conmon as podman starts it (../shared/reference/oci-drivers/
    # conmon-argv.txt), with runc as its runtime; it forks into the
    # background once `runc create` is done, and we `runc start`, as
    # podman does.
    rm -rf "$d" && mkdir -p "$d/exits" "$d/sock"
    conmon --api-version 1 -c "$cid" -u "$cid" -r "$(command -v runc)" \
        -b "$OUT/bundle-runc-sleep" -p "$d/pidfile" -n mb-conmon \
        --exit-dir "$d/exits" --socket-dir-path "$d/sock" \
        -l "k8s-file:$d/ctr.log" --log-level warning \
        --conmon-pidfile "$d/conmon.pid" \
        --runtime-arg --root --runtime-arg "$RUN/runc" \
        </dev/null >/dev/null 2>&1
    for ((i = 0; i < 100; i++)); do # the pid file: `runc create` is done
        [ -s "$d/pidfile" ] && break
        sleep 0.05
    done
    "${RUNC[@]}" start "$cid"
    "${CTR[@]}" run -d --cgroup minictr-bench-ctr/mb-mon-ctr busybox:latest \
        mb-mon-ctr sleep 1000
    sleep 2 # let each settle into its idle loop
    mon=$(ppid_of "$ctr")
    mem_row "minictr monitor" "$mon" "$ctr"
    mem_row "conmon (runc)" "$(cat "$d/conmon.pid")" "$(cat "$d/pidfile")"
    ctr=$("${CTR[@]}" task ls | awk '$1 == "mb-mon-ctr" { print $2 }')
    mem_row "containerd-shim-runc-v2" "$(ppid_of "$ctr")" "$ctr"
    "$MINICTR" rm -f mb-mon >/dev/null
    conmon_down
    "${CTR[@]}" task rm -f mb-mon-ctr >/dev/null 2>&1
    "${CTR[@]}" c rm mb-mon-ctr
}

# conmon ends when its container does.
conmon_down() {
    local pid
    [ -s "$OUT/conmon/conmon.pid" ] || return 0
    pid=$(cat "$OUT/conmon/conmon.pid")
    "${RUNC[@]}" delete -f "$CONMON_ID" >/dev/null 2>&1 || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$pid" 2>/dev/null || true # ours: it was started here
    rm -f "$OUT/conmon/conmon.pid"
}

# ---- many idle containers ------------------------------------------------

idle_bench() {
    local i t0 t1 mons=() ctrs=() pid
    say "$IDLE idle detached containers: minictr run -d busybox sleep 1000 (load: $(bench_load))"
    t0=$(date +%s%N)
    for ((i = 1; i <= IDLE; i++)); do
        "$MINICTR" run -d --name "mb-idle-$i" busybox sleep 1000 >/dev/null
    done
    t1=$(date +%s%N)
    sleep 2
    for ((i = 1; i <= IDLE; i++)); do
        pid=$("$MINICTR" inspect -f '{{.State.Pid}}' "mb-idle-$i")
        ctrs+=("$pid")
        mons+=("$(ppid_of "$pid")")
    done
    "$PY" - "$IDLE" "$(((t1 - t0) / 1000000))" \
        "$("$PY" bench/measure.py smaps "${mons[@]}")" \
        "$("$PY" bench/measure.py smaps "${ctrs[@]}")" <<'EOF'
import json, sys
n, ms = int(sys.argv[1]), int(sys.argv[2])
rows = [("monitors", json.loads(sys.argv[3])),
        ("containers (sleep)", json.loads(sys.argv[4]))]
print(f"started in {ms / 1000:.1f} s ({ms / n:.0f} ms each, one after the "
      "other)")
print(f"{'':<22}{'processes':>10}{'RSS MB':>9}{'PSS MB':>9}{'anon MB':>9}"
      f"{'PSS/each':>10}")
for name, m in rows + [("all", {k: rows[0][1][k] + rows[1][1][k]
                                for k in rows[0][1]})]:
    print(f"{name:<22}{m['processes']:>10}{m['Rss'] / 1024:>9.1f}"
          f"{m['Pss'] / 1024:>9.1f}{m['Anonymous'] / 1024:>9.1f}"
          f"{m['Pss'] / max(m['processes'], 1):>7.0f} kB")
EOF
    t0=$(date +%s%N)
    "$MINICTR" ps -aq | xargs -r "$MINICTR" rm -f >/dev/null
    t1=$(date +%s%N)
    echo "rm -f of all $IDLE: $(((t1 - t0) / 1000000)) ms;" \
        "left: $(find "$MINICTR_STATE" -mindepth 1 -maxdepth 1 ! -name .lock ! -name networks | wc -l) state files" \
        "(the default network stays, as Docker's bridge does)," \
        "$(find "$MINICTR_ROOT/containers" -mindepth 1 -maxdepth 1 | wc -l) container directories"
}

# ---- through the drivers: ctr run --rm, podman run --rm -------------------

drivers_bench() {
    local RUNS=$DRIVER_RUNS ROUNDS=$DRIVER_ROUNDS round ctr ctr_oci pod files_c=() files_p=()
    say "busybox 'true' through containerd and podman: ctr run --rm, podman run --rm --network none; $RUNS runs each in $ROUNDS round(s)${GAP:+, $GAP s apart} (load: $(bench_load))"
    # The same container each time, removed by --rm before the next;
    # a relative cgroup, which the runtime makes below our own.
    ctr="${CTR[*]} run --rm --cgroup minictr-bench-ctr/mb-drv busybox:latest mb-drv true"
    ctr_oci="${CTR[*]} run --rm --runc-binary $MINICTR-oci --cgroup minictr-bench-ctr/mb-drv busybox:latest mb-drv true"
    # tests/minictr-oci-drivers.bats' flags: no network of podman's; this
    # host's hard RLIMIT_NOFILE is below podman's default, and raising it
    # needs CAP_SYS_RESOURCE, which the bounding set lacks here.
    pod="run --rm --network none --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --cgroup-parent /$POD_CG localhost/busybox:latest true"
    : >"$OUT/hyperfine-drivers.txt"
    rm -f "$OUT"/drivers-*.json
    for ((round = 1; round <= ROUNDS; round++)); do
        race drivers ctr "$round" \
            "runc (default)" "$ctr" \
            "minictr-oci" "$ctr_oci"
        race drivers pod "$round" \
            "minictr-oci" \
            "${PODMAN[*]} --runtime $MINICTR-oci $pod" \
            "runc" "${PODMAN[*]} --runtime runc $pod"
        # crun refuses a hybrid host: podman, conmon and crun in
        # bench/cgv1.sh's view; minictr-oci there too, to show what the
        # view itself costs.
        BENCH_RUNS=$RUNS BENCH_ROUNDS=$ROUNDS bench/cgv1.sh bench/life.sh __race drivers v1 \
            "$round" \
            "crun (v1 view)" \
            "${PODMAN[*]} --runtime crun $pod" \
            "minictr-oci (v1 view)" \
            "${PODMAN[*]} --runtime $MINICTR-oci $pod"
        files_c+=("$OUT/drivers-ctr-$round.json")
        files_p+=("$OUT/drivers-pod-$round.json" "$OUT/drivers-v1-$round.json")
    done
    "$PY" bench/measure.py merge --order=minictr-oci \
        "$OUT/life-drivers-ctr.json" "${files_c[@]}"
    "$PY" bench/measure.py merge --order=minictr-oci,crun \
        "$OUT/life-drivers-podman.json" "${files_p[@]}"
    echo "load after: $(bench_load)"
    echo "ctr run --rm [--runc-binary bin/minictr-oci] busybox:latest ID true"
    "$PY" bench/measure.py table "$OUT/life-drivers-ctr.json" minictr-oci
    echo "podman run --rm --network none --runtime RUNTIME busybox true"
    "$PY" bench/measure.py table "$OUT/life-drivers-podman.json" minictr-oci
}

main() {
    local what=${1:-all}
    if [ "$what" = __race ]; then # crun's share, in bench/cgv1.sh's view
        shift
        race "$@"
        return
    fi
    case $what in
        all | exec | cycle | monitor | idle | drivers) ;;
        *) echo "usage: bench/life.sh [exec|cycle|monitor|idle|drivers]" >&2; exit 2 ;;
    esac
    if [ "$(id -u)" -ne 0 ]; then
        echo "bench: needs root (namespaces, cgroups, the runtimes)" >&2
        exit 1
    fi
    rootfs-scripts/install-deps.sh --bench
    [ -x "$MINICTR" ] || make bin/minictr
    [ -x "$IMG/bin/true" ] || make images
    mkdir -p "$OUT"
    bench_state_dir "$OUT"
    runtimes
    trap life_cleanup EXIT
    "$MINICTR" ps -aq | xargs -r "$MINICTR" rm -f >/dev/null
    "$MINICTR" rmi busybox >/dev/null 2>&1 || true
    "$MINICTR" import "$IMG" busybox >/dev/null
    bundles
    case $what in all | cycle | monitor | drivers) containerd_up ;; esac
    case $what in all | drivers) podman_up ;; esac
    {
        echo "minictr life bench, $(date -u +%FT%TZ), $(uname -r), $(nproc) cpus"
        echo "$(crun --version | head -n1); $(runc --version | head -n1);" \
            "conmon $(conmon --version | awk 'NR == 1 { print $3 }');" \
            "containerd $(containerd --version | awk '{ print $3 }');" \
            "$(hyperfine --version); $(podman --version)"
        case $what in
            all) exec_bench; cycle_bench; monitor_bench; idle_bench; drivers_bench ;;
            exec) exec_bench ;;
            cycle) cycle_bench ;;
            monitor) monitor_bench ;;
            idle) idle_bench ;;
            drivers) drivers_bench ;;
        esac
    } 2>&1 | tee "$OUT/life-$what.txt"
}

main "$@"
