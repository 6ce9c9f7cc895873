# users.bash: for test files that run tools as users they make (useradd)
# and remove, whatever happens (tests/08-user-namespaces.bats,
# tests/minictr-rootless.bats). Each user's name ends in -PID, the PID of
# the bats run that made it.

# sweep_old_runs REGEX PREFIX: users whose name matches REGEX and
# directories PREFIX-PID.* left by a run that was killed before its
# teardown_file (its PID is gone) are removed first.
sweep_old_runs() {
    local u d pid
    for u in $(awk -F: -v re="$1" '$1 ~ re { print $1 }' /etc/passwd); do
        kill -0 "${u##*-}" 2>/dev/null || userdel "$u" 2>/dev/null || true
    done
    for d in "$2"-*.*; do
        pid=${d#"$2"-}
        pid=${pid%%.*}
        [ -d "$d" ] && ! kill -0 "$pid" 2>/dev/null && rm -rf "$d"
    done
    return 0
}

# add_user USERADD-ARGS...: useradd takes a lock on /etc/passwd, and
# another suite may hold it a moment.
add_user() {
    local i
    for i in $(seq 20); do
        useradd -M -s /usr/sbin/nologin "$@" 2>/dev/null && return 0
        sleep 0.3
    done
    return 1
}

# users_skip REASON: bats 1.8 counts a skip in setup_file as a failure,
# so setup_file records why (USERS_SKIP) and returns; each test's setup
# calls users_check, which skips with that reason.
users_skip() {
    export USERS_SKIP="$1"
    return 1
}

users_check() {
    [ -z "${USERS_SKIP:-}" ] || skip "$USERS_SKIP"
}

# users_setup_file REGEX PREFIX: what both files' setup_file does first:
# say why (users_skip) where the host lacks what they need, sweep old
# runs, and make T=PREFIX-$$.XXXXXX, a directory the test users can enter
# (bats's are 0700) and run programs from. Returns 1 when the tests must
# skip.
users_setup_file() {
    [ "$(id -u)" -eq 0 ] || { users_skip "needs root (to make the test users)"; return 1; }
    command -v useradd >/dev/null || { users_skip "needs useradd (package passwd)"; return 1; }
    command -v setpriv >/dev/null || { users_skip "needs setpriv (package util-linux)"; return 1; }
    [ -d "$IMAGE" ] || { users_skip "no image at $IMAGE (make images)"; return 1; }
    [ -w /etc/passwd ] || { users_skip "/etc is read-only here: no test user can be made"; return 1; }
    sweep_old_runs "$1" "$2"
    T=$(mktemp -d "$2-$$.XXXXXX")
    chmod 755 "$T"
    export T
    cp /bin/true "$T/true"
    "$T/true" || { users_skip "/tmp is mounted noexec: the test users need a place to run programs from"; return 1; }
}
