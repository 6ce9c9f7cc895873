#!/usr/bin/env bats
# minictr networks: network create/ls/inspect/rm, run --network
# none|host|bridge|NAME, --ip, --network-alias, --add-host, -p; the
# address leases, /etc/hosts kept current, DNAT rules and the proxy.
#
# Each fact is read from the kernel: links, addresses and routes (probe net:
# rtnetlink dumps), which bridge a veth is enslaved to (sysfs mounted in
# the namespace), namespace inodes, /proc/net/tcp, the nftables ruleset
# (nft list), mountinfo; ICMP and TCP bytes that cross the bridge.
#
# Every test runs minictr inside a network namespace of its own (made by
# setup, lo up, gone at teardown with everything in it): minictr's bridges,
# veths and rules never touch the host's namespace, and two runs of this
# file never see each other. Only private subnets are used.

load lib/common
load lib/netns
bats_require_minimum_version 1.5.0

setup_file() {
    export MINICTR_ROOT=$BATS_FILE_TMPDIR/lib
    export MINICTR_STATE=$BATS_FILE_TMPDIR/state
    "$BIN/minictr" import "$IMAGE" busybox >/dev/null
}

setup() {
    need_root
    need_cmd nft
    MC=$BIN/minictr
    netns_make
}

teardown() {
    local ids nets
    ids=$(mc ps -aq --no-trunc 2>/dev/null) || true
    [ -z "$ids" ] || mc rm -f $ids >/dev/null 2>&1 || true
    nets=$(mc network ls 2>/dev/null | awk 'NR > 1 && $2 != "bridge" { print $2 }') || true
    for n in $nets; do mc network rm "$n" >/dev/null 2>&1 || true; done
    netns_remove
    run leftover_cgroups
    assert_output ""
}


field() {
    mc inspect -f "{{.$2}}" "$1"
}

# sysfs as the test's namespace sees it: mounted in a mount namespace of
# its own, so nothing leaks out.
sysfs_in_ns() {
    in_ns unshare --mount sh -c "mount -t sysfs sysfs /sys && $*"
}

# Our links, leases, listeners and tables: what must be gone.
veths() { in_ns ip -o link show | sed -n 's/^[0-9]*: \(mctr-[0-9a-f]\{10\}\)[@:].*/\1/p'; }
leases() { find "$MINICTR_STATE/networks" -type f ! -name .lock 2>/dev/null; }
listeners() { in_ns awk '$4 == "0A"' /proc/net/tcp; }
ctr_tables() { in_ns nft list tables | grep -E 'minictr-[0-9a-f]{12}$' || true; }
# A container's veth goes with its network namespace, which the kernel
# tears down in the background, a few ms after the container ends: wait
# up to 5 s until only the veths named (if any) are left.
veths_become() {
    local want=${1:-}
    for _ in $(seq 100); do
        [ "$(veths | sort | tr '\n' ' ')" = "$want" ] && return 0
        sleep 0.05
    done
    fail "veths: '$(veths | tr '\n' ' ')', not '$want'"
}

# No veth, lease, listener or container table of ours is left.
nothing_left() {
    veths_become ""
    run leases
    assert_output ""
    run listeners
    assert_output ""
    run ctr_tables
    assert_output ""
}

# port_free PORT...: something else can listen on each port of 127.0.0.1.
port_free() {
    in_ns python3 -c 'import socket, sys
for p in sys.argv[1:]:
    s = socket.socket(); s.bind(("127.0.0.1", int(p))); s.listen()' "$@" ||
        fail "a port of $* is still taken"
}

# tcp_answer PORT [ADDR]: send a line to ADDR:PORT (default 127.0.0.1)
# from the test's namespace, print the first line back (retrying while
# the server starts).
tcp_answer() {
    in_ns bash -c '
        for i in $(seq 50); do
            if exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1" 2>/dev/null; then
                echo "ping-$$" >&3
                if read -t 2 line <&3; then echo "$line"; exit 0; fi
                exec 3>&-
            fi
            sleep 0.1
        done; exit 9' _ "$@"
}

