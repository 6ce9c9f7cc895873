#!/usr/bin/env bats
# 02-namespaces: nsbox [--ns LIST] [--hostname NAME] [--root DIR] CMD...
# Each fact is read from the kernel: namespace inodes of the command against
# the host's (different for each namespace made, equal for each one not
# made), PID 1 and the processes /proc shows, the hostname inside and out,
# mountinfo inside and out, and the exit status of the command.

load lib/common
bats_require_minimum_version 1.5.0

ALL_TYPES="uts pid mnt ipc net cgroup"

setup() {
    NSBOX=$(tool nsbox)
    HOST_NAME=$(uname -n)
    REAL_IMAGE=$(realpath "$IMAGE" 2>/dev/null || echo "$IMAGE")
}

teardown() {
    # A broken nsbox must not leave the host renamed, or mounts behind.
    if [ -n "${HOST_NAME:-}" ] && [ "$(uname -n)" != "$HOST_NAME" ]; then
        hostname "$HOST_NAME"
        echo "the host's hostname was changed: restored" >&2
        return 1
    fi
    [ -z "$(mounts_below "$REAL_IMAGE")" ]
}

need_image() {
    [ -x "$IMAGE/usr/bin/probe" ] || skip "no image at $IMAGE (make images)"
}

host_ns() {
    stat -L -c %i "/proc/self/ns/$1"
}

# inside_ns NSBOX-ARGS...: "TYPE=INODE" per type, read inside the box by the
# host's stat (no --root, so the host's tools; /proc is fresh with pid+mnt).
inside_ns() {
    "$NSBOX" "$@" sh -c 'for t in '"$ALL_TYPES"'; do
        echo "$t=$(stat -L -c %i /proc/self/ns/$t)"; done'
}

# assert_ns "$output" NEW-TYPES...: each listed type differs from the
# host's, every other type equals the host's.
assert_ns() {
    local out=$1 t inside
    shift
    for t in $ALL_TYPES; do
        inside=$(probe_get "$t" "$out")
        [ -n "$inside" ] || fail "no $t inode in: $out"
        if [[ " $* " == *" $t "* ]]; then
            [ "$inside" != "$(host_ns "$t")" ] ||
                fail "$t namespace is the host's ($inside), expected a new one"
        else
            [ "$inside" = "$(host_ns "$t")" ] ||
                fail "$t namespace is new ($inside), expected the host's"
        fi
    done
}

# Is PID still running (not gone, not a zombie waiting for its parent)?
running() {
    case "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" in
        '' | Z) return 1 ;;
    esac
}

# The host pid of the first child of PID (nsbox's child: the box's PID 1).
child_of() {
    local i kids
    for i in $(seq 100); do
        kids=$(cat "/proc/$1/task/$1/children" 2>/dev/null || true)
        [ -z "$kids" ] || { echo "${kids%% *}"; return 0; }
        running "$1" || return 1 # nsbox ended: no child will come
        sleep 0.05
    done
    return 1
}

@test "nsbox: --help prints usage to stdout and exits 0" {
    run --separate-stderr "$NSBOX" --help
    assert_success
    assert_output --partial "usage: nsbox"
    assert_output --partial "--ns LIST"
}

# bats test_tags=lab:02-1
@test "nsbox: by default all six namespaces are new; user and time are the host's" {
    need_root
    need_image
    run --separate-stderr "$NSBOX" --root "$IMAGE" probe ns
    assert_success
    for t in $ALL_TYPES; do
        inside=$(probe_get "ns.$t" "$output")
        [[ "$inside" =~ ^[0-9]+$ ]] || fail "ns.$t=$inside"
        [ "$inside" != "$(host_ns "$t")" ] || fail "$t is the host's"
    done
    for t in user time; do
        [ -e "/proc/self/ns/$t" ] || continue
        assert_equal "$(probe_get "ns.$t" "$output")" "$(host_ns "$t")"
    done
}

# bats test_tags=lab:02-1
@test "nsbox: --ns uts,ipc makes only those; pid, mnt, net, cgroup stay the host's" {
    need_root
    run --separate-stderr inside_ns --ns uts,ipc
    assert_success
    assert_ns "$output" uts ipc
}

