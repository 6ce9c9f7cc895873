#!/usr/bin/env bats
# minictr under the real drivers of an OCI runtime: containerd (ctr, the
# runc v2 shim, --runc-binary bin/minictr-oci) on a private socket, root
# and state, started here without systemd; and podman (conmon,
# --runtime bin/minictr-oci) with a private storage root. Each test checks
# from the host what the runtime made: the first process is the child of
# the shim or conmon, in the namespaces, cgroup, capability bounding set
# and seccomp mode its config.json (the one the driver wrote) asks for;
# exit statuses pass through; and nothing of the container is left.
# Busybox runs from a directory (`ctr run --rootfs`, `podman run
# --rootfs`): no image store, no network.

load lib/common
bats_require_minimum_version 1.5.0

setup_file() {
    export D=$BATS_FILE_TMPDIR
    export NS=minictr-drv-$$ CGP=minictr-podtest-$$
    export MC=$ROOT/bin/minictr-oci
    : >"$D/skip"
    if [ "$(id -u)" -ne 0 ]; then
        echo "needs root" >"$D/skip"
        return 0
    fi
    # bats 1.8 fails a file whose setup_file skips: say why, skip in setup.
    command -v containerd >/dev/null && command -v ctr >/dev/null &&
        command -v containerd-shim-runc-v2 >/dev/null ||
        echo "needs containerd (Debian package containerd)" >"$D/ctrd.skip"
    command -v podman >/dev/null && command -v conmon >/dev/null ||
        echo "needs podman and conmon (Debian packages podman, conmon)" >"$D/podman.skip"
    [ -e "$D/ctrd.skip" ] || start_containerd
}

# What a failed test left: its containers, through the drivers.
remove_all() {
    local c
    if [ -f "$D/containerd.pid" ]; then
        for c in $(ctr_ c ls -q 2>/dev/null); do
            ctr_ task kill -s KILL "$c" >/dev/null 2>&1 || true
            ctr_ task delete -f "$c" >/dev/null 2>&1 || true
            ctr_ c delete "$c" >/dev/null 2>&1 || true
        done
    fi
    if [ ! -e "$D/podman.skip" ] && [ -d "$D/podman" ]; then
        podman_ rm -af -t 0 >/dev/null 2>&1 || true
    fi
}

teardown() {
    remove_all
}

teardown_file() {
    remove_all
    if [ -f "$D/containerd.pid" ]; then
        kill "$(cat "$D/containerd.pid")" 2>/dev/null || true
        wait_gone "$(cat "$D/containerd.pid")" 10
        rm -rf "/run/containerd/runc/$NS" "/run/containerd/io.containerd.runtime.v2.task/$NS"
    fi
    # podman's own cgroups (conmon's) below our --cgroup-parent: a conmon
    # may take a moment to exit after rm
    for _ in $(seq 50); do
        find /sys/fs/cgroup -depth -type d -path "*/$CGP*" -exec rmdir {} + 2>/dev/null
        [ -z "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$CGP")" ] && break
        sleep 0.1
    done
}

setup() {
    [ ! -s "$D/skip" ] || skip "$(cat "$D/skip")"
    need_cmd jq
}

start_containerd() {
    mkdir -p "$D/ctrd"
    cat >"$D/ctrd/config.toml" <<EOF
version = 2
root = "$D/ctrd/root"
state = "$D/ctrd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$D/ctrd/sock"
[ttrpc]
  address = "$D/ctrd/sock.ttrpc"
[debug]
  address = "$D/ctrd/debug.sock"
EOF
    # Its own session, stdio to a file: nothing of bats' (its fd 3 above
    # all) may stay open in a daemon that outlives a test.
    setsid containerd --config "$D/ctrd/config.toml" </dev/null >"$D/ctrd/log" 2>&1 3>&- &
    echo $! >"$D/containerd.pid"
    for _ in $(seq 100); do
        ctr_ version >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "containerd did not start: $(tail -n 3 "$D/ctrd/log")" >"$D/ctrd.skip"
}

ctr_() {
    ctr --address "$D/ctrd/sock" -n "$NS" "$@"
}

podman_() {
    podman --root "$D/podman/root" --runroot "$D/podman/run" --tmpdir "$D/podman/tmp" \
        --storage-driver vfs --cgroup-manager cgroupfs --events-backend file \
        --runtime "$MC" "$@"
}

# podman run's flags for every test: no network of podman's; this host's
# hard RLIMIT_NOFILE is below podman's default 1048576 and raising it needs
# CAP_SYS_RESOURCE, which the host's bounding set may lack (runc fails the
# same way there); our own cgroup parent, to find and remove.
podman_run_flags() {
    PODMAN_RUN=(--network none --ulimit nofile=4096:4096 --ulimit nproc=4096:4096
        --cgroup-parent "/$CGP")
}

need_ctrd() {
    [ ! -e "$D/ctrd.skip" ] || skip "$(cat "$D/ctrd.skip")"
}

