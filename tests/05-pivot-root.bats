#!/usr/bin/env bats
# 05-pivot-root: pivotbox ROOTFS CMD... — pivot_root with the old root
# detached, a minimal /dev, /proc with runc's masked and read-only paths,
# a read-only /sys. Each fact is read from the kernel inside the container
# (mountinfo, the probe), and the host is checked for leftovers.

load lib/common
bats_require_minimum_version 1.5.0

# The tests run on a copy of the image of this file's own: a pivotbox that
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
    PIVOTBOX=$(tool pivotbox)
    [ -d "$IMAGE" ] || skip "no image at $IMAGE (make images)"
    IMAGE=$BATS_FILE_TMPDIR/image
    REAL_IMAGE=$(realpath "$IMAGE")
    # The host's root mount: its device and the mount point "/".
    HOST_ROOT_DEV=$(awk '$5 == "/" { print $3 }' /proc/self/mountinfo | tail -n 1)
}

# Every file of the image, with type, mode and size: a run must not
# change it.
image_listing() {
    find "$IMAGE" -printf '%y %m %s %P\n' | LC_ALL=C sort
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

# Nothing stays mounted on the host, and the image is as it was copied.
teardown() {
    [ -n "${REAL_IMAGE:-}" ] || return 0
    [ -z "$(mounts_below "$REAL_IMAGE")" ]
    diff "$BATS_FILE_TMPDIR/image.listing" <(image_listing)
}

@test "pivotbox: --help prints usage and exits 0" {
    run "$PIVOTBOX" --help
    assert_success
    assert_output --partial "usage: pivotbox"
}

@test "pivotbox: an unknown flag is a usage error (exit 2)" {
    run "$PIVOTBOX" --frobnicate "$IMAGE" /bin/true
    assert_failure 2
    assert_output --partial "try 'pivotbox --help'"
}

@test "pivotbox: the command runs as PID 1 with its hostname; status is passed back" {
    run "$PIVOTBOX" --hostname box "$IMAGE" /usr/bin/probe id
    assert_success
    assert_equal "$(probe_get hostname "$output")" box
    assert_equal "$(probe_get pid "$output")" 1
    run "$PIVOTBOX" "$IMAGE" /usr/bin/probe exit 7
    assert_failure 7
}

@test "pivotbox: a command killed by a signal gives 128+N" {
    "$PIVOTBOX" "$IMAGE" /bin/sleep 30 &
    local pid=$! child=""
    # Wait until the child runs the command: killed before that (before
    # pivotbox has written it the go byte), it is not the command that dies.
    for _ in $(seq 200); do
        child=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null | awk '{ print $1 }')
        [ -n "$child" ] && [ "$(cat "/proc/$child/comm" 2>/dev/null)" = sleep ] && break
        sleep 0.05
    done
    [ "$(cat "/proc/$child/comm")" = sleep ]
    kill -KILL "$child"
    local rc=0
    wait "$pid" || rc=$?
    assert_equal "$rc" 137
}

# bats test_tags=lab:05-2
@test "pivotbox: the old root is gone from mountinfo; / is the image" {
    run "$PIVOTBOX" "$IMAGE" /bin/cat /proc/self/mountinfo
    assert_success
    # The root mount is the image directory of the host's disk...
    root_line=$(printf '%s\n' "$output" | awk '$5 == "/"')
    [ "$(printf '%s\n' "$root_line" | wc -l)" -eq 1 ]
    assert_equal "$(printf '%s\n' "$root_line" | awk '{ print $4 }')" "$(image_fs_path)"
    # ...and no other mount comes from the host's root filesystem: not its
    # "/" (the old root), not /sys/fs/cgroup, /mnt or the project dir.
    local points
    points=$(printf '%s\n' "$output" | awk '{ print $5 }')
    run grep -E '^/(sys/fs/cgroup|mnt|work|home|run)' <<<"$points"
    assert_output ""
    run awk -v dev="$HOST_ROOT_DEV" '$3 == dev && $5 != "/"' <<<"$output"
    assert_output ""
}

