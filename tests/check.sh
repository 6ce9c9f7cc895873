#!/usr/bin/env bash
# check.sh: the whole test suite. Every bats test on this host, then the
# cgroup v2 tests inside a QEMU VM (tests/vm/run.sh, when present), and one
# closing line that adds them up: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
export RESULTS_FILE
RESULTS_FILE=$(mktemp)
trap 'rm -f "$RESULTS_FILE"' EXIT

status=0
echo "== tests on this host"
tests/run.sh || status=1
if [ -x tests/vm/run.sh ] && [ "${SKIP_VM:-0}" != 1 ]; then
    echo "== tests in a cgroup v2 VM"
    tests/vm/run.sh || status=1
fi
awk '{ p += $1; f += $2; s += $3 } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$RESULTS_FILE"
exit $status