need_podman() {
    [ ! -e "$D/podman.skip" ] || skip "$(cat "$D/podman.skip")"
    mkdir -p "$D/podman"
    podman_run_flags
}

rootfs() { # NAME: a busybox root of its own
    cp -a "$IMAGE" "$D/rootfs-$1"
    echo "$D/rootfs-$1"
}

wait_gone() { # PID SECONDS
    local i
    for ((i = 0; i < $2 * 20; i++)); do
        [ -d "/proc/$1" ] || return 0
        sleep 0.05
    done
    return 1
}

status_field() { # PID FIELD: a line of /proc/PID/status, tabs kept
    sed -n "s/^$2:[[:space:]]*//; T; s/[[:space:]]*\$//; p" "/proc/$1/status"
}

# The process PID against config.json FILE, from the host: its parent's
# name is PARENT; each namespace the config asks to be new is not the
# host's (one it joins by path is that one's); the capability bounding set
# is the config's; seccomp filters when the config has a profile; its
# cgroup ends with the config's cgroupsPath (or holds the id in it).
matches_config() {
    local pid=$1 cfg=$2 parent=$3 type path proc want got cgp
    assert_equal "$(cat "/proc/$(status_field "$pid" PPid)/comm")" "$parent"
    while read -r type path; do
        case $type in
        mount) proc=mnt ;;
        network) proc=net ;;
        *) proc=$type ;;
        esac
        got=$(stat -L -c %i "/proc/$pid/ns/$proc")
        if [ -n "$path" ]; then
            assert_equal "$got" "$(stat -L -c %i "$path")"
        else
            [ "$got" != "$(stat -L -c %i "/proc/self/ns/$proc")" ] || fail "$type: the host's namespace"
        fi
    done < <(jq -r '.linux.namespaces[] | "\(.type) \(.path // "")"' "$cfg")
    want=$(jq -r '.process.capabilities.bounding[] | ascii_downcase' "$cfg" | sort | paste -sd,)
    got=$(capsh --decode="$(status_field "$pid" CapBnd)" | sed 's/^0x[0-9a-f]*=//' | tr , '\n' | sort | paste -sd,)
    assert_equal "$got" "$want"
    if jq -e '.linux.seccomp' "$cfg" >/dev/null; then
        assert_equal "$(status_field "$pid" Seccomp)" 2
    fi
    cgp=$(jq -r '.linux.cgroupsPath' "$cfg")
    cgp=${cgp%%:*} # podman's cgroupfs paths have no colon; systemd's do
    grep -q -- "$cgp\$" "/proc/$pid/cgroup" || fail "not in $cgp: $(cat "/proc/$pid/cgroup")"
}

# The freezer state of PID's cgroup: FROZEN when the v1 freezer or the
# cgroup2 one (a hybrid host has both; minictr uses cgroup2's where it can)
# says so, else THAWED.
freezer_state() {
    local p d
    p=$(awk -F: '$2 == "freezer" { print $3 }' "/proc/$1/cgroup")
    if [ -n "$p" ] && grep -qx FROZEN "/sys/fs/cgroup/freezer$p/freezer.state" 2>/dev/null; then
        echo FROZEN
        return
    fi
    p=$(sed -n 's/^0:://p' "/proc/$1/cgroup")
    for d in /sys/fs/cgroup/unified /sys/fs/cgroup; do
        if [ -n "$p" ] && grep -qx 'frozen 1' "$d$p/cgroup.events" 2>/dev/null; then
            echo FROZEN
            return
        fi
    done
    echo THAWED
}

# ---- containerd ---------------------------------------------------------

@test "containerd: ctr run -d on minictr: the shim's child, as config.json says; exec, ps, pause, resume, kill, delete; nothing left" {
    need_ctrd
    need_cmd capsh
    r=$(rootfs c1)
    ctr_ run -d --seccomp --runc-binary "$MC" --rootfs "$r" c1 sleep 1000
    pid=$(ctr_ task ls | awk '$1 == "c1" { print $2 }')
    [ -n "$pid" ] && [ "$pid" -gt 0 ]
    cfg=$D/ctrd/state/io.containerd.runtime.v2.task/$NS/c1/config.json
    matches_config "$pid" "$cfg" containerd-shim
    # our record, under the root the shim gave (--root /run/containerd/runc/NS)
    assert_equal "$("$MC" --root "/run/containerd/runc/$NS" state c1 | jq -r '.status, .pid' | paste -sd' ')" "running $pid"
    # exec: in the container's pid namespace, its status back through ctr
    run -4 ctr_ task exec --exec-id e1 c1 sh -c 'readlink /proc/1/ns/pid; exit 4'
    assert_output "$(readlink "/proc/$pid/ns/pid")"
    run ctr_ task ps c1
    assert_success
    assert_line --regexp "^$pid "
    ctr_ task pause c1
    assert_equal "$(ctr_ task ls | awk '$1 == "c1" { print $3 }')" PAUSED
    assert_equal "$(freezer_state "$pid")" FROZEN
    ctr_ task resume c1
    assert_equal "$(freezer_state "$pid")" THAWED
    ctr_ task kill -s KILL c1
    for _ in $(seq 100); do
        [ "$(ctr_ task ls | awk '$1 == "c1" { print $3 }')" = STOPPED ] && break
        sleep 0.05
    done
    assert_equal "$(ctr_ task ls | awk '$1 == "c1" { print $3 }')" STOPPED
    ctr_ task delete c1
    ctr_ c delete c1
    wait_gone "$pid" 5
    [ ! -e "/run/containerd/runc/$NS/c1" ] || fail "our record is left"
    run find /sys/fs/cgroup -maxdepth 3 -type d -name "$NS"
    assert_output ""
}

