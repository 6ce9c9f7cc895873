#!/usr/bin/env bash
# grade-all.sh DIR [STEP...]: grade a class. DIR holds one directory per
# student, each laid out as `make lab` writes a LABDIR:
#
#     DIR/alice/02-namespaces/nsbox.c
#     DIR/alice/05-pivot-root/pivotbox.c
#     DIR/bob/02-namespaces/nsbox.c
#
# Each student's copy of each step (default: every step any student has a
# copy of) is built and run against the step's tests, the same as
# `make grade`, several at once (GRADE_JOBS, default: the number of cpus),
# each apart from the others (labs/grade-one.sh says how). Then the table of
# which LAB sections each student passed, with each failure's first line:
# on the terminal, in GRADE_OUT/grades.csv and GRADE_OUT/grades.html
# (default GRADE_OUT=build/grade), with every grader's full output in
# GRADE_OUT/results/STUDENT/NN-name/tap.log.
#
# The students' code runs as root: read labs/teacher/grading.md first.
# GRADE_TIMEOUT (default 300) stops one student's run of one step after
# that many seconds, GRADE_TEST_TIMEOUT (default 60) one test.
# Exit 0 when every copy was graded (whatever the grades), 2 on a usage
# error, 3 when DIR holds no student copy.
set -uo pipefail

usage() {
    echo "usage: $0 DIR [STEP...]   (DIR/STUDENT/NN-name/, as make lab writes)" >&2
    exit 2
}
[ $# -ge 1 ] || usage
case $1 in -h | --help) sed -n '2,22s/^# \{0,1\}//p' "$0"; exit 0 ;; -*) usage ;; esac
dir=$1
shift
[ -d "$dir" ] || { echo "$0: '$dir' is not a directory" >&2; exit 3; }
dir=$(cd "$dir" && pwd)
cd "$(dirname "$0")/.." || exit 2
out=${GRADE_OUT:-build/grade}
jobs=${GRADE_JOBS:-$(nproc)}
[ "$(id -u)" -eq 0 ] || { echo "$0: the tests need root (sudo make grade-all ...)" >&2; exit 2; }

# One student per directory; a copy of a step right in DIR means DIR is one
# student's LABDIR, not a class.
students=()
for s in "$dir"/*/; do
    s=$(basename "$s")
    case $s in [0-9][0-9]-*) if [ -d "steps/$s" ]; then
        echo "$0: '$dir/$s' is a step copy: DIR holds one directory per student (DIR/STUDENT/$s)" >&2
        exit 3
    fi ;; esac
    students+=("$s")
done
[ ${#students[@]} -gt 0 ] || { echo "$0: no student directories in '$dir'" >&2; exit 3; }

# The steps: those asked for, else every step some student has a copy of.
steps=("$@")
if [ ${#steps[@]} -eq 0 ]; then
    for d in steps/[0-9][0-9]-*/; do
        d=$(basename "$d")
        for s in "${students[@]}"; do
            if [ -d "$dir/$s/$d" ]; then steps+=("${d%%-*}"); break; fi
        done
    done
fi
[ ${#steps[@]} -gt 0 ] || { echo "$0: no step copies (NN-name/) in '$dir'/*/" >&2; exit 3; }
for st in "${steps[@]}"; do
    ls -d steps/"$st"-*/ >/dev/null 2>&1 || { echo "$0: no step '$st' in steps/" >&2; exit 2; }
done

rm -rf "$out/results"
mkdir -p "$out/results"
out=$(cd "$out" && pwd)
# Steps that make cgroups take turns on pure v2 hosts (grade-one.sh).
export GRADE_LOCK=$out/results/.cgroup-v2.lock
n=$((${#students[@]} * ${#steps[@]}))
echo "grading ${#students[@]} students x ${#steps[@]} steps ($n runs, $jobs at a time)"

# grade STUDENT STEP: one run, then one line of progress.
grade() {
    local s=$1 st=$2 name r
    name=$(basename "$(ls -d steps/"$st"-*/)")
    r=$out/results/$s/$name
    mkdir -p "$r"
    labs/grade-one.sh "$dir/$s" "$st" "$r" >"$out/results/.$s-$st.log" 2>&1 ||
        { echo error >"$r/status"; tail -n 1 "$out/results/.$s-$st.log" >"$r/detail"; }
    printf '  %-20s %-16s %-9s %s (%s s)\n' "$s" "$name" "$(cat "$r/status")" \
        "$(cat "$r/detail")" "$(cat "$r/seconds" 2>/dev/null || echo ?)"
}

start=$(date +%s)
for s in "${students[@]}"; do
    for st in "${steps[@]}"; do
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
        grade "$s" "$st" &
    done
done
wait
echo "graded in $(($(date +%s) - start)) s"
echo
python3 labs/grade-table.py "$out/results" "$out" "${steps[@]}" || exit 1
echo
echo "table: $out/grades.csv, $out/grades.html (full output: $out/results/)"
