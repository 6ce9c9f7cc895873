#!/usr/bin/env bash
# busybox.sh TARGET: make a tiny root filesystem from Debian's busybox-static.
#
# The built-in default image of minictr: one static binary, a symlink per
# applet (sh, ls, ps, mount, ...), /etc/passwd and /etc/group, and the empty
# directories a container mounts over (proc, sys, dev, tmp). Offline and
# done in well under a second. Re-running it replaces TARGET whole.
set -euo pipefail

usage() { echo "usage: $0 TARGET" >&2; exit 2; }
[ $# -eq 1 ] || usage
target=$1
case "$target" in
    ""|/|/bin|/usr|/etc|/lib|/var|/home|/root) echo "$0: refusing to write to '$target'" >&2; exit 2 ;;
esac

busybox=${BUSYBOX:-/bin/busybox}
if [ ! -x "$busybox" ]; then
    echo "$0: '$busybox' not found: install it with 'apt-get install busybox-static'" >&2
    exit 3
fi
# A dynamic busybox (Debian's "busybox" package) would need its libraries in
# the image too; the static one needs nothing.
if ldd "$busybox" >/dev/null 2>&1; then
    echo "$0: '$busybox' is dynamically linked: install 'busybox-static' instead of 'busybox'" >&2
    exit 3
fi

# Build next to the target, then swap it in: an interrupted run never leaves
# a half-made image where the tools look for one.
parent=$(dirname -- "$target")
mkdir -p -- "$parent"
new=$(mktemp -d -- "$parent/.busybox.new.XXXXXX")
trap 'rm -rf -- "$new"' EXIT

mkdir -p -- "$new"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,home,var/tmp,run}
chmod 1777 "$new/tmp" "$new/var/tmp"
chmod 0700 "$new/root"
install -m 0755 -- "$busybox" "$new/bin/busybox"

# busybox --list-full prints each applet with its usual path: bin/sh,
# usr/bin/awk, ... A symlink to /bin/busybox at each path makes it a command.
"$busybox" --list-full | while read -r applet; do
    case "$applet" in
        ""|/*|*..*) continue ;;  # never anything that could leave the image
    esac
    [ -e "$new/$applet" ] || ln -s /bin/busybox "$new/$applet"
done

cat > "$new/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > "$new/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
echo "minictr" > "$new/etc/hostname"
: > "$new/etc/resolv.conf"
echo "busybox image made by minictr/rootfs-scripts/busybox.sh" > "$new/.minictr-image"

# Replace the old image only if it is ours (it has the marker file).
if [ -e "$target" ]; then
    if [ ! -e "$target/.minictr-image" ]; then
        echo "$0: '$target' exists and is not an image made by this script; not replacing it" >&2
        exit 3
    fi
    rm -rf -- "$target"
fi
mv -- "$new" "$target"
trap - EXIT
echo "busybox image ready in $target ($(find "$target" -type l | wc -l) applets)"
