#!/usr/bin/env bats
# Graders that cannot be fooled: for each step, every wrong solution in
# labs/mutants/NN-name/ must fail the step's grader, and the reference must
# pass it (labs/mutants.sh, as `make mutants STEP=NN` runs it). The count
# line of each step goes to the log:
#
#     # 04-tar-runner: 14 mutants, 14 killed
#
# A step's mutants run in parallel (MUTANT_JOBS, default: the cpus), each
# grader in cgroups and mount and uts namespaces of its own. A step takes
# up to a few minutes on a loaded 2-core machine: more than the suite's
# 180 s a test (tests/run.sh), so this file allows each test more. (bats
# reads BATS_TEST_TIMEOUT when each test starts, after loading the file.)

load lib/common

BATS_TEST_TIMEOUT=${MUTANTS_TEST_TIMEOUT:-900}

# mutants_of NN: run the step's mutants; show the count line and, when a
# mutant survived or the reference failed, the whole report.
mutants_of() {
    need_root
    [ -x "$IMAGE/usr/bin/probe" ] || skip "no image at $IMAGE (make images)"
    local start=$SECONDS count
    run "$ROOT/labs/mutants.sh" "$1"
    count=$(printf '%s\n' "$output" | grep -E "^($1-[a-z0-9-]+|minictr-$1): [0-9]+ mutants, [0-9]+ killed" || true)
    printf '# %s (%d s)\n' "${count:-$1: no count line}" $((SECONDS - start)) >&3
    echo "$output"
    assert_success
    [ -n "$count" ] || fail "no count line for step $1"
    [[ "$count" =~ ^[0-9a-z-]+:\ ([0-9]+)\ mutants,\ ([0-9]+)\ killed ]]
    [ "${BASH_REMATCH[1]}" -gt 0 ] || fail "step $1 has no mutants to run"
    [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] || fail "not every mutant was killed: $count"
    assert_line --regexp '^    reference: passed'
}

@test "mutants: 00-doctor: every wrong solution fails the grader" {
    mutants_of 00
}

@test "mutants: 01-chroot-jail: every wrong solution fails the grader" {
    mutants_of 01
}

@test "mutants: 02-namespaces: every wrong solution fails the grader" {
    mutants_of 02
}

@test "mutants: 03-cgroups: every wrong solution fails the grader" {
    mutants_of 03
}

@test "mutants: 04-tar-runner: every wrong solution fails the grader" {
    mutants_of 04
}

@test "mutants: 05-pivot-root: every wrong solution fails the grader" {
    mutants_of 05
}

@test "mutants: 06-privileges: every wrong solution fails the grader" {
    mutants_of 06
}

@test "mutants: 07-overlay: every wrong solution fails the grader" {
    mutants_of 07
}

@test "mutants: 08-user-namespaces: every wrong solution fails the grader" {
    mutants_of 08
}

@test "mutants: 09-network: every wrong solution fails the grader" {
    mutants_of 09
}

@test "mutants: 10-images: every wrong solution fails the grader" {
    mutants_of 10
}

# A runner lab: labs/mutants/life/, each a copy of the whole runner.
@test "mutants: minictr-life (the runner lab): every wrong solution fails the grader" {
    mutants_of life
}

@test "mutants: minictr-oci (the runner lab): every wrong solution fails the grader" {
    mutants_of oci
}

@test "mutants: minictr-compose (the runner lab): every wrong solution fails the grader" {
    mutants_of compose
}
