#!/usr/bin/env bash
# bench/serve.sh: what the API costs. Run as root, from the project
# (make all images first); about a minute; writes build/bench/serve.txt.
#
#   1. `docker run --rm busybox true` through `minictr serve`, beside
#      `minictr run --rm busybox true` and beside bench/api-client.c doing
#      the same four requests (create, attach, wait, start) from C: the
#      docker CLI is a 40 MB Go program whose own start-up would hide the
#      server's share. API overhead = api-client - minictr run.
#   2. GET /containers/json with 100 running containers: requests/s on
#      1 and 4 keep-alive connections.
#   3. dockerd + containerd + runc, if a dockerd is found (build/docker-cli/
#      holds Debian's docker.io, unpacked by rootfs-scripts/docker-cli.sh),
#      in a network and mount namespace of its own (--iptables=false
#      --bridge=none: nothing touches the host's network), for at most
#      100 s, and stopped at the end.
# BENCH_RUNS=N changes the number of runs (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "$0: run it as root" >&2; exit 77; }
runs=${BENCH_RUNS:-60}
out=build/bench
mkdir -p "$out"
cc -O2 -pthread -Wall -o "$out/api-client" bench/api-client.c
work=$(mktemp -d /tmp/mcbench.XXXXXX)
export MINICTR_ROOT=$work/lib MINICTR_STATE=$work/state
# No network on either side (the API's default would be Docker's, a
# bridge): the start-up is what is compared, and the host's network is
# left alone.
export MINICTR_NETWORK=none
sock=$work/d.sock
server=
cleanup() {
    local ids
    ids=$(bin/minictr ps -aq --no-trunc 2>/dev/null) || true
    [ -z "$ids" ] || bin/minictr rm -f $ids >/dev/null 2>&1 || true
    [ -z "$server" ] || kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
bin/minictr import build/images/busybox busybox >/dev/null
bin/minictr serve --socket "$sock" 2>"$work/serve.log" &
server=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
docker=$(command -v docker || echo build/docker-cli/docker)

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

echo "== docker run --rm busybox true, $runs rounds (load: $(cut -d' ' -f1-3 /proc/loadavg))"
# Interleaved: each round runs each command once, so that a load that
# comes and goes (a shared machine) falls on all of them alike.
python3 - "$runs" "$out/serve.json" bin/minictr "$out/api-client" "$sock" "$docker" <<'EOF2' | tee "$out/serve.txt"
import json, os, statistics, subprocess, sys, time
runs, out, mc, client, sock, docker = int(sys.argv[1]), sys.argv[2], *sys.argv[3:]
env = dict(os.environ, DOCKER_HOST="unix://" + sock)
cmds = [("minictr run --rm (direct)", [mc, "run", "--rm", "busybox", "true"]),
        ("api-client: create, attach, wait, start", [client, "run", sock, "1"]),
        ("docker run --rm through minictr serve", [docker, "run", "--rm", "busybox", "true"]),
        ("docker version (the CLI's own start-up, one request)", [docker, "version", "--format", "x"])]
times = {name: [] for name, _ in cmds}
for i in range(runs + 5):
    for name, argv in cmds:
        t = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
        if i >= 5:  # the first five warm up
            times[name].append(time.perf_counter() - t)
med = {name: statistics.median(v) * 1e3 for name, v in times.items()}
for name, _ in cmds:
    print(f"{name:55s} median {med[name]:7.2f} ms")
names = [n for n, _ in cmds]
print(f"{'API overhead (api-client - minictr run)':55s} median {med[names[1]] - med[names[0]]:7.2f} ms")
json.dump(times, open(out, "w"))
EOF2

echo "== GET /containers/json with 100 containers"
for i in $(seq 100); do bin/minictr run -d busybox sleep 3600 >/dev/null; done
for c in 1 4; do
    n=$("$out/api-client" load "$sock" 5 "$c" /containers/json)
    printf '%-55s %7s requests/s\n' "GET /containers/json, 100 running, $c connection(s)" "$n" | tee -a "$out/serve.txt"
done
ids=$(bin/minictr ps -aq --no-trunc)
bin/minictr rm -f $ids >/dev/null

dockerd=$(command -v dockerd || true)
[ -n "$dockerd" ] || [ ! -x build/docker-cli/dockerd ] || dockerd=$PWD/build/docker-cli/dockerd
if [ -z "$dockerd" ] || ! command -v containerd >/dev/null || ! command -v runc >/dev/null; then
    echo "== dockerd: not measured (no dockerd, containerd or runc here)" | tee -a "$out/serve.txt"
    exit 0
fi
echo "== dockerd + containerd + runc ($dockerd), in a namespace of its own"
cat >"$work/dockerd.sh" <<EOF
set -e
ip link set lo up
mkdir -p /run/docker /run/containerd
mount -t tmpfs tmpfs /run/docker; mount -t tmpfs tmpfs /run/containerd
timeout 100 $dockerd --iptables=false --ip6tables=false --bridge=none \
    --data-root $work/docker --exec-root $work/docker-exec \
    -H unix://$work/dockerd.sock --pidfile $work/dockerd.pid >$work/dockerd.log 2>&1 &
for i in \$(seq 100); do $docker -H unix://$work/dockerd.sock version >/dev/null 2>&1 && break; sleep 0.2; done
tar -C build/images/busybox -c . | $docker -H unix://$work/dockerd.sock import - busybox >/dev/null
hyperfine -N --warmup 3 --runs 20 --export-json $out/dockerd.json \
    "$docker -H unix://$work/dockerd.sock run --rm --network none busybox true" >/dev/null
kill \$(cat $work/dockerd.pid); sleep 2
EOF
if timeout 150 unshare -n -m --propagation private bash "$work/dockerd.sh"; then
    python3 -c "import json,statistics,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"{'docker run --rm through dockerd + containerd + runc':55s} median {statistics.median(r['times'])*1e3:7.2f} ms\")" \
        "$out/dockerd.json" | tee -a "$out/serve.txt"
else
    echo "dockerd did not run here: $(tail -n 3 "$work/dockerd.log" 2>/dev/null)" | tee -a "$out/serve.txt"
fi
