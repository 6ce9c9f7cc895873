#!/usr/bin/env bats
# minictr compose with x-minictr: {pod: true}: every service in one
# container, whose PID 1 is a service manager (src/svc.c).
#
# What is checked, from the kernel: that the services share the pod's
# net, pid, ipc and uts namespaces (the inodes of /proc/PID/ns/*) but not
# its mount namespace, and that each has its own root (a file of one
# image is absent from the other's); that each is in a child cgroup of
# the pod's with its own memory limit, which kills that service alone
# (the oom_kill count of its cgroup, the other's pid unchanged); that a
# service starts only after its dependency's health check passed (the
# mtime of the file the check looks for, against the start the manager
# recorded); that the control socket answers JSON-RPC 2.0 and rejects
# what is not; and that down, a kill -9 of the manager, of a service or
# of the monitor leaves nothing: no container, record, socket, cgroup,
# mount, link or network.
#
# minictr runs inside a network namespace of the test's own (lib/netns).

load lib/common
load lib/netns
bats_require_minimum_version 1.5.0

setup_file() {
    export MINICTR_ROOT=$BATS_FILE_TMPDIR/lib
    export MINICTR_STATE=$BATS_FILE_TMPDIR/state
    "$BIN/minictr" import "$IMAGE" busybox >/dev/null
    # a second image: busybox and one file of its own
    mkdir -p "$BATS_FILE_TMPDIR/ctx"
    printf 'FROM busybox\nRUN echo only-in-other > /only-in-other\n' \
        >"$BATS_FILE_TMPDIR/ctx/Dockerfile"
    MINICTR_NETWORK=none "$BIN/minictr" build -t other "$BATS_FILE_TMPDIR/ctx" >/dev/null
}

setup() {
    need_root
    need_cmd jq
    need_cmd socat
    MC=$BIN/minictr
    netns_make
    cd "$BATS_TEST_TMPDIR"
}

teardown() {
    local ids nets
    ids=$(mc ps -aq --no-trunc 2>/dev/null) || true
    [ -z "$ids" ] || timeout -k 5 30 "$MC" rm -f $ids >/dev/null 2>&1 || true
    nets=$(mc network ls 2>/dev/null | awk 'NR > 1 && $2 != "bridge" { print $2 }') || true
    for n in $nets; do mc network rm "$n" >/dev/null 2>&1 || true; done
    netns_remove
    run leftover_cgroups
    assert_output ""
}

# The pod's record (its id, PID 1, cgroups).
pod_id() { jq -r .id "$MINICTR_STATE"/*.json | head -1; }
pod_pid() { jq -r .pid "$MINICTR_STATE/$(pod_id).json"; }
pod_dir() { echo "$MINICTR_ROOT/containers/$(pod_id)"; }
rpc_sock() { echo "$MINICTR_STATE/$(pod_id).rpc.sock"; }

# rpc JSON: one request line to the service manager, its answer. By a
# relative path: bats's directories make the full one longer than
# sun_path's 108 bytes (minictr itself connects through /proc/self/fd).
rpc() {
    local sock
    sock=$(basename "$(rpc_sock)")
    (cd "$MINICTR_STATE" && printf '%s\n' "$1" | socat -t 2 - "UNIX-CONNECT:$sock")
}

# svc_pid NAME: the service's process, as the host sees it (a child of
# the pod's PID 1, in the service's cgroup).
svc_pid() {
    local p
    for p in $(pgrep -P "$(pod_pid)"); do
        grep -q "/$1\$" "/proc/$p/cgroup" 2>/dev/null && { echo "$p"; return; }
    done
}

# The service's cgroup in the memory hierarchy (v1), or cgroup2's.
mem_cgroup() {
    local d
    d=$(jq -r '.cgroups[]' "$MINICTR_STATE/$(pod_id).json" | grep /memory/ | head -1)
    [ -n "$d" ] || d=$(jq -r '.cgroups[0]' "$MINICTR_STATE/$(pod_id).json")
    echo "$d/$1"
}

# restarted NAME OLD: the service runs again, as another process.
restarted() {
    local p
    p=$(svc_pid "$1")
    [ -n "$p" ] && [ "$p" != "$2" ]
}

oom_kills() {
    cat "$1/memory.events" "$1/memory.oom_control" 2>/dev/null | awk '$1 == "oom_kill" { print $2 }'
}

our_mounts() {
    cat /proc/[0-9]*/mountinfo 2>/dev/null | grep -F "$MINICTR_ROOT/" | sort -u || true
}

