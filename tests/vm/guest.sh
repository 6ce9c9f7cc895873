#!/bin/bash
# guest.sh: PID 1 of the test VM after switch_root (the root is the host's,
# read-only). Finishes the setup a normal pure cgroup v2 machine has, prints
# evidence that this is cgroup v2, runs the bats files the host chose, writes
# the results to build/vm/run/ in the project, and powers the VM off.
#
# Read from build/vm/run/config (written by tests/vm/run.sh): VM_TESTS,
# BATS_TEST_TIMEOUT, VM_CGROUP.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp/home LANG=C.UTF-8 TERM=dumb
mkdir -p "$HOME"
run=$VM_PROJECT/build/vm/run

power_off() {
    sync
    # busybox-static is one of minictr's build dependencies; the sysrq
    # trigger powers off without any program, should it be missing.
    busybox poweroff -f 2>/dev/null
    echo o >/proc/sysrq-trigger
    sleep 60
}

# /dev: devtmpfs has the device nodes, but not the links and mounts that
# udev and systemd add. bats needs /dev/fd.
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
ln -sfn /proc/kcore /dev/core 2>/dev/null
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts /dev/pts
ln -sfn pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t mqueue mqueue /dev/mqueue 2>/dev/null

# cgroup v2, mounted as systemd mounts it. No v1 hierarchy exists here: the
# kernel was booted with cgroup_no_v1=all.
mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname minictr-vm
ip link set lo up 2>/dev/null || busybox ip link set lo up 2>/dev/null

# shellcheck source=/dev/null
. "$run/config" || {
    echo "guest: cannot read $run/config"
    power_off
}

# Where the tests run, like a root shell on a systemd machine: the root
# cgroup delegates cpu, io, memory and pids down to a session scope, and we
# run in that leaf (VM_CGROUP=root keeps us in the root cgroup instead).
cg=/sys/fs/cgroup
if [ "${VM_CGROUP:-systemd}" = systemd ]; then
    for dir in "" /user.slice /user.slice/user-0.slice; do
        mkdir -p "$cg$dir"
        for c in cpu io memory pids; do
            echo "+$c" >"$cg$dir/cgroup.subtree_control" 2>/dev/null
        done
    done
    mkdir -p "$cg/init.scope" "$cg/user.slice/user-0.slice/session-1.scope"
    echo $$ >"$cg/user.slice/user-0.slice/session-1.scope/cgroup.procs"
fi

{
    echo "# vm: kernel $(uname -r) ($(uname -m)), $(nproc) cpus, $(awk '/MemTotal/ { print int($2 / 1024) " MiB" }' /proc/meminfo)"
    echo "# vm: /sys/fs/cgroup is $(stat -f -c %T /sys/fs/cgroup)"
    echo "# vm: cgroup.controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
    echo "# vm: root cgroup.subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
    echo "# vm: tests run in cgroup $(sed -n 's/^0:://p' /proc/self/cgroup)"
    echo "# vm: cgroup v1 hierarchies in /proc/cgroups: $(awk 'NR > 1 && $2 != 0' /proc/cgroups | wc -l)"
} | tee "$run/evidence"

# shellcheck disable=SC2086  # VM_TESTS is a list of files
cd "$VM_PROJECT" && bats --tap $VM_TESTS 2>&1 | tee "$run/tap"
echo "${PIPESTATUS[0]}" >"$run/rc"
power_off
