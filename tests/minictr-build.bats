#!/usr/bin/env bats
# minictr build: a Dockerfile becomes an image. What is checked is on disk
# (the layers each step made, whiteouts, owners and modes, what the store
# holds), in the kernel (the namespaces a RUN ran in, which processes and
# containers a build made, seen with strace), and what `minictr run` does
# with the image; and that a failed or refused build leaves nothing.

load lib/common
bats_require_minimum_version 1.5.0 # run -127

setup_file() {
    export MINICTR_ROOT=$BATS_FILE_TMPDIR/lib
    export MINICTR_STATE=$BATS_FILE_TMPDIR/state
    "$BIN/minictr" import "$IMAGE" busybox >/dev/null
}

setup() {
    need_root
    MC=$BIN/minictr
    C=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$C"
}

teardown() {
    run leftover_cgroups
    assert_output ""
    run mounts_below "$MINICTR_ROOT"
    assert_output ""
}

# What the store holds, and what is in progress: a refused or failed
# build must leave all of it as it was.
store_state() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({k: d[k] for k in ("refs", "images", "layers")}, sort_keys=True))' "$MINICTR_ROOT/images.json"
    ls -A "$MINICTR_ROOT/layers" "$MINICTR_ROOT/blobs/sha256" 2>&1
    find "$MINICTR_ROOT/tmp" "$MINICTR_ROOT/containers" -mindepth 1 2>/dev/null || true
    find "$MINICTR_STATE" -name '*.json' 2>/dev/null || true
}

no_containers_left() {
    run find "$MINICTR_ROOT/containers" "$MINICTR_ROOT/tmp" -mindepth 1
    assert_output ""
    run find "$MINICTR_STATE" -name '*.json'
    assert_output ""
}

# The lower directories of an image, top first, one a line.
lower_dirs() {
    "$MC" image inspect "$1" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["GraphDriver"]["Data"]["LowerDir"].replace(":", "\n"))'
}

config_of() { # IMAGE KEY: a key of the image config's "config", as JSON
    "$MC" image inspect "$1" |
        python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[0]["Config"]["config"].get(sys.argv[1]), sort_keys=True))' "$2"
}

# build ARGS...: minictr build under strace, which records every process
# and namespace the build made (clone/clone3 flags) and every program it
# ran; $trace is the log.
traced_build() {
    trace=$BATS_TEST_TMPDIR/strace.$RANDOM
    run strace -f -qq -e trace=clone,clone3,execve,mkdir -o "$trace" "$MC" build "$@"
}

copies_made() { # how many COPY layer directories the build made
    grep -c 'mkdir(".*/tmp/copy-' "$trace" || true
}

containers_made() { # how many clones made a new pid namespace
    grep -c 'CLONE_NEWPID' "$trace" || true
}

unpacks_run() { # how many times the store's unpacker ran (a layer put)
    grep -c 'execve(".*minictr-unpack"' "$trace" || true
}

@test "build: the config reaches run: ENV, WORKDIR, USER, CMD, EXPOSE, LABEL" {
    cat >"$C/Dockerfile" <<'EOF'
FROM busybox
ENV GREETING=hello NAME="the world" \
    EMPTY=
ENV LEGACY old form value
WORKDIR /srv
WORKDIR app
USER nobody
EXPOSE 8080 53/udp
LABEL org.example.team=infra "with space"="a b"
CMD ["sh", "-c", "echo $GREETING $NAME from $(pwd) as $(id -un); echo $LEGACY"]
EOF
    run "$MC" build -t cfg:1 "$C"
    assert_success
    assert_line "Step 1/9 : FROM busybox"
    assert_line "Step 5/9 : WORKDIR app"
    assert_line "Successfully tagged cfg:1"
    run "$MC" run --rm cfg:1
    assert_success
    assert_output "hello the world from /srv/app as nobody"$'\n'"old form value"
    # the kernel says who the process is, and where
    run "$MC" run --rm cfg:1 sh -c 'cat /proc/self/status | grep ^Uid; readlink /proc/self/cwd'
    assert_line --regexp '^Uid:\s+65534\s+65534\s+65534\s+65534$'
    assert_line /srv/app
    assert_equal "$(config_of cfg:1 ExposedPorts)" '{"53/udp": {}, "8080/tcp": {}}'
    assert_equal "$(config_of cfg:1 Labels)" '{"org.example.team": "infra", "with space": "a b"}'
    assert_equal "$(config_of cfg:1 WorkingDir)" '"/srv/app"'
    # WORKDIR made its directory (the image had none): a layer with it
    [ -d "$(lower_dirs cfg:1 | head -n 1)/srv/app" ]
    "$MC" rmi cfg:1 >/dev/null
}