@test "containerd: ctr run --rm passes the output and exit status through, with a terminal (-t) too" {
    need_ctrd
    need_cmd script
    r=$(rootfs c2)
    run -3 ctr_ run --rm --runc-binary "$MC" --rootfs "$r" c2 sh -c 'echo hello; exit 3'
    assert_output hello
    # -t: the shim's --console-socket; ctr needs a terminal of its own
    run -5 script -qec "ctr --address '$D/ctrd/sock' -n '$NS' run --rm -t --runc-binary '$MC' --rootfs '$r' c3 sh -c 'tty; exit 5'" /dev/null </dev/null
    assert_output --partial /dev/pts/0
    run ctr_ c ls -q
    assert_output ""
    [ -z "$(ls -A "/run/containerd/runc/$NS" 2>/dev/null)" ] || fail "records left: $(ls "/run/containerd/runc/$NS")"
}

@test "containerd: a failed create reaches ctr as 'OCI runtime create failed' with our message (the --log JSON line), and nothing is left" {
    need_ctrd
    r=$(rootfs c4)
    run ctr_ run --rm --runc-binary "$MC" --rootfs "$r" c4 /nonexistent
    assert_failure
    assert_output --partial "OCI runtime create failed: exec '/nonexistent' in the container failed: ENOENT"
    run ctr_ c ls -q
    assert_output ""
    [ -z "$(ls -A "/run/containerd/runc/$NS" 2>/dev/null)" ] || fail "records left: $(ls "/run/containerd/runc/$NS")"
    run find /sys/fs/cgroup -maxdepth 3 -type d -name "$NS"
    assert_output ""
}

# ---- podman -------------------------------------------------------------

@test "podman: run --rm passes the exit status through; a command not found is 127, one that cannot run 126" {
    need_podman
    r=$(rootfs p0)
    run -6 podman_ run --rm "${PODMAN_RUN[@]}" --rootfs "$r" sh -c 'echo hi; exit 6'
    assert_output hi
    run -127 podman_ run --rm "${PODMAN_RUN[@]}" --rootfs "$r" /nonexistent
    assert_output --partial "exec '/nonexistent' in the container failed: ENOENT"
    run -126 podman_ run --rm "${PODMAN_RUN[@]}" --rootfs "$r" /etc/passwd
    assert_output --partial "EACCES"
    run podman_ ps -aq
    assert_output ""
}

@test "podman: run -d on minictr: conmon's child, as config.json says; exec, pause, unpause, stop, rm; nothing left" {
    need_podman
    need_cmd capsh
    r=$(rootfs p1)
    podman_ run -d --name p1 "${PODMAN_RUN[@]}" --rootfs "$r" sleep 1000 >/dev/null
    pid=$(podman_ inspect -f '{{.State.Pid}}' p1)
    cfg=$(podman_ inspect -f '{{.OCIConfigPath}}' p1)
    [ -n "$pid" ] && [ "$pid" -gt 0 ] && [ -f "$cfg" ]
    matches_config "$pid" "$cfg" conmon
    run -3 podman_ exec p1 sh -c 'readlink /proc/1/ns/pid; exit 3'
    assert_output "$(readlink "/proc/$pid/ns/pid")"
    run podman_ exec -t p1 tty
    assert_success
    assert_output --partial /dev/pts/
    podman_ pause p1
    assert_equal "$(podman_ inspect -f '{{.State.Status}}' p1)" paused
    assert_equal "$(freezer_state "$pid")" FROZEN
    podman_ unpause p1
    assert_equal "$(freezer_state "$pid")" THAWED
    # stop: 15, then 9 after the timeout (sleep, PID 1, ignores 15)
    podman_ stop -t 1 p1
    assert_equal "$(podman_ inspect -f '{{.State.ExitCode}}' p1)" 137
    wait_gone "$pid" 5
    podman_ rm p1
    run podman_ ps -aq
    assert_output ""
    run find /sys/fs/cgroup -maxdepth 3 -type d -name "libpod-*" -path "*/$CGP/*"
    assert_output ""
}
