#!/usr/bin/env bash
# bench/minictr-net.sh: minictr's networks, measured (bench/net.sh measures
# step 09's netbox; this one, the runner).
#
#   1. start-up: `minictr run --rm IMAGE /bin/true` with --network none,
#      bridge, and bridge with a published port; beside crun (a network
#      namespace with only lo) and crun plus the CNI bridge plugin (ADD into
#      a netns before, DEL after: what podman and containerd do), both run
#      from the same small shell script so that the script costs the same
#      in both; and the CNI plugin's ADD + DEL alone
#   2. 1-byte TCP echo round trips (bench/echo-rtt.c, median of NET_RTTS):
#      loopback, a container's own loopback, host -> container (one veth),
#      container -> container (two veths and the bridge), and a published
#      port on 127.0.0.1: through the DNAT rule (minictr's default) and
#      through the monitor's proxy (MINICTR_USERLAND_PROXY=1)
#   3. TCP throughput with iperf3 (a sanity row: every path should move
#      bulk data at about the same speed)
#
# NET_STARTUP=0 leaves part 1 out. NET_RUNS (default 200) start-ups each, NET_RTTS (default 20000) round
# trips per path, both in NET_ROUNDS (default 10) rounds that take turns,
# so that a change of load (other programs) is spread over every row. Everything runs in a network namespace made here, so
# nothing touches the host's interfaces, and in a private mount namespace
# with the cgroup view crun accepts (see bench/run.sh). Needs root, hyperfine,
# crun, containernetworking-plugins, iperf3 (rootfs-scripts/install-deps.sh
# --bench). Writes build/bench/minictr-net/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/bench/minictr-net
RUNS=${NET_RUNS:-200}
RTTS=${NET_RTTS:-20000}
ROUNDS=${NET_ROUNDS:-10}
CNI=/usr/lib/cni

if [ "${1:-}" != __inside ]; then
    rootfs-scripts/install-deps.sh --bench
    [ -x bin/minictr ] && [ -d build/images/busybox ] || make -s all images
    rm -rf "$OUT" && mkdir -p "$OUT"
    : >"$OUT/hyperfine.txt"
    cc -O2 -static -o "$OUT/echo-rtt" bench/echo-rtt.c
    # An image with echo-rtt in it (the shared image stays as it is).
    cp -a build/images/busybox "$OUT/image"
    cp "$OUT/echo-rtt" "$OUT/image/usr/bin/echo-rtt"
    exec unshare --net --mount "$0" __inside
fi

# ---- inside: our own network and mount namespaces ----------------------

# A mount namespace of our own, or stop: the cgroup mounts below must
# never happen in the caller's.
if [ "$(stat -L -c %i /proc/self/ns/mnt)" = "$(stat -L -c %i /proc/$PPID/ns/mnt)" ]; then
    echo "bench: not in a mount namespace of our own" >&2
    exit 1
fi
ip link set lo up
mount --make-rprivate /
export MINICTR_ROOT=$OUT/root MINICTR_STATE=$OUT/state
MC=$ROOT/bin/minictr
"$MC" import "$OUT/image" netbench >/dev/null
# race OUT.json HYPERFINE-ARGS...: ROUNDS hyperfine runs of RUNS/ROUNDS
# runs each, joined (bench/measure.py merge).
race() {
    local out=$1 r files=()
    shift
    for ((r = 1; r <= ROUNDS; r++)); do
        hyperfine -N --warmup 2 --runs $(((RUNS + ROUNDS - 1) / ROUNDS)) \
            --style basic --export-json "$out.$r" "$@" >>"$OUT/hyperfine.txt" 2>&1 ||
            { cat "$OUT/hyperfine.txt" >&2; exit 1; }
        files+=("$out.$r")
    done
    python3 bench/measure.py merge "$out" "${files[@]}"
}
# A server's port answers (echo-rtt ping of a few round trips).
ready() {
    for _ in $(seq 100); do
        "$OUT/echo-rtt" ping "$1" "$2" 10 >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    echo "bench: nothing answers on $1:$2" >&2
    return 1
}

# ---- 1. start-up -----------------------------------------------------------

if [ "${NET_STARTUP:-1}" = 1 ]; then

