#!/usr/bin/env bats
# 03-cgroups: cgbox [--memory SIZE] [--cpus N] [--pids N] [--json] [-o FILE] CMD...
# Facts come from the kernel: /proc/PID/cgroup of the running command, the
# limit files of its cgroup, the cgroup's own counters (read by the command
# itself and compared with the report), /proc for leftover processes, and
# no minictr* cgroup may remain after any test, failures included.
# Runs on v1, hybrid and pure v2 hosts (tests/vm runs it in a v2 VM, where
# everything is 15-30x slower: waits are generous, loops bounded).

load lib/common
bats_require_minimum_version 1.5.0

# Run with bats directly (not tests/run.sh, make grade or labs/mutants.sh),
# this file still gets cgroups of its own on v1 and hybrid hosts: the
# leftover checks and the kills in teardown then reach only this file's
# cgroups, never another run's (see lib/runcg.bash).
setup_file() {
    if [ -z "${MINICTR_TEST_CGROUPS:-}" ] && [ "$(id -u)" -eq 0 ]; then
        # shellcheck source=lib/runcg.bash
        . "$BATS_TEST_DIRNAME/lib/runcg.bash"
        runcg_enter
    fi
}

teardown_file() {
    [ "${#RUNCG_DIRS[@]}" -eq 0 ] || runcg_leave
}

setup() {
    need_root
    CGBOX=$(tool cgbox)
    REPORT=$BATS_TEST_TMPDIR/report.json
}

# Our cgroups left behind: minictr-cgbox-PID (v1) and the parent minictr
# that holds cgbox-PID (v2). Other tools' minictr-* cgroups are not ours.
our_leftovers() {
    leftover_cgroups | grep -E '/minictr(-cgbox-[0-9]+)?$' || true
}