links() {
    in_ns ip -o link show | awk -F': ' '$2 != "lo" { print $2 }'
}

nothing_left() {
    run mc ps -aq
    assert_output ""
    run find "$MINICTR_ROOT/containers" -mindepth 1 -maxdepth 1
    assert_output ""
    run find "$MINICTR_STATE" -name '*.json' -o -name '*.sock'
    assert_output ""
    run leftover_cgroups
    assert_output ""
    run our_mounts
    assert_output ""
    wait_until 5 test -z "$(links)" || fail "links left: $(links | tr '\n' ' ')"
    run -0 mc network ls
    run awk 'NR > 1 && $2 != "bridge"' <<<"$output"
    assert_output ""
}

two_services() {
    cat >compose.yaml <<'EOF'
name: duo
x-minictr:
  pod: true
services:
  db:
    image: busybox
    command: sh -c 'echo db starting; sleep 1.5; touch /tmp/ready; echo db ready; exec sleep 1000'
    healthcheck:
      test: ["CMD", "test", "-e", "/tmp/ready"]
      interval: 200ms
      retries: 50
  app:
    image: other
    depends_on:
      db:
        condition: service_healthy
    command: sh -c 'echo app started; exec sleep 1000'
    deploy:
      resources:
        limits:
          memory: 32m
EOF
}

@test "pod: one container, its PID 1 the service manager; both services share its net, pid, ipc and uts namespaces but each has its own root" {
    two_services
    run --separate-stderr mc compose up -d --wait
    [ "$status" -eq 0 ] || fail "up: $status: $stderr"
    # one container for the whole project
    run -0 mc ps -q
    [ "$(wc -l <<<"$output")" -eq 1 ] || fail "containers: $output"
    local one db app
    one=$(pod_pid)
    db=$(svc_pid db)
    app=$(svc_pid app)
    [ -n "$db" ] && [ -n "$app" ] || fail "no service process: db=$db app=$app"
    for ns in net pid ipc uts; do
        assert_equal "$(stat -L -c %i /proc/$db/ns/$ns)" "$(stat -L -c %i /proc/$one/ns/$ns)"
        assert_equal "$(stat -L -c %i /proc/$app/ns/$ns)" "$(stat -L -c %i /proc/$one/ns/$ns)"
    done
    # a mount namespace and a root each: app's image has a file db's has not
    [ "$(stat -L -c %i /proc/$db/ns/mnt)" != "$(stat -L -c %i /proc/$app/ns/mnt)" ]
    [ "$(stat -L -c %i /proc/$db/ns/mnt)" != "$(stat -L -c %i /proc/$one/ns/mnt)" ]
    assert_equal "$(cat /proc/$app/root/only-in-other)" only-in-other
    [ ! -e /proc/$db/root/only-in-other ]
    # the pod's /proc: ps inside either service shows both
    run -0 mc compose exec db ps -o pid,args
    assert_output --partial "sleep 1000"
    [ "$(grep -c 'sleep 1000' <<<"$output")" -eq 2 ] || fail "ps in db: $output"
    # each service dropped its privileges as a container's PID 1 does; the
    # manager kept its own (it mounts and pivots for them)
    for p in $db $app; do
        assert_equal "$(awk '/^NoNewPrivs/ { print $2 }' /proc/$p/status)" 1
        assert_equal "$(awk '/^Seccomp:/ { print $2 }' /proc/$p/status)" 2
        assert_equal "$(awk '/^CapBnd/ { print $2 }' /proc/$p/status)" 00000000a80425fb
    done
    # each in a child cgroup of the pod's, named by the service
    grep -q "minictr-$(pod_id)/db\$" /proc/$db/cgroup
    grep -q "minictr-$(pod_id)/app\$" /proc/$app/cgroup
    # service names are localhost: one network namespace
    run -0 mc compose exec app cat /etc/hosts
    assert_line --regexp '^127\.0\.0\.1.* db app'
}

