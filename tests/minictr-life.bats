#!/usr/bin/env bats
# The life of a container: run -d, the monitor, logs, exec, stop, kill,
# wait, pause, restart policies, volumes, cp, top, stats, prune. Every test
# checks kernel state (/proc/PID/ns/*, /proc/PID/status, cgroup files,
# mountinfo) from the host, and that nothing of its own is left: no
# cgroup, no mount, no container directory, no record, no process.

load lib/common
bats_require_minimum_version 1.5.0

setup_file() {
    export MINICTR_ROOT=$BATS_FILE_TMPDIR/lib
    export MINICTR_STATE=$BATS_FILE_TMPDIR/state
    "$BIN/minictr" import "$IMAGE" busybox >/dev/null
}

setup() {
    need_root
    MC=$BIN/minictr
}

teardown() {
    # A failed test may leave containers: remove them (they are ours),
    # then judge. A monitor that no longer answers (a broken copy under
    # make grade) would keep rm -f waiting for good: after 20 s, kill the
    # monitors that still hold their lock (ours, and alive), and rm -f
    # cleans up after them as after any dead monitor.
    local ids id mon
    ids=$("$MC" ps -aq --no-trunc 2>/dev/null) || true
    if [ -n "$ids" ] && ! timeout -k 5 20 "$MC" rm -f $ids >/dev/null 2>&1; then
        for id in $ids; do
            [ "$(field "$id" status 2>/dev/null)" != dead ] || continue
            mon=$(field "$id" monitor_pid 2>/dev/null) || continue
            [ "${mon:-0}" -gt 1 ] && kill -KILL "$mon" 2>/dev/null
        done
        timeout -k 5 20 "$MC" rm -f $ids >/dev/null 2>&1 || true
    fi
    run leftover_cgroups
    assert_output ""
    run our_mounts
    assert_output ""
}

# Mounts of ours anywhere: any process's mount table that shows a path
# below our MINICTR_ROOT (a container's overlay lives in its own mount
# namespace; when the container is gone, so is the mount).
our_mounts() {
    cat /proc/[0-9]*/mountinfo 2>/dev/null | grep -F "$MINICTR_ROOT/" | sort -u || true
}

nothing_left() {
    run "$MC" ps -aq
    assert_output ""
    run find "$MINICTR_ROOT/containers" -mindepth 1 -maxdepth 1
    assert_output ""
    run find "$MINICTR_STATE" -name '*.json' -o -name '*.sock'
    assert_output ""
    run leftover_cgroups
    assert_output ""
    run our_mounts
    assert_output ""
}

# field NAME KEY: one field of the container's record.
field() {
    "$MC" inspect -f "{{.$2}}" "$1"
}

status_is() {
    [ "$(field "$1" status 2>/dev/null)" = "$2" ]
}

# The container's cgroup2 directory (v2, or the unified tree of a hybrid
# host), from its PID 1's /proc/PID/cgroup: empty on a pure v1 host.
v2_dir() {
    local pid=$1 path
    path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
    if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
        echo "/sys/fs/cgroup$path"
    elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
        echo "/sys/fs/cgroup/unified$path"
    fi
}

cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# proc_state PID: the one-letter state of a process (R, S, T, Z, ...).
proc_state() {
    sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null
}

state_is() {
    [ "$(proc_state "$1")" = "$2" ]
}

# children PID: the pids of its children, zombies too.
children() {
    cat "/proc/$1/task/$1/children" 2>/dev/null || true
}

zombies_of() {
    local p n=0
    for p in $(children "$1"); do
        [ "$(proc_state "$p")" != Z ] || n=$((n + 1))
    done
    echo "$n"
}

zombies_are() {
    [ "$(zombies_of "$1")" = "$2" ]
}

# in_pidns PID CMDLINE: the host pid of the process in PID's pid namespace
# whose command line is CMDLINE (words joined by spaces).
in_pidns() {
    local want p
    want=$(stat -L -c %i "/proc/$1/ns/pid")
    for p in /proc/[0-9]*; do
        [ "$(stat -L -c %i "$p/ns/pid" 2>/dev/null)" = "$want" ] || continue
        [ "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" = "$2 " ] || continue
        echo "${p#/proc/}"
        return 0
    done
    return 1
}

# The signal mask of a monitor: every signal blocked but the faults
# (SIGILL 4, SIGTRAP 5, SIGABRT 6, SIGBUS 7, SIGFPE 8, SIGSEGV 11, SIGSYS
# 31), SIGKILL 9 and SIGSTOP 19 (no one can block those) and glibc's own
# two (32, 33), as /proc/PID/status shows it: bit N-1 is signal N.
monitor_mask() {
    local s m=0
    for s in $(seq 64); do
        case " 4 5 6 7 8 9 11 19 31 32 33 " in
        *" $s "*) ;;
        *) m=$((m | (1 << (s - 1)))) ;;
        esac
    done
    printf '%016x\n' "$m"
}