# Every test, passed or failed, must leave no cgroup behind. A broken
# cgbox's leftovers (and what runs in them: started by these tests) are
# removed here, so the next test and the host stay clean; the test fails.
# The cgroup of the v2 code path's test (V2_CGROUP, set by that test),
# where the host has it: on a hybrid host the same cgroup2 tree is mounted
# at /sys/fs/cgroup/unified, which leftover_cgroups does not search. If it
# is still there, what runs in it was started by the test: thaw it, kill
# it, remove it, and say so.
v2_leftover() {
    local v2mnt d i
    [ -n "${V2_CGROUP:-}" ] || return 1
    v2mnt=$(awk '{ split($0, h, " - "); split(h[2], f, " ") }
        f[1] == "cgroup2" && $4 == "/" { print $5; exit }' /proc/self/mountinfo)
    d=$v2mnt$V2_CGROUP
    [ -n "$v2mnt" ] && [ -d "$d" ] || return 1
    echo 0 >"$d/cgroup.freeze"
    for i in 1 2 3 4 5 6 7 8 9 10; do
        xargs -r kill -KILL <"$d/cgroup.procs"
        rmdir "$d" && break
        sleep 0.5
    done 2>/dev/null
    rmdir "$v2mnt/minictr" 2>/dev/null
    echo "$d"
}

teardown() {
    local left d i
    left=$(our_leftovers; v2_leftover)
    [ -n "$left" ] || return 0
    for d in $(leftover_cgroups | grep -E '/minictr-cgbox-[0-9]+$'
        [ -n "${MINICTR_TEST_CGROUPS:-}" ] ||
            find /sys/fs/cgroup -depth -maxdepth 3 -type d -path '*/minictr/cgbox-*'); do
        for i in 1 2 3 4 5 6 7 8 9 10; do
            [ -d "$d" ] || break # cgbox, still running, removed it
            xargs -r kill -KILL <"$d/cgroup.procs"
            rmdir "$d" && break
            sleep 0.5
        done 2>/dev/null
    done
    # v2: the parent all cgboxes share, if it is empty now. (On v1 and
    # hybrid hosts this run's checks see no v2 tree: not ours to tidy.)
    [ -n "${MINICTR_TEST_CGROUPS:-}" ] ||
        find /sys/fs/cgroup -maxdepth 2 -type d -name minictr -exec rmdir {} \; 2>/dev/null
    echo "cgroups left behind: $left" >&2
    return 1
}

# cg_dir PID CTL: the directory of the cgroup of process PID that holds
# controller CTL, from /proc/PID/cgroup and the kind of each mount.
cg_dir() {
    local pid=$1 ctl=$2 path
    if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
        path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
        echo "/sys/fs/cgroup$path"
    elif [ "$(stat -f -c %T "/sys/fs/cgroup/$ctl" 2>/dev/null)" = cgroupfs ]; then
        path=$(awk -F: -v c="$ctl" '{ n = split($2, a, ",")
            for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
            "/proc/$pid/cgroup")
        echo "/sys/fs/cgroup/$ctl$path"
    else
        path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
        echo "/sys/fs/cgroup/unified$path"
    fi
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; give
# up early when it returns 2 (what it waits for can no longer happen).
wait_for() {
    local i rc tries=$(($1 * 10))
    shift
    for ((i = 0; i < tries; i++)); do
        "$@" && return 0
        rc=$?
        [ "$rc" -ne 2 ] || return 1
        sleep 0.1
    done
    return 1
}

# The child of cgbox PID once it has exec'd COMM, else nothing; 2 once
# cgbox has ended (a zombie until the test reaps it): no child will come.
child_running() {
    local kids
    case "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" in
        '' | Z) return 2 ;;
    esac
    kids=$(cat "/proc/$1/task/$1/children" 2>/dev/null) || return 1
    CHILD=${kids%% *}
    [ -n "$CHILD" ] && [ "$(cat "/proc/$CHILD/comm" 2>/dev/null)" = "$2" ]
}

json() {
    jq -r "$1" "$REPORT"
}

@test "cgbox --help prints usage and exits 0" {
    run "$CGBOX" --help
    assert_success
    assert_output --partial "usage: cgbox"
    assert_output --partial "--memory"
}

@test "bad values are usage errors (exit 2) and leave nothing behind" {
    local args
    for args in "--memory 12QB" "--memory 0" "--cpus -1" "--cpus 0" \
        "--cpus abc" "--cpus 0.001" "--pids 0" "--pids -5" "--bogus"; do
        # shellcheck disable=SC2086
        run "$CGBOX" $args true
        assert_failure 2
        assert_output --partial "try 'cgbox --help'"
        [ -z "$(our_leftovers)" ] || fail "cgroup left after $args"
    done
    run "$CGBOX" --memory 12QB true
    assert_output --partial "'12QB' is not a size"
    run "$CGBOX" --cpus 0 true
    assert_output --partial "--cpus must be more than 0"
    run "$CGBOX" --memory 64m
    assert_failure 2
    assert_output --partial "no command given"
}

@test "a missing command exits 127 with the errno, and the cgroup goes" {
    run -127 "$CGBOX" --memory 64m --pids 32 /nonexistent/command
    assert_failure 127
    assert_output --partial "exec '/nonexistent/command' failed: ENOENT"
}

# bats test_tags=lab:03-2
@test "the command runs in our cgroup from its first instruction" {
    # cat is the command itself: what it prints is where exec put it.
    run --separate-stderr "$CGBOX" --memory 64m --cpus 0.5 --pids 32 \
        cat /proc/self/cgroup
    assert_success
    if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
        assert_line --regexp "^0::/minictr/cgbox-[0-9]+$"
    else
        for ctl in memory cpu pids; do
            assert_line --regexp "^[0-9]+:([a-z_]+,)?$ctl(,[a-z_]+)?:/(.*/)?minictr-cgbox-[0-9]+$"
        done
    fi
}

# bats test_tags=lab:03-1,lab:03-2
@test "while it runs: its cgroup holds the limits, the kernel's own files say so" {
    "$CGBOX" --memory 64m --cpus 0.5 --pids 32 sleep 60 2>"$BATS_TEST_TMPDIR/err" 3>&- &
    local cg=$!
    wait_for 30 child_running "$cg" sleep || {
        kill -KILL "$cg"
        fail "no sleep under cgbox: $(cat "$BATS_TEST_TMPDIR/err")"
    }
    local mem cpu pids
    mem=$(cg_dir "$CHILD" memory)
    cpu=$(cg_dir "$CHILD" cpu)
    pids=$(cg_dir "$CHILD" pids)
    for d in "$mem" "$cpu" "$pids"; do
        [[ "$d" =~ /(minictr-cgbox|minictr/cgbox)-$cg$ ]] || fail "not our cgroup: $d"
        grep -qx "$CHILD" "$d/cgroup.procs" || fail "$CHILD not in $d/cgroup.procs"
    done
    if [ -e "$mem/memory.max" ]; then
        assert_equal "$(cat "$mem/memory.max")" 67108864
        [ ! -e "$mem/memory.swap.max" ] || assert_equal "$(cat "$mem/memory.swap.max")" 0
        assert_equal "$(cat "$cpu/cpu.max")" "50000 100000"
    else
        assert_equal "$(cat "$mem/memory.limit_in_bytes")" 67108864
        [ ! -e "$mem/memory.memsw.limit_in_bytes" ] ||
            assert_equal "$(cat "$mem/memory.memsw.limit_in_bytes")" 67108864
        assert_equal "$(cat "$cpu/cpu.cfs_quota_us")" 50000
        assert_equal "$(cat "$cpu/cpu.cfs_period_us")" 100000
    fi
    assert_equal "$(cat "$pids/pids.max")" 32

    # SIGTERM to cgbox goes on to the command; then the cgroup is removed.
    kill -TERM "$cg"
    local status=0
    wait "$cg" || status=$?
    assert_equal "$status" 143
    [ ! -e "/proc/$CHILD" ] || fail "the command still runs"
    for d in "$mem" "$cpu" "$pids"; do
        [ ! -d "$d" ] || fail "$d still exists"
    done
}

@test "Ctrl-C (SIGINT) reaches the command: exit 130, nothing left" {
    "$CGBOX" --pids 32 sleep 60 2>/dev/null 3>&- &
    local cg=$!
    wait_for 30 child_running "$cg" sleep || { kill -KILL "$cg"; fail "no sleep"; }
    kill -INT "$cg"
    local status=0
    wait "$cg" || status=$?
    assert_equal "$status" 130
    [ ! -e "/proc/$CHILD" ] || fail "the command still runs"
}

# bats test_tags=lab:03-1,lab:03-3
@test "a memory hog is OOM-killed at --memory: exit 137, oom_kill counted" {
    run "$CGBOX" --memory 64m --json -o "$REPORT" \
        dd if=/dev/zero of=/dev/null bs=200M count=1
    assert_failure 137
    assert_equal "$(json .signal)" 9
    assert_equal "$(json .memory.limit)" 67108864
    [ "$(json .memory.oom_kills)" -ge 1 ] || fail "oom_kills: $(json .memory.oom_kills)"
    local peak
    peak=$(json .memory.peak)
    # memory.peak is missing before Linux 5.19: then null.
    [ "$peak" = null ] || [ "$peak" -le $((64 * 1024 * 1024)) ] || fail "peak $peak above the limit"
    [ "$peak" = null ] || [ "$peak" -ge $((32 * 1024 * 1024)) ] || fail "peak $peak: the hog never grew"
}

# bats test_tags=lab:03-3
@test "the report's OOM count is the cgroup's own counter" {
    # The shell survives (the OOM killer takes the biggest: dd), then reads
    # oom_kill from its own cgroup; the report must say the same.
    run --separate-stderr "$CGBOX" --memory 64m --json -o "$REPORT" bash -c "
        $(declare -f cg_dir)
        dd if=/dev/zero of=/dev/null bs=200M count=1 2>/dev/null
        d=\$(cg_dir \$\$ memory)
        if [ -e \"\$d/memory.events\" ]; then f=\$d/memory.events; else f=\$d/memory.oom_control; fi
        sed -n 's/^oom_kill /oom_kill=/p' \"\$f\""
    assert_success
    local counted
    counted=$(probe_get oom_kill "$output")
    [ -n "$counted" ] && [ "$counted" -ge 1 ] || fail "cgroup file says: $output"
    assert_equal "$(json .memory.oom_kills)" "$counted"
    assert_equal "$(json .exit_code)" 0
}

# bats test_tags=lab:03-3
@test "the human report names the kill and the OOM count" {
    run "$CGBOX" --memory 64m dd if=/dev/zero of=/dev/null bs=200M count=1
    assert_failure 137
    assert_output --partial "'dd' was killed by SIGKILL (status 137)"
    assert_output --regexp "OOM kills [1-9]"
}

# bats test_tags=lab:03-1,lab:03-3
@test "a fork bomb stops at --pids and ends; the host is unaffected" {
    # Bounded: each shell forks two more down to depth 7 (255 at most
    # without a limit), leaves sleep 1; so it ends by itself.
    run --separate-stderr "$CGBOX" --pids 32 --json -o "$REPORT" sh -c '
        b() { if [ "$1" -gt 0 ]; then b $(($1 - 1)) & b $(($1 - 1)) & wait
              else sleep 1; fi; }
        b 7'
    assert_equal "$(json .pids.limit)" 32
    [ "$(json .pids.limit_hits)" -gt 0 ] || fail "no fork refused: $(cat "$REPORT")"
    assert_regex "$stderr" "(Cannot fork|can't fork|Resource temporarily unavailable)"
    run sh -c 'true & wait'
    assert_success
}

# bats test_tags=lab:03-1,lab:03-3
@test "--cpus 0.2 throttles a busy loop (cpu.stat, not a stopwatch)" {
    run "$CGBOX" --cpus 0.2 --json -o "$REPORT" \
        timeout 2 sh -c 'while :; do :; done'
    assert_failure 124
    assert_equal "$(json .cpu.quota_usec)" 20000
    assert_equal "$(json .cpu.period_usec)" 100000
    local usage wall throttled
    usage=$(json .cpu.usage_usec)
    wall=$(json .wall_usec)
    throttled=$(json .cpu.nr_throttled)
    [ "$throttled" -gt 0 ] || fail "nr_throttled=$throttled: $(cat "$REPORT")"
    [ "$usage" -gt 0 ] || fail "no cpu time counted"
    # Held back for some of the time it ran, not for longer (v1 counts it
    # in nanoseconds, the report in microseconds; the kernel adds it up
    # per CPU, hence the margin).
    local held
    held=$(json .cpu.throttled_usec)
    [ "$held" -gt 0 ] && [ "$held" -le $((wall * 2)) ] ||
        fail "throttled for ${held}us in ${wall}us"
    # 0.2 CPUs for 2 s is 0.4 s; a loop not held back would use ~2 s.
    [ $((usage * 10)) -lt $((wall * 6)) ] ||
        fail "used ${usage}us in ${wall}us: not throttled"
}

# still_there PID START: is process PID the one that started at START
# (field 22 of /proc/PID/stat)? A pid may be reused by then; this one not.
still_there() {
    [ -e "/proc/$1/stat" ] && [ "$(awk '{ print $22 }' "/proc/$1/stat" 2>/dev/null)" = "$2" ]
}

# bats test_tags=lab:03-4
@test "what the command leaves running is killed, and reaped" {
    # Two leftovers: one as it comes, one that ignores SIGTERM (a daemon
    # that wants a SIGKILL). Each says its pid and start time. cgbox ends
    # at once after the command (in well under a second): 15 s bound a
    # cgbox that cannot empty its cgroup and keeps trying.
    run --separate-stderr timeout -k 5 15 "$CGBOX" --pids 32 sh -c '
        sleep 60 >/dev/null 2>&1 &
        echo "bg=$! $(cut -d" " -f22 /proc/$!/stat)"
        (trap "" TERM; exec sleep 60) >/dev/null 2>&1 &
        # Deaf once it is sleep: the trap comes before the exec.
        until [ "$(cat /proc/$!/comm)" = sleep ]; do sleep 0.01; done
        echo "deaf=$! $(cut -d" " -f22 /proc/$!/stat)"'
    [ "$status" -ne 124 ] && [ "$status" -ne 137 ] ||
        fail "cgbox did not end within 15 s of its command: $stderr"
    assert_success
    local bg bg_start deaf deaf_start
    read -r bg bg_start <<<"$(probe_get bg "$output")"
    read -r deaf deaf_start <<<"$(probe_get deaf "$output")"
    [ -n "$bg_start" ] && [ -n "$deaf_start" ] || fail "no pids printed: $output"
    # Not even a zombie: cgbox is a subreaper and reaps what it kills.
    ! still_there "$bg" "$bg_start" || fail "left running: $(cat "/proc/$bg/stat")"
    ! still_there "$deaf" "$deaf_start" ||
        fail "left running (it ignores SIGTERM): $(cat "/proc/$deaf/stat")"
}

@test "the exit status is passed on, and 128+N for a signal" {
    run "$CGBOX" --pids 32 sh -c 'exit 42'
    assert_failure 42
    assert_output --partial "exited with status 42"
    run "$CGBOX" --pids 32 sh -c 'kill -KILL $$'
    assert_failure 137
    run "$CGBOX" --pids 32 true
    assert_success
}

# bats test_tags=lab:03-1
@test "a limit the kernel refuses half-way: exit 1, errno, nothing left" {
    # memory and cpu are written, then pids.max refuses the value.
    run "$CGBOX" --memory 64m --cpus 0.5 --pids 99999999 true
    assert_failure 1
    assert_output --regexp "pids.max' failed: EINVAL"
    assert_output --partial "hint:"
}

@test "a host without the controller: a clear error naming it (exit 1)" {
    need_cmd unshare
    # Hide the pids controller in a private mount namespace: a v1
    # hierarchy is unmounted; a v2 tree is covered by an empty tmpfs.
    local hide='
        if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
            mount -t tmpfs none /sys/fs/cgroup
        else
            umount /sys/fs/cgroup/pids
        fi'
    unshare -m sh -c "$hide" || skip "cannot hide the pids hierarchy here"
    run unshare -m sh -c "$hide"' || exit 1; exec "$0" --pids 32 true' "$CGBOX"
    assert_failure 1
    assert_output --partial "the pids controller is not available"
    assert_output --partial "hint:"
}

# bats test_tags=lab:03-1,lab:03-2
@test "--trace shows mkdir, the limit written, the join and rmdir" {
    run "$CGBOX" --trace --memory 64m --pids 32 true
    assert_success
    assert_output --regexp '\$ mkdir /sys/fs/cgroup/.*cgbox-[0-9]+'
    assert_output --regexp "\\\$ echo '67108864' > /sys/fs/cgroup/.*/memory\.(max|limit_in_bytes)"
    assert_output --regexp "\\\$ echo '32' > /sys/fs/cgroup/.*/pids\.max"
    assert_output --regexp "\\\$ echo '[0-9]+' > /sys/fs/cgroup/.*/cgroup\.procs"
    assert_output --regexp '\$ rmdir /sys/fs/cgroup/.*cgbox-[0-9]+'
}

# bats test_tags=lab:03-2,lab:03-4
@test "the v2 code path, on a cgroup2 mount of its own (also on hybrid hosts)" {
    need_cmd unshare
    grep -qw cgroup2 /proc/filesystems || skip "no cgroup2 in this kernel"
    # Mount the unified tree over /sys/fs/cgroup in a private mount
    # namespace: cgbox sees a pure v2 host, with whatever controllers the
    # tree has (on a hybrid host: none of ours, but cgroup.procs,
    # cpu.stat and cgroup.kill work the same).
    # (A tmpfs first: where cgroup2 is mounted there already, mounting it
    # again on top is EBUSY.)
    unshare -m sh -c 'mount -t tmpfs none /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup' ||
        skip "cannot mount cgroup2 here"
    run --separate-stderr unshare -m sh -c '
        mount -t tmpfs none /sys/fs/cgroup || exit 1
        mount -t cgroup2 cgroup2 /sys/fs/cgroup || exit 1
        exec "$0" --json -o "$1" sh -c "cat /proc/self/cgroup; sleep 60 >/dev/null 2>&1 & echo bg=\$!"' \
        "$CGBOX" "$REPORT"
    # Its cgroup, as the host sees it: teardown checks that it is gone.
    V2_CGROUP=$(printf '%s\n' "$output" | sed -n 's/^0:://p' | head -n 1)
    assert_success
    assert_line --regexp "^0::/minictr/cgbox-[0-9]+$"
    assert_equal "$(json .cgroup)" v2
    local bg
    bg=$(probe_get bg "$output")
    [ -n "$bg" ] && [ ! -e "/proc/$bg" ] || fail "left running: $bg"
}
