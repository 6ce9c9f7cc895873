#!/usr/bin/env bats
# minictr as an OCI runtime (src/oci.c): runc's command line on a bundle.
# Every test checks kernel state from the host — /proc/PID/status (caps,
# NoNewPrivs, Seccomp, ids, umask), /proc/PID/ns/*, /proc/PID/cgroup and
# the cgroup files, /proc/PID/mountinfo, uid_map, limits — against the
# config.json it made the container from, and that it leaves nothing of
# its own behind: no record, no cgroup, no mount, no process.
# tests/lib/subreaper.py plays containerd's shim (a subreaper the first
# process must end up a child of) and tests/lib/console.py the end of
# --console-socket; minictr-oci-drivers.bats runs the real ones.

load lib/common
bats_require_minimum_version 1.5.0

setup_file() {
    export T=$BATS_FILE_TMPDIR
    mkdir -p "$T/rootfs"
    cp -a "$IMAGE/." "$T/rootfs/"
    chmod 755 "$T/rootfs"
}

setup() {
    need_root
    need_cmd jq
    need_cmd python3
    MC=$BIN/minictr-oci
    R=$T/root-$BATS_TEST_NUMBER
    LOG=$T/log-$BATS_TEST_NUMBER.json
    OCI=("$MC" --root "$R" --log "$LOG" --log-format json)
}

teardown() {
    local id left=""
    for id in $(ls "$R" 2>/dev/null); do
        "${OCI[@]}" delete --force "$id" >/dev/null 2>&1 && continue
        left="$left $id"
        # A copy under grading (MINICTR_BIN) that cannot delete what it
        # made: the reference removes it, and the test fails.
        [ "$MC" -ef "$ROOT/bin/minictr-oci" ] ||
            "$ROOT/bin/minictr-oci" --root "$R" delete --force "$id" >/dev/null 2>&1 || true
    done
    run nothing_left
    assert_success
    [ -z "$left" ] || fail "delete --force failed:$left"
}

# Nothing of ours: no record, no cgroup, no mount below our directory.
nothing_left() {
    [ -z "$(ls -A "$R" 2>/dev/null)" ] || {
        echo "records left: $(ls "$R")"
        return 1
    }
    [ -z "$(leftover_cgroups)" ] || {
        echo "cgroups left: $(leftover_cgroups)"
        return 1
    }
    [ -z "$(mounts_below "$T")" ] || {
        echo "mounts left: $(mounts_below "$T")"
        return 1
    }
}

# bundle NAME [JQ-FILTER...]: a bundle of its own (a copy of the busybox
# root, and `minictr-oci spec`'s config.json edited by the filters).
bundle() {
    # cgroupsPath: below ours in each hierarchy, and this run's own. The
    # default, minictr-ID, would be one cgroup for two runs at once in a
    # hierarchy where runs share a cgroup (name=systemd, cpuset: see
    # tests/lib/runcg.bash), and one run's delete would kill the other's.
    local b=$T/b$BATS_TEST_NUMBER-$1
    local f=".process.terminal = false | .root.readonly = false | .linux.cgroupsPath = \"minictr-ocitest-$$/$1\""
    shift
    mkdir -p "$b"
    cp -a "$T/rootfs" "$b/rootfs"
    (cd "$b" && "$MC" spec)
    for x in "$@"; do f="$f | $x"; done
    jq "$f" "$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"
    echo "$b"
}

# create ID BUNDLE [FLAGS...]: create hands its own stdio to the container
# (as the shim wants), so they are files here: a pipe from bats' `run`
# would stay open as long as the container lives.
create() {
    local id=$1 b=$2
    shift 2
    "${OCI[@]}" create --bundle "$b" "$@" "$id" </dev/null >"$T/$id.out" 2>"$T/$id.err"
}

state_of() {
    "${OCI[@]}" state "$1" | jq -r ".$2"
}

status_is() {
    [ "$(state_of "$1" status)" = "$2" ]
}

status_field() { # PID FIELD: a line of /proc/PID/status, tabs kept
    sed -n "s/^$2:[[:space:]]*//; T; s/[[:space:]]*\$//; p" "/proc/$1/status"
}

# PID has ended: gone, or a zombie its parent (not ours to wait for) has
# yet to reap.
dead() {
    [ ! -d "/proc/$1" ] || [ "$(status_field "$1" State | cut -c1)" = Z ]
}

ns_of() {
    stat -L -c %i "/proc/$1/ns/$2"
}

# The error the --log file holds: one JSON line, level error, a time.
logged_error() {
    [ -s "$LOG" ] || {
        echo "no --log line"
        return 1
    }
    tail -n 1 "$LOG" | jq -e '.level == "error" and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$"))' >/dev/null || {
        echo "not a JSON error line: $(tail -n 1 "$LOG")"
        return 1
    }
    tail -n 1 "$LOG" | jq -r .msg
}

