#!/usr/bin/env bats
# minictr compose (a container per service) and the health checks it waits
# on (run --health-cmd and friends).
#
# What is checked, from the kernel and the records: the order services
# start in (each container's start time against its dependency's first
# passing probe, and the times of their log lines), that a failing check
# keeps a dependant from being made at all, that a service reaches another
# by its name over the project's bridge (TCP and ICMP to the address on
# the other's eth0, read in its network namespace), that a probe runs in
# the container's own pid and mount namespaces and that a probe past its
# timeout is killed; and that down, or a file refused, leaves nothing:
# no container, record, socket, cgroup, mount, link, nftables table,
# network or volume.
#
# Every test runs minictr inside a network namespace of its own (made by
# setup, gone at teardown): the project's bridge and veths never touch the
# host's namespace, and two runs of this file never see each other.

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
    need_cmd jq
    MC=$BIN/minictr
    netns_make
    cd "$BATS_TEST_TMPDIR"
}

teardown() {
    local ids nets vols
    ids=$(mc ps -aq --no-trunc 2>/dev/null) || true
    [ -z "$ids" ] || timeout -k 5 30 "$MC" rm -f $ids >/dev/null 2>&1 || true
    nets=$(mc network ls 2>/dev/null | awk 'NR > 1 && $2 != "bridge" { print $2 }') || true
    for n in $nets; do mc network rm "$n" >/dev/null 2>&1 || true; done
    vols=$(mc volume ls 2>/dev/null | awk 'NR > 1 { print $2 }') || true
    for v in $vols; do mc volume rm "$v" >/dev/null 2>&1 || true; done
    netns_remove
    run leftover_cgroups
    assert_output ""
    run our_mounts
    assert_output ""
}


field() {
    mc inspect -f "{{.$2}}" "$1"
}

# ns_of NAME KIND: the inode of the container's namespace of that kind.
ns_of() {
    stat -L -c %i "/proc/$(field "$1" pid)/ns/$2"
}

# ns TIME: an RFC 3339 time in nanoseconds since the epoch.
ns() {
    date -d "$1" +%s%N
}

# Mounts of ours anywhere (a container's overlay is in its own mount
# namespace; when it is gone, so is the mount).
our_mounts() {
    cat /proc/[0-9]*/mountinfo 2>/dev/null | grep -F "$MINICTR_ROOT/" | sort -u || true
}

# Links of the test's namespace other than lo (bridges, veths).
links() {
    in_ns ip -o link show | awk -F': ' '$2 != "lo" { print $2 }'
}

tables() {
    in_ns nft list tables | grep minictr || true
}

# Nothing of any project is left: containers and their directories,
# records and sockets, cgroups, mounts, the bridge and veths (a veth goes
# with its namespace, which the kernel tears down a few ms after the
# container ends: up to 5 s), nftables tables, networks, volumes.
nothing_left() {
    run mc ps -aq
    assert_output ""
    # (a first test that is refused may run before any container made
    # these directories: no directory, nothing in it)
    run find "$MINICTR_ROOT/containers" -mindepth 1 -maxdepth 1
    [ ! -d "$MINICTR_ROOT/containers" ] || assert_output ""
    run find "$MINICTR_STATE" -name '*.json' -o -name '*.sock'
    [ ! -d "$MINICTR_STATE" ] || assert_output ""
    run leftover_cgroups
    assert_output ""
    run our_mounts
    assert_output ""
    wait_until 5 test -z "$(links)" || fail "links left: $(links | tr '\n' ' ')"
    run tables
    assert_output ""
    run -0 mc network ls
    run awk 'NR > 1 && $2 != "bridge"' <<<"$output"
    assert_output ""
    run find "$MINICTR_ROOT/networks" -name '*.json' ! -name bridge.json
    [ ! -d "$MINICTR_ROOT/networks" ] || assert_output ""
    run find "$MINICTR_ROOT/volumes" -mindepth 1 -maxdepth 1
    [ ! -d "$MINICTR_ROOT/volumes" ] || assert_output ""
}

# ---- start order ----------------------------------------------------------