mkdir -p "$OUT/bundle-crun" "$OUT/crun-state"
python3 bench/make-bundle.py crun "$OUT/image" "$OUT/bundle-crun" src/privileges.c
cp -a "$OUT/bundle-crun" "$OUT/bundle-cni"
NETNS=$OUT/netns-bench
jq --arg ns "$NETNS" '.linux.namespaces |= map(if .type == "network"
    then . + {path: $ns} else . end)' "$OUT/bundle-crun/config.json" \
    >"$OUT/bundle-cni/config.json"
printf '%s\n' '{"cniVersion": "1.0.0", "name": "bench", "type": "bridge",' \
    ' "bridge": "cni-bench0", "isGateway": true, "ipMasq": false,' \
    ' "ipam": {"type": "host-local", "subnet": "10.88.0.0/16",' \
    "          \"dataDir\": \"$OUT/cni-ipam\"}}" >"$OUT/cni.json"
# Small scripts, so that crun with and without CNI pay for the same shell.
cnienv="export CNI_CONTAINERID=bench CNI_NETNS=$NETNS CNI_IFNAME=eth0 CNI_PATH=$CNI"
echo true >"$OUT/nothing.sh"
echo "crun --root $OUT/crun-state run --bundle $OUT/bundle-crun bench" >"$OUT/crun.sh"
printf '%s\n' "$cnienv" \
    "touch $NETNS && unshare --net=$NETNS true" \
    "CNI_COMMAND=ADD $CNI/bridge <$OUT/cni.json >/dev/null" \
    "crun --root $OUT/crun-state run --bundle $OUT/bundle-cni bench" \
    "CNI_COMMAND=DEL $CNI/bridge <$OUT/cni.json" \
    "umount $NETNS && rm $NETNS" >"$OUT/crun-cni.sh"
echo "$cnienv; CNI_COMMAND=ADD $CNI/bridge <$OUT/cni.json >/dev/null" >"$OUT/cni-add.sh"
echo "$cnienv; CNI_COMMAND=DEL $CNI/bridge <$OUT/cni.json" >"$OUT/cni-del.sh"

# The first network start makes the bridges: not timed.
"$MC" run --rm --network bridge netbench true
"$MC" run --rm --network bridge -p 127.0.0.1:18000:80 netbench true
# Start-up: until the command runs (run -d returns once it exec'd); the
# container of the run before is removed by --prepare, not timed. minictr
# as it runs on this host (hybrid: born in a cgroup2 directory).
rmb="$MC rm -f b"
# (no container the first time: rm -f fails then)
rmp="bash -c '$MC rm -f b >/dev/null 2>&1; true'"
race "$OUT/startup-d.json" \
    --prepare "$rmp" -n "run -d --network none" "$MC run -d --name b --network none netbench sleep 600" \
    --prepare "$rmp" -n "run -d --network bridge" "$MC run -d --name b --network bridge netbench sleep 600" \
    --prepare "$rmp" -n "run -d --network bridge -p" "$MC run -d --name b --network bridge -p 127.0.0.1:18000:80 netbench sleep 600"
$rmb >/dev/null
# The whole life: start, /bin/true, clean-up.
race "$OUT/startup-rm.json" \
    -n "run --rm --network none" "$MC run --rm --network none netbench /bin/true" \
    -n "run --rm --network bridge" "$MC run --rm --network bridge netbench /bin/true" \
    -n "run --rm --network bridge -p" "$MC run --rm --network bridge -p 127.0.0.1:18000:80 netbench /bin/true" \
    -n "run --rm -p, MINICTR_USERLAND_PROXY=1" "env MINICTR_USERLAND_PROXY=1 $MC run --rm --network bridge -p 127.0.0.1:18000:80 netbench /bin/true"
# crun 1.8 refuses a hybrid host: hide the cgroup2 tree, and show our own
# v1 cgroups as the roots (as bench/run.sh does). Our mount namespace only.
if mountpoint -q /sys/fs/cgroup/unified; then
    umount /sys/fs/cgroup/unified
