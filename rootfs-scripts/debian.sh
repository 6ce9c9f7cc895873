#!/usr/bin/env bash
# debian.sh TARGET [SUITE]: make a minimal Debian root filesystem with
# debootstrap (--variant=minbase, default suite bookworm), for a bigger
# demo than busybox:
#
#   sudo rootfs-scripts/debian.sh build/images/debian
#   rootfs-scripts/export-tar.sh build/images/debian build/debian.tar.zst
#   sudo bin/tarbox build/debian.tar.zst /bin/bash
#
# Needs root, the debootstrap package and the Debian archive (MIRROR, default
# http://deb.debian.org/debian). Downloaded packages are kept in
# build/cache/debootstrap, so a second run needs no network. Not used by the
# default tests. Like busybox.sh it builds beside TARGET and swaps it in, and
# replaces only an image it made itself (the .minictr-image marker).
set -euo pipefail

usage() { echo "usage: $0 TARGET [SUITE]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
target=$1
suite=${2:-bookworm}
mirror=${MIRROR:-http://deb.debian.org/debian}
case "$target" in
    ""|/|/bin|/usr|/etc|/lib|/var|/home|/root|/boot|/srv|/opt) echo "$0: refusing to write to '$target'" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "$0: debootstrap needs root: run it with sudo" >&2; exit 1; }
command -v debootstrap >/dev/null || {
    echo "$0: debootstrap not found: apt-get install debootstrap" >&2; exit 3; }
if [ -e "$target" ] && [ ! -e "$target/.minictr-image" ]; then
    echo "$0: '$target' exists and is not an image made by minictr; not replacing it" >&2
    exit 3
fi

here=$(cd "$(dirname "$0")/.." && pwd)
cache=$here/build/cache/debootstrap
parent=$(dirname -- "$target")
mkdir -p -- "$parent" "$cache"
new=$(mktemp -d -- "$parent/.debian.new.XXXXXX")
trap 'rm -rf --one-file-system -- "$new"' EXIT

debootstrap --variant=minbase --cache-dir="$cache" "$suite" "$new" "$mirror"
echo "minictr" > "$new/etc/hostname"
echo "debian $suite image made by minictr/rootfs-scripts/debian.sh" > "$new/.minictr-image"

if [ -e "$target" ]; then
    rm -rf --one-file-system -- "$target"
fi
mv -- "$new" "$target"
trap - EXIT
echo "debian $suite image ready in $target ($(du -sh -- "$target" | cut -f1))"