@test "build: RUN runs in a container of the core, default isolation, no network; its changes are the layer" {
    need_cmd strace
    cat >"$C/Dockerfile" <<'EOF'
FROM busybox
RUN ls /sys/class/net > /links; rm /etc/hostname; echo made > /made; exec probe > /probe.txt
RUN ["/bin/sh", "-c", "echo exec form $0 > /exec", "arg0"]
EOF
    traced_build -t runs:1 "$C"
    assert_success
    assert_line --regexp '^ ---> Running in [0-9a-f]{12}$'
    assert_line --regexp '^Removing intermediate container [0-9a-f]{12}$'
    [ "$(containers_made)" -eq 2 ]
    out=$("$MC" run --rm runs:1 cat /probe.txt)
    # its own namespaces (every one but user and time), PID 1, Docker's
    # capabilities, no_new_privs, seccomp: the same container `run` makes
    for ns in uts pid mnt ipc net cgroup; do
        [ "$(probe_get "ns.$ns" "$out")" != "$(stat -L -c %i /proc/self/ns/$ns)" ]
    done
    assert_equal "$(probe_get pid "$out")" 1
    assert_equal "$(probe_get cap_bnd "$out")" 00000000a80425fb
    assert_equal "$(probe_get no_new_privs "$out")" 1
    assert_equal "$(probe_get seccomp "$out")" 2
    assert_equal "$("$MC" run --rm runs:1 cat /links)" lo
    assert_equal "$("$MC" run --rm runs:1 cat /exec)" "exec form arg0"
    # /etc/hostname is gone from the image (a whiteout below); a container
    # run from it gets the one minictr writes, as Docker's do
    run "$MC" run --rm runs:1 cat /etc/hostname
    assert_output --regexp '^[0-9a-f]{12}$'
    # the first RUN's layer is exactly what it changed: three files and a
    # whiteout (0/0 character device) for the deleted one
    mapfile -t lowers < <(lower_dirs runs:1)
    [ "${#lowers[@]}" -eq 3 ]
    run find "${lowers[1]}" -mindepth 1 -printf '%P %y\n'
    assert_output --partial "made f"
    assert_output --partial "etc/hostname c"
    [ "$(stat -c %t:%T "${lowers[1]}/etc/hostname")" = 0:0 ]
    [ "$(find "${lowers[1]}" -mindepth 1 -not -type d | wc -l)" -eq 4 ]
    # history: the shell form through /bin/sh -c, the exec form as JSON
    run "$MC" history --no-trunc runs:1
    assert_output --partial 'RUN /bin/sh -c ls /sys/class/net > /links'
    assert_output --partial 'RUN /bin/sh -c echo exec form $0 > /exec arg0'
    no_containers_left
    "$MC" rmi runs:1 >/dev/null
}