@test "pivotbox: /proc is fresh and /sys is read-only sysfs" {
    run "$PIVOTBOX" "$IMAGE" /usr/bin/probe mounts
    assert_success
    assert_line --regexp '^mount=/proc proc .*nosuid.*'
    assert_line --regexp '^mount=/sys sysfs ro,'
    run "$PIVOTBOX" "$IMAGE" /bin/ls /proc
    assert_success
    # Only our own processes: PID 1 (ls itself) and no host PID.
    run sh -c "printf '%s\n' \"$output\" | grep -E '^[0-9]+$'"
    assert_output "1"
    # The proc filesystem itself is read-write (only some paths in it are
    # read-only): a process may still write its own /proc/self files.
    run "$PIVOTBOX" "$IMAGE" /bin/cat /proc/self/mountinfo
    assert_success
    run awk '$5 == "/proc" { sub(/.* - /, ""); print }' <<<"$output"
    assert_output --regexp '^proc proc rw(,|$)'
    run "$PIVOTBOX" "$IMAGE" /usr/bin/probe write /proc/self/oom_score_adj
    assert_success
    assert_output "write=OK"
}

# bats test_tags=lab:05-1
@test "pivotbox: /dev holds only the minimal set" {
    run "$PIVOTBOX" "$IMAGE" /bin/ls -A /dev
    assert_success
    assert_equal "$(echo $output)" \
        "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero"
    run "$PIVOTBOX" "$IMAGE" /bin/ls -A /dev/pts
    assert_success
    assert_output "ptmx" # a new devpts instance: none of the host's ptys
    run "$PIVOTBOX" "$IMAGE" /usr/bin/probe mounts
    assert_line --regexp '^mount=/dev tmpfs rw,nosuid,noexec'
    assert_line --regexp '^mount=/dev/pts devpts '
    assert_line --regexp '^mount=/dev/shm tmpfs '
    run "$PIVOTBOX" "$IMAGE" /usr/bin/probe write /dev/null
    assert_success
    # Each device is what its name says, and every user may use it (the
    # umask must not have trimmed the 0666).
    run "$PIVOTBOX" "$IMAGE" /bin/stat -c '%n %F %t:%T %a' \
        /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
    assert_success
    assert_output "$(printf '%s\n' '/dev/null character special file 1:3 666' \
        '/dev/zero character special file 1:5 666' \
        '/dev/full character special file 1:7 666' \
        '/dev/random character special file 1:8 666' \
        '/dev/urandom character special file 1:9 666' \
        '/dev/tty character special file 5:0 666')"
    # /dev/pts is a devpts of its own: no devpts of the host has its
    # device number (a bind of the host's /dev/pts would show the host's
    # ptys, and let the container open them).
    run "$PIVOTBOX" "$IMAGE" /bin/cat /proc/self/mountinfo
    assert_success
    inside=$(awk '$5 == "/dev/pts" { print $3 }' <<<"$output")
    [ -n "$inside" ]
    run awk -v d="$inside" '$3 == d && / - devpts /' /proc/self/mountinfo
    assert_output ""
    # The host's disk is not there.
    run "$PIVOTBOX" "$IMAGE" /usr/bin/probe open /dev/vda
    assert_output "open=ENOENT"
}

# bats test_tags=lab:05-3
@test "pivotbox: masked /proc paths read empty" {
    local masked=0
    for f in /proc/keys /proc/timer_list /proc/kcore /proc/sched_debug; do
        [ -e "$f" ] || continue
        masked=$((masked + 1))
        run "$PIVOTBOX" "$IMAGE" /usr/bin/probe read "$f"
        assert_success
        assert_line "bytes=0"
    done
    [ "$masked" -gt 0 ]
    # The host's timer_list is not empty: the mask is what makes it so.
    [ "$(head -c 100 /proc/timer_list | wc -c)" -gt 0 ]
    # Directories are masked too: /sys/firmware holds the host's ACPI
    # tables and firmware memory map.
    if [ -n "$(ls -A /sys/firmware 2>/dev/null)" ]; then
        run "$PIVOTBOX" "$IMAGE" /bin/ls -A /sys/firmware
        assert_success
        assert_output ""
    fi
    if [ -d /proc/acpi ]; then
        run "$PIVOTBOX" "$IMAGE" /bin/ls -A /proc/acpi
        assert_success
        assert_output ""
        run "$PIVOTBOX" "$IMAGE" /usr/bin/probe mounts
        assert_line --regexp '^mount=/proc/acpi tmpfs ro'
    fi
}

