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

# A runner lab (LAB regions in src/*.c named by a word, e.g. life.1): its
# copy is the runner's whole source, built into the copy's bin/, graded by
# tests/minictr-WORD.bats through MINICTR_BIN.
@test "lab life: a fresh copy of the runner builds and fails its grader clearly" {
    need_root
    grep -qs '/\* LAB life\.[0-9]' "$ROOT"/src/*.c || skip "the runner has no LAB life regions"
    run "$ROOT/labs/mklab.sh" life "$BATS_TEST_TMPDIR/work"
    assert_success
    assert_output --regexp "for lab life in .*/minictr-life/src: 4 LAB regions to write"
    assert_output --regexp "it compiles (now, with [0-9]+ warnings? \(|without warnings)"
    refute_output --partial "are not -Wunused-*"
    # The copy is the whole runner, the regions of lab life replaced.
    [ -f "$BATS_TEST_TMPDIR/work/minictr-life/src/lib/ct.c" ]
    [ -f "$BATS_TEST_TMPDIR/work/minictr-life/src/unpack/unpack.c" ]
    assert_equal "$(cat "$BATS_TEST_TMPDIR"/work/minictr-life/src/*.c | grep -c 'ct_lab_todo("life\.')" 4
    run grep -l '/\* LAB life\.' "$BATS_TEST_TMPDIR"/work/minictr-life/src/*.c
    assert_failure
    # A fresh copy: the grader builds it, and every container stops at
    # life.1 with its message and exit 99.
    run "$ROOT/labs/grade.sh" life "$BATS_TEST_TMPDIR/work"
    assert_failure
    assert_output --partial "== building your copy: $BATS_TEST_TMPDIR/work/minictr-life/bin/minictr"
    assert_output --partial "LAB life.1 is not done yet"
    assert_output --partial "'make grade STEP=life LABDIR=$BATS_TEST_TMPDIR/work'"
    assert_output --regexp "[1-9][0-9]* failed"
    [ -x "$BATS_TEST_TMPDIR/work/minictr-life/bin/minictr" ]
    [ -x "$BATS_TEST_TMPDIR/work/minictr-life/bin/minictr-unpack" ]
    # The copy's own runner, not bin/minictr, was graded: the reference
    # never says "not done yet".
    run env MINICTR_ROOT="$BATS_TEST_TMPDIR/lib" MINICTR_STATE="$BATS_TEST_TMPDIR/state" \
        "$BATS_TEST_TMPDIR/work/minictr-life/bin/minictr" run --rm --rootfs "$IMAGE" true
    assert_failure 99
    assert_output --partial "LAB life.1 is not done yet"
    # and it refuses to overwrite the student's work
    run "$ROOT/labs/mklab.sh" life "$BATS_TEST_TMPDIR/work"
    assert_failure 3
    assert_output --partial "not overwriting"
}

# Lab oci: the OCI door, graded through the copy's bin/minictr-oci (a
# hard link make student-runner puts beside its minictr).
@test "lab oci: a fresh copy of the runner builds and fails its grader clearly" {
    need_root
    grep -qs '/\* LAB oci\.[0-9]' "$ROOT"/src/*.c || skip "the runner has no LAB oci regions"
    run "$ROOT/labs/mklab.sh" oci "$BATS_TEST_TMPDIR/work"
    assert_success
    assert_output --regexp "for lab oci in .*/minictr-oci/src: 3 LAB regions to write"
    assert_output --regexp "it compiles (now, with [0-9]+ warnings? \(|without warnings)"
    refute_output --partial "are not -Wunused-*"
    assert_equal "$(cat "$BATS_TEST_TMPDIR"/work/minictr-oci/src/*.c | grep -c 'ct_lab_todo("oci\.')" 3
    # the other lab's regions stay as they are
    assert_equal "$(cat "$BATS_TEST_TMPDIR"/work/minictr-oci/src/*.c | grep -c '/\* LAB life\.')" \
        "$(cat "$ROOT"/src/*.c | grep -c '/\* LAB life\.')"
    run "$ROOT/labs/grade.sh" oci "$BATS_TEST_TMPDIR/work"
    assert_failure
    assert_output --partial "== building your copy: $BATS_TEST_TMPDIR/work/minictr-oci/bin/minictr"
    assert_output --partial "LAB oci."
    assert_output --partial "is not done yet"
    assert_output --regexp "[1-9][0-9]* failed"
    [ "$(stat -c %i "$BATS_TEST_TMPDIR/work/minictr-oci/bin/minictr-oci")" = \
        "$(stat -c %i "$BATS_TEST_TMPDIR/work/minictr-oci/bin/minictr")" ]
    # The copy's own runtime was graded: its state stops at oci.2 (exit 99),
    # where the reference's says the id is unknown.
    run "$BATS_TEST_TMPDIR/work/minictr-oci/bin/minictr-oci" --root "$BATS_TEST_TMPDIR/root" state nothing-$$
    assert_failure 1
    mkdir -p "$BATS_TEST_TMPDIR/b/rootfs"
    cp -a "$IMAGE/." "$BATS_TEST_TMPDIR/b/rootfs/"
    "$BIN/minictr-oci" spec --bundle "$BATS_TEST_TMPDIR/b"
    jq '.process.terminal = false | .process.args = ["sleep", "100"]' "$BATS_TEST_TMPDIR/b/config.json" >"$BATS_TEST_TMPDIR/c.json"
    mv "$BATS_TEST_TMPDIR/c.json" "$BATS_TEST_TMPDIR/b/config.json"
    "$BIN/minictr-oci" --root "$BATS_TEST_TMPDIR/root" create --bundle "$BATS_TEST_TMPDIR/b" o1 </dev/null >/dev/null 2>&1
    run "$BATS_TEST_TMPDIR/work/minictr-oci/bin/minictr-oci" --root "$BATS_TEST_TMPDIR/root" state o1
    assert_failure 99
    assert_output --partial "LAB oci.2 is not done yet"
    "$BIN/minictr-oci" --root "$BATS_TEST_TMPDIR/root" delete --force o1
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/root")" ]
    run "$ROOT/labs/mklab.sh" oci "$BATS_TEST_TMPDIR/work"
    assert_failure 3
    assert_output --partial "not overwriting"
}

