#!/usr/bin/env bats
# 00-doctor: the doctor must tell the truth about this kernel. Every fact it
# reports is computed again here, independently (stat -f, /proc/cgroups,
# unshare(1)), and the cases it must catch are made for real in a private
# mount namespace: a missing library, no overlay, another cgroup layout.

load lib/common
bats_require_minimum_version 1.5.0

setup() {
    DOCTOR=$(tool doctor)
}

teardown() {
    if [ -n "${SHARED_DIR:-}" ]; then
        rm -rf -- "$SHARED_DIR"
    fi
}

# The cgroup mode the kernel really has, found the way cgroups(7) tells.
kernel_cgroup_mode() {
    case "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" in
        cgroup2fs) echo v2 ;;
        tmpfs)
            if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
                echo hybrid
            else
                echo v1
            fi
            ;;
        *) echo none ;;
    esac
}

# Print one field of the doctor's JSON (read on stdin) as text: a Python
# expression over `d`, e.g. json_get 'd["cgroup_mode"]'.
json_get() {
    python3 -c '
import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
print(" ".join(v) if isinstance(v, list) else v)' "$1"
}

# Run the doctor in a private mount namespace after a setup script.
doctor_in_mntns() {
    local script=$1
    shift
    run unshare --mount --propagation private sh -c "$script"' && exec "$0" "$@"' "$DOCTOR" "$@"
}

@test "doctor: --help prints usage to stdout and exits 0" {
    run --separate-stderr "$DOCTOR" --help
    assert_success
    assert_output --partial "usage: doctor [--json] [--trace]"
    assert_output --partial "Exit status: 0 ready"
    [ -z "$stderr" ]
}

@test "doctor: a bad flag or an argument is a usage error (exit 2, stderr)" {
    run --separate-stderr "$DOCTOR" --bogus
    assert_failure 2
    [ -z "$output" ]
    [[ "$stderr" == *"doctor: unknown option '--bogus'"* ]]
    [[ "$stderr" == *"try 'doctor --help'"* ]]

    run --separate-stderr "$DOCTOR" extra
    assert_failure 2
    [ -z "$output" ]
    [[ "$stderr" == *"unexpected argument 'extra'"* ]]
}

# bats test_tags=lab:00-1,lab:00-2,lab:00-3
@test "doctor: as root on this host: ready, exit 0, every check has a status" {
    need_root
    run --separate-stderr "$DOCTOR"
    echo "$output"
    assert_success
    assert_line --regexp '^ready: yes \(0 failed, [0-9]+ warnings?\)$'
    assert_line --regexp '^ok +root +running as root'
    refute_line --regexp '^FAIL '
    # Every line is a check, a fix or the summary: nothing else.
    local bad
    bad=$(printf '%s\n' "$output" | grep -Ev '^(ok  |warn|FAIL) [a-z0-9-]+ +[^ ]|^     fix: .|^ready: ' || true)
    [ -z "$bad" ]
    # Each warning explains itself with a fix line right after it.
    local warns fixes
    warns=$(printf '%s\n' "$output" | grep -c '^warn ' || true)
    fixes=$(printf '%s\n' "$output" | grep -A1 '^warn ' | grep -c '^     fix: ' || true)
    [ "$warns" -eq "$fixes" ]
}

# bats test_tags=lab:00-1
@test "doctor: the cgroup mode is the one the kernel really has" {
    local mode
    mode=$(kernel_cgroup_mode)
    run "$DOCTOR"
    assert_line --regexp "^ok +cgroup-mode +$mode: "
    run "$DOCTOR" --json
    [ "$(printf '%s' "$output" | json_get 'd["cgroup_mode"]')" = "$mode" ]
}

