#!/usr/bin/env bash
# mutants.sh [STEP...]: can the grader be fooled? For each step (default:
# every step with mutants), build the step's tool once with each wrong
# solution in labs/mutants/NN-name/ and run the step's grader on it. Every
# mutant must fail the grader ("killed"); the reference, built the same way,
# must pass it. Prints one line per step:
#
#     04-tar-runner: 14 mutants, 14 killed
#
# and, for each mutant, which test killed it (or SURVIVED). Exit 0 only when
# every mutant of every step asked for was killed and every reference passed.
#
# A mutant is one file, labs/mutants/NN-name/NN.K-what-is-wrong.c: the body a
# student might plausibly write for LAB region NN.K, in place of the
# reference's. Its first comment says what the mistake is, and why it
# matters. The file may start with a line
#
#     // tests: REGEX
#
# to run only the grader's tests whose names match (bats --filter): a test
# that fails in a subset fails in the whole grader too, so the kill is real,
# and the run is faster. The grader stops at the first failing test for the
# same reason.
#
# MUTANT_JOBS=N runs N mutants at a time (default: the number of cpus).
#
# A runner lab (`mutants.sh life`) has its mutants in labs/mutants/life/,
# life.K-what-is-wrong.c, for the regions `LAB life.K` in src/*.c: each
# copy is the runner's whole source with one region replaced, built into
# bin/minictr as make grade builds it, and graded by tests/minictr-life.bats
# through MINICTR_BIN, in cgroups of its own (tests/lib/runcg.bash), so
# copies graded at once never judge each other's leftovers.
set -uo pipefail
cd "$(dirname "$0")/.."

jobs=${MUTANT_JOBS:-$(nproc)}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/minictr-mutants.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