fi
while IFS=: read -r _ ctrl path; do
    if [ -z "$ctrl" ] || [ "$path" = / ]; then continue; fi
    mp=$(awk -v c="${ctrl%%,*}" '$0 ~ / - cgroup / {
             n = split($NF, o, ","); for (i = 1; i <= n; i++)
             if (o[i] == c) print $5 }' /proc/self/mountinfo | head -n1)
    if [ -n "$mp" ] && [ -d "$mp$path" ]; then mount --bind "$mp$path" "$mp"; fi
done </proc/self/cgroup
bash "$OUT/crun-cni.sh"
race "$OUT/startup-crun.json" \
    -n "bash: nothing" "bash $OUT/nothing.sh" \
    -n "bash: crun" "bash $OUT/crun.sh" \
    -n "bash: crun + CNI bridge (ADD, run, DEL)" "bash $OUT/crun-cni.sh"
# The plugin's ADD alone, into a netns made once (DEL before each run).
touch "$NETNS" && unshare --net="$NETNS" true
race "$OUT/startup-cni.json" \
    --prepare "bash $OUT/cni-del.sh" -n "bash: CNI bridge ADD" "bash $OUT/cni-add.sh"
bash "$OUT/cni-del.sh"
umount "$NETNS" && rm "$NETNS"
jq -s '{results: (map(.results) | add)}' "$OUT/startup-d.json" "$OUT/startup-rm.json" \
    "$OUT/startup-crun.json" "$OUT/startup-cni.json" >"$OUT/startup.json"
fi

# ---- 2. round trips ---------------------------------------------------------

"$MC" network create --subnet 10.89.200.0/24 bench >/dev/null
"$MC" run -d --name srv --network bench -p 127.0.0.1:17001:7000 -p 127.0.0.1:15201:5201 \
    netbench echo-rtt serve 7000 >/dev/null
MINICTR_USERLAND_PROXY=1 "$MC" run -d --name srvp --network bench \
    -p 127.0.0.1:17002:7000 -p 127.0.0.1:15202:5201 netbench echo-rtt serve 7000 >/dev/null
"$MC" run -d --name peer --network bench netbench sleep 3600 >/dev/null
srv_ip=$("$MC" inspect -f '{{.network.ip}}' srv)
"$OUT/echo-rtt" serve 7100 &
host_srv=$!
ready 127.0.0.1 7100 && ready "$srv_ip" 7000 && ready 127.0.0.1 17001 && ready 127.0.0.1 17002

# Each path in turn, ROUNDS times: the median of the medians.
declare -A ping=(
    [lo]="$OUT/echo-rtt ping 127.0.0.1 7100"
    [ctr_lo]="$MC exec srv echo-rtt ping 127.0.0.1 7000"
    [host_ctr]="$OUT/echo-rtt ping $srv_ip 7000"
    [ctr_ctr]="$MC exec peer echo-rtt ping $srv_ip 7000"
    [dnat]="$OUT/echo-rtt ping 127.0.0.1 17001"
    [proxy]="$OUT/echo-rtt ping 127.0.0.1 17002"
)
for ((r = 1; r <= ROUNDS; r++)); do
    for k in lo ctr_lo host_ctr ctr_ctr dnat proxy; do
        ${ping[$k]} $((RTTS / ROUNDS)) >>"$OUT/rtt-$k.txt"
    done
done
# "median µs (p99 P)": the median of the rounds' medians, and of their p99s
mid() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
rtt() {
    local f=$OUT/rtt-$1.txt
    printf '%s µs (p99 %s)' \
        "$(sed -n 's/^median_us=\([0-9.]*\) .*/\1/p' "$f" | mid)" \
        "$(sed -n 's/.* p99_us=\([0-9.]*\)/\1/p' "$f" | mid)"
}

# ---- 3. throughput ----------------------------------------------------------

