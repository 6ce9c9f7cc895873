#!/usr/bin/env bats
# minictr serve: the Docker Engine API on a Unix socket, driven by the real
# clients — the docker CLI (DOCKER_HOST=unix://SOCKET; no dockerd is ever
# started) and dockerode (examples/dockerode, npm ci from its lockfile) —
# and by curl for what a client should never send. Behind the API the
# kernel state is checked as the CLI tests do (namespaces, capabilities,
# seccomp, cgroup limits from HostConfig); a container made through the
# API is the one `minictr ps` shows; and the server can be killed and
# started again while its containers run.

load lib/common
bats_require_minimum_version 1.5.0

setup_file() {
    export MINICTR_ROOT=$BATS_FILE_TMPDIR/lib
    export MINICTR_STATE=$BATS_FILE_TMPDIR/state
    # sun_path holds 108 bytes: the socket lives in a short directory.
    SOCKDIR=$(mktemp -d /tmp/mcserve.XXXXXX)
    export SOCKDIR SOCK=$SOCKDIR/docker.sock
    export DOCKER_HOST=unix://$SOCK DOCKER_CONFIG=$BATS_FILE_TMPDIR/docker-config
    "$BIN/minictr" import "$IMAGE" busybox >/dev/null
    start_server
}

teardown_file() {
    local ids
    ids=$("$BIN/minictr" ps -aq --no-trunc 2>/dev/null) || true
    [ -z "$ids" ] || "$BIN/minictr" rm -f $ids >/dev/null 2>&1 || true
    stop_server
    rm -rf "$SOCKDIR"
}

# The server runs in the background for the whole file (fd 3 closed, or
# bats would wait for it); its pid is in a file, as a test restarts it.
start_server() {
    # In a subshell: not a job of bats' shell, whose "Killed" line would
    # land in the TAP stream when a test kills it.
    (
        "$BIN/minictr" serve --socket "$SOCK" >>"$BATS_FILE_TMPDIR/serve.log" 2>&1 3>&- &
        echo $! >"$BATS_FILE_TMPDIR/server.pid"
    )
    for _ in $(seq 100); do
        [ -S "$SOCK" ] && curl -sf --unix-socket "$SOCK" http://x/_ping >/dev/null && return 0
        sleep 0.05
    done
    echo "the server did not come up: $(cat "$BATS_FILE_TMPDIR/serve.log")" >&2
    return 1
}

