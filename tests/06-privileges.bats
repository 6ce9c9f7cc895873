#!/usr/bin/env bats
# 06-privileges: privbox ROOTFS CMD... — step 05's container plus Docker's
# default capabilities (bounding set too), no_new_privs, a seccomp filter,
# a device cgroup, no inherited fds and a new session. Each fact is read
# from the kernel inside (probe, /proc/self/status); each escape route is
# tried and must fail; the host is checked for leftovers.

load lib/common
bats_require_minimum_version 1.5.0

# The tests run on a copy of the image of this file's own: a privbox that
# writes into its ROOTFS (a student's, a mutant in labs/mutants.sh) changes
# only the copy, and each test's teardown sees it. The built image may be
# in use by another test run at the same time.
setup_file() {
    [ -d "$IMAGE" ] || return 0 # the tests say why they skip
    cp -a "$IMAGE" "$BATS_FILE_TMPDIR/image"
    IMAGE=$BATS_FILE_TMPDIR/image image_listing > "$BATS_FILE_TMPDIR/image.listing"
}

setup() {
    need_root
    [ -d "$IMAGE" ] || skip "no image at $IMAGE (make images)"
    IMAGE=$BATS_FILE_TMPDIR/image
    # privbox through a wrapper that writes down its pid before it execs
    # (so the pid is privbox's own): the cgroups privbox names after its
    # pid are then known to be this test's, whatever else runs on the
    # machine.
    PRIVBOX=$BATS_TEST_TMPDIR/privbox
    printf '#!/bin/sh\necho $$ >> "%s"\nexec "%s" "$@"\n' \
        "$BATS_TEST_TMPDIR/privbox.pids" "$(tool privbox)" > "$PRIVBOX"
    chmod +x "$PRIVBOX"
    REAL_IMAGE=$(realpath "$IMAGE")
    # The host's root disk, as major:minor (this machine: 254:0, /dev/vda).
    ROOT_DEV=$(awk '$5 == "/" { print $3 }' /proc/self/mountinfo | tail -n 1)
}

# Every file of the image, with type, mode and size: a run must not
# change it.
image_listing() {
    find "$IMAGE" -printf '%y %m %s %P\n' | LC_ALL=C sort
}

# The cgroups this test's privbox runs made (v1 .../devices/.../
# minictr-privbox-PID, v2 .../minictr/privbox-PID): another privbox on the
# machine, another test run's, is not ours to judge.
our_cgroups() {
    local pids
    pids=$(tr '\n' '|' 2>/dev/null < "$BATS_TEST_TMPDIR/privbox.pids") || true
    [ -n "$pids" ] || return 0
    find /sys/fs/cgroup -maxdepth 7 -type d -name '*privbox-*' 2>/dev/null |
        grep minictr | grep -E -- "-(${pids%|})\$" || true
}

# The image directory's path inside its filesystem: what mountinfo shows as
# the root (4th field) of a bind mount of it. The mount that holds the
# image is the one with the longest mount point above it.
image_fs_path() {
    awk -v p="$REAL_IMAGE" '
        $5 == "/" || p == $5 || index(p, $5 "/") == 1 {
            if (length($5) >= best) { best = length($5); root = $4; mp = $5 }
        }
        END {
            rest = mp == "/" ? p : substr(p, length(mp) + 1)
            path = (root == "/" ? "" : root) rest
            print path == "" ? "/" : path
        }' /proc/self/mountinfo
}

# Nothing stays mounted on the host, no cgroup of ours is left, and the
# image is as it was copied.
teardown() {
    [ -n "${REAL_IMAGE:-}" ] || return 0
    [ -z "$(mounts_below "$REAL_IMAGE")" ]
    [ -z "$(our_cgroups)" ]
    diff "$BATS_FILE_TMPDIR/image.listing" <(image_listing)
}

