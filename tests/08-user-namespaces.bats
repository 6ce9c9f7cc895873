#!/usr/bin/env bats
# 08-user-namespaces: usernsbox ROOTFS CMD... — a user namespace made with
# the others, its maps written by the parent while the child waits: one id
# written directly, or a /etc/subuid range through newuidmap/newgidmap.
# Checked on the kernel's state: uid_map, gid_map and setgroups read inside
# and from /proc/PID outside; Uid and CapEff in /proc/PID/status on both
# sides; the owners the host sees on files made inside; a root-owned host
# file that must stay as it was. Most tests run as users this file makes
# (useradd) and removes, whatever happens:
#   minictr-test-PID  a user with a /etc/subuid and /etc/subgid range
#   minictr-tnr-PID   a system user, with no range

load lib/common
load lib/users
bats_require_minimum_version 1.5.0

setup_file() {
    users_setup_file '^minictr-t(est|nr)-[0-9]+$' /tmp/minictr-userns || return 0
    export RANGE_USER=minictr-test-$$ PLAIN_USER=minictr-tnr-$$
    add_user "$RANGE_USER" || fail "useradd $RANGE_USER failed"
    add_user -r "$PLAIN_USER" || fail "useradd -r $PLAIN_USER failed"
    # The tool under test may be in a directory only root can enter.
    cp "$(tool usernsbox)" "$T/usernsbox"
    chmod 755 "$T/usernsbox"
    # Images: one owned by each user (its root inside), one by host root.
    cp -a "$IMAGE" "$T/img-root"
    chmod 755 "$T/img-root"
    echo "world-writable, root's" >"$T/img-root/shared"
    chmod 666 "$T/img-root/shared"
    cp -a "$T/img-root" "$T/img-range"
    chown -R "$RANGE_USER:" "$T/img-range"
    cp -a "$T/img-root" "$T/img-plain"
    chown -R "$PLAIN_USER:" "$T/img-plain"
    # A host directory and file of root's, to attack from inside.
    mkdir "$T/hostdir"
    echo "host-secret" >"$T/hostdir/file"
    chmod 644 "$T/hostdir/file"
}

teardown_file() {
    local u
    for u in "${RANGE_USER:-}" "${PLAIN_USER:-}"; do
        [ -z "$u" ] || ! id "$u" >/dev/null 2>&1 || userdel "$u" ||
            { sleep 1; userdel "$u"; }
    done
    [ -z "${T:-}" ] || rm -rf "$T"
}

setup() {
    users_check
    RUID=$(id -u "$RANGE_USER")
    RGID=$(id -g "$RANGE_USER")
    PUID=$(id -u "$PLAIN_USER")
    PGID=$(id -g "$PLAIN_USER")
    # Every capability this kernel has, as /proc/PID/status prints it.
    FULL_CAPS=$(printf '%016x' $(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1)))
}

teardown() {
    [ -z "${CTR:-}" ] || stop_box
    [ -z "$(mounts_below "$T")" ]
}

# as_user USER CMD...: run CMD as USER (uid, gid, no other group) with a
# plain environment, the way the user would. (USER_CMD: the prefix.)
user_cmd() {
    USER_CMD=(setpriv --reuid "$(id -u "$1")" --regid "$(id -g "$1")"
        --clear-groups env -i PATH=/usr/bin:/bin HOME=/ TMPDIR="$T")
}

as_user() {
    user_cmd "$1"
    shift
    "${USER_CMD[@]}" "$@"
}

need_range() {
    need_cmd newuidmap
    need_cmd newgidmap
    grep -q "^$RANGE_USER:" /etc/subuid && grep -q "^$RANGE_USER:" /etc/subgid ||
        skip "useradd gave $RANGE_USER no /etc/subuid and /etc/subgid range here"
}

# The start of USER's range in FILE (/etc/subuid or /etc/subgid).
sub_start() {
    awk -F: -v u="$1" '$1 == u { print $2; exit }' "$2"
}

# start_box USER USERNSBOX-ARGS...: usernsbox as USER in the background with
# `sleep 60` inside. Sets BOX (usernsbox's pid) and CTR (the container's
# PID 1, numbered as the host sees it) once sleep runs there.
start_box() {
    local u=$1
    shift
    user_cmd "$u"
    (exec "${USER_CMD[@]}" "$T/usernsbox" "$@" /bin/sleep 60) >/dev/null 2>&1 3>&- &
    BOX=$!
    for _ in $(seq 250); do
        CTR=$(awk '{ print $1 }' "/proc/$BOX/task/$BOX/children" 2>/dev/null)
        [ -n "$CTR" ] && [ "$(cat "/proc/$CTR/comm" 2>/dev/null)" = sleep ] && return 0
        sleep 0.02
    done
    fail "the container did not start"
}