@test "network: --help, and create, ls, inspect, rm of a network" {
    run mc network --help
    assert_success
    assert_output --partial "usage: minictr network create"
    run mc network create --subnet 10.89.10.0/24 --gateway 10.89.10.254 app
    assert_success
    id=$output
    [[ "$id" =~ ^[0-9a-f]{64}$ ]] || fail "not an id: $id"
    run mc network ls
    assert_line --regexp "^${id:0:12} +app +bridge +local$"
    assert_line --regexp '^[0-9a-f]{12} +bridge +bridge +local$'
    run mc network inspect app
    assert_success
    [ "$(printf '%s' "$output" | jq -r '.[0].IPAM.Config[0].Subnet')" = 10.89.10.0/24 ]
    [ "$(printf '%s' "$output" | jq -r '.[0].IPAM.Config[0].Gateway')" = 10.89.10.254 ]
    [ "$(printf '%s' "$output" | jq -r '.[0].Id')" = "$id" ]
    # The bridge exists at once, as Docker's: the gateway address on it.
    run in_ns "$PROBE" net
    br=$(printf '%s\n' "$output" | sed -n 's/^link=\([0-9]*\) mctr-app up .*/\1/p')
    [ -n "$br" ] || fail "no bridge mctr-app: $output"
    assert_line "addr=$br 10.89.10.254/24"
    run mc --json network ls
    [ "$(printf '%s' "$output" | jq -r 'map(.Name) | sort | join(",")')" = app,bridge ]
    run mc network rm app
    assert_success
    assert_output app
    run in_ns ip link show mctr-app
    assert_failure
    run in_ns nft list tables
    refute_output --partial minictr-net-mctr-app
    [ ! -e "$MINICTR_ROOT/networks/app.json" ]
}

@test "network: the container's eth0 has its address, prefix and default route; lo is up" {
    mc network create --subnet 10.89.11.0/24 app >/dev/null
    run mc run --rm --network app --ip 10.89.11.57 busybox probe net
    assert_success
    assert_line --regexp '^link=1 lo up '
    eth0=$(printf '%s\n' "$output" | sed -n 's/^link=\([0-9]*\) eth0 up .*/\1/p')
    [ -n "$eth0" ] || fail "no eth0 up: $output"
    assert_line "addr=$eth0 10.89.11.57/24"
    assert_line "route=0.0.0.0/0 via 10.89.11.1 dev $eth0"
    assert_line "route=10.89.11.0/24 via - dev $eth0"
    # Two links only: lo and eth0.
    [ "$(printf '%s\n' "$output" | grep -c '^link=')" -eq 2 ]
}

@test "network: the host end is on the bridge, up, and is eth0's peer" {
    mc network create --subnet 10.89.12.0/24 app >/dev/null
    mc run -d --name box --network app busybox sleep 60 >/dev/null
    veth=$(field box network.veth)
    pid=$(field box pid)
    [[ "$veth" =~ ^mctr-[0-9a-f]{10}$ ]] || fail "veth '$veth'"
    [ "$(mc inspect -f '{{.id}}' box | cut -c1-10)" = "${veth#mctr-}" ]
    run sysfs_in_ns "readlink /sys/class/net/$veth/master; cat /sys/class/net/$veth/operstate /sys/class/net/$veth/ifindex; ls /sys/class/net/mctr-app/brif"
    assert_success
    assert_equal "${lines[0]}" ../mctr-app
    assert_equal "${lines[1]}" up
    veth_index=${lines[2]}
    assert_equal "${lines[3]}" "$veth"
    # eth0's peer (iflink) is our veth: one cable, two namespaces.
    run nsenter --net="/proc/$pid/ns/net" "$PROBE" net
    assert_line --regexp "^link=[0-9]+ eth0 up master=0 iflink=$veth_index "
    # The container's namespace is not the one the bridge is in.
    [ "$(stat -L -c %i /proc/$pid/ns/net)" != "$(stat -L -c %i /proc/$TESTNS/ns/net)" ]
}

