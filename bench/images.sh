#!/usr/bin/env bash
# bench/images.sh: the image store beside umoci and skopeo.
#
#   bench/images.sh          both parts
#   bench/images.sh load     load of a ~360 MB OCI layout (gzip layer)
#   bench/images.sh startup  a container on a 10-layer image beside a 1-layer
#                            one (and beside main's minictr on 1 layer, when
#                            MINICTR_BEFORE=path/to/old/minictr is set)
#
# The layout is made once, by umoci, in build/bench/big-oci: the busybox
# image plus /usr/include and /usr/lib/gcc of this machine (the tarball
# bench/run.sh imports). The 10-layer image is busybox and 9 layers of one
# small file each (tests/lib/mklayout.py). Results go to stdout and to
# build/bench/images-*.{json,txt}. Needs root, hyperfine, umoci, skopeo.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/bench
IMG=$ROOT/build/images/busybox
RUNS=${BENCH_RUNS:-100}
PY=/usr/bin/python3
export MINICTR_ROOT=$OUT/images-root MINICTR_STATE=$OUT/images-state
MINICTR=$ROOT/bin/minictr
mkdir -p "$OUT"

say() { printf '\n== %s\n' "$*"; }

big_layout() {
    local b=$OUT/big-bundle
    [ -f "$OUT/big-oci/index.json" ] && return 0
    rm -rf "$OUT/big-oci" "$b"
    umoci init --layout "$OUT/big-oci"
    umoci new --image "$OUT/big-oci:big"
    umoci unpack --image "$OUT/big-oci:big" "$b" >/dev/null
    cp -a "$IMG/." "$b/rootfs/"
    mkdir -p "$b/rootfs/usr/lib"
    cp -a /usr/include "$b/rootfs/usr/"
    cp -a /usr/lib/gcc "$b/rootfs/usr/lib/"
    umoci repack --image "$OUT/big-oci:big" "$b"
    rm -rf "$b"
}

load_bench() {
    big_layout
    local size entries blob
    blob=$(ls -S "$OUT/big-oci/blobs/sha256" | head -1)
    size=$(du -sh "$OUT/big-oci" | cut -f1)
    entries=$(find /usr/include /usr/lib/gcc "$IMG" | wc -l)
    say "load: an OCI layout of $size (gzip), about $entries entries (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    # Each tool does its whole job: minictr checks both digests of the
    # layer, unpacks it and keeps the blob; umoci unpack checks the digests
    # and unpacks (and writes its mtree); skopeo copy checks and copies the
    # blobs, unpacking nothing.
    hyperfine --runs 3 --style basic --export-json "$OUT/images-load.json" \
        --prepare "$MINICTR rmi big >/dev/null 2>&1; $MINICTR image prune >/dev/null; sync" \
        -n "minictr load" "$MINICTR load -i $OUT/big-oci" \
        --prepare "rm -rf $OUT/umoci-bundle; sync" \
        -n "umoci unpack" "umoci unpack --image $OUT/big-oci:big $OUT/umoci-bundle" \
        --prepare "rm -rf $OUT/skopeo-copy; sync" \
        -n "skopeo copy (no unpack)" "skopeo copy -q oci:$OUT/big-oci:big oci:$OUT/skopeo-copy:big" \
        --prepare "rm -rf $OUT/untar; mkdir $OUT/untar; sync" \
        -n "tar -xzf (the layer only, no digest)" "tar -xzf $OUT/big-oci/blobs/sha256/$blob -C $OUT/untar" \
        >"$OUT/images-load.txt" 2>&1 ||
        { cat "$OUT/images-load.txt" >&2; exit 1; }
    rm -rf "$OUT/umoci-bundle" "$OUT/skopeo-copy" "$OUT/untar"
    ratios "$OUT/images-load.json"
}

startup_bench() {
    local t=$OUT/layers10 args=() i
    say "start-up: /bin/true on a 10-layer image beside a 1-layer one ($RUNS runs each)"
    "$MINICTR" image inspect one >/dev/null 2>&1 || "$MINICTR" import "$IMG" one >/dev/null
    if ! "$MINICTR" image inspect ten >/dev/null 2>&1; then
        rm -rf "$t" && mkdir -p "$t"
        tar -C "$IMG" -cf "$t/0.tar" .
        for i in 1 2 3 4 5 6 7 8 9; do
            "$PY" tests/lib/mklayout.py tar "$t/$i.tar" "f:etc/layer$i"
        done
        "$PY" tests/lib/mklayout.py layout "$t/oci" ten:latest "$t"/{0..9}.tar
        "$MINICTR" load -i "$t/oci" >/dev/null
    fi
    [ "$("$MINICTR" run --rm ten sh -c 'ls /etc/layer* | wc -l')" = 9 ]
    args=(-n "1 layer" "$MINICTR run --rm one /bin/true"
          -n "10 layers" "$MINICTR run --rm ten /bin/true")
    if [ -n "${MINICTR_BEFORE:-}" ]; then
        # the runner before the store, on its own store
        MINICTR_ROOT=$OUT/before-root "$MINICTR_BEFORE" import "$IMG" one >/dev/null 2>&1 || true
        args+=(-n "1 layer, before the store" "env MINICTR_ROOT=$OUT/before-root $MINICTR_BEFORE run --rm one /bin/true")
    fi
    hyperfine -N --warmup 5 --runs "$RUNS" --style basic \
        --export-json "$OUT/images-startup.json" "${args[@]}" \
        >"$OUT/images-startup.txt" 2>&1 ||
        { cat "$OUT/images-startup.txt" >&2; exit 1; }
    ratios "$OUT/images-startup.json"
}

# median, mean ± sd, and each median's ratio to the first command's
ratios() {
    "$PY" - "$1" <<'PY'
import json, statistics, sys
res = json.load(open(sys.argv[1]))["results"]
base = statistics.median(res[0]["times"])
cpu0 = res[0]["user"] + res[0]["system"]
print("| | median | mean ± σ | ratio | cpu (user+sys) | cpu ratio |")
print("|---|---|---|---|---|---|")
for r in res:
    m = statistics.median(r["times"])
    cpu = r["user"] + r["system"]
    unit, f = ("ms", 1e3) if m < 1 else ("s", 1)
    print("| %s | %.3g %s | %.3g ± %.2g %s | %.2f× | %.3g %s | %.2f× |" % (
        r["command"], m * f, unit, r["mean"] * f, r["stddev"] * f, unit,
        m / base, cpu * f, unit, cpu / cpu0))
PY
}

case "${1:-all}" in
load) load_bench ;;
startup) startup_bench ;;
all) load_bench && startup_bench ;;
*) echo "usage: $0 [load|startup]" >&2; exit 2 ;;
esac
