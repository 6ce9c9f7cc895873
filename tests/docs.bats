#!/usr/bin/env bats
# Every step keeps its worksheet, teacher notes, tests and slides in step
# with its code: each LAB region in the code has its section in the
# worksheet, and every deck is Marp. So does each runner lab (LAB regions
# in src/ named by a word: labs/minictr-WORD.md), with its mutants.

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

# The runner labs: the words that name LAB regions in src/*.c
# (`/* LAB life.1: ... */` is lab "life").
runner_labs() {
    grep -ho '/\* LAB [a-z][a-z0-9]*\.[0-9]*' "$ROOT"/src/*.c | awk '{ print $3 }' |
        sed 's/\..*//' | sort -u
}

@test "docs: every runner lab has a worksheet, teacher notes, tests, slides and mutants" {
    local lab n=0
    for lab in $(runner_labs); do
        n=$((n + 1))
        for f in "labs/minictr-$lab.md" "labs/teacher/minictr-$lab.md" \
            "tests/minictr-$lab.bats" "slides/minictr-$lab.md"; do
            [ -s "$ROOT/$f" ] || fail "runner lab $lab has no $f"
        done
        ls "$ROOT/labs/mutants/$lab/$lab".*.c >/dev/null 2>&1 || fail "runner lab $lab has no labs/mutants/$lab/"
    done
    [ "$n" -gt 0 ]
}

@test "docs: each LAB region of the runner names a section its worksheet has, and has mutants and tagged tests" {
    local lab section
    for lab in $(runner_labs); do
        for section in $(grep -ho "/\* LAB $lab\.[0-9]*" "$ROOT"/src/*.c | awk '{ print $3 }' | sort -u); do
            grep -qE "^#+ .*$section\b" "$ROOT/labs/minictr-$lab.md" ||
                fail "labs/minictr-$lab.md has no heading for LAB $section"
            [ "$(ls "$ROOT/labs/mutants/$lab/$section"-*.c 2>/dev/null | wc -l)" -ge 3 ] ||
                fail "LAB $section has fewer than 3 mutants in labs/mutants/$lab/"
            grep -q "^# bats test_tags=.*lab:${section/./-}\b" "$ROOT/tests/minictr-$lab.bats" ||
                fail "no test in tests/minictr-$lab.bats is tagged lab:${section/./-}"
        done
    done
}

@test "docs: every slide deck is Marp markdown" {
    for deck in "$ROOT"/slides/*.md; do
        head -n 5 "$deck" | grep -q '^marp: true' || fail "$deck: no 'marp: true' front matter"
    done
}