stop_server() {
    local pid
    pid=$(cat "$BATS_FILE_TMPDIR/server.pid" 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
}

server_pid() {
    cat "$BATS_FILE_TMPDIR/server.pid"
}

setup() {
    need_root
    MC=$BIN/minictr
    DOCKER=${DOCKER_CLI:-$(command -v docker || true)}
    [ -n "$DOCKER" ] || [ -x "$ROOT/build/docker-cli/docker" ] || skip "no docker CLI (rootfs-scripts/docker-cli.sh fetches one)"
    [ -n "$DOCKER" ] || DOCKER=$ROOT/build/docker-cli/docker
}

teardown() {
    local ids p
    ids=$("$MC" ps -aq --no-trunc 2>/dev/null) || true
    [ -z "$ids" ] || "$MC" rm -f $ids >/dev/null 2>&1 || true
    # what a test started and did not get to stop (the -p test's)
    for p in server2 netns; do
        [ ! -f "$BATS_TEST_TMPDIR/$p.pid" ] || kill -KILL "$(cat "$BATS_TEST_TMPDIR/$p.pid")" 2>/dev/null || true
    done
    run leftover_cgroups
    assert_output ""
}

api() { # api METHOD PATH [curl args...]: the body, then "HTTP nnn"
    local method=$1 path=$2
    shift 2
    curl -s --unix-socket "$SOCK" -X "$method" -w '\nHTTP %{http_code}\n' "$@" "http://x$path"
}

field() {
    "$MC" inspect -f "{{.$2}}" "$1"
}

# The container's cgroup2 directory (v2, or a hybrid host's unified tree).
v2_dir() {
    local path
    path=$(sed -n 's/^0:://p' "/proc/$1/cgroup")
    if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
        echo "/sys/fs/cgroup$path"
    elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
        echo "/sys/fs/cgroup/unified$path"
    fi
}

# Has process $1 a network namespace other than ours (unshare is done)?
netns_differs() {
    [ "$(stat -L -c %i "/proc/$1/ns/net" 2>/dev/null)" != "$(stat -L -c %i /proc/self/ns/net)" ]
}

nothing_left() {
    run "$MC" ps -aq
    assert_output ""
    run find "$MINICTR_ROOT/containers" -mindepth 1 -maxdepth 1
    assert_output ""
    run leftover_cgroups
    assert_output ""
}

# ---- the docker CLI ----------------------------------------------------------

@test "docker version and /_ping: Api-Version 1.41 on HEAD and GET, any /v1.NN prefix or none" {
    run "$DOCKER" version --format '{{.Server.APIVersion}} {{.Server.Version}} {{.Server.Os}}'
    assert_success
    assert_output "1.41 0.1.0 linux"
    for method in HEAD GET; do
        run curl -s -I -X "$method" --unix-socket "$SOCK" http://x/_ping
        assert_line --regexp '^Api-Version: 1\.41'
    done
    for prefix in "" /v1.24 /v1.41 /v1.50; do
        run api GET "$prefix/containers/json"
        assert_line "HTTP 200"
    done
}

@test "docker run --rm echo hi: the output, the exit status, and nothing left" {
    run "$DOCKER" run --rm busybox echo hi
    assert_success
    assert_output hi
    run "$DOCKER" run --rm busybox sh -c 'echo out; echo err >&2; exit 3'
    assert_failure 3
    run bash -c "'$DOCKER' run --rm busybox sh -c 'echo out; echo err >&2' 2>/dev/null"
    assert_output out
    run bash -c "'$DOCKER' run --rm busybox sh -c 'echo out; echo err >&2' 2>&1 >/dev/null"
    assert_output err
    run bash -c "echo through-stdin | '$DOCKER' run --rm -i busybox cat"
    assert_output through-stdin
    run script -qec "'$DOCKER' run --rm -it busybox sh -c 'tty; exit 6'" /dev/null
    assert_failure 6
    assert_output --regexp '/dev/pts/[0-9]+'
    nothing_left
}

@test "docker run -d, ps, ps -a, inspect: the same container minictr ps shows" {
    run "$DOCKER" run -d --name web -e A=1 busybox sleep 1201
    assert_success
    assert_output --regexp '^[0-9a-f]{64}$'
    id=$output
    run "$DOCKER" ps
    assert_line --regexp "^${id:0:12} +busybox +\"sleep 1201\" +.* ago +Up .* +web$"
    run "$MC" ps
    assert_line --regexp "^${id:0:12} +busybox +\"sleep 1201\" .* web$"
    # The container's PID 1 is the monitor's child, not the server's.
    pid=$(field web pid)
    mon=$(field web monitor_pid)
    assert_equal "$(awk '/^PPid:/ { print $2 }' /proc/$pid/status)" "$mon"
    [ "$mon" != "$(server_pid)" ]
    run "$DOCKER" inspect -f '{{.State.Status}} {{.State.Pid}} {{.Config.Tty}} {{.Name}}' web
    assert_output "running $pid false /web"
    # names, full ids and id prefixes
    run "$DOCKER" inspect -f '{{.Id}}' "${id:0:5}"
    assert_output "$id"
    "$DOCKER" run --name done busybox true
    run "$DOCKER" ps -a --format '{{.Names}} {{.Status}}'
    assert_line --regexp '^done Exited \(0\) .* ago$'
    assert_line --regexp '^web Up '
    run "$DOCKER" ps --format '{{.Names}}'
    refute_line done
    run "$DOCKER" inspect nosuch
    assert_failure 1
    assert_output --partial "No such object: nosuch"
    "$DOCKER" rm -f web done
    nothing_left
}

@test "docker logs, logs -t --tail, logs -f that ends when the container exits" {
    "$DOCKER" run -d --name talk busybox sh -c 'echo one; echo two >&2; sleep 0.5; echo three' >/dev/null
    run timeout 20 "$DOCKER" logs -f talk
    assert_success
    assert_line one
    assert_line two
    assert_line three
    run bash -c "'$DOCKER' logs talk 2>/dev/null"
    assert_output "one"$'\n'"three"
    run "$DOCKER" logs -t --tail 1 talk
    assert_output --regexp '^20[0-9-]+T[0-9:.]+Z three$'
    "$DOCKER" run -d -t --name tty busybox sh -c 'echo with-a-tty' >/dev/null
    "$MC" wait tty >/dev/null
    run "$DOCKER" logs tty
    assert_output --partial with-a-tty
    "$DOCKER" rm talk tty
    nothing_left
}

@test "docker exec (status, env), exec -i, and exec -it under a pty; top" {
    "$DOCKER" run -d --name ex -e FROM_RUN=yes busybox sleep 1202 >/dev/null
    pid=$(field ex pid)
    run "$DOCKER" exec ex sh -c 'echo $FROM_RUN; exit 42'
    assert_failure 42
    assert_output yes
    run "$DOCKER" exec -e X=2 -w /tmp ex sh -c 'echo $X $(pwd) $(readlink /proc/self/ns/pid)'
    assert_output "2 /tmp $(readlink /proc/$pid/ns/pid)"
    run bash -c "echo piped | '$DOCKER' exec -i ex cat"
    assert_output piped
    run script -qec "'$DOCKER' exec -it ex sh -c 'tty; exit 7'" /dev/null
    assert_failure 7
    assert_output --regexp '/dev/pts/[0-9]+'
    # exec -d: the monitor's child (it outlives any server), in the pid
    # namespace of the container
    run "$DOCKER" exec -d ex sleep 1299
    assert_success
    wait_until 5 pgrep -f 'sleep 1299' >/dev/null
    dpid=$(pgrep -f 'sleep 1299')
    [ "$(awk '{print $4}' /proc/$dpid/stat)" = "$(field ex monitor_pid)" ]
    [ "$(readlink /proc/$dpid/ns/pid)" = "$(readlink /proc/$(field ex pid)/ns/pid)" ]
    run -127 "$DOCKER" exec ex /no/such/thing
    run "$DOCKER" top ex
    assert_success
    assert_line --index 0 --regexp '^UID +PID +CPID +PPID'
    assert_line --regexp "^root +$pid +1 +.*sleep 1202$"
    "$DOCKER" rm -f ex
    nothing_left
}

@test "docker stop (SIGTERM first), kill (-s), pause/unpause freeze the cgroup, rm -f" {
    "$DOCKER" run -d --name term busybox sh -c 'trap "echo got-TERM; exit 3" TERM; while :; do sleep 0.1; done' >/dev/null
    sleep 0.3
    run "$DOCKER" stop -t 10 term
    assert_success
    run "$DOCKER" logs term
    assert_line got-TERM
    run "$DOCKER" inspect -f '{{.State.ExitCode}}' term
    assert_output 3
    "$DOCKER" run -d --name sig busybox sh -c 'trap "echo got-USR1" USR1; while :; do sleep 0.1; done' >/dev/null
    sleep 0.3
    run "$DOCKER" kill -s USR1 sig
    assert_success
    wait_until 5 bash -c "'$DOCKER' logs sig | grep -q got-USR1"
    run "$DOCKER" pause sig
    assert_success
    assert_equal "$(field sig status)" paused
    pid=$(field sig pid)
    dir=$(v2_dir "$pid")
    if [ -n "$dir" ]; then
        assert_equal "$(cat "$dir/cgroup.freeze")" 1
        grep -qx 'frozen 1' "$dir/cgroup.events"
    else
        fz=$(awk -F: '$2 ~ /freezer/ { print $3 }' /proc/$pid/cgroup)
        assert_equal "$(cat /sys/fs/cgroup/freezer$fz/freezer.state)" FROZEN
    fi
    run "$DOCKER" unpause sig
    assert_success
    assert_equal "$(field sig status)" running
    run "$DOCKER" kill sig
    assert_success
    run "$DOCKER" kill sig
    assert_failure
    assert_output --partial "is not running"
    "$DOCKER" run -d --name forced busybox sleep 1203 >/dev/null
    fpid=$(field forced pid)
    run "$DOCKER" rm -f forced
    assert_success
    [ ! -d /proc/$fpid ]
    "$DOCKER" rm term sig
    nothing_left
}

@test "docker images, import (a tarball as the request body), stats --no-stream" {
    run "$DOCKER" images
    assert_line --regexp '^busybox +latest +[0-9a-f]{12} '
    tar -C "$IMAGE" -cf "$BATS_TEST_TMPDIR/bb.tar" .
    run "$DOCKER" import "$BATS_TEST_TMPDIR/bb.tar" imported
    assert_success
    assert_output --regexp '^sha256:[0-9a-f]{64}$'
    # The store's image: the ID the CLI printed, its layer unpacked
    iid=${output#sha256:}
    lower=$("$MC" image inspect imported | jq -r '.[0].GraphDriver.Data.LowerDir')
    [ "$("$MC" image inspect imported | jq -r '.[0].Id')" = "sha256:$iid" ]
    [ -x "${lower%%:*}/bin/busybox" ]
    run "$DOCKER" run --rm imported echo from-import
    assert_output from-import
    # tag, save, then load what was saved under the other name
    run "$DOCKER" tag imported copied:v2
    assert_success
    [ "$("$MC" image inspect copied:v2 | jq -r '.[0].Id')" = "sha256:$iid" ]
    run "$DOCKER" save -o "$BATS_TEST_TMPDIR/saved.tar" copied:v2
    assert_success
    run tar -tf "$BATS_TEST_TMPDIR/saved.tar"
    assert_line index.json
    assert_line manifest.json
    run "$DOCKER" rmi copied:v2
    assert_success
    run "$MC" image inspect copied:v2
    assert_failure
    run "$DOCKER" load -i "$BATS_TEST_TMPDIR/saved.tar"
    assert_success
    assert_output --partial "Loaded image: copied:v2"
    [ "$("$MC" image inspect copied:v2 | jq -r '.[0].Id')" = "sha256:$iid" ]
    run "$DOCKER" rmi copied:v2
    assert_success
    # a body that is no archive: a 400 with load's own words
    run api POST /images/load --data-binary 'not a tar'
    assert_line "HTTP 400"
    run "$DOCKER" save -o "$BATS_TEST_TMPDIR/none.tar" nosuchimage
    assert_failure
    run "$DOCKER" rmi imported
    assert_success
    run "$MC" image inspect imported
    assert_failure
    "$DOCKER" run -d --name st --memory 64m busybox sleep 1204 >/dev/null
    run "$DOCKER" stats --no-stream
    assert_success
    assert_line --regexp ' st +[0-9.]+% +[0-9.]+(B|KiB|MiB) / 64MiB '
    # A missing image: a 404 on create, then the pull that says no.
    run "$DOCKER" run --rm nosuch true
    assert_failure 125
    assert_output --partial "cannot pull"
    "$DOCKER" rm -f st
    nothing_left
}

@test "docker events and minictr events see the same lifecycle" {
    since=$(date +%s)
    "$DOCKER" run --rm --name evt busybox true
    run timeout 5 "$DOCKER" events --since "$since" --until "$(($(date +%s) + 1))" --filter container=evt --format '{{.Action}}'
    assert_success
    assert_equal "$(echo $output)" "create start die destroy"
    run timeout 5 "$MC" events --since "$since" --until "$(($(date +%s) + 1))" --filter event=die
    assert_line --regexp 'container die [0-9a-f]{64} \(exitCode=0, image=busybox, name=evt\)$'
}

@test "Debian's docker CLI 20.10 (API 1.41): version, run --rm, run -d, ps, logs, exec, stop, rm" {
    old=$ROOT/build/docker-cli/docker
    [ -x "$old" ] || skip "no build/docker-cli/docker (rootfs-scripts/docker-cli.sh unpacks it)"
    run "$old" version --format '{{.Client.APIVersion}} {{.Server.APIVersion}}'
    assert_output "1.41 1.41"
    run "$old" run --rm busybox sh -c 'echo hi20; exit 4'
    assert_failure 4
    assert_output hi20
    "$old" run -d --name w20 busybox sh -c 'echo logged; sleep 1208' >/dev/null
    run "$old" ps --format '{{.Names}}'
    assert_line w20
    wait_until 5 bash -c "'$old' logs w20 | grep -q logged"
    run "$old" exec w20 echo exec20
    assert_output exec20
    run "$old" stop -t 1 w20
    assert_success
    run "$old" rm w20
    assert_success
    nothing_left
}

# ---- dockerode --------------------------------------------------------------

@test "dockerode: examples/dockerode/talk.js lists, creates, starts, reads logs, stops, removes" {
    need_cmd node
    need_cmd npm
    dir=$ROOT/examples/dockerode
    if [ ! -d "$dir/node_modules/dockerode" ]; then
        (cd "$dir" && npm ci --no-audit --no-fund >/dev/null 2>&1) || fail "npm ci failed in examples/dockerode"
    fi
    run timeout 60 node "$dir/talk.js" "$SOCK"
    assert_success
    assert_line 'images: busybox:latest'
    assert_line --regexp '^started: running, pid [0-9]+, memory limit 67108864$'
    assert_line 'logs: stdout="hello from minictr\n" stderr="to stderr\n"'
    assert_line removed
    nothing_left
}

# ---- kernel state behind the API ---------------------------------------------

@test "HostConfig reaches the kernel: namespaces, capabilities, no_new_privs, seccomp, cgroup limits" {
    run "$DOCKER" run -d --name k --memory 64m --pids-limit 50 --cpus 0.5 \
        --cap-drop ALL --cap-add NET_ADMIN --read-only busybox sleep 1205
    assert_success
    pid=$(field k pid)
    for ns in uts pid mnt ipc net cgroup; do
        [ "$(stat -L -c %i /proc/$pid/ns/$ns)" != "$(stat -L -c %i /proc/self/ns/$ns)" ] || fail "ns $ns is the host's"
    done
    # CAP_NET_ADMIN is bit 12 and nothing else is left.
    assert_equal "$(awk '/^CapBnd:/ { print $2 }' /proc/$pid/status)" 0000000000001000
    assert_equal "$(awk '/^NoNewPrivs:/ { print $2 }' /proc/$pid/status)" 1
    assert_equal "$(awk '/^Seccomp:/ { print $2 }' /proc/$pid/status)" 2
    mem=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/$pid/cgroup)
    if [ -n "$mem" ] && [ -f "/sys/fs/cgroup/memory$mem/memory.limit_in_bytes" ]; then
        assert_equal "$(cat "/sys/fs/cgroup/memory$mem/memory.limit_in_bytes")" 67108864
        pids=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ { print $3 }' /proc/$pid/cgroup)
        assert_equal "$(cat "/sys/fs/cgroup/pids$pids/pids.max")" 50
        cpu=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' /proc/$pid/cgroup)
        assert_equal "$(cat "/sys/fs/cgroup/cpu,cpuacct$cpu/cpu.cfs_quota_us" 2>/dev/null || cat "/sys/fs/cgroup/cpu$cpu/cpu.cfs_quota_us")" 50000
    else
        v2=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/$pid/cgroup)
        assert_equal "$(cat "$v2/memory.max")" 67108864
        assert_equal "$(cat "$v2/pids.max")" 50
        assert_equal "$(cat "$v2/cpu.max")" "50000 100000"
    fi
    run "$DOCKER" exec k sh -c 'touch /x'
    assert_failure
    assert_output --partial "Read-only file system"
    "$DOCKER" rm -f k
    # a bind mount, read-only
    mkdir -p "$BATS_TEST_TMPDIR/host" && echo from-host >"$BATS_TEST_TMPDIR/host/f"
    run "$DOCKER" run --rm -v "$BATS_TEST_TMPDIR/host:/h:ro" busybox sh -c 'cat /h/f; echo x > /h/g'
    assert_failure 1
    assert_line from-host
    assert_output --partial "Read-only file system"
    [ ! -e "$BATS_TEST_TMPDIR/host/g" ]
    nothing_left
}

