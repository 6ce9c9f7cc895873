#!/usr/bin/env bash
# bench/cgv1.sh CMD [ARG...]: run CMD where cgroups look like cgroup v1
# only, for crun 1.8, which refuses a hybrid host ("cgroups in hybrid mode
# not supported"). Everything else in the bench runs on the host's own view.
#
# In a private mount namespace (unshare -m; nothing changes outside it):
#   - /sys/fs/cgroup/unified, the cgroup2 tree of a hybrid host, is
#     unmounted: crun sees a plain v1 host;
#   - each v1 hierarchy whose root we are not at (memory, on the build
#     machine, where a supervisor put us in a cgroup) shows our own cgroup
#     as its root: crun reads even a relative cgroupsPath from the root of
#     each hierarchy, and this keeps its cgroups below ours, as the
#     project's rule asks.
# On a pure v1 or pure v2 host there is nothing to hide: CMD just runs.
set -euo pipefail

if [ "${1:-}" != --inside ]; then
    exec unshare -m --propagation private "$0" --inside "$@"
fi
shift
if mountpoint -q /sys/fs/cgroup/unified; then
    umount /sys/fs/cgroup/unified
fi
while IFS=: read -r _ ctrl path; do
    if [ -z "$ctrl" ] || [ "$path" = / ]; then continue; fi
    mp=$(awk -v c="${ctrl%%,*}" '$0 ~ / - cgroup / {
             n = split($NF, o, ","); for (i = 1; i <= n; i++)
             if (o[i] == c) print $5 }' /proc/self/mountinfo | head -n1)
    if [ -n "$mp" ] && [ -d "$mp$path" ]; then
        mount --bind "$mp$path" "$mp"
    fi
done </proc/self/cgroup
exec "$@"
