#!/usr/bin/env bats
# smoke.bats: the VM that tests/vm/run.sh boots is what it claims to be: pure
# cgroup v2 with working controllers, user namespaces, and the project's
# build (bin/probe, the busybox image) usable inside. Runs only in the VM.

load ../lib/common

# common.bash finds the project from the test file's directory; ours is one
# level deeper.
ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BIN=$ROOT/bin
IMAGE=$ROOT/build/images/busybox
PROBE=$BIN/probe

setup() {
    [ -n "${VM_PROJECT:-}" ] || skip "runs only inside the VM: tests/vm/run.sh"
    CG=/sys/fs/cgroup/minictr-smoke-$$
}

teardown() {
    [ -n "${CG:-}" ] && [ -d "$CG" ] && rmdir "$CG"
    mountpoint -q "$BATS_TEST_TMPDIR/merged" && umount "$BATS_TEST_TMPDIR/merged"
    return 0
}

@test "vm: /sys/fs/cgroup is cgroup v2, and no v1 hierarchy is mounted" {
    run stat -f -c %T /sys/fs/cgroup
    assert_output cgroup2fs
    run awk '$9 == "cgroup" { print $5 }' /proc/self/mountinfo
    assert_output ""
    run cat /sys/fs/cgroup/cgroup.controllers
    assert_output --regexp '(^| )cpu( |$)'
    assert_output --regexp '(^| )memory( |$)'
    assert_output --regexp '(^| )pids( |$)'
}

@test "vm: the tests run in a leaf cgroup (as on a systemd machine)" {
    [ "${VM_CGROUP:-systemd}" = systemd ] || skip "VM_CGROUP=$VM_CGROUP"
    run "$PROBE" cgroup
    assert_output "cgroup=0::/user.slice/user-0.slice/session-1.scope"
}

@test "vm: bin/probe runs in a new cgroup, and memory.max is enforced" {
    mkdir "$CG"
    echo 16M >"$CG/memory.max"
    [ ! -f "$CG/memory.swap.max" ] || echo 0 >"$CG/memory.swap.max"
    run sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" cgroup' sh "$CG" "$PROBE"
    assert_success
    assert_output "cgroup=0::/${CG#/sys/fs/cgroup/}"
    # dd's 64 MiB buffer cannot fit in 16 MiB: the kernel OOM-kills it.
    run sh -c 'echo $$ > "$1/cgroup.procs" && exec dd if=/dev/zero of=/dev/null bs=64M count=1' sh "$CG"
    assert_failure
    run awk '$1 == "oom_kill" { print $2 }' "$CG/memory.events"
    assert_output 1
    rmdir "$CG"
    run leftover_cgroups
    assert_output ""
}

@test "vm: user namespaces work (the VM switch_root'ed, it did not chroot)" {
    run "$PROBE" syscall userns
    assert_success
    assert_output userns=OK
}

@test "vm: the busybox image runs bin/probe in a chroot" {
    run chroot "$IMAGE" /usr/bin/probe id
    assert_success
    assert_line uid=0
}

@test "vm: overlayfs takes the image (over 9p) as its lower directory" {
    mkdir "$BATS_TEST_TMPDIR"/{upper,work,merged}
    mount -t overlay overlay \
        -o "lowerdir=$IMAGE,upperdir=$BATS_TEST_TMPDIR/upper,workdir=$BATS_TEST_TMPDIR/work" \
        "$BATS_TEST_TMPDIR/merged"
    echo hello >"$BATS_TEST_TMPDIR/merged/etc/minictr-smoke"
    run chroot "$BATS_TEST_TMPDIR/merged" cat /etc/minictr-smoke
    assert_output hello
    assert_file_exists "$BATS_TEST_TMPDIR/upper/etc/minictr-smoke"
    assert_file_not_exists "$IMAGE/etc/minictr-smoke"
}