# ---- faults and bad input ---------------------------------------------------

@test "docker run -p through the API: minictr's bridge, a DNAT rule, the port answers; ps, port and inspect show it" {
    need_cmd nft
    local ns sock2=$SOCKDIR/net.sock pid2 id ip
    # A network namespace of the test's own: the bridge, the veths and the
    # rules are made in it (the server runs there), never on the host's.
    unshare --net sleep 600 &
    ns=$!
    echo "$ns" >"$BATS_TEST_TMPDIR/netns.pid"
    wait_until 5 netns_differs "$ns"
    nsenter --net=/proc/$ns/ns/net ip link set lo up
    (
        MINICTR_NETWORK=bridge nsenter --net=/proc/$ns/ns/net "$BIN/minictr" serve --socket "$sock2" >>"$BATS_FILE_TMPDIR/serve-net.log" 2>&1 3>&- &
        echo $! >"$BATS_TEST_TMPDIR/server2.pid"
    )
    pid2=$(cat "$BATS_TEST_TMPDIR/server2.pid")
    wait_until 5 curl -sf --unix-socket "$sock2" http://x/_ping >/dev/null
    DOCKER_HOST=unix://$sock2 "$DOCKER" run -d --name pub -p 127.0.0.1:18090:5000 busybox nc -ll -p 5000 -e cat >/dev/null
    id=$(field pub id)
    ip=$(field pub network.ip)
    [[ "$ip" =~ ^172\. ]]
    # The container's eth0 has the address; the kernel's DNAT rule sends the
    # host port there; a byte sent to 127.0.0.1:18090 comes back.
    run nsenter --net=/proc/$(field pub pid)/ns/net ip -o -4 addr show eth0
    assert_output --partial "inet $ip/"
    run nsenter --net=/proc/$ns/ns/net nft list table ip "minictr-${id:0:12}"
    assert_line --regexp "ip daddr 127.0.0.1 tcp dport 18090 dnat to $ip:5000$"
    run nsenter --net=/proc/$ns/ns/net bash -c 'for i in $(seq 50); do
            if exec 3<>/dev/tcp/127.0.0.1/18090; then echo api-ping >&3; read -t 2 l <&3 && echo "$l" && exit 0; fi
            sleep 0.1; done 2>/dev/null; exit 9'
    assert_output api-ping
    run env DOCKER_HOST=unix://$sock2 "$DOCKER" ps --format '{{.Names}} {{.Ports}}'
    assert_line 'pub 127.0.0.1:18090->5000/tcp'
    run env DOCKER_HOST=unix://$sock2 "$DOCKER" port pub
    assert_output '5000/tcp -> 127.0.0.1:18090'
    run env DOCKER_HOST=unix://$sock2 "$DOCKER" inspect -f '{{.HostConfig.NetworkMode}} {{.NetworkSettings.IPAddress}}' pub
    assert_output "bridge $ip"
    DOCKER_HOST=unix://$sock2 "$DOCKER" rm -f pub >/dev/null
    # Its table went with its monitor.
    run nsenter --net=/proc/$ns/ns/net nft list table ip "minictr-${id:0:12}"
    assert_failure
    kill "$pid2"
    wait_until 5 bash -c "! kill -0 $pid2 2>/dev/null"
    kill -KILL "$ns"
    rm -f "$BATS_TEST_TMPDIR/server2.pid" "$BATS_TEST_TMPDIR/netns.pid"
    nothing_left
}