@test "build: COPY files, directories, globs; --chown, --chmod; a DEST through the image's symlink" {
    # a base whose /opt is a symlink to /usr/share (as merged-/usr bin is)
    base=$BATS_TEST_TMPDIR/base
    cp -a "$IMAGE/." "$base"
    mkdir -p "$base/usr/share/kept"
    ln -s usr/share "$base/opt"
    "$MC" import "$base" linkbase >/dev/null
    mkdir -p "$C/dir/sub" "$C/web"
    echo one >"$C/dir/one"
    echo deep >"$C/dir/sub/deep"
    ln -s one "$C/dir/link"
    echo a >"$C/web/a.html"
    echo b >"$C/web/b.html"
    echo c >"$C/web/c.css"
    echo x >"$C/script.sh" && chmod 0750 "$C/script.sh"
    cat >"$C/Dockerfile" <<'EOF'
FROM linkbase
COPY dir /copied/
COPY web/*.html /html/
COPY script.sh /bin/
COPY --chown=nobody:nogroup --chmod=0600 dir/one /owned
COPY --chown=1234:5678 dir/sub /numeric
COPY dir/one /opt/through-link
EOF
    run "$MC" build -t copies:1 "$C"
    assert_success
    run "$MC" run --rm copies:1 sh -c 'cd /copied && find . | sort; ls /html; ls -ln /bin/script.sh /owned /numeric/deep; echo "link: $(readlink /copied/link)"; ls /usr/share; ls -ld /opt'
    assert_success
    assert_line ./sub/deep
    assert_line ./link
    refute_line ./dir
    assert_line a.html
    assert_line b.html
    refute_line c.css
    assert_line --regexp '^-rwxr-x--- +1 0 +0 .* /bin/script.sh$'
    assert_line --regexp '^-rw------- +1 65534 +65534 .* /owned$'
    assert_line --regexp '^-rw-r--r-- +1 1234 +5678 .* /numeric/deep$'
    assert_line "link: one"
    assert_line through-link
    assert_line kept
    assert_line --regexp '^lrwxrwxrwx .* /opt -> usr/share$'
    # the layer of the last COPY has usr/share/through-link, and no opt/
    top=$(lower_dirs copies:1 | head -n 1)
    [ -f "$top/usr/share/through-link" ]
    [ ! -e "$top/opt" ]
    # its directories are the image's own: mode and owner kept
    [ "$(stat -c %a:%u "$top/usr")" = "$(stat -c %a:%u "$base/usr")" ]
    "$MC" rmi copies:1 linkbase >/dev/null
}

@test "build: .dockerignore keeps files out of COPY and out of its digest; '!' brings one back" {
    mkdir -p "$C/logs" "$C/node_modules/pkg"
    echo s >"$C/secret.env"
    echo l >"$C/logs/a.log"
    echo k >"$C/logs/keep.log"
    echo m >"$C/node_modules/pkg/index.js"
    echo app >"$C/app.js"
    printf '# comment\n*.env\nlogs\n!logs/keep.log\n**/index.js\n' >"$C/.dockerignore"
    printf 'FROM busybox\nCOPY . /app/\n' >"$C/Dockerfile"
    run "$MC" build -t ign:1 "$C"
    assert_success
    run "$MC" run --rm ign:1 find /app -type f
    assert_line /app/app.js
    assert_line /app/logs/keep.log
    assert_line /app/Dockerfile
    refute_line /app/secret.env
    refute_line /app/logs/a.log
    refute_line /app/node_modules/pkg/index.js
    # an ignored file changed: the COPY is still cached
    echo changed >"$C/secret.env"
    run "$MC" build -t ign:1 "$C"
    assert_line " ---> Using cache"
    # a copied one changed: not
    echo changed >"$C/logs/keep.log"
    run "$MC" build -t ign:1 "$C"
    refute_line " ---> Using cache"
    # named on its own, an ignored file is not there
    printf 'FROM busybox\nCOPY secret.env /\n' >"$C/Dockerfile"
    run "$MC" build -t ign:2 "$C"
    assert_failure 125
    assert_output --partial "Dockerfile:2:6: COPY: 'secret.env': no such file in the build context (or .dockerignore leaves it out)"
    "$MC" rmi ign:1 >/dev/null
}

@test "build: ADD unpacks a local tarball through the safe unpacker; a file is copied; a URL is refused" {
    mkdir -p "$C/t/etc"
    echo conf >"$C/t/etc/app.conf"
    tar -C "$C/t" -czf "$C/app.tar.gz" etc
    tar -C "$C/t" -cf "$C/app.tar" etc
    echo plain >"$C/plain.txt"
    cat >"$C/Dockerfile" <<'EOF'
FROM busybox
ADD app.tar.gz /unpacked/
ADD app.tar /plain-tar
ADD plain.txt /
ADD --chown=12:34 plain.txt /owned.txt
EOF
    run "$MC" build -t adds:1 "$C"
    assert_success
    run "$MC" run --rm adds:1 sh -c 'cat /unpacked/etc/app.conf /plain-tar/etc/app.conf /plain.txt; stat -c %u:%g /owned.txt; ls /app.tar.gz'
    assert_output --partial "conf"$'\n'"conf"$'\n'"plain"$'\n'"12:34"
    assert_output --partial "No such file"
    # a tarball that climbs out is refused whole, and the host untouched
    python3 - "$C/evil.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    ti = tarfile.TarInfo("../../../../../tmp/minictr-build-pwned")
    ti.size = 6
    t.addfile(ti, io.BytesIO(b"pwned\n"))
PY
    printf 'FROM busybox\nADD evil.tar /x/\n' >"$C/Dockerfile"
    before=$(store_state)
    run "$MC" build -t evil:1 "$C"
    assert_failure 125
    assert_output --partial "Dockerfile:2: ADD 'evil.tar': refused entry"
    [ ! -e /tmp/minictr-build-pwned ]
    assert_equal "$(store_state)" "$before"
    printf 'FROM busybox\nADD https://example.com/x.tar /\n' >"$C/Dockerfile"
    run "$MC" build -t url:1 "$C"
    assert_failure 125
    assert_output --partial "Dockerfile:2:5: ADD: 'https://example.com/x.tar' is a URL"
    "$MC" rmi adds:1 >/dev/null
}

