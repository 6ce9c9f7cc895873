#!/usr/bin/env bash
# export-tar.sh ROOTFS OUT: make a tarball of a root filesystem directory in
# the format `docker export` writes, for step 04's tarbox and minictr import.
#
#   rootfs-scripts/export-tar.sh build/images/busybox build/busybox.tar
#   rootfs-scripts/export-tar.sh build/images/busybox build/busybox.tar.zst
#
# What `docker export` writes: a plain tar of the root's contents, names
# relative to the root with no leading './' or '/' ('bin/', 'bin/sh'),
# every directory listed before what is in it, numeric owners (uid/gid 0,
# no need for the host's /etc/passwd), modes and setuid bits as they are.
# We also keep xattrs (file capabilities) in pax headers. OUT's suffix picks
# the compression: .tar, .tar.gz/.tgz, .tar.xz, .tar.zst, .tar.bz2.
#
# The only file written is OUT (built as a temporary file beside it, then
# renamed), so re-running replaces it whole and an interrupted run leaves
# no half tarball. Run it as root to read files only root can read.
set -euo pipefail

usage() { echo "usage: $0 ROOTFS OUT.tar[.gz|.xz|.zst|.bz2]" >&2; exit 2; }
[ $# -eq 2 ] || usage
rootfs=$1
out=$2

[ -d "$rootfs" ] || { echo "$0: '$rootfs' is not a directory" >&2; exit 3; }
case "$out" in
    *.tar) compress=() ;;
    *.tar.gz|*.tgz) compress=(--gzip) ;;
    *.tar.xz) compress=(--xz) ;;
    *.tar.zst) compress=(--zstd) ;;
    *.tar.bz2) compress=(--bzip2) ;;
    *) echo "$0: '$out': the name must end in .tar, .tar.gz, .tgz, .tar.xz, .tar.zst or .tar.bz2" >&2; exit 2 ;;
esac
if [ -e "$out" ] && [ ! -f "$out" ]; then
    echo "$0: '$out' exists and is not a regular file; not replacing it" >&2
    exit 3
fi
outdir=$(cd "$(dirname -- "$out")" && pwd -P)
src=$(cd "$rootfs" && pwd -P)
# A tarball inside the tree it archives would end up in itself.
case "$outdir/" in
    "$src"/*) echo "$0: '$out' is inside '$rootfs'; write it elsewhere" >&2; exit 2 ;;
esac
if [ "$src" = / ]; then
    echo "$0: refusing to archive the host's own root '/'" >&2
    exit 2
fi

tmp=$(mktemp -- "$outdir/.export-tar.XXXXXX")
trap 'rm -f -- "$tmp"' EXIT

# The top-level names, without './', in a fixed order: tar recurses into
# each, listing every directory before its contents. --one-file-system: a
# /proc or /sys mounted in the tree is not part of the image.
(cd "$src" && find . -mindepth 1 -maxdepth 1 -printf '%P\0' | LC_ALL=C sort -z) |
    tar -C "$src" --create ${compress[@]+"${compress[@]}"} --file="$tmp" \
        --format=pax --numeric-owner --xattrs --xattrs-include='*' \
        --sort=name --one-file-system --null --files-from=-
chmod 0644 -- "$tmp"
mv -f -- "$tmp" "$out"
trap - EXIT
echo "exported $rootfs to $out ($(du -h -- "$out" | cut -f1))"