# bats test_tags=lab:compose-2
@test "compose: app waits for db's health check (service_healthy): it starts after db's first passing probe, never before" {
    cat >compose.yaml <<'EOF'
name: order
services:
  db:
    image: busybox
    command: sh -c 'echo db starting; sleep 2; touch /tmp/ready; echo db ready; exec sleep 1000'
    healthcheck:
      test: ["CMD", "test", "-e", "/tmp/ready"]
      interval: 200ms
      timeout: 2s
      retries: 50
  app:
    image: busybox
    depends_on:
      db:
        condition: service_healthy
    command: sh -c 'echo app started; exec sleep 1000'
EOF
    run --separate-stderr mc compose up -d
    [ "$status" -eq 0 ] || fail "up: $status: $stderr"
    # Compose's progress: db healthy before app is even made
    [[ "$stderr" == *"order-db-1  Healthy"*"order-app-1  Created"* ]] ||
        fail "progress: $stderr"

    local db_start app_start first_pass ready_at app_at
    db_start=$(ns "$(field order-db-1 started)")
    app_start=$(ns "$(field order-app-1 started)")
    first_pass=$(mc inspect order-db-1 |
        jq -r '.[0].health.log | map(select(.exit_code == 0)) | .[0].end')
    [ "$first_pass" != null ] || fail "db never passed a probe"
    first_pass=$(ns "$first_pass")
    # the probes before it failed: the file was not there yet
    run -0 bash -c "'$MC' inspect order-db-1 | jq '.[0].health.log | map(select(.exit_code != 0)) | length'"
    [ "$output" -ge 1 ] || fail "no failing probe before the first pass"
    [ "$((app_start - db_start))" -ge 2000000000 ] ||
        fail "app started $(((app_start - db_start) / 1000000)) ms after db"
    [ "$app_start" -gt "$first_pass" ] ||
        fail "app started before db's first passing probe"

    # the same from the logs' own times
    run -0 mc compose logs -t
    ready_at=$(printf '%s\n' "$output" | awk '/db ready/ { print $3; exit }')
    app_at=$(printf '%s\n' "$output" | awk '/app started/ { print $3; exit }')
    [ -n "$ready_at" ] && [ -n "$app_at" ] || fail "logs: $output"
    [ "$(ns "$app_at")" -gt "$(ns "$ready_at")" ] ||
        fail "app's first line $app_at is before db's 'ready' $ready_at"

    # one service's log only
    run -0 mc compose logs db
    assert_output --partial "db ready"
    refute_output --partial "app started"

    # both run, in namespaces of their own
    [ "$(ns_of order-db-1 pid)" != "$(ns_of order-app-1 pid)" ]
    [ "$(ns_of order-db-1 net)" != "$(ns_of order-app-1 net)" ]
    run -0 mc compose ps
    assert_line --regexp '^order-db-1 .* Up .*\(healthy\)'
    assert_line --regexp '^order-app-1 .* Up '

    run mc compose down -t 1
    assert_success
    nothing_left
}

# bats test_tags=lab:compose-2,lab:compose-3
@test "compose: a failing health check keeps its dependants from being made; ps shows it unhealthy" {
    cat >compose.yaml <<'EOF'
name: sick
services:
  db:
    image: busybox
    command: sleep 1000
    healthcheck:
      test: ["CMD-SHELL", "echo not yet; exit 3"]
      interval: 200ms
      retries: 3
  app:
    image: busybox
    depends_on:
      db:
        condition: service_healthy
    command: sleep 1000
  web:
    image: busybox
    depends_on: [app]
    command: sleep 1000
EOF
    # up gives up at once (db is unhealthy after 3 probes, under a second):
    # an up that waits on is stopped long before that matters
    run --separate-stderr timeout 20 nsenter --net="/proc/$TESTNS/ns/net" "$MC" compose up -d
    assert_failure 125
    [[ "$stderr" == *"sick-db-1 is unhealthy"* ]] || fail "stderr: $stderr"
    # app and web were never made: no record, no directory, no process
    run -0 mc ps -a
    run awk 'NR > 1 { print $NF }' <<<"$output"
    assert_output "sick-db-1"
    [ "$(find "$MINICTR_ROOT/containers" -mindepth 1 -maxdepth 1 | wc -l)" -eq 1 ]

    run -0 mc compose ps
    assert_line --regexp '^sick-db-1 .* Up .*\(unhealthy\)'
    run -0 mc inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' sick-db-1
    assert_output --regexp '^unhealthy ([3-9]|[1-9][0-9]+)$'
    run -0 bash -c "'$MC' inspect sick-db-1 | jq -r '.[0].health.log[-1] | \"\(.exit_code) \(.output)\"'"
    assert_output "3 not yet"

    run mc compose down -t 1
    assert_success
    nothing_left
}