@test "network: two containers ping and talk TCP; a third on another network reaches neither" {
    mc network create --subnet 10.89.13.0/24 front >/dev/null
    mc network create --subnet 10.89.14.0/24 back >/dev/null
    mc run -d --name srv --network front busybox nc -ll -p 5000 -e sh -c 'read x; echo srv got $x' >/dev/null
    ip=$(field srv network.ip)
    [ "$ip" = 10.89.13.2 ]
    run mc run --rm --network front busybox sh -c "
        ping -c 1 -W 2 $ip | grep -c 'bytes from $ip'
        for i in \$(seq 50); do echo hello | nc -w 2 $ip 5000 2>/dev/null && exit 0; sleep 0.1; done
        exit 9"
    assert_success
    assert_equal "${lines[0]}" 1
    assert_equal "${lines[1]}" "srv got hello"
    # Another bridge. Even where the host routes (ip_forward=1, as on
    # most machines with Docker; set here in the test's own namespace),
    # the networks' guard tables drop what is forwarded between bridges.
    in_ns sysctl -qw net.ipv4.ip_forward=1
    reach() {
        mc run --rm --network back busybox sh -c "
            ping -c 1 -W 1 $ip >/dev/null && echo pinged
            echo hello | nc -w 1 $ip 5000 && echo talked
            ping -c 1 -W 1 srv 2>&1 | head -1"
    }
    run reach
    refute_line pinged
    refute_line talked
    assert_line --partial "bad address 'srv'"
    run in_ns nft list table ip minictr-net-mctr-front
    assert_line --regexp 'iifname "mctr-front" oifname != "mctr-front" drop$'
    assert_line --regexp 'oifname "mctr-front" iifname != "mctr-front" drop$'
    # The test can fail: without the guards, the host routes between them.
    in_ns nft delete table ip minictr-net-mctr-front
    in_ns nft delete table ip minictr-net-mctr-back
    run reach
    assert_line pinged
    assert_line "srv got hello"
}

@test "network: containers reach each other by name and alias; a name goes with rm and follows rename" {
    mc network create --subnet 10.89.15.0/24 app >/dev/null
    mc run -d --name db --network app --network-alias database busybox nc -ll -p 5000 -e echo db-here >/dev/null
    mc run -d --name web --network app busybox sleep 60 >/dev/null
    run mc exec web sh -c 'ping -c 1 -W 2 db | head -1; nc -w 2 database 5000'
    assert_success
    assert_line "PING db ($(field db network.ip)): 56 data bytes"
    assert_line db-here
    # web's /etc/hosts, as its file in the container's directory and as
    # the container sees it (one file: bind-mounted).
    web_id=$(field web id)
    run cat "$MINICTR_ROOT/containers/$web_id/hosts"
    assert_line "$(field db network.ip)	db database"
    run mc exec web cat /etc/hosts
    assert_line "$(field db network.ip)	db database"
    mc rename db store
    run mc exec web cat /etc/hosts
    assert_line "$(field store network.ip)	store database"
    refute_line --regexp '	db( |$)'
    mc rm -f store >/dev/null
    run mc exec web sh -c 'ping -c 1 -W 1 database 2>&1; cat /etc/hosts'
    assert_line --partial "bad address 'database'"
    refute_line --partial database$'\n'
    run grep -c store "$MINICTR_ROOT/containers/$web_id/hosts"
    assert_output 0
}

@test "network: /etc/hosts, /etc/hostname and /etc/resolv.conf as Docker writes them" {
    mc network create --subnet 10.89.16.0/24 app >/dev/null
    # A host resolv.conf with a loopback resolver (systemd-resolved's):
    # unreachable from a container, so it is left out.
    printf 'nameserver 127.0.0.53\nnameserver 10.9.8.7\nsearch example.org\noptions edns0\n' >"$BATS_TEST_TMPDIR/resolv.conf"
    run in_ns unshare --mount sh -c "mount --bind '$BATS_TEST_TMPDIR/resolv.conf' /etc/resolv.conf &&
        '$MC' run --rm --network app --name w1 -h h1 --add-host db.example:10.1.2.3 \
            --add-host gw:host-gateway busybox sh -c 'cat /etc/hosts; echo ==; cat /etc/hostname; echo ==; cat /etc/resolv.conf; echo ==; hostname; probe mounts'"
    assert_success
    assert_line "127.0.0.1	localhost"
    assert_line "::1	localhost ip6-localhost ip6-loopback"
    assert_line "10.1.2.3	db.example"
    assert_line "10.89.16.1	gw"
    assert_line "10.89.16.2	h1 w1"
    assert_line h1
    assert_line "nameserver 10.9.8.7"
    assert_line "search example.org"
    refute_line --partial 127.0.0.53
    for f in hosts hostname resolv.conf; do
        assert_line --regexp "^mount=/etc/$f [a-z0-9]+ rw,"
    done
    # --read-only: the three are read-only too; --network none: only
    # localhost and the container's hostname, no address.
    run mc run --rm --read-only --network none busybox sh -c 'cat /etc/hosts; probe mounts; echo x >> /etc/hosts && echo wrote'
    assert_line "127.0.0.1	localhost"
    refute_line --regexp '^(10|172)\.'
    assert_line --regexp '^mount=/etc/hosts [a-z0-9]+ ro,'
    refute_line wrote
    # --network host: the host's own hosts file and hostname.
    run mc run --rm --network host busybox sh -c 'cat /etc/hosts; hostname'
    assert_line "$(hostname)"
    assert_line "$(grep -m1 -v '^#' /etc/hosts | grep . | head -1)"
}