@test "bad input: malformed JSON, a 10 MB body, an unknown endpoint, an unknown container -> status and a JSON message" {
    run api POST /containers/create -H 'Content-Type: application/json' -d '{"Image": "busybox", "Cmd": [1, '
    assert_line "HTTP 400"
    assert_line --partial '"message":"malformed JSON'
    run api POST /containers/create -d '{"Image": "busybox", "Cmd": ["true"], "HostConfig": {"Memory": "lots"}}'
    assert_line "HTTP 400"
    assert_line '{"message":"HostConfig.Memory: expected a number"}'
    head -c 10485760 /dev/zero | tr '\0' ' ' >"$BATS_TEST_TMPDIR/big"
    run api POST /containers/create -H 'Content-Type: application/json' --data-binary @"$BATS_TEST_TMPDIR/big"
    assert_line "HTTP 413"
    assert_line --partial '"message":"request body too large'
    run curl -s -D - --unix-socket "$SOCK" http://x/no/such/endpoint
    assert_line --regexp '^HTTP/1.1 404'
    assert_line --regexp '^Content-Type: application/json'$'\r''?$'
    assert_line --partial '{"message":"page not found'
    run api POST /images/x/push
    assert_line "HTTP 501"
    assert_line --partial "minictr has no registry"
    run api POST /containers/nosuch/start
    assert_line "HTTP 404"
    assert_line '{"message":"No such container: nosuch"}'
    run api POST /containers/create -d '{"Image": "busybox", "Cmd": ["true"], "HostConfig": {"NetworkMode": "nosuchnet"}}'
    assert_line "HTTP 404"
    assert_line --partial "nosuchnet"
    run "$DOCKER" network ls --format '{{.Name}} {{.Driver}}'
    assert_success
    assert_line 'none null'
    run api GET /networks/nosuchnet
    assert_line "HTTP 404"
    assert_line '{"message":"network nosuchnet not found"}'
    run "$DOCKER" stop nosuch
    assert_failure 1
    assert_output "Error response from daemon: No such container: nosuch"
    # The server is still there, and nothing was made.
    run api GET /_ping
    assert_line "HTTP 200"
    nothing_left
}

