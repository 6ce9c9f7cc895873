#!/usr/bin/env bash
# run.sh: run tests in a QEMU VM whose kernel has pure cgroup v2, the cgroup
# layout most student laptops have (this build machine may be hybrid or v1).
# The VM boots Debian's own kernel with a tiny busybox initramfs, sees this
# host's root read-only and the project read-write over 9p (at the same path),
# and runs bats there on the same build: bin/ and build/images/busybox.
# Prints the TAP and one line "N passed, N failed, N skipped", like
# tests/run.sh, and appends "P F S" to $RESULTS_FILE when it is set.
#
#   VM_TESTS="tests/03-cgroups.bats ..."  the files to run (default: the smoke
#                      test, then 03-cgroups, minictr-v2 and 00-doctor)
#   VM_TIMEOUT=1200    seconds before the whole VM is stopped (a failure)
#   BATS_TEST_TIMEOUT  seconds per test inside the VM (default 300: code in
#                      the VM runs 15-30 times slower than on the host)
#   VM_MEMORY=2048 VM_CPUS=2   guest size (MiB, vcpus)
#   VM_ACCEL=kvm       use KVM instead of TCG (software emulation)
#   VM_CGROUP=systemd  run in a session scope below cgroups that delegate
#                      cpu, io, memory and pids, as systemd does; "root" runs
#                      the tests in the root cgroup
#   VM_APPEND="..."   more kernel command line arguments
#   VM_CONSOLE=1       show the VM's console as it runs (it is always saved
#                      in build/vm/console.log)
#   SKIP_VM=1          do nothing (and say so)
# See tests/vm/README.md.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
project=$(pwd -P)
out=$project/build/vm
run=$out/run

if [ "${SKIP_VM:-0}" = 1 ]; then
    echo "tests/vm: SKIP_VM=1: not running the cgroup v2 VM tests"
    exit 0
fi

fail() {
    echo "tests/vm: $*" >&2
    # A VM that cannot run is a failed test run, and counts as one.
    echo "0 passed, 1 failed, 0 skipped"
    [ -z "${RESULTS_FILE:-}" ] || echo "0 1 0" >>"$RESULTS_FILE"
    exit 1
}

qemu=$(command -v qemu-system-x86_64) ||
    fail "qemu-system-x86_64 is missing. hint: rootfs-scripts/install-deps.sh --vm (or apt-get install qemu-system-x86 cpio)"
[ "$(uname -m)" = x86_64 ] || fail "the VM harness boots an amd64 kernel; this host is $(uname -m)"
command -v bats >/dev/null || fail "bats is missing. hint: rootfs-scripts/install-deps.sh --test"
[ -x bin/probe ] || fail "bin/probe is missing: run 'make bin/probe' (or make) first"
[ -d build/images/busybox ] || fail "build/images/busybox is missing: run 'make images' first"
# The path goes on the kernel command line, which splits at spaces.
case "$project" in
    *[!A-Za-z0-9_./+-]*) fail "the project path '$project' has characters the kernel command line cannot carry; move the checkout" ;;
esac

# One VM at a time: they share build/vm/run/.
mkdir -p "$out"
exec 9>"$out/lock"
flock -n 9 || fail "another tests/vm/run.sh is running in this project"

tests_build_start=$(date +%s.%N)
tests/vm/build.sh || fail "could not build the VM's kernel and initramfs (see above)"

# Which tests: the smoke test (it checks that the VM really is cgroup v2),
# then the step tests that depend on the cgroup layout, most telling first:
# if the VM runs out of time, what ran still counts. (02-namespaces runs
# the same on v1 and v2, and costs 5 minutes here: VM_TESTS can add it.)
# minictr-pod.bats: a pod's cgroups on v2 (the manager in a leaf of its
# own, controllers handed down), about 4 minutes.
if [ -z "${VM_TESTS:-}" ]; then
    VM_TESTS=tests/vm/smoke.bats
    for f in tests/03-cgroups.bats tests/minictr-v2.bats tests/00-doctor.bats \
        tests/minictr-pod.bats; do
        [ -f "$f" ] && VM_TESTS="$VM_TESTS $f"
    done
fi
for f in $VM_TESTS; do
    [ -f "$f" ] || fail "VM_TESTS names $f, which does not exist"