@test "build: FROM scratch: an image of one static program, no layer but its own" {
    cp "$PROBE" "$C/probe"
    cat >"$C/Dockerfile" <<'EOF'
FROM scratch
COPY probe /
ENTRYPOINT ["/probe"]
EOF
    run "$MC" build -t scratch:1 "$C"
    assert_success
    assert_line "Step 1/3 : FROM scratch"
    [ "$(lower_dirs scratch:1 | wc -l)" -eq 1 ]
    run find "$(lower_dirs scratch:1)" -mindepth 1
    assert_output "$(lower_dirs scratch:1)/probe"
    run "$MC" run --rm scratch:1
    assert_success
    assert_line pid=1
    # a RUN needs a shell the image does not have
    printf 'FROM scratch\nRUN echo hi\n' >"$C/Dockerfile"
    run -127 "$MC" build -t scratch:2 "$C"
    assert_output --partial "returned a non-zero code: 127"
    no_containers_left
    "$MC" rmi scratch:1 >/dev/null
}

@test "build: ENTRYPOINT and CMD, exec and shell forms; a new ENTRYPOINT drops the base's CMD" {
    printf 'FROM busybox\nCMD ["echo", "base cmd"]\n' >"$C/Dockerfile"
    "$MC" build -t epbase:1 "$C" >/dev/null
    printf 'FROM epbase:1\nENTRYPOINT ["echo", "entry"]\n' >"$C/Dockerfile"
    "$MC" build -t ep:1 "$C" >/dev/null
    run "$MC" run --rm ep:1
    assert_output entry
    run "$MC" run --rm ep:1 more args
    assert_output "entry more args"
    printf 'FROM busybox\nENTRYPOINT echo shell form $0\nCMD ["ignored"]\n' >"$C/Dockerfile"
    "$MC" build -t ep:2 "$C" >/dev/null
    assert_equal "$(config_of ep:2 Entrypoint)" '["/bin/sh", "-c", "echo shell form $0"]'
    run "$MC" run --rm ep:2
    assert_output "shell form ignored"
    printf 'FROM busybox\nCMD echo $HOME\n' >"$C/Dockerfile"
    "$MC" build -t ep:3 "$C" >/dev/null
    run "$MC" run --rm ep:3
    assert_output /root
    "$MC" rmi ep:1 ep:2 ep:3 epbase:1 >/dev/null
}

@test "build: ARG: defaults, --build-arg, a global ARG in FROM; RUN sees it, the image does not keep it" {
    cat >"$C/Dockerfile" <<'EOF'
ARG BASE=nosuch
FROM ${BASE}
ARG BASE
ARG WHO=default
ARG SECOND
ENV FROM_ARG=$WHO
RUN echo "$WHO $BASE ${SECOND:-unset}" > /who
EOF
    run "$MC" build --build-arg BASE=busybox --build-arg WHO=given --build-arg UNUSED=1 -t args:1 "$C"
    assert_success
    assert_line --partial "[Warning] One or more build-args [UNUSED] were not consumed"
    assert_equal "$("$MC" run --rm args:1 cat /who)" "given busybox unset"
    assert_equal "$(config_of args:1 Env)" '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "FROM_ARG=given"]' ||
        assert_equal "$(config_of args:1 Env)" '["FROM_ARG=given"]'
    run "$MC" history --no-trunc args:1
    assert_output --partial 'RUN |2 BASE=busybox WHO=given /bin/sh -c echo'
    # another value is another step: the RUN runs again
    run "$MC" build --build-arg BASE=busybox --build-arg WHO=other -t args:2 "$C"
    assert_success
    assert_line --regexp '^ ---> Running in '
    assert_equal "$("$MC" run --rm args:2 cat /who)" "other busybox unset"
    # the default of a global ARG: an image that is not there
    run "$MC" build -t args:3 "$C"
    assert_failure 125
    assert_output --partial "Dockerfile:2:6: FROM: no image 'nosuch' in the store"
    "$MC" rmi args:1 args:2 >/dev/null
}

