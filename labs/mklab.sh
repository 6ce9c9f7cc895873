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
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 1 ] || { echo "usage: $0 STEP [LABDIR]" >&2; exit 2; }
step=$1
labdir=${2:-work}
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
    awk -v worksheet="$worksheet" -v file="$f" '
        function fail(msg) { printf "%s:%d: %s\n", file, NR, msg > "/dev/stderr"; bad = 1; exit 1 }
        /\/\* LAB [0-9][0-9]\.[0-9]+:/ {
            if (inlab) fail("LAB inside LAB")
            inlab = 1
            indent = $0; sub(/[^ \t].*$/, "", indent)
            text = $0; sub(/^.*\/\* LAB /, "", text); sub(/ *\*\/.*$/, "", text)
            section = text; sub(/:.*$/, "", section)
            desc = text; sub(/^[^:]*: */, "", desc)
            print indent "/* TODO LAB " section ": " desc
            print indent " * (" worksheet ", section " section ") */"
            print indent "ct_lab_todo(\"" section "\", \"" worksheet "\");"
            n++
            next
        }
        /\/\* END LAB \*\// { if (!inlab) fail("END LAB without LAB"); inlab = 0; next }
        !inlab { print }
        END { if (!bad && inlab) fail("LAB without END LAB") }
    ' "$f" > "$dst/$base"
done
count=$(cat "$dst"/*.c | grep -c 'ct_lab_todo(')
echo "student copy of $name in $dst: $count LAB regions to write (see $worksheet)"

# Build it once, as make grade will, to say what the compiler will say: with
# the LAB regions gone, the variables, parameters and helper functions their
# code uses are unused for now (-Wunused-*). Each warning goes away with the
# code that uses it; any other warning is the student's to read.
main=$(grep -l '/\* LAB [0-9]' "$src"/*.c | head -n 1)
[ -n "$main" ] || main=$(ls "$src"/*.c | head -n 1)
tool=$(basename "$main" .c)
if log=$(make -s --no-print-directory student-tool SRC="$dst/$tool.c" \
    OUT="$dst/$tool" 2>&1); then
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
echo "build and check it with: make grade STEP=$step${2:+ LABDIR=$labdir}"
