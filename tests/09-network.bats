#!/usr/bin/env bats
# 09-network: netbox [--box CMD]... [--subnet CIDR] [-p HOST:BOX] ROOTFS CMD...
# Each fact is read from the kernel: the links, addresses and routes of each
# namespace (probe net: rtnetlink dumps; /proc/PID/net/*; sysfs mounted in
# the namespace), the bridge a veth is enslaved to, ICMP and TCP bytes that
# cross the bridge, the proxy's socket in box1's /proc/net/tcp, and which
# namespaces and processes are left once netbox is gone.
#
# Everything happens in network namespaces made here or by netbox: a
# published port listens on 127.0.0.1 of a namespace of this test's own,
# never on the host's, so runs in parallel never collide.

load lib/common
bats_require_minimum_version 1.5.0

setup() {
    NETBOX=$(tool netbox)
    TESTNS=""
    HOLDERS=()
}

teardown() {
    local p
    for p in ${HOLDERS[@]+"${HOLDERS[@]}"} $TESTNS; do
        { kill -KILL "$p" && wait "$p"; } 2>/dev/null || true
    done
    # A netbox left running by a failed test: its boxes die with it.
    if [ -n "${NB:-}" ] && kill -0 "$NB" 2>/dev/null; then
        kill -KILL "$NB"
        echo "netbox $NB was still running: killed" >&2
        return 1
    fi
}

need_image() {
    need_root
    [ -x "$IMAGE/usr/bin/probe" ] || skip "no image at $IMAGE (make images)"
}

# A network namespace of this test's own, with lo up, held by a sleep.
make_test_ns() {
    unshare --net sleep 600 &
    TESTNS=$!
    for _ in $(seq 100); do
        [ "$(stat -L -c %i /proc/$TESTNS/ns/net 2>/dev/null)" != \
            "$(stat -L -c %i /proc/self/ns/net)" ] && break
        sleep 0.02
    done
    in_test_ns ip link set lo up
}

in_test_ns() {
    nsenter --net="/proc/$TESTNS/ns/net" "$@"
}

# start_netbox ARGS...: netbox -v ARGS in the background, in the test's
# namespace if there is one; waits until its network is ready. Sets NB
# (netbox's pid, its namespace is the host side) and BOX1, BOX2, ...
start_netbox() {
    local err=$BATS_TEST_TMPDIR/netbox.err n pid
    if [ -n "$TESTNS" ]; then
        nsenter --net="/proc/$TESTNS/ns/net" "$NETBOX" -v "$@" \
            >"$BATS_TEST_TMPDIR/netbox.out" 2>"$err" &
    else
        "$NETBOX" -v "$@" >"$BATS_TEST_TMPDIR/netbox.out" 2>"$err" &
    fi
    NB=$!
    for _ in $(seq 200); do
        grep -q 'ready in' "$err" && break
        kill -0 "$NB" 2>/dev/null || break
        sleep 0.02
    done
    grep -q 'ready in' "$err" || fail "netbox did not get ready: $(cat "$err")"
    while read -r n pid; do
        printf -v "BOX$n" %s "$pid"
    done < <(sed -n 's/^netbox: box\([0-9]\): pid \([0-9]*\),.*/\1 \2/p' "$err")
}

# stop_netbox [SIGNAL]: end netbox (default: let CMD end by itself), and
# set NB_STATUS to its exit status.
stop_netbox() {
    [ -z "${1:-}" ] || kill "-$1" "$NB"
    NB_STATUS=0
    wait "$NB" || NB_STATUS=$?
    NB=""
}

# Hold a namespace open with a process in it, so it outlives netbox.
hold_netns() {
    nsenter --net="/proc/$1/ns/net" sleep 600 &
    HOLDERS+=("$!")
    HELD=$!
    for _ in $(seq 100); do
        [ "$(stat -L -c %i "/proc/$HELD/ns/net" 2>/dev/null)" = \
            "$(stat -L -c %i "/proc/$1/ns/net")" ] && return 0
        sleep 0.02
    done
    fail "could not hold the namespace of $1"
}