# ---- the command line ---------------------------------------------------

@test "spec writes a config.json the runtime takes; features says what it does, as JSON" {
    mkdir -p "$T/spec" && cd "$T/spec"
    run "$MC" spec
    assert_success
    jq -e '.ociVersion and .process.args == ["sh"] and .root.path == "rootfs"' config.json
    run "$MC" spec
    assert_failure
    assert_output --partial "there is one already"
    run "$MC" features
    assert_success
    echo "$output" | jq -e '.hooks | index("createRuntime")'
    echo "$output" | jq -e '.linux.namespaces | index("user")'
    run "$MC" --help
    assert_success
    assert_output --partial "create"
}

@test "the two doors: minictr run IMAGE is Docker's; --root, state, --bundle, minictr-oci and a bare ID of ours are OCI's" {
    b=$(bundle doors '.process.args = ["sleep", "100"]')
    # minictr itself, with a runc global flag first, as containerd calls it
    "$BIN/minictr" --root "$R" create --bundle "$b" d1 </dev/null >"$T/d1.out" 2>&1
    assert_equal "$("$BIN/minictr" --root "$R" state d1 | jq -r .status)" created
    # a bare `start ID` (podman's, the validation suite's): under the
    # default root only; here the global flag says where
    "$BIN/minictr" --root "$R" start d1
    assert_equal "$(state_of d1 status)" running
    run "$BIN/minictr" delete --root "$R" --force d1 # not a global flag there
    assert_failure
    run "$BIN/minictr" --root "$R" delete --force d1
    assert_success
    # Docker's door is untouched: an unknown image is still its error.
    MINICTR_ROOT=$T/docker MINICTR_STATE=$T/docker-state run "$BIN/minictr" run no-such-image true
    assert_failure 125
    assert_output --partial "no-such-image"
    # A bare start of an id that is nobody's is Docker's (exit 125).
    MINICTR_STATE=$T/docker-state run "$BIN/minictr" start nobody-$$
    assert_failure 125
}

# bats test_tags=lab:oci-1,lab:oci-2
@test "create: the first process waits, set up but not exec'd, a child of the caller; start runs the command; its status reaches the caller" {
    b=$(bundle held '.process.args = ["sh", "-c", "echo ran > /ran; exit 7"]')
    python3 "$ROOT/tests/lib/subreaper.py" "$T/shim-$BATS_TEST_NUMBER" "${OCI[@]}" create --bundle "$b" --pid-file "$T/pid" h1 \
        </dev/null >"$T/h1.out" 2>&1 3>&- &
    shim_job=$!
    wait_until 10 grep -q '^ran ' "$T/shim-$BATS_TEST_NUMBER" || fail "create did not finish"
    run grep '^ran ' "$T/shim-$BATS_TEST_NUMBER"
    assert_output "ran 0"
    shim=$(awk '/^pid/ { print $2 }' "$T/shim-$BATS_TEST_NUMBER")
    pid=$(cat "$T/pid")
    assert_equal "$(state_of h1 pid)" "$pid"
    assert_equal "$(state_of h1 status)" created
    # A child of the shim (the subreaper), not of the runtime, which is gone.
    assert_equal "$(status_field "$pid" PPid)" "$shim"
    # Set up but not the command yet: still minictr, waiting on the FIFO,
    # in its own pid namespace, with the bounding set already cut.
    assert_equal "$(stat -L -c %d:%i "/proc/$pid/exe")" "$(stat -L -c %d:%i "$BIN/minictr")"
    [ -p "$R/h1/exec.fifo" ]
    [ "$(ns_of "$pid" pid)" != "$(ns_of self pid)" ]
    assert_equal "$(status_field "$pid" CapBnd)" 0000000020000420
    [ ! -e "$b/rootfs/ran" ]
    run "${OCI[@]}" start h1
    assert_success
    wait_until 10 grep -q '^exit ' "$T/shim-$BATS_TEST_NUMBER" || fail "the container did not exit"
    run grep '^exit ' "$T/shim-$BATS_TEST_NUMBER"
    assert_output "exit $pid 7"
    assert_equal "$(cat "$b/rootfs/ran")" ran
    assert_equal "$(state_of h1 status)" stopped
    [ ! -e "$R/h1/exec.fifo" ]
    run "${OCI[@]}" delete h1
    assert_success
    wait "$shim_job"
}