@test "network: an image whose /etc/resolv.conf and /etc/hosts are symlinks gets files, not a mount through them" {
    rootfs=$BATS_TEST_TMPDIR/rootfs
    cp -a "$IMAGE" "$rootfs"
    rm -f "$rootfs/etc/resolv.conf" "$rootfs/etc/hosts"
    ln -s ../run/systemd/resolve/stub-resolv.conf "$rootfs/etc/resolv.conf"
    ln -s /../../../../etc/shadow "$rootfs/etc/hosts"
    run mc run --rm --network none --rootfs "$rootfs" sh -c 'ls -l /etc/resolv.conf /etc/hosts | cut -c1; head -1 /etc/hosts'
    assert_success
    assert_equal "${lines[0]}" -
    assert_equal "${lines[1]}" -
    assert_equal "${lines[2]}" "127.0.0.1	localhost"
    # The image's own tree is as it was.
    [ -L "$rootfs/etc/resolv.conf" ] && [ -L "$rootfs/etc/hosts" ]
}

@test "network: a published port answers on 127.0.0.1 through a DNAT rule; ps and inspect show it" {
    mc run -d --name web --network bridge -p 127.0.0.1:18080:5000 busybox nc -ll -p 5000 -e cat >/dev/null
    ip=$(field web network.ip)
    run tcp_answer 18080
    assert_success
    assert_output --regexp '^ping-[0-9]+$'
    # The kernel's rules, in the container's own table (owned by the
    # monitor's netlink socket), and the guard of the bridge.
    id=$(field web id)
    run in_ns nft list table ip "minictr-${id:0:12}"
    assert_success
    assert_line --partial "flags owner"
    assert_line --regexp "ip daddr 127.0.0.1 tcp dport 18080 dnat to $ip:5000$"
    assert_line --regexp "ip saddr 127.0.0.0/8 ip daddr $ip masquerade$"
    run in_ns nft list table ip minictr-net-mctr0
    assert_line --regexp 'iifname "mctr0" ip daddr 127.0.0.0/8 drop$'
    # route_localnet on our bridge only.
    [ "$(in_ns cat /proc/sys/net/ipv4/conf/mctr0/route_localnet)" = 1 ]
    [ "$(in_ns cat /proc/sys/net/ipv4/conf/all/route_localnet)" = 0 ]
    run mc ps
    assert_line --regexp '127\.0\.0\.1:18080->5000/tcp +web$'
    [ "$(mc inspect web | jq -r '.[0].ports[0] | "\(.host_ip):\(.host_port)->\(.container_port)/\(.protocol)"')" = 127.0.0.1:18080-\>5000/tcp ]
    # -p CTR: a free host port, picked at start and recorded.
    mc run -d --name any --network bridge -p 5000 busybox nc -ll -p 5000 -e cat >/dev/null
    port=$(mc inspect any | jq -r '.[0].ports[0].host_port')
    [ "$port" -gt 0 ] || fail "no host port: $port"
    run tcp_answer "$port"
    assert_output --regexp '^ping-[0-9]+$'
    # -P: what the image EXPOSEs (import --change), each on a free port.
    mc import --change 'EXPOSE 5000 5353/udp' --change 'CMD ["nc", "-ll", "-p", "5000", "-e", "cat"]' \
        "$IMAGE" exposer >/dev/null
    mc run -d --name all --network bridge -P exposer >/dev/null
    run mc inspect all
    [ "$(printf '%s' "$output" | jq -r '.[0].ports | map("\(.container_port)/\(.protocol)") | sort | join(",")')" = 5000/tcp,5353/udp ]
    port=$(printf '%s' "$output" | jq -r '.[0].ports[] | select(.container_port == 5000) | .host_port')
    run tcp_answer "$port"
    assert_output --regexp '^ping-[0-9]+$'
    mc rm -f all >/dev/null
}