# The capability mask of Docker's defaults, computed from the numbers in
# linux/capability.h: CHOWN 0, DAC_OVERRIDE 1, FOWNER 3, FSETID 4, KILL 5,
# SETGID 6, SETUID 7, SETPCAP 8, NET_BIND_SERVICE 10, NET_RAW 13,
# SYS_CHROOT 18, MKNOD 27, AUDIT_WRITE 29, SETFCAP 31.
docker_caps() {
    local mask=0 cap
    for cap in 0 1 3 4 5 6 7 8 10 13 18 27 29 31 "$@"; do
        mask=$((mask | (1 << cap)))
    done
    printf '%016x\n' "$mask"
}

@test "privbox: --help prints usage and exits 0" {
    run "$PRIVBOX" --help
    assert_success
    assert_output --partial "usage: privbox"
}

@test "privbox: an unknown flag is a usage error (exit 2)" {
    run "$PRIVBOX" --frobnicate "$IMAGE" /bin/true
    assert_failure 2
    assert_output --partial "try 'privbox --help'"
}

# bats test_tags=lab:06-1
@test "privbox: the capability sets are exactly Docker's defaults" {
    want=$(docker_caps)
    run "$PRIVBOX" "$IMAGE" /usr/bin/probe caps
    assert_success
    assert_equal "$(probe_get cap_bnd "$output")" "$want"
    assert_equal "$(probe_get cap_eff "$output")" "$want"
    assert_equal "$(probe_get cap_prm "$output")" "$want"
    assert_equal "$(probe_get cap_inh "$output")" 0000000000000000
    # The same from the kernel's own report, with the ambient set.
    run "$PRIVBOX" "$IMAGE" /bin/cat /proc/self/status
    assert_success
    assert_line --regexp "^CapBnd:[[:space:]]+$want\$"
    assert_line --regexp "^CapEff:[[:space:]]+$want\$"
    assert_line --regexp "^CapInh:[[:space:]]+0+\$"
    assert_line --regexp "^CapAmb:[[:space:]]+0+\$"
    # A host root process has many more: the drop is privbox's doing.
    [ "$(probe_get cap_bnd "$($PROBE caps)")" != "$want" ]
}

@test "privbox: inherited inheritable and ambient capabilities do not reach the command" {
    need_cmd setpriv
    # Started with CAP_SYS_ADMIN in its inheritable and ambient sets (as a
    # launcher might leave them), privbox must clear both: at exec, root
    # gets its inheritable set on top of the bounding set, so dropping the
    # bounding set alone would hand CAP_SYS_ADMIN (21) back.
    local caps=--inh-caps=+sys_admin,+sys_module
    run setpriv "$caps" --ambient-caps=+sys_admin,+sys_module /bin/cat /proc/self/status
    assert_success
    assert_line --regexp "^CapAmb:[[:space:]]+0+210000\$" # the control: 21 and 16 are there
    want=$(docker_caps)
    run setpriv "$caps" --ambient-caps=+sys_admin,+sys_module \
        "$PRIVBOX" "$IMAGE" /bin/cat /proc/self/status
    assert_success
    assert_line --regexp "^CapInh:[[:space:]]+0+\$"
    assert_line --regexp "^CapPrm:[[:space:]]+$want\$"
    assert_line --regexp "^CapEff:[[:space:]]+$want\$"
    assert_line --regexp "^CapBnd:[[:space:]]+$want\$"
    assert_line --regexp "^CapAmb:[[:space:]]+0+\$"
}

# bats test_tags=lab:06-2,lab:06-3
@test "privbox: no_new_privs is set and a seccomp filter is loaded" {
    run "$PRIVBOX" "$IMAGE" /usr/bin/probe caps
    assert_success
    assert_equal "$(probe_get no_new_privs "$output")" 1
    assert_equal "$(probe_get seccomp "$output")" 2
    run "$PRIVBOX" "$IMAGE" /bin/cat /proc/self/status
    assert_line --regexp "^NoNewPrivs:[[:space:]]+1\$"
    assert_line --regexp "^Seccomp:[[:space:]]+2\$"
}