steps=("$@")
if [ ${#steps[@]} -eq 0 ]; then
    for d in labs/mutants/[0-9][0-9]-*/ labs/mutants/[a-z]*/; do
        [ -d "$d" ] || continue
        b=$(basename "$d")
        steps+=("${b%%-*}")
    done
fi
[ ${#steps[@]} -gt 0 ] || { echo "$0: no mutants in labs/mutants/" >&2; exit 3; }

# replace_region SECTION BODY FILE: FILE with LAB region SECTION's body
# replaced by the file BODY (SECTION "" = as it is), on stdout; exit 4 when
# FILE has no region SECTION.
replace_region() {
    awk -v section="$1" -v body="$2" '
        /\/\* LAB [0-9a-z]+\.[0-9]+:/ {
            s = $0; sub(/^.*\/\* LAB /, "", s); sub(/:.*$/, "", s)
            if (s == section) {
                replacing = 1; found = 1
                while ((getline line < body) > 0)
                    if (line !~ /^\/\/ tests:/) print line
                close(body)
                next
            }
        }
        /\/\* END LAB \*\// && replacing { replacing = 0; next }
        !replacing { print }
        END { if (section != "" && !found) exit 4 }
    ' "$3"
}

# make_copy STEP_DIR SECTION BODY OUT_DIR: the step's files, with LAB
# region SECTION's body replaced by the file BODY (SECTION "" = reference).
make_copy() {
    local src=$1 section=$2 body=$3 out=$4 f
    mkdir -p "$out"
    for f in "$src"/*; do
        case "$f" in
        *.c | *.h)
            replace_region "$section" "$body" "$f" >"$out/$(basename "$f")" ||
                [ $? -eq 4 ] || return 1
            ;;
        *) cp -p "$f" "$out/" ;;
        esac
    done
    if [ -n "$section" ] && ! grep -q "LAB $section:" "$src"/*.c; then
        echo "no LAB region $section in $src" >&2
        return 1
    fi
}

# make_runner_copy LAB SECTION BODY OUT_DIR: the runner's sources as a
# runner lab's student copy has them (OUT_DIR/src), with LAB region
# SECTION's body replaced by the file BODY (SECTION "" = reference).
make_runner_copy() {
    local section=$2 body=$3 out=$4 f
    mkdir -p "$out" && cp -pr src "$out/" || return 1
    [ -n "$section" ] || return 0
    f=$(grep -l "/\* LAB $section:" src/*.c | head -n 1)
    if [ -z "$f" ] || [[ $section != "$1".* ]]; then
        echo "no LAB region $section in src/ for lab $1" >&2
        return 1
    fi
    replace_region "$section" "$body" "$f" >"$out/$f"
}

# clean_runner_state DIR: what a killed grader's containers left below DIR
# (their monitors killed by runcg_leave): removed with the reference
# minictr, from the records that name it.
clean_runner_state() {
    local state ids
    for state in $(find "$1" -type d -name state 2>/dev/null); do
        [ -d "${state%/state}/lib" ] || continue
        ids=$(MINICTR_ROOT=${state%/state}/lib MINICTR_STATE=$state \
            bin/minictr ps -aq --no-trunc 2>/dev/null) || continue
        [ -z "$ids" ] || MINICTR_ROOT=${state%/state}/lib MINICTR_STATE=$state \
            timeout 60 bin/minictr rm -f $ids >/dev/null 2>&1
    done
}

# grade_one NAME SECTION BODY STEP: build and grade one copy; writes
# RESULT (killed|survived|passed|failed|broken) and the first failing test
# to $scratch/NAME.result.
grade_one() {
    local name=$1 section=$2 body=$3 step_dir step_name tool main dir filter
    local log=$scratch/$name.log res=$scratch/$name.result runner=""
    case $4 in [a-z]*) runner=$4 ;; esac
    if [ -n "$runner" ]; then
        step_name=minictr-$runner
        dir=$scratch/$name/$step_name
        if ! make_runner_copy "$runner" "$section" "$body" "$dir" >"$log" 2>&1 ||
            ! make -s --no-print-directory student-runner DIR="$dir" >>"$log" 2>&1; then
            echo "broken (does not build: see below)" >"$res"
            return
        fi
        ln -s "$(pwd)/bin/probe" "$dir/bin/probe"
    else
        step_dir=$(ls -d steps/"${section%%.*}"-*/ 2>/dev/null | head -n 1)
        [ -n "$section" ] || step_dir=$(ls -d steps/"$4"-*/ | head -n 1)
        step_dir=${step_dir%/}
        step_name=$(basename "$step_dir")
        main=$(grep -l '/\* LAB [0-9]' "$step_dir"/*.c | head -n 1)
        tool=$(basename "$main" .c)
        dir=$scratch/$name/$step_name
        if ! make_copy "$step_dir" "$section" "$body" "$dir" >"$log" 2>&1 ||
            ! make -s --no-print-directory student-tool SRC="$dir/$tool.c" \
                OUT="$dir/$tool" >>"$log" 2>&1; then
            echo "broken (does not build: see below)" >"$res"
            return
        fi
    fi
    filter=()
    if [ -n "$body" ]; then
        f=$(sed -n '1s|^// tests: *||p' "$body")
        [ -z "$f" ] || filter=(--filter "$f")
    fi
    # The grader, stopped at its first failing test: one failure is a fail.
    # A runner copy's grader runs in cgroups of its own (runcg_enter moves
    # this subshell, and so the grader, into them; runcg_leave below), with
    # its temporary files in the copy's directory; it is not stopped at its
    # first failure but left to clean up (each test's teardown removes its
    # containers: a killed bats would leave monitors and their records),
    # unless it takes more than MUTANT_TIMEOUT seconds (default 600).
    [ -z "$runner" ] || { runcg_enter && mkdir -p "$dir/tmp"; }
    (
        unset RESULTS_FILE
        if [ -n "$runner" ]; then
            export MINICTR_BIN=$dir/bin BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}
            export TMPDIR=$dir/tmp
        else
            export TOOL=$dir/$tool BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}
        fi
        exec setsid bats --tap "${filter[@]}" "tests/$step_name.bats"
    ) >"$log" 2>&1 &
    local pid=$! first="" deadline=$((SECONDS + ${MUTANT_TIMEOUT:-600}))
    while kill -0 "$pid" 2>/dev/null; do
        first=$(grep -m1 '^not ok' "$log")
        if { [ -n "$first" ] && [ -z "$runner" ]; } || [ $SECONDS -ge $deadline ]; then
            [ -n "$first" ] || first="not ok the grader ran longer than ${MUTANT_TIMEOUT:-600} s"
            kill -TERM -- -"$pid" 2>/dev/null
            sleep 1
            kill -KILL -- -"$pid" 2>/dev/null
            break
        fi
        sleep 0.2
    done
    wait "$pid" 2>/dev/null
    if [ -n "$runner" ]; then
        runcg_leave
        clean_runner_state "$dir/tmp"
    fi
    [ -n "$first" ] || first=$(grep -m1 '^not ok' "$log")
    if [ -z "$section" ]; then
        if [ -z "$first" ] && grep -q '^ok' "$log"; then
            echo "passed" >"$res"
        else
            echo "failed ${first:-no test ran}" >"$res"
        fi
    elif [ -n "$first" ]; then
        echo "killed by: ${first#not ok }" >"$res"
    else
        echo "SURVIVED: $(grep -c '^ok' "$log") tests passed" >"$res"
    fi
}

# shellcheck source=../tests/lib/runcg.bash
. tests/lib/runcg.bash

status=0
for step in "${steps[@]}"; do
    case $step in
    [a-z]*) mdir=labs/mutants/$step ;; # a runner lab
    *) mdir=$(ls -d labs/mutants/"$step"-*/ 2>/dev/null | head -n 1) ;;
    esac
    mdir=${mdir%/}
    if [ -z "$mdir" ] || [ ! -d "$mdir" ]; then
        echo "$0: no mutants for $step (labs/mutants/$step-*/ or labs/mutants/$step/)" >&2
        status=1
        continue
    fi
    case $step in
    [a-z]*) sname=minictr-$step ;;
    *) sname=$(basename "$mdir") ;;
    esac
    names=(reference)
    grade_one "$sname-reference" "" "" "$step" &
    running=1
    for m in "$mdir"/*.c; do
        [ -e "$m" ] || continue
        base=$(basename "$m" .c)
        names+=("$base")
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
        grade_one "$sname-$base" "${base%%-*}" "$(pwd)/$m" "$step" &
        running=$((running + 1))
    done
    wait
    total=0 killed=0 report=""
    for n in "${names[@]}"; do
        r=$(cat "$scratch/$sname-$n.result" 2>/dev/null || echo "broken (no result)")
        report+="    $n: $r"$'\n'
        case "$n:$r" in
        reference:passed) ;;
        reference:*) status=1 ;;
        *:killed*) total=$((total + 1)) killed=$((killed + 1)) ;;
        *) total=$((total + 1)) status=1 ;;
        esac
        case "$r" in
        killed* | passed) ;;
        *) report+=$(sed 's/^/        | /' "$scratch/$sname-$n.log" | tail -n 15)$'\n' ;;
        esac
    done
    echo "$sname: $total mutants, $killed killed"
    printf '%s' "$report"
done
exit $status