@test "build: multi-stage: COPY --from takes only what it names; --target stops at a stage" {
    cat >"$C/Dockerfile" <<'EOF'
FROM busybox AS build
RUN mkdir /out && echo compiled > /out/app && echo compiler > /usr/bin/cc
FROM busybox AS test
RUN echo tested > /tested
FROM busybox
COPY --from=build /out/app /usr/local/bin/app
COPY --from=0 /out /out0
EOF
    run "$MC" build -t multi:1 "$C"
    assert_success
    assert_line "Step 1/7 : FROM busybox AS build"
    run "$MC" run --rm multi:1 sh -c 'cat /usr/local/bin/app /out0/app; ls /usr/bin/cc /tested'
    assert_output --partial "compiled"$'\n'"compiled"
    assert_output --partial "/usr/bin/cc: No such file"
    assert_output --partial "/tested: No such file"
    # on disk: the final image stands on busybox and its two COPY layers,
    # not on the build stage's RUN layer
    mapfile -t lowers < <(lower_dirs multi:1)
    [ "${#lowers[@]}" -eq 3 ]
    for l in "${lowers[@]}"; do
        [ ! -e "$l/usr/bin/cc" ]
    done
    run "$MC" build --target build -t multi:build "$C"
    assert_success
    assert_line "Step 2/2 : RUN mkdir /out && echo compiled > /out/app && echo compiler > /usr/bin/cc"
    refute_output --partial "FROM busybox AS test"
    assert_equal "$("$MC" run --rm multi:build cat /usr/bin/cc)" compiler
    run "$MC" build --target nosuch -t multi:x "$C"
    assert_failure 125
    assert_output --partial "--target nosuch: no stage of that name"
    "$MC" rmi multi:1 multi:build >/dev/null
}

# The cache tests' context: two RUNs that write random tokens (a RUN that
# ran again shows), two COPYs and a RUN between them.
cache_context() {
    echo v1 >"$C/pkg.json"
    echo src1 >"$C/main.c"
    cat >"$C/Dockerfile" <<'EOF'
FROM busybox
RUN head -c 8 /dev/urandom | od -x > /token
COPY pkg.json /app/
RUN cat /app/pkg.json > /app/deps
COPY main.c /app/
RUN head -c 8 /dev/urandom | od -x > /app/built
EOF
}

@test "build cache: an unchanged rebuild makes no container, runs no unpacker, copies nothing, gives the same ID" {
    need_cmd strace
    cache_context
    traced_build -t cache:1 "$C"
    assert_success
    id=$(printf '%s\n' "$output" | sed -n 's/^Successfully built //p')
    # the cold build: three containers, two copies, five layers put
    [ "$(containers_made)" -eq 3 ]
    [ "$(copies_made)" -eq 2 ]
    [ "$(unpacks_run)" -eq 5 ]
    layers=$(ls "$MINICTR_ROOT/layers" | wc -l)
    token=$("$MC" run --rm cache:1 cat /token /app/built)
    traced_build -t cache:1 "$C"
    assert_success
    [ "$(printf '%s\n' "$output" | grep -c '^ ---> Using cache$')" -eq 5 ]
    refute_output --partial "Running in"
    [ "$(containers_made)" -eq 0 ]
    [ "$(copies_made)" -eq 0 ]
    [ "$(unpacks_run)" -eq 0 ]
    ! grep -q clone "$trace" || fail "the build forked: $(grep clone "$trace")"
    [ "$(ls "$MINICTR_ROOT/layers" | wc -l)" -eq "$layers" ]
    assert_line "Successfully built $id"
    assert_equal "$("$MC" run --rm cache:1 cat /token /app/built)" "$token"
    no_containers_left
}