# bats test_tags=lab:oci-1
@test "start returns once the command is exec'd (EOF on the FIFO), after the startContainer hooks, not at the first byte" {
    # The hook runs in the first process after its byte, before its exec:
    # a start that returned at the byte would return half a second early.
    b=$(bundle eof '.process.args = ["sleep", "100"]' \
        '.hooks.startContainer = [{"path": "/bin/sleep", "args": ["sleep", "0.5"]}]')
    create e1 "$b"
    pid=$(state_of e1 pid)
    assert_equal "$(stat -L -c %d:%i "/proc/$pid/exe")" "$(stat -L -c %d:%i "$BIN/minictr")"
    "${OCI[@]}" start e1
    # start has returned: the first process is the command now, not minictr
    assert_equal "$(stat -L -c %d:%i "/proc/$pid/exe")" "$(stat -L -c %d:%i "$b/rootfs/bin/busybox")"
    assert_equal "$(state_of e1 status)" running
    [ ! -e "$R/e1/exec.fifo" ]
    "${OCI[@]}" delete --force e1
}

# bats test_tags=lab:oci-2
@test "state asks the kernel: a first process that is a zombie is stopped, and so is a record's pid that is now another process's" {
    # A parent that never reaps (a shim that is busy): the command exits
    # and stays a zombie, its pid still there in /proc.
    b=$(bundle zombie '.process.args = ["true"]')
    python3 -c 'import ctypes, os, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
os.waitpid(os.spawnvp(os.P_NOWAIT, sys.argv[1], sys.argv[1:]), 0)
time.sleep(60)' "${OCI[@]}" create --bundle "$b" z1 </dev/null >"$T/z1.out" 2>&1 3>&- &
    holder=$!
    wait_until 10 status_is z1 created 2>/dev/null || fail "create did not finish: $(cat "$T/z1.out")"
    pid=$(state_of z1 pid)
    "${OCI[@]}" start z1
    zombie() { [ "$(status_field "$pid" State | cut -c1)" = Z ]; }
    wait_until 10 zombie || fail "no zombie: $(status_field "$pid" State)"
    assert_equal "$(status_field "$pid" PPid)" "$holder"
    assert_equal "$(state_of z1 status)" stopped
    assert_equal "$(state_of z1 pid)" 0
    kill "$holder"
    wait "$holder" || true
    "${OCI[@]}" delete z1
    # The pid in the record, now another process's (as when pids wrap):
    # alive, but not with the start time create saw.
    b=$(bundle reuse '.process.args = ["sleep", "100"]')
    create p1 "$b"
    "${OCI[@]}" start p1
    assert_equal "$(state_of p1 status)" running
    sleep 100 </dev/null >/dev/null 2>&1 3>&- &
    other=$!
    cp "$R/p1/state.json" "$T/p1.state"
    jq ".pid = $other" "$T/p1.state" >"$R/p1/state.json"
    assert_equal "$(state_of p1 status)" stopped
    cp "$T/p1.state" "$R/p1/state.json"
    kill "$other"
    wait "$other" || true
    assert_equal "$(state_of p1 status)" running
    "${OCI[@]}" delete --force p1
}

# ---- config.json, seen from the host ------------------------------------

