#!/usr/bin/env bash
# bench/rootless.sh: minictr's start-up without sudo, beside root's, and
# beside rootless podman when it is installed (Debian's package podman).
#
#   sudo bench/rootless.sh
#
# Each row times /bin/true in a new container on the busybox image
# (hyperfine -N, BENCH_RUNS runs, default 100; podman 20):
#   root                 minictr run --rm (--userns host: no user namespace)
#   root, --userns auto  the same with root's own range, from a copy of
#                        /etc/subuid bound over it in a private mount
#                        namespace (the real file is never changed)
#   user, one id         minictr as a user with no /etc/subuid range: the
#                        monitor writes "0 UID 1" itself
#   user, a range        a user with a range: newuidmap and newgidmap write
#                        it (a fork and an exec of a setuid program each)
#   podman -d, user      podman run -d --rm --network none as the user
#                        with the range: until the container runs (runc:
#                        podman's crun refuses a hybrid host; overlay
#                        storage; XDG_RUNTIME_DIR set). Not `podman run
#                        --rm` in the foreground: podman 4.3 here often
#                        misses the exit of /bin/true and waits out its 20 s
#                        conmon timeout ("Exceeded conmon timeout waiting
#                        for container to exit").
# The users (minictr-bench-PID with a range, minictr-benchnr-PID without)
# are made with useradd and removed at the end, whatever happens.
# BENCH_ROUNDS (default 4) splits the runs into rounds that take turns, so
# that a change of load on a busy machine falls on every row alike. Raw
# data: build/bench/rootless/. Needs root.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/bench/rootless
IMG=$ROOT/build/images/busybox
RUNS=${BENCH_RUNS:-100}
ROUNDS=${BENCH_ROUNDS:-4}
PER=$(((RUNS + ROUNDS - 1) / ROUNDS))
RANGE_USER=minictr-bench-$$
PLAIN_USER=minictr-benchnr-$$
AUTO_START=1500000000

if [ "$(id -u)" -ne 0 ]; then
    echo "bench/rootless.sh: needs root (it makes the users it runs as)" >&2
    exit 1
fi
command -v hyperfine >/dev/null || {
    echo "bench/rootless.sh: needs hyperfine (rootfs-scripts/install-deps.sh --bench)" >&2
    exit 1
}
[ -x bin/minictr ] || make bin/minictr bin/minictr-unpack
[ -x "$IMG/bin/true" ] || make images