@test "build cache: a changed file under COPY misses that step and those after it, not those before" {
    need_cmd strace
    # cache:1's Dockerfile and context, from the test before, built again
    cache_context
    "$MC" build -t cache:1 "$C" >/dev/null
    token=$("$MC" run --rm cache:1 cat /token)
    deps_layer=$(lower_dirs cache:1 | sed -n 3p)
    layers=$(ls "$MINICTR_ROOT/layers" | wc -l)
    echo src2 >"$C/main.c"
    traced_build -t cache:2 "$C"
    assert_success
    # steps 2-4 come from the cache, 5 and 6 run
    printf '%s\n' "$output" | awk '/^Step/ { s = $2 } /Using cache/ { print s }' >"$BATS_TEST_TMPDIR/hits"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/hits")" "2/6"$'\n'"3/6"$'\n'"4/6"
    [ "$(containers_made)" -eq 1 ]
    [ "$(ls "$MINICTR_ROOT/layers" | wc -l)" -eq $((layers + 2)) ]
    # the layers before are the same directories; the RUN before did not run
    assert_equal "$(lower_dirs cache:2 | sed -n 3p)" "$deps_layer"
    assert_equal "$("$MC" run --rm cache:2 cat /token)" "$token"
    assert_equal "$("$MC" run --rm cache:2 cat /app/main.c)" src2
    # a changed file under the first COPY: everything from there on
    echo v2 >"$C/pkg.json"
    run "$MC" build -t cache:3 "$C"
    printf '%s\n' "$output" | awk '/^Step/ { s = $2 } /Using cache/ { print s }' >"$BATS_TEST_TMPDIR/hits"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/hits")" "2/6"
    assert_equal "$("$MC" run --rm cache:3 cat /app/deps)" v2
    # --no-cache: every step runs, the token is new
    run "$MC" build --no-cache -t cache:4 "$C"
    assert_success
    refute_output --partial "Using cache"
    [ "$(printf '%s\n' "$output" | grep -c 'Running in')" -eq 3 ]
    [ "$("$MC" run --rm cache:4 cat /token)" != "$token" ]
    # a mode change counts too; a new time alone does not
    touch -d '2001-01-01' "$C/main.c"
    run "$MC" build -t cache:3 "$C"
    [ "$(printf '%s\n' "$output" | grep -c 'Using cache')" -eq 5 ]
    chmod 0700 "$C/main.c"
    run "$MC" build -t cache:3 "$C"
    [ "$(printf '%s\n' "$output" | grep -c 'Using cache')" -eq 3 ]
    "$MC" rmi cache:1 cache:2 cache:3 cache:4 >/dev/null
}

@test "build cache: a step whose layer rmi removed is a miss, not a broken image" {
    printf 'FROM busybox\nRUN echo once > /once\n' >"$C/Dockerfile"
    "$MC" build -t gone:1 "$C" >/dev/null
    "$MC" rmi gone:1 >/dev/null
    run "$MC" build -t gone:1 "$C"
    assert_success
    refute_output --partial "Using cache"
    assert_equal "$("$MC" run --rm gone:1 cat /once)" once
    # the entry that named the removed layer is gone from the cache
    run python3 -c 'import json,os,sys; d=json.load(open(sys.argv[1])); print(all(os.path.isdir(sys.argv[2] + "/" + i[7:]) for e in d["build_cache"].values() for i in e["config"]["rootfs"]["diff_ids"]))' "$MINICTR_ROOT/images.json" "$MINICTR_ROOT/layers"
    assert_output True
    "$MC" rmi gone:1 >/dev/null
}

@test "build: a failing RUN stops the build with its status and leaves no image, container or layer" {
    cat >"$C/Dockerfile" <<'EOF'
FROM busybox
RUN echo before > /before
RUN echo partial > /partial && exit 3
CMD ["never"]
EOF
    printf 'FROM busybox\nRUN echo before > /before\n' >"$C/Dockerfile.ok"
    "$MC" build -f "$C/Dockerfile.ok" -t failing:ok "$C" >/dev/null
    before=$(store_state)
    run "$MC" build -t failing:1 "$C"
    assert_failure 3
    assert_output --partial "The command '/bin/sh -c echo partial > /partial && exit 3' returned a non-zero code: 3"
    refute_output --partial "Step 4/4"
    refute_output --partial "Successfully"
    run "$MC" image inspect failing:1
    assert_failure 125
    assert_equal "$(store_state)" "$before"
    no_containers_left
    run "$MC" ps -a -q
    assert_output ""
    # a command the image does not have: 127, and the same clean end
    printf 'FROM busybox\nRUN ["/no/such/program"]\n' >"$C/Dockerfile"
    run -127 "$MC" build -t failing:2 "$C"
    assert_output --partial "returned a non-zero code: 127"
    assert_equal "$(store_state)" "$before"
    "$MC" rmi failing:ok >/dev/null
}