stop_box() {
    kill -KILL "$CTR" 2>/dev/null || true
    wait "$BOX" || true
    CTR=
}

# status_field PID FIELD: e.g. "1001 1001 1001 1001" for Uid.
status_field() {
    awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}

@test "usernsbox: --help prints usage and exits 0; bad flags exit 2" {
    run "$T/usernsbox" --help
    assert_success
    assert_output --partial "usage: usernsbox"
    run "$T/usernsbox" --frobnicate "$T/img-root" /bin/true
    assert_failure 2
    assert_output --partial "try 'usernsbox --help'"
    run "$T/usernsbox" --map sideways "$T/img-root" /bin/true
    assert_failure 2
    assert_output --partial "use single, range or auto"
}

# bats test_tags=lab:08-1,lab:08-3
@test "usernsbox: a user without a range is root inside with one id mapped, setgroups denied" {
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /bin/sh -c \
        '/usr/bin/probe id; echo setgroups=$(cat /proc/self/setgroups); grep -E "^(Uid|Gid|CapEff):" /proc/self/status'
    assert_success
    assert_equal "$(probe_get uid "$output")" 0
    assert_equal "$(probe_get gid "$output")" 0
    assert_equal "$(probe_get uid_map "$output" | xargs)" "0 $PUID 1"
    assert_equal "$(probe_get gid_map "$output" | xargs)" "0 $PGID 1"
    [ "$(printf '%s\n' "$output" | grep -c '^uid_map=')" -eq 1 ]
    assert_equal "$(probe_get setgroups "$output")" deny
    assert_line --regexp "^Uid:\s+0\s+0\s+0\s+0$"
    assert_line --regexp "^CapEff:\s+$FULL_CAPS$"
    # Outside, the same user has no capability at all.
    run as_user "$PLAIN_USER" grep CapEff /proc/self/status
    assert_output --regexp "CapEff:\s+0000000000000000"
}

# bats test_tags=lab:08-1
@test "usernsbox: from outside, the single-id container is the user, with every capability in a user namespace of its own" {
    start_box "$PLAIN_USER" --map single "$T/img-plain"
    assert_equal "$(xargs <"/proc/$CTR/uid_map")" "0 $PUID 1"
    assert_equal "$(xargs <"/proc/$CTR/gid_map")" "0 $PGID 1"
    assert_equal "$(cat "/proc/$CTR/setgroups")" deny
    assert_equal "$(status_field "$CTR" Uid | xargs)" "$PUID $PUID $PUID $PUID"
    assert_equal "$(status_field "$CTR" Gid | xargs)" "$PGID $PGID $PGID $PGID"
    assert_equal "$(status_field "$CTR" CapEff)" "$FULL_CAPS"
    assert_equal "$(status_field "$CTR" NSpid | awk '{ print $2 }')" 1
    # ... capabilities in which namespace? Not the host's: it has its own
    # user namespace, whose owner is the user; and usernsbox itself (the
    # parent, in the host's namespace) has none.
    [ "$(readlink "/proc/$CTR/ns/user")" != "$(readlink /proc/self/ns/user)" ]
    assert_equal "$(readlink "/proc/$BOX/ns/user")" "$(readlink /proc/self/ns/user)"
    assert_equal "$(status_field "$BOX" CapEff)" 0000000000000000
    local ns
    for ns in mnt uts ipc pid net cgroup; do
        [ "$(readlink "/proc/$CTR/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ] ||
            fail "the container shares the host's $ns namespace"
    done
}