# bats test_tags=lab:00-1,lab:00-3
@test "doctor: the controllers are those /proc/cgroups and cgroup2 offer" {
    local mode v2root want_v1 want_v2 all
    mode=$(kernel_cgroup_mode)
    case "$mode" in
        v2) v2root=/sys/fs/cgroup ;;
        hybrid) v2root=/sys/fs/cgroup/unified ;;
        *) v2root= ;;
    esac
    # v1: enabled and on a v1 hierarchy (hierarchy id > 0); not on pure v2.
    want_v1=
    if [ "$mode" != v2 ]; then
        want_v1=$(awk '!/^#/ && $2 > 0 && $4 == 1 { print $1 }' /proc/cgroups | sort | xargs)
    fi
    want_v2=
    [ -z "$v2root" ] || want_v2=$(tr ' ' '\n' < "$v2root/cgroup.controllers" | sed '/^$/d' | sort | xargs)
    all=$(awk '!/^#/ { print $1 }' /proc/cgroups | sort | xargs)
    # v2 calls blkio "io": on pure v2 the doctor uses that name
    [ "$mode" != v2 ] || all=$(tr ' ' '\n' <<<"$all" | sed 's/^blkio$/io/' | sort | xargs)

    run "$DOCTOR" --json
    local json=$output
    [ "$(printf '%s' "$json" | json_get 'sorted(d["controllers"]["v1"])')" = "$want_v1" ]
    [ "$(printf '%s' "$json" | json_get 'sorted(d["controllers"]["v2"])')" = "$want_v2" ]
    # Every controller the kernel has is accounted for, once.
    [ "$(printf '%s' "$json" | json_get 'sorted(sum(d["controllers"].values(), []))')" = "$all" ]

    # The text says the same.
    run "$DOCTOR"
    local line
    line=$(printf '%s\n' "$output" | grep -E '^(ok  |FAIL) cgroup-ctrl ')
    [ "$(echo "$line" | sed 's/.*v1: \([^;]*\);.*/\1/' | tr ' ' '\n' | sort | xargs)" = "${want_v1:--}" ]
    [ "$(echo "$line" | sed 's/.*v2: \([^;]*\);.*/\1/' | tr ' ' '\n' | sort | xargs)" = "${want_v2:--}" ]
}

# bats test_tags=lab:00-1,lab:00-3
@test "doctor: on a root run, memory, cpu and pids are usable" {
    need_root
    run "$DOCTOR" --json
    local usable
    usable=$(printf '%s' "$output" | json_get 'd["controllers"]["v1"] + d["controllers"]["v2"]')
    for c in memory cpu pids; do
        [[ " $usable " == *" $c "* ]] || { echo "missing $c in: $usable"; false; }
    done
}

@test "doctor: --json is valid JSON and agrees with the text output" {
    run "$DOCTOR" --json
    local json=$output json_status=$status
    printf '%s' "$json" | python3 -m json.tool > /dev/null
    run "$DOCTOR"
    local text=$output
    [ "$status" -eq "$json_status" ]

    # hostname and kernel are this machine's.
    [ "$(printf '%s' "$json" | json_get 'd["hostname"]')" = "$(uname -n)" ]
    [ "$(printf '%s' "$json" | json_get 'd["kernel"]')" = "$(uname -r)" ]
    # The same checks, in the same order, with the same status.
    local from_json from_text
    from_json=$(printf '%s' "$json" | json_get '[c["status"] + ":" + c["name"] for c in d["checks"]]')
    from_text=$(printf '%s\n' "$text" | awk '/^(ok|warn|FAIL) / { printf "%s%s:%s", sep, $1, $2; sep = " " }')
    [ "$from_json" = "$from_text" ]
    # ready agrees with the summary line and the exit status.
    local ready
    ready=$(printf '%s' "$json" | json_get 'str(d["ready"]).lower()')
    if [ "$json_status" -eq 0 ]; then
        [ "$ready" = true ]
        [[ "$text" == *"ready: yes"* ]]
    else
        [ "$ready" = false ]
        [[ "$text" == *"ready: no"* ]]
    fi
    # A check with a fix in JSON has a fix line in the text.
    [ "$(printf '%s' "$json" | json_get 'str(sum(1 for c in d["checks"] if c["fix"]))')" = \
        "$(printf '%s\n' "$text" | grep -c '^     fix: ' || true)" ]
}

