#!/usr/bin/env bats
# minictr on a pure cgroup v2 host: the paths a hybrid or v1 host never
# takes. make test-vm runs this file in a VM with Debian's kernel on
# cgroup2; on other hosts it skips (tests/minictr-run.bats covers them).

load lib/common

setup_file() {
    [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || return 0
    export MINICTR_ROOT=$BATS_FILE_TMPDIR/lib
    export MINICTR_STATE=$BATS_FILE_TMPDIR/state
    "$BIN/minictr" import "$IMAGE" busybox >/dev/null
}

setup() {
    need_root
    [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] ||
        skip "not a cgroup v2 host (make test-vm runs this in one)"
    MC=$BIN/minictr
}

teardown() {
    [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || return 0
    run leftover_cgroups
    assert_output ""
}

@test "v2: the container starts in /sys/fs/cgroup/minictr/minictr-ID with its limits" {
    "$MC" run -d --name lim --memory 64m --cpus 0.5 --pids-limit 32 busybox sleep 30 >/dev/null
    pid=$("$MC" inspect -f '{{.pid}}' lim)
    cg=$(sed -n 's/^0:://p' /proc/$pid/cgroup)
    dir=/sys/fs/cgroup$cg
    mem=$(cat $dir/memory.max) cpu=$(cat $dir/cpu.max) pids=$(cat $dir/pids.max)
    swap=$(cat $dir/memory.swap.max 2>/dev/null || echo none)
    "$MC" rm -f lim >/dev/null
    [[ "$cg" =~ ^/minictr/minictr-[0-9a-f]{64}$ ]] || fail "cgroup: $cg"
    [ "$mem" = 67108864 ]
    [ "$cpu" = "50000 100000" ]
    [ "$pids" = 32 ]
    [ "$swap" = 0 ] || [ "$swap" = none ]
    [ ! -d "$dir" ]
}

@test "v2: a memory hog is OOM-killed (memory.events), exit 137" {
    run "$MC" run --rm --memory 32m busybox sh -c 'x=$(head -c 100m /dev/zero | tr "\0" x); echo survived'
    assert_failure 137
    refute_output --partial survived
    assert_output --partial "OOM killer"
}

@test "v2: the BPF device filter keeps MKNOD harmless" {
    run "$MC" run --rm busybox probe caps
    # MKNOD kept: the device filter was attached (else minictr drops it)
    assert_line "cap_bnd=00000000a80425fb"
    run "$MC" run --rm busybox sh -c 'probe mknod /tmp/loop b 7 0; probe open /tmp/loop'
    assert_line --regexp '^(mknod|open)=EPERM$'
    refute_line "open=OK"
    run "$MC" run --rm busybox sh -c 'probe open /dev/null; probe open /dev/zero'
    assert_output "open=OK"$'\n'"open=OK"
}

@test "v2: --pids-limit holds" {
    run "$MC" run --rm --pids-limit 6 busybox sh -c \
        'i=0; while [ $i -lt 10 ]; do sh -c "sleep 2 &" 2>/dev/null || echo fail; i=$((i+1)); done; echo done'
    assert_success
    assert_line done
    [ "$(grep -c '^fail$' <<<"$output")" -ge 3 ]
}

@test "v2: run -d, exec joins the container's cgroup, pause freezes it, stats reads memory.current, stop" {
    "$MC" run -d --name life -m 64m busybox sh -c 'while :; do :; done' >/dev/null
    pid=$("$MC" inspect -f '{{.pid}}' life)
    dir=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/$pid/cgroup)
    [ -d "$dir" ]
    # exec: born in the same cgroup (clone3), the same namespaces
    run "$MC" exec life sh -c 'cat /proc/self/cgroup; stat -L -c %i /proc/self/ns/pid'
    assert_line "0::/"
    assert_line "$(stat -L -c %i /proc/$pid/ns/pid)"
    # pause: cgroup.freeze, and cgroup.events says frozen
    "$MC" pause life
    [ "$(cat "$dir/cgroup.freeze")" = 1 ]
    grep -qx 'frozen 1' "$dir/cgroup.events"
    a=$(awk '{ print $14 + $15 }' /proc/$pid/stat)
    sleep 1
    [ "$(awk '{ print $14 + $15 }' /proc/$pid/stat)" = "$a" ]
    "$MC" unpause life
    grep -qx 'frozen 0' "$dir/cgroup.events"
    run "$MC" --json stats --no-stream life
    assert_output --partial '"memory_limit":67108864'
    "$MC" stop -t 1 life >/dev/null
    [ ! -d "$dir" ]
    "$MC" rm life >/dev/null
}