# "${AS_BLOCKED[@]}" CMD...: run CMD from a caller that blocks SIGUSR2
# (bit 11 of SigBlk: 0000000000000800) and ignores SIGINT.
AS_BLOCKED=(perl -MPOSIX -e 'sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGUSR2)) or die "sigprocmask: $!";
    $SIG{INT} = "IGNORE"; exec @ARGV or die "exec: $!"' --)

# ---- run -d and the monitor ----------------------------------------------

@test "run -d prints the full id; the monitor holds the container, not the caller" {
    run "$MC" run -d --name bg busybox sleep 1001
    assert_success
    assert_output --regexp '^[0-9a-f]{64}$'
    id=$output
    pid=$(field bg pid)
    mon=$(field bg monitor_pid)
    [ "$pid" -gt 1 ] && [ "$mon" -gt 1 ]
    # The container's PID 1 is the monitor's child, in its own pid
    # namespace; the monitor is a session leader of its own, a subreaper.
    assert_equal "$(awk '/^PPid:/ { print $2 }' /proc/$pid/status)" "$mon"
    assert_equal "$(awk '{ print $6 }' /proc/$mon/stat)" "$mon" # session id
    [ "$(stat -L -c %i /proc/$pid/ns/pid)" != "$(stat -L -c %i /proc/self/ns/pid)" ]
    assert_equal "$(tr -s ' ' <"/proc/$pid/cmdline" | tr '\0' ' ')" "sleep 1001 "
    # The record says running; ps says Up, with Docker's columns.
    assert_equal "$(field bg status)" running
    run "$MC" ps
    assert_line --index 0 --regexp '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$'
    assert_line --regexp "^${id:0:12} +busybox +\"sleep 1001\" +.* ago +Up .* +bg$"
    run "$MC" ps -q
    assert_output "${id:0:12}"
    "$MC" rm -f bg
    [ ! -d /proc/$pid ]
    nothing_left
}

@test "kill -9 of the monitor kills the container; ps says dead; rm cleans up" {
    "$MC" run -d --name doomed busybox sleep 1002 >/dev/null
    pid=$(field doomed pid)
    mon=$(field doomed monitor_pid)
    kill -KILL "$mon"
    wait_until 5 test ! -d /proc/$pid || fail "PID 1 outlived its monitor"
    run "$MC" ps -a
    assert_line --regexp ' Dead +doomed$'
    assert_equal "$(field doomed status)" dead
    run "$MC" rm doomed
    assert_success
    nothing_left
}

# ---- the monitor's signals and children (LAB life.1, life.2) --------------

# bats test_tags=lab:life-1
@test "signals: the monitor blocks all but the faults; HUP, USR1, TERM go on to the container" {
    "$MC" run -d --name relay busybox sh -c 'trap "echo got-HUP" HUP; trap "echo got-USR1" USR1; trap "echo got-TERM; exit 5" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
    wait_until 5 bash -c "'$MC' logs relay | grep -q ready"
    mon=$(field relay monitor_pid)
    # Blocked before the clone and read from its signalfd: none of them can
    # kill the monitor, each is a read in its poll loop.
    assert_equal "$(awk '/^SigBlk:/ { print $2 }' /proc/$mon/status)" "$(monitor_mask)"
    kill -HUP "$mon"
    wait_until 5 bash -c "'$MC' logs relay | grep -q got-HUP" || fail "SIGHUP to the monitor did not reach the container"
    kill -USR1 "$mon"
    wait_until 5 bash -c "'$MC' logs relay | grep -q got-USR1" || fail "SIGUSR1 to the monitor did not reach the container"
    kill -0 "$mon"
    assert_equal "$(field relay status)" running
    kill -TERM "$mon"
    run timeout -k 5 10 "$MC" wait relay
    assert_output 5
    run "$MC" logs relay
    assert_line got-TERM
    assert_equal "$(field relay status)" exited
    "$MC" rm relay
    nothing_left
}

# bats test_tags=lab:life-1
@test "signals: the command gets back the signal mask its caller had, in the foreground and detached" {
    need_cmd perl
    # A caller that blocks SIGUSR2 and ignores SIGINT: the command starts
    # with SIGUSR2 blocked, as its caller had it (not with the monitor's
    # mask), and every signal at its default action.
    run timeout -k 5 20 "${AS_BLOCKED[@]}" "$MC" run --rm busybox grep -E '^Sig(Blk|Ign):' /proc/self/status
    assert_success
    assert_line --regexp '^SigBlk:[[:space:]]+0000000000000800$'
    assert_line --regexp '^SigIgn:[[:space:]]+0000000000000000$'
    timeout -k 5 20 "${AS_BLOCKED[@]}" "$MC" run -d --name masked busybox sleep 1017 >/dev/null
    pid=$(field masked pid)
    assert_equal "$(awk '/^SigBlk:/ { print $2 }' /proc/$pid/status)" 0000000000000800
    assert_equal "$(awk '/^SigIgn:/ { print $2 }' /proc/$pid/status)" 0000000000000000
    "$MC" rm -f masked
    nothing_left
}

# bats test_tags=lab:life-1
@test "signals: a foreground run whose reader goes away (| head) still ends as --rm says" {
    # The monitor writes the container's output to our stdout; when head
    # has gone, that write would raise SIGPIPE: blocked, it is EPIPE, and
    # the monitor goes on (the log still has it) to the end of the run.
    run bash -c "timeout -k 5 20 '$MC' run --rm --name piped busybox sh -c 'seq 100000; echo done >&2' | head -n 1; echo \"status \${PIPESTATUS[0]}\""
    assert_line 1
    assert_line done
    assert_line "status 0"
    nothing_left
}

# bats test_tags=lab:life-2
@test "reap: the monitor answers while PID 1 is stopped; kill -s STOP and CONT" {
    "$MC" run -d --name stopme busybox sleep 1018 >/dev/null
    pid=$(field stopme pid)
    run "$MC" kill -s STOP stopme
    assert_success
    wait_until 5 state_is "$pid" T || fail "PID 1 is not stopped: $(proc_state "$pid")"
    # The stop sent the monitor a SIGCHLD too; waitpid(-1, WNOHANG) says
    # "no child has exited", and the monitor must not wait for one.
    run timeout -k 5 10 "$MC" kill -s CONT stopme
    assert_success
    wait_until 5 state_is "$pid" S || fail "PID 1 did not go on: $(proc_state "$pid")"
    assert_equal "$(field stopme status)" running
    run timeout -k 5 10 "$MC" stop -t 1 stopme
    assert_success
    assert_equal "$(field stopme exit_code)" 137
    "$MC" rm stopme
    nothing_left
}

# bats test_tags=lab:life-2
@test "reap: --init reaps every orphan, ten that died at once while it was stopped too" {
    "$MC" run -d --init --name orphans busybox sh -c 'i=0; while [ $i -lt 10 ]; do (sleep 1019 &); i=$((i+1)); done; echo ready; exec sleep 1020' >/dev/null
    wait_until 5 bash -c "'$MC' logs orphans | grep -q ready"
    init=$(field orphans pid)
    # The ten sleeps are orphans (each subshell that started one is gone):
    # the kernel gave them to the namespace's PID 1, our init.
    orphans=()
    for p in $(children "$init"); do
        [ "$(tr '\0' ' ' <"/proc/$p/cmdline")" != "sleep 1019 " ] || orphans+=("$p")
    done
    assert_equal "${#orphans[@]}" 10
    # They die while init is stopped: ten exits, one SIGCHLD pending.
    run "$MC" kill -s STOP orphans
    assert_success
    wait_until 5 state_is "$init" T
    kill -KILL "${orphans[@]}"
    wait_until 5 zombies_are "$init" 10 || fail "the orphans are not zombies: $(zombies_of "$init") are"
    run timeout -k 5 10 "$MC" kill -s CONT orphans
    assert_success
    wait_until 5 zombies_are "$init" 0 ||
        fail "$(zombies_of "$init") zombies left: init reaped one child per SIGCHLD, or only its command"
    # The command is init's only child, and the container still runs.
    kids=($(children "$init"))
    assert_equal "${#kids[@]}" 1
    assert_equal "$(tr '\0' ' ' <"/proc/${kids[0]}/cmdline")" "sleep 1020 "
    assert_equal "$(field orphans status)" running
    # stop: init passes SIGTERM on to its command (not PID 1: it dies of
    # it), reaps it, and exits with its status.
    run timeout -k 5 10 "$MC" stop -t 5 orphans
    assert_success
    assert_equal "$(field orphans exit_code)" 143
    "$MC" rm orphans
    nothing_left
}

# ---- exec --------------------------------------------------------------

# bats test_tags=lab:life-3
@test "exec: the new process has PID 1's namespaces, cgroup, capabilities, no_new_privs and seccomp" {
    "$MC" run -d --name ex busybox sleep 1003 >/dev/null
    pid=$(field ex pid)
    # The exec'd process reports on itself: its own /proc/self.
    run "$MC" exec ex sh -c 'for ns in uts pid mnt ipc net cgroup; do
            echo "$ns $(stat -L -c %i /proc/self/ns/$ns)"; done
        grep -E "^(CapBnd|CapEff|CapPrm|NoNewPrivs|Seccomp):" /proc/self/status
        cat /proc/self/cgroup'
    assert_success
    for ns in uts pid mnt ipc net cgroup; do
        assert_line "$ns $(stat -L -c %i /proc/$pid/ns/$ns)"
    done
    for key in CapBnd CapEff CapPrm NoNewPrivs Seccomp; do
        assert_line "$(grep "^$key:" /proc/$pid/status)"
    done
    # Inside its cgroup namespace the container's own cgroup is /.
    while read -r line; do assert_line "$line"; done < <(
        nsenter -t "$pid" -C cat /proc/$pid/cgroup)
    # It is a new process: not PID 1, and in the container's pid space.
    run "$MC" exec ex sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "'
    assert_line --index 1 "sleep 1003 "
    [ "${lines[0]}" -gt 1 ]
    "$MC" rm -f ex
    nothing_left
}

# bats test_tags=lab:life-3
@test "exec: the command's exit status, -e, -w, -u, -i and -t" {
    "$MC" run -d --name ex2 -e FROM_RUN=yes busybox sleep 1004 >/dev/null
    run "$MC" exec ex2 sh -c 'exit 42'
    assert_failure 42
    run "$MC" exec -e GREETING=hi -w /tmp -u 1000:1000 ex2 sh -c 'echo $GREETING $FROM_RUN; pwd; id -u; id -g; grep CapEff /proc/self/status'
    assert_success
    assert_line --index 0 "hi yes"
    assert_line --index 1 /tmp
    assert_line --index 2 1000
    assert_line --index 3 1000
    assert_line --regexp '^CapEff:[[:space:]]+0+$'
    run bash -c "echo piped | '$MC' exec -i ex2 cat"
    assert_output piped
    run bash -c "echo piped | '$MC' exec ex2 cat"
    assert_output ""
    run "$MC" exec -t ex2 tty
    assert_output --regexp '^/dev/pts/[0-9]+'
    run -127 "$MC" exec ex2 /no/such/thing
    assert_output --partial ENOENT
    "$MC" rm -f ex2
    nothing_left
}

# bats test_tags=lab:life-3
@test "exec -d runs in the background and dies with the container" {
    "$MC" run -d --name exd busybox sleep 1005 >/dev/null
    # a number of this run's own: another run's sleep is not ours to judge
    n=$((1006000 + RANDOM))
    # Its output to a file, not to run's pipe: a process that kept the
    # pipe open (not detached) would keep the test waiting for good.
    timeout -k 5 10 "$MC" exec -d exd sleep $n >"$BATS_TEST_TMPDIR/exd.out" 2>&1 ||
        fail "exec -d failed: $(cat "$BATS_TEST_TMPDIR/exd.out")"
    wait_until 5 pgrep -f "^sleep $n\$" >/dev/null
    "$MC" rm -f exd
    wait_until 5 bash -c "! pgrep -f '^sleep $n\$' >/dev/null" || fail "exec -d process outlived its container"
    nothing_left
}

# bats test_tags=lab:life-3
@test "exec into a --userns auto container: the user namespace too, joined with the pid namespace" {
    need_cmd unshare
    # Root's range for --userns auto, in copies of /etc/subuid and
    # /etc/subgid bound over the real ones in a private mount namespace
    # (the real files are never changed); the monitor stays in it.
    local f
    for f in subuid subgid; do
        { grep -v '^root:' "/etc/$f" 2>/dev/null || true; echo "root:1600000000:131072"; } >"$BATS_TEST_TMPDIR/$f"
    done
    unshare -m --propagation private sh -c \
        'mount --bind "$1" /etc/subuid && mount --bind "$2" /etc/subgid && shift 2 && exec "$@"' \
        sh "$BATS_TEST_TMPDIR/subuid" "$BATS_TEST_TMPDIR/subgid" \
        "$MC" run -d --name un --userns auto busybox sleep 1031 >/dev/null
    pid=$(field un pid)
    [ "$(stat -L -c %i /proc/$pid/ns/user)" != "$(stat -L -c %i /proc/self/ns/user)" ] ||
        fail "the container has no user namespace of its own"
    n=$((1032000 + RANDOM))
    timeout -k 5 10 "$MC" exec -d un sleep $n >"$BATS_TEST_TMPDIR/un.out" 2>&1 ||
        fail "exec -d failed: $(cat "$BATS_TEST_TMPDIR/un.out")"
    wait_until 5 in_pidns "$pid" "sleep $n" >/dev/null || fail "no 'sleep $n' in the container's pid namespace"
    p=$(in_pidns "$pid" "sleep $n")
    # Its own user namespace and every other one of PID 1's; root inside
    # is the range's first id outside, never the host's root.
    for ns in user pid mnt uts ipc net cgroup; do
        assert_equal "$ns $(stat -L -c %i /proc/$p/ns/$ns)" "$ns $(stat -L -c %i /proc/$pid/ns/$ns)"
    done
    assert_equal "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/$p/status)" "1600000000 1600000000 1600000000 1600000000"
    run timeout -k 5 10 "$MC" exec un sh -c 'id -u; cat /proc/self/uid_map'
    assert_success
    assert_line --index 0 0
    assert_line --regexp '^ +0 +1600000000 +65536$'
    "$MC" rm -f un
    nothing_left
}

# bats test_tags=lab:life-3
@test "exec: with limits (v1 cgroups on a hybrid host) the new process is in every cgroup and namespace of PID 1" {
    "$MC" run -d --name lim --pids-limit 64 --memory 64m busybox sleep 1021 >/dev/null
    pid=$(field lim pid)
    n=$((1022000 + RANDOM))
    timeout -k 5 10 "$MC" exec -d lim sleep $n >"$BATS_TEST_TMPDIR/lim.out" 2>&1 ||
        fail "exec -d failed: $(cat "$BATS_TEST_TMPDIR/lim.out")"
    # Found in the container's pid namespace (/proc/PID/ns/pid: where it
    # lives, not just where its children would), and from the host: the
    # same cgroup in every hierarchy, the same namespaces.
    wait_until 5 in_pidns "$pid" "sleep $n" >/dev/null || fail "no 'sleep $n' in the container's pid namespace"
    p=$(in_pidns "$pid" "sleep $n")
    assert_equal "$(cat /proc/$p/cgroup)" "$(cat /proc/$pid/cgroup)"
    for ns in uts pid mnt ipc net cgroup; do
        assert_equal "$ns $(stat -L -c %i /proc/$p/ns/$ns)" "$ns $(stat -L -c %i /proc/$pid/ns/$ns)"
    done
    # -d: nothing of the caller's is held, stdin, stdout, stderr are
    # /dev/null, and no other fd is open.
    for fd in 0 1 2; do
        assert_equal "$fd $(readlink /proc/$p/fd/$fd)" "$fd /dev/null"
    done
    assert_equal "$(ls /proc/$p/fd | sort -n | tr '\n' ' ')" "0 1 2 "
    "$MC" rm -f lim
    [ ! -d /proc/$p ] || fail "the exec'd process outlived its container"
    nothing_left
}

# ---- stop, kill, wait -------------------------------------------------------

@test "stop sends SIGTERM first (a trap sees it), and wait gives the exit code" {
    "$MC" run -d --name term busybox sh -c 'trap "echo got-TERM; exit 3" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
    wait_until 5 bash -c "'$MC' logs term | grep -q ready"
    run "$MC" stop -t 10 term
    assert_success
    assert_output term
    run "$MC" logs term
    assert_line got-TERM
    run "$MC" wait term
    assert_output 3
    assert_equal "$(field term status)" exited
    run "$MC" ps -a
    assert_line --regexp 'Exited \(3\) .* ago +term$'
    "$MC" rm term
    nothing_left
}

@test "stop -t: SIGKILL after the timeout for a PID 1 that ignores SIGTERM" {
    "$MC" run -d --name stubborn busybox sleep 1007 >/dev/null
    pid=$(field stubborn pid)
    start=$(date +%s%N)
    run "$MC" stop -t 1 stubborn
    assert_success
    took=$((($(date +%s%N) - start) / 1000000))
    [ "$took" -ge 1000 ] || fail "stop took ${took} ms: SIGKILL came before the timeout"
    [ "$took" -lt 8000 ] || fail "stop took ${took} ms"
    [ ! -d /proc/$pid ]
    assert_equal "$(field stubborn exit_code)" 137
    "$MC" rm stubborn
    nothing_left
}

@test "kill -s delivers the signal; kill defaults to SIGKILL" {
    "$MC" run -d --name sig busybox sh -c 'trap "echo got-USR1" USR1; while :; do sleep 0.1; done' >/dev/null
    wait_until 5 status_is sig running
    sleep 0.3
    run "$MC" kill -s USR1 sig
    assert_success
    wait_until 5 bash -c "'$MC' logs sig | grep -q got-USR1"
    run "$MC" kill sig
    assert_success
    run "$MC" wait sig
    assert_output 137
    "$MC" rm sig
    nothing_left
}

# ---- pause -----------------------------------------------------------------

# bats test_tags=lab:life-4
@test "pause freezes the cgroup and the processes stop using cpu; unpause thaws" {
    "$MC" run -d --name spin busybox sh -c 'while :; do :; done' >/dev/null
    pid=$(field spin pid)
    dir=$(v2_dir "$pid")
    run "$MC" pause spin
    assert_success
    if [ -n "$dir" ]; then
        assert_equal "$(cat "$dir/cgroup.freeze")" 1
        grep -qx 'frozen 1' "$dir/cgroup.events"
    else
        fz=$(awk -F: '$2 ~ /freezer/ { print $3 }' /proc/$pid/cgroup)
        assert_equal "$(cat /sys/fs/cgroup/freezer$fz/freezer.state)" FROZEN
    fi
    assert_equal "$(field spin status)" paused
    run "$MC" ps
    assert_line --regexp 'Up .* \(Paused\) +spin$'
    a=$(cpu_ticks "$pid")
    sleep 0.6
    b=$(cpu_ticks "$pid")
    [ "$a" = "$b" ] || fail "a frozen process used cpu: $a -> $b ticks"
    run "$MC" unpause spin
    assert_success
    [ -z "$dir" ] || grep -qx 'frozen 0' "$dir/cgroup.events"
    sleep 0.6
    c=$(cpu_ticks "$pid")
    [ "$c" -gt "$b" ] || fail "a thawed process used no cpu"
    "$MC" rm -f spin
    nothing_left
}

# bats test_tags=lab:life-4
@test "pause returns only once every process is frozen, in a container that hardly gets the cpu too" {
    # --cpus 0.01: the spinners run 1 ms in 100, and a process freezes only
    # when it runs, so the kernel takes up to 100 ms to freeze them all.
    "$MC" run -d --name slow --cpus 0.01 busybox sh -c 'for i in 1 2 3; do (while :; do :; done) & done; echo ready; wait' >/dev/null
    wait_until 5 bash -c "'$MC' logs slow | grep -q ready"
    pid=$(field slow pid)
    dir=$(v2_dir "$pid")
    if [ -z "$dir" ]; then
        dir=/sys/fs/cgroup/freezer$(awk -F: '$2 ~ /freezer/ { print $3 }' /proc/$pid/cgroup)
    fi
    for round in 1 2 3; do
        run "$MC" pause slow
        assert_success
        # Read at once: pause has returned, so the kernel says frozen now.
        if [ -f "$dir/cgroup.events" ]; then
            grep -qx 'frozen 1' "$dir/cgroup.events" ||
                fail "round $round: pause returned before the kernel froze the cgroup ($(grep frozen "$dir/cgroup.events"))"
        else
            assert_equal "$(cat "$dir/freezer.state")" FROZEN
        fi
        run "$MC" unpause slow
        assert_success
        if [ -f "$dir/cgroup.events" ]; then
            grep -qx 'frozen 0' "$dir/cgroup.events" || fail "round $round: unpause returned, still frozen"
        else
            assert_equal "$(cat "$dir/freezer.state")" THAWED
        fi
    done
    assert_equal "$(field slow status)" running
    "$MC" rm -f slow
    nothing_left
}

# ---- logs ------------------------------------------------------------------

@test "logs keep stdout and stderr apart, in json-file lines, and survive the exit" {
    "$MC" run -d --name talk busybox sh -c 'echo to-out; echo to-err >&2; printf "no newline"' >/dev/null
    run "$MC" wait talk
    assert_output 0
    run bash -c "'$MC' logs talk 2>/dev/null"
    assert_output "to-out"$'\n'"no newline"
    run bash -c "'$MC' logs talk 2>&1 >/dev/null"
    assert_output to-err
    id=$(field talk id)
    file=$MINICTR_ROOT/containers/$id/$id-json.log
    # Docker's json-file format, one object a line, the stream named.
    run jq -c '[.stream, .log]' "$file"
    assert_line '["stdout","to-out\n"]'
    assert_line '["stderr","to-err\n"]'
    assert_line '["stdout","no newline"]'
    run jq -r .time "$file"
    assert_line --regexp '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z$'
    run "$MC" logs -t --tail 1 talk
    assert_output --regexp '^20[0-9-]+T[0-9:.]+Z (to-err|no newline)$'
    "$MC" rm talk
    nothing_left
}

@test "logs -f follows until the container stops; logs rotate at max-size" {
    "$MC" run -d --name chatty --log-opt max-size=8k --log-opt max-file=2 busybox sh -c 'i=0; while [ $i -lt 400 ]; do echo line-$i-padding-padding-padding; i=$((i+1)); done; sleep 0.5; echo last' >/dev/null
    run timeout 20 "$MC" logs -f chatty
    assert_success
    assert_line last
    id=$(field chatty id)
    dir=$MINICTR_ROOT/containers/$id
    [ -f "$dir/$id-json.log.1" ] || fail "no rotated file"
    [ ! -e "$dir/$id-json.log.2" ] || fail "more than max-file files"
    for f in "$dir/$id-json.log" "$dir/$id-json.log.1"; do
        [ "$(stat -c %s "$f")" -le 8192 ] || fail "$f is larger than max-size"
    done
    "$MC" rm chatty
    nothing_left
}

# ---- restart policies --------------------------------------------------------

@test "--restart on-failure:3 restarts three times and counts; always restarts until stopped" {
    "$MC" run -d --name flaky --restart on-failure:3 busybox sh -c 'echo try; exit 1' >/dev/null
    wait_until 20 status_is flaky exited
    assert_equal "$(field flaky restart_count)" 3
    assert_equal "$(field flaky exit_code)" 1
    run "$MC" logs flaky
    assert_equal "$(grep -c '^try$' <<<"$output")" 4
    "$MC" rm flaky
    "$MC" run -d --name forever --restart always busybox sh -c 'exit 0' >/dev/null
    wait_until 20 bash -c "[ \"\$('$MC' inspect -f '{{.restart_count}}' forever)\" -ge 2 ]"
    run "$MC" stop -t 1 forever
    assert_success
    wait_until 5 status_is forever exited
    n=$(field forever restart_count)
    sleep 1
    assert_equal "$(field forever restart_count)" "$n" # stopped: no more
    "$MC" rm forever
    nothing_left
}

# ---- create, start, attach, restart, rename ----------------------------------

@test "create + start -a: the exit code comes back; start again runs it again" {
    run "$MC" create --name later busybox sh -c 'echo ran; exit 4'
    assert_success
    assert_equal "$(field later status)" created
    [ "$(field later pid)" = 0 ]
    run "$MC" start -a later
    assert_failure 4
    assert_output ran
    run "$MC" start later
    assert_output later
    run "$MC" wait later
    assert_output 4
    run "$MC" logs later
    assert_output "ran"$'\n'"ran"
    "$MC" rename later sooner
    run "$MC" inspect -f '{{.name}}' sooner
    assert_output sooner
    "$MC" rm sooner
    nothing_left
}

@test "attach: input goes in, output comes out; restart gives a new PID 1" {
    "$MC" run -d -i --name echoer busybox cat >/dev/null
    run bash -c "(echo through-attach; sleep 0.5) | timeout -s KILL 5 '$MC' attach echoer"
    assert_output --partial through-attach
    old=$(field echoer pid)
    run "$MC" restart -t 1 echoer
    assert_success
    new=$(field echoer pid)
    [ "$new" != "$old" ] && [ -d /proc/$new ] && [ ! -d /proc/$old ]
    "$MC" rm -f echoer
    nothing_left
}

# ---- volumes, tmpfs, cp ------------------------------------------------------

@test "a named volume's data outlives its container; volume rm refuses one in use" {
    run "$MC" run --name writer -v keep:/data busybox sh -c 'echo kept > /data/f'
    assert_success
    run "$MC" volume ls
    assert_line --regexp '^local +keep$'
    run "$MC" volume rm keep
    assert_failure 125
    assert_output --partial "in use by container 'writer'"
    [ -f "$MINICTR_ROOT/volumes/keep/_data/f" ]
    "$MC" rm writer
    run "$MC" run --rm -v keep:/d:ro busybox sh -c 'cat /d/f; echo x > /d/g'
    assert_line kept
    assert_output --partial "Read-only file system"
    run "$MC" volume rm keep
    assert_success
    [ ! -e "$MINICTR_ROOT/volumes/keep" ]
    nothing_left
}

@test "--tmpfs and --mount type=tmpfs,bind,volume" {
    mkdir -p "$BATS_TEST_TMPDIR/host"
    echo from-host >"$BATS_TEST_TMPDIR/host/file"
    run "$MC" run --rm --tmpfs /scratch:size=1m \
        --mount "type=bind,source=$BATS_TEST_TMPDIR/host,target=/h,readonly" \
        --mount type=volume,source=mvol,target=/v \
        busybox sh -c 'grep " /scratch " /proc/mounts; cat /h/file; probe write /h/file; echo v > /v/x'
    assert_success
    assert_line --regexp '^tmpfs /scratch tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k'
    assert_line from-host
    assert_line write=EROFS
    [ -f "$MINICTR_ROOT/volumes/mvol/_data/x" ]
    "$MC" volume rm mvol
    nothing_left
}

@test "cp out and in, running and stopped; a symlink inside never reaches the host" {
    canary=$BATS_TEST_TMPDIR/canary
    mkdir -p "$canary"
    echo untouched >"$canary/file"
    "$MC" run -d --name box busybox sh -c "mkdir -p /d; echo inside > /d/f; ln -s $canary /escape; ln -s $canary/file /d/link; sleep 1008" >/dev/null
    wait_until 5 bash -c "'$MC' exec box test -L /d/link"
    run "$MC" cp box:/d "$BATS_TEST_TMPDIR/out"
    assert_success
    assert_equal "$(cat "$BATS_TEST_TMPDIR/out/f")" inside
    [ -L "$BATS_TEST_TMPDIR/out/link" ] # copied as a link, not followed
    echo new >"$BATS_TEST_TMPDIR/in"
    # Through the symlink /escape -> $canary: resolved inside the
    # container's root, so it lands in the container, never the host.
    run "$MC" cp "$BATS_TEST_TMPDIR/in" box:/escape/file
    assert_equal "$(cat "$canary/file")" untouched
    run "$MC" cp "$BATS_TEST_TMPDIR/in" box:/d/in
    assert_success
    run "$MC" exec box cat /d/in
    assert_output new
    "$MC" stop -t 0 box >/dev/null
    run "$MC" cp box:/d/in "$BATS_TEST_TMPDIR/back"
    assert_success
    assert_equal "$(cat "$BATS_TEST_TMPDIR/back")" new
    run "$MC" cp box:/../../etc/passwd "$BATS_TEST_TMPDIR/x"
    assert_failure 125
    assert_output --partial "'..' is not allowed"
    [ ! -e "$BATS_TEST_TMPDIR/x" ]
    assert_equal "$(cat "$canary/file")" untouched
    "$MC" rm box
    nothing_left
}

# ---- top, stats --------------------------------------------------------------

@test "top lists the cgroup's processes with host and container pids; stats reads the cgroup" {
    "$MC" run -d --name tops -m 64m busybox sh -c 'sleep 1009 & sleep 1010; true' >/dev/null
    wait_until 5 bash -c "[ \$('$MC' top tops | wc -l) -ge 4 ]"
    pid=$(field tops pid)
    run "$MC" top tops
    assert_success
    assert_line --index 0 --regexp '^UID +PID +CPID +PPID +C +STIME +TTY +TIME +CMD$'
    assert_line --regexp "^root +$pid +1 +.* sh -c sleep 1009 & sleep 1010; true$"
    assert_line --regexp '^root +[0-9]+ +[0-9]+ +.* sleep 1009$'
    # every pid listed is in the container's cgroup, by the kernel's word
    for p in $(awk 'NR > 1 { print $2 }' <<<"$output"); do
        grep -q "minictr-$(field tops id)" /proc/$p/cgroup
    done
    run "$MC" --json stats --no-stream tops
    assert_success
    assert_output --partial '"name":"tops"'
    assert_output --partial '"memory_limit":67108864'
    assert_output --regexp '"pids":[34]\}'
    run "$MC" stats --no-stream tops
    assert_line --index 0 --regexp '^CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS$'
    assert_line --regexp ' tops +[0-9.]+% +[0-9.]+(B|KiB|MiB) / 64MiB '
    "$MC" rm -f tops
    nothing_left
}

# ---- image defaults ------------------------------------------------------------

@test "import --change: CMD, ENV, WORKDIR, ENTRYPOINT reach run; flags win" {
    run "$MC" import --change 'CMD ["sh", "-c", "echo $GREETING from $(pwd)"]' \
        --change 'ENV GREETING=hello' --change 'WORKDIR /tmp' "$IMAGE" withcfg
    assert_success
    run "$MC" run --rm withcfg
    assert_output "hello from /tmp"
    run "$MC" run --rm -e GREETING=hi -w / withcfg
    assert_output "hi from /"
    run "$MC" run --rm withcfg echo given
    assert_output given
    run "$MC" run --rm --entrypoint /bin/echo withcfg via-entrypoint
    assert_output via-entrypoint
    run "$MC" import --change 'FROB x' "$IMAGE" bad
    assert_failure 125
    assert_output --partial "knows CMD"
    "$MC" rmi withcfg >/dev/null
    nothing_left
}

# ---- bad input -------------------------------------------------------------------

@test "bad input: clear message, exit 125, documented code, nothing changed" {
    "$MC" run -d --name bad busybox sleep 1011 >/dev/null
    "$MC" pause bad >/dev/null
    run "$MC" stop bad
    assert_failure 125
    assert_output --partial "is paused"
    run "$MC" --json stop bad
    assert_output --partial '"code":"container_paused"'
    assert_equal "$(field bad status)" paused
    run "$MC" exec bad true
    assert_failure 125
    assert_output --partial "is paused"
    "$MC" unpause bad >/dev/null
    "$MC" rm -f bad >/dev/null
    run "$MC" --json exec nosuch true
    assert_failure 125
    assert_output --partial '"code":"no_such_container"'
    "$MC" create --name idle busybox true >/dev/null
    run "$MC" --json exec idle true
    assert_failure 125
    assert_output --partial '"code":"container_not_running"'
    run "$MC" run --rm --restart bogus busybox true
    assert_failure 125
    assert_output --partial "bad --restart 'bogus'"
    run "$MC" run --rm --restart always busybox true
    assert_failure 125
    assert_output --partial "conflicting options"
    "$MC" run --name quiet --log-driver none busybox echo hidden >/dev/null
    run "$MC" --json logs quiet
    assert_failure 125
    assert_output --partial '"code":"no_logs"'
    "$MC" rm idle quiet >/dev/null
    nothing_left
}

# ---- what a Docker user expects (from a fresh-eyes run) ------------------------

@test "rm -f ends a container between two restarts; wait of a killed monitor says 137" {
    "$MC" run -d --name rs --restart always busybox sh -c 'sleep 0.2; exit 1' >/dev/null
    wait_until 10 status_is rs restarting
    start=$(date +%s%N)
    run "$MC" rm -f rs
    assert_success
    [ $((($(date +%s%N) - start) / 1000000)) -lt 5000 ] || fail "rm -f took too long"
    "$MC" run -d --name mk busybox sleep 1014 >/dev/null
    kill -KILL "$(field mk monitor_pid)"
    run "$MC" wait mk
    assert_output 137
    "$MC" rm mk
    nothing_left
}

# bats test_tags=lab:life-2,lab:life-3
@test "exec -d: the process is the monitor's child, reaped by it" {
    "$MC" run -d --name zb busybox sleep 1015 >/dev/null
    # a number of this run's own: another run's sleep is not ours to judge
    n=$((1016000 + RANDOM))
    timeout -k 5 10 "$MC" exec -d zb sleep $n >/dev/null 2>&1
    wait_until 5 pgrep -f "^sleep $n\$" >/dev/null
    p=$(pgrep -f "^sleep $n\$")
    assert_equal "$(awk '/^PPid:/ { print $2 }' /proc/$p/status)" "$(field zb monitor_pid)"
    "$MC" exec -d zb sh -c 'exit 0'
    sleep 0.5
    # no zombie of ours left under the monitor
    run bash -c "ps -o stat=,ppid= -e | awk -v m=$(field zb monitor_pid) '\$2 == m && \$1 ~ /Z/'"
    assert_output ""
    "$MC" rm -f zb
    nothing_left
}

@test "-it wants a terminal; a new volume gets the image's files; --rm takes anonymous volumes" {
    run bash -c "echo hi | '$MC' run --rm -it busybox cat"
    assert_failure 125
    assert_output --partial "not a TTY"
    run "$MC" run --rm -v fresh:/etc busybox cat /etc/passwd
    assert_success
    assert_output --partial "root:"
    [ -f "$MINICTR_ROOT/volumes/fresh/_data/passwd" ]
    "$MC" volume rm fresh
    before=$(ls "$MINICTR_ROOT/volumes" | wc -l)
    "$MC" run --rm -v /anon busybox true
    assert_equal "$(ls "$MINICTR_ROOT/volumes" | wc -l)" "$before"
    nothing_left
}

@test "stop of many containers asks them all at once; inspect -f takes Docker's names" {
    for i in 1 2 3 4; do "$MC" run -d --name st$i busybox sleep 1017 >/dev/null; done
    start=$(date +%s%N)
    run "$MC" stop -t 1 st1 st2 st3 st4
    assert_success
    took=$((($(date +%s%N) - start) / 1000000))
    [ "$took" -lt 3500 ] || fail "4 stops of 1 s each took $took ms: one after the other"
    "$MC" start st1 >/dev/null
    run "$MC" inspect -f '{{.State.Pid}} {{.State.Running}} {{.Name}}' st1
    assert_output "$(field st1 pid) true st1"
    run "$MC" inspect -f '{{.State.Nonsense}}' st1
    assert_failure 125
    "$MC" rm -f st1 st2 st3 st4 >/dev/null
    nothing_left
}

# ---- faults ----------------------------------------------------------------------

@test "faults: kill -9 of the monitor at random moments, 30 times: ps, rm -f and prune leave nothing" {
    n=$((1012000 + RANDOM)) # this run's own: another run's sleeps are not ours
    for i in $(seq 30); do
        if [ $((i % 2)) = 0 ]; then
            # in the foreground the monitor is minictr itself: start-up
            "$MC" run --name f$i busybox sleep $n &
            sleep "0.0$((RANDOM % 40 + 1))"
            kill -KILL $! 2>/dev/null
            wait $! 2>/dev/null || true
        else
            # detached: kill the monitor during the container's life
            "$MC" run -d --name f$i busybox sleep $n >/dev/null
            sleep "0.0$((RANDOM % 30))"
            mon=$("$MC" inspect -f '{{.monitor_pid}}' f$i)
            kill -KILL "$mon" 2>/dev/null || true
        fi
    done
    "$MC" ps -a >/dev/null
    for i in $(seq 30); do "$MC" rm -f f$i >/dev/null 2>&1 || true; done
    "$MC" system prune -f >/dev/null
    wait_until 5 bash -c "! pgrep -f '^sleep $n\$' >/dev/null" || fail "stray processes: $(pgrep -af "^sleep $n\$")"
    nothing_left
}

@test "faults: 20 containers started at once all run, with 20 names and 20 cgroups" {
    local pids=()
    for i in $(seq 20); do
        "$MC" run -d --name many$i busybox sleep 1013 >"$BATS_TEST_TMPDIR/id$i" 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}" # not a bare wait: bats has a timer running too
    for i in $(seq 20); do
        grep -qE '^[0-9a-f]{64}$' "$BATS_TEST_TMPDIR/id$i" || fail "many$i: $(cat "$BATS_TEST_TMPDIR/id$i")"
        pid=$(field many$i pid)
        grep -q "minictr-$(cat "$BATS_TEST_TMPDIR/id$i")" /proc/$pid/cgroup
    done
    assert_equal "$("$MC" ps -q | sort -u | wc -l)" 20
    "$MC" rm -f $("$MC" ps -q) >/dev/null
    nothing_left
}

@test "faults: 1000 run -d + rm -f cycles leave nothing" {
    for i in $(seq "${LIFE_CYCLES:-1000}"); do
        id=$("$MC" run -d busybox true) || fail "cycle $i: run -d failed"
        "$MC" rm -f "$id" >/dev/null || fail "cycle $i: rm -f failed"
    done
    nothing_left
}