cleanup() {
    local u pid
    for u in "$RANGE_USER" "$PLAIN_USER"; do
        id "$u" >/dev/null 2>&1 || continue
        for pid in $(pgrep -u "$(id -u "$u")"); do kill -KILL "$pid" 2>/dev/null || true; done
        sleep 0.2
        userdel "$u" 2>/dev/null || { sleep 1; userdel "$u" || true; }
    done
    [ -z "${T:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

rm -rf "$OUT"
mkdir -p "$OUT"
T=$(mktemp -d "/tmp/minictr-bench-$$.XXXXXX")
chmod 755 "$T"
useradd -M -s /usr/sbin/nologin "$RANGE_USER"
useradd -r -M -s /usr/sbin/nologin "$PLAIN_USER"
mkdir "$T/bin"
cp bin/minictr bin/minictr-unpack "$T/bin/"
chmod 755 "$T/bin"/*
for u in "$RANGE_USER" "$PLAIN_USER"; do
    mkdir -m 700 "$T/home-$u" "$T/xdg-$u"
    cp -a "$IMG" "$T/img-$u"
    chown -R "$u:" "$T/home-$u" "$T/xdg-$u" "$T/img-$u"
done
chown "$RANGE_USER:" "$OUT"
tar -C "$IMG" -cf "$T/busybox.tar" .
chmod 644 "$T/busybox.tar"

# as USER CMD...: CMD as USER, with a login's plain environment.
as() {
    local u=$1
    shift
    setpriv --reuid "$(id -u "$u")" --regid "$(id -g "$u")" --clear-groups \
        env -i PATH=/usr/bin:/bin HOME="$T/home-$u" XDG_RUNTIME_DIR="$T/xdg-$u" "$@"
}

# Root's store, and root's range for --userns auto, in copies.
export MINICTR_ROOT=$T/root-lib MINICTR_STATE=$T/root-state
bin/minictr import "$IMG" busybox >/dev/null
for f in subuid subgid; do
    grep -v '^root:' "/etc/$f" >"$T/$f" || true
    echo "root:$AUTO_START:65536" >>"$T/$f"
done
for u in "$RANGE_USER" "$PLAIN_USER"; do
    as "$u" "$T/bin/minictr" import "$T/img-$u" busybox >/dev/null
done
grep -q "^$RANGE_USER:" /etc/subuid ||
    echo "bench: useradd gave $RANGE_USER no /etc/subuid range: the range row maps one id" >&2

PODMAN=
if command -v podman >/dev/null; then
    as "$RANGE_USER" podman --storage-driver overlay import "$T/busybox.tar" \
        localhost/busybox >/dev/null 2>&1 &&
        as "$RANGE_USER" podman --storage-driver overlay --runtime runc run --rm \
            --network none localhost/busybox /bin/true >/dev/null 2>&1 &&
        PODMAN=$(podman --version)
    [ -n "$PODMAN" ] || echo "bench: podman is installed but does not run here as a user" >&2
fi

TRUE="run --rm busybox /bin/true"
# One round: each row's hyperfine, as its user, into OUT/NAME-ROUND.json.
round() {
    local r=$1 hf=(hyperfine -N --warmup 3 --style none)
    "${hf[@]}" --runs "$PER" --export-json "$OUT/root-$r.json" \
        -n "root" "$ROOT/bin/minictr $TRUE" >/dev/null
    unshare -m --propagation private sh -c \
        'mount --bind "$1" /etc/subuid && mount --bind "$2" /etc/subgid && shift 2 && exec "$@"' \
        sh "$T/subuid" "$T/subgid" "${hf[@]}" --runs "$PER" \
        --export-json "$OUT/auto-$r.json" \
        -n "root, --userns auto" "$ROOT/bin/minictr run --rm --userns auto busybox /bin/true" >/dev/null
    as "$PLAIN_USER" "${hf[@]}" --runs "$PER" --export-json "$T/home-$PLAIN_USER/plain.json" \
        -n "user, one id" "$T/bin/minictr $TRUE" >/dev/null
    cp "$T/home-$PLAIN_USER/plain.json" "$OUT/plain-$r.json"
    as "$RANGE_USER" "${hf[@]}" --runs "$PER" --export-json "$OUT/range-$r.json" \
        -n "user, a range" "$T/bin/minictr $TRUE" >/dev/null
    [ -z "$PODMAN" ] || as "$RANGE_USER" "${hf[@]}" --runs $(((20 + ROUNDS - 1) / ROUNDS)) \
        --export-json "$OUT/podman-$r.json" -n "podman -d, user" \
        "podman --storage-driver overlay --runtime runc run -d --rm --network none localhost/busybox /bin/true" \
        >/dev/null 2>&1
}

{
    echo "minictr rootless bench, $(date -u +%FT%TZ), $(uname -r), $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "$(hyperfine --version); ${PODMAN:-podman: not installed or not runnable}"
    for ((r = 1; r <= ROUNDS; r++)); do round "$r"; done
    python3 - "$OUT" <<'EOF'
import glob, json, statistics, sys
times = {}
for f in sorted(glob.glob(sys.argv[1] + "/*-*.json")):
    for r in json.load(open(f))["results"]:
        times.setdefault(r["command"], []).extend(r["times"])
order = ["root", "root, --userns auto", "user, one id", "user, a range",
         "podman -d, user"]
base = statistics.median(times["root"]) * 1000
print(f"{'runner':<22}{'runs':>6}{'median ms':>11}{'min ms':>9}{'× root':>9}")
for name in order:
    if name not in times:
        continue
    t = [x * 1000 for x in times[name]]
    med = statistics.median(t)
    print(f"{name:<22}{len(t):>6}{med:>11.2f}{min(t):>9.2f}{med / base:>9.2f}")
EOF
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); raw: $OUT/*.json"
} 2>&1 | tee "$OUT/results.txt"
