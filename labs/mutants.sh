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
# same reason. A line
#
#     // needs: PATH
#
# (first or second) says the mistake lives in code that runs only on hosts
# where PATH exists, e.g. /sys/fs/cgroup/memory/memory.limit_in_bytes for a
# cgroup v1 mistake: elsewhere the mutant is the reference, so it is not run
# there, and the count line says how many were left out.
#
# Each grader runs the step's tests on its copy as `make grade` does (TOOL=
# the copy), inside walls of its own, because a wrong solution may do what
# the right one never does, and several graders run at once: cgroups of its
# own on v1 and hybrid hosts (tests/lib/runcg.bash: its leftover checks see
# only its own), and, as root, a mount and a uts namespace of its own (a
# mutant that mounts in the wrong namespace or renames "the host" does it
# there, where its own tests see it and no other run does). On pure cgroup
# v2 the leftover checks look at the whole tree, so graders run one at a
# time there.
#
# MUTANT_JOBS=N runs N graders at a time (default: the number of cpus; 1 on
# pure cgroup v2). MUTANT_TIMEOUT=S is bats's timeout for each test
# (default 60 s; the reference's slowest test takes a few); a grader that
# prints nothing for S + 15 s is stopped here, as a mutant that hangs can
# outlive bats's timeout.
#
# A runner lab (`mutants.sh life`) has its mutants in labs/mutants/life/,
# life.K-what-is-wrong.c, for the regions `LAB life.K` in src/*.c: each
# copy is the runner's whole source with one region replaced, built into
# its bin/ as make grade builds it (make student-runner), and graded by
# tests/minictr-life.bats through MINICTR_BIN, in the same walls, with its
# temporary files in the copy's directory: what a grader stopped at its
# first failure leaves (monitors, their cgroups, named in their records) is
# killed by runcg_leave and then removed with the reference minictr. Its
# tests' timeout is 180 s unless MUTANT_TIMEOUT says (the runner's slowest
# test, 1000 `run -d` + `rm -f` cycles, takes 20 s on a quiet machine and
# took more than 60 s with 2 graders on 2 busy cpus).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 3

if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
    jobs=${MUTANT_JOBS:-1}
else
    jobs=${MUTANT_JOBS:-$(nproc)}
fi
timeout=${MUTANT_TIMEOUT:-60}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/minictr-mutants.XXXXXX")
# Passable (not readable) by others: a runner lab's tests run containers
# whose root is an unprivileged id outside (lab oci's user namespace), and
# their bundles are below it.
chmod 711 "$scratch"
trap 'rm -rf "$scratch"' EXIT
# shellcheck source=tests/lib/runcg.bash
. tests/lib/runcg.bash

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
                    if (line !~ /^\/\/ (tests|needs):/) print line
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

# clean_runner_state DIR: what a stopped grader's containers left below DIR
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

# run_grader LOG TOOL FILTER... : the step's tests against TOOL, in the
# walls described at the top, stopped at the first failing test. Sets
# first (the first "not ok" line) and rc (bats's exit status). With
# runner_dir set (a runner lab's copy), the tests run its bin/minictr
# (MINICTR_BIN) instead, with TMPDIR in it.
run_grader() {
    local log=$1 tool=$2 bats_file=$3 pid timeout=$timeout
    shift 3
    [ -z "$runner_dir" ] || timeout=${MUTANT_TIMEOUT:-180}
    local sandbox=()
    [ "$(id -u)" -ne 0 ] || sandbox=(unshare --mount --propagation private --uts)
    (
        unset RESULTS_FILE
        export BATS_TEST_TIMEOUT=$timeout
        if [ -n "$runner_dir" ]; then
            export MINICTR_BIN=$runner_dir/bin TMPDIR=$runner_dir/tmp
        else
            export TOOL=$tool
        fi
        exec setsid "${sandbox[@]}" bats --tap "$@" "$bats_file" </dev/null
    ) >"$log" 2>&1 &
    pid=$!
    first=""
    local lines=0 now since=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
        first=$(grep -m1 '^not ok' "$log")
        # bats's own timeout kills only the test's children: a grandchild
        # that holds the output pipe (a hung tool under `run`) hangs it.
        # So a grader that writes no line for longer is stopped here.
        now=$(wc -l <"$log")
        [ "$now" -eq "$lines" ] || { lines=$now since=$SECONDS; }
        if [ -z "$first" ] && [ $((SECONDS - since)) -gt $((timeout + 15)) ]; then
            first="not ok timeout: no test ended in $((timeout + 15)) s after: $(tail -n 1 "$log")"
        fi
        if [ -n "$first" ]; then
            kill -TERM -- -"$pid" 2>/dev/null
            sleep 1
            kill -KILL -- -"$pid" 2>/dev/null
            break
        fi
        sleep 0.2
    done
    wait "$pid" 2>/dev/null
    rc=$?
    [ -n "$first" ] || first=$(grep -m1 '^not ok' "$log")
}