@test "kernel state from the host matches config.json: namespaces, ids, umask, capabilities, no_new_privs, seccomp, rlimits, oomScoreAdj, cgroup and its limits, masked and read-only paths, sysctl" {
    b=$(bundle state \
        '.process.args = ["sleep", "1000"]' \
        '.hostname = "oci-test"' \
        '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [44, 45], "umask": 63}' \
        '.process.capabilities = {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"], "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"], "effective": ["CAP_KILL"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}' \
        '.process.noNewPrivileges = true' \
        '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 256, "hard": 512}, {"type": "RLIMIT_NPROC", "soft": 100, "hard": 100}]' \
        '.process.oomScoreAdj = 300' \
        '.linux.namespaces = [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}]' \
        '.linux.cgroupsPath = "minictr-ocitest-'"$$"'/k1"' \
        '.linux.resources.memory = {"limit": 67108864}' \
        '.linux.resources.pids = {"limit": 50}' \
        '.linux.maskedPaths = ["/proc/timer_list", "/proc/acpi"]' \
        '.linux.readonlyPaths = ["/proc/sys"]' \
        '.linux.sysctl = {"kernel.domainname": "example.test"}' \
        '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}, {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]}')
    create k1 "$b"
    "${OCI[@]}" start k1
    pid=$(state_of k1 pid)
    # the namespaces listed are new; network, not listed, is the host's
    for ns in pid ipc uts mnt cgroup; do
        [ "$(ns_of "$pid" $ns)" != "$(ns_of self $ns)" ] || fail "$ns is the host's"
    done
    assert_equal "$(ns_of "$pid" net)" "$(ns_of self net)"
    [ "$(ns_of "$pid" user)" = "$(ns_of self user)" ]
    assert_equal "$(nsenter -t "$pid" -u hostname)" oci-test
    assert_equal "$(nsenter -t "$pid" -u cat /proc/sys/kernel/domainname)" example.test
    # who it runs as
    assert_equal "$(status_field "$pid" Uid)" "1000	1000	1000	1000"
    assert_equal "$(status_field "$pid" Gid)" "1001	1001	1001	1001"
    assert_equal "$(status_field "$pid" Groups)" "44 45"
    assert_equal "$(status_field "$pid" Umask)" 0077
    # capabilities: CHOWN (0), KILL (5), NET_BIND_SERVICE (10) bounded;
    # uid 1000's exec keeps of the permitted ones only the ambient KILL
    # (capabilities(7): no file capabilities, not root)
    assert_equal "$(status_field "$pid" CapBnd)" "$(printf %016x $((1 << 0 | 1 << 5 | 1 << 10)))"
    assert_equal "$(status_field "$pid" CapPrm)" "$(printf %016x $((1 << 5)))"
    assert_equal "$(status_field "$pid" CapEff)" "$(printf %016x $((1 << 5)))"
    assert_equal "$(status_field "$pid" CapInh)" "$(printf %016x $((1 << 5)))"
    assert_equal "$(status_field "$pid" CapAmb)" "$(printf %016x $((1 << 5)))"
    assert_equal "$(status_field "$pid" NoNewPrivs)" 1
    assert_equal "$(status_field "$pid" Seccomp)" 2
    run grep -E '^Max (open files|processes)' "/proc/$pid/limits"
    assert_line --regexp '^Max open files +256 +512 +files'
    assert_line --regexp '^Max processes +100 +100 +processes'
    assert_equal "$(cat "/proc/$pid/oom_score_adj")" 300
    # its cgroup, cgroupsPath below ours in every hierarchy, with limits
    run cat "/proc/$pid/cgroup"
    for line in "${lines[@]}"; do
        [[ "$line" == */minictr-ocitest-$$/k1 ]] || fail "not in cgroupsPath: $line"
    done
    mem=$(awk -F: '$2 == "memory" { print $3 }' "/proc/$pid/cgroup")
    if [ -n "$mem" ]; then
        assert_equal "$(cat "/sys/fs/cgroup/memory$mem/memory.limit_in_bytes")" 67108864
        pids=$(awk -F: '$2 == "pids" { print $3 }' "/proc/$pid/cgroup")
        assert_equal "$(cat "/sys/fs/cgroup/pids$pids/pids.max")" 50
    else
        v2=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
        assert_equal "$(cat "/sys/fs/cgroup$v2/memory.max")" 67108864
        assert_equal "$(cat "/sys/fs/cgroup$v2/pids.max")" 50
    fi
    # masked: /proc/timer_list is /dev/null bound, /proc/acpi an empty tmpfs;
    # /proc/sys read-only
    run awk '$5 == "/proc/timer_list" || $5 == "/proc/acpi" || $5 == "/proc/sys" { print $5, $6 }' "/proc/$pid/mountinfo"
    assert_line --regexp '^/proc/timer_list '
    assert_line --regexp '^/proc/acpi ro'
    assert_line --regexp '^/proc/sys ro'
    [ -z "$(nsenter -t "$pid" -m cat /proc/timer_list)" ] || fail "/proc/timer_list reads"
    # the seccomp profile, from inside: mkdir is EPERM (errnoRet 1), kill
    # with signal 10 EACCES (errnoRet 13, an argument compared), kill -0 fine
    run "${OCI[@]}" exec k1 sh -c 'mkdir /tmp/x; echo "mkdir=$?"; kill -0 1 && echo kill0=ok; kill -10 1; echo "kill10=$?"'
    assert_output --partial "mkdir=1"
    assert_output --partial "Operation not permitted"
    assert_output --partial "kill0=ok"
    assert_output --partial "Permission denied"
    "${OCI[@]}" kill k1 KILL
    wait_until 5 status_is k1 stopped
    "${OCI[@]}" delete k1
}

@test "a capability the runtime does not have is left out of every set, with a warning in --log; the others are given" {
    # The runtime runs without CAP_SYS_RESOURCE in its bounding set (as
    # this build machine's host itself does): no process it starts can
    # hold it, so asking capset(2) for it would fail the start.
    need_cmd capsh
    b=$(bundle nocap '.process.args = ["sleep", "1000"]' \
        '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_SYS_RESOURCE"], "permitted": ["CAP_KILL", "CAP_SYS_RESOURCE"], "effective": ["CAP_KILL", "CAP_SYS_RESOURCE"], "inheritable": [], "ambient": []}')
    capsh --drop=cap_sys_resource -- -c '"$@"' - "${OCI[@]}" create --bundle "$b" nocap \
        </dev/null >"$T/nocap.out" 2>"$T/nocap.err"
    "${OCI[@]}" start nocap
    pid=$(state_of nocap pid)
    # CAP_KILL (5) and nothing else, in the three sets
    for set in CapBnd CapPrm CapEff; do
        assert_equal "$(status_field "$pid" $set)" 0000000000000020
    done
    run jq -r 'select(.level == "warning") | .msg' "$LOG"
    assert_output "process.capabilities: cap_sys_resource not in this runtime's bounding set: left out"
    "${OCI[@]}" delete --force nocap
}

