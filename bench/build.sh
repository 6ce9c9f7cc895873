#!/usr/bin/env bash
# bench/build.sh: `minictr build` beside `buildah bud`, cold and warm.
#
#   bench/build.sh            overlay storage for buildah (and vfs too)
#   BUILDAH_DRIVERS=vfs bench/build.sh
#
# One Dockerfile on the busybox base, no network: 4 RUN and 3 COPY steps
# (about 110 source files, 200 files made by a RUN, a deletion), plus
# WORKDIR, ENV, CMD. Each tool builds it
#
#   cold   with --no-cache: every step runs (the base is in the store)
#   warm   again, nothing changed: every step comes from the cache
#
# buildah runs with --layers (without it, it caches nothing) and
# --isolation chroot (its default, runc, cannot start on this host's
# hybrid cgroups; chroot needs no cgroup at all, so it does less than
# minictr's RUN, which is a whole container: namespaces, a cgroup,
# seccomp, capabilities). Both stores live in build/bench. Results go to
# stdout and build/bench/build-*.{json,txt}. Needs root, hyperfine, buildah.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/bench
IMG=$ROOT/build/images/busybox
CTX=$OUT/build-context
PY=/usr/bin/python3
COLD=${BENCH_COLD_RUNS:-5}
WARM=${BENCH_WARM_RUNS:-20}
export MINICTR_ROOT=$OUT/build-root MINICTR_STATE=$OUT/build-state
MINICTR=$ROOT/bin/minictr
mkdir -p "$OUT"

say() { printf '\n== %s\n' "$*"; }

context() {
    rm -rf "$CTX"
    mkdir -p "$CTX/src" "$CTX/conf"
    mkdir -p "$CTX/src/lib" "$CTX/src/steps"
    cp "$ROOT"/src/*.c "$ROOT"/src/*.h "$CTX/src/"
    cp "$ROOT"/src/lib/*.c "$CTX/src/lib/"
    cp "$ROOT"/steps/*/*.c "$CTX/src/steps/"
    for i in $(seq 1 40); do echo "key$i=value$i" >"$CTX/conf/app$i.conf"; done
    printf 'left-pad 1.3.0\nleft-right 0.1\n' >"$CTX/deps.txt"
    printf '*.o\n' >"$CTX/.dockerignore"
    cat >"$CTX/Dockerfile" <<'EOF'
FROM busybox
COPY deps.txt /app/
RUN mkdir -p /app/deps && for i in $(seq 1 200); do echo "dep $i" > /app/deps/$i; done
COPY src/ /app/src/
RUN cd /app/src && cat *.c > /app/bundle && wc -c /app/bundle
RUN rm /bin/vi && echo done > /app/done
COPY conf/ /etc/app/
WORKDIR /app
ENV MODE=bench
RUN ls -R /app > /app/listing
CMD ["cat", "/app/listing"]
EOF
}

# median of each command, and minictr's ratio to buildah's
ratios() {
    "$PY" - "$@" <<'PY'
import json, statistics, sys
print("| | median | mean ± σ | runs |")
print("|---|---|---|---|")
med = {}
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        m = statistics.median(r["times"])
        med[r["command"]] = m
        print("| %s | %.3g s | %.3g ± %.2g s | %d |" % (
            r["command"], m, r["mean"], r["stddev"], len(r["times"])))
print()
for kind in ("cold", "warm"):
    ours = [v for k, v in med.items() if k.startswith("minictr build, " + kind)]
    for k, v in med.items():
        if k.startswith("buildah bud") and k.endswith(kind) and ours:
            print("%s: minictr / %s = %.3f (1/%.0f)" % (kind, k, ours[0] / v, v / ours[0]))
PY
}

bench() {
    local driver s B
    context
    "$MINICTR" image inspect busybox >/dev/null 2>&1 || "$MINICTR" import "$IMG" busybox >/dev/null
    "$MINICTR" build -t bench:app "$CTX" >/dev/null
    [ "$("$MINICTR" run --rm bench:app cat /app/done)" = done ]
    for driver in ${BUILDAH_DRIVERS:-overlay vfs}; do
        s=$OUT/buildah-$driver
        B="buildah --root $s/root --runroot $s/run --storage-driver $driver"
        if ! $B inspect localhost/busybox >/dev/null 2>&1; then
            c=$($B from scratch)
            $B copy "$c" "$IMG" / >/dev/null
            $B commit -q "$c" localhost/busybox >/dev/null
            $B rm "$c" >/dev/null
        fi
        $B bud --layers --isolation chroot -q -t bench-app "$CTX" >/dev/null
        say "buildah ($driver storage) beside minictr: cold (--no-cache, $COLD runs), warm ($WARM runs); load $(cut -d' ' -f1-3 /proc/loadavg)"
        hyperfine --runs "$COLD" --style basic --export-json "$OUT/build-cold-$driver.json" \
            -n "minictr build, cold" "$MINICTR build --no-cache -t bench:app $CTX" \
            -n "buildah bud ($driver), cold" "$B bud --layers --no-cache --isolation chroot -q -t bench-app $CTX" \
            >"$OUT/build-cold-$driver.txt" 2>&1 || { cat "$OUT/build-cold-$driver.txt" >&2; exit 1; }
        hyperfine --warmup 1 --runs "$WARM" --style basic --export-json "$OUT/build-warm-$driver.json" \
            -n "minictr build, warm" "$MINICTR build -t bench:app $CTX" \
            -n "buildah bud ($driver), warm" "$B bud --layers --isolation chroot -q -t bench-app $CTX" \
            >"$OUT/build-warm-$driver.txt" 2>&1 || { cat "$OUT/build-warm-$driver.txt" >&2; exit 1; }
        ratios "$OUT/build-cold-$driver.json" "$OUT/build-warm-$driver.json"
        # the cold runs leave untagged images behind: the next run starts clean
        $B rmi --all --force >/dev/null 2>&1 || true
    done
    # what a warm minictr build does: no container, no copy
    "$MINICTR" build -t bench:app "$CTX" | grep -c 'Using cache' |
        xargs printf 'minictr warm: %s of 10 steps from the cache\n'
    "$MINICTR" image prune -a >/dev/null
}

bench