netns_of() {
    stat -L -c %i "/proc/$1/ns/net"
}

# Is network namespace INODE gone? No process in it, no open file of it,
# no mount of it (the three things that keep a namespace alive).
netns_gone() {
    local f
    for _ in $(seq 100); do
        f=$(find /proc -mindepth 3 -maxdepth 3 \( -path '/proc/[0-9]*/ns/net' \
            -o -path '/proc/[0-9]*/fd/*' \) -lname "net:\[$1\]" 2>/dev/null
            grep -F "net:[$1]" /proc/self/mountinfo || true)
        [ -z "$f" ] && return 0
        sleep 0.05
    done
    echo "network namespace $1 is still alive: $f" >&2
    return 1
}

# sysfs as it is seen from inside a namespace: mounted in a mount
# namespace of its own (unshare -m), so nothing leaks out.
sysfs_in() {
    local pid=$1
    shift
    nsenter --net="/proc/$pid/ns/net" unshare --mount sh -c \
        "mount -t sysfs sysfs /sys && $*"
}

@test "netbox: --help prints usage to stdout and exits 0" {
    run --separate-stderr "$NETBOX" --help
    assert_success
    assert_output --partial "usage: netbox"
    assert_output --partial "--publish HOST:BOX"
}

# bats test_tags=lab:09-1,lab:09-3
@test "netbox: the box's eth0 has its address, prefix and default route; lo is up" {
    need_image
    # A /26 not at .0: a hard-coded /24 or 10.89.0.x fails here.
    run --separate-stderr "$NETBOX" --subnet 10.77.5.64/26 "$IMAGE" probe net
    assert_success
    eth0=$(printf '%s\n' "$output" | sed -n 's/^link=\([0-9]*\) eth0 .*/\1/p')
    [ -n "$eth0" ] || fail "no eth0 in the box: $output"
    assert_line --regexp "^link=$eth0 eth0 up master=0 iflink=[0-9]+ flags=0x[0-9a-f]+$"
    # Up changed IFF_UP only (BROADCAST and MULTICAST stay as the kernel
    # made them), and the carrier is on (LOWER_UP): the host end is up too.
    flags=$(printf '%s\n' "$output" | sed -n "s/^link=$eth0 eth0 .* flags=//p")
    assert_equal "$(printf '0x%x' $((flags & 0x11003)))" 0x11003
    assert_line --regexp "^link=1 lo up "
    assert_line "addr=$eth0 10.77.5.66/26"
    assert_line "addr=1 127.0.0.1/8"
    assert_line "route=0.0.0.0/0 via 10.77.5.65 dev $eth0"
    assert_line "route=10.77.5.64/26 via - dev $eth0"
    # Two links only: lo and eth0; the veth's other end is not in here.
    assert_equal "$(printf '%s\n' "$output" | grep -c '^link=')" 2

    # The same from /proc/net, read by the box's own cat.
    run --separate-stderr "$NETBOX" --subnet 10.77.5.64/26 "$IMAGE" cat /proc/net/route /proc/net/dev
    assert_success
    # default: destination 0, gateway 10.77.5.65 (little-endian hex), UG
    assert_line --regexp '^eth0[[:space:]]+00000000[[:space:]]+41054D0A[[:space:]]+0003[[:space:]]'
    assert_line --regexp '^eth0[[:space:]]+40054D0A[[:space:]]+00000000[[:space:]]+0001[[:space:]].*C0FFFFFF'
}

