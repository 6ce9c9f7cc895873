#!/usr/bin/env bats
# Exercise mode: for every step with LAB regions, a fresh student copy
# (make lab) must build, and its grader (make grade) must fail with messages
# that name the worksheet section. The reference passing the same tests is
# the rest of the suite.

load lib/common

@test "lab: every step's student copy builds and fails its grader clearly" {
    local steps=0
    for dir in "$ROOT"/steps/[0-9][0-9]-*/; do
        grep -q '/\* LAB [0-9]' "$dir"/*.c || continue
        step=$(basename "$dir"); step=${step%%-*}
        steps=$((steps + 1))
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
    done
    [ "$steps" -gt 0 ]
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
