#!/usr/bin/env bats
# minictr without sudo, and --userns auto: root inside, nobody outside.
# Checked on kernel state: /proc/PID/uid_map, gid_map and setgroups from
# the host and inside; Uid, CapEff, NoNewPrivs, Seccomp in /proc/PID/status;
# the user namespace's inode; the owners the host sees on files made
# inside; a root-owned host file that must stay as it was; the ranges two
# running containers hold. The rootless tests run as users this file makes
# (useradd) and removes, whatever happens:
#   minictr-rl-PID    a user with a /etc/subuid and /etc/subgid range
#   minictr-rlnr-PID  a system user, with no range
# The --userns auto tests give root a range in copies of /etc/subuid and
# /etc/subgid, bound over the real ones in a private mount namespace
# (auto CMD...): the real files are never changed.

load lib/common
load lib/users
bats_require_minimum_version 1.5.0

DOCKER_CAPS=00000000a80425fb # Docker's 14, as /proc/PID/status prints them
AUTO_START=1500000000        # root's range in the copies: two containers

setup_file() {
    users_setup_file '^minictr-rl(nr)?-[0-9]+$' /tmp/minictr-rootless || return 0
    export RUSER=minictr-rl-$$ PUSER=minictr-rlnr-$$
    add_user "$RUSER" || { users_skip "useradd $RUSER failed (a read-only /etc?)"; return 0; }
    add_user -r "$PUSER" || { users_skip "useradd -r $PUSER failed"; return 0; }
    # The tools under test may be in a directory only root can enter.
    mkdir "$T/bin" "$T/nobin"
    cp "$BIN/minictr" "$BIN/minictr-unpack" "$BIN/doctor" "$T/bin/"
    chmod 755 "$T/bin"/*
    cp -a "$IMAGE" "$T/img"
    chmod 755 "$T/img"
    local u
    for u in "$RUSER" "$PUSER"; do
        mkdir -m 700 "$T/home-$u"
        cp -a "$IMAGE" "$T/img-$u"
        chown -R "$u:" "$T/home-$u" "$T/img-$u"
        mc_as "$u" import "$T/img-$u" busybox >/dev/null ||
            fail "$u could not import its image"
    done
    # A host directory and file of root's, to attack from inside.
    mkdir "$T/hostdir"
    echo "host-secret" >"$T/hostdir/file"
    chmod 644 "$T/hostdir/file"
    # Root's range for --userns auto, in copies of the real files.
    for f in subuid subgid; do
        grep -v '^root:' "/etc/$f" >"$T/$f" || true
        echo "root:$AUTO_START:131072" >>"$T/$f"
    done
    export MINICTR_ROOT=$BATS_FILE_TMPDIR/lib MINICTR_STATE=$BATS_FILE_TMPDIR/state
    "$BIN/minictr" import "$IMAGE" busybox >/dev/null
}

teardown_file() {
    local u
    for u in "${RUSER:-}" "${PUSER:-}"; do
        [ -n "$u" ] && id "$u" >/dev/null 2>&1 || continue
        kill_user_processes "$u"
        userdel "$u" || { sleep 1; userdel "$u"; }
    done
    [ -z "${T:-}" ] || rm -rf "$T"
}

setup() {
    need_root
    users_check
    MC=$BIN/minictr
    RUID=$(id -u "$RUSER")
    RGID=$(id -g "$RUSER")
    PUID=$(id -u "$PUSER")
    PGID=$(id -g "$PUSER")
}

# A failed test may leave containers: remove them (they are ours), then
# judge: no process of the test users, no mount below our directories,
# no cgroup of ours.
teardown() {
    local u ids left
    for u in "$RUSER" "$PUSER"; do
        ids=$(mc_as "$u" ps -aq --no-trunc 2>/dev/null) || true
        [ -z "$ids" ] || mc_as "$u" rm -f $ids >/dev/null 2>&1 || true
    done
    ids=$("$MC" ps -aq --no-trunc 2>/dev/null) || true
    [ -z "$ids" ] || "$MC" rm -f $ids >/dev/null 2>&1 || true
    [ -z "${DELEGATED:-}" ] || remove_delegated
    for u in "$RUSER" "$PUSER"; do
        left=$(pgrep -u "$(id -u "$u")" || true)
        [ -z "$left" ] || { kill_user_processes "$u"; fail "processes of $u left: $left"; }
    done
    run mounts_below "$T"
    assert_output ""
    run mounts_below "$MINICTR_ROOT"
    assert_output ""
    run leftover_cgroups
    assert_output ""
}

# Every process of a test user, by pid (they are this file's).
kill_user_processes() {
    local pid
    for pid in $(pgrep -u "$(id -u "$1")"); do
        kill -KILL "$pid" 2>/dev/null || true
    done
    for _ in $(seq 50); do
        pgrep -u "$(id -u "$1")" >/dev/null || return 0
        sleep 0.1
    done
}

# as_user USER CMD...: CMD as USER (uid, gid, no other group) with the
# plain environment of a login: HOME, no XDG_RUNTIME_DIR (no systemd
# session here), no MINICTR_ROOT or MINICTR_STATE. USER_ENV adds to it.
as_user() {
    local u=$1
    shift
    setpriv --reuid "$(id -u "$u")" --regid "$(id -g "$u")" --clear-groups \
        env -i PATH="${USER_PATH:-/usr/bin:/bin}" HOME="$T/home-$u" \
        TMPDIR="$T/home-$u" ${USER_ENV:-} "$@"
}

mc_as() {
    local u=$1
    shift
    as_user "$u" "$T/bin/minictr" "$@"
}

# auto CMD...: CMD with root's range in /etc/subuid and /etc/subgid (a
# private mount namespace; what CMD starts with -d stays in it).
auto() {
    unshare -m --propagation private sh -c \
        'mount --bind "$1" /etc/subuid && mount --bind "$2" /etc/subgid && shift 2 && exec "$@"' \
        sh "$T/subuid" "$T/subgid" "$@"
}

sub_start() {
    awk -F: -v u="$1" '$1 == u { print $2; exit }' "$2"
}

# status_field PID FIELD: e.g. "1001 1001 1001 1001" for Uid.
status_field() {
    awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}

# wait_pid RUNNER... NAME: the host pid of container NAME's PID 1 once its
# command runs (RUNNER: how to call minictr, e.g. mc_as USER).
wait_pid() {
    local name=${*: -1} pid
    for _ in $(seq 100); do
        pid=$("${@:1:$#-1}" inspect -f '{{.pid}}' "$name" 2>/dev/null) || true
        if [ -n "$pid" ] && [ "$pid" != 0 ] &&
            [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ]; then
            echo "$pid"
            return 0
        fi
        sleep 0.05
    done
    return 1
}

nothing_left_of() {
    local u=$1
    run mc_as "$u" ps -aq
    assert_output ""
    run find "$T/home-$u/.local/share/minictr/containers" -mindepth 1 -maxdepth 1
    assert_output ""
    run find "$T/home-$u/minictr-run-$(id -u "$u")" -name '*.json' -o -name '*.sock'
    assert_output ""
}

# ---- a user without sudo -------------------------------------------------

@test "rootless: a user with no range is root inside with one id mapped, setgroups denied; store and records are its own" {
    run mc_as "$PUSER" run --rm busybox sh -c \
        'probe id; probe ns; echo setgroups=$(cat /proc/self/setgroups)'
    assert_success
    assert_equal "$(probe_get uid "$output")" 0
    assert_equal "$(probe_get gid "$output")" 0
    assert_equal "$(probe_get uid_map "$output" | xargs)" "0 $PUID 1"
    assert_equal "$(probe_get gid_map "$output" | xargs)" "0 $PGID 1"
    [ "$(grep -c '^uid_map=' <<<"$output")" -eq 1 ]
    assert_equal "$(probe_get setgroups "$output")" deny
    [ "$(probe_get ns.user "$output")" != "$(stat -L -c %i /proc/self/ns/user)" ]
    # XDG: ~/.local/share/minictr; no session, so ${TMPDIR}/minictr-run-UID,
    # a directory of the user's that nobody else may enter.
    run find "$T/home-$PUSER/.local/share/minictr/layers" -mindepth 1 -maxdepth 1 -printf '%u\n'
    assert_output "$PUSER"
    assert_equal "$(stat -c '%u %a' "$T/home-$PUSER/minictr-run-$PUID")" "$PUID 700"
    nothing_left_of "$PUSER"
}

@test "rootless: with a range, uid_map and gid_map hold the user and its /etc/subuid range, from /proc/PID and inside" {
    need_cmd newuidmap
    local us gs pid
    us=$(sub_start "$RUSER" /etc/subuid)
    gs=$(sub_start "$RUSER" /etc/subgid)
    [ -n "$us" ] && [ -n "$gs" ] || skip "useradd gave $RUSER no /etc/subuid range here"
    mc_as "$RUSER" run -d --name ranged busybox sleep 60 >/dev/null
    pid=$(wait_pid mc_as "$RUSER" ranged)
    assert_equal "$(xargs <"/proc/$pid/uid_map")" "0 $RUID 1 1 $us 65536"
    assert_equal "$(xargs <"/proc/$pid/gid_map")" "0 $RGID 1 1 $gs 65536"
    assert_equal "$(cat "/proc/$pid/setgroups")" allow
    assert_equal "$(status_field "$pid" Uid | xargs)" "$RUID $RUID $RUID $RUID"
    run mc_as "$RUSER" exec ranged probe id
    assert_success
    assert_equal "$(probe_get uid "$output")" 0
    assert_equal "$(sed -n 's/^uid_map=//p' <<<"$output" | xargs)" "0 $RUID 1 1 $us 65536"
    assert_equal "$(sed -n 's/^gid_map=//p' <<<"$output" | xargs)" "0 $RGID 1 1 $gs 65536"
    # the record names the map, as the kernel prints it
    assert_equal "$(mc_as "$RUSER" inspect -f '{{.uid_map}}' ranged | xargs)" "0 $RUID 1 1 $us 65536"
    mc_as "$RUSER" rm -f ranged >/dev/null
    nothing_left_of "$RUSER"
}

@test "rootless: CapEff is Docker's set, in the container's own user namespace: the monitor and the user have none" {
    local pid mon
    mc_as "$PUSER" run -d --name caps busybox sleep 60 >/dev/null
    pid=$(wait_pid mc_as "$PUSER" caps)
    mon=$(awk '{ print $4 }' "/proc/$pid/stat")
    assert_equal "$(status_field "$pid" CapEff)" "$DOCKER_CAPS"
    assert_equal "$(status_field "$pid" CapBnd)" "$DOCKER_CAPS"
    assert_equal "$(status_field "$pid" NoNewPrivs)" 1
    assert_equal "$(status_field "$pid" Seccomp)" 2
    assert_equal "$(status_field "$pid" Uid | xargs)" "$PUID $PUID $PUID $PUID"
    # ... counted in which namespace? Its own, owned by the user: the
    # monitor, in the host's, has no capability at all, nor has the user.
    [ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ]
    assert_equal "$(readlink "/proc/$mon/ns/user")" "$(readlink /proc/self/ns/user)"
    assert_equal "$(status_field "$mon" CapEff)" 0000000000000000
    assert_equal "$(status_field "$mon" Uid | xargs)" "$PUID $PUID $PUID $PUID"
    run as_user "$PUSER" grep CapEff /proc/self/status
    assert_output --regexp "CapEff:\s+0000000000000000"
    local ns
    for ns in mnt uts pid net ipc cgroup; do
        [ "$(readlink "/proc/$pid/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ] ||
            fail "the container shares the host's $ns namespace"
    done
    mc_as "$PUSER" rm -f caps >/dev/null
}

@test "rootless: files made inside belong on the host to the ids the map names" {
    need_cmd newuidmap
    local us gs dir
    us=$(sub_start "$RUSER" /etc/subuid)
    gs=$(sub_start "$RUSER" /etc/subgid)
    [ -n "$us" ] || skip "useradd gave $RUSER no /etc/subuid range here"
    mkdir "$T/vol-r" "$T/vol-p"
    chown "$RUSER:" "$T/vol-r"
    chown "$PUSER:" "$T/vol-p"
    run mc_as "$RUSER" run --name owners -v "$T/vol-r:/v" busybox sh -c \
        'touch /v/by-root /v/by-1000 /by-root && mkdir /v/dir && chown 1000:1000 /v/by-1000 && ls -ln /v'
    assert_success
    assert_output --regexp "1000 +1000 .* by-1000"
    assert_equal "$(stat -c %u:%g "$T/vol-r/by-root")" "$RUID:$RGID"
    assert_equal "$(stat -c %u:%g "$T/vol-r/dir")" "$RUID:$RGID"
    assert_equal "$(stat -c %u:%g "$T/vol-r/by-1000")" "$((us + 999)):$((gs + 999))"
    # the container's own layer too: its upper directory on the host
    dir=$(mc_as "$RUSER" inspect -f '{{.dir}}' owners)
    assert_equal "$(stat -c %u:%g "$dir/upper/by-root")" "$RUID:$RGID"
    mc_as "$RUSER" rm owners >/dev/null
    assert_dir_not_exists "$dir"
    # one id: root is the user, and there is no uid 1000 to give a file
    run mc_as "$PUSER" run --rm -v "$T/vol-p:/v" busybox sh -c \
        'touch /v/by-root; chown 1000 /v/by-root'
    assert_failure
    assert_output --partial "Invalid argument"
    assert_equal "$(stat -c %u:%g "$T/vol-p/by-root")" "$PUID:$PGID"
}

@test "rootless: root inside cannot write a root-owned host file through a bind mount" {
    local before u
    before=$(stat -c '%u:%g %a %s %Y' "$T/hostdir/file")
    for u in "$PUSER" "$RUSER"; do
        run mc_as "$u" run --rm -v "$T/hostdir:/host" busybox sh -c \
            'probe write /host/file; ls -ln /host; echo x >> /host/file;
             chmod 666 /host/file; chown 0:0 /host/file; rm -f /host/file;
             mv /host/file /host/moved; touch /host/new'
        assert_line "write=EACCES"
        # root's file is nobody's inside: 65534 is no id of the map
        assert_output --regexp "65534 +65534 .* file"
        assert_output --partial "Operation not permitted"
        assert_output --partial "Permission denied"
        assert_equal "$(cat "$T/hostdir/file")" "host-secret"
        assert_equal "$(stat -c '%u:%g %a %s %Y' "$T/hostdir/file")" "$before"
        assert_equal "$(ls -A "$T/hostdir")" "file"
    done
}

@test "rootless: the escapes minictr-run.bats tries fail for a user's container too" {
    local call
    for call in keyctl add_key unshare userns mount umount pivot_root bpf \
        perf_event_open userfaultfd kexec_load init_module swapon setns \
        tiocsti reboot; do
        run mc_as "$RUSER" run --rm busybox probe syscall "$call"
        assert_output "$call=EPERM"
    done
    run mc_as "$RUSER" run --rm busybox probe syscall clone3
    assert_output "clone3=ENOSYS"
    # host disks: no node can be made, whatever the capabilities say
    run mc_as "$RUSER" run --rm busybox sh -c \
        'probe mknod /tmp/disk b 8 0; probe mknod /dev/null2 c 1 3; ls -A /dev; probe write /proc/sysrq-trigger; probe fds; probe caps'
    assert_line "mknod=EPERM"
    refute_line "mknod=OK"
    assert_line "fds=0,1,2"
    assert_line "cap_bnd=$DOCKER_CAPS"
    assert_line "no_new_privs=1"
    assert_line "seccomp=2"
    refute_line "write=OK"
    assert_equal "$(grep -xE 'fd|full|null|ptmx|pts|random|shm|stderr|stdin|stdout|tty|urandom|zero' <<<"$output" | wc -l)" 13
    # the root is an overlay (userxattr), the host's tree is gone, /proc masked
    run mc_as "$RUSER" run --rm busybox sh -c 'probe mounts; cat /proc/self/mountinfo; probe read /proc/keys'
    assert_line --regexp '^[0-9]+ [0-9]+ [0-9:]+ / / .* - overlay overlay .*,userxattr'
    assert_line --regexp '^mount=/proc/sys proc ro,'
    assert_line --regexp '^mount=/sys sysfs ro,'
    refute_line --regexp "^mount=/(work|tmp/minictr-rootless)"
    assert_line "bytes=0"
    # each /dev node is the host's, bound
    local dev
    dev=$(awk '$5 == "/dev" { print $3 }' /proc/self/mountinfo | tail -n 1)
    assert_line --regexp "^[0-9]+ [0-9]+ $dev /null /dev/null "
}

@test "rootless: run -d, ps, logs, exec (in the container's user namespace), cp, stop and rm" {
    local pid
    echo from-host >"$T/home-$RUSER/in"
    chown "$RUSER:" "$T/home-$RUSER/in"
    mc_as "$RUSER" run -d --name web busybox sh -c 'echo hello; echo secret > /s; chmod 600 /s; chown 5 /s; exec sleep 60' >/dev/null
    pid=$(wait_pid mc_as "$RUSER" web)
    run mc_as "$RUSER" ps
    assert_line --regexp ' Up .* web$'
    run mc_as "$RUSER" logs web
    assert_output hello
    run mc_as "$RUSER" exec web sh -c 'probe id; probe ns'
    assert_success
    assert_equal "$(probe_get uid "$output")" 0
    assert_equal "$(probe_get ns.user "$output")" "$(stat -L -c %i "/proc/$pid/ns/user")"
    assert_equal "$(probe_get ns.pid "$output")" "$(stat -L -c %i "/proc/$pid/ns/pid")"
    assert_equal "$(probe_get ns.mnt "$output")" "$(stat -L -c %i "/proc/$pid/ns/mnt")"
    # cp: a file only uid 5 inside may read comes out; one goes in as root
    run mc_as "$RUSER" cp web:/s "$T/home-$RUSER/out"
    assert_success
    assert_equal "$(cat "$T/home-$RUSER/out")" secret
    assert_equal "$(stat -c %u "$T/home-$RUSER/out")" "$RUID"
    run mc_as "$RUSER" cp "$T/home-$RUSER/in" web:/in
    assert_success
    run mc_as "$RUSER" exec web sh -c 'cat /in; stat -c %u:%g /in'
    assert_output "from-host"$'\n'"0:0"
    run mc_as "$RUSER" top web
    assert_output --partial "sleep 60"
    run mc_as "$RUSER" stop -t 1 web
    assert_success
    [ ! -d "/proc/$pid" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != sleep ]
    run mc_as "$RUSER" ps -a
    assert_line --regexp ' Exited \(137\) .* web$'
    # a stopped container's files, through a namespace with its map
    run mc_as "$RUSER" cp web:/s "$T/home-$RUSER/out2"
    assert_success
    run mc_as "$RUSER" rm web
    assert_success
    nothing_left_of "$RUSER"
}

@test "rootless: no delegated cgroup: said once; limits and pause refused with the fix; nothing left" {
    USER_ENV="XDG_RUNTIME_DIR=$T/home-$PUSER/xdg"
    mkdir -m 700 "$T/home-$PUSER/xdg"
    chown "$PUSER:" "$T/home-$PUSER/xdg"
    run --separate-stderr mc_as "$PUSER" run --rm busybox true
    assert_success
    [[ "$stderr" == *"no cgroup is delegated to you"* ]] || fail "no warning: $stderr"
    assert_file_exists "$T/home-$PUSER/xdg/minictr/.no-cgroup-warned"
    run --separate-stderr mc_as "$PUSER" run --rm busybox true
    assert_success
    [ -z "$stderr" ] || fail "said twice: $stderr"
    run mc_as "$PUSER" run --rm --pids-limit 8 busybox true
    assert_failure 125
    assert_output --partial "--pids-limit needs the pids cgroup controller"
    assert_output --partial "hint:"
    run mc_as "$PUSER" run --rm -m 64m busybox true
    assert_failure 125
    mc_as "$PUSER" run -d --name frozen busybox sleep 60 >/dev/null
    run mc_as "$PUSER" pause frozen
    assert_failure 125
    assert_output --partial "no freezer cgroup"
    run mc_as "$PUSER" ps
    assert_line --regexp ' Up .* frozen$'
    mc_as "$PUSER" rm -f frozen >/dev/null
    run find "$T/home-$PUSER/xdg/minictr" -name '*.json'
    assert_output ""
    USER_ENV=
}

# The cgroup root delegates to RUSER: v1 and hybrid, minictr-deleg-PID
# (RUSER's) below this run's own pids and freezer cgroups; v2, a cgroup of
# RUSER's below the root with a leaf for the user's shell. Sets DELEG_SH:
# how to start a command in it as RUSER.
make_delegated() {
    local c own
    DELEGATED=()
    if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
        grep -qw pids /sys/fs/cgroup/cgroup.subtree_control ||
            skip "the cgroup2 root does not enable pids for its children"
        DELEGATED=("/sys/fs/cgroup/minictr-deleg-$$")
        mkdir -p "${DELEGATED[0]}/shell"
        chown -R "$RUSER:" "${DELEGATED[0]}"
        DELEG_PROCS=("${DELEGATED[0]}/shell/cgroup.procs")
        return 0
    fi
    DELEG_PROCS=()
    for c in pids freezer; do
        own=$(awk -F: -v c="$c" '$2 ~ "(^|,)" c "(,|$)" { print $3 }' /proc/self/cgroup)
        [ -d "/sys/fs/cgroup/$c" ] || skip "no v1 $c hierarchy"
        mkdir "/sys/fs/cgroup/$c${own%/}/minictr-deleg-$$"
        chown -R "$RUSER:" "/sys/fs/cgroup/$c${own%/}/minictr-deleg-$$"
        DELEGATED+=("/sys/fs/cgroup/$c${own%/}/minictr-deleg-$$")
        DELEG_PROCS+=("/sys/fs/cgroup/$c${own%/}/minictr-deleg-$$/cgroup.procs")
    done
}

# What minictr made in the delegated cgroups must be gone already (judged
# here, since these directories are minictr-named and get removed now).
remove_delegated() {
    local d left=
    for d in "${DELEGATED[@]}"; do
        left+=$(find "$d" -mindepth 1 -type d -name 'minictr-*' 2>/dev/null)
        for sub in $(find "$d" -depth -type d 2>/dev/null); do
            rmdir "$sub" 2>/dev/null || { sleep 0.3; rmdir "$sub"; } || true
        done
    done
    DELEGATED=
    [ -z "$left" ] || fail "cgroups left in the delegated ones: $left"
}

# in_delegated CMD...: root moves itself into the delegated cgroups
# (only root may, for a cgroup2 one), then becomes RUSER and runs CMD.
in_delegated() {
    sh -c 'for f in $DELEG; do echo $$ > "$f" || exit 1; done; exec "$@"' sh "$@"
}

@test "rootless: a cgroup root delegated holds --pids-limit, and pause freezes the container" {
    local pid dir id
    make_delegated
    export DELEG="${DELEG_PROCS[*]}"
    run in_delegated setpriv --reuid "$RUID" --regid "$RGID" --clear-groups \
        env -i PATH=/usr/bin:/bin HOME="$T/home-$RUSER" TMPDIR="$T/home-$RUSER" \
        "$T/bin/minictr" run --rm --pids-limit 8 busybox sh -c \
        'i=0; while [ $i -lt 12 ]; do sh -c "sleep 1 &" 2>/dev/null || echo fail; i=$((i+1)); done; echo done'
    assert_success
    assert_line done
    [ "$(grep -c '^fail$' <<<"$output")" -ge 4 ] || fail "the limit did not hold: $output"
    in_delegated setpriv --reuid "$RUID" --regid "$RGID" --clear-groups \
        env -i PATH=/usr/bin:/bin HOME="$T/home-$RUSER" TMPDIR="$T/home-$RUSER" \
        "$T/bin/minictr" run -d --name cold busybox sleep 60 >/dev/null
    pid=$(wait_pid mc_as "$RUSER" cold)
    id=$(mc_as "$RUSER" inspect -f '{{.id}}' cold)
    run mc_as "$RUSER" pause cold
    assert_success
    # the kernel's word: the freezer of the container's own cgroup
    if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
        dir=${DELEGATED[0]}/minictr/minictr-$id
        grep -qx 'frozen 1' "$dir/cgroup.events" || fail "not frozen: $(cat "$dir/cgroup.events")"
    else
        dir=${DELEGATED[1]}/minictr-$id
        assert_equal "$(cat "$dir/freezer.state")" FROZEN
    fi
    grep -qx "$pid" "$dir/cgroup.procs"
    run mc_as "$RUSER" ps
    assert_line --regexp ' Up .*\(Paused\) .* cold$'
    mc_as "$RUSER" unpause cold >/dev/null
    mc_as "$RUSER" rm -f cold >/dev/null
    nothing_left_of "$RUSER"
}

@test "rootless: a tarball's owners are kept with a range, refused with one id (the fix named); nothing left" {
    python3 - "$T/owners.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for name, uid in (("etc/", 0), ("etc/owned", 1000)):
        ti = tarfile.TarInfo(name.rstrip("/"))
        ti.type = tarfile.DIRTYPE if name.endswith("/") else tarfile.REGTYPE
        ti.uid = ti.gid = uid
        ti.mode = 0o755 if ti.type == tarfile.DIRTYPE else 0o644
        data = b"" if ti.type == tarfile.DIRTYPE else b"x\n"
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
PY
    chmod 644 "$T/owners.tar"
    run mc_as "$PUSER" import "$T/owners.tar" owners
    assert_failure 125
    assert_output --partial "usermod --add-subuids"
    run mc_as "$PUSER" images -q
    assert_equal "${#lines[@]}" 1
    run find "$T/home-$PUSER/.local/share/minictr/tmp" -mindepth 1
    assert_output ""
    need_cmd newuidmap
    local us
    us=$(sub_start "$RUSER" /etc/subuid)
    [ -n "$us" ] || skip "useradd gave $RUSER no /etc/subuid range here"
    run mc_as "$RUSER" import "$T/owners.tar" owners
    assert_success
    local owned
    owned=$(find "$T/home-$RUSER/.local/share/minictr/layers" -path '*/etc/owned')
    [ -n "$owned" ] || fail "no layer has etc/owned"
    assert_equal "$(stat -c %u "$owned")" "$((us + 1000 - 1))"
    assert_equal "$(stat -c %u "${owned%/owned}")" "$RUID"
    # rmi removes files of ids the user does not own outside: in its namespace
    run mc_as "$RUSER" rmi owners
    assert_success
    assert_file_not_exists "$owned"
}