# Lab compose: compose's own regions. A fresh copy refuses every compose
# file at compose.1 (the cycle check runs before anything is made) and
# kills its monitor at compose.3 (a probe's result), so the grader fails
# at both, and nothing of the reference's is graded by mistake.
@test "lab compose: a fresh copy of the runner builds and fails its grader clearly" {
    need_root
    grep -qs '/\* LAB compose\.[0-9]' "$ROOT"/src/*.c || skip "the runner has no LAB compose regions"
    run "$ROOT/labs/mklab.sh" compose "$BATS_TEST_TMPDIR/work"
    assert_success
    assert_output --regexp "for lab compose in .*/minictr-compose/src: 3 LAB regions to write"
    assert_output --regexp "it compiles (now, with [0-9]+ warnings? \(|without warnings)"
    refute_output --partial "are not -Wunused-*"
    assert_equal "$(cat "$BATS_TEST_TMPDIR"/work/minictr-compose/src/*.c | grep -c 'ct_lab_todo("compose\.')" 3
    # the other labs' regions stay as they are
    assert_equal "$(cat "$BATS_TEST_TMPDIR"/work/minictr-compose/src/*.c | grep -c '/\* LAB life\.')" \
        "$(cat "$ROOT"/src/*.c | grep -c '/\* LAB life\.')"
    run "$ROOT/labs/grade.sh" compose "$BATS_TEST_TMPDIR/work"
    assert_failure
    assert_output --partial "== building your copy: $BATS_TEST_TMPDIR/work/minictr-compose/bin/minictr"
    assert_output --partial "LAB compose.1 is not done yet"
    assert_output --regexp "[1-9][0-9]* failed"
    # The copy's own runner was graded: its compose stops at compose.1
    # (exit 99) on a file the reference takes, before anything is made.
    printf 'services:\n  a:\n    image: busybox\n' >"$BATS_TEST_TMPDIR/compose.yaml"
    run env MINICTR_ROOT="$BATS_TEST_TMPDIR/lib" MINICTR_STATE="$BATS_TEST_TMPDIR/state" \
        "$BATS_TEST_TMPDIR/work/minictr-compose/bin/minictr" compose -f "$BATS_TEST_TMPDIR/compose.yaml" -p labc up -d
    assert_failure 99
    assert_output --partial "LAB compose.1 is not done yet"
    [ ! -e "$BATS_TEST_TMPDIR/lib/containers" ] || [ -z "$(ls -A "$BATS_TEST_TMPDIR/lib/containers")" ]
    run "$ROOT/labs/mklab.sh" compose "$BATS_TEST_TMPDIR/work"
    assert_failure 3
    assert_output --partial "not overwriting"
}

@test "lab: make lab and make grade name a runner lab that does not exist" {
    run "$ROOT/labs/mklab.sh" nosuchlab "$BATS_TEST_TMPDIR/work"
    assert_failure 2
    assert_output --partial "no runner lab 'nosuchlab'"
    run "$ROOT/labs/grade.sh" nosuchlab "$BATS_TEST_TMPDIR/work"
    assert_failure 2
    assert_output --partial "no runner lab 'nosuchlab'"
    [ ! -e "$BATS_TEST_TMPDIR/work" ]
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
