# runcg.bash: sourced by tests/run.sh. Each run of the suite works in
# cgroups of its own, so two runs on one machine never see (or kill) each
# other's leftovers.
#
# On cgroup v1 and hybrid hosts every tool makes its cgroups below the
# cgroup it runs in (as runc does). So the run makes a directory
# minictr-testrun-PID below its own cgroup in each v1 hierarchy the tools
# use, moves itself in (every test, tool and container inherits it), and
# exports them in MINICTR_TEST_CGROUPS: leftover_cgroups looks only below
# them. At the end it moves back, kills what is left in them (started by
# this run) and removes them. PID is that of the shell that calls
# runcg_enter ($BASHPID: a subshell of labs/mutants.sh grading one copy
# has runs of its own too, nested in an outer run's when there is one).
#
# On hybrid hosts the cgroup2 tree (/sys/fs/cgroup/unified) gets one too:
# minictr starts containers in the cgroup2 tree, below its own cgroup there.
# On pure cgroup v2 the tools use one tree of our own (/sys/fs/cgroup/minictr),
# so the check stays global there: the v2 VM runs one suite at a time.
# Directories of runs that were killed (their PID gone, nothing inside) are
# removed on the way in.

RUNCG_CONTROLLERS="devices memory cpu cpuacct pids freezer blkio"
RUNCG_DIRS=()
RUNCG_HOME=()

# runcg_dir CONTROLLER: the mount point plus our own path in that hierarchy
# (CONTROLLER "cgroup2": the cgroup2 tree of a hybrid host).
runcg_dir() {
    local ctl=$1 mnt root own
    if [ "$ctl" = cgroup2 ]; then
        [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] || return 1
        own=$(sed -n 's/^0:://p' /proc/self/cgroup)
        [ "$own" = / ] && own=
        echo "/sys/fs/cgroup/unified$own"
        return 0
    fi
    read -r mnt root < <(awk -v c="$ctl" '
        { split($0, halves, " - "); split(halves[2], f, " ")
          if (f[1] != "cgroup") next
          n = split(f[3], o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $5, $4; exit } }' \
        /proc/self/mountinfo)
    [ -n "$mnt" ] || return 1
    own=$(awk -F: -v c="$ctl" '{ n = split($2, a, ",")
        for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' /proc/self/cgroup)
    [ -n "$own" ] || return 1
    [ "$root" = / ] || own=${own#"$root"}
    [ "$own" = / ] && own=
    echo "$mnt$own"
}

# runcg_sweep DIR: empty minictr-testrun-PID directories whose run is gone.
runcg_sweep() {
    local d
    for d in "$1"/minictr-testrun-*; do
        [ -d "$d" ] || continue
        kill -0 "${d##*-}" 2>/dev/null && continue
        find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
}

runcg_enter() {
    local ctl home dir
    [ "$(id -u)" -eq 0 ] || return 0
    [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ] || return 0
    for ctl in $RUNCG_CONTROLLERS cgroup2; do
        home=$(runcg_dir "$ctl") || continue
        runcg_sweep "$home"
        dir=$home/minictr-testrun-$BASHPID
        mkdir "$dir" 2>/dev/null || continue
        if ! echo "$BASHPID" >"$dir/cgroup.procs" 2>/dev/null; then
            rmdir "$dir"
            continue
        fi
        RUNCG_DIRS+=("$dir")
        RUNCG_HOME+=("$home")
    done
    MINICTR_TEST_CGROUPS="${RUNCG_DIRS[*]}"
    export MINICTR_TEST_CGROUPS
}

# cgbox's cgroup2 directories (/minictr/cgbox-PID: pure v2, and the
# unified tree of a hybrid host, outside the run's own cgroups) that a
# cgbox killed or graded wrong left: empty ones whose PID is gone.
runcg_sweep_cgbox() {
    local d
    for d in /sys/fs/cgroup/minictr/cgbox-* /sys/fs/cgroup/unified/minictr/cgbox-*; do
        [ -d "$d" ] || continue
        kill -0 "${d##*-}" 2>/dev/null || rmdir "$d" 2>/dev/null || true
    done
    rmdir /sys/fs/cgroup/unified/minictr 2>/dev/null || true
}

runcg_leave() {
    local i dir sub tries
    runcg_sweep_cgbox
    for i in "${!RUNCG_DIRS[@]}"; do
        dir=${RUNCG_DIRS[$i]}
        echo "$BASHPID" >"${RUNCG_HOME[$i]}/cgroup.procs" 2>/dev/null
        # Deepest first; whatever still runs there was started by this run.
        for sub in $(find "$dir" -depth -type d 2>/dev/null); do
            for tries in 1 2 3 4 5 6 7 8 9 10; do
                xargs -r kill -KILL <"$sub/cgroup.procs" 2>/dev/null
                rmdir "$sub" 2>/dev/null && break
                sleep 0.2
            done
        done
    done
}