@test "network: MINICTR_USERLAND_PROXY=1: the monitor relays, through a socket it makes inside the container" {
    MINICTR_USERLAND_PROXY=1 mc run -d --name px --network bridge -p 18081:5001 -p 18082:5002/udp \
        busybox sh -c 'probe udp-echo 5002 & nc -ll -p 5001 -e cat' >/dev/null
    ip=$(field px network.ip)
    pid=$(field px pid)
    mon=$(field px monitor_pid)
    # A listener of the monitor's on 0.0.0.0:18081, and no table.
    run listeners
    assert_line --regexp "^ *[0-9]+: 00000000:46A1 00000000:0000 0A "
    run ctr_tables
    assert_output ""
    # Hold a connection open; inside the container it comes from the
    # container's own address: the proxy's socket lives in its namespace.
    in_ns bash -c 'exec 3<>/dev/tcp/127.0.0.1/18081; echo hi >&3; read -t 5 line <&3; echo "$line" >'"$BATS_TEST_TMPDIR/got"'; sleep 5' &
    client=$!
    wait_until 5 grep -qs hi "$BATS_TEST_TMPDIR/got" || fail "no answer through the proxy"
    hexip=$(printf '%02X' $(echo "$ip" | tr . ' ' | awk '{ print $4, $3, $2, $1 }'))
    run awk -v a="$hexip" '$4 == "01" && index($2, a ":") == 1 && $3 == a ":1389"' /proc/$pid/net/tcp
    [ -n "$output" ] || fail "no connection from $ip inside: $(cat /proc/$pid/net/tcp)"
    # ... and the monitor holds that socket: it is one of its fds.
    inode=$(printf '%s\n' "$output" | awk '{ print $10; exit }')
    ls -l /proc/$mon/fd | grep -q "socket:\[$inode\]" || fail "the monitor does not hold socket $inode"
    kill "$client"; wait "$client" 2>/dev/null || true
    # UDP: a datagram out, the answer back.
    run in_ns python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
for i in range(10):
    s.sendto(b"q", ("127.0.0.1", 18082))
    try:
        print(s.recv(100).decode()); break
    except socket.timeout:
        pass'
    assert_success
    assert_output udp:q
}

@test "network: --network none has only lo; --network host is the host's namespace" {
    run mc run --rm --network none busybox probe net
    assert_success
    assert_line --regexp '^link=1 lo up '
    [ "$(printf '%s\n' "$output" | grep -c '^link=')" -eq 1 ]
    refute_line --regexp '^addr=.* (10|172)\.'
    run mc run --rm --network host busybox probe
    assert_success
    [ "$(probe_get ns.net "$output")" = "$(stat -L -c %i /proc/$TESTNS/ns/net)" ]
    [ "$(probe_get ns.uts "$output")" != "$(stat -L -c %i /proc/self/ns/uts)" ]
    # Published ports have no meaning there: Docker's warning.
    run --separate-stderr mc run --rm --network host -p 8080:80 busybox true
    assert_success
    [[ "$stderr" == *"Published ports are discarded when using host network mode"* ]]
}

@test "network: with no --network (and no MINICTR_NETWORK) a container is on the default bridge" {
    run in_ns env -u MINICTR_NETWORK "$MC" run --rm busybox probe net
    assert_success
    eth0=$(printf '%s\n' "$output" | sed -n 's/^link=\([0-9]*\) eth0 up .*/\1/p')
    assert_line "addr=$eth0 172.17.0.2/16"
    assert_line "route=0.0.0.0/0 via 172.17.0.1 dev $eth0"
    run in_ns ip -o addr show mctr0
    assert_output --partial "inet 172.17.0.1/16"
    # A route of the host's on 172.17/16 would have moved it: Docker's pool,
    # first free subnet (tested in the bad-input test for networks).
}

