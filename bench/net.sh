#!/usr/bin/env bash
# bench/net.sh: step 09's network, measured. Apart from bench/run.sh's race.
#
#   1. set-up: one box's network (a bridge, a veth with its peer made in the
#      box, master, addresses, links up, a default route) from C, over
#      rtnetlink (bin/netbox -v), beside the same with one `ip` command each
#   2. 1-byte TCP echo round trips: a box's own loopback, box2 -> box1 over
#      veth + bridge, and the host -> 127.0.0.1:HOST -> netbox's proxy ->
#      box1 (bench/echo-rtt.c, built static; median of NET_RTTS round trips)
#
# NET_RUNS (default 30) runs of each set-up; NET_RTTS (default 20000) round
# trips per path. Everything runs in network namespaces made here: nothing
# touches the host's interfaces. Needs root; writes build/bench/net/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/bench/net
RUNS=${NET_RUNS:-30}
RTTS=${NET_RTTS:-20000}
NETBOX=$ROOT/bin/netbox
mkdir -p "$OUT"

[ -x "$NETBOX" ] && [ -d build/images/busybox ] || make -s bin/netbox images
cc -O2 -static -o "$OUT/echo-rtt" bench/echo-rtt.c
# A copy of the image with echo-rtt in it (the shared image stays as it is).
IMG=$OUT/image
rm -rf "$IMG"
cp -a build/images/busybox "$IMG"
cp "$OUT/echo-rtt" "$IMG/usr/bin/echo-rtt"

# "median (best)" of a column of numbers
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] " (best " v[1] ")" }'; }

# ---- 1. set-up -------------------------------------------------------------

for _ in $(seq "$RUNS"); do
    "$NETBOX" -v "$IMG" true 2>&1 |
        sed -n 's/.*ready in \([0-9.]*\) ms, \([0-9]*\) requests in \([0-9.]*\) ms/\1 \3/p'
done >"$OUT/setup-c.txt"

# The same requests as ip commands, in a namespace of our own (the host
# side); the box is a process in new namespaces, as netbox's is. Only the
# ip commands are timed.
cat >"$OUT/setup-ip.sh" <<'EOF'
set -e
ip link set lo up
unshare --net --uts --pid --fork --mount sleep 60 &
box=$!
sleep 0.1
pid=$(cat /proc/$box/task/$box/children); pid=${pid% }
t0=$(date +%s%N)
ip link add mctr09-brip type bridge
ip addr add 10.89.0.1/24 dev mctr09-brip
ip link set mctr09-brip up
ip link add mctr09-vip-1 type veth peer name eth0 netns "$pid"
ip link set mctr09-vip-1 master mctr09-brip up
nsenter -t "$pid" -n ip link set lo up
nsenter -t "$pid" -n ip addr add 10.89.0.2/24 dev eth0
nsenter -t "$pid" -n ip link set eth0 up
nsenter -t "$pid" -n ip route add default via 10.89.0.1 dev eth0
t1=$(date +%s%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 }'
kill "$pid" "$box"
EOF
for _ in $(seq "$RUNS"); do
    unshare --net bash "$OUT/setup-ip.sh"
done >"$OUT/setup-ip.txt"

c_ready=$(cut -d' ' -f1 "$OUT/setup-c.txt" | median)
c_nl=$(cut -d' ' -f2 "$OUT/setup-c.txt" | median)
ip_ms=$(median <"$OUT/setup-ip.txt")

# ---- 2. round trips -------------------------------------------------------

rtt() { sed -n 's/^median_us=\([0-9.]*\) p99_us=\([0-9.]*\)/\1 µs (p99 \2)/p'; }

lo_rtt=$("$NETBOX" "$IMG" sh -c "echo-rtt serve 7000 & echo-rtt ping 127.0.0.1 7000 $RTTS" | rtt)
veth_rtt=$("$NETBOX" --box 'echo-rtt serve 7000' "$IMG" echo-rtt ping 10.89.0.2 7000 "$RTTS" | rtt)
proxy_rtt=$(unshare --net bash -c '
    ip link set lo up
    "$1" -p 17000:7000 --box "echo-rtt serve 7000" "$2" sleep 600 2>"$5" &
    nb=$!
    for i in $(seq 50); do    # until box1 listens behind the proxy
        "$3" ping 127.0.0.1 17000 "$4" 2>/dev/null && break
        sleep 0.1
    done
    kill "$nb"; wait "$nb" 2>/dev/null || true' _ "$NETBOX" "$IMG" "$OUT/echo-rtt" "$RTTS" "$OUT/proxy.err" | rtt)

{
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpus, kernel $(uname -r)"
    echo
    echo "| one box's network ($RUNS runs) | median (best) |"
    echo "|---|---|"
    echo "| netbox, the 9 rtnetlink requests | $c_nl ms |"
    echo "| netbox, from the bridge to the box ready (with the box's clone) | $c_ready ms |"
    echo "| the same 9 steps as ip commands | $ip_ms ms |"
    echo
    echo "| 1-byte TCP echo ($RTTS round trips) | median RTT (p99) |"
    echo "|---|---|"
    echo "| a box's own loopback | $lo_rtt |"
    echo "| box2 -> box1, veth + bridge | $veth_rtt |"
    echo "| 127.0.0.1:HOST -> netbox's proxy -> box1 | $proxy_rtt |"
} | tee "$OUT/results.txt"