# fake_kernel CMD...: run CMD under a seccomp filter (loaded with root's
# CAP_SYS_ADMIN) that makes PR_SET_NO_NEW_PRIVS and loading a seccomp filter
# return 0 and do nothing: a kernel, or a security module, that quietly
# ignores them. x86_64 only (the filter checks the call numbers of that
# architecture).
fake_kernel() {
    python3 - "$@" <<'PY'
import ctypes, os, struct, sys
ALLOW, FAKE = 0x7fff0000, 0x00050000  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | 0
LD, JEQ, RET = 0x20, 0x15, 0x06       # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_RET|K
prog = [
    (LD, 0, 0, 4),                # arch
    (JEQ, 0, 8, 0xc000003e),      # not x86_64: allow
    (LD, 0, 0, 0),                # nr
    (JEQ, 0, 3, 157),             # prctl?
    (LD, 0, 0, 16),               # its option
    (JEQ, 5, 0, 38),              # PR_SET_NO_NEW_PRIVS: fake
    (JEQ, 4, 3, 22),              # PR_SET_SECCOMP: fake, else allow
    (JEQ, 0, 2, 317),             # seccomp?
    (LD, 0, 0, 16),               # its operation
    (JEQ, 1, 0, 1),               # SECCOMP_SET_MODE_FILTER: fake
    (RET, 0, 0, ALLOW),
    (RET, 0, 0, FAKE),
]
buf = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in prog))
class Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
fprog = Fprog(len(prog), ctypes.addressof(buf))
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) != 0:  # PR_SET_SECCOMP, FILTER
    sys.exit("fake_kernel: prctl PR_SET_SECCOMP: " + os.strerror(ctypes.get_errno()))
os.execv(sys.argv[1], sys.argv[1:])
PY
}

@test "privbox: a kernel that ignores no_new_privs is caught: the command never runs" {
    [ "$(uname -m)" = x86_64 ] || skip "the fake filter is written for x86_64"
    need_cmd python3
    # The control: under the fake, setting the flag "works" and does nothing.
    run fake_kernel /usr/bin/setpriv --no-new-privs /bin/grep NoNewPrivs /proc/self/status
    assert_success
    assert_output --regexp "^NoNewPrivs:[[:space:]]+0\$"
    # privbox reads the flag back, sees it is not set, and stops: without
    # no_new_privs (and here without its filter) nothing may run.
    run fake_kernel "$PRIVBOX" "$IMAGE" /usr/bin/probe caps
    assert_failure 1
    refute_output --partial "no_new_privs=" # the probe did not run
    assert_output --regexp "no_new_privs|NO_NEW_PRIVS"
}

# bats test_tags=lab:06-3
@test "privbox: blocked system calls fail with EPERM" {
    local calls="keyctl add_key unshare userns mount umount pivot_root bpf
        perf_event_open userfaultfd kexec_load init_module swapon reboot setns
        tiocsti tiocsti64 tioclinux clone-userns"
    for call in $calls; do
        run "$PRIVBOX" "$IMAGE" /usr/bin/probe syscall "$call"
        assert_failure
        assert_output "$call=EPERM"
    done
    # clone3 says ENOSYS, so that libc falls back to clone (checked above
    # through unshare and below through fork).
    run "$PRIVBOX" "$IMAGE" /usr/bin/probe syscall clone3
    assert_output "clone3=ENOSYS"
}

# bats test_tags=lab:06-3
@test "privbox: the filter blocks what no capability guards" {
    # Without the filter (step 05, or the host) these calls are allowed
    # and fail on their harmless arguments instead: EPERM here is the
    # filter's doing, not the capabilities'.
    for call in keyctl add_key perf_event_open setns tiocsti tiocsti64 tioclinux clone3; do
        run "$PROBE" syscall "$call"
        refute_output --regexp "=(EPERM|OK)\$"
        run "$PRIVBOX" "$IMAGE" /usr/bin/probe syscall "$call"
        assert_output --regexp "^$call=(EPERM|ENOSYS)\$"
    done
    # A user namespace needs no capability at all: clone(CLONE_NEWUSER)
    # works on the host (and with the capabilities dropped); only the
    # filter's rule on clone's flags refuses it.
    run "$PROBE" syscall clone-userns
    if [ "$output" = clone-userns=OK ]; then
        run "$PRIVBOX" "$IMAGE" /usr/bin/probe syscall clone-userns
        assert_output "clone-userns=EPERM"
    fi
}