# ---- the project network ------------------------------------------------

@test "compose: services reach each other by service name on the project network; down -v leaves nothing" {
    cat >compose.yaml <<'EOF'
services:
  db:
    image: busybox
    command: nc -ll -p 5432 -e echo pong
    volumes:
      - data:/var/lib/db
  app:
    image: busybox
    depends_on: [db]
    command: sleep 1000
volumes:
  data:
EOF
    run mc compose -p net up -d
    assert_success
    # the bridge: both veths on it, in our namespace only
    local br
    br=$(mc network inspect net_default | jq -r '.[0].Options["com.docker.network.bridge.name"]')
    run -0 in_ns ip -o link show master "$br"
    [ "$(printf '%s\n' "$output" | grep -c mctr-)" -eq 2 ] || fail "$output"
    # db's address, read in its own network namespace
    local dbip
    dbip=$(nsenter --net="/proc/$(field net-db-1 pid)/ns/net" ip -4 -o addr show eth0 |
        awk '{ split($4, a, "/"); print a[1] }')
    [ -n "$dbip" ]
    # by name, from app: ICMP to that address, and a TCP answer
    run -0 mc compose -p net exec app ping -c 1 -W 2 db
    assert_output --partial "PING db ($dbip)"
    assert_output --partial "1 packets received"
    run -0 wait_until 5 bash -c "[ \"\$('$MC' compose -p net exec app nc db 5432 </dev/null)\" = pong ]"
    # the named volume is the project's
    run -0 mc volume ls
    assert_line --regexp '^local +net_data$'

    run -0 mc network ls
    assert_output --partial "net_default"

    run mc compose -p net down -v -t 1
    assert_success
    assert_output --partial "Network net_default  Removed"
    nothing_left
}

@test "compose: up without -d follows the logs of every service; Ctrl-C stops them all (newest first) and keeps them for down" {
    cat >compose.yaml <<'EOF'
services:
  a:
    image: busybox
    command: sh -c 'echo a says hi; exec sleep 1000'
  b:
    image: busybox
    depends_on: [a]
    command: sh -c 'echo b says hi; exec sleep 1000'
EOF
    nsenter --net="/proc/$TESTNS/ns/net" "$MC" compose -p att up >out 2>err &
    local up=$!
    wait_until 10 grep -q "att-b-1 *| b says hi" out || fail "$(cat out err)"
    grep -q "att-a-1 *| a says hi" out || fail "$(cat out)"
    local a b
    a=$(field att-a-1 pid)
    b=$(field att-b-1 pid)
    kill -INT "$up"
    local rc=0
    wait "$up" || rc=$?
    [ "$rc" -eq 0 ] || fail "up exited $rc: $(cat err)"
    grep -q "Gracefully stopping" err || fail "$(cat err)"
    # both stopped, their processes gone; b (the dependant) before a
    [ ! -d "/proc/$a" ] && [ ! -d "/proc/$b" ]
    [ "$(field att-a-1 status)" = exited ]
    [ "$(field att-b-1 status)" = exited ]
    [ "$(ns "$(field att-b-1 finished)")" -le "$(ns "$(field att-a-1 finished)")" ]
    run mc compose -p att down -t 1
    assert_success
    nothing_left
}

# ---- a service's settings, as the kernel has them --------------------------

# cg_file NAME FILE: the first of the container's cgroups that has FILE, and
# its value.
cg_file() {
    local d
    for d in $(mc inspect "$1" | jq -r '.[0].cgroups[]'); do
        [ -f "$d/$2" ] && { cat "$d/$2"; return 0; }
    done
    return 1
}