# bats test_tags=lab:02-1
@test "nsbox: --ns pid,mount,net,cgroup makes those; uts and ipc stay the host's" {
    need_root
    run --separate-stderr inside_ns --ns pid,mount,net,cgroup
    assert_success
    assert_ns "$output" pid mnt net cgroup
}

# bats test_tags=lab:02-1,lab:02-3
@test "nsbox: the command is PID 1 and ps sees only the namespace's processes" {
    need_root
    need_image
    run --separate-stderr "$NSBOX" --root "$IMAGE" probe id
    assert_success
    assert_equal "$(probe_get pid "$output")" 1
    assert_equal "$(probe_get ppid "$output")" 0

    # sh is PID 1, ps is its child: the only two processes /proc shows,
    # while the host has many more.
    run --separate-stderr "$NSBOX" --root "$IMAGE" sh -c 'ps; echo "me=$$"'
    assert_success
    assert_line "me=1"
    pids=$(printf '%s\n' "$output" | awk '$1 ~ /^[0-9]+$/ { print $1 }')
    assert_equal "$(echo "$pids" | wc -l)" 2
    assert_equal "$(echo "$pids" | head -n 1)" 1
    [ "$(ls /proc | grep -c '^[0-9]*$')" -gt 2 ]

    run --separate-stderr "$NSBOX" --root "$IMAGE" ls /proc
    assert_success
    assert_equal "$(printf '%s\n' "$output" | grep '^[0-9]*$')" 1
}

# bats test_tags=lab:02-1
@test "nsbox: PID 1 ignores a SIGTERM sent inside its namespace" {
    need_root
    # pid_namespaces(7): init gets only the signals it has a handler for.
    run --separate-stderr "$NSBOX" sh -c 'kill -TERM $$; kill -KILL $$; echo survived'
    assert_success
    assert_output "survived"
}

# bats test_tags=lab:02-4
@test "nsbox: the hostname changes inside, not outside" {
    need_root
    need_image
    run --separate-stderr "$NSBOX" --hostname minictr-box --root "$IMAGE" probe id
    assert_success
    assert_equal "$(probe_get hostname "$output")" minictr-box
    assert_equal "$(uname -n)" "$HOST_NAME"

    # With no fresh /proc in the box (uts only, --root without pid+mnt)
    # the name is set all the same: sethostname(2) needs no file.
    run --separate-stderr "$NSBOX" --ns uts --hostname minictr-box --root "$IMAGE" probe id
    assert_success
    assert_equal "$(probe_get hostname "$output")" minictr-box
    assert_equal "$(uname -n)" "$HOST_NAME"

    # A command renaming its box leaves the host alone too.
    run --separate-stderr "$NSBOX" --ns uts sh -c 'hostname minictr-renamed; uname -n'
    assert_success
    assert_output minictr-renamed
    assert_equal "$(uname -n)" "$HOST_NAME"
}

# bats test_tags=lab:02-1
@test "nsbox: the cgroup namespace shows the box's cgroup as /" {
    need_root
    need_image
    run --separate-stderr "$NSBOX" --root "$IMAGE" probe cgroup
    assert_success
    assert_output --partial "cgroup="
    # Every hierarchy's path ends at the namespace root "/".
    refute_line --regexp '^cgroup=[0-9]+:[^:]*:/.+'
    # Without a cgroup namespace the box sees the host's paths.
    run --separate-stderr "$NSBOX" --ns uts cat /proc/self/cgroup
    assert_success
    assert_output "$(cat /proc/self/cgroup)"
}

# bats test_tags=lab:02-1
@test "nsbox: the net namespace has only a loopback device" {
    need_root
    need_image
    run --separate-stderr "$NSBOX" --root "$IMAGE" cat /proc/net/dev
    assert_success
    devs=$(printf '%s\n' "$output" | awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }')
    assert_equal "$devs" lo
}

