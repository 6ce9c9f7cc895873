#!/usr/bin/env bats
# minictr run: every test checks kernel state from inside (the probe) or
# from the host (/proc, cgroup files, mountinfo), and that nothing is left.

load lib/common
bats_require_minimum_version 1.5.0 # run -127

setup_file() {
    export MINICTR_ROOT=$BATS_FILE_TMPDIR/lib
    export MINICTR_STATE=$BATS_FILE_TMPDIR/state
    "$BIN/minictr" import "$IMAGE" busybox >/dev/null
}

setup() {
    need_root
    MC=$BIN/minictr
}

# Nothing of ours may remain after a test: no cgroup, no mount below our
# directories, no container directory or record of a --rm container.
teardown() {
    run leftover_cgroups
    assert_output ""
    run mounts_below "$MINICTR_ROOT"
    assert_output ""
}

# The host pid of a container's PID 1, from its record (empty until known).
container_pid() {
    "$MC" inspect "$1" 2>/dev/null | sed -n 's/^ *"pid": *\([1-9][0-9]*\).*/\1/p'
}

# Wait until container NAME runs in its cgroups; print its host pid.
wait_for_container() {
    local pid
    for _ in $(seq 100); do
        pid=$(container_pid "$1")
        if [ -n "$pid" ] && grep -q minictr- /proc/$pid/cgroup 2>/dev/null; then
            echo "$pid"
            return 0
        fi
        sleep 0.05
    done
    return 1
}

no_containers_left() {
    run find "$MINICTR_ROOT/containers" -mindepth 1 -maxdepth 1
    assert_output ""
    run find "$MINICTR_STATE" -name '*.json'
    assert_output ""
}

@test "run: every namespace but user and time is new; the command is PID 1" {
    run "$MC" run --rm busybox probe
    assert_success
    assert_line "pid=1"
    for ns in uts pid mnt ipc net cgroup; do
        host=$(stat -L -c %i /proc/self/ns/$ns)
        inside=$(probe_get "ns.$ns" "$output")
        [ -n "$inside" ] && [ "$inside" != "$host" ] ||
            fail "ns $ns: inside $inside, host $host"
    done
    [ "$(probe_get ns.user "$output")" = "$(stat -L -c %i /proc/self/ns/user)" ]
    no_containers_left
}

@test "run: the root is the overlay and the host's root is gone" {
    run "$MC" run --rm busybox probe mounts
    assert_success
    assert_line --regexp '^mount=/ overlay '
    refute_line --regexp "^mount=/work"
    assert_line --regexp '^mount=/dev tmpfs '
    assert_line --regexp '^mount=/dev/pts devpts '
    assert_line --regexp '^mount=/sys sysfs ro,'
    assert_line --regexp '^mount=/proc/sys proc ro,'
}

@test "run: Docker's default capabilities, no_new_privs and seccomp" {
    run "$MC" run --rm busybox probe caps
    assert_success
    # CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP
    # NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP
    assert_line "cap_bnd=00000000a80425fb"
    assert_line "cap_eff=00000000a80425fb"
    assert_line "cap_inh=0000000000000000"
    assert_line "no_new_privs=1"
    assert_line "seccomp=2"
}

@test "run: --cap-add, --cap-drop and --security-opt change what is kept" {
    run "$MC" run --rm --cap-add NET_ADMIN --cap-drop CHOWN busybox probe caps
    assert_success
    # + NET_ADMIN (bit 12), - CHOWN (bit 0)
    assert_line "cap_bnd=00000000a80435fa"
    run "$MC" run --rm --cap-drop ALL busybox probe caps
    assert_line "cap_bnd=0000000000000000"
    run "$MC" run --rm --security-opt seccomp=unconfined busybox probe caps
    assert_line "seccomp=0"
    run "$MC" run --rm --security-opt no-new-privileges=false busybox probe caps
    assert_line "no_new_privs=0"
    assert_line "seccomp=2"
}