@test "compose: environment (map and list), working_dir, user, a read-only bind, deploy limits reach the kernel; up again leaves them running" {
    mkdir data
    echo here >data/file
    cat >compose.yaml <<'EOF'
services:
  s:
    image: busybox
    command: ["sleep", "1000"]
    environment:
      GREETING: hello
      EMPTY: ""
    working_dir: /tmp
    user: "1000:1001"
    volumes:
      - ./data:/data:ro
    deploy:
      resources:
        limits:
          memory: 64M
          pids: 50
  t:
    image: busybox
    command: sleep 1000
    environment:
      - MODE=list
EOF
    run mc compose -p set up -d
    assert_success
    local s t
    s=$(field set-s-1 pid)
    t=$(field set-t-1 pid)
    run -0 bash -c "tr '\\0' '\\n' </proc/$s/environ"
    assert_line GREETING=hello
    assert_line EMPTY=
    run -0 bash -c "tr '\\0' '\\n' </proc/$t/environ"
    assert_line MODE=list
    # its cwd is the /tmp of its own root
    [ "$(stat -L -c %d:%i /proc/$s/cwd)" = "$(stat -L -c %d:%i /proc/$s/root/tmp)" ]
    run -0 grep -E '^(Uid|Gid):' /proc/$s/status
    assert_line --regexp '^Uid:\s+1000\s+1000\s+1000\s+1000$'
    assert_line --regexp '^Gid:\s+1001\s+1001\s+1001\s+1001$'
    # the bind, read-only, in its mount namespace
    run -0 awk '$5 == "/data" { print $6 }' /proc/$s/mountinfo
    assert_output --regexp '^ro(,|$)'
    [ "$(cat /proc/$s/root/data/file)" = here ]
    # the limits, in the container's cgroups (v2's files or v1's)
    local mem pids
    mem=$(cg_file set-s-1 memory.max || cg_file set-s-1 memory.limit_in_bytes)
    pids=$(cg_file set-s-1 pids.max)
    [ "$mem" = 67108864 ] || fail "memory limit: '$mem'"
    [ "$pids" = 50 ] || fail "pids limit: '$pids'"

    # up again: both are running, left as they are
    run --separate-stderr mc compose -p set up -d
    assert_success
    [[ "$stderr" == *"set-s-1  Running"* ]] || fail "$stderr"
    [ "$(field set-s-1 pid)" = "$s" ]
    [ "$(field set-t-1 pid)" = "$t" ]

    run mc compose -p set down -t 1
    assert_success
    nothing_left
    [ "$(cat data/file)" = here ]
}

# bats test_tags=lab:compose-2
@test "compose: service_completed_successfully waits for a one-shot job to exit 0; a job that fails stops its dependants" {
    cat >compose.yaml <<'EOF'
services:
  migrate:
    image: busybox
    command: sh -c 'sleep 1; echo migrated'
  app:
    image: busybox
    command: sh -c 'echo app started; exec sleep 1000'
    depends_on:
      migrate:
        condition: service_completed_successfully
EOF
    run mc compose -p job up -d
    assert_success
    [ "$(field job-migrate-1 status)" = exited ]
    [ "$(field job-migrate-1 exit_code)" = 0 ]
    [ "$(ns "$(field job-app-1 started)")" -gt "$(ns "$(field job-migrate-1 finished)")" ]
    run mc compose -p job down -t 1
    assert_success
    nothing_left

    sed -i "s/echo migrated'/exit 4'/" compose.yaml
    run --separate-stderr mc compose -p job up -d
    assert_failure 125
    [[ "$stderr" == *"job-migrate-1 didn't complete successfully: exit 4"* ]] || fail "$stderr"
    run -0 mc ps -a
    refute_output --partial job-app-1
    run mc compose -p job down -t 1
    assert_success
    nothing_left
}

# bats test_tags=lab:compose-2
@test "compose: a dependency that exits while its dependant waits for it to be healthy fails up at once; the dependant is never made" {
    cat >compose.yaml <<'EOF'
services:
  db:
    image: busybox
    command: sh -c 'sleep 0.5; exit 3'
    healthcheck:
      test: ["CMD", "false"]
      interval: 10s
  app:
    image: busybox
    depends_on:
      db:
        condition: service_healthy
    command: sleep 1000
EOF
    local start=$SECONDS
    run --separate-stderr timeout 20 nsenter --net="/proc/$TESTNS/ns/net" "$MC" compose -p gone up -d
    assert_failure 125
    [[ "$stderr" == *"dependency failed to start: container gone-db-1 exited (3)"* ]] || fail "$stderr"
    [ $((SECONDS - start)) -lt 10 ] || fail "up took $((SECONDS - start)) s"
    [ "$(field gone-db-1 status)" = exited ]
    [ "$(field gone-db-1 exit_code)" = 3 ]
    run -0 mc ps -a
    refute_output --partial gone-app-1
    [ "$(find "$MINICTR_ROOT/containers" -mindepth 1 -maxdepth 1 | wc -l)" -eq 1 ]
    run mc compose -p gone down -t 1
    assert_success
    nothing_left
}

