#!/usr/bin/env bash
# demo.sh: the main job of `./quickstart demo`: an interactive shell in the
# most complete container the tools built so far can make, on the built-in
# busybox image. Type `probe` inside to see what the container sees.
set -euo pipefail
cd "$(dirname "$0")/.."
image=build/images/busybox

if [ -x bin/minictr ]; then
    # The built-in image, imported once into /var/lib/minictr/images.
    if ! bin/minictr images | awk 'NR > 1 { print $1 }' | grep -qx busybox; then
        bin/minictr import "$image" busybox >/dev/null
    fi
    echo "minictr run --rm -it --hostname demo busybox sh"
    echo "  try: probe | head -30; ps; hostname; ls /dev; cat /proc/self/status | grep -E 'Cap|NoNew|Seccomp'"
    echo "  type 'exit' to leave"
    exec bin/minictr run --rm -it --hostname demo busybox /bin/sh
elif [ -x bin/privbox ]; then
    echo "privbox: pivot_root, namespaces, minimal /dev, dropped capabilities, seccomp"
    exec bin/privbox --hostname demo "$image" /bin/sh
elif [ -x bin/pivotbox ]; then
    exec bin/pivotbox --hostname demo "$image" /bin/sh
else
    echo "a shell in a chroot jail holding only busybox (exit to leave)"
    exec chroot "$image" /bin/sh
fi