@test "a user namespace: uid_map and gid_map from config.json, root inside is an unprivileged id outside" {
    # Its root (host uid 200000) mounts the rootfs from inside: every
    # directory on the way must let others through (bats makes them 0700).
    local d=$T
    while [ "$d" != / ] && [ "$d" != "$(dirname "$BATS_RUN_TMPDIR")" ]; do
        chmod o+x "$d"
        d=$(dirname "$d")
    done
    b=$(bundle userns '.process.args = ["sleep", "1000"]' \
        '.linux.namespaces += [{"type": "user"}]' \
        '.linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]' \
        '.linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]')
    create u1 "$b"
    "${OCI[@]}" start u1
    pid=$(state_of u1 pid)
    assert_equal "$(tr -s ' ' <"/proc/$pid/uid_map")" " 0 200000 65536"
    assert_equal "$(tr -s ' ' <"/proc/$pid/gid_map")" " 0 200000 65536"
    [ "$(ns_of "$pid" user)" != "$(ns_of self user)" ]
    assert_equal "$(status_field "$pid" Uid | cut -f1)" 200000
    # root inside, but the files the host's root owns are not its own:
    # /etc (copied as the host's root) is not its to write
    run "${OCI[@]}" exec u1 sh -c 'id -u; touch /etc/x'
    assert_failure
    assert_line --index 0 0
    assert_output --partial "Permission denied"
    [ ! -e "$b/rootfs/etc/x" ]
    "${OCI[@]}" kill u1 KILL
    wait_until 5 status_is u1 stopped
    "${OCI[@]}" delete u1
}

@test "hooks run in order, each with the state on stdin: createRuntime, createContainer, prestart (1.0), startContainer, poststart, poststop" {
    out=$T/hooks-out
    mkdir -p "$out"
    hook() { # NAME: a hook that appends its name and saves its stdin
        printf '{"path": "/bin/sh", "args": ["sh", "-c", "echo %s >> %s/order; cat > %s/%s.json"]}' "$1" "$2" "$2" "$1"
    }
    b=$(bundle hooks '.process.args = ["sh", "-c", "echo command >> /out/order"]' \
        '.mounts += [{"destination": "/out", "type": "bind", "source": "'"$out"'", "options": ["rbind"]}]' \
        '.annotations = {"org.minictr.test": "hooks"}' \
        ".hooks.createRuntime = [$(hook createRuntime "$out")]" \
        ".hooks.createContainer = [$(hook createContainer "$out")]" \
        ".hooks.prestart = [$(hook prestart "$out")]" \
        ".hooks.startContainer = [$(hook startContainer /out)]" \
        ".hooks.poststart = [$(hook poststart "$out")]" \
        ".hooks.poststop = [$(hook poststop "$out")]")
    create hk "$b"
    pid=$(state_of hk pid)
    assert_equal "$(cat "$out/order")" "createRuntime
createContainer"
    "${OCI[@]}" start hk
    wait_until 5 status_is hk stopped
    "${OCI[@]}" delete hk
    # poststart runs once the command is exec'd (start saw EOF), not after
    # its first write: "command" and "poststart" may come either way round
    # (under load they do), so the command's line is checked on its own.
    assert_equal "$(grep -vx command "$out/order")" "createRuntime
createContainer
prestart
startContainer
poststart
poststop"
    run sed -n '5p; 6p' "$out/order"
    assert_line command
    # the state on stdin: id, the host pid, the bundle, the annotations
    for h in createRuntime prestart poststart; do
        jq -e --arg b "$b" --argjson p "$pid" \
            '.id == "hk" and .pid == $p and .bundle == $b and .annotations["org.minictr.test"] == "hooks"' \
            "$out/$h.json" || fail "$h's state: $(cat "$out/$h.json")"
    done
    assert_equal "$(jq -r .status "$out/prestart.json")" created
    assert_equal "$(jq -r .status "$out/poststart.json")" running
    assert_equal "$(jq -r .status "$out/poststop.json")" stopped
}

@test "a failing createRuntime hook fails create with its error in --log and leaves nothing" {
    b=$(bundle hookfail '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "echo no way; exit 3"]}]')
    run create hf "$b"
    assert_failure 1
    run logged_error
    assert_output --partial "hook createRuntime[0] '/bin/sh' failed: exit status 3: no way"
}

# ---- exec, terminals, stdio --------------------------------------------

