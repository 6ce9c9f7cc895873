#!/usr/bin/env bash
# grade-one.sh STUDENT_DIR STEP RESULT_DIR: grade one student's copy of one
# step, apart from every other grading run, and write what happened into
# RESULT_DIR (labs/grade-table.py reads it). labs/grade-all.sh runs one of
# these per student and step, several at once.
#
# The student's code runs as root here (the tests need root), so each run:
#   - builds a copy of the student's files in a scratch directory of its own
#     (the submission is only read), with its own TMPDIR, MINICTR_ROOT and
#     MINICTR_STATE;
#   - runs in a mount namespace of its own, on a copy of the built-in image
#     (a directory of copies bind-mounted over build/images) and with a
#     /run/minictr of its own (where tarbox unpacks): a mount the student's
#     code leaks, or a file it writes there, stays in this run;
#   - works in cgroups of its own on v1/hybrid hosts (tests/lib/runcg.bash;
#     tests/run.sh nests its own below), so leftover checks see only this
#     run, and whatever is still running at the end is killed;
#   - stops after GRADE_TIMEOUT seconds (default 300), each test after
#     GRADE_TEST_TIMEOUT (default 60): an endless loop cannot hang the class.
# On a pure cgroup v2 host the tools share one cgroup tree (/minictr), so
# runs of steps whose tools make cgroups (03, 06) take turns (GRADE_LOCK).
#
# RESULT_DIR gets: status (graded, timeout, compile, missing), detail (its
# first line: the first compiler error, ...), todo (the LAB sections still
# calling ct_lab_todo, one a line), tap.log (the grader's output),
# build.log, seconds.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
root=$(pwd)

[ $# -eq 3 ] || { echo "usage: $0 STUDENT_DIR STEP RESULT_DIR" >&2; exit 2; }
student=$1
step=$2
out=$3
src=$(ls -d steps/"$step"-*/ 2>/dev/null | head -n 1)
src=${src%/}
[ -n "$src" ] || { echo "$0: no step '$step' in steps/" >&2; exit 2; }
name=$(basename "$src")
mkdir -p "$out"
rm -f "$out"/{status,detail,todo,tap.log,build.log,seconds}
start=$(date +%s)

finish() {
    echo "$1" >"$out/status"
    printf '%s\n' "${2:-}" >"$out/detail"
    echo $(($(date +%s) - start)) >"$out/seconds"
}

if [ ! -d "$student/$name" ]; then
    finish missing "no $name/ copy"
    exit 0
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/minictr-grade.XXXXXX")
# shellcheck source=tests/lib/runcg.bash
. tests/lib/runcg.bash
runcg_enter
trap 'runcg_leave; rm -rf "$scratch"' EXIT

# The student's files, copied as they are (symlinks stay symlinks).
code=$scratch/code/$name
mkdir -p "$code" "$scratch/tmp" "$scratch/root" "$scratch/state" "$scratch/run"
cp -R -P -- "$student/$name/." "$code/"
main=$(grep -l '/\* LAB [0-9]' "$src"/*.c | head -n 1)
[ -n "$main" ] || main=$(ls "$src"/*.c | head -n 1)
tool=$(basename "$main" .c)

# The sections still to write: a fresh copy calls ct_lab_todo("NN.K", ...)
# where each LAB region was.
grep -ho 'ct_lab_todo("[0-9][0-9]\.[0-9]*"' "$code"/*.c 2>/dev/null |
    sed 's/.*("\(.*\)"/\1/' | sort -u >"$out/todo"

if [ ! -f "$code/$tool.c" ]; then
    finish compile "does not compile: no $tool.c"
    exit 0
fi
# (LC_ALL=C: the compiler's messages in plain ASCII, the same everywhere.)
if ! LC_ALL=C make -s --no-print-directory student-tool SRC="$code/$tool.c" \
    OUT="$code/$tool" >"$out/build.log" 2>&1; then
    first=$(grep -m1 -E 'error:|undefined reference|No such file' "$out/build.log" ||
        tail -n 1 "$out/build.log")
    first=${first//"$code/"/}
    finish compile "does not compile: $first"
    exit 0
fi

# On pure v2, steps whose tools make cgroups take turns (see above).
lock=/dev/null
if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] &&
    grep -q 'cgroup\.procs' "$src"/*.c && [ -n "${GRADE_LOCK:-}" ]; then
    lock=$GRADE_LOCK
fi

# The run: a mount namespace of its own (private: nothing propagates back),
# its own image, its own directories, under a timeout. timeout(1) signals
# its whole process group; runcg_leave kills what escaped it.
mkdir "$scratch/images"
cp -a build/images/busybox "$scratch/images/"
status=0
(
    exec 9>>"$lock"
    [ "$lock" = /dev/null ] || flock 9
    unset RESULTS_FILE
    export TOOL=$code/$tool TMPDIR=$scratch/tmp \
        MINICTR_ROOT=$scratch/root MINICTR_STATE=$scratch/state \
        BATS_TEST_TIMEOUT=${GRADE_TEST_TIMEOUT:-60}
    # Not exec: this shell holds the lock until the run is over, and no
    # process of the run inherits it (9>&-), so none left behind keeps it.
    timeout -k 10 "${GRADE_TIMEOUT:-300}" \
        unshare --mount --propagation private -- bash -c '
            mkdir -p /run/minictr &&
                mount --bind "$1/images" "$2/build/images" &&
                mount --bind "$1/run" /run/minictr || exit 1
            cd "$2" && exec tests/run.sh "tests/$3.bats"' \
        grade "$scratch" "$root" "$name" 9>&-
) >"$out/tap.log" 2>&1 </dev/null || status=$?

if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    finish timeout "stopped after ${GRADE_TIMEOUT:-300} s"
else
    finish graded "$(tail -n 1 "$out/tap.log")"
fi