@test "build: bad input is refused with FILE:LINE:COLUMN, exit 125, and nothing left" {
    before=$(store_state)
    mkdir -p "$BATS_TEST_TMPDIR/outside"
    echo secret >"$BATS_TEST_TMPDIR/outside/secret"
    echo in >"$C/in"
    ln -s "$BATS_TEST_TMPDIR/outside/secret" "$C/link-out"
    ln -s ../outside "$C/dir-out"
    check() { # EXPECTED-MESSAGE DOCKERFILE-TEXT
        printf '%b' "$2" >"$C/Dockerfile"
        run "$MC" build -t bad:1 "$C"
        assert_failure 125
        assert_output --partial "$1"
        assert_equal "$(store_state)" "$before"
    }
    check "Dockerfile:4:5: unknown instruction 'RUNN'" 'FROM busybox\nRUN echo a \\\n  b\n    RUNN echo\n'
    check "Dockerfile:2:1: minictr build does not support 'HEALTHCHECK'" 'FROM busybox\nHEALTHCHECK NONE\n'
    check "Dockerfile:2:6: COPY: '../x' is outside the build context" 'FROM busybox\nCOPY ../x /\n'
    check "Dockerfile:2:9: COPY: '/etc/passwd' is outside the build context" 'FROM busybox\nCOPY in /etc/passwd /d/\n'
    check "Dockerfile:2:6: COPY: 'link-out' is outside the build context" 'FROM busybox\nCOPY link-out /\n'
    check "Dockerfile:2:6: COPY: 'dir-out/secret' is outside the build context" 'FROM busybox\nCOPY dir-out/secret /\n'
    check "Dockerfile:2:11: CMD: bad JSON in the exec form" 'FROM busybox\nCMD ["a", b]\n'
    check "Dockerfile:3:5: RUN: bad JSON in the exec form: it ends too early" 'FROM busybox\nRUN ["a", \\\n  "b"\n'
    check "Dockerfile:1:6: FROM: no image 'nosuch:1' in the store" 'FROM nosuch:1\n'
    check "Dockerfile:1:1: the first instruction must be FROM" 'RUN true\n'
    check "Dockerfile:2:6: COPY has no flag '--form'" 'FROM busybox\nCOPY --form=x in /\n'
    check "Dockerfile:2:7: this \" is never closed" 'FROM busybox\nENV A="b\n'
    check "Dockerfile:2:6: COPY needs a source and a destination" 'FROM busybox\nCOPY in\n'
    check "Dockerfile:2:8: EXPOSE: bad port '99999'" 'FROM busybox\nEXPOSE 99999\n'
    # the secret stayed out
    [ "$(cat "$BATS_TEST_TMPDIR/outside/secret")" = secret ]
    run "$MC" build -t bad:1 "$BATS_TEST_TMPDIR/no-such-dir"
    assert_failure 125
    assert_output --partial "no-such-dir"
    run "$MC" build --no-such-flag "$C"
    assert_failure 125
    run "$MC" build -t 'Bad Name' "$C"
    assert_failure 125
    assert_output --partial "bad image name"
    assert_equal "$(store_state)" "$before"
}

@test "build: the parser: continuations, comments inside them, '# escape=\`', -f, history" {
    cat >"$C/other.Dockerfile" <<'EOF'
# escape=`
# a comment after the directive
FROM busybox
# comments and blank lines inside a continued line are dropped

RUN echo one `
# here
    two `

    three > /joined
COPY C:\dir\file /
EOF
    run "$MC" build -f "$C/other.Dockerfile" -t parsed:1 "$C"
    assert_failure 125
    # with ` as the escape, \ is an ordinary character: the path is kept
    assert_output --partial "COPY: 'C:\\dir\\file': no such file"
    assert_output --partial "Step 2/3 : RUN echo one     two     three > /joined"
    sed -i '$d' "$C/other.Dockerfile"
    run "$MC" build -f "$C/other.Dockerfile" -t parsed:1 "$C"
    assert_success
    assert_equal "$("$MC" run --rm parsed:1 cat /joined)" "one two three"
    # the directive counts only before the first instruction
    printf 'FROM busybox\n# escape=`\nRUN echo a \\\n b > /x\n' >"$C/Dockerfile"
    "$MC" build -t parsed:2 "$C" >/dev/null
    assert_equal "$("$MC" run --rm parsed:2 cat /x)" "a b"
    run "$MC" history parsed:2
    assert_line --index 1 --regexp '^[0-9a-f]{12} .* RUN /bin/sh -c echo a  b > /x +[0-9.]+B +minictr build'
    "$MC" rmi parsed:1 parsed:2 >/dev/null
}