# bats test_tags=lab:00-2
@test "doctor: each namespace line agrees with unshare(1)" {
    need_root
    run "$DOCTOR"
    local text=$output name opt
    for pair in uts:--uts ipc:--ipc pid:--pid net:--net mnt:--mount \
        cgroup:--cgroup user:--user time:--time; do
        name=${pair%%:*}
        opt=${pair#*:}
        if [ -e "/proc/self/ns/$name" ] && unshare "$opt" true 2> /dev/null; then
            printf '%s\n' "$text" | grep -Eq "^ok +ns-$name +unshare\(CLONE_NEW" ||
                { echo "ns-$name should be ok"; false; }
        else
            printf '%s\n' "$text" | grep -Eq "^(warn|FAIL) +ns-$name " ||
                { echo "ns-$name should not be ok"; false; }
        fi
    done
}

@test "doctor: seccomp mode is ours, from /proc/self/status" {
    local mode
    mode=$(awk '/^Seccomp:/ { print $2 }' /proc/self/status)
    run "$DOCTOR"
    assert_line --regexp "^(ok  |warn) seccomp +mode $mode"
}

# bats test_tags=lab:00-1
@test "doctor: without root it still reports, and says root is missing" {
    need_root
    need_cmd setpriv
    # A copy nobody can reach: the test's own tmpdir is private to root.
    SHARED_DIR=$(mktemp -d /tmp/minictr-doctor.XXXXXX)
    chmod 0755 "$SHARED_DIR"
    install -m 0755 "$DOCTOR" "$SHARED_DIR/doctor"
    run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$SHARED_DIR/doctor"
    echo "$output"
    assert_failure 1
    assert_line --regexp '^FAIL root +running as uid 65534, not root'
    assert_line --partial 'fix: run the workshop tools, and this doctor, with sudo'
    assert_line --regexp '^ready: no \([1-9]'
    # It went on after that: the cgroup mode is still right.
    assert_line --regexp "^ok +cgroup-mode +$(kernel_cgroup_mode): "
    # Without root a namespace is tried inside a new user namespace, as
    # rootless containers make them: each line agrees with unshare(1) run
    # by the same user.
    local text=$output pair name opt
    for pair in uts:--uts ipc:--ipc pid:--pid net:--net mnt:--mount \
        cgroup:--cgroup time:--time; do
        name=${pair%%:*}
        opt=${pair#*:}
        [ -e "/proc/self/ns/$name" ] || continue
        if setpriv --reuid=65534 --regid=65534 --clear-groups \
            unshare --user "$opt" true 2>/dev/null; then
            printf '%s\n' "$text" | grep -Eq "^ok +ns-$name +unshare\(CLONE_NEWUSER\|CLONE_NEW" ||
                { echo "ns-$name should be ok without root"; false; }
        else
            printf '%s\n' "$text" | grep -Eq "^(warn|FAIL) +ns-$name " ||
                { echo "ns-$name should not be ok without root"; false; }
        fi
    done

    run setpriv --reuid=65534 --regid=65534 --clear-groups "$SHARED_DIR/doctor" --json
    assert_failure 1
    [ "$(printf '%s' "$output" | json_get 'str(d["root"]).lower()')" = false ]
    [ "$(printf '%s' "$output" | json_get 'str(d["ready"]).lower()')" = false ]
}

@test "doctor: a namespace limit of 0 is a FAIL with ENOSPC and the sysctl to raise" {
    need_cmd unshare
    # The user.max_*_namespaces limits belong to a user namespace: set to
    # 0 in one of our own, where the doctor runs as its root. The host's
    # limits stay as they are.
    unshare --user --map-root-user sh -c 'echo 0 > /proc/sys/user/max_uts_namespaces' ||
        skip "cannot set namespace limits in a user namespace here"
    run --separate-stderr unshare --user --map-root-user sh -c '
        echo 0 > /proc/sys/user/max_uts_namespaces &&
        echo 0 > /proc/sys/user/max_user_namespaces && exec "$0"' "$DOCTOR"
    echo "$output"
    assert_failure 1
    # The errno the child saw, and the fix for it.
    assert_line --regexp '^FAIL ns-uts +.*unshare\(CLONE_NEWUTS\) failed: ENOSPC'
    assert_line --partial 'fix: raise the limit: sudo sysctl -w user.max_uts_namespaces=10000'
    assert_line --regexp '^FAIL ns-user +.*unshare\(CLONE_NEWUSER\) failed: ENOSPC'
    # Root (here: of this user namespace) needs no user namespace for the
    # others, so the limit on user namespaces does not touch them.
    local t
    for t in ipc pid net mnt cgroup; do
        assert_line --regexp "^ok +ns-$t +unshare\(CLONE_NEW[A-Z]+\) works"
    done
    [ "$(cat /proc/sys/user/max_uts_namespaces)" -gt 0 ]
}

@test "doctor: a missing libseccomp is a FAIL with the package to install" {
    need_root
    need_cmd unshare
    local lib
    lib=$(ldconfig -p | awk '$1 == "libseccomp.so.2" { print $NF; exit }')
    [ -n "$lib" ] || skip "libseccomp.so.2 is not installed here"
    : > "$BATS_TEST_TMPDIR/empty"
    # An empty file over the library, seen only by this doctor.
    doctor_in_mntns "mount --bind '$BATS_TEST_TMPDIR/empty' '$lib'"
    echo "$output"
    assert_failure 1
    assert_line --regexp '^FAIL lib-seccomp +cannot load libseccomp.so.2: '
    assert_line --partial 'fix: sudo apt-get install libseccomp2 libseccomp-dev'
    assert_line --regexp '^ok +lib-cap '
    assert_line --regexp '^ready: no '
    # And the host still has it.
    [ -s "$lib" ]
}

@test "doctor: no overlay in /proc/filesystems is reported with modprobe" {
    need_root
    need_cmd unshare
    grep -v 'overlay' /proc/filesystems > "$BATS_TEST_TMPDIR/filesystems"
    doctor_in_mntns "mount --bind '$BATS_TEST_TMPDIR/filesystems' /proc/filesystems"
    echo "$output"
    assert_line --regexp '^(warn|FAIL) overlayfs '
    assert_line --partial 'fix: sudo modprobe overlay'
    grep -q overlay /proc/filesystems
}

# bats test_tags=lab:00-1
@test "doctor: tells v1, hybrid and v2 apart by the filesystem it finds" {
    need_root
    need_cmd unshare
    local before mounts
    before=$(kernel_cgroup_mode)
    mounts=$(grep -c ' /sys/fs/cgroup' /proc/self/mountinfo)
    # cgroup2 right at /sys/fs/cgroup: v2. (A tmpfs first: where cgroup2
    # is mounted there already, mounting it again on top is EBUSY.)
    doctor_in_mntns "mount -t tmpfs none /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup" --json
    [ "$(printf '%s' "$output" | json_get 'd["cgroup_mode"]')" = v2 ]
    # A bare tmpfs: v1, with no hierarchy mounted, so nothing usable.
    doctor_in_mntns "mount -t tmpfs none /sys/fs/cgroup"
    echo "$output"
    assert_failure 1
    assert_line --regexp '^ok +cgroup-mode +v1: '
    assert_line --regexp '^FAIL cgroup-ctrl +v1: -; .*missing: memory cpu pids$'
    # tmpfs plus cgroup2 at unified/: hybrid.
    doctor_in_mntns "mount -t tmpfs none /sys/fs/cgroup && mkdir /sys/fs/cgroup/unified && mount -t cgroup2 none /sys/fs/cgroup/unified" --json
    [ "$(printf '%s' "$output" | json_get 'd["cgroup_mode"]')" = hybrid ]
    # Names prove nothing: an empty unified/ and a plain file named
    # cgroup.controllers on a tmpfs are still v1.
    doctor_in_mntns "mount -t tmpfs none /sys/fs/cgroup && mkdir /sys/fs/cgroup/unified && touch /sys/fs/cgroup/cgroup.controllers" --json
    [ "$(printf '%s' "$output" | json_get 'd["cgroup_mode"]')" = v1 ]
    # Nothing of it leaked out here.
    [ "$(kernel_cgroup_mode)" = "$before" ]
    [ "$(grep -c ' /sys/fs/cgroup' /proc/self/mountinfo)" -eq "$mounts" ]
}

@test "doctor: nothing mounted at /sys/fs/cgroup is mode none, a FAIL with the fix" {
    need_root
    need_cmd unshare
    # Every cgroup mount taken away, in a private mount namespace: what is
    # left at /sys/fs/cgroup is a directory of sysfs, neither cgroup2 nor
    # the tmpfs that holds v1 hierarchies.
    doctor_in_mntns "umount -R -l /sys/fs/cgroup && [ \"\$(stat -f -c %T /sys/fs/cgroup)\" = sysfs ]"
    echo "$output"
    assert_failure 1
    assert_line --regexp '^FAIL cgroup-mode +none: nothing usable is mounted at /sys/fs/cgroup$'
    assert_line --partial 'fix: sudo mount -t cgroup2 none /sys/fs/cgroup'
    [ "$(kernel_cgroup_mode)" != none ]
}

@test "doctor: the v2 controllers are every name cgroup.controllers lists" {
    need_root
    need_cmd unshare
    local mode v2root extra want
    mode=$(kernel_cgroup_mode)
    case "$mode" in
        v2) v2root=/sys/fs/cgroup ;;
        hybrid) v2root=/sys/fs/cgroup/unified ;;
        *) skip "no cgroup2 tree here ($mode)" ;;
    esac
    # What the kernel lists, plus two more controllers it has (a hybrid
    # host offers one or none on its cgroup2 tree, which hides a wrong
    # split): one line, names split by single spaces, as the kernel
    # writes it. The file is bound over the real one for this doctor only.
    extra=$(awk '!/^#/ && $4 == 1 && $1 != "blkio" && $1 != "io" { print $1 }' /proc/cgroups |
        grep -vxF -f <(tr ' ' '\n' <"$v2root/cgroup.controllers") | head -n 2 | xargs)
    echo "$(cat "$v2root/cgroup.controllers") $extra" | xargs > "$BATS_TEST_TMPDIR/controllers"
    want=$(tr ' ' '\n' <"$BATS_TEST_TMPDIR/controllers" | sort | xargs)
    [ "$(wc -w <"$BATS_TEST_TMPDIR/controllers")" -ge 2 ]
    doctor_in_mntns "mount --bind '$BATS_TEST_TMPDIR/controllers' '$v2root/cgroup.controllers'" --json
    [ "$(printf '%s' "$output" | json_get 'sorted(d["controllers"]["v2"])')" = "$want" ] ||
        fail "v2: $(printf '%s' "$output" | json_get 'sorted(d["controllers"]["v2"])'), want: $want"
}

