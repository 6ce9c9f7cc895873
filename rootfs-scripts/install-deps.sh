#!/usr/bin/env bash
# install-deps.sh [--test|--vm|--bench]: install, with apt-get, what minictr
# needs on Debian 12 or Ubuntu 22.04/24.04. Packages already present are not
# touched, and nothing is fetched when all are there. Needs root.
set -euo pipefail

# To build: a C compiler and make, and the libraries the steps and the runner
# call (libyaml: minictr compose reads compose.yaml with it).
build=(build-essential pkg-config libcap-dev libseccomp-dev libarchive-dev
       libjson-c-dev nettle-dev libyaml-dev busybox-static)
# To test: bats and its helper libraries; tools the tests build tarballs with
# (python3: step 04 crafts malicious tarballs with its tarfile module);
# uidmap: step 08's newuidmap and newgidmap, for /etc/subuid ranges;
# iproute2: step 09's tests bring up lo in namespaces of their own; and
# what the worksheets' commands use, which tests/worksheets.bats runs (jq,
# getfattr from attr, capsh from libcap2-bin, strace, ip, top; sudo: lab 08
# is typed as a user, who needs it once; socat: lab minictr-life talks to a
# monitor's control socket with it); umoci, skopeo: images made by other
# tools (tests/minictr-images.bats, and labs/minictr.md's section 10);
# nftables: the network tests list the rules minictr made (minictr itself
# never runs nft); buildah: a peer's build of the same Dockerfile
# (tests/minictr-build.bats); containerd, podman, conmon: the real drivers
# of minictr as an OCI runtime (tests/minictr-oci-drivers.bats); golang-go
# and the runtime-tools and uuid Go sources: the OCI validation suite, built
# offline (tests/oci-validate.sh, tests/minictr-oci-validate.bats).
test=(bats bats-assert bats-support bats-file clang-format xz-utils zstd curl
      gzip tar file python3 uidmap iproute2 jq attr libcap2-bin strace procps
      sudo socat umoci skopeo nftables buildah containerd podman conmon
      golang-go golang-github-opencontainers-runtime-tools-dev
      golang-github-google-uuid-dev)
# tests/minictr-serve.bats runs dockerode (examples/dockerode, npm ci) with
# node; a node that is there already (nodesource's, which brings its own
# npm) is kept: these two are installed only when the command is missing.
test_cmds=(node:nodejs npm:npm)
# For the cgroup v2 tests in a VM: QEMU and Debian's kernel (unpacked only).
vm=(qemu-system-x86 cpio)
# For the benchmark: the runtimes and monitors we are measured against
# (conmon, Podman's; containerd and its runc shim; podman, a driver of
# bin/minictr-oci in bench/life.sh drivers); GNU time (peak memory)
# and python3 (OCI bundles, the summary); the CNI bridge plugin and iperf3
# for bench/minictr-net.sh; buildah (bench/build.sh); podman-compose
# (bench/compose.sh, beside minictr compose).
bench=(hyperfine crun runc bubblewrap conmon containerd podman util-linux
       time python3 containernetworking-plugins iperf3 buildah podman-compose)

want=("${build[@]}")
for arg in "$@"; do
    case "$arg" in
        --test) want+=("${test[@]}") ;;
        --vm) want+=("${vm[@]}") ;;
        --bench) want+=("${bench[@]}") ;;
        *) echo "usage: $0 [--test] [--vm] [--bench]" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
for arg in "$@"; do
    [ "$arg" = --test ] || continue
    for pair in "${test_cmds[@]}"; do
        command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
    done
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "$0: these packages are missing: ${missing[*]}" >&2
    echo "hint: run as root (sudo), or install them yourself with apt-get" >&2
    exit 1
fi
echo "installing: ${missing[*]}"
echo "  (libcap/libseccomp/libarchive/json-c/libyaml: the libraries the tools call;"
echo "   busybox-static: the built-in image; bats: the tests)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
