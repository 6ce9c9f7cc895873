#!/usr/bin/env bash
# run.sh [FILE.bats...]: run bats tests (default: every tests/*.bats) as TAP
# and end with one line "N passed, N failed, N skipped".
#
# TOOL=path picks the tool under test when a single step's tests are run
# (make grade does this); otherwise each test uses bin/.
set -uo pipefail
cd "$(dirname "$0")/.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/*.bats)

# A test that hangs must not hang CI: bats kills it after this many seconds.
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-180}
log=$(mktemp)
# shellcheck source=lib/runcg.bash
. tests/lib/runcg.bash
runcg_enter
trap 'runcg_leave; rm -f "$log"' EXIT
bats --tap "${files[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$log")
ok=$(grep -cE '^ok [0-9]+' "$log")
failed=$(grep -cE '^not ok [0-9]+' "$log")
echo "$((ok - skipped)) passed, $failed failed, $skipped skipped"
# tests/check.sh adds the counts of several runs together.
[ -z "${RESULTS_FILE:-}" ] || echo "$((ok - skipped)) $failed $skipped" >> "$RESULTS_FILE"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