# bats test_tags=lab:05-3
@test "pivotbox: read-only /proc paths and /sys refuse writes (EROFS)" {
    run "$PIVOTBOX" "$IMAGE" /usr/bin/probe write /proc/sys/kernel/domainname
    assert_failure
    assert_output "write=EROFS"
    if [ -e /proc/sysrq-trigger ]; then
        run "$PIVOTBOX" "$IMAGE" /usr/bin/probe write /proc/sysrq-trigger
        assert_failure
        assert_output "write=EROFS"
    fi
    # The read-only binds keep proc's nosuid, nodev, noexec.
    run "$PIVOTBOX" "$IMAGE" /usr/bin/probe mounts
    assert_line --regexp '^mount=/proc/sys proc ro,nosuid,nodev,noexec'
    need_kernel_file /sys/kernel/mm/transparent_hugepage/enabled
    run "$PIVOTBOX" "$IMAGE" /usr/bin/probe write /sys/kernel/mm/transparent_hugepage/enabled
    assert_failure
    assert_output "write=EROFS"
}

# bats test_tags=lab:05-2
@test "pivotbox: the chroot escape of step 01 fails here" {
    local src=$ROOT/steps/01-chroot-jail/escape.c
    [ -f "$src" ] || skip "step 01's escape.c is not written yet"
    need_cmd cc
    local root=$BATS_TEST_TMPDIR/rootfs
    cp -a "$IMAGE" "$root"
    # Static, as the image has no libc.
    cc -std=gnu11 -D_GNU_SOURCE -I"$ROOT/src/lib" -static -O2 \
        -o "$root/escape" "$src" "$ROOT"/src/lib/*.c
    # A file only the host's root has: reading it means the escape worked.
    local canary=$BATS_TEST_TMPDIR/canary
    echo "host-canary-$$" > "$canary"
    # In a plain chroot the escape works (the lesson of step 01)...
    run chroot "$root" /escape /bin/cat "$canary"
    assert_success
    assert_output --partial "host-canary-$$"
    # ...under pivot_root there is nowhere to climb to: "/" after the
    # escape is still the image, and the host's file is not there.
    run "$PIVOTBOX" "$root" /escape /bin/cat "$canary"
    assert_failure
    refute_output --partial "host-canary-$$"
    assert_output --partial "can't open '$canary'"
    before=$(printf '%s\n' "$output" | sed -n 's/^before: \/ holds://p')
    after=$(printf '%s\n' "$output" | sed -n 's/^after:  \/ holds://p')
    [ -n "$before" ]
    assert_equal "$after" "$before"
    [ -z "$(mounts_below "$root")" ]
}

@test "pivotbox: a missing root directory is bad input (exit 3)" {
    run "$PIVOTBOX" "$BATS_TEST_TMPDIR/nope" /bin/true
    assert_failure 3
    assert_output --partial "'$BATS_TEST_TMPDIR/nope'"
    assert_output --partial "ENOENT"
    [ -z "$(mounts_below "$BATS_TEST_TMPDIR")" ]
}

@test "pivotbox: a root that is a file is bad input (exit 3)" {
    echo x > "$BATS_TEST_TMPDIR/file"
    run "$PIVOTBOX" "$BATS_TEST_TMPDIR/file" /bin/true
    assert_failure 3
    assert_output --partial "is not a directory"
    [ -z "$(mounts_below "$BATS_TEST_TMPDIR")" ]
}

@test "pivotbox: a missing command exits 127, one that cannot run 126; nothing left behind" {
    before=$(image_listing)
    run -127 "$PIVOTBOX" "$IMAGE" /no/such/command
    assert_output --partial "exec '/no/such/command' failed: ENOENT"
    run -126 "$PIVOTBOX" "$IMAGE" /etc
    run "$PIVOTBOX" "$IMAGE"
    assert_failure 2
    [ -z "$(mounts_below "$REAL_IMAGE")" ]
    assert_equal "$(image_listing)" "$before"
}

# bats test_tags=lab:05-2,lab:05-3
@test "pivotbox: --trace shows the shell equivalents" {
    run "$PIVOTBOX" --trace "$IMAGE" /bin/true
    assert_success
    assert_output --partial '$ mount --rbind'
    assert_output --partial '$ pivot_root . .'
    assert_output --partial '$ umount -l .'
    assert_output --partial '$ mount --bind /dev/null /proc/'
    assert_output --partial '$ mount -o remount,bind,ro /proc/sys'
}
