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

# users_setup_file REGEX PREFIX: what both files' setup_file does first:
# skip (saying why) where the host lacks what they need, sweep old runs,
# and make T=PREFIX-$$.XXXXXX, a directory the test users can enter
# (bats's are 0700) and run programs from.
users_setup_file() {
    [ "$(id -u)" -eq 0 ] || skip "needs root (to make the test users)"
    command -v useradd >/dev/null || skip "needs useradd (package passwd)"
    command -v setpriv >/dev/null || skip "needs setpriv (package util-linux)"
    [ -d "$IMAGE" ] || skip "no image at $IMAGE (make images)"
    sweep_old_runs "$1" "$2"
    T=$(mktemp -d "$2-$$.XXXXXX")
    chmod 755 "$T"
    export T
    cp /bin/true "$T/true"
    "$T/true" || skip "/tmp is mounted noexec: the test users need a place to run programs from"
}
