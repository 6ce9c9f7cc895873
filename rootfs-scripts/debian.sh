#!/usr/bin/env bash
# debian.sh TARGET [SUITE]: make a minimal Debian root filesystem with
# debootstrap (--variant=minbase, default suite bookworm), for a bigger
# demo than busybox:
#
#   sudo rootfs-scripts/debian.sh build/images/debian
#   rootfs-scripts/export-tar.sh build/images/debian build/debian.tar.zst
#   sudo bin/tarbox build/debian.tar.zst /bin/bash
#
# Needs root, the debootstrap package and a Debian mirror: MIRROR=URI, else
# the one this machine's apt uses (a local mirror or apt's proxy too), else
# http://deb.debian.org/debian; it says which. Downloaded packages are kept in
# build/cache/debootstrap, so a second run needs no network. Not used by the
# default tests. Like busybox.sh it builds beside TARGET and swaps it in, and
# replaces only an image it made itself (the .minictr-image marker).
set -euo pipefail

usage() { echo "usage: $0 TARGET [SUITE]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
target=$1
suite=${2:-bookworm}
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

# apt_mirror SUITE: the URI of the "deb" source this machine's apt uses for
# SUITE's main component. apt-get itself reads the sources, as apt does:
# sources.list, sources.list.d/*.list and the deb822 *.sources files, with
# their Enabled: and [options]; mirror+ and cdrom: sources are skipped.
apt_mirror() {
    command -v apt-get >/dev/null || return 0
    apt-get indextargets --no-release-info \
        --format '$(TARGET_OF) $(RELEASE) $(COMPONENT) $(REPO_URI)' 2>/dev/null |
        awk -v s="$1" '$1 == "deb" && $2 == s && $3 == "main" && $4 ~ /^(https?|ftp|file):/ {
            sub(/\/$/, "", $4); print $4; exit }'
}

# This machine's Debian release, when it is Debian (a Debian mirror serves
# every suite, so its own archive serves SUITE too).
debian_codename() {
    (. /etc/os-release 2>/dev/null && [ "${ID:-}" = debian ] && echo "${VERSION_CODENAME:-}")
}

if [ -n "${MIRROR:-}" ]; then
    mirror=$MIRROR from="MIRROR"
elif mirror=$(apt_mirror "$suite") && [ -n "$mirror" ]; then
    from="this machine's apt sources for $suite"
elif codename=$(debian_codename) && [ -n "$codename" ] &&
    mirror=$(apt_mirror "$codename") && [ -n "$mirror" ]; then
    from="this machine's apt sources for $codename (the archive serves $suite too)"
else
    mirror=http://deb.debian.org/debian
    from="the default: no apt source of this machine serves Debian $suite (MIRROR=URI picks another)"
fi
echo "$0: mirror $mirror, from $from"
# apt's proxy, when apt has one and the environment none: debootstrap
# downloads with wget, which reads http_proxy.
if [ -z "${http_proxy:-}" ] && command -v apt-config >/dev/null; then
    eval "$(apt-config shell http_proxy Acquire::http::Proxy)"
    case "${http_proxy:-}" in
        "" | DIRECT | false) unset http_proxy ;;
        *) export http_proxy; echo "$0: http proxy $http_proxy, from apt (Acquire::http::Proxy)" ;;
    esac
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