@test "run: calls Docker's profile blocks fail with EPERM" {
    for call in keyctl add_key unshare userns mount umount pivot_root bpf \
        perf_event_open userfaultfd kexec_load init_module swapon setns \
        tiocsti tiocsti64 reboot; do
        run "$MC" run --rm busybox probe syscall "$call"
        assert_output "$call=EPERM"
    done
    # clone3 carries its flags in memory a filter cannot read: ENOSYS makes
    # libc fall back to clone, whose flags the filter checks
    run "$MC" run --rm busybox probe syscall clone3
    assert_output "clone3=ENOSYS"
}

@test "run: device nodes for the host's disks cannot be opened inside" {
    # The root disk, and loop0: a block device host root can open here (a
    # control: the root disk may refuse even host root, as on this build VM).
    disk=$(stat -c '%d' /)
    devs=("$((disk >> 8)) $((disk & 255))")
    mknod "$BATS_TEST_TMPDIR/loop" b 7 0
    run "$PROBE" open "$BATS_TEST_TMPDIR/loop"
    [ "$output" = "open=OK" ] && devs+=("7 0")
    for dev in "${devs[@]}"; do
        # The device cgroup refuses the node (mknod) or, if made, its open.
        run "$MC" run --rm busybox sh -c "probe mknod /tmp/disk b $dev; probe open /tmp/disk"
        assert_line --regexp '^(mknod|open)=EPERM$'
        refute_line "open=OK"
    done
    run "$MC" run --rm busybox probe open /dev/null
    assert_output "open=OK"
}

@test "run: no inherited file descriptor reaches the command" {
    exec 7</etc/hostname
    run "$MC" run --rm busybox probe fds
    exec 7<&-
    assert_success
    assert_output "fds=0,1,2"
}

@test "run: --memory, --cpus, --pids-limit are written to the cgroup" {
    "$MC" run --name limits --memory 64m --cpus 0.5 --pids-limit 32 \
        busybox sleep 30 &
    runner=$!
    pid=$(wait_for_container limits)
    cgroups=$(cat /proc/$pid/cgroup)
    if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
        dir=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/$pid/cgroup)
        mem=$(cat $dir/memory.max) cpu=$(cat $dir/cpu.max) pids=$(cat $dir/pids.max)
    else
        path() { printf '%s\n' "$cgroups" | awk -F: -v c="$1" '$2 ~ "(^|,)" c "(,|$)" {print $3}'; }
        mem=$(cat /sys/fs/cgroup/memory$(path memory)/memory.limit_in_bytes)
        cpu="$(cat /sys/fs/cgroup/cpu$(path cpu)/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu$(path cpu)/cpu.cfs_period_us)"
        pids=$(cat /sys/fs/cgroup/pids$(path pids)/pids.max)
    fi
    kill -KILL "$pid"
    wait "$runner" || true
    "$MC" rm limits >/dev/null
    [[ "$cgroups" == *minictr-* ]] || fail "not in a minictr cgroup: $cgroups"
    [ "$mem" = 67108864 ]
    [ "$cpu" = "50000 100000" ]
    [ "$pids" = 32 ]
}

@test "run: a memory hog is OOM-killed at --memory: exit 137" {
    run "$MC" run --rm --memory 32m busybox sh -c 'x=$(head -c 100m /dev/zero | tr "\0" x); echo survived'
    assert_failure 137
    refute_output --partial survived
    assert_output --partial "OOM killer"
    no_containers_left
}

@test "run: --pids-limit holds: forks beyond it fail, the rest runs on" {
    # 12 background sleeps under a limit of 8 processes (sh is one):
    # fork fails with EAGAIN from the 8th on; the shell itself goes on.
    # 12 background sleeps (each left behind by a short-lived sh) under a
    # limit of 8 processes: the forks past the limit fail with EAGAIN, and
    # the shell itself goes on.
    run "$MC" run --rm --pids-limit 8 busybox sh -c \
        'i=0; while [ $i -lt 12 ]; do sh -c "sleep 1 &" 2>/dev/null || echo fail; i=$((i+1)); done; echo done'
    assert_success
    assert_line done
    fails=$(grep -c '^fail$' <<<"$output")
    [ "$fails" -ge 4 ] || fail "only $fails forks failed: $output"
}