@test "network: 20 containers started at once get 20 addresses, and give them back" {
    mc network create --subnet 10.89.17.0/24 app >/dev/null
    pids=()
    for i in $(seq 20); do
        mc run -d --name c$i --network app busybox sleep 60 >/dev/null &
        pids+=($!)
    done
    wait "${pids[@]}"
    run mc ps -q
    [ "${#lines[@]}" -eq 20 ] || fail "$(mc ps -a)"
    run bash -c 'for i in $(seq 20); do "$0" inspect -f "{{.network.ip}}" c$i; done | sort -u' "$MC"
    [ "${#lines[@]}" -eq 20 ] || fail "not 20 addresses: $output"
    run leases
    [ "${#lines[@]}" -eq 20 ]
    # Each one is on the bridge, with its own address on eth0.
    run sysfs_in_ns 'ls /sys/class/net/mctr-app/brif'
    [ "${#lines[@]}" -eq 20 ]
    mc rm -f $(seq -f c%g 20) >/dev/null
    run leases
    assert_output ""
    veths_become ""
}

@test "network: 100 run/rm cycles with -p leave no veth, lease, listener or table" {
    for i in $(seq 100); do
        mc run --rm --network bridge -p 127.0.0.1:18090:80 busybox true || fail "run $i"
    done
    nothing_left
    port_free 18090
    # run -d and rm -f, a few times, with the proxy too.
    for i in 1 2 3 4 5; do
        MINICTR_USERLAND_PROXY=$((i % 2)) mc run -d --name cyc --network bridge -p 18091:80 busybox sleep 60 >/dev/null
        mc rm -f cyc >/dev/null
    done
    nothing_left
    port_free 18091
}