done

rm -rf "$run"
mkdir -p "$run"
{
    printf 'VM_TESTS=%q\n' "$VM_TESTS"
    printf 'export BATS_TEST_TIMEOUT=%q\n' "${BATS_TEST_TIMEOUT:-300}"
    printf 'VM_CGROUP=%q\n' "${VM_CGROUP:-systemd}"
} >"$run/config"

# TCG: QEMU emulates the CPU in software. Slower, but it works everywhere,
# nested or not. VM_ACCEL=kvm is much faster where /dev/kvm really works.
accel=(-accel "tcg,thread=multi" -cpu "${VM_CPU:-max}")
if [ "${VM_ACCEL:-tcg}" = kvm ]; then
    accel=(-accel kvm -cpu host)
fi
# passthrough keeps file owners as the guest sets them; it needs root here.
model=passthrough
[ "$(id -u)" -eq 0 ] || model=none

cmdline="console=ttyS0 panic=-1 quiet loglevel=3 cgroup_no_v1=all mitigations=off"
cmdline="$cmdline ${VM_APPEND:-} rdinit=/init VM_PROJECT=$project"
timeout=${VM_TIMEOUT:-1200}
echo "tests/vm: booting $(sed 's/ .*//' "$out/stamp" | xargs dirname | xargs basename) in QEMU" \
    "(${accel[1]%%,*}, ${VM_CPUS:-2} cpus, ${VM_MEMORY:-2048} MiB); tests: $VM_TESTS"
start=$(date +%s.%N)
console() {
    if [ "${VM_CONSOLE:-0}" = 1 ]; then
        tee "$out/console.log"
    else
        cat >"$out/console.log"
    fi
}
timeout -k 10 "$timeout" "$qemu" \
    -nodefaults -no-user-config -display none -no-reboot \
    "${accel[@]}" -smp "${VM_CPUS:-2}" -m "${VM_MEMORY:-2048}" \
    -kernel "$out/vmlinuz" -initrd "$out/initramfs.cpio" -append "$cmdline" \
    -serial stdio -monitor none \
    -fsdev "local,id=hostroot,path=/,security_model=$model,readonly=on,multidevs=remap" \
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
    -fsdev "local,id=project,path=$project,security_model=$model,multidevs=remap" \
    -device virtio-9p-pci,fsdev=project,mount_tag=project \
    </dev/null 2>&1 | console
qemu_status=${PIPESTATUS[0]}
end=$(date +%s.%N)
seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

if [ -f "$run/evidence" ]; then
    cat "$run/evidence"
fi
if [ -f "$run/tap" ]; then
    cat "$run/tap"
fi
# Count what ran, even when the VM did not finish: the tests that passed
# before a hang still passed, and the hang counts as one failure.
log=$run/tap
[ -f "$log" ] || : >"$log"
skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$log")
ok=$(grep -cE '^ok [0-9]+' "$log")
failed=$(grep -cE '^not ok [0-9]+' "$log")
rc=$(cat "$run/rc" 2>/dev/null)
echo "# vm: ${seconds}s in the VM (boot, tests and power-off), $(awk -v a="$tests_build_start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')s in all"
if [ -z "$rc" ]; then
    if [ "${VM_CONSOLE:-0}" != 1 ]; then
        echo "--- last lines of build/vm/console.log:"
        tail -n 20 "$out/console.log"
        echo "---"
    fi
    if [ "$qemu_status" -eq 124 ] || [ "$qemu_status" -eq 137 ]; then
        echo "tests/vm: the VM did not finish within VM_TIMEOUT=${timeout}s and was stopped (a hung test?)" >&2
    else
        echo "tests/vm: the VM stopped before the tests finished (qemu exit status $qemu_status)" >&2
    fi
    failed=$((failed + 1))
    rc=1
elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # bats failed without a failing test (e.g. a syntax error in a file).
    echo "tests/vm: bats exited with status $rc" >&2
    failed=1
fi
echo "$((ok - skipped)) passed, $failed failed, $skipped skipped"
[ -z "${RESULTS_FILE:-}" ] || echo "$((ok - skipped)) $failed $skipped" >>"$RESULTS_FILE"
[ "$failed" -eq 0 ] && [ "$rc" -eq 0 ]