@test "exec --process: the container's namespaces and cgroup, a pid file, the exit status; a detached one is left to the caller" {
    b=$(bundle exec '.process.args = ["sleep", "1000"]')
    create e1 "$b"
    "${OCI[@]}" start e1
    pid=$(state_of e1 pid)
    jq '.process | .args = ["sh", "-c", "readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt; exit 4"]' "$b/config.json" >"$T/process.json"
    run "${OCI[@]}" exec --process "$T/process.json" --pid-file "$T/e.pid" e1
    assert_failure 4
    assert_line --index 0 "$(readlink "/proc/$pid/ns/pid")"
    assert_line --index 1 "$(readlink "/proc/$pid/ns/mnt")"
    [ -s "$T/e.pid" ]
    # --detach: the exec'd process goes on without us, in the cgroup
    jq '.process | .args = ["sleep", "500"]' "$b/config.json" >"$T/p2.json"
    "${OCI[@]}" exec --detach --process "$T/p2.json" --pid-file "$T/e2.pid" e1 </dev/null >/dev/null 2>&1
    e2=$(cat "$T/e2.pid")
    assert_equal "$(tr '\0' ' ' <"/proc/$e2/cmdline")" "sleep 500 "
    assert_equal "$(cat "/proc/$e2/cgroup")" "$(cat "/proc/$pid/cgroup")"
    run "${OCI[@]}" ps --format json e1
    assert_success
    echo "$output" | jq -e --argjson a "$pid" --argjson b "$e2" 'index($a) != null and index($b) != null'
    "${OCI[@]}" kill --all e1 KILL
    wait_until 5 status_is e1 stopped
    wait_until 5 dead "$e2" || fail "kill --all missed the exec'd process"
    "${OCI[@]}" delete e1
}

# bats test_tags=lab:oci-3
@test "--console-socket: create sends the pty's master over the socket (SCM_RIGHTS); the container's stdio is that terminal" {
    b=$(bundle tty '.process.terminal = true' '.process.args = ["sh", "-c", "tty; echo on-the-tty"]')
    python3 "$ROOT/tests/lib/console.py" "$T/console.sock" "$T/console.out" </dev/null >/dev/null 2>&1 3>&- &
    console=$!
    wait_until 5 test -S "$T/console.sock"
    create t1 "$b" --console-socket "$T/console.sock"
    "${OCI[@]}" start t1
    wait_until 5 grep -q on-the-tty "$T/console.out" || fail "$(cat "$T/console.out")"
    run cat "$T/console.out"
    assert_line --index 0 "fd-received /dev/ptmx"
    assert_line --regexp '^/dev/pts/0'
    wait_until 5 status_is t1 stopped
    "${OCI[@]}" delete t1
    wait "$console" # (not a bare wait: bats' timeout watcher is a child too)
}

@test "create hands its own stdio to the container, writes nothing to stdout itself, and keeps the caller's fd 3 out" {
    b=$(bundle stdio '.process.args = ["sh", "-c", "echo to-stdout; echo to-stderr >&2; ls -l /proc/self/fd 2>/dev/null"]')
    # fd 3 open, as the shim's socket is (not close-on-exec); on this one
    # command only: bats reports on its own fd 3
    "${OCI[@]}" create --bundle "$b" s1 </dev/null >"$T/s1.out" 2>"$T/s1.err" 3>"$T/fd3"
    [ ! -s "$T/s1.out" ] || fail "create wrote to stdout: $(cat "$T/s1.out")"
    "${OCI[@]}" start s1
    wait_until 5 status_is s1 stopped
    run cat "$T/s1.out"
    assert_line --index 0 to-stdout
    # ls saw its own fds: 0 1 2 (our files) and the directory it reads,
    # never the caller's fd 3
    assert_output --partial "$T/s1.out"
    refute_output --partial "$T/fd3"
    assert_equal "$(cat "$T/s1.err")" to-stderr
    "${OCI[@]}" delete s1
}

# ---- lifecycle ----------------------------------------------------------