@test "run: -v mounts are visible and :ro is read-only" {
    mkdir -p "$BATS_TEST_TMPDIR/vol"
    echo hello > "$BATS_TEST_TMPDIR/vol/file"
    run "$MC" run --rm -v "$BATS_TEST_TMPDIR/vol:/data" busybox sh -c 'cat /data/file; echo new > /data/new'
    assert_success
    assert_output hello
    assert_file_exists "$BATS_TEST_TMPDIR/vol/new"
    run "$MC" run --rm -v "$BATS_TEST_TMPDIR/vol:/data:ro" busybox probe write /data/file
    assert_output "write=EROFS"
    [ "$(cat "$BATS_TEST_TMPDIR/vol/file")" = hello ]
}

@test "run: a volume target behind a symlink in the image is refused" {
    mkdir -p "$BATS_TEST_TMPDIR/img" "$BATS_TEST_TMPDIR/vol" "$BATS_TEST_TMPDIR/victim"
    cp -a "$IMAGE/." "$BATS_TEST_TMPDIR/img/"
    ln -s "$BATS_TEST_TMPDIR/victim" "$BATS_TEST_TMPDIR/img/data"
    run "$MC" run --rm -v "$BATS_TEST_TMPDIR/vol:/data/x" --rootfs "$BATS_TEST_TMPDIR/img" probe
    assert_failure 125
    assert_output --partial "symlink"
    run ls -A "$BATS_TEST_TMPDIR/victim"
    assert_output ""
}

@test "run: --read-only root refuses writes; /dev/shm still works" {
    run "$MC" run --rm --read-only busybox sh -c 'probe write /etc/passwd; touch /newfile 2>&1; echo x > /dev/shm/ok && echo shm-ok'
    assert_line "write=EROFS"
    assert_line --partial "Read-only file system"
    assert_line shm-ok
}