# ---- bad input: refused before anything is made --------------------------

# refused FILE LINE TEXT: up refuses the file with "FILE:LINE:" and TEXT,
# exit 125, and nothing is made. The error is the first line, and it
# names one place: the one that is wrong.
refused() {
    run --separate-stderr mc compose -f "$1" -p bad up -d
    assert_failure 125
    [[ "$stderr" == "minictr: $1:$2: "* ]] || fail "not 'minictr: $1:$2: ...' first: $stderr"
    [ "$(grep -o "$1:[0-9]*:" <<<"$stderr" | wc -l)" -eq 1 ] || fail "more than one place: $stderr"
    [[ "$stderr" == *"$3"* ]] || fail "no '$3' in: $stderr"
    [[ "$stderr" != *Created* ]] || fail "something was made: $stderr"
    nothing_left
}

# bats test_tags=lab:compose-1
@test "compose: bad input is refused with its line before anything starts: a dependency cycle, an unknown dependency" {
    cat >cycle.yaml <<'EOF'
services:
  a:
    image: busybox
    volumes: [v:/v]
    depends_on: [c]
  b:
    image: busybox
    depends_on: [a]
  c:
    image: busybox
    depends_on:
      b:
        condition: service_started
volumes:
  v:
EOF
    refused cycle.yaml 8 "a dependency cycle: a -> c -> b -> a"
    cat >unknown.yaml <<'EOF'
services:
  app:
    image: busybox
    depends_on:
      - db
      - cache
  db:
    image: busybox
EOF
    refused unknown.yaml 6 "no service 'cache' in the file"
}

# bats test_tags=lab:compose-1
@test "compose: a diamond (two paths to one service) is no cycle: it starts, the shared one first; a cycle below another service, or a service that needs itself, is named from where it closes" {
    cat >diamond.yaml <<'EOF'
services:
  a:
    image: busybox
    command: sleep 1000
    depends_on: [b, c]
  b:
    image: busybox
    command: sleep 1000
    depends_on: [d]
  c:
    image: busybox
    command: sleep 1000
    depends_on: [d]
  d:
    image: busybox
    command: sleep 1000
EOF
    run --separate-stderr mc compose -f diamond.yaml -p dia up -d
    [ "$status" -eq 0 ] || fail "a diamond was refused: $stderr"
    # each one started after what it depends on: the records' start times,
    # and the kernel's (field 22 of /proc/PID/stat, in clock ticks) agree
    local x t=()
    for x in a b c d; do
        t+=("$(ns "$(field "dia-$x-1" started)")")
        [ -d "/proc/$(field "dia-$x-1" pid)" ] || fail "dia-$x-1 does not run"
    done
    [ "${t[3]}" -lt "${t[1]}" ] && [ "${t[3]}" -lt "${t[2]}" ] || fail "d did not start first: ${t[*]}"
    [ "${t[1]}" -lt "${t[0]}" ] && [ "${t[2]}" -lt "${t[0]}" ] || fail "a started before b or c: ${t[*]}"
    [ "$(awk '{ print $22 }' "/proc/$(field dia-d-1 pid)/stat")" -le \
        "$(awk '{ print $22 }' "/proc/$(field dia-a-1 pid)/stat")" ]
    run mc compose -f diamond.yaml -p dia down -t 1
    assert_success
    nothing_left

    cat >tail.yaml <<'EOF'
services:
  x:
    image: busybox
    depends_on: [a]
  a:
    image: busybox
    depends_on: [b]
  b:
    image: busybox
    depends_on: [a]
EOF
    refused tail.yaml 10 "services.b.depends_on.a: a dependency cycle: a -> b -> a"
    cat >self.yaml <<'EOF'
services:
  ok:
    image: busybox
  me:
    image: busybox
    depends_on: [ok, me]
EOF
    refused self.yaml 6 "services.me.depends_on.me: a dependency cycle: me -> me"
}