@test "build and buildah: the same Dockerfile gives the same files (buildah bud --isolation chroot, loaded from its oci-archive)" {
    need_cmd buildah
    s=$BATS_TEST_TMPDIR/containers
    B=(buildah --root "$s/root" --runroot "$s/run" --storage-driver vfs)
    # the same busybox base in both
    c=$("${B[@]}" from scratch)
    "${B[@]}" copy "$c" "$IMAGE" / >/dev/null
    "${B[@]}" commit -q "$c" localhost/busybox >/dev/null
    mkdir -p "$C/src"
    echo 'int main(void) { return 0; }' >"$C/src/main.c"
    echo conf >"$C/app.conf"
    printf 'app.conf.bak\n' >"$C/.dockerignore"
    echo bak >"$C/app.conf.bak"
    cat >"$C/Dockerfile" <<'EOF'
FROM busybox AS build
RUN mkdir -p /out && echo built > /out/app && chmod 0755 /out/app
FROM busybox
ARG VERSION=1
ENV APP_VERSION=$VERSION
WORKDIR /srv
COPY src/ ./src/
COPY --chown=65534:65534 app.conf /etc/
COPY --from=build /out/app /usr/local/bin/
RUN rm /bin/vi && mkdir -p /var/data && echo $APP_VERSION > /var/data/v
USER nobody
CMD ["cat", "/var/data/v"]
EOF
    run "${B[@]}" bud --isolation chroot --layers -t bh-built "$C"
    assert_success
    "${B[@]}" push -q bh-built "oci-archive:$BATS_TEST_TMPDIR/bh.tar:bh-built"
    run "$MC" load -i "$BATS_TEST_TMPDIR/bh.tar"
    assert_success
    id=$(printf '%s\n' "$output" | sed -n 's/^Loaded image ID: //p')
    "$MC" tag "$id" peer:buildah
    run "$MC" build -t peer:minictr "$C"
    assert_success
    # every path, its type, mode, owner and size, and each file's content
    listing='find / -xdev \( -path /proc -o -path /sys -o -path /dev \) -prune -o -print | sort | while read -r p; do
        if [ -d "$p" ] && [ ! -L "$p" ]; then stat -c "%n %F %a %u:%g" "$p"; else stat -c "%n %F %a %u:%g %s" "$p"; fi
        if [ -f "$p" ] && [ ! -L "$p" ]; then md5sum < "$p"; fi
    done'
    # /etc/hosts, hostname and resolv.conf are minictr's mounts at run
    # time, in both: left out of the listings (with their checksums)
    drop_etc='/^\/etc\/\(hosts\|hostname\|resolv.conf\) /,+1d'
    ours=$("$MC" run --rm -u 0 peer:minictr sh -c "$listing" | sed "$drop_etc")
    theirs=$("$MC" run --rm -u 0 peer:buildah sh -c "$listing" | sed "$drop_etc")
    # buildah's RUN leaves the empty /etc/hosts it bind-mounted over in its
    # layer (busybox has none); Docker's init layer, and minictr, do not
    for d in $(lower_dirs peer:minictr); do
        [ ! -e "$d/etc/hosts" ] || fail "a RUN left /etc/hosts in a layer: $d"
    done
    diff <(echo "$ours" | grep -v '^/ directory') <(echo "$theirs" | grep -v '^/ directory')
    [ "$(echo "$ours" | wc -l)" -gt 200 ]
    # and the config does the same
    assert_equal "$("$MC" run --rm peer:minictr)" 1
    assert_equal "$("$MC" run --rm peer:buildah)" 1
    assert_equal "$(config_of peer:minictr User)" "$(config_of peer:buildah User)"
    assert_equal "$(config_of peer:minictr WorkingDir)" "$(config_of peer:buildah WorkingDir)"
    "$MC" rmi peer:minictr peer:buildah >/dev/null
    "${B[@]}" rmi -a -f >/dev/null 2>&1 || true
    rm -rf "$s" 2>/dev/null || true
}