# bats test_tags=lab:06-1,lab:06-3
@test "privbox: allowed things still work" {
    run "$PRIVBOX" "$IMAGE" /bin/sh -c \
        'echo piped | cat; sleep 0 & wait; /usr/bin/probe open /dev/null'
    assert_success
    assert_line "piped"
    assert_line "open=OK"
    # chroot is allowed (Docker keeps CAP_SYS_CHROOT): ENOENT, not EPERM.
    run "$PRIVBOX" "$IMAGE" /usr/bin/probe syscall chroot
    assert_output "chroot=ENOENT"
    run "$PRIVBOX" "$IMAGE" /usr/bin/probe read /dev/zero
    assert_line "read=OK"
}

@test "privbox: a device node for the host's disk cannot be opened" {
    local devs=("${ROOT_DEV%%:*} ${ROOT_DEV##*:}")
    # loop0 is a block device host root can open here (the disk may be
    # refused even to the host): the control that this test can fail.
    mknod "$BATS_TEST_TMPDIR/loop" b 7 0
    run "$PROBE" open "$BATS_TEST_TMPDIR/loop"
    [ "$output" != "open=OK" ] || devs+=("7 0")
    for dev in "${devs[@]}"; do
        run "$PRIVBOX" "$IMAGE" /bin/sh -c \
            "/usr/bin/probe mknod /dev/disk b $dev; /usr/bin/probe open /dev/disk"
        refute_line "open=OK"
        # Refused at mknod (v1, BPF) or at open: EPERM either way.
        assert_output --regexp "(mknod|open)=EPERM"
    done
    run "$PRIVBOX" "$IMAGE" /usr/bin/probe open /dev/null
    assert_output "open=OK"
}

# bats test_tags=lab:06-4
@test "privbox: no descriptor above 2 reaches the command" {
    # fd 3, fd 7, and fd 300 above a soft limit of 256 (a loop of close()
    # up to sysconf(_SC_OPEN_MAX) stops below it). The control first.
    local fds='exec 3</etc/hostname 7</etc/hostname 300</etc/hostname; ulimit -Sn 256; exec "$@"'
    run bash -c "$fds" - "$PROBE" fds
    assert_output --regexp "^fds=0,1,2,3,(.*,)?7,(.*,)?300(,|\$)"
    run bash -c "$fds" - "$PRIVBOX" "$IMAGE" /usr/bin/probe fds
    assert_success
    assert_output "fds=0,1,2"
    # stderr stays: a failure inside can still be told.
    run bash -c "$fds" - "$PRIVBOX" "$IMAGE" /bin/sh -c 'echo to-stderr >&2'
    assert_success
    assert_output to-stderr
}

@test "privbox: the command runs in a session of its own" {
    run "$PRIVBOX" "$IMAGE" /bin/cat /proc/self/stat
    assert_success
    # Fields: pid (comm) state ppid pgrp session. Session leader: sid == pid.
    read -r pid _ _ _ pgrp sid _ <<<"$output"
    assert_equal "$pid" 1
    assert_equal "$sid" "$pid"
    assert_equal "$pgrp" "$pid"
}

@test "privbox: still step 05's root: pivot_root, minimal /dev, masked /proc" {
    run "$PRIVBOX" "$IMAGE" /bin/cat /proc/self/mountinfo
    assert_success
    root_line=$(printf '%s\n' "$output" | awk '$5 == "/"')
    assert_equal "$(printf '%s\n' "$root_line" | awk '{ print $4 }')" "$(image_fs_path)"
    run "$PRIVBOX" "$IMAGE" /bin/ls -A /dev
    assert_equal "$(echo $output)" \
        "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero"
    run "$PRIVBOX" "$IMAGE" /usr/bin/probe read /proc/timer_list
    assert_line "bytes=0"
    run "$PRIVBOX" "$IMAGE" /usr/bin/probe write /proc/sys/kernel/domainname
    assert_output "write=EROFS"
}