# bats test_tags=lab:02-3
@test "nsbox: the fresh /proc is not in the host's mountinfo, and is gone after" {
    need_root
    ready=$BATS_TEST_TMPDIR/proc-mount-id
    "$NSBOX" sh -c "awk '\$5 == \"/proc\" { id = \$1 } END { print id }' \
        /proc/self/mountinfo > $ready.tmp; mv $ready.tmp $ready; sleep 30" &
    pid=$!
    for i in $(seq 100); do [ -s "$ready" ] || ! running "$pid" && break; sleep 0.05; done
    id=$(cat "$ready")
    [ -n "$id" ]
    # The host's /proc is a different mount, and the box's is not listed.
    [ "$id" != "$(awk '$5 == "/proc" { print $1 }' /proc/self/mountinfo)" ]
    assert_equal "$(awk -v id="$id" '$1 == id' /proc/self/mountinfo)" ""
    kill -KILL "$pid"
    wait "$pid" || true
    assert_equal "$(awk -v id="$id" '$1 == id' /proc/self/mountinfo)" ""
}

@test "nsbox: the box's /proc is a proc of its own, mounted nosuid,nodev,noexec" {
    need_root
    need_image
    # mountinfo as the box sees it: one proc at /proc, with the per-mount
    # options (field 6) a runtime gives it (runc and Docker do the same).
    run --separate-stderr "$NSBOX" --root "$IMAGE" cat /proc/self/mountinfo
    assert_success
    local line opts
    line=$(printf '%s\n' "$output" | awk '$5 == "/proc"')
    [ "$(printf '%s\n' "$line" | wc -l)" -eq 1 ] || fail "not one mount at /proc: $line"
    [[ "$line" == *" - proc "* ]] || fail "/proc is no proc: $line"
    opts=,$(printf '%s\n' "$line" | awk '{ print $6 }'),
    for o in nosuid nodev noexec; do
        [[ "$opts" == *",$o,"* ]] || fail "/proc is not $o: $line"
    done
}

# bats test_tags=lab:02-2
@test "nsbox: / is made private: a mount inside does not reach the host" {
    need_root
    need_cmd unshare
    d=$BATS_TEST_TMPDIR/shared
    mkdir -p "$d/inner"
    # A shared mount, as systemd makes /: mounts below it propagate.
    mount --bind "$d" "$d"
    mount --make-shared "$d"
    # Control: a mount namespace that keeps the propagation leaks.
    unshare --mount --propagation unchanged mount -t tmpfs minictr-ctl "$d/inner"
    assert_equal "$(mounts_below "$d/inner")" "$d/inner"
    umount "$d/inner"

    # The mount's source is ours alone: another run's mounts (or this
    # test's in another suite running now) must not be counted.
    run --separate-stderr "$NSBOX" --ns mnt sh -c \
        "mount -t tmpfs minictr-test-$$ '$d/inner' && grep -c ' minictr-test-$$ ' /proc/self/mountinfo"
    leaked=$(mounts_below "$d/inner")
    umount -R "$d"
    assert_success
    assert_output 1
    assert_equal "$leaked" ""
}

# bats test_tags=lab:02-1
@test "nsbox: exit status is passed back (exit 7, SIGTERM 143, SIGKILL 137)" {
    need_root
    run "$NSBOX" sh -c 'exit 7'
    assert_failure 7
    # Without a pid namespace the command is no init and dies of signals.
    run "$NSBOX" --ns uts,ipc sh -c 'kill -TERM $$'
    assert_failure 143
    run "$NSBOX" --ns uts,ipc sh -c 'kill -KILL $$'
    assert_failure 137
}

# bats test_tags=lab:02-1
@test "nsbox: PID 1 killed from the host with SIGKILL gives 137" {
    need_root
    "$NSBOX" sleep 30 &
    pid=$!
    child=$(child_of "$pid")
    kill -KILL "$child"
    status=0
    wait "$pid" || status=$?
    assert_equal "$status" 137
}