# bats test_tags=lab:00-1
@test "doctor: finds the v1 hierarchies that are really mounted" {
    need_root
    need_cmd unshare
    awk '$1 == "memory" && $2 > 0 { found = 1 } END { exit !found }' /proc/cgroups ||
        skip "memory is not on a v1 hierarchy here (pure cgroup v2)"
    # A fresh tmpfs with only the memory hierarchy mounted again below it.
    doctor_in_mntns "mount -t tmpfs none /sys/fs/cgroup && mkdir /sys/fs/cgroup/memory && mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory"
    echo "$output"
    assert_line --regexp '^FAIL cgroup-ctrl +v1: memory; .*missing: cpu pids$'
    assert_line --regexp '^(ok  |FAIL) cgroup-ours +memory:/'
}

@test "doctor: --trace shows the shell commands beside the calls" {
    run --separate-stderr "$DOCTOR" --trace
    [[ "$stderr" == *'$ stat -f -c %T /sys/fs/cgroup'* ]]
    [[ "$stderr" == *'$ unshare '*'--uts true'* ]]
    [[ "$stderr" == *'dlopen("libcap.so.2", RTLD_NOW)'* ]]
}

# What the grader needs (make grade and make test). The doctor must find what
# the shell finds, and a machine without it must not be "ready".