@test "network: kill -9 of the monitor leaves nothing that rm and system prune cannot clean" {
    mc network create --subnet 10.89.18.0/24 app >/dev/null
    mc run -d --name peer --network app busybox sleep 60 >/dev/null
    peer_id=$(field peer id)
    for name in k1 k2; do
        mc run -d --name $name --network app -p 127.0.0.1:1809${name#k}:80 busybox sleep 60 >/dev/null
    done
    grep -q k1 "$MINICTR_ROOT/containers/$peer_id/hosts"
    # (Both pids first: minictr inspect runs the collector too.)
    monitors="$(field k1 monitor_pid) $(field k2 monitor_pid)"
    kill -KILL $monitors
    # The kernel took what it could: the containers died with their
    # monitors (their namespaces, so their veths, went with them), and
    # the owner socket's tables went with the socket.
    veths_become "mctr-${peer_id:0:10} "
    run ctr_tables
    assert_output ""
    # What remains is named: two leases whose monitors are gone.
    run leases
    [ "${#lines[@]}" -eq 3 ]
    mc rm k1 >/dev/null
    mc system prune -f >/dev/null
    run leases
    [ "${#lines[@]}" -eq 1 ]
    run mc ps -aq
    [ "${#lines[@]}" -eq 1 ]
    run grep -cE 'k1|k2' "$MINICTR_ROOT/containers/$peer_id/hosts"
    assert_output 0
    veths_become "mctr-${peer_id:0:10} "
    # Their ports are free again.
    port_free 18091 18092
}

@test "network: route_localnet does not open the host's 127.0.0.1 to the bridge: the guard drops it" {
    mc run --rm --network bridge busybox true # makes mctr0 and its guard
    in_ns python3 -c 'import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 17777)); s.listen(); time.sleep(30)' &
    srv=$!
    # An "attacker" plugged into mctr0 who routes 127.0.0.1 to the gateway
    # (a container with CAP_NET_ADMIN could do the same).
    nsenter --net="/proc/$TESTNS/ns/net" unshare --net sleep 30 &
    att=$!
    wait_until 5 bash -c '[ "$(stat -L -c %i /proc/$1/ns/net)" != "$(stat -L -c %i /proc/$2/ns/net)" ]' _ "$att" "$TESTNS"
    in_ns ip link add mctr-atk type veth peer name eth0 netns "$att"
    in_ns ip link set mctr-atk master mctr0 up
    nsenter --net="/proc/$att/ns/net" sh -c '
        ip link set eth0 up && ip addr add 172.17.9.9/16 dev eth0 &&
        sysctl -qw net.ipv4.conf.eth0.route_localnet=1 &&
        ip route del local 127.0.0.1 table local 2>/dev/null;
        ip route add 127.0.0.1/32 via 172.17.0.1 dev eth0'
    attack() {
        nsenter --net="/proc/$att/ns/net" timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/17777 && echo CONNECTED'
    }
    run attack
    refute_output CONNECTED
    # The test can fail: without the guard the same connect gets in.
    in_ns nft delete table ip minictr-net-mctr0
    run attack
    assert_output CONNECTED
    kill "$srv" "$att" 2>/dev/null || true
}

@test "network: bad input is refused with its code and exit 125, with nothing made" {
    mc network create --subnet 10.89.19.0/24 app >/dev/null
    # A subnet that overlaps another network, or a route of the host's.
    run mc --json network create --subnet 10.89.19.128/25 app2
    assert_failure 125
    [ "$(printf '%s' "$output" | jq -r .error.code)" = subnet_overlap ]
    [[ "$(printf '%s' "$output" | jq -r .error.message)" == *"network 'app' (10.89.19.0/24)"* ]]
    in_ns ip route add 10.200.0.0/16 dev lo
    run mc network create --subnet 10.200.5.0/24 app3
    assert_failure 125
    assert_output --partial "overlaps the host's route 10.200.0.0/16 dev lo"
    run mc network create --subnet 10.89.20.5/24 app4
    assert_failure 125
    assert_output --partial "did you mean 10.89.20.0/24?"
    run in_ns ip -o link show
    refute_output --regexp 'mctr-app[234]'
    [ ! -e "$MINICTR_ROOT/networks/app2.json" ] && [ ! -e "$MINICTR_ROOT/networks/app3.json" ]
    # Bad -p, an unknown network: no container is even made.
    for p in 99999:80 abc 8080:0 1.2.3:80:80 8000-8010:80 80/sctp; do
        run mc --json run --rm -p "$p" busybox true
        assert_failure 125
        [ "$(printf '%s' "$output" | jq -r .error.code)" = usage ] || fail "-p $p: $output"
    done
    run mc --json run --rm --network nope busybox true
    assert_failure 125
    [ "$(printf '%s' "$output" | jq -r .error.code)" = no_such_network ]
    run mc run --rm --ip 10.89.19.9 --network bridge busybox true
    assert_failure 125
    assert_output --partial "--ip is supported only on a network made with"
    run mc run --rm --ip 10.89.99.9 --network app busybox true
    assert_failure 125
    run mc ps -aq
    assert_output ""
    # A host port in use: the start fails, and nothing of the network is
    # left (as Docker, the container stays created).
    mc run -d --name holder --network app -p 127.0.0.1:18095:80 busybox sleep 60 >/dev/null
    run mc --json run --name second --network app -p 127.0.0.1:18095:80 busybox true
    assert_failure 125
    [ "$(printf '%s' "$output" | jq -r .error.code)" = port_in_use ]
    [ "$(field second status)" = created ]
    run leases
    [ "${#lines[@]}" -eq 1 ]
    veths_become "mctr-$(field holder id | cut -c1-10) "
    run ctr_tables
    [ "${#lines[@]}" -eq 1 ]
    # An address taken: --ip of another container.
    run mc --json run --rm --network app --ip "$(field holder network.ip)" busybox true
    assert_failure 125
    [ "$(printf '%s' "$output" | jq -r .error.code)" = address_in_use ]
    # network rm of a network in use, and of the default one.
    run mc --json network rm app
    assert_failure 125
    [ "$(printf '%s' "$output" | jq -r .error.code)" = network_in_use ]
    in_ns ip link show mctr-app >/dev/null
    run mc network rm bridge
    assert_failure 125
    mc rm -f holder second >/dev/null
    run mc network rm app
    assert_success
}