@test "nsbox: when nsbox dies, the box dies with it (PR_SET_PDEATHSIG)" {
    need_root
    "$NSBOX" sleep 30 &
    pid=$!
    child=$(child_of "$pid")
    kill -KILL "$pid"
    wait "$pid" || true
    for i in $(seq 100); do
        state=$(awk '{ print $3 }' "/proc/$child/stat" 2>/dev/null || true)
        [ -z "$state" ] || [ "$state" = Z ] && break
        sleep 0.05
    done
    [ -z "$state" ] || [ "$state" = Z ] || fail "box PID 1 ($child) still running: $state"
}

@test "nsbox: a missing command exits 127, a non-executable one 126" {
    need_root
    run -127 --separate-stderr "$NSBOX" minictr-no-such-command
    assert_failure 127
    [[ "$stderr" == *"exec 'minictr-no-such-command' failed: ENOENT"* ]] || fail "$stderr"
    printf 'echo hi\n' > "$BATS_TEST_TMPDIR/script"
    chmod 0644 "$BATS_TEST_TMPDIR/script"
    run -126 --separate-stderr "$NSBOX" "$BATS_TEST_TMPDIR/script"
    assert_failure 126
    [[ "$stderr" == *"failed: EACCES"* ]] || fail "$stderr"
}

@test "nsbox: the command's own flags are not nsbox's" {
    need_root
    run --separate-stderr "$NSBOX" echo --ns bogus --hostname
    assert_success
    assert_output "--ns bogus --hostname"
}

@test "nsbox: bad input: unknown namespace, empty list, unknown option, no command" {
    run --separate-stderr "$NSBOX" --ns uts,bogus true
    assert_failure 2
    [[ "$stderr" == *"unknown namespace 'bogus'"* ]] || fail "$stderr"
    run --separate-stderr "$NSBOX" --ns , true
    assert_failure 2
    run --separate-stderr "$NSBOX" --bogus true
    assert_failure 2
    [[ "$stderr" == *"unknown option '--bogus'"* ]] || fail "$stderr"
    run --separate-stderr "$NSBOX"
    assert_failure 2
    [[ "$stderr" == *"no command"* ]] || fail "$stderr"
}

@test "nsbox: --hostname without a uts namespace exits 2 and renames nothing" {
    run --separate-stderr "$NSBOX" --ns pid,mnt --hostname minictr-host true
    assert_failure 2
    [[ "$stderr" == *"--hostname needs the uts namespace"* ]] || fail "$stderr"
    assert_equal "$(uname -n)" "$HOST_NAME"
    run --separate-stderr "$NSBOX" --hostname "$(printf 'x%.0s' $(seq 70))" true
    assert_failure 2
}

@test "nsbox: --root that is missing or has no proc/ exits 3, mounting nothing" {
    run --separate-stderr "$NSBOX" --root "$BATS_TEST_TMPDIR/missing" true
    assert_failure 3
    [[ "$stderr" == *"'$BATS_TEST_TMPDIR/missing'"* ]] || fail "$stderr"
    mkdir "$BATS_TEST_TMPDIR/noproc"
    run --separate-stderr "$NSBOX" --root "$BATS_TEST_TMPDIR/noproc" true
    assert_failure 3
    [[ "$stderr" == *"noproc/proc' is missing"* ]] || fail "$stderr"
    assert_equal "$(mounts_below "$BATS_TEST_TMPDIR")" ""
}

# bats test_tags=lab:02-1,lab:02-2,lab:02-3,lab:02-4
@test "nsbox: --trace shows each call beside the command that does the same" {
    need_root
    need_image
    run --separate-stderr "$NSBOX" --trace --hostname minictr-box --root "$IMAGE" true
    assert_success
    for want in 'trace: clone(' 'CLONE_NEWPID' \
        '$ unshare --uts --pid --fork --mount --ipc --net --cgroup true' \
        '$ mount --make-rprivate /' '$ mount -t proc' '$ hostname minictr-box' \
        'trace: sethostname("minictr-box", 11)'; do
        [[ "$stderr" == *"$want"* ]] || fail "no '$want' in: $stderr"
    done
    run --separate-stderr "$NSBOX" --root "$IMAGE" true
    assert_success
    [[ "$stderr" != *"trace:"* ]] || fail "traced without --trace: $stderr"
}