@test "compose: bad input is refused with its line before anything starts: an image that does not exist, a host port published twice" {
    cat >image.yaml <<'EOF'
services:
  db:
    image: busybox
    command: sleep 1
    volumes: [data:/d]
  app:
    image: no-such-image:1.0
volumes:
  data:
EOF
    refused image.yaml 7 "no-such-image"
    cat >ports.yaml <<'EOF'
services:
  web:
    image: busybox
    command: sleep 1
    ports: ["8080:80"]
  api:
    image: busybox
    command: sleep 1
    ports:
      - "9090:90"
      - "127.0.0.1:8080:81"
EOF
    refused ports.yaml 11 "host port 8080/tcp is published twice: also by services.web.ports[0] (line 5)"
}

@test "compose: bad input is refused with its line before anything starts: bad YAML, an unknown key, a bad type (in x-minictr too)" {
    printf 'services:\n  app:\n    image: busybox\n    command: "sleep 1\n  db:\n' >yaml.yaml
    run --separate-stderr mc compose -f yaml.yaml -p bad up -d
    assert_failure 125
    [[ "$stderr" == *"yaml.yaml:"[4-6]":"* ]] || fail "no line in: $stderr"
    nothing_left
    cat >key.yaml <<'EOF'
services:
  app:
    image: busybox
    comand: sleep 1
EOF
    refused key.yaml 4 "comand"
    cat >type.yaml <<'EOF'
services:
  app:
    image: busybox
    healthcheck:
      test: ["CMD", "true"]
      retries: many
EOF
    refused type.yaml 6 "retries"
    cat >pod.yaml <<'EOF'
x-minictr:
  pod: maybe
services:
  app:
    image: busybox
EOF
    refused pod.yaml 2 "pod"
}

@test "compose: a user who is not root is refused (no rootless networks yet), and nothing of theirs is made" {
    need_cmd setpriv
    # a directory the user can reach (bats's own are root's alone)
    local d
    d=$(mktemp -d /tmp/minictr-compose-user.XXXXXX)
    chmod 755 "$d"
    printf 'services:\n  a:\n    image: busybox\n' >"$d/compose.yaml"
    chmod 644 "$d/compose.yaml"
    run bash -c "cd '$d' && setpriv --reuid=65534 --regid=65534 --clear-groups \
        env HOME='$d' MINICTR_ROOT='$d/lib' MINICTR_STATE='$d/state' '$MC' compose up -d"
    local left
    left=$(find "$d" -mindepth 1 ! -name compose.yaml)
    rm -rf "$d"
    assert_failure 125
    assert_output --partial "compose needs root for now"
    [ -z "$left" ] || fail "made: $left"
}

# ---- restarts ------------------------------------------------------------

@test "compose: a restart: always service that exits at once backs off (100 ms, doubled) instead of spinning" {
    cat >compose.yaml <<'EOF'
services:
  flap:
    image: busybox
    command: echo ran
    restart: always
EOF
    run mc compose -p flap up -d
    assert_success
    sleep 3.5
    local n
    n=$(field flap-flap-1 restart_count)
    # 100 + 200 + 400 + 800 + 1600 ms: about 5 restarts in 3.5 s; a loop
    # without backoff would have made hundreds
    [ "$n" -ge 3 ] && [ "$n" -le 7 ] || fail "$n restarts in 3.5 s"
    # the gaps between runs grow: the last one at least 4 times the first
    run -0 mc compose -p flap logs -t
    printf '%s\n' "$output" | awk '{ print $3 }' | while read -r t; do ns "$t"; done >times
    run awk 'NR > 1 { g[NR - 1] = $1 - prev } { prev = $1 }
        END { n = length(g); if (n < 3 || g[n] < 4 * g[1]) { print "gaps:"; for (i = 1; i <= n; i++) print g[i]; exit 1 } }' times
    assert_success
    run mc compose -p flap down -t 1
    assert_success
    nothing_left
}

