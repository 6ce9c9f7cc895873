# common.bash: loaded by every tests/*.bats file with `load lib/common`.
#
# - ROOT: the repository; BIN: its bin/ (or $MINICTR_BIN, e.g. make asan); IMAGE: the built-in busybox image
#   (with the probe at /usr/bin/probe); PROBE: bin/probe.
# - tool NAME: the tool under test. $TOOL when set (make grade points it at
#   a student's copy), else bin/NAME.
# - bats-support, bats-assert and bats-file are loaded.
# - need_root, need_cmd, need_kernel_file: skip with the reason when the
#   host lacks what a test needs (never to hide a failure).
# - probe_get KEY OUTPUT: the value of "KEY=value" in probe output.
# - MINICTR_NETWORK=none: minictr's default network is Docker's, "bridge",
#   a bridge in the namespace minictr runs in; no test may make one in the
#   host's. tests/minictr-network.bats runs minictr inside network
#   namespaces of its own and says --network where it means one.

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
BIN=${MINICTR_BIN:-$ROOT/bin}
IMAGE=$ROOT/build/images/busybox
PROBE=$BIN/probe
export MINICTR_NETWORK=${MINICTR_NETWORK:-none}

for lib in bats-support bats-assert bats-file; do
    load "/usr/lib/bats/$lib/load"
done

tool() {
    if [ -n "${TOOL:-}" ]; then
        echo "$TOOL"
    else
        echo "$BIN/$1"
    fi
}

need_root() {
    [ "$(id -u)" -eq 0 ] || skip "needs root"
}

need_cmd() {
    command -v "$1" >/dev/null 2>&1 || skip "needs the '$1' command"
}

need_kernel_file() {
    [ -e "$1" ] || skip "this kernel has no $1"
}

# probe_get KEY "$output": print the value of the first KEY=value line.
probe_get() {
    printf '%s\n' "$2" | sed -n "s/^$1=//p" | head -n 1
}

# Our cgroups, wherever a test of this run may have left one: none may
# remain. Prints each leftover directory (empty output = clean). On v1 and
# hybrid hosts tests/run.sh gives the run cgroups of its own
# (MINICTR_TEST_CGROUPS, see lib/runcg.bash), and only those are searched:
# another suite running on the same machine is not ours to judge.
leftover_cgroups() {
    local d
    if [ -n "${MINICTR_TEST_CGROUPS:-}" ]; then
        for d in $MINICTR_TEST_CGROUPS; do
            find "$d" -mindepth 1 -maxdepth 6 -type d -name 'minictr*' 2>/dev/null
        done
    else
        find /sys/fs/cgroup -maxdepth 6 -type d -name 'minictr*' 2>/dev/null
    fi
}

# Mounts below a directory (empty output = none left).
mounts_below() {
    awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

# wait_until SECONDS CMD...: poll CMD every 0.05 s until it succeeds
# (1 when SECONDS pass first).
wait_until() {
    local i tries=$(($1 * 20))
    shift
    for ((i = 0; i < tries; i++)); do
        "$@" && return 0
        sleep 0.05
    done
    return 1
}