@test "a client that goes away mid-attach, mid-logs, mid-events leaves no thread and no fd behind" {
    spid=$(server_pid)
    "$DOCKER" run -d --name chat busybox sh -c 'while :; do echo tick; sleep 0.1; done' >/dev/null
    sleep 0.3
    threads=$(ls /proc/$spid/task | wc -l)
    fds=$(ls /proc/$spid/fd | wc -l)
    timeout -s KILL 1 "$DOCKER" attach chat >/dev/null 2>&1 || true
    timeout -s KILL 1 "$DOCKER" logs -f chat >/dev/null 2>&1 || true
    timeout -s KILL 1 curl -s --unix-socket "$SOCK" http://x/events >/dev/null 2>&1 || true
    timeout -s KILL 1 curl -s --unix-socket "$SOCK" "http://x/containers/chat/stats" >/dev/null 2>&1 || true
    timeout -s KILL 1 curl -s --unix-socket "$SOCK" -X POST "http://x/containers/chat/wait" >/dev/null 2>&1 || true
    wait_until 5 bash -c "[ \$(ls /proc/$spid/task | wc -l) -le $threads ]" || fail "threads: $threads before, $(ls /proc/$spid/task | wc -l) after"
    wait_until 5 bash -c "[ \$(ls /proc/$spid/fd | wc -l) -le $fds ]" || fail "fds: $fds before, $(ls /proc/$spid/fd | wc -l) after"
    # The container kept running, and its monitor dropped the client.
    assert_equal "$(field chat status)" running
    "$DOCKER" rm -f chat
    nothing_left
}