@test "compose: faults: kill -9 of one service restarts it by policy, the other untouched; kill -9 of a monitor, and down still leaves nothing" {
    cat >compose.yaml <<'EOF'
services:
  db:
    image: busybox
    command: sleep 1000
    restart: on-failure
  app:
    image: busybox
    depends_on: [db]
    command: sleep 1000
EOF
    run mc compose -p fault up -d
    assert_success
    local db app
    db=$(field fault-db-1 pid)
    app=$(field fault-app-1 pid)
    kill -KILL "$db"
    wait_until 10 bash -c "p=\$(nsenter --net=/proc/$TESTNS/ns/net '$MC' inspect -f '{{.pid}}' fault-db-1); [ \"\$p\" -gt 0 ] && [ \"\$p\" != $db ]" ||
        fail "db did not come back"
    run -0 field fault-db-1 restart_count
    assert_output 1
    [ "$(field fault-app-1 pid)" = "$app" ]
    [ -d "/proc/$app" ]
    # ps lists the services by name
    run -0 mc compose -p fault ps
    [ "$(awk 'NR > 1 { print $3 }' <<<"$output" | tr '\n' ' ')" = "app db " ] || fail "$output"
    # restart: a new process, running
    run mc compose -p fault restart app
    assert_success
    [ "$(field fault-app-1 pid)" != "$app" ]
    [ "$(field fault-app-1 status)" = running ]
    app=$(field fault-app-1 pid)
    [ "$app" -gt 0 ] && [ -d "/proc/$app" ]
    # app's monitor dies: down must still clean up after it
    kill -KILL "$(field fault-app-1 monitor_pid)"
    run mc compose -p fault down -t 1
    assert_success
    nothing_left
}

# ---- run --health-cmd -----------------------------------------------------

# bats test_tags=lab:compose-3
@test "health: --health-cmd runs in the container's namespaces; starting, then healthy once it passes" {
    run -0 mc run -d --name h --health-cmd 'readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt; test -e /tmp/ok' \
        --health-interval 200ms --health-retries 100 busybox sh -c 'sleep 1.5; touch /tmp/ok; exec sleep 1000'
    run -0 mc inspect -f '{{.State.Health.Status}}' h
    assert_output starting
    run -0 mc ps
    assert_output --partial "(health: starting)"
    wait_until 6 bash -c "[ \"\$(nsenter --net=/proc/$TESTNS/ns/net '$MC' inspect -f '{{.State.Health.Status}}' h)\" = healthy ]" ||
        fail "never healthy: $(mc inspect -f '{{.State.Health.Status}}' h)"
    run -0 mc ps
    assert_output --partial "(healthy)"
    # the probe's own /proc: the container's pid and mount namespaces
    local pid
    pid=$(field h pid)
    run -0 bash -c "'$MC' inspect h | jq -r '.[0].health.log[-1].output'"
    assert_line "pid:[$(stat -L -c %i /proc/$pid/ns/pid)]"
    assert_line "mnt:[$(stat -L -c %i /proc/$pid/ns/mnt)]"
    refute_output --partial "pid:[$(stat -L -c %i /proc/self/ns/pid)]"
    run -0 mc inspect -f '{{.State.Health.FailingStreak}}' h
    assert_output 0
    run -0 mc rm -f h
    nothing_left
}

# bats test_tags=lab:compose-3
@test "health: a probe past --health-timeout is killed and counts as a failure; --health-retries failures make it unhealthy" {
    run -0 mc run -d --name h --health-cmd 'sleep 77' --health-timeout 300ms \
        --health-interval 100ms --health-retries 2 busybox sleep 1000
    wait_until 10 bash -c "[ \"\$(nsenter --net=/proc/$TESTNS/ns/net '$MC' inspect -f '{{.State.Health.Status}}' h)\" = unhealthy ]" ||
        fail "never unhealthy: $(mc inspect -f '{{.State.Health.Status}}' h)"
    run -0 bash -c "'$MC' inspect h | jq -r '.[0].health.log[0] | \"\(.exit_code) \(.output)\"'"
    assert_output "-1 Health check exceeded timeout (300ms)"
    # the killed probes' sleeps are gone: only what runs between two
    # probes may be there (at most the one running now)
    local pidns n
    pidns=$(ns_of h pid)
    n=0
    for p in /proc/[0-9]*; do
        [ "$(stat -L -c %i "$p/ns/pid" 2>/dev/null)" = "$pidns" ] || continue
        [ "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" = "sleep 77 " ] && n=$((n + 1))
    done
    [ "$n" -le 1 ] || fail "$n probes still run"
    run -0 mc ps
    assert_output --partial "(unhealthy)"
    run -0 mc rm -f h
    nothing_left
}