# grade_one NAME SECTION BODY [STEP]: build and grade one copy; writes
# RESULT (killed|survived|passed|failed|broken) and the first failing test
# to $scratch/NAME.result. Runs in a subshell of its own (&): its cgroups
# (runcg_enter) are its own. STEP (or SECTION's first part) a word: a
# runner lab.
grade_one() {
    local name=$1 section=$2 body=$3 step_dir step_name tool main dir f
    local log=$scratch/$name.log res=$scratch/$name.result start=$SECONDS
    local first rc filter=() lab=${4:-${section%%.*}}
    runner_dir=""
    case $lab in
    [a-z]*)
        step_name=minictr-$lab
        dir=$scratch/$name/$step_name
        tool=$dir/bin/minictr
        if ! make_runner_copy "$lab" "$section" "$body" "$dir" >"$log" 2>&1 ||
            ! make -s --no-print-directory student-runner DIR="$dir" >>"$log" 2>&1; then
            echo "broken (does not build: see below)" >"$res"
            return
        fi
        ln -s "$(pwd)/bin/probe" "$dir/bin/probe"
        mkdir -p "$dir/tmp"
        runner_dir=$dir
        ;;
    *)
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
        tool=$dir/$tool
        ;;
    esac
    if [ -n "$body" ]; then
        f=$(sed -n '1,2s|^// tests: *||p' "$body")
        [ -z "$f" ] || filter=(--filter "$f")
    fi
    runcg_enter
    run_grader "$log" "$tool" "tests/$step_name.bats" "${filter[@]}"
    runcg_leave
    [ -z "$runner_dir" ] || clean_runner_state "$runner_dir/tmp"
    local took="($((SECONDS - start)) s)"
    if [ -z "$section" ]; then
        if [ -z "$first" ] && [ "$rc" -eq 0 ] && grep -q '^ok' "$log"; then
            echo "passed $took" >"$res"
        else
            echo "failed ${first:-no test failed, bats exited $rc} $took" >"$res"
        fi
    elif [ -n "$first" ]; then
        echo "killed by: ${first#not ok } $took" >"$res"
    elif [ "$rc" -ne 0 ]; then
        # No test said "not ok", but the grader did not pass either (bats
        # itself was killed, or a file-level hook failed): a fail.
        echo "killed: bats exited $rc, no test passed all the way $took" >"$res"
    else
        echo "SURVIVED: $(grep -c '^ok' "$log") tests passed $took" >"$res"
    fi
}

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
    skipped=0
    for m in "$mdir"/*.c; do
        [ -e "$m" ] || continue
        base=$(basename "$m" .c)
        needs=$(sed -n '1,2s|^// needs: *||p' "$m")
        if [ -n "$needs" ] && [ ! -e "$needs" ]; then
            echo "    $base: not run here: it needs $needs" >>"$scratch/$sname.skipped"
            skipped=$((skipped + 1))
            continue
        fi
        names+=("$base")
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
        grade_one "$sname-$base" "${base%%-*}" "$(pwd)/$m" "$step" &
    done
    wait
    total=0 killed=0 report=""
    for n in "${names[@]}"; do
        r=$(cat "$scratch/$sname-$n.result" 2>/dev/null || echo "broken (no result)")
        report+="    $n: $r"$'\n'
        case "$n:$r" in
        reference:passed*) ;;
        reference:*) status=1 ;;
        *:killed*) total=$((total + 1)) killed=$((killed + 1)) ;;
        *) total=$((total + 1)) status=1 ;;
        esac
        case "$r" in
        killed* | passed*) ;;
        *) report+=$(sed 's/^/        | /' "$scratch/$sname-$n.log" | tail -n 15)$'\n' ;;
        esac
    done
    if [ "$skipped" -gt 0 ]; then
        echo "$sname: $total mutants, $killed killed ($skipped not run on this host)"
        cat "$scratch/$sname.skipped"
    else
        echo "$sname: $total mutants, $killed killed"
    fi
    printf '%s' "$report"
done
exit $status