@test "pod: app starts only after db's health check passed (the mtime of the file it tests, against app's start)" {
    two_services
    run --separate-stderr mc compose up -d --wait
    [ "$status" -eq 0 ] || fail "up: $status: $stderr"
    local ready app_start list
    ready=$(stat -c %.9Y "$(pod_dir)/services/db/upper/tmp/ready")
    list=$(rpc '{"jsonrpc":"2.0","id":1,"method":"list"}')
    app_start=$(jq -r '.result[] | select(.name == "app") | .started_at' <<<"$list")
    [ "$(date -d "$app_start" +%s%N)" -gt "$(tr -d . <<<"$ready")" ] ||
        fail "app started at $app_start, db ready at $ready"
    # the manager's own log says it in that order
    run -0 mc logs duo-pod
    [[ "$output" == *"app waits: db is not healthy yet"*"db is healthy"*"app started"* ]] ||
        fail "manager's log: $output"
    run -0 mc compose ps
    assert_line --regexp '^duo-pod +db +Up .*\(healthy\)'
    run -0 mc compose logs db
    assert_line --regexp '^db +\| db ready$'
}

@test "pod: a failing health check keeps its dependant waiting; ps says unhealthy; --wait fails" {
    cat >compose.yaml <<'EOF'
name: sick
x-minictr:
  pod: true
services:
  db:
    image: busybox
    command: sleep 1000
    healthcheck:
      test: ["CMD", "false"]
      interval: 100ms
      retries: 2
  app:
    image: busybox
    depends_on:
      db: {condition: service_healthy}
    command: sh -c 'echo app started; exec sleep 1000'
EOF
    run --separate-stderr mc compose up -d --wait
    [ "$status" -ne 0 ] || fail "--wait succeeded"
    [[ "$stderr" == *"db of pod sick-pod is unhealthy"* ]] || fail "$stderr"
    run -0 mc compose ps
    assert_line --regexp '^sick-pod +db +Up .*\(unhealthy\)'
    assert_line --regexp '^sick-pod +app +Waiting'
    # never started: no process in its cgroup, nothing in its log
    [ -z "$(svc_pid app)" ]
    [ ! -s "$(pod_dir)/services/app.log" ]
}

@test "pod: a service's memory limit is its cgroup's, and kills that service alone" {
    cat >compose.yaml <<'EOF'
name: hog
x-minictr:
  pod: true
services:
  db:
    image: busybox
    command: sleep 1000
  app:
    image: busybox
    command: sh -c 'sleep 1; x=$$(head -c 200000000 /dev/zero | tr "\0" a); echo survived'
    deploy:
      resources:
        limits:
          memory: 32m
EOF
    run --separate-stderr mc compose up -d
    [ "$status" -eq 0 ] || fail "up: $status: $stderr"
    wait_until 5 test -n "$(svc_pid db)" || fail "db did not start"
    local db cg
    db=$(svc_pid db)
    cg=$(mem_cgroup app)
    assert_equal "$(cat "$cg/memory.max" "$cg/memory.limit_in_bytes" 2>/dev/null)" 33554432
    [ "$(cat "$(mem_cgroup db)/memory.max" "$(mem_cgroup db)/memory.limit_in_bytes" 2>/dev/null)" != 33554432 ]
    wait_until 20 bash -c "mc() { nsenter --net=/proc/$TESTNS/ns/net $MC \"\$@\"; }; mc compose ps | grep -Eq '^hog-pod +app +Exited \(137\)'" ||
        fail "app not killed: $(mc compose ps)"
    [ "$(oom_kills "$cg")" -ge 1 ] || fail "no oom kill in app's cgroup"
    [ "$(oom_kills "$(mem_cgroup db)")" -eq 0 ]
    # db is the same process, still running
    assert_equal "$(svc_pid db)" "$db"
    run -0 mc compose logs app
    refute_output --partial survived
}