# bats test_tags=lab:08-2
@test "usernsbox: with a range, uid_map and gid_map have the user and the range, inside and out; setgroups allowed" {
    need_range
    local us gs
    us=$(sub_start "$RANGE_USER" /etc/subuid)
    gs=$(sub_start "$RANGE_USER" /etc/subgid)
    run as_user "$RANGE_USER" "$T/usernsbox" --map range "$T/img-range" /bin/sh -c \
        '/usr/bin/probe id; echo setgroups=$(cat /proc/self/setgroups); grep CapEff /proc/self/status'
    assert_success
    assert_equal "$(probe_get uid "$output")" 0
    assert_equal "$(printf '%s\n' "$output" | sed -n 's/^uid_map=//p' | xargs)" \
        "0 $RUID 1 1 $us 65536"
    assert_equal "$(printf '%s\n' "$output" | sed -n 's/^gid_map=//p' | xargs)" \
        "0 $RGID 1 1 $gs 65536"
    assert_equal "$(probe_get setgroups "$output")" allow
    assert_line --regexp "^CapEff:\s+$FULL_CAPS$"
    start_box "$RANGE_USER" --map range "$T/img-range"
    assert_equal "$(xargs <"/proc/$CTR/uid_map")" "0 $RUID 1 1 $us 65536"
    assert_equal "$(xargs <"/proc/$CTR/gid_map")" "0 $RGID 1 1 $gs 65536"
    assert_equal "$(cat "/proc/$CTR/setgroups")" allow
    assert_equal "$(status_field "$CTR" Uid | xargs)" "$RUID $RUID $RUID $RUID"
    assert_equal "$(status_field "$CTR" CapEff)" "$FULL_CAPS"
}

# bats test_tags=lab:08-1,lab:08-2
@test "usernsbox: --map auto takes the range when there is one, the single id when not" {
    need_range
    run as_user "$RANGE_USER" "$T/usernsbox" "$T/img-range" /usr/bin/probe id
    assert_success
    [ "$(printf '%s\n' "$output" | grep -c '^uid_map=')" -eq 2 ]
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /usr/bin/probe id
    assert_success
    [ "$(printf '%s\n' "$output" | grep -c '^uid_map=')" -eq 1 ]
}

# bats test_tags=lab:08-1,lab:08-2
@test "usernsbox: files made inside belong, on the host, to the ids the map names" {
    need_range
    local us gs
    us=$(sub_start "$RANGE_USER" /etc/subuid)
    gs=$(sub_start "$RANGE_USER" /etc/subgid)
    mkdir "$T/vol-plain" "$T/vol-range"
    chown "$PLAIN_USER:" "$T/vol-plain"
    chown "$RANGE_USER:" "$T/vol-range"
    run as_user "$PLAIN_USER" "$T/usernsbox" -v "$T/vol-plain:/mnt" "$T/img-plain" \
        /bin/sh -c 'echo hi > /mnt/by-root && mkdir /mnt/dir && chown 1000 /mnt/by-root'
    assert_failure # 1000 has no id outside: chown is refused (EINVAL)
    assert_output --partial "Invalid argument"
    assert_equal "$(stat -c %u:%g "$T/vol-plain/by-root")" "$PUID:$PGID"
    assert_equal "$(stat -c %u:%g "$T/vol-plain/dir")" "$PUID:$PGID"
    run as_user "$RANGE_USER" "$T/usernsbox" --map range -v "$T/vol-range:/mnt" \
        "$T/img-range" /bin/sh -c \
        'touch /mnt/by-root /mnt/by-1000 && chown 1000:1000 /mnt/by-1000 && ls -ln /mnt'
    assert_success
    assert_output --regexp "1000 +1000 .* by-1000"
    assert_equal "$(stat -c %u:%g "$T/vol-range/by-root")" "$RUID:$RGID"
    assert_equal "$(stat -c %u:%g "$T/vol-range/by-1000")" "$((us + 999)):$((gs + 999))"
}

# bats test_tags=lab:08-1,lab:08-2
@test "usernsbox: a root-owned host file stays as it was, whatever root inside tries" {
    local before mode
    before=$(stat -c '%u:%g %a %s %Y' "$T/hostdir/file")
    for who in "$PLAIN_USER --map single $T/img-plain" "$RANGE_USER --map auto $T/img-range"; do
        set -- $who
        run as_user "$1" "$T/usernsbox" "$2" "$3" -v "$T/hostdir:/host" "$4" \
            /bin/sh -c '/usr/bin/probe write /host/file; ls -ln /host;
                        echo x >> /host/file; chmod 666 /host/file; chown 0:0 /host/file;
                        rm -f /host/file; mv /host/file /host/moved; touch /host/new'
        assert_line "write=EACCES"
        # Outside root's file shows as nobody's: 65534 is no id of the map.
        assert_output --regexp "65534 +65534 .* file"
        assert_output --partial "can't create /host/file: Permission denied"
        assert_output --partial "chmod: /host/file: Operation not permitted"
        assert_output --partial "can't remove '/host/file'"
        assert_equal "$(cat "$T/hostdir/file")" "host-secret"
        assert_equal "$(stat -c '%u:%g %a %s %Y' "$T/hostdir/file")" "$before"
        assert_equal "$(ls -A "$T/hostdir")" "file"
    done
}

