#!/usr/bin/env bash
# bench/whatif.sh: what the start-up target of issue 9 (`run --rm` within
# 1.5x of `unshare ... chroot`) would take. Each patch in bench/whatif/
# takes one cost out of `minictr run --rm busybox /bin/true`, and none of
# them is fit to ship (bench/README.md, section 5, says why for each):
#
#   no-device-filter   no BPF device program (no BPF_PROG_LOAD, whose
#                      verifier and JIT run at every start)
#   deferred-removal   `rm` renames the container's directory into
#                      ROOT/trash instead of removing it (this script
#                      empties trash/ after the race, untimed: the most a
#                      removal done later, elsewhere, could save)
#   init-layer         an extra lower layer with empty etc/hosts,
#                      etc/hostname and etc/resolv.conf, so that nothing is
#                      copied up for their bind mounts
#   static-libs        json-c and libseccomp from their static archives
#                      too: one library less for the dynamic linker
#
# It builds HEAD (git archive) as it is, with each patch, and with all of
# them, into build/bench/whatif/, and times them taking turns with
# unshare+chroot (measure.py turns: each round runs every one once, in a
# new order; WHATIF_RUNS rounds, default 200, WHATIF_GAP seconds of sleep
# before each start, default 0.03). The store is on the disk as in
# bench/run.sh, the state on a tmpfs. Needs root. Results: stdout and
# build/bench/whatif/results.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/bench/whatif
IMG=$ROOT/build/images/busybox
RUNS=${WHATIF_RUNS:-200}
GAP=${WHATIF_GAP:-0.03}
PY=/usr/bin/python3
PATCHES=(no-device-filter deferred-removal init-layer static-libs)
# shellcheck source=bench/common.sh
. "$ROOT/bench/common.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "bench/whatif.sh: needs root" >&2
    exit 1
fi
[ -x "$IMG/bin/true" ] || make images
mkdir -p "$OUT"
bench_state_dir "$OUT"
export MINICTR_ROOT=$OUT/root

# variant NAME PATCH...: HEAD with the patches, as $OUT/minictr-NAME
variant() {
    local name=$1 src=$OUT/src-$1 p
    shift
    rm -rf "$src"
    mkdir -p "$src"
    git archive HEAD | tar -x -C "$src"
    for p in "$@"; do
        patch -s -d "$src" -p1 <"$ROOT/bench/whatif/$p.patch"
    done
    make -s -C "$src" -j2 bin/minictr >/dev/null
    cp "$src/bin/minictr" "$OUT/minictr-$name"
    cp "$src/bin/minictr-unpack" "$OUT/" # import's unpacker, beside them
    rm -rf "$src"
}

echo "== building HEAD ($(git rev-parse --short HEAD)) and its variants"
variant main
for p in "${PATCHES[@]}"; do variant "$p" "$p"; done
variant all "${PATCHES[@]}"

"$OUT/minictr-main" rmi busybox >/dev/null 2>&1 || true
"$OUT/minictr-main" import "$IMG" busybox >/dev/null
mkdir -p "$OUT/root/init/etc"
: >"$OUT/root/init/etc/hosts"
: >"$OUT/root/init/etc/hostname"
: >"$OUT/root/init/etc/resolv.conf"

pairs=()
for v in main "${PATCHES[@]}" all; do
    pairs+=("$v" "$OUT/minictr-$v run --rm busybox /bin/true")
done
pairs+=(unshare+chroot "unshare -m -u -i -p -n -f chroot $IMG /bin/true")
echo "== $RUNS rounds, load $(bench_load)"
"$PY" bench/measure.py turns "$OUT/whatif.json" "$RUNS" "$GAP" "${pairs[@]}"
rm -rf "$OUT/root/trash"
{
    echo "bench/whatif.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), HEAD $(git rev-parse --short HEAD), load after: $(bench_load)"
    "$PY" bench/measure.py table "$OUT/whatif.json" unshare+chroot
} | tee "$OUT/results.txt"