# bats test_tags=lab:oci-1,lab:oci-2
@test "lifecycle: start only from created, delete of a running one refused without --force, kill of a stopped one an error; pause and resume freeze it" {
    b=$(bundle life '.process.args = ["sleep", "1000"]')
    create l1 "$b"
    run "${OCI[@]}" delete l1
    assert_failure 1
    assert_output --partial "it is created, not stopped"
    "${OCI[@]}" start l1
    assert_equal "$(state_of l1 status)" running
    pid=$(state_of l1 pid)
    run "${OCI[@]}" start l1
    assert_failure 1
    assert_output --partial "it is running, not created"
    run logged_error
    assert_output --partial "cannot start container 'l1': it is running"
    run "${OCI[@]}" delete l1
    assert_failure 1
    assert_output --partial "it is running, not stopped"
    ! dead "$pid" # delete refused: no effect
    "${OCI[@]}" pause l1
    assert_equal "$(state_of l1 status)" paused
    assert_equal "$(status_field "$pid" State | cut -c1)" S
    v2=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
    if [ -f "/sys/fs/cgroup/unified$v2/cgroup.events" ]; then
        grep -qx 'frozen 1' "/sys/fs/cgroup/unified$v2/cgroup.events"
    elif [ -f "/sys/fs/cgroup$v2/cgroup.events" ]; then
        grep -qx 'frozen 1' "/sys/fs/cgroup$v2/cgroup.events"
    fi
    run "${OCI[@]}" pause l1
    assert_failure 1
    "${OCI[@]}" resume l1
    assert_equal "$(state_of l1 status)" running
    "${OCI[@]}" kill l1 SIGKILL
    wait_until 5 status_is l1 stopped
    assert_equal "$(state_of l1 pid)" 0
    run "${OCI[@]}" kill l1 KILL
    assert_failure 1
    assert_output --partial "it is stopped"
    "${OCI[@]}" delete l1
    run "${OCI[@]}" state l1
    assert_failure 1
}

@test "run: create, start, wait and delete in the foreground; the exit status passes through" {
    b=$(bundle run '.process.args = ["sh", "-c", "echo in-run; exit 5"]')
    # Into a file, not bats' pipe: a first process left held (a copy under
    # grading whose start fails) would keep a pipe open for ever.
    rc=0
    "${OCI[@]}" run --bundle "$b" r1 </dev/null >"$T/r1.out" 2>&1 || rc=$?
    assert_equal "$rc" 5
    assert_equal "$(cat "$T/r1.out")" in-run
    [ ! -e "$R/r1" ]
}

@test "cgroupsPath: containerd's /default/ID from each hierarchy's root; --systemd-cgroup maps slice:prefix:name; both gone after delete" {
    ns=minictr-oci-test-$$
    b=$(bundle abs '.process.args = ["sleep", "1000"]' ".linux.cgroupsPath = \"/$ns/c1\"")
    create a1 "$b"
    pid=$(state_of a1 pid)
    run cat "/proc/$pid/cgroup"
    for line in "${lines[@]}"; do
        [[ "$line" == *:/$ns/c1 ]] || fail "not at /$ns/c1: $line"
    done
    "${OCI[@]}" delete --force a1
    run find /sys/fs/cgroup -maxdepth 3 -name "$ns*"
    assert_output ""
    # systemd's slice names nest at each dash: a name with none of its own
    ns=minictroci$$
    b=$(bundle sd '.process.args = ["sleep", "1000"]' ".linux.cgroupsPath = \"$ns-x.slice:cri:c2\"")
    "$MC" --root "$R" --systemd-cgroup create --bundle "$b" c2 </dev/null >/dev/null 2>&1
    pid=$(state_of c2 pid)
    run cat "/proc/$pid/cgroup"
    for line in "${lines[@]}"; do
        [[ "$line" == *:/$ns.slice/$ns-x.slice/cri-c2.scope ]] || fail "$line"
    done
    "${OCI[@]}" delete --force c2
    run find /sys/fs/cgroup -maxdepth 3 -name "$ns*"
    assert_output ""
}

# ---- bad input ----------------------------------------------------------

# bad_create WHAT EXPECTED BUNDLE: create fails with exit 1, the error in
# --log as a JSON line, and nothing made.
bad_create() {
    local expected=$1 b=$2
    run "${OCI[@]}" create --bundle "$b" bad
    assert_failure 1
    assert_output --partial "$expected"
    run logged_error
    assert_success
    assert_output --partial "$expected"
    run nothing_left
    assert_success
    rm -f "$LOG"
}

@test "bad input: an error in --log (JSON), exit 1, nothing left: not JSON, no root.path, an unknown namespace, capability or seccomp action, a bundle that is a file" {
    b=$(bundle bad)
    echo '{"ociVersion": "1.0.2", "root": {' >"$b/config.json"
    bad_create "config.json: not JSON" "$b"
    b=$(bundle bad2 'del(.root.path)')
    bad_create "config.json: root.path: missing" "$b"
    b=$(bundle bad3 '.linux.namespaces[2].type = "tyme"')
    bad_create "config.json: linux.namespaces[2].type: unknown namespace 'tyme'" "$b"
    b=$(bundle bad4 '.process.capabilities.bounding += ["CAP_TELEPORT"]')
    bad_create "config.json: process.capabilities.bounding[3]: unknown capability 'CAP_TELEPORT'" "$b"
    b=$(bundle bad5 '.linux.seccomp = {"defaultAction": "SCMP_ACT_TELEPORT"}')
    bad_create "config.json: linux.seccomp.defaultAction: unknown seccomp action 'SCMP_ACT_TELEPORT'" "$b"
    b=$(bundle bad6 '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}')
    bad_create "config.json: linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY needs a listener" "$b"
    b=$(bundle bad7 '.process.rlimits[0].soft = "lots"')
    bad_create "config.json: process.rlimits[0].soft: expected int, got string" "$b"
    b=$(bundle bad8 '.ociVersion = "2.0.0"')
    bad_create "config.json: ociVersion: unsupported version '2.0.0'" "$b"
    touch "$T/a-file"
    bad_create "--bundle '$T/a-file' is not a directory" "$T/a-file"
    # The spec's rule the other way: an unknown key is not an error.
    b=$(bundle unknown '.process.args = ["true"]' '.somethingNew = {"x": 1}' '.linux.somethingElse = 2')
    create ok1 "$b"
    "${OCI[@]}" delete --force ok1
}