# bats test_tags=lab:08-4
@test "usernsbox: mknod is EPERM even for root inside; /dev holds the host's nodes, bound" {
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /bin/sh -c \
        '/usr/bin/probe mknod /dev/x c 1 3; /usr/bin/probe mknod /dev/sda b 8 0;
         /usr/bin/probe write /dev/null; /usr/bin/probe read /dev/zero; ls -A /dev'
    assert_line "mknod=EPERM"
    refute_line "mknod=OK"
    assert_line "write=OK"
    assert_line "read=OK"
    assert_line "fd"
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /bin/ls -A /dev
    assert_success
    assert_equal "$(echo $output)" \
        "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero"
    # Each node is the host's: a bind mount from the host's devtmpfs,
    # with the host's device numbers.
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /bin/cat /proc/self/mountinfo
    local d host_dev
    host_dev=$(awk '$5 == "/dev" { print $3 }' /proc/self/mountinfo | tail -n 1)
    for d in null zero full random urandom tty; do
        assert_line --regexp "^[0-9]+ [0-9]+ $host_dev /$d /dev/$d "
    done
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /bin/ls -ln /dev/null
    assert_output --regexp "^crw-rw-rw- +1 65534 +65534 +1, +3 "
}

# bats test_tags=lab:08-4
@test "usernsbox: root inside mounts an overlay (userxattr), tmpfs, proc, sysfs, devpts and pivots" {
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /bin/cat /proc/self/mountinfo
    assert_success
    assert_line --regexp "^[0-9]+ [0-9]+ [0-9:]+ / / .* - overlay overlay .*lowerdir=$T/img-plain,.*userxattr"
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /usr/bin/probe mounts
    assert_success
    assert_line --regexp '^mount=/proc proc .*nosuid'
    assert_line --regexp '^mount=/sys sysfs ro,'
    assert_line --regexp '^mount=/dev tmpfs rw,nosuid,noexec'
    assert_line --regexp '^mount=/dev/pts devpts '
    assert_line --regexp '^mount=/dev/shm tmpfs '
    # The old root is gone: no mount of the host's "/" is left.
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /bin/cat /proc/self/mountinfo
    local host_root
    host_root=$(awk '$5 == "/" { print $3 }' /proc/self/mountinfo | tail -n 1)
    run awk -v dev="$host_root" '$3 == dev' <<<"$output"
    assert_output ""
    # /proc keeps step 05's masks.
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /usr/bin/probe read /proc/keys
    assert_line "bytes=0"
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /usr/bin/probe mounts
    assert_line --regexp '^mount=/proc/sys proc ro,'
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /usr/bin/probe write /proc/sysrq-trigger
    assert_failure
}

# bats test_tags=lab:08-4
@test "usernsbox: devpts gets the tty group (gid 5) only when gid 5 is mapped" {
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /bin/cat /proc/self/mountinfo
    assert_success
    assert_line --regexp ' /dev/pts .* devpts devpts '
    refute_line --regexp ' /dev/pts .*gid='
    need_range
    run as_user "$RANGE_USER" "$T/usernsbox" --map range "$T/img-range" /bin/sh -c \
        'cat /proc/self/mountinfo; ls -ln /dev/pts/ptmx'
    assert_success
    # Options show ids as the host numbers them: gid 5 inside is START+4.
    assert_line --regexp " /dev/pts .* devpts devpts .*gid=$(($(sub_start "$RANGE_USER" /etc/subgid) + 4)),"
}

@test "usernsbox: files of host root in the image read fine, but copy-up is EOVERFLOW; the image never changes" {
    local before
    before=$(find "$T/img-root" -printf '%y %s %u %m %p\n' | sort)
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-root" /bin/sh -c \
        'cat /shared; /usr/bin/probe write /shared; echo new > /new && cat /new'
    assert_success
    assert_line "world-writable, root's"
    assert_line "write=EOVERFLOW"
    assert_line "new"
    # An image the user owns is root's inside: changes go to the tmpfs.
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /bin/sh -c \
        'echo changed > /etc/hostname && cat /etc/hostname && rm /bin/ls'
    assert_success
    assert_output "changed"
    assert_equal "$(find "$T/img-root" -printf '%y %s %u %m %p\n' | sort)" "$before"
    assert_file_exists "$T/img-plain/bin/ls"
    [ "$(cat "$T/img-plain/etc/hostname")" != changed ]
}