# bats test_tags=lab:compose-3
@test "health: failures within --health-start-period do not count; after it they do" {
    run -0 mc run -d --name h --health-cmd false --health-interval 100ms \
        --health-retries 1 --health-start-period 2s busybox sleep 1000
    sleep 1
    # probes ran and failed, but the container is still starting
    run -0 mc inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' h
    assert_output "starting 0"
    run -0 bash -c "'$MC' inspect h | jq '[.[0].health.log[] | select(.exit_code == 1)] | length'"
    [ "$output" -ge 3 ] || fail "$output failed probes in 1 s"
    wait_until 5 bash -c "[ \"\$(nsenter --net=/proc/$TESTNS/ns/net '$MC' inspect -f '{{.State.Health.Status}}' h)\" = unhealthy ]" ||
        fail "never unhealthy"
    run -0 mc rm -f h
    nothing_left
}

# health_seq NAME RETRIES START_PERIOD RESULTS...: a container whose probe
# exits with each of RESULTS in turn (it counts itself in the container's
# /tmp/n), then hangs (sleep 999, timeout 1 min): the record then stays as
# the last result left it.
health_seq() {
    local name=$1 retries=$2 period=$3
    shift 3
    mc run -d --name "$name" --health-interval 100ms --health-timeout 60s \
        --health-retries "$retries" --health-start-period "$period" \
        --health-cmd "n=\$(cat /tmp/n 2>/dev/null || echo 0); echo \$((n + 1)) >/tmp/n; set -- $* H; shift \$n; [ \"\$1\" != H ] || exec sleep 999; exit \$1" \
        busybox sleep 1000 >/dev/null
}

# settled NAME N: the N-th probe (the one that hangs) runs, in the
# container's pid namespace: the results before it are in the record
# (the monitor writes each one before the next probe starts).
settled() {
    local pid pidns i p
    pid=$(field "$1" pid)
    pidns=$(stat -L -c %i "/proc/$pid/ns/pid")
    for ((i = 0; i < 200; i++)); do
        [ "$(cat "/proc/$pid/root/tmp/n" 2>/dev/null)" != "$2" ] || break
        sleep 0.05
    done
    [ "$(cat "/proc/$pid/root/tmp/n" 2>/dev/null)" = "$2" ] ||
        fail "$1: probe $(cat "/proc/$pid/root/tmp/n" 2>/dev/null) of $2 after 10 s"
    for p in /proc/[0-9]*; do
        [ "$(stat -L -c %i "$p/ns/pid" 2>/dev/null)" = "$pidns" ] || continue
        [ "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" != "sleep 999 " ] || return 0
    done
    fail "$1: the last probe does not run"
}

# bats test_tags=lab:compose-3
@test "health: each result by Docker's rules: a pass resets the streak and is healthy (after unhealthy too); retries failures in a row are unhealthy; the start period holds only while starting" {
    health_seq reset 2 0s 1 0 1  # fail, pass, fail
    health_seq sick 2 0s 1 1     # fail, fail
    health_seq back 2 0s 1 1 0   # fail, fail, pass
    health_seq late 1 30s 0 1    # pass, then a fail within the start period
    health_seq early 1 30s 1 1 1 # three fails within it, still starting
    settled reset 4
    settled sick 3
    settled back 4
    settled late 3
    settled early 4
    local f='{{.State.Health.Status}} {{.State.Health.FailingStreak}}'
    run -0 mc inspect -f "$f" reset
    assert_output "healthy 1"
    run -0 mc inspect -f "$f" sick
    assert_output "unhealthy 2"
    run -0 mc inspect -f "$f" back
    assert_output "healthy 0"
    run -0 mc inspect -f "$f" late
    assert_output "unhealthy 1"
    run -0 mc inspect -f "$f" early
    assert_output "starting 0"
    # the log has every result, in order
    run -0 bash -c "'$MC' inspect back | jq -c '[.[0].health.log[].exit_code]'"
    assert_output "[1,1,0]"
    run -0 mc rm -f reset sick back late early
    nothing_left
}

@test "health: bad flags are usage errors: a duration that is not one, --health-retries of a word" {
    run mc run -d --health-cmd true --health-interval soon busybox true
    assert_failure 125
    assert_output --partial "soon"
    run mc run -d --health-cmd true --health-retries x busybox true
    assert_failure 125
    nothing_left
}