@test "doctor: finds bats and its libraries, python3, xz, zstd and the image as the shell does" {
    run "$DOCTOR"
    echo "$output"
    local lib bats_ok=1 tool
    command -v bats >/dev/null || bats_ok=0
    for lib in bats-support bats-assert bats-file; do
        [ -r "/usr/lib/bats/$lib/load.bash" ] || bats_ok=0
    done
    if [ "$bats_ok" = 1 ]; then
        assert_line "ok   bats         $(command -v bats); bats-support, bats-assert, bats-file in /usr/lib/bats"
    else
        assert_line --regexp '^FAIL bats '
    fi
    for tool in python3 xz zstd; do
        if command -v "$tool" >/dev/null; then
            assert_line --regexp "^ok +$tool +$(command -v "$tool")\$"
        else
            assert_line --regexp "^FAIL $tool +no $tool in \\\$PATH: "
        fi
    done
    if [ -x "$IMAGE/usr/bin/probe" ]; then
        assert_line --regexp '^ok +image +.*build/images/busybox, with the probe$'
    else
        assert_line --regexp '^(warn|FAIL) image '
    fi
}

@test "doctor: no bats in PATH, or its libraries hidden: FAIL with the apt-get line" {
    need_root
    need_cmd unshare
    [ -d /usr/lib/bats ] || skip "no /usr/lib/bats here to hide"
    # A PATH with python3, xz and zstd, but no bats.
    local bin=$BATS_TEST_TMPDIR/bin tool
    mkdir "$bin"
    for tool in python3 xz zstd; do
        ln -s "$(command -v "$tool")" "$bin/$tool"
    done
    run env PATH="$bin" "$DOCTOR"
    echo "$output"
    assert_failure 1
    assert_line --regexp '^FAIL bats +no bats in \$PATH: make grade and make test cannot run$'
    assert_line --partial 'fix: sudo apt-get install bats (rootfs-scripts/install-deps.sh --test'
    assert_line --regexp '^ok +python3 '
    assert_line --regexp '^ready: no \(1 failed'

    # bats itself, but an empty /usr/lib/bats, seen only by this doctor.
    doctor_in_mntns "mount -t tmpfs none /usr/lib/bats"
    echo "$output"
    assert_failure 1
    assert_line --regexp '^FAIL bats +bats-support, bats-assert, bats-file missing from /usr/lib/bats: '
    assert_line --partial 'fix: sudo apt-get install bats-support bats-assert bats-file ('
    refute_line --partial 'apt-get install bats bats-'
    # And the host still has them.
    [ -r /usr/lib/bats/bats-assert/load.bash ]
}