@test "usernsbox: root runs it too: root maps to uid 0, with a warning" {
    run "$T/usernsbox" --map single "$T/img-root" /bin/sh -c \
        '/usr/bin/probe id; cat /proc/self/setgroups'
    assert_success
    assert_output --partial "warning: you are root"
    assert_equal "$(probe_get uid_map "$output" | xargs)" "0 0 1"
    assert_line deny
}

@test "usernsbox: --map range without a range, or without newuidmap, is bad input (exit 3)" {
    run as_user "$PLAIN_USER" "$T/usernsbox" --map range "$T/img-plain" /bin/true
    assert_failure 3
    assert_output --partial "has no range for '$PLAIN_USER'"
    assert_output --partial "usermod --add-subuids"
    mkdir -p "$T/nobin"
    run as_user "$RANGE_USER" env PATH="$T/nobin" "$T/usernsbox" --map range \
        "$T/img-range" /bin/true
    assert_failure 3
    assert_output --partial "install the uidmap package"
}

# bats test_tags=lab:08-2,lab:08-3
@test "usernsbox: a helper that fails to map: the command never runs" {
    need_range
    mkdir -p "$T/fakebin" "$T/vol-fake"
    chown "$RANGE_USER:" "$T/vol-fake"
    printf '#!/bin/sh\necho "newuidmap: range not allowed" >&2\nexit 1\n' >"$T/fakebin/newuidmap"
    cp "$T/fakebin/newuidmap" "$T/fakebin/newgidmap"
    chmod 755 "$T/fakebin"/*
    run as_user "$RANGE_USER" env PATH="$T/fakebin:/usr/bin:/bin" "$T/usernsbox" \
        --map range -v "$T/vol-fake:/mnt" "$T/img-range" /bin/touch /mnt/ran
    assert_failure 1
    assert_output --partial "range not allowed"
    assert_output --regexp "'newuidmap [0-9]+ 0 $RUID 1 1 [0-9]+ 65536' failed"
    assert_file_not_exists "$T/vol-fake/ran"
}

@test "usernsbox: exit status is passed back; 127, 126; a bad root is bad input" {
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /usr/bin/probe exit 7
    assert_failure 7
    run -127 as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /no/such/command
    assert_output --partial "exec '/no/such/command' failed: ENOENT"
    run -126 as_user "$PLAIN_USER" "$T/usernsbox" "$T/img-plain" /etc
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/nope" /bin/true
    assert_failure 3
    assert_output --partial "ENOENT"
    mkdir -p "$T/notmp/dev" "$T/notmp/proc" "$T/notmp/sys"
    run as_user "$PLAIN_USER" "$T/usernsbox" "$T/notmp" /bin/true
    assert_failure 3
    assert_output --partial "notmp/tmp' is missing"
    run as_user "$PLAIN_USER" "$T/usernsbox" -v "$T/nope:/mnt" "$T/img-plain" /bin/true
    assert_failure 3
}

@test "usernsbox: --trace shows each call beside its shell twin" {
    run as_user "$PLAIN_USER" "$T/usernsbox" --trace --map single "$T/img-plain" /bin/true
    assert_success
    assert_output --partial '$ unshare --user --mount --uts --ipc --pid --fork --net --cgroup'
    assert_output --regexp "\\\$ echo 'deny' > /proc/[0-9]+/setgroups"
    assert_output --regexp "\\\$ echo '0 $PUID 1' > /proc/[0-9]+/uid_map"
    assert_output --regexp "\\\$ echo '0 $PGID 1' > /proc/[0-9]+/gid_map"
    assert_output --regexp 'the single-id map [0-9.]+ ms'
    assert_output --partial ',userxattr overlay '
    assert_output --partial '$ touch dev/null && mount --bind /dev/null dev/null'
    assert_output --partial '$ pivot_root . .'
    need_range
    run as_user "$RANGE_USER" "$T/usernsbox" --trace --map range "$T/img-range" /bin/true
    assert_success
    assert_output --regexp "\\\$ newuidmap [0-9]+ 0 $RUID 1 1 [0-9]+ 65536"
    assert_output --regexp "\\\$ newgidmap [0-9]+ 0 $RGID 1 1 [0-9]+ 65536"
    refute_output --partial "setgroups"
}