@test "run: two containers from one image do not see each other's writes; the image is unchanged" {
    # the image's one layer, where the store keeps it (layers/DIFF_ID)
    rootfs=$("$MC" image inspect busybox | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["GraphDriver"]["Data"]["LowerDir"])')
    [ -d "$rootfs" ] && [ -x "$rootfs/bin/busybox" ]
    before=$(find "$rootfs" -printf '%p %s %m %T@\n' | sort | sha256sum)
    "$MC" run --name one busybox sh -c 'echo one > /etc/one; rm /bin/ls'
    run "$MC" run --rm busybox sh -c 'test -e /etc/one && echo sees-one; ls /bin/ls'
    assert_success
    refute_line sees-one
    assert_line /bin/ls
    # the first container's change is in its upper dir, as a file and a whiteout
    dir=$(ls -d "$MINICTR_ROOT"/containers/*/)
    [ "$(cat "$dir/upper/etc/one")" = one ]
    [ "$(stat -c %t:%T "$dir/upper/bin/ls")" = 0:0 ]
    after=$(find "$rootfs" -printf '%p %s %m %T@\n' | sort | sha256sum)
    [ "$before" = "$after" ]
    "$MC" rm one
    no_containers_left
}

@test "run: exit status and signals are passed on" {
    run "$MC" run --rm busybox sh -c 'exit 7'
    assert_failure 7
    run "$MC" run --rm --init busybox sh -c 'kill -TERM $$'
    assert_failure 143
}

@test "run: --init reaps orphaned zombies and forwards signals" {
    run "$MC" run --rm --init busybox sh -c '(sleep 0.2 &); sleep 1; grep -l "^State:.*Z" /proc/[0-9]*/status | wc -l; ps -o pid,comm | head -3'
    assert_success
    assert_line --index 0 "0"
    assert_line --regexp '^ *1 +minictr'
    # Ctrl-C reaches the command through init: sleep dies of SIGINT
    "$MC" run --rm --init --name sig busybox sleep 30 &
    runner=$!
    sleep 0.5
    kill -INT "$runner"
    wait "$runner" && status=0 || status=$?
    [ "$status" = 130 ] || fail "exit $status after SIGINT, not 130"
}

@test "run: -e, -w, -u, --hostname" {
    run "$MC" run --rm -e GREETING=hi -e HOME=/home/x -w /work/dir -u 1000:1000 --hostname box busybox sh -c 'echo $GREETING; pwd; hostname; probe id; probe caps; echo home=$HOME; env | grep -c ^HOME='
    assert_success
    assert_line --index 0 hi
    assert_line --index 1 /work/dir
    assert_line --index 2 box
    assert_line "uid=1000"
    assert_line "gid=1000"
    assert_line "cap_eff=0000000000000000"
    # -e replaces a default (HOME) rather than adding a second one
    assert_line "home=/home/x"
    [ "${lines[-1]}" = 1 ] || fail "HOME is set more than once"
    [ "$(hostname)" != box ]
    # without --hostname, as Docker: the short id, in $HOSTNAME too
    run "$MC" run --rm busybox sh -c 'hostname; echo $HOSTNAME'
    assert_output --regexp '^([0-9a-f]{12})'$'\n''\1$'
}

@test "run: the network namespace has only lo, and it is up" {
    run "$MC" run --rm busybox sh -c 'ls /sys/class/net; ping -c 1 -W 2 127.0.0.1 >/dev/null && echo lo-works'
    assert_success
    assert_output "lo"$'\n'"lo-works"
}

@test "run: stdin passes with -i, is /dev/null without; -t gives a terminal" {
    run bash -c "echo piped | '$MC' run --rm -i busybox cat"
    assert_output piped
    run bash -c "echo piped | '$MC' run --rm busybox cat"
    assert_output ""
    run "$MC" run --rm -t busybox tty
    assert_success
    assert_output --regexp '^/dev/pts/[0-9]+'
}

@test "run: kill -9 of minictr kills the container; rm cleans what is left" {
    "$MC" run --name victim busybox sleep 60 &
    runner=$!
    pid=$(wait_for_container victim)
    kill -KILL "$runner"
    # at once, before anyone reaped the runner: it is dead, not running
    run "$MC" ps -a
    assert_line --regexp ' Dead +victim$'
    run "$MC" rm victim
    assert_success
    wait "$runner" || true
    for _ in $(seq 100); do [ -d /proc/$pid ] || break; sleep 0.05; done
    [ ! -d /proc/$pid ] || fail "container $pid outlived its runner"
    no_containers_left
}

@test "rm: a running container is refused without -f; rm -f stops and removes it" {
    "$MC" run --rm --name spin busybox sh -c 'while :; do :; done' &
    runner=$!
    pid=$(wait_for_container spin)
    run "$MC" rm spin
    assert_failure 125
    assert_output --partial "is running"
    run "$MC" rm -f spin
    assert_success
    wait "$runner" || true
    [ ! -d /proc/$pid ]
    no_containers_left
}

@test "run: bad input gets a clear error, exit 125, and leaves nothing" {
    run "$MC" run --rm nosuchimage true
    assert_failure 125
    assert_output --partial "no image 'nosuchimage'"
    run "$MC" run --rm --memory 12QB busybox true
    assert_failure 125
    assert_output --partial "bad --memory '12QB'"
    run "$MC" run --rm --cpus -1 busybox true
    assert_failure 125
    run "$MC" run --rm --pids-limit 0 busybox true
    assert_failure 125
    run "$MC" run --rm --cap-add NOPE busybox true
    assert_failure 125
    run "$MC" run --rm -v /nonexistent/path:/x busybox true
    assert_failure 125
    assert_output --partial "'/nonexistent/path'"
    assert_output --partial ENOENT
    run "$MC" --json run --rm nosuchimage true
    assert_failure 125
    assert_output --partial '"code":"no_such_image"'
    # failures inside the container come back to minictr, as JSON too
    run -127 "$MC" --json run --rm busybox nosuchcommand
    assert_output --partial '"code":"command_not_found"'
    assert_output --partial '"errno":"ENOENT"'
    no_containers_left
}

@test "run: a command not in the image is 127, not executable is 126" {
    run -127 "$MC" run --rm busybox /no/such/command
    assert_failure 127
    assert_output --partial "ENOENT"
    run "$MC" run --rm busybox /etc/passwd
    assert_failure 126
    no_containers_left
}

@test "import: a tarball becomes an image; images and rmi list and remove it" {
    tar -C "$IMAGE" -czf "$BATS_TEST_TMPDIR/bb.tar.gz" .
    run "$MC" import "$BATS_TEST_TMPDIR/bb.tar.gz" bbtar
    assert_success
    run "$MC" run --rm bbtar probe id
    assert_line "pid=1"
    run "$MC" --json images
    assert_output --partial '"name":"bbtar"'
    run "$MC" rmi bbtar
    assert_success
    run "$MC" run --rm bbtar true
    assert_failure 125
}

@test "import: a corrupt tarball is refused and leaves no image behind" {
    head -c 20000 /dev/urandom > "$BATS_TEST_TMPDIR/bad.tar"
    layers=$(ls -A "$MINICTR_ROOT/layers")
    run "$MC" import "$BATS_TEST_TMPDIR/bad.tar" bad
    assert_failure 125
    run "$MC" images
    refute_output --partial bad
    [ "$(ls -A "$MINICTR_ROOT/layers")" = "$layers" ]
    run find "$MINICTR_ROOT/tmp" -mindepth 1
    assert_output ""
}

@test "run: without --init, Ctrl-C is passed on, and a second one kills the container" {
    # sleep as PID 1 has no SIGINT handler, so the kernel drops the first
    # (pid_namespaces(7)); the second makes minictr kill the container.
    "$MC" run --rm --name ctrlc busybox sleep 30 &
    runner=$!
    pid=$(wait_for_container ctrlc)
    kill -INT "$runner"
    sleep 0.3
    [ -d /proc/$pid ] || fail "the first SIGINT already stopped PID 1"
    kill -INT "$runner"
    wait "$runner" && status=0 || status=$?
    [ "$status" = 137 ] || fail "exit $status after two SIGINTs, not 137"
    [ ! -d /proc/$pid ]
    no_containers_left
}

@test "import: malicious tarballs are refused whole; the host is untouched" {
    canary=$BATS_TEST_TMPDIR/canary
    mkdir -p "$canary" "$BATS_TEST_TMPDIR/tars"
    echo untouched > "$canary/file"
    python3 - "$BATS_TEST_TMPDIR/tars" "$canary" <<'PY'
import io, os, sys, tarfile
out, canary = sys.argv[1:]
def make(name, entries):
    with tarfile.open(os.path.join(out, name + ".tar"), "w") as t:
        for n, kind, link in entries:
            ti = tarfile.TarInfo(n)
            ti.type, ti.linkname = kind, link
            data = b"pwned\n" if kind == tarfile.REGTYPE else b""
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
R, S, L, D = tarfile.REGTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.DIRTYPE
make("traversal", [("../../canary/pwned", R, "")])
make("absolute", [(canary + "/pwned", R, "")])
make("symlink", [("link", S, canary), ("link/pwned", R, "")])
make("hardlink", [("hl", L, canary + "/file")])
make("replace", [("d", D, ""), ("d", S, canary), ("d/pwned", R, "")])
PY
    before=$(find "$canary" -printf '%p %s %n %T@\n'; cat "$canary/file")
    for t in traversal absolute symlink hardlink replace; do
        run "$MC" import "$BATS_TEST_TMPDIR/tars/$t.tar" "evil-$t"
        assert_failure 125
        assert_output --partial "refused entry"
        ! "$MC" image inspect "evil-$t" >/dev/null 2>&1 || fail "$t: an image was made"
    done
    [ "$(find "$canary" -printf '%p %s %n %T@\n'; cat "$canary/file")" = "$before" ]
    run find "$MINICTR_ROOT/tmp" -mindepth 1
    assert_output ""
}
