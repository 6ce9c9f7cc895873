#!/usr/bin/env bash
# grade.sh STEP [LABDIR]: build the student copy of a step (made by
# `make lab STEP=NN`) and run the step's own tests against it: the same
# tests the reference passes. A runner lab (`grade.sh life`): the copy of
# the runner in LABDIR/minictr-life/src is built into its bin/, and
# tests/minictr-life.bats runs on that bin/minictr (MINICTR_BIN).
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 1 ] || { echo "usage: $0 STEP|LAB [LABDIR]" >&2; exit 2; }
step=$1
labdir=${2:-work}

case $step in
[a-z]*)
    name=minictr-$step
    dst=$labdir/$name
    if ! grep -qs "/\* LAB $step\.[0-9]*:" src/*.c; then
        echo "$0: no runner lab '$step': src/*.c has no 'LAB $step.K' region" >&2
        exit 2
    fi
    if [ ! -d "$dst/src" ]; then
        echo "$0: no student copy in '$dst': make one with 'make lab STEP=$step'" >&2
        exit 3
    fi
    case "$dst" in /*) ;; *) dst=$(pwd)/$dst ;; esac
    echo "== building your copy: $dst/bin/minictr"
    make -s --no-print-directory student-runner DIR="$dst"
    # The tests run the probe from the same bin/ (tests/lib/common.bash).
    ln -sfn "$(pwd)/bin/probe" "$dst/bin/probe"
    echo "== running tests/$name.bats against it"
    unset RESULTS_FILE TOOL
    # A copy that hangs (a monitor that never reaps) fails a test within
    # two minutes, not three: the slowest test takes about 20 s on a quiet
    # machine, and over a minute on a busy one.
    export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}
    MINICTR_BIN=$dst/bin exec tests/run.sh "tests/$name.bats"
    ;;
esac
src=$(ls -d steps/"$step"-*/ 2>/dev/null | head -n 1)
src=${src%/}
[ -n "$src" ] || { echo "$0: no step '$step' in steps/" >&2; exit 2; }
name=$(basename "$src")
dst=$labdir/$name
if [ ! -d "$dst" ]; then
    echo "$0: no student copy in '$dst': make one with 'make lab STEP=$step'" >&2
    exit 3
fi
# The tool a student writes: the .c file with LAB regions (a step may have
# helper programs beside it, such as 01's escape, which stay as they are).
main=$(grep -l '/\* LAB [0-9]' "$src"/*.c | head -n 1)
[ -n "$main" ] || main=$(ls "$src"/*.c | head -n 1)
tool=$(basename "$main" .c)
echo "== building your copy: $dst/$tool"
make -s --no-print-directory student-tool SRC="$dst/$tool.c" OUT="$dst/$tool"
echo "== running tests/$name.bats against it"
case "$dst" in /*) ;; *) dst=$(pwd)/$dst ;; esac
# A grade is its own count: never added to an outer run's totals (CI runs
# graders inside its own test run, tests/lab.bats).
unset RESULTS_FILE
TOOL=$dst/$tool tests/run.sh "tests/$name.bats"
