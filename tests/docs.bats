#!/usr/bin/env bats
# Every step keeps its worksheet, teacher notes, tests and slides in step
# with its code: each LAB region in the code has its section in the
# worksheet, and every deck is Marp.

load lib/common

@test "docs: every step has a worksheet, teacher notes, tests and slides" {
    for dir in "$ROOT"/steps/[0-9][0-9]-*/; do
        name=$(basename "$dir")
        for f in "labs/$name.md" "labs/teacher/$name.md" "tests/$name.bats" "slides/$name.md"; do
            [ -s "$ROOT/$f" ] || fail "steps/$name has no $f"
        done
    done
}

@test "docs: each LAB region names a section its worksheet has" {
    for dir in "$ROOT"/steps/[0-9][0-9]-*/; do
        name=$(basename "$dir")
        for section in $(grep -ho '/\* LAB [0-9][0-9]\.[0-9]*' "$dir"*.c | awk '{ print $3 }' | sort -u); do
            grep -qE "^#+ .*$section\b" "$ROOT/labs/$name.md" ||
                fail "labs/$name.md has no heading for LAB $section"
        done
    done
}

@test "docs: every slide deck is Marp markdown" {
    for deck in "$ROOT"/slides/*.md; do
        head -n 5 "$deck" | grep -q '^marp: true' || fail "$deck: no 'marp: true' front matter"
    done
}