# bats test_tags=lab:09-2
@test "netbox: the host end is enslaved to the bridge, and is eth0's peer" {
    need_image
    start_netbox --subnet 10.77.6.0/24 "$IMAGE" sleep 30
    veth=$(sed -n 's/.* host end \(mctr09-v[0-9a-z]*-1\)$/\1/p' "$BATS_TEST_TMPDIR/netbox.err")
    bridge=$(sed -n 's/.*bridge \(mctr09-br[0-9a-z]*\) .*/\1/p' "$BATS_TEST_TMPDIR/netbox.err")
    [ -n "$veth" ] && [ -n "$bridge" ] || fail "$(cat "$BATS_TEST_TMPDIR/netbox.err")"
    [ ${#veth} -le 15 ] && [ ${#bridge} -le 15 ]

    run sysfs_in "$NB" "readlink /sys/class/net/$veth/master; cat /sys/class/net/$veth/operstate /sys/class/net/$veth/ifindex; ls /sys/class/net/$bridge/brif"
    assert_success
    assert_equal "${lines[0]}" "../$bridge"
    assert_equal "${lines[1]}" up
    veth_index=${lines[2]}
    assert_equal "${lines[3]}" "$veth"

    # eth0's peer (iflink) is our veth: one cable, two namespaces.
    run nsenter --net="/proc/$BOX1/ns/net" "$PROBE" net
    assert_line --regexp "^link=[0-9]+ eth0 up master=0 iflink=$veth_index flags="
    eth0_index=$(printf '%s\n' "$output" | sed -n 's/^link=\([0-9]*\) eth0 .*/\1/p')

    # The host side: the bridge (up, with the gateway), the veth on it.
    run nsenter --net="/proc/$NB/ns/net" "$PROBE" net
    br_index=$(printf '%s\n' "$output" | sed -n "s/^link=\([0-9]*\) $bridge up .*/\1/p")
    [ -n "$br_index" ] || fail "bridge not up: $output"
    assert_line "addr=$br_index 10.77.6.1/24"
    assert_line --regexp "^link=$veth_index $veth up master=$br_index iflink=$eth0_index flags="
    flags=$(printf '%s\n' "$output" | sed -n "s/^link=$br_index $bridge .* flags=//p")
    assert_equal "$(printf '0x%x' $((flags & 0x1003)))" 0x1003
    stop_netbox TERM
}

@test "netbox: the host's own namespace gets no link, address or route" {
    need_image
    links_before=$(ls /sys/class/net)
    routes_before=$(cat /proc/net/route)
    start_netbox --box 'sleep 30' "$IMAGE" sleep 30
    # netbox itself has left the host's namespace: the bridge is in its own.
    [ "$(netns_of "$NB")" != "$(netns_of self)" ] || fail "netbox stayed in the host's namespace"
    assert_equal "$(ls /sys/class/net)" "$links_before"
    assert_equal "$(cat /proc/net/route)" "$routes_before"
    [ -z "$(ls /sys/class/net | grep mctr09)" ]
    stop_netbox TERM
}

# bats test_tags=lab:09-1,lab:09-2,lab:09-3
@test "netbox: two boxes ping each other and exchange TCP bytes over the bridge" {
    need_image
    run --separate-stderr "$NETBOX" --subnet 10.77.7.0/28 \
        --box 'nc -l -p 5000 -e sh -c "read x; echo box1 got \$x from box2"' \
        "$IMAGE" sh -c '
            ping -c 1 -W 2 10.77.7.2 | grep -c "bytes from 10.77.7.2"
            ping -c 1 -W 2 10.77.7.1 | grep -c "bytes from 10.77.7.1"
            for i in $(seq 50); do
                echo hello | nc 10.77.7.2 5000 2>/dev/null && exit 0
                sleep 0.1
            done
            exit 9'
    assert_success
    assert_equal "${lines[0]}" 1
    assert_equal "${lines[1]}" 1
    assert_equal "${lines[2]}" "box1 got hello from box2"
}

# bats test_tags=lab:09-4
@test "netbox: box1's port is published on 127.0.0.1 of the caller's namespace" {
    need_image
    make_test_ns
    start_netbox -p 18080:5000 --box 'nc -ll -p 5000 -e cat' "$IMAGE" sleep 30
    # A host port that differs from the box's: each must be the right one.
    run in_test_ns bash -c '
        for i in $(seq 50); do
            exec 3<>/dev/tcp/127.0.0.1/18080 || exit 8
            echo ping-$$ >&3
            if read -t 2 line <&3; then echo "$line"; exit 0; fi
            exec 3>&-; sleep 0.1
        done; exit 9'
    assert_success
    assert_output --regexp '^ping-[0-9]+$'
    # Nothing listens on 127.0.0.1 of the host side or of box1's loopback
    # for the host port: only the test's namespace has it.
    run nsenter --net="/proc/$NB/ns/net" bash -c 'exec 3<>/dev/tcp/127.0.0.1/18080'
    assert_failure
    stop_netbox TERM
    assert_equal "$NB_STATUS" 143
}

# bats test_tags=lab:09-4
@test "netbox: the proxy's socket lives in box1's namespace (setns), not the host side's" {
    need_image
    make_test_ns
    start_netbox --subnet 10.77.8.0/24 -p 18081:5001 --box 'nc -ll -p 5001 -e cat' "$IMAGE" sleep 30
    nsenter --net="/proc/$TESTNS/ns/net" bash -c '
        for i in $(seq 50); do
            exec 3<>/dev/tcp/127.0.0.1/18081 || exit 8
            echo x >&3
            if read -t 2 line <&3; then exec sleep 10; fi
            exec 3>&-; sleep 0.1
        done; exit 9' &
    client=$!
    HOLDERS+=("$client")
    # box1's /proc/net/tcp holds the proxy's end of the connection: a
    # socket from box1's own address to its port 5001. Made on the host
    # side instead, it would not be in here (and come from 10.77.8.1).
    want="02084D0A:$(printf '%04X' 5001)" # 10.77.8.2:5001, as the kernel prints it
    for _ in $(seq 100); do
        proxy=$(awk -v w="$want" '$4 == "01" && $3 == w' "/proc/$BOX1/net/tcp")
        [ -n "$proxy" ] && break
        sleep 0.05
    done
    [ -n "$proxy" ] || fail "no socket to $want in box1: $(cat "/proc/$BOX1/net/tcp")"
    kill "$client"
    stop_netbox TERM
}

@test "netbox: SIGTERM and SIGINT: boxes, proxies, veths and bridge are all removed" {
    need_image
    for sig in TERM INT; do
        make_test_ns
        start_netbox -p 18082:5002 --box 'nc -ll -p 5002 -e cat' "$IMAGE" sleep 30
        bridge=$(sed -n 's/.*bridge \(mctr09-br[0-9a-z]*\) .*/\1/p' "$BATS_TEST_TMPDIR/netbox.err")
        nsenter --net="/proc/$TESTNS/ns/net" bash -c \
            'exec 3<>/dev/tcp/127.0.0.1/18082; exec sleep 30' &
        HOLDERS+=("$!")
        # the proxy: a child of netbox that is not a box
        for _ in $(seq 100); do
            kids=$(cat /proc/"$NB"/task/*/children)
            [ "$(echo $kids | wc -w)" -ge 3 ] && break
            sleep 0.02
        done
        [ "$(echo $kids | wc -w)" -ge 3 ] || fail "no proxy child: $kids"
        hold_netns "$NB"
        host_side=$HELD
        hold_netns "$BOX1"
        box1_ns=$HELD
        stop_netbox "$sig"
        [ "$sig" = TERM ] && assert_equal "$NB_STATUS" 143
        [ "$sig" = INT ] && assert_equal "$NB_STATUS" 130
        for p in $kids; do
            ! kill -0 "$p" 2>/dev/null || fail "process $p of netbox still runs"
        done
        # Deleted by netbox itself, not by the namespace's end: both are
        # held open here, and have only lo left.
        run nsenter --net="/proc/$host_side/ns/net" "$PROBE" net
        assert_success
        assert_equal "$(printf '%s\n' "$output" | grep '^link=' | cut -d' ' -f1-5)" "link=1 lo down master=0 iflink=1"
        run nsenter --net="/proc/$box1_ns/ns/net" "$PROBE" net
        assert_equal "$(printf '%s\n' "$output" | grep '^link=' | cut -d' ' -f1-5)" "link=1 lo up master=0 iflink=1"
        for p in "$TESTNS" "${HOLDERS[@]}"; do
            { kill -KILL "$p" && wait "$p"; } 2>/dev/null || true
        done
        HOLDERS=()
    done
}

@test "netbox: a normal end leaves no namespace, process or link behind" {
    need_image
    start_netbox --box 'sleep 30' "$IMAGE" sleep 0.5
    host_side=$(netns_of "$NB")
    box1=$(netns_of "$BOX1")
    box2=$(netns_of "$BOX2")
    stop_netbox
    assert_equal "$NB_STATUS" 0
    ! kill -0 "$BOX1" 2>/dev/null || fail "box1 still runs"
    netns_gone "$host_side"
    netns_gone "$box1"
    netns_gone "$box2"
}

@test "netbox: kill -9 leaves nothing either: the boxes die, the namespaces go" {
    need_image
    start_netbox --box 'sleep 30' "$IMAGE" sleep 30
    host_side=$(netns_of "$NB")
    box1=$(netns_of "$BOX1")
    stop_netbox KILL
    assert_equal "$NB_STATUS" 137
    for _ in $(seq 100); do
        kill -0 "$BOX1" 2>/dev/null || kill -0 "$BOX2" 2>/dev/null || break
        sleep 0.05
    done
    ! kill -0 "$BOX1" 2>/dev/null || fail "box1 survived netbox (PR_SET_PDEATHSIG)"
    ! kill -0 "$BOX2" 2>/dev/null || fail "box2 survived netbox"
    netns_gone "$host_side"
    netns_gone "$box1"
}

@test "netbox: the command's exit status is passed on (7, 127)" {
    need_image
    run "$NETBOX" "$IMAGE" sh -c 'exit 7'
    assert_failure 7
    run -127 --separate-stderr "$NETBOX" "$IMAGE" minictr-no-such-command
    assert_failure 127
    [[ "$stderr" == *"box1: exec 'minictr-no-such-command' failed: ENOENT"* ]] || fail "$stderr"
}

@test "netbox: two runs at once get names of their own" {
    need_image
    start_netbox "$IMAGE" sleep 30
    first=$NB
    err1=$(cat "$BATS_TEST_TMPDIR/netbox.err")
    start_netbox "$IMAGE" sleep 30
    err2=$(cat "$BATS_TEST_TMPDIR/netbox.err")
    b1=$(echo "$err1" | sed -n 's/.*bridge \(mctr09-br[0-9a-z]*\) .*/\1/p')
    b2=$(echo "$err2" | sed -n 's/.*bridge \(mctr09-br[0-9a-z]*\) .*/\1/p')
    [ -n "$b1" ] && [ -n "$b2" ] && [ "$b1" != "$b2" ] || fail "$b1 $b2"
    kill -TERM "$first"
    wait "$first" || true
    stop_netbox TERM
}

@test "netbox: bad CIDRs and ports exit 2, before anything is made" {
    need_image
    for bad in 10.89.0.0 10.89.0.0/33 10.89.0.0/7 abc/24 10.89.0/24 10.89.0.0/24x 010.1.1.0/24 ""; do
        run --separate-stderr "$NETBOX" --trace --subnet "$bad" "$IMAGE" echo ran
        assert_failure 2
        [[ "$stderr" == *"is not an IPv4 CIDR"* ]] || fail "--subnet '$bad': $stderr"
        [[ "$stderr" != *"trace:"* ]] || fail "--subnet '$bad' made something: $stderr"
        assert_output ""
    done
    run --separate-stderr "$NETBOX" --subnet 10.89.0.5/24 "$IMAGE" true
    assert_failure 2
    [[ "$stderr" == *"host bits set: did you mean 10.89.0.0/24?"* ]] || fail "$stderr"
    run --separate-stderr "$NETBOX" --subnet 10.89.0.0/30 --box true "$IMAGE" true
    assert_failure 2
    [[ "$stderr" == *"room for 1 box, not 2"* ]] || fail "$stderr"
    for bad in 99999:80 abc 80 80:0 :80 80: -1:80 8080:80x; do
        run --separate-stderr "$NETBOX" -p "$bad" "$IMAGE" echo ran
        assert_failure 2
        [[ "$stderr" == *"is not HOST:BOX"* ]] || fail "-p '$bad': $stderr"
        assert_output ""
    done
    run --separate-stderr "$NETBOX" "$BATS_TEST_TMPDIR/missing" true
    assert_failure 3
    run --separate-stderr "$NETBOX" "$IMAGE"
    assert_failure 2
}

@test "netbox: a host port in use exits 1, saying so, with nothing made" {
    need_image
    make_test_ns
    nsenter --net="/proc/$TESTNS/ns/net" python3 -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 18083)); s.listen(); time.sleep(30)' &
    HOLDERS+=("$!")
    for _ in $(seq 100); do
        grep -q ":$(printf '%04X' 18083) 00000000:0000 0A" "/proc/$TESTNS/net/tcp" && break
        sleep 0.02
    done
    run --separate-stderr in_test_ns "$NETBOX" --trace -p 18083:80 "$IMAGE" echo ran
    assert_failure 1
    [[ "$stderr" == *"bind 127.0.0.1:18083 for -p failed: EADDRINUSE"* ]] || fail "$stderr"
    [[ "$stderr" == *"hint: another program listens on that port"* ]] || fail "$stderr"
    # Nothing was made: no namespace, no link, no box; the command never ran.
    for never in unshare RTM_NEWLINK clone; do
        [[ "$stderr" != *"$never"* ]] || fail "made something: $stderr"
    done
    assert_output ""
}

@test "netbox: --trace shows each netlink message beside its ip command" {
    need_image
    run --separate-stderr "$NETBOX" --trace --subnet 10.77.9.0/24 "$IMAGE" true
    assert_success
    for want in 'trace: unshare(CLONE_NEWNET)' \
        'trace: RTM_NEWLINK len=' 'flags=REQUEST|ACK|CREATE|EXCL' \
        'IFLA_LINKINFO[16]{ IFLA_INFO_KIND[11]="bridge" }' \
        '$ ip link add mctr09-br' \
        'IFLA_INFO_KIND[9]="veth" IFLA_INFO_DATA[44]{ VETH_INFO_PEER[40]{ifinfomsg{index=0 flags=0 change=0} IFLA_IFNAME[9]="eth0" IFLA_NET_NS_FD[8]=' \
        'type veth peer name eth0 netns ' \
        'IFA_LOCAL[8]=10.77.9.2 IFA_ADDRESS[8]=10.77.9.2' '$ ip addr add 10.77.9.1/24 dev mctr09-br' \
        'ip addr add 10.77.9.2/24 dev eth0' 'ip link set eth0 up' \
        'RTA_GATEWAY[8]=10.77.9.1' 'ip route add default via 10.77.9.1 dev eth0' \
        'trace: RTM_DELLINK' '$ ip link del mctr09-v'; do
        [[ "$stderr" == *"$want"* ]] || fail "no '$want' in: $stderr"
    done
    run --separate-stderr "$NETBOX" "$IMAGE" true
    assert_success
    [[ "$stderr" != *"trace:"* ]] || fail "traced without --trace: $stderr"
}