@test "pod: the control socket answers JSON-RPC 2.0 (list, restart, logs) and rejects what is not" {
    two_services
    run --separate-stderr mc compose up -d --wait
    [ "$status" -eq 0 ] || fail "up: $status: $stderr"
    # only root may talk to it
    assert_equal "$(stat -c %a "$(rpc_sock)")" 600
    run -0 rpc '{"jsonrpc":"2.0","id":1,"method":"list"}'
    assert_equal "$(jq -r '.jsonrpc, .id' <<<"$output" | tr '\n' ' ')" "2.0 1 "
    assert_equal "$(jq -r '[.result[].name] | join(",")' <<<"$output")" db,app
    assert_equal "$(jq -r '.result[0].health' <<<"$output")" healthy
    # restart: a new process, counted
    local old new
    old=$(svc_pid db)
    run -0 rpc '{"jsonrpc":"2.0","id":"r","method":"restart","params":{"service":"db"}}'
    assert_equal "$(jq -r .id <<<"$output")" r
    wait_until 10 restarted db "$old" || fail "db not restarted"
    [ ! -e /proc/$old ] || fail "the old db ($old) still runs"
    run -0 rpc '{"jsonrpc":"2.0","id":2,"method":"list"}'
    assert_equal "$(jq -r '.result[] | select(.name == "db") | .restarts' <<<"$output")" 1
    run -0 rpc '{"jsonrpc":"2.0","id":3,"method":"logs","params":{"service":"db"}}'
    [[ "$(jq -r .result.data <<<"$output")" == *"db ready"* ]]
    # errors, as the specification numbers them; each answers with an id
    run -0 rpc 'this is not json'
    assert_equal "$(jq -r '.error.code, .id' <<<"$output" | tr '\n' ' ')" "-32700 null "
    run -0 rpc '[1, 2]'
    assert_equal "$(jq -r .error.code <<<"$output")" -32600
    run -0 rpc '{"jsonrpc":"1.0","id":4,"method":"list"}'
    assert_equal "$(jq -r '.error.code, .id' <<<"$output" | tr '\n' ' ')" "-32600 4 "
    run -0 rpc '{"jsonrpc":"2.0","id":5,"method":"rm -rf"}'
    assert_equal "$(jq -r .error.code <<<"$output")" -32601
    run -0 rpc '{"jsonrpc":"2.0","id":6,"method":"stop","params":{"service":"nope"}}'
    assert_equal "$(jq -r .error.code <<<"$output")" -32602
    [ "$(jq 'has("result")' <<<"$output")" = false ]
    # and it still serves
    run -0 rpc '{"jsonrpc":"2.0","id":7,"method":"list"}'
    assert_equal "$(jq -r '.result | length' <<<"$output")" 2
}

@test "pod: a service that exits at once under restart: always backs off (100 ms, doubled) instead of spinning" {
    cat >compose.yaml <<'EOF'
name: spin
x-minictr:
  pod: true
services:
  bad:
    image: busybox
    command: "false"
    restart: always
EOF
    run --separate-stderr mc compose up -d
    [ "$status" -eq 0 ] || fail "up: $status: $stderr"
    sleep 3
    local n
    n=$(rpc '{"jsonrpc":"2.0","id":1,"method":"list"}' | jq '.result[0].restarts')
    # 100+200+400+800+1600 ms: 4 or 5 restarts in 3 s; a spin makes hundreds
    [ "$n" -ge 3 ] && [ "$n" -le 6 ] || fail "$n restarts in 3 s"
    run -0 mc logs spin-pod
    assert_output --partial "restart 3 in 400 ms"
}

# log_sizes FILE...: "name size" of each, as the kernel says (stat).
log_sizes() { stat -c '%n %s' "$@" 2>/dev/null || true; }

# within_limit DIR NAME: NAME.log and its rotated files in DIR are at
# most 3 and none is over 10 MiB (a container's default --log-opt).
within_limit() {
    local files
    files=$(ls "$1/$2".log* 2>/dev/null | wc -l)
    [ "$files" -le 3 ] || { echo "$files files: $(ls "$1")"; return 1; }
    log_sizes "$1/$2".log* | awk '$2 > 10485760 { print "too big: " $0; bad = 1 } END { exit bad }'
}