srv_pid=$("$MC" inspect -f '{{.pid}}' srv)
srvp_pid=$("$MC" inspect -f '{{.pid}}' srvp)
peer_pid=$("$MC" inspect -f '{{.pid}}' peer)
# iperf3 servers inside the containers' namespaces (the image has no
# iperf3; the path is what is measured, not the program).
nsenter -t "$srv_pid" -n iperf3 -s -D -1 >/dev/null
nsenter -t "$srvp_pid" -n iperf3 -s -D -1 >/dev/null
iperf3 -s -D -1 -p 5301 >/dev/null
sleep 0.3
gbit() { sed -n 's/.* \([0-9.]*\) Gbits\/sec.*receiver/\1 Gbit\/s/p' | tail -1; }
tp_lo=$(iperf3 -c 127.0.0.1 -p 5301 -t 2 | gbit)
tp_dnat=$(iperf3 -c 127.0.0.1 -p 15201 -t 2 | gbit)
tp_proxy=$(iperf3 -c 127.0.0.1 -p 15202 -t 2 | gbit)
nsenter -t "$srv_pid" -n iperf3 -s -D -1 >/dev/null
sleep 0.3
tp_ctr=$(nsenter -t "$peer_pid" -n iperf3 -c "$srv_ip" -t 2 | gbit)

kill "$host_srv"
"$MC" rm -f srv srvp peer >/dev/null
"$MC" network rm bench >/dev/null

# ---- the report -------------------------------------------------------------

median_ms() {
    jq -r --arg n "$1" '.results[] | select(.command == $n) |
        "\(.median * 1000 * 100 | round / 100) ms (min \(.min * 1000 * 100 | round / 100))"' "$OUT/startup.json"
}
med() {
    jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' "$OUT/startup.json"
}
diff_ms() { awk -v a="$(med "$1")" -v b="$(med "$2")" 'BEGIN { printf "%.2f ms", a - b }'; }
{
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpus, kernel $(uname -r)"
    echo
    if [ -e "$OUT/startup.json" ]; then
    echo "| start-up ($RUNS runs each, $ROUNDS rounds) | median (min) |"
    echo "|---|---|"
    for n in "run -d --network none" "run -d --network bridge" "run -d --network bridge -p" \
        "run --rm --network none" "run --rm --network bridge" "run --rm --network bridge -p" \
        "run --rm -p, MINICTR_USERLAND_PROXY=1" "bash: nothing" "bash: crun" \
        "bash: crun + CNI bridge (ADD, run, DEL)" "bash: CNI bridge ADD"; do
        echo "| $n | $(median_ms "$n") |"
    done
    echo
    echo "| what the network adds (difference of medians) | |"
    echo "|---|---|"
    echo "| minictr start-up (run -d): bridge − none | $(diff_ms "run -d --network bridge" "run -d --network none") |"
    echo "| minictr start-up (run -d): bridge with -p − none | $(diff_ms "run -d --network bridge -p" "run -d --network none") |"
    echo "| the CNI bridge plugin's ADD (less the shell) | $(diff_ms "bash: CNI bridge ADD" "bash: nothing") |"
    echo "| minictr whole life (run --rm): bridge − none | $(diff_ms "run --rm --network bridge" "run --rm --network none") |"
    echo "| minictr whole life (run --rm): bridge with -p − none | $(diff_ms "run --rm --network bridge -p" "run --rm --network none") |"
    echo "| crun whole life: CNI bridge (netns, ADD, DEL) − none | $(diff_ms "bash: crun + CNI bridge (ADD, run, DEL)" "bash: crun") |"
    echo
    fi
    echo "| 1-byte TCP echo ($RTTS round trips, $ROUNDS rounds) | median RTT (p99) |"
    echo "|---|---|"
    echo "| loopback | $(rtt lo) |"
    echo "| a container's own loopback | $(rtt ctr_lo) |"
    echo "| host -> container, one veth | $(rtt host_ctr) |"
    echo "| container -> container, veth + bridge + veth | $(rtt ctr_ctr) |"
    echo "| host 127.0.0.1:HOST -> container, DNAT rule (default) | $(rtt dnat) |"
    echo "| host 127.0.0.1:HOST -> container, the monitor's proxy | $(rtt proxy) |"
    echo
    echo "| TCP throughput, iperf3 -t 2 | |"
    echo "|---|---|"
    echo "| loopback | $tp_lo |"
    echo "| container -> container | $tp_ctr |"
    echo "| 127.0.0.1:HOST, DNAT | $tp_dnat |"
    echo "| 127.0.0.1:HOST, proxy | $tp_proxy |"
} | tee "$OUT/results.txt"