@test "privbox: the device cgroup is made, holds the command, and is removed" {
    "$PRIVBOX" "$IMAGE" /bin/sleep 30 &
    local pid=$! dir=""
    # Up to 30 s: in the TCG VM everything is 15-30 times slower.
    for _ in $(seq 600); do
        dir=$(our_cgroups | grep -- "-$pid\$" | head -n 1)
        # (cgroup files show size 0: read them, do not test -s)
        [ -n "$dir" ] && [ -n "$(cat "$dir/cgroup.procs" 2>/dev/null)" ] &&
            [ "$(cat "/proc/$(head -n 1 "$dir/cgroup.procs")/comm" 2>/dev/null)" = sleep ] && break
        sleep 0.05
    done
    [ -n "$dir" ]
    child=$(cat "$dir/cgroup.procs")
    [ -n "$child" ]
    if [ -f "$dir/devices.list" ]; then
        run cat "$dir/devices.list"
        refute_line "a *:* rwm"
        assert_line "c 1:3 rwm"
        refute_line --regexp "^b "
    fi
    # SIGTERM to privbox stops the container and still removes the cgroup.
    kill -TERM "$pid"
    local rc=0
    wait "$pid" || rc=$?
    assert_equal "$rc" 137
    [ ! -d "$dir" ]
}

@test "privbox: cgroup v2 device program (cgroup2 mounted in a private namespace)" {
    need_cmd unshare
    run unshare --mount sh -c '
        umount -l /sys/fs/cgroup 2>/dev/null
        mount -t cgroup2 none /sys/fs/cgroup || exit 77
        exec "$0" "$1" /bin/sh -c "/usr/bin/probe mknod /dev/l b 7 0;
            /usr/bin/probe mknod /dev/m c 1 1; /usr/bin/probe open /dev/null"
        ' "$PRIVBOX" "$IMAGE"
    [ "$status" -ne 77 ] || skip "cannot mount cgroup2 here"
    assert_success
    assert_line "mknod=EPERM"
    refute_line "mknod=OK"
    assert_line "open=OK"
    refute_output --partial "dropping CAP_MKNOD"
}

# bats test_tags=lab:06-1
@test "privbox: without a device cgroup, CAP_MKNOD is dropped and it says so" {
    run unshare --mount sh -c '
        mount -t tmpfs none /sys/fs/cgroup || exit 77
        exec "$0" "$1" /usr/bin/probe caps' "$PRIVBOX" "$IMAGE"
    [ "$status" -ne 77 ] || skip "cannot hide the cgroup mounts here"
    assert_success
    assert_output --partial "dropping CAP_MKNOD"
    want=$(docker_caps)
    want=$(printf '%016x' $((0x$want & ~(1 << 27))))
    assert_equal "$(probe_get cap_bnd "$output")" "$want"
}

# bats test_tags=lab:06-2,lab:06-3
@test "privbox: --trace shows the filter and what it cost" {
    run "$PRIVBOX" --trace "$IMAGE" /bin/true
    assert_success
    assert_output --regexp "seccomp\(SECCOMP_SET_MODE_FILTER\): [0-9]+ rules, [0-9]+ BPF instructions, built and loaded in [0-9]+ us"
    assert_output --partial '$ setpriv --no-new-privs'
    assert_output --partial '$ pivot_root . .'
}

@test "privbox: bad input exits 3, a missing command 127; nothing left behind" {
    run "$PRIVBOX" "$BATS_TEST_TMPDIR/nope" /bin/true
    assert_failure 3
    assert_output --partial "ENOENT"
    echo x > "$BATS_TEST_TMPDIR/file"
    run "$PRIVBOX" "$BATS_TEST_TMPDIR/file" /bin/true
    assert_failure 3
    assert_output --partial "is not a directory"
    run -127 "$PRIVBOX" "$IMAGE" /no/such/command
    assert_output --partial "exec '/no/such/command' failed: ENOENT"
    run "$PRIVBOX" "$IMAGE"
    assert_failure 2
    [ -z "$(our_cgroups)" ]
    [ -z "$(mounts_below "$REAL_IMAGE")" ]
    [ -z "$(mounts_below "$BATS_TEST_TMPDIR")" ]
}