@test "pod: a service that prints fast has its log rotated by size (10 MiB, 3 files, a container's default); compose logs -f follows across the rotations; down removes the files" {
    # loud: 32.5 MB, more than the 3 files keep; steady: 22.1 MB (1700000
    # lines of 13 bytes), two rotations but nothing rotated away (small
    # enough for the VM's emulated cpus)
    cat >compose.yaml <<'EOF'
name: chatty
x-minictr:
  pod: true
services:
  loud:
    image: busybox
    command: sh -c 'echo minictr-first; yes minictr-line | head -c 32500000; echo minictr-last; exec sleep 1000'
  steady:
    image: busybox
    command: sh -c 'echo minictr-first; yes minictr-line | head -c 22100000; echo minictr-last; exec sleep 1000'
EOF
    run --separate-stderr mc compose up -d
    [ "$status" -eq 0 ] || fail "up: $status: $stderr"
    local dir follow
    dir=$(pod_dir)/services
    in_ns timeout 120 "$MC" compose logs -f steady >follow.out 2>&1 &
    follow=$!
    # while they write, and after: never more than 3 files of 10 MiB
    for _ in $(seq 300); do
        within_limit "$dir" loud || fail "loud: $(within_limit "$dir" loud)"
        within_limit "$dir" steady || fail "steady: $(within_limit "$dir" steady)"
        grep -qs minictr-last "$dir/loud.log" && grep -qs minictr-last "$dir/steady.log" && break
        sleep 0.1
    done
    grep -q minictr-last "$dir/loud.log" || fail "loud did not finish: $(log_sizes "$dir"/loud.log*)"
    grep -q minictr-last "$dir/steady.log" || fail "steady did not finish: $(log_sizes "$dir"/steady.log*)"
    within_limit "$dir" loud || fail "loud: $(within_limit "$dir" loud)"
    within_limit "$dir" steady || fail "steady: $(within_limit "$dir" steady)"
    # rotated: the oldest of loud's went; steady's first lines are kept
    [ -e "$dir/loud.log.1" ] && [ -e "$dir/loud.log.2" ] || fail "not rotated: $(ls "$dir")"
    [ -e "$dir/steady.log.2" ] || fail "not rotated: $(ls "$dir")"
    # each file begins with a whole line: compose logs prints the kept
    # ones, oldest first, every line whole, the last one last
    for f in "$dir"/loud.log* "$dir"/steady.log*; do
        [ "$(head -c 8 "$f")" = minictr- ] || fail "$f begins with '$(head -c 13 "$f")'"
    done
    in_ns "$MC" compose logs loud >loud.out || fail "compose logs loud: exit $?"
    run -0 grep -vnx 'loud | minictr-line' loud.out
    [[ "$output" =~ ^[0-9]+:"loud | minictr-last"$ ]] || fail "compose logs loud: $output"
    assert_equal "$(tail -n 1 loud.out)" "loud | minictr-last"
    # the follower found its file again after each rename: every line
    # once, in order, none cut
    wait_until 60 grep -q minictr-last follow.out || fail "follow: $(tail -n 3 follow.out)"
    assert_equal "$(head -n 1 follow.out)" "steady | minictr-first"
    assert_equal "$(tail -n 1 follow.out)" "steady | minictr-last"
    assert_equal "$(grep -c '^steady | minictr-line$' follow.out)" 1700000
    assert_equal "$(wc -l <follow.out)" 1700002
    run -0 mc compose down
    # the follower ends with its pod
    wait "$follow" || fail "compose logs -f: exit $?"
    nothing_left
}