@test "50 concurrent clients: every answer right, the server alive, no thread left" {
    spid=$(server_pid)
    threads=$(ls /proc/$spid/task | wc -l)
    "$DOCKER" run -d --name busy busybox sleep 1206 >/dev/null
    for i in $(seq 50); do
        (
            for _ in 1 2 3 4; do
                curl -sf --unix-socket "$SOCK" "http://x/v1.41/containers/busy/json" | grep -q '"Name":"/busy"' || exit 1
                curl -sf --unix-socket "$SOCK" "http://x/containers/json" | grep -q '"Names":\["/busy"\]' || exit 1
            done
        ) >"$BATS_TEST_TMPDIR/c$i" 2>&1 3>&- &
        pids[$i]=$!
    done
    failed=0
    for i in $(seq 50); do wait "${pids[$i]}" || failed=$((failed + 1)); done
    assert_equal "$failed" 0
    # and 20 `docker run --rm` at once
    for i in $(seq 20); do
        "$DOCKER" run --rm busybox echo "run-$i" >"$BATS_TEST_TMPDIR/r$i" 2>&1 3>&- &
        rpids[$i]=$!
    done
    for i in $(seq 20); do
        wait "${rpids[$i]}" || fail "run $i: $(cat "$BATS_TEST_TMPDIR/r$i")"
        assert_equal "$(cat "$BATS_TEST_TMPDIR/r$i")" "run-$i"
    done
    kill -0 "$spid"
    wait_until 5 bash -c "[ \$(ls /proc/$spid/task | wc -l) -le $threads ]" || fail "threads left"
    "$DOCKER" rm -f busy
    nothing_left
}

