#!/usr/bin/env bats
# Every worksheet command runs: the shell blocks of labs/*.md that a student
# types carry a run marker, and tests/worksheet.sh runs them in order on the
# reference, as root, in a sandbox (a copy of the project, /tmp in a scratch
# dir, its own namespaces and cgroups). A block must do what its marker
# says: succeed, or fail with exactly the statuses the marker names. Each
# test prints "LAB: N runnable blocks, ..." and the blocks it skipped (they
# need a v2 host, a terminal, or the student's own code), with the reason.

load lib/common

teardown() {
    [ -z "${CANARY:-}" ] || rm -f -- "$CANARY"
}

@test "worksheets: every sh block of labs/*.md carries a valid run marker" {
    run "$ROOT/tests/worksheet.sh" --check "$ROOT"/labs/*.md
    echo "$output"
    assert_success
    [ -z "$output" ]
}

@test "worksheets: a block that fails, or fails otherwise than its marker says, is caught" {
    need_root
    cat >"$BATS_TEST_TMPDIR/lab.md" <<'EOF'
<!-- run -->
```sh
bin/probe exit 0
bin/doctor --no-such-flag
```

<!-- run: fails 3 -->
```sh
bin/probe exit 4
```

<!-- run: fails 1 -->
```sh
true
```
EOF
    run env WORKSHEET_SCRATCH="$BATS_TEST_TMPDIR/ws" "$ROOT/tests/worksheet.sh" "$BATS_TEST_TMPDIR/lab.md"
    echo "$output"
    assert_failure 1
    assert_output --partial "lab.md:3: unexpected exit 2"
    assert_output --partial "exit 2: bin/doctor --no-such-flag"
    assert_output --partial "lab.md:9: unexpected exit 4; no command exited 3"
    assert_output --partial "lab.md:14: no command exited 1"
    assert_line "lab: 3 runnable blocks, 3 failed; 0 skipped"
}

@test "worksheets: the sandbox keeps the host's /tmp, /run and cgroups out of reach" {
    need_root
    local canary=/tmp/minictr-worksheet-canary-$$ left
    CANARY=$canary
    echo host >"$canary"
    cat >"$BATS_TEST_TMPDIR/lab.md" <<EOF
<!-- run -->
\`\`\`sh
test ! -e $canary && echo worksheet >$canary && mkdir -p /run/minictr/x
test "\$(pwd)" = /tmp/minictr && test -x bin/probe && test -d build/images/busybox
echo "MINICTR_ROOT=\$MINICTR_ROOT MINICTR_STATE=\$MINICTR_STATE"
mkdir /sys/fs/cgroup/pids/minictr-worksheet-selftest 2>/dev/null || mkdir /sys/fs/cgroup/minictr-worksheet-selftest
\`\`\`
EOF
    run env WORKSHEET_SCRATCH="$BATS_TEST_TMPDIR/ws" "$ROOT/tests/worksheet.sh" "$BATS_TEST_TMPDIR/lab.md"
    echo "$output"
    # It ran in the project's copy, with minictr's directories in /tmp ...
    assert_output --partial "MINICTR_ROOT=/tmp/mc-lab MINICTR_STATE=/tmp/mc-lab-state"
    assert_line "lab: 1 runnable blocks, 0 failed; 0 skipped"
    # ... a /tmp that is the scratch dir's: the host's canary was not
    # there, and is untouched; /run was a tmpfs of its own.
    [ "$(cat "$canary")" = host ]
    [ "$(cat "$BATS_TEST_TMPDIR/ws/tmp/minictr-worksheet-canary-$$")" = worksheet ]
    [ ! -e /run/minictr/x ]
    # A cgroup it left behind is reported and removed (on v1 and hybrid,
    # where it has cgroups of its own; on v2 it sees the host's tree).
    if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
        assert_failure 1
        assert_output --partial "the worksheet left cgroups behind"
        left=$(printf '%s\n' "$output" | grep -oE '/sys/fs/cgroup/pids/.*minictr-worksheet-[0-9]+/minictr-worksheet-selftest$')
        [ -n "$left" ]
        [ ! -e "$left" ]
    else
        assert_success
        rmdir /sys/fs/cgroup/minictr-worksheet-selftest
    fi
    [ -z "$(leftover_cgroups)" ]
}

# worksheet LAB: run labs/LAB.md; print its count line on the TAP stream.
worksheet() {
    local line
    need_root
    run env WORKSHEET_SCRATCH="$BATS_TEST_TMPDIR/ws" "$ROOT/tests/worksheet.sh" "$ROOT/labs/$1.md"
    echo "$output"
    line=$(printf '%s\n' "$output" | grep -E "^$1: [0-9]+ runnable blocks" || true)
    echo "# ${line:-$1: no summary}" >&3
    printf '%s\n' "$output" | sed -n 's/^--- \(.*\) skipped: /#   skipped \1: /p' >&3
    assert_success
    [[ "$line" =~ ^$1:\ ([0-9]+)\ runnable\ blocks,\ 0\ failed ]]
    [ "${BASH_REMATCH[1]}" -gt 0 ]
    [ -z "$(leftover_cgroups)" ]
}

@test "worksheet 00-doctor: every runnable block runs" {
    worksheet 00-doctor
}

@test "worksheet 01-chroot-jail: every runnable block runs" {
    need_cmd readelf
    need_cmd curl
    need_cmd iconv
    worksheet 01-chroot-jail
}

@test "worksheet 02-namespaces: every runnable block runs" {
    need_cmd findmnt
    worksheet 02-namespaces
}

@test "worksheet 03-cgroups: every runnable block runs" {
    need_cmd jq
    worksheet 03-cgroups
}

@test "worksheet 04-tar-runner: every runnable block runs" {
    need_cmd python3
    worksheet 04-tar-runner
}

@test "worksheet 05-pivot-root: every runnable block runs" {
    need_cmd cc
    worksheet 05-pivot-root
}

@test "worksheet 06-privileges: every runnable block runs" {
    need_cmd capsh
    worksheet 06-privileges
}

@test "worksheet 07-overlay: every runnable block runs" {
    need_cmd getfattr
    worksheet 07-overlay
}

@test "worksheet 08-user-namespaces: every runnable block runs (as a user)" {
    need_cmd newuidmap
    need_cmd useradd
    need_cmd setpriv
    need_cmd sudo
    worksheet 08-user-namespaces
}

@test "worksheet 09-network: every runnable block runs" {
    need_cmd ip
    need_cmd nsenter
    worksheet 09-network
}

@test "worksheet 10-images: every runnable block runs" {
    need_cmd jq
    need_cmd setfattr
    worksheet 10-images
}

@test "worksheet minictr: every runnable block runs" {
    need_cmd jq
    need_cmd capsh
    worksheet minictr
}

@test "worksheet minictr-serve: every runnable block runs" {
    need_cmd jq
    need_cmd curl
    need_cmd setpriv
    worksheet minictr-serve
}

@test "worksheet minictr-life: every runnable block runs" {
    need_cmd jq
    need_cmd socat
    need_cmd nsenter
    worksheet minictr-life
}

@test "worksheet minictr-oci: every runnable block runs" {
    need_cmd jq
    need_cmd python3
    need_cmd containerd
    need_cmd ctr
    need_cmd containerd-shim-runc-v2
    worksheet minictr-oci
}

@test "worksheet minictr-compose: every runnable block runs" {
    need_cmd jq
    need_cmd curl
    need_cmd strace
    need_cmd ip
    worksheet minictr-compose
}