@test "pod: kill -9 of a service: restarted by its policy, the other untouched; of the manager: the pod ends, all its services with it, and down leaves nothing" {
    cat >compose.yaml <<'EOF'
name: crash
x-minictr:
  pod: true
services:
  a:
    image: busybox
    command: sleep 1000
    restart: always
  b:
    image: busybox
    command: sleep 1000
EOF
    run --separate-stderr mc compose up -d --wait
    [ "$status" -eq 0 ] || fail "up: $status: $stderr"
    local a b
    a=$(svc_pid a)
    b=$(svc_pid b)
    kill -9 "$a"
    wait_until 5 restarted a "$a" || fail "a not restarted"
    assert_equal "$(svc_pid b)" "$b"
    a=$(svc_pid a)
    # the manager: its pid namespace goes with it
    kill -9 "$(pod_pid)"
    wait_until 5 test ! -e /proc/$a -a ! -e /proc/$b || fail "services outlived the manager"
    wait_until 5 bash -c "nsenter --net=/proc/$TESTNS/ns/net $MC ps -a | grep -q 'Exited (137)'" ||
        fail "pod: $(mc ps -a)"
    run -0 mc compose down
    nothing_left
}

@test "pod: kill -9 of the monitor at random moments of up, then down: nothing left" {
    two_services
    for delay in 0.05 0.2 0.6 1.2 2.5; do
        local up m
        mc compose up -d >/dev/null 2>&1 &
        up=$!
        sleep "$delay"
        m=$(jq -r .monitor_pid "$MINICTR_STATE"/*.json 2>/dev/null | head -1)
        [ -z "$m" ] || [ "$m" = null ] || kill -9 "$m" 2>/dev/null || true
        # (wait without a pid would wait for bats' own timer too)
        wait "$up" || true
        run -0 mc compose down
        nothing_left
    done
}

@test "pod: bad input is refused before anything is made, with its line (anonymous volume, unknown image, dependency cycle)" {
    cat >compose.yaml <<'EOF'
name: bad
x-minictr:
  pod: true
services:
  db:
    image: busybox
    command: sleep 1000
    volumes:
      - /var/lib/db
EOF
    run -125 --separate-stderr mc compose up -d
    assert_equal "$stderr" "minictr: compose.yaml:9: services.db: an anonymous volume in a pod: give it a name (NAME:/path, and NAME in the top-level volumes:)"
    nothing_left
    cat >compose.yaml <<'EOF'
name: bad
x-minictr:
  pod: true
services:
  a:
    image: busybox
    command: sleep 1000
  b:
    image: nosuchimage
    command: sleep 1000
EOF
    run -125 --separate-stderr mc compose up -d
    [[ "$stderr" == *"compose.yaml:9: services.b: no image 'nosuchimage'"* ]] || fail "$stderr"
    nothing_left
    cat >compose.yaml <<'EOF'
name: bad
x-minictr: {pod: true}
services:
  a:
    image: busybox
    depends_on: [b]
  b:
    image: busybox
    depends_on: [a]
EOF
    run -125 --separate-stderr mc compose up -d
    [[ "$stderr" == "minictr: compose.yaml:9: services.b.depends_on.a: a dependency cycle: a -> b -> a" ]] || fail "$stderr"
    nothing_left
}

@test "pod: down stops every service (SIGTERM first) and leaves nothing: container, record, sockets, cgroups, mounts, links, network" {
    cat >compose.yaml <<'EOF'
name: bye
x-minictr:
  pod: true
volumes:
  data: {}
services:
  db:
    image: busybox
    command: sh -c 'trap "echo got TERM > /data/term; exit 0" TERM; while true; do sleep 0.1; done'
    volumes:
      - data:/data
  app:
    image: other
    command: sleep 1000
    volumes:
      - data:/shared
EOF
    run --separate-stderr mc compose up -d --wait
    [ "$status" -eq 0 ] || fail "up: $status: $stderr"
    # a named volume is one directory in both services
    run -0 mc compose exec app sh -c 'echo hi > /shared/hello'
    assert_equal "$(mc compose exec db cat /data/hello)" hi
    [ -S "$(rpc_sock)" ]
    run -0 mc compose down
    assert_equal "$(cat "$MINICTR_ROOT/volumes/bye_data/_data/term" 2>/dev/null || cat "$MINICTR_ROOT"/volumes/bye_data/*/term)" "got TERM"
    nothing_left
    mc volume rm bye_data >/dev/null
}