@test "bad input: an id in use leaves the first container alone; start and state of unknown ids fail; delete --force of one exits 0" {
    b=$(bundle inuse '.process.args = ["sleep", "1000"]')
    create same "$b"
    pid=$(state_of same pid)
    run "${OCI[@]}" create --bundle "$b" same
    assert_failure 1
    assert_output --partial "container 'same' exists already"
    run logged_error
    assert_output --partial "exists already"
    ! dead "$pid"
    assert_equal "$(state_of same status)" created
    [ -p "$R/same/exec.fifo" ]
    run "${OCI[@]}" start nosuch
    assert_failure 1
    run "${OCI[@]}" state nosuch
    assert_failure 1
    assert_output --partial "container 'nosuch' does not exist"
    run "${OCI[@]}" delete nosuch
    assert_failure 1
    run "${OCI[@]}" delete --force nosuch
    assert_success
    run "${OCI[@]}" state
    assert_failure 1
    "${OCI[@]}" delete --force same
    dead "$pid"
}

@test "a failed create (the command is not in the image) says so in --log, exits 1, and delete --force after it exits 0" {
    b=$(bundle nocmd '.process.args = ["/nonexistent"]')
    run "${OCI[@]}" create --bundle "$b" nc
    assert_failure 1
    run logged_error
    assert_output --partial "exec '/nonexistent' in the container failed: ENOENT (No such file or directory)"
    run "${OCI[@]}" delete --force nc
    assert_success
    run "$MC" --root "$R" --log "$LOG" --log-format text create --bundle "$b" nc
    assert_failure 1
    run tail -n 1 "$LOG"
    assert_output --regexp '^time="[0-9T:-]+Z" level=error msg="exec '\''/nonexistent'\'' in the container failed'
}

# ---- faults -------------------------------------------------------------

# bats test_tags=lab:oci-2
@test "faults: kill -9 of create while a hook holds it: the held process dies with it; state says stopped; delete --force leaves nothing" {
    b=$(bundle killcreate '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "100"]}]')
    "${OCI[@]}" create --bundle "$b" kc </dev/null >/dev/null 2>&1 3>&- &
    creator=$!
    wait_until 10 pgrep -f -P "$creator" 'sleep 100' >/dev/null || fail "the hook did not start"
    held=$(pgrep -P "$creator" -x minictr-oci || pgrep -P "$creator" -x minictr)
    [ -n "$held" ]
    kill -KILL "$creator"
    wait "$creator" || true
    pkill -KILL -f -P "$creator" 'sleep 100' || true
    wait_until 5 dead "$held" || fail "the held process outlived create"
    assert_equal "$(state_of kc status)" stopped
    run "${OCI[@]}" delete --force kc
    assert_success
}

@test "faults: kill -9 of the container's parent, before start and after: the container lives on; delete --force ends it and leaves nothing" {
    b=$(bundle orphan '.process.args = ["sleep", "1000"]')
    python3 "$ROOT/tests/lib/subreaper.py" "$T/shim-$BATS_TEST_NUMBER" "${OCI[@]}" create --bundle "$b" o1 \
        </dev/null >/dev/null 2>&1 3>&- &
    shim=$!
    wait_until 10 grep -q '^ran 0' "$T/shim-$BATS_TEST_NUMBER" || fail "create failed"
    pid=$(state_of o1 pid)
    assert_equal "$(status_field "$pid" PPid)" "$shim"
    kill -KILL "$shim"
    wait "$shim" || true
    # orphaned again, still held
    wait_until 5 test "$(status_field "$pid" PPid)" != "$shim"
    assert_equal "$(state_of o1 status)" created
    "${OCI[@]}" start o1
    assert_equal "$(state_of o1 status)" running
    assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 1000 "
    run "${OCI[@]}" delete --force o1
    assert_success
    dead "$pid"
}