@test "doctor: python3, xz and zstd missing are each a FAIL naming its package" {
    mkdir "$BATS_TEST_TMPDIR/empty"
    run env PATH="$BATS_TEST_TMPDIR/empty" "$DOCTOR"
    echo "$output"
    assert_failure 1
    assert_line --regexp '^FAIL python3 +no python3 in \$PATH: the tests of steps 00 and 04 '
    assert_line '     fix: sudo apt-get install python3'
    assert_line --regexp '^FAIL xz +no xz in \$PATH: '
    assert_line '     fix: sudo apt-get install xz-utils'
    assert_line --regexp '^FAIL zstd +no zstd in \$PATH: '
    assert_line '     fix: sudo apt-get install zstd'
    assert_line --partial 'fix: sudo apt-get install bats ('
    # --json says the same.
    run env PATH="$BATS_TEST_TMPDIR/empty" "$DOCTOR" --json
    [ "$(printf '%s' "$output" | json_get '" ".join(c["name"] for c in d["checks"] if c["status"] == "FAIL")')" = "bats python3 xz zstd" ]
}

@test "doctor: no built-in image is a warning (make images); one without a static probe a FAIL" {
    need_root
    need_cmd unshare
    [ -d "$ROOT/build/images" ] || skip "no build/images here (make images)"
    # build/images hidden: make grade would build it, so the doctor warns.
    doctor_in_mntns "mount -t tmpfs none '$ROOT/build/images'"
    echo "$output"
    assert_line --regexp '^warn image +.*build/images/busybox is missing: make grade and make test build it first'
    assert_line --regexp '^     fix: make images \(in .*\)$'
    refute_line --regexp '^FAIL '
    assert_success
    # A dynamic program where the static probe belongs: a FAIL.
    [ -x "$IMAGE/usr/bin/probe" ] || skip "the image has no probe to replace"
    doctor_in_mntns "mount --bind /bin/true '$IMAGE/usr/bin/probe'"
    echo "$output"
    assert_failure 1
    assert_line --regexp '^FAIL image +.*build/images/busybox has no static probe at /usr/bin/probe \(dynamically linked\)'
    assert_line --regexp '^     fix: make -B images \(in .*\)$'
    # The host's image is as it was.
    cmp -s "$PROBE" "$IMAGE/usr/bin/probe"
}