@test "kill -9 of the server: the containers keep running; a restarted server sees them" {
    "$DOCKER" run -d --name survivor busybox sleep 1207 >/dev/null
    pid=$(field survivor pid)
    kill -KILL "$(server_pid)"
    wait_until 5 bash -c "! kill -0 $(server_pid) 2>/dev/null"
    sleep 0.2
    [ -d /proc/$pid ] || fail "the container died with the server"
    assert_equal "$(field survivor status)" running
    run curl -s --unix-socket "$SOCK" http://x/_ping
    assert_failure 7 # nobody listens on the socket file left behind
    start_server
    run "$DOCKER" ps --format '{{.Names}} {{.Status}}'
    assert_line --regexp '^survivor Up '
    run "$DOCKER" exec survivor echo still-here
    assert_output still-here
    "$DOCKER" rm -f survivor
    [ ! -d /proc/$pid ]
    nothing_left
}

@test "the socket is 0660: a user it does not allow is refused by the kernel at connect" {
    need_cmd setpriv
    assert_equal "$(stat -c %a "$SOCK")" 660
    chmod 0755 "$SOCKDIR"
    run setpriv --reuid=65534 --regid=65534 --clear-groups curl -s --unix-socket "$SOCK" http://x/_ping
    assert_failure 7
    run setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except PermissionError as e:
    print('EACCES' if e.errno == 13 else e)
" "$SOCK"
    assert_output EACCES
    # The same user, once the mode lets it: so it was the mode.
    chmod 0666 "$SOCK"
    run setpriv --reuid=65534 --regid=65534 --clear-groups curl -s --unix-socket "$SOCK" http://x/_ping
    chmod 0660 "$SOCK"
    chmod 0700 "$SOCKDIR"
    assert_success
    assert_output OK
}