@test "rootless: bad input: newuidmap missing, a failing newuidmap, an overlapping range, -u without a range, --userns, a state directory not ours" {
    need_cmd newuidmap
    [ -n "$(sub_start "$RUSER" /etc/subuid)" ] || skip "useradd gave $RUSER no /etc/subuid range here"
    USER_PATH=$T/nobin run mc_as "$RUSER" run --rm busybox true
    assert_failure 125
    assert_output --partial "newuidmap or newgidmap is not in PATH"
    assert_output --partial "apt-get install uidmap"
    # a newuidmap that refuses: the command never runs
    mkdir -p "$T/fakebin" "$T/vol-fake"
    chown "$RUSER:" "$T/vol-fake"
    printf '#!/bin/sh\necho "newuidmap: range not allowed" >&2\nexit 1\n' >"$T/fakebin/newuidmap"
    cp "$T/fakebin/newuidmap" "$T/fakebin/newgidmap"
    chmod 755 "$T/fakebin" "$T/fakebin"/*
    USER_PATH=$T/fakebin:/usr/bin:/bin run mc_as "$RUSER" run --rm -v "$T/vol-fake:/v" busybox touch /v/ran
    assert_failure 125
    assert_output --regexp "'newuidmap [0-9]+ 0 $RUID 1 1 [0-9]+ 65536' failed: newuidmap: range not allowed"
    assert_file_not_exists "$T/vol-fake/ran"
    # another user's range overlaps ours (in copies, in a namespace of ours)
    local us
    us=$(sub_start "$RUSER" /etc/subuid)
    cp /etc/subuid "$T/subuid-overlap"
    cp /etc/subgid "$T/subgid-overlap"
    echo "minictr-other-$$:$((us + 100)):65536" >>"$T/subuid-overlap"
    run unshare -m --propagation private sh -c \
        'mount --bind "$1" /etc/subuid && mount --bind "$2" /etc/subgid && shift 2 && exec "$@"' \
        sh "$T/subuid-overlap" "$T/subgid-overlap" \
        setpriv --reuid "$RUID" --regid "$RGID" --clear-groups env -i PATH=/usr/bin:/bin \
        HOME="$T/home-$RUSER" TMPDIR="$T/home-$RUSER" "$T/bin/minictr" run --rm busybox true
    assert_failure 125
    assert_output --partial "overlaps the range of 'minictr-other-$$'"
    assert_output --partial "usermod --del-subuids"
    # one id only: -u 1000 has no id to become
    run mc_as "$PUSER" run --rm -u 1000 busybox true
    assert_failure 125
    assert_output --partial "maps only 0 (you)"
    assert_output --partial "usermod --add-subuids"
    run mc_as "$PUSER" run --rm --userns auto busybox true
    assert_failure 125
    assert_output --partial "--userns auto is for root"
    run mc_as "$PUSER" run --rm --userns bogus busybox true
    assert_failure 125
    assert_output --partial "bad --userns 'bogus'"
    nothing_left_of "$RUSER"
    nothing_left_of "$PUSER"
    # a state directory someone else made first is refused
    mkdir -m 777 "$T/home-$PUSER/xdg2"
    USER_ENV="XDG_RUNTIME_DIR=$T/home-$PUSER/xdg2"
    mkdir -m 777 "$T/home-$PUSER/xdg2/minictr"
    chown "$PUSER:" "$T/home-$PUSER/xdg2"
    run mc_as "$PUSER" run --rm busybox true
    assert_failure 125
    assert_output --partial "is not a private directory of yours"
    assert_output --partial "mode 777"
    USER_ENV=
    run find "$T/home-$PUSER/xdg2/minictr" -mindepth 1
    assert_output ""
}

# ---- root, --userns auto --------------------------------------------------

@test "--userns auto: root inside is START outside: uid_map, gid_map and Uid from /proc/PID; the image is root's inside and on disk" {
    local pid dir
    auto "$MC" run -d --name remap --userns auto busybox sh -c \
        'echo new > /etc/new; rm -rf /home; exec sleep 60' >/dev/null
    pid=$(wait_pid "$MC" remap)
    assert_equal "$(xargs <"/proc/$pid/uid_map")" "0 $AUTO_START 65536"
    assert_equal "$(xargs <"/proc/$pid/gid_map")" "0 $AUTO_START 65536"
    assert_equal "$(status_field "$pid" Uid | xargs)" "$AUTO_START $AUTO_START $AUTO_START $AUTO_START"
    assert_equal "$(status_field "$pid" CapEff)" "$DOCKER_CAPS"
    [ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ]
    assert_equal "$("$MC" inspect -f '{{.uid_map}}' remap)" "0 $AUTO_START 65536"
    # the image through an idmapped layer: host root's files are root's
    run "$MC" exec remap sh -c 'stat -c %u:%g /bin/busybox /etc/passwd; cat /etc/new; probe id'
    assert_line --index 0 "0:0"
    assert_line --index 1 "0:0"
    assert_line --index 2 new
    assert_equal "$(probe_get uid_map "$output" | xargs)" "0 $AUTO_START 65536"
    # on disk, its layer keeps the ids it has inside: 0, not START
    dir=$("$MC" inspect -f '{{.dir}}' remap)
    assert_equal "$(stat -c %u:%g "$dir/upper/etc/new")" "0:0"
    run mountinfo_of "$pid"
    assert_output --regexp ' / / .* - overlay overlay .*userxattr'
    "$MC" rm -f remap >/dev/null
}

mountinfo_of() {
    cat "/proc/$1/mountinfo"
}

@test "--userns auto: two running containers hold disjoint ranges; a third finds none; kill -9 of a monitor frees its range" {
    local pa pb a b mon
    auto "$MC" run -d --name ra --userns auto busybox sleep 60 >/dev/null
    auto "$MC" run -d --name rb --userns auto busybox sleep 60 >/dev/null
    pa=$(wait_pid "$MC" ra)
    pb=$(wait_pid "$MC" rb)
    a=$(awk '{ print $2 }' "/proc/$pa/uid_map")
    b=$(awk '{ print $2 }' "/proc/$pb/uid_map")
    [ "$a" != "$b" ] || fail "both hold $a"
    [ $((a > b ? a - b : b - a)) -ge 65536 ] || fail "ranges $a and $b overlap"
    [ "$(awk '{ print $2 }' "/proc/$pa/gid_map")" != "$(awk '{ print $2 }' "/proc/$pb/gid_map")" ]
    run auto "$MC" run --rm --userns auto busybox true
    assert_failure 125
    assert_output --partial "are held by running containers"
    # the monitor of ra dies: its range is free at once, and the
    # collector clears it from the record
    mon=$(awk '{ print $4 }' "/proc/$pa/stat")
    kill -KILL "$mon"
    for _ in $(seq 50); do [ -d "/proc/$pa" ] || break; sleep 0.05; done
    run auto "$MC" run --rm --userns auto busybox cat /proc/self/uid_map
    assert_success
    assert_equal "$(xargs <<<"$output")" "0 $a 65536"
    "$MC" ps -a >/dev/null
    assert_equal "$("$MC" inspect -f '{{.uid_map}}' ra)" ""
    assert_equal "$("$MC" inspect -f '{{.status}}' ra)" dead
    "$MC" rm -f ra rb >/dev/null
}

@test "--userns auto: volumes are idmapped: root inside writes them as host root, uid 1000 as 1000" {
    local v=$T/vol-auto
    mkdir "$v"
    echo root-only >"$v/secret"
    chmod 600 "$v/secret"
    run auto "$MC" run --rm --userns auto -v "$v:/v" -v autovol:/named busybox sh -c \
        'cat /v/secret; touch /v/by-root /named/by-root; mkdir /v/d; touch /v/d/by-1000; chown 1000:1000 /v/d/by-1000; grep " /v " /proc/self/mountinfo'
    assert_success
    assert_line root-only
    assert_output --regexp ' /v .*idmapped'
    assert_equal "$(stat -c %u:%g "$v/by-root" "$v/d" "$v/d/by-1000" | xargs)" "0:0 0:0 1000:1000"
    assert_equal "$(stat -c %u:%g "$MINICTR_ROOT/volumes/autovol/_data/by-root")" "0:0"
    "$MC" volume rm autovol >/dev/null
    # a filesystem that cannot be idmapped (ramfs): a clear error
    mkdir "$T/ramfs"
    run auto sh -c 'mount -t ramfs ramfs "$1" && exec "$2" run --rm --userns auto -v "$1:/v" busybox true' \
        sh "$T/ramfs" "$MC"
    assert_failure 125
    assert_output --partial "MOUNT_ATTR_IDMAP"
    assert_output --partial "cannot be idmapped"
    run find "$MINICTR_ROOT/containers" -mindepth 1 -maxdepth 1
    assert_output ""
}

@test "--userns auto: exec and cp act as root of the container's namespace" {
    local pid dir
    echo from-host >"$T/auto-in"
    auto "$MC" run -d --name acp --userns auto busybox sleep 60 >/dev/null
    pid=$(wait_pid "$MC" acp)
    run "$MC" exec acp sh -c 'probe ns; id -u'
    assert_equal "$(probe_get ns.user "$output")" "$(stat -L -c %i "/proc/$pid/ns/user")"
    assert_line 0
    run "$MC" cp "$T/auto-in" acp:/in
    assert_success
    run "$MC" exec acp stat -c %u:%g /in
    assert_output "0:0"
    dir=$("$MC" inspect -f '{{.dir}}' acp)
    assert_equal "$(stat -c %u:%g "$dir/upper/in")" "0:0"
    run "$MC" cp acp:/etc/passwd "$T/auto-out"
    assert_success
    assert_equal "$(stat -c %u "$T/auto-out")" 0
    "$MC" rm -f acp >/dev/null
}

@test "--userns auto: no range for root, an overlapping one, --userns bogus: a clear error with the fix, nothing left" {
    grep -v '^root:' /etc/subuid >"$T/subuid-none" || true
    grep -v '^root:' /etc/subgid >"$T/subgid-none" || true
    run unshare -m --propagation private sh -c \
        'mount --bind "$1" /etc/subuid && mount --bind "$2" /etc/subgid && exec "$3" run --rm --userns auto busybox true' \
        sh "$T/subuid-none" "$T/subgid-none" "$MC"
    assert_failure 125
    assert_output --partial "needs a range of at least 65536 ids for root"
    assert_output --partial "usermod --add-subuids"
    cp "$T/subuid" "$T/subuid-overlap-root"
    echo "minictr-other-$$:$((AUTO_START + 65536)):10" >>"$T/subuid-overlap-root"
    run unshare -m --propagation private sh -c \
        'mount --bind "$1" /etc/subuid && mount --bind "$2" /etc/subgid && exec "$3" run --rm --userns auto busybox true' \
        sh "$T/subuid-overlap-root" "$T/subgid" "$MC"
    assert_failure 125
    assert_output --partial "overlaps the range of 'minictr-other-$$'"
    run "$MC" run --rm --userns bogus busybox true
    assert_failure 125
    assert_output --partial "bad --userns 'bogus': give host or auto"
    run "$MC" --json run --rm --userns auto -u 70000 busybox true
    assert_failure 125
    run "$MC" ps -aq
    assert_output ""
    run find "$MINICTR_ROOT/containers" -mindepth 1 -maxdepth 1
    assert_output ""
}

@test "--userns host is root's default: no user namespace of its own" {
    run "$MC" run --rm --userns host busybox probe ns
    assert_success
    assert_equal "$(probe_get ns.user "$output")" "$(stat -L -c %i /proc/self/ns/user)"
    run "$MC" run --rm busybox probe id
    assert_equal "$(probe_get uid_map "$output" | xargs)" "0 0 4294967295"
}

# ---- doctor: can this user run minictr without sudo? ----------------------

# doctor_line NAME: "STATUS DETAIL" of the doctor's check NAME (in $output).
doctor_line() {
    awk -v n="$1" '$2 == n { s = $1; $1 = $2 = ""; sub(/^ +/, ""); print s " " $0; exit }' <<<"$output"
}

# doctor_fix NAME: the fix line under check NAME.
doctor_fix() {
    awk -v n="$1" 'f { sub(/^ *fix: /, ""); print; exit } $2 == n { f = 1 }' <<<"$output"
}

@test "doctor: says whether a user can run minictr without sudo, with a fix for each missing piece" {
    local us uc top
    us=$(sub_start "$RUSER" /etc/subuid)
    [ -n "$us" ] || skip "useradd gave $RUSER no /etc/subuid range here"
    uc=$(awk -F: -v u="$RUSER" '$1 == u { print $3; exit }' /etc/subuid)
    # the user with a range, as root under sudo: its range, the helpers
    SUDO_USER=$RUSER run "$BIN/doctor"
    assert_equal "$(doctor_line subid-range)" "ok $RUSER has uids $us-$((us + uc - 1)) and gids $(sub_start "$RUSER" /etc/subgid)-$(($(sub_start "$RUSER" /etc/subgid) + uc - 1)) of its own"
    [[ "$(doctor_line newuidmap)" == "ok "*"(setuid root)" ]] || fail "$(doctor_line newuidmap)"
    # no cgroup is delegated to it: a warning, and the commands that would
    [[ "$(doctor_line cgroup-user)" == "warn no cgroup is delegated to $RUSER"* ]]
    [[ "$(doctor_fix cgroup-user)" == *"chown -R $RUSER"*"minictr-$RUSER"* ]]
    # /dev/net/tun, as the kernel has it
    if [ -c /dev/net/tun ] && [ "$(($(stat -c '0%a' /dev/net/tun) & 6))" = 6 ]; then
        [[ "$(doctor_line net-tun)" == "ok "* ]]
    else
        [[ "$(doctor_line net-tun)" == "warn "* ]]
        [[ "$(doctor_fix net-tun)" == *"modprobe tun"* ]]
    fi
    # a user without a range; helpers not in PATH
    SUDO_USER=$PUSER run "$BIN/doctor"
    [[ "$(doctor_line subid-range)" == "warn $PUSER has no range"* ]]
    [[ "$(doctor_fix subid-range)" == "sudo usermod --add-subuids "*" $PUSER"* ]]
    SUDO_USER=$RUSER PATH=$T/nobin run "$BIN/doctor"
    assert_equal "$(doctor_line newuidmap)" "warn newuidmap missing, newgidmap missing"
    [[ "$(doctor_fix newuidmap)" == *"apt-get install uidmap"* ]]
    # a cgroup root delegated is seen (a controller's minictr-USER)
    if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
        top=/sys/fs/cgroup/minictr-$RUSER
    else
        top=/sys/fs/cgroup/pids/minictr-$RUSER
    fi
    mkdir "$top"
    chown "$RUSER:" "$top"
    SUDO_USER=$RUSER run "$BIN/doctor"
    rmdir "$top"
    [[ "$(doctor_line cgroup-user)" == "ok delegated to $RUSER: "* ]] || fail "$(doctor_line cgroup-user)"
    # as the user itself, the same checks, and --json
    run as_user "$PUSER" "$T/bin/doctor" --json
    [[ "$output" == *'"name": "subid-range", "status": "warn"'* ]]
    [[ "$output" == *'"name": "newuidmap"'* ]]
    # root's range for --userns auto
    run "$BIN/doctor"
    [[ "$(doctor_line userns-auto)" == "warn "* ]] || skip "root has a range in the real /etc/subuid"
    [[ "$(doctor_fix userns-auto)" == *"--add-subuids"*" root"* ]]
    run auto "$BIN/doctor"
    assert_equal "$(doctor_line userns-auto)" "ok root has 131072 subordinate ids from $AUTO_START: 2 containers with --userns auto at once"
}
