#!/usr/bin/env bats
# Exercise mode: for every step with LAB regions, a fresh student copy
# (make lab) must build, and its grader (make grade) must fail with messages
# that name the worksheet section. The reference passing the same tests is
# the rest of the suite. One test per step: a grader that waits for what a
# fresh copy never does can take a minute, and each test has its own limit.

load lib/common

# lab_step NN: make lab, then make grade, on a fresh copy of step NN.
lab_step() {
    local step=$1 dir
    dir=$(ls -d "$ROOT"/steps/"$step"-*/)
    grep -q '/\* LAB [0-9]' "$dir"/*.c || skip "step $step has no LAB regions"
    run "$ROOT/labs/mklab.sh" "$step" "$BATS_TEST_TMPDIR/work"
    assert_success
    assert_output --partial "LAB regions to write"
    # It says how the fresh copy compiles; its only warnings are for
    # what the missing LAB code will use.
    assert_output --regexp "it compiles (now, with [0-9]+ warnings? \(|without warnings)"
    refute_output --partial "are not -Wunused-*"
    run "$ROOT/labs/grade.sh" "$step" "$BATS_TEST_TMPDIR/work"
    assert_failure
    assert_output --regexp "LAB $step\.[0-9]+ is not done yet"
    assert_output --regexp "[1-9][0-9]* failed"
}

@test "lab: every step with LAB regions has its test below" {
    local dir step
    for dir in "$ROOT"/steps/[0-9][0-9]-*/; do
        grep -q '/\* LAB [0-9]' "$dir"/*.c || continue
        step=$(basename "$dir")
        step=${step%%-*}
        grep -q "^    lab_step $step\$" "$BATS_TEST_FILENAME" || fail "no test runs lab_step $step"
    done
}

@test "lab 00: a fresh student copy builds and fails its grader clearly" {
    lab_step 00
}

@test "lab 01: a fresh student copy builds and fails its grader clearly" {
    lab_step 01
}

@test "lab 02: a fresh student copy builds and fails its grader clearly" {
    lab_step 02
}

@test "lab 03: a fresh student copy builds and fails its grader clearly" {
    lab_step 03
}

@test "lab 04: a fresh student copy builds and fails its grader clearly" {
    lab_step 04
}

@test "lab 05: a fresh student copy builds and fails its grader clearly" {
    lab_step 05
}

@test "lab 06: a fresh student copy builds and fails its grader clearly" {
    lab_step 06
}

@test "lab 07: a fresh student copy builds and fails its grader clearly" {
    lab_step 07
}

@test "lab 08: a fresh student copy builds and fails its grader clearly" {
    lab_step 08
}

@test "lab 09: a fresh student copy builds and fails its grader clearly" {
    lab_step 09
}

@test "lab 10: a fresh student copy builds and fails its grader clearly" {
    lab_step 10
}

@test "lab: mklab refuses to overwrite a student's work" {
    dir=$(ls -d "$ROOT"/steps/[0-9][0-9]-*/ | head -n 1)
    step=$(basename "$dir"); step=${step%%-*}
    run "$ROOT/labs/mklab.sh" "$step" "$BATS_TEST_TMPDIR/work"
    assert_success
    echo "my work" > "$BATS_TEST_TMPDIR/work/$(basename "$dir")/notes"
    run "$ROOT/labs/mklab.sh" "$step" "$BATS_TEST_TMPDIR/work"
    assert_failure 3
    assert_output --partial "not overwriting"
    assert_file_exists "$BATS_TEST_TMPDIR/work/$(basename "$dir")/notes"
}
