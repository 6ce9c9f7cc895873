#!/usr/bin/env bash
# docker-cli.sh: Debian's docker.io 20.10, unpacked (never installed: its
# postinst would start dockerd) into build/docker-cli/, for the tests and
# the benchmark of `minictr serve`: build/docker-cli/docker (the CLI, API
# 1.41) and build/docker-cli/dockerd (bench/serve.sh runs it in a namespace
# of its own, beside minictr). Fetched once with `apt-get download`, then
# cached. A docker CLI already on PATH is used by the tests first.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/docker-cli
[ -x "$dir/docker" ] && [ -x "$dir/dockerd" ] && exit 0
mkdir -p "$dir/deb"
# A fresh machine may have no package lists yet: fetch them, then again.
(cd "$dir/deb" && { ls docker.io_*.deb >/dev/null 2>&1 ||
    apt-get download docker.io >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get download docker.io >/dev/null; }; })
rm -rf "$dir/x"
dpkg-deb -x "$dir"/deb/docker.io_*.deb "$dir/x"
install -m 0755 "$dir/x/usr/bin/docker" "$dir/docker"
install -m 0755 "$dir/x/usr/sbin/dockerd" "$dir/dockerd"
rm -rf "$dir/x"
echo "$dir/docker: $("$dir/docker" --version)"
