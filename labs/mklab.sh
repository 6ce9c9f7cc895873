#!/usr/bin/env bash
# mklab.sh STEP [LABDIR]: write a student copy of step STEP (e.g. 01) into
# LABDIR/NN-name/ (default work/), with every region the reference marks
#
#     /* LAB 01.2: copy each library the loader needs */
#     ... reference code ...
#     /* END LAB */
#
# replaced by a TODO naming the worksheet section, and a call that stops the
# tool with a clear message if the student runs it before writing the code.
# An existing student copy is never overwritten (FORCE=1 to do it anyway).
#
# A runner lab is named by a word instead of a number (`mklab.sh life`): its
# regions are in the runner, src/*.c (`/* LAB life.1: ... */`), its
# worksheet is labs/minictr-WORD.md, and the copy is the runner's whole
# source, LABDIR/minictr-WORD/src/ (make grade builds it into bin/ there).
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 1 ] || { echo "usage: $0 STEP|LAB [LABDIR]" >&2; exit 2; }
step=$1
labdir=${2:-work}

# to_todo LAB WORKSHEET FILE: FILE with each region of LAB (NN or a word)
# replaced by its TODO, on stdout; other labs' regions stay as they are.
to_todo() {
    awk -v lab="$1" -v worksheet="$2" -v file="$3" '
        function fail(msg) { printf "%s:%d: %s\n", file, NR, msg > "/dev/stderr"; bad = 1; exit 1 }
        /\/\* LAB [0-9a-z]+\.[0-9]+:/ {
            text = $0; sub(/^.*\/\* LAB /, "", text); sub(/ *\*\/.*$/, "", text)
            section = text; sub(/:.*$/, "", section)
            if (index(section, lab ".") != 1) { other = 1; print; next }
            if (inlab) fail("LAB inside LAB")
            inlab = 1
            indent = $0; sub(/[^ \t].*$/, "", indent)
            desc = text; sub(/^[^:]*: */, "", desc)
            print indent "/* TODO LAB " section ": " desc
            print indent " * (" worksheet ", section " section ") */"
            print indent "ct_lab_todo(\"" section "\", \"" worksheet "\");"
            next
        }
        /\/\* END LAB \*\// && other { other = 0; print; next }
        /\/\* END LAB \*\// { if (!inlab) fail("END LAB without LAB"); inlab = 0; next }
        !inlab { print }
        END { if (!bad && inlab) fail("LAB without END LAB") }
    ' "$3"
}

# report_build MAKE_ARGS...: build the fresh copy once, as make grade will,
# to say what the compiler will say: with the LAB regions gone, the
# variables, parameters and helper functions their code uses are unused for
# now (-Wunused-*). Each warning goes away with the code that uses it; any
# other warning is the student's to read.
report_build() {
    local log n flags kinds others
    if log=$(make -s --no-print-directory "$@" 2>&1); then
        n=$(grep -c 'warning:' <<<"$log" || true)
        flags=$(grep -o '\[-W[a-z=-]*\]' <<<"$log" | tr -d '[]=' || true)
        kinds=$(printf '%s\n' "$flags" | sed '/^$/d' | sort | uniq -c |
            awk '{ printf "%s%d %s", sep, $1, $2; sep = ", " }')
        others=$(printf '%s\n' "$flags" | sed '/^$/d' | grep -vc '^-Wunused-' || true)
        if [ "$n" -eq 0 ]; then
            echo "it compiles without warnings now"
        else
            echo "it compiles now, with $n warning$([ "$n" -eq 1 ] || echo s) ($kinds):"
            echo "  what your LAB code will use (variables, tables, parameters, helpers)"
            echo "  is unused until you write it; each warning goes away with that code."
            [ "$others" -eq 0 ] || echo "  $others of them are not -Wunused-*: read those."
        fi
    else
        echo "note: it does not build here yet (make grade will say why):"
        printf '%s\n' "$log" | grep -m 3 'error' | sed 's/^/  /'
    fi
}

case $step in
[a-z]*)
    name=minictr-$step
    worksheet=labs/$name.md
    dst=$labdir/$name
    if ! grep -qs "/\* LAB $step\.[0-9]*:" src/*.c; then
        echo "$0: no runner lab '$step': src/*.c has no 'LAB $step.K' region" >&2
        exit 2
    fi
    if [ -e "$dst" ] && [ "${FORCE:-0}" != 1 ]; then
        echo "$0: '$dst' exists: your work is there; not overwriting it (FORCE=1 make lab ... to start over)" >&2
        exit 3
    fi
    rm -rf -- "$dst"
    for f in src/*.c src/*.h src/lib/* src/unpack/*; do
        mkdir -p -- "$dst/$(dirname "$f")"
        case "$f" in
        *.c | *.h) to_todo "$step" "$worksheet" "$f" >"$dst/$f" ;;
        *) cp -p -- "$f" "$dst/$f" ;;
        esac
    done
    count=$(cat "$dst"/src/*.c | grep -c 'ct_lab_todo(')
    echo "student copy of the runner for lab $step in $dst/src: $count LAB regions to write (see $worksheet)"
    report_build student-runner DIR="$dst"
    echo "build and check it with: make grade STEP=$step${2:+ LABDIR=$labdir}"
    exit 0
    ;;
esac

src=$(ls -d steps/"$step"-*/ 2>/dev/null | head -n 1)
src=${src%/}
[ -n "$src" ] || { echo "$0: no step '$step' in steps/" >&2; exit 2; }
name=$(basename "$src")
worksheet=labs/$name.md
dst=$labdir/$name

if [ -e "$dst" ] && [ "${FORCE:-0}" != 1 ]; then
    echo "$0: '$dst' exists: your work is there; not overwriting it (FORCE=1 make lab ... to start over)" >&2
    exit 3
fi
rm -rf -- "$dst"
mkdir -p -- "$dst"

for f in "$src"/*; do
    base=$(basename "$f")
    case "$f" in
        *.c|*.h) ;;
        *) cp -p -- "$f" "$dst/$base"; continue ;;
    esac
    to_todo "$step" "$worksheet" "$f" > "$dst/$base"
done
count=$(cat "$dst"/*.c | grep -c 'ct_lab_todo(')
echo "student copy of $name in $dst: $count LAB regions to write (see $worksheet)"

main=$(grep -l '/\* LAB [0-9]' "$src"/*.c | head -n 1)
[ -n "$main" ] || main=$(ls "$src"/*.c | head -n 1)
tool=$(basename "$main" .c)
report_build student-tool SRC="$dst/$tool.c" OUT="$dst/$tool"
echo "build and check it with: make grade STEP=$step${2:+ LABDIR=$labdir}"
