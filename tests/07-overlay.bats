#!/usr/bin/env bats
# 07-overlay: overlaybox [--name N] [--keep] [--state DIR] [--layer DIR]
# IMAGE[:IMAGE2] CMD... — an image is a read-only lower directory; each
# container writes to an upper directory of its own. Facts are read from the
# kernel inside the container (mountinfo, stat), from upper on the host, and
# from a checksum listing of the image, which must never change.
#
# The tests use a copy of the image of this file's own (the built image
# may be in use by another test run at the same time): an overlaybox that
# writes into its lower layer (a student's, a mutant in labs/mutants.sh)
# changes only the copy, and each test's teardown sees it. MINICTR_STATE is
# this file's own too: overlaybox's default state is $MINICTR_STATE/overlaybox.

load lib/common
bats_require_minimum_version 1.5.0

setup_file() {
    export MINICTR_STATE=$BATS_FILE_TMPDIR/minictr-state
    [ -d "$IMAGE" ] || return 0 # the tests say why they skip
    cp -a "$IMAGE" "$BATS_FILE_TMPDIR/image"
    IMAGE=$BATS_FILE_TMPDIR/image image_checksum > "$BATS_FILE_TMPDIR/image.sum"
}

setup() {
    need_root
    grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
        skip "this kernel has no overlayfs"
    OVERLAYBOX=$(tool overlaybox)
    [ -d "$IMAGE" ] || skip "no image at $IMAGE (make images)"
    IMAGE=$BATS_FILE_TMPDIR/image
    REAL_IMAGE=$(realpath "$IMAGE")
    STATE=$BATS_TEST_TMPDIR/state
}

teardown() {
    [ -n "${REAL_IMAGE:-}" ] || return 0
    # No overlay (or anything else) may stay mounted on the host, and the
    # image is byte for byte as it was copied.
    [ -z "$(mounts_below "$BATS_TEST_TMPDIR")" ]
    [ -z "$(mounts_below "$REAL_IMAGE")" ]
    assert_equal "$(image_checksum)" "$(cat "$BATS_FILE_TMPDIR/image.sum")"
}

# Every entry of the image with type, mode, owner, size, mtime and ctime,
# then a checksum of every file: one hash that any change would alter.
image_checksum() {
    (
        cd "$IMAGE"
        find . -printf '%p %y %m %U:%G %s %T@ %C@ %l\n' | LC_ALL=C sort
        find . -type f -exec sha256sum {} + | LC_ALL=C sort
    ) | sha256sum
}

ovl() {
    "$OVERLAYBOX" --state "$STATE" "$@"
}

@test "overlaybox: --help prints usage and exits 0" {
    run "$OVERLAYBOX" --help
    assert_success
    assert_output --partial "usage: overlaybox"
}

@test "overlaybox: bad flags and names are usage errors (exit 2)" {
    run ovl --frobnicate "$IMAGE" /bin/true
    assert_failure 2
    assert_output --partial "try 'overlaybox --help'"
    run ovl "$IMAGE"
    assert_failure 2
    run ovl --name ../escape "$IMAGE" /bin/true
    assert_failure 2
    assert_output --partial "bad --name"
    run ovl --diff c1 "$IMAGE"
    assert_failure 2
    [ ! -e "$STATE" ]
}

@test "overlaybox: a missing image or an image that is a file is bad input (exit 3), nothing made" {
    run ovl "$BATS_TEST_TMPDIR/no-such-image" /bin/true
    assert_failure 3
    assert_output --partial "no-such-image' failed: ENOENT"
    run ovl "$IMAGE/etc/passwd" /bin/true
    assert_failure 3
    assert_output --partial "is not a directory"
    run ovl --layer "$BATS_TEST_TMPDIR/no-layer" "$IMAGE" /bin/true
    assert_failure 3
    [ ! -e "$STATE" ]
}

@test "overlaybox: an upper directory inside the image is refused before anything is made" {
    local img=$BATS_TEST_TMPDIR/img
    mkdir -p "$img/bin"
    run "$OVERLAYBOX" --state "$img/state" "$img" /bin/true
    assert_failure 2
    assert_output --partial "inside the image layer"
    [ ! -e "$img/state" ]
    # A relative path that resolves into the image is caught too.
    cd "$img/bin"
    run "$OVERLAYBOX" --state ../new/state "$img" /bin/true
    assert_failure 2
    [ ! -e "$img/new" ]
}

# bats test_tags=lab:07-1,lab:07-2
@test "overlaybox: / inside is an overlay of the image and the container's upper dir" {
    run ovl --name box1 "$IMAGE" /usr/bin/probe id
    assert_success
    assert_equal "$(probe_get pid "$output")" 1
    assert_equal "$(probe_get hostname "$output")" box1
    run ovl --name box1 "$IMAGE" /bin/sh -c \
        '/usr/bin/probe mounts; cat /proc/self/mountinfo'
    assert_success
    assert_line "mount=/ overlay rw,relatime"
    # The root's line in mountinfo: mount point "/", type overlay, and the
    # layers as the kernel holds them.
    assert_line --regexp "^[0-9]+ [0-9]+ [0-9]+:[0-9]+ / / [^ ]+ .*- overlay overlay [^ ]*lowerdir=$REAL_IMAGE,upperdir=$STATE/box1/upper,workdir=$STATE/box1/work"
    # The host's root is gone: no other mount than / and /proc.
    [ "$(printf '%s\n' "$output" | grep -c '^mount=')" -eq 2 ]
    # Without --keep nothing of the container is left.
    [ -z "$(ls -A "$STATE")" ]
}

# bats test_tags=lab:07-1,lab:07-2,lab:07-3
@test "overlaybox: writes go to upper, the image stays byte-for-byte the same" {
    local before
    before=$(image_checksum)
    run ovl --keep --name w1 "$IMAGE" /bin/sh -c '
        echo hello > /hello
        echo "extra:x:1000:1000::/:/bin/sh" >> /etc/passwd
        chmod 600 /etc/group
        rm /etc/hostname
        mkdir /var/new && echo n > /var/new/file'
    assert_success
    assert_output --partial "kept '$STATE/w1/upper'"
    assert_equal "$(image_checksum)" "$before"
    [ ! -e "$IMAGE/hello" ]
    [ ! -e "$IMAGE/var/new" ]
    [ -e "$IMAGE/etc/hostname" ]
    # Upper holds the changes, and only them.
    local upper=$STATE/w1/upper
    assert_equal "$(cat "$upper/hello")" hello
    assert_equal "$(tail -n 1 "$upper/etc/passwd")" "extra:x:1000:1000::/:/bin/sh"
    assert_equal "$(stat -c %a "$upper/etc/group")" 600
    assert_equal "$(cat "$upper/var/new/file")" n
    # The deletion is a whiteout: a character device with number 0:0.
    assert_equal "$(stat -c '%F %t:%T' "$upper/etc/hostname")" \
        "character special file 0:0"
    run bash -c "cd '$upper' && find . -mindepth 1 | LC_ALL=C sort"
    assert_output "$(printf '%s\n' ./etc ./etc/group ./etc/hostname \
        ./etc/passwd ./hello ./var ./var/new ./var/new/file)"
    # --keep leaves upper and the list of layers; work and merged are gone.
    assert_equal "$(ls "$STATE/w1" | tr '\n' ' ')" "lower upper "
    run ovl --diff w1
    assert_success
    assert_output "$(printf '%s\n' 'C /etc' 'C /etc/group' 'D /etc/hostname' \
        'C /etc/passwd' 'A /hello' 'C /var' 'A /var/new' 'A /var/new/file')"
}

# bats test_tags=lab:07-1,lab:07-2
@test "overlaybox: a second container copies nothing: upper stays empty, files are the image's own" {
    local before
    before=$(image_checksum)
    run ovl --keep --name r1 "$IMAGE" /bin/sh -c '
        cat /etc/passwd /bin/busybox | wc -c
        /usr/bin/probe | wc -l
        ls -R / 2>&1 | wc -l
        stat -c "ino=%i" /etc/group
        echo more >> /etc/group
        stat -c "ino=%i" /etc/group'
    assert_success
    local ino_before ino_after
    ino_before=$(printf '%s\n' "$output" | sed -n 's/^ino=//p' | sed -n 1p)
    ino_after=$(printf '%s\n' "$output" | sed -n 's/^ino=//p' | sed -n 2p)
    # Reading copied nothing up (note: no "> /dev/null" above: this image
    # has an empty /dev, so that would create a file /dev/null in upper): the only file in upper is the one written.
    run bash -c "cd '$STATE/r1/upper' && find . -mindepth 1 ! -type d"
    assert_output "./etc/group"
    [ "$(du -sk "$STATE/r1/upper" | cut -f1)" -le 16 ]
    assert_equal "$(image_checksum)" "$before"
    # Before the write, /etc/group was the image's own file: when upper and
    # the image share a filesystem, overlayfs shows the real inode number.
    # (It keeps that number across the copy-up, so only upper tells that
    # a copy was made.)
    if [ "$(stat -c %d "$IMAGE")" = "$(stat -c %d "$BATS_TEST_TMPDIR")" ]; then
        assert_equal "$ino_before" "$(stat -c %i "$IMAGE/etc/group")"
    fi
    [ -n "$ino_after" ]
}

# bats test_tags=lab:07-2
@test "overlaybox: two containers from one image do not see each other's writes" {
    ovl --keep --name c1 "$IMAGE" /bin/sh -c 'echo one > /mine; sleep 1.5' &
    local pid=$!
    for _ in $(seq 100); do
        [ -e "$STATE/c1/upper/mine" ] && break
        sleep 0.02
    done
    [ -e "$STATE/c1/upper/mine" ]
    # While c1 runs, its overlay is mounted in its own mount namespace only.
    [ -z "$(mounts_below "$STATE")" ]
    run grep -c "upperdir=$STATE" /proc/self/mountinfo
    assert_output 0
    run ovl --keep --name c2 "$IMAGE" /bin/sh -c \
        'cat /mine 2>&1 && exit 9; echo two > /mine; cat /mine'
    assert_success
    assert_output --partial two
    wait "$pid"
    assert_equal "$(cat "$STATE/c1/upper/mine")" one
    assert_equal "$(cat "$STATE/c2/upper/mine")" two
    [ ! -e "$IMAGE/mine" ]
}

# bats test_tags=lab:07-1,lab:07-3
@test "overlaybox: a kept upper works as a layer: its whiteouts and opaque dirs hide the image's files" {
    run ovl --keep --name base "$IMAGE" /bin/sh -c '
        echo hi > /hello
        rm /etc/hostname
        rm -rf /home && mkdir /home && echo mine > /home/only'
    assert_success
    run ovl --diff base
    assert_line "R /home"
    assert_line "A /home/only"
    assert_line "D /etc/hostname"
    # The kernel marked /home opaque: the image's /home/* would be hidden.
    # Put something under /home in a lower layer to see it hidden.
    local lower=$BATS_TEST_TMPDIR/lower
    mkdir -p "$lower/home/someone"
    run ovl --layer "$lower" --layer "$STATE/base/upper" "$IMAGE" /bin/sh -c '
        cat /hello
        test -e /etc/hostname && echo hostname-visible
        ls -A /home
        grep " / / " /proc/self/mountinfo'
    assert_success
    assert_line hi
    refute_line hostname-visible
    assert_line only
    refute_line someone
    assert_output --partial "lowerdir=$STATE/base/upper:$lower:$REAL_IMAGE,"
    # Below the layer with the whiteout, the image still has the file.
    [ -e "$IMAGE/etc/hostname" ]
}

@test "overlaybox: --diff tells a deletion (D), a replaced directory (R) and what is new in it (A), a device node (A)" {
    run ovl --keep --name rep "$IMAGE" /bin/sh -c '
        rm -rf /etc && mkdir /etc && echo new > /etc/passwd
        mknod /null1 c 1 3 && mkdir /var/dev && mknod /var/dev/zero c 1 5
        rm /linuxrc'
    assert_success
    # The kernel's view in upper: etc opaque, the devices real ones.
    run python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' \
        "$STATE/rep/upper/etc"
    assert_output y
    assert_equal "$(stat -c '%F %t:%T' "$STATE/rep/upper/null1")" "character special file 1:3"
    run ovl --diff rep
    assert_success
    # Below an opaque directory everything is new, even what the image has
    # a file of the same name for; a device 1:3 is a device, not a whiteout.
    assert_output "$(printf '%s\n' 'R /etc' 'A /etc/passwd' 'D /linuxrc' \
        'A /null1' 'C /var' 'A /var/dev' 'A /var/dev/zero')"
}

@test "overlaybox: without --state, containers live in \$MINICTR_STATE/overlaybox" {
    run "$OVERLAYBOX" --keep --name d1 "$IMAGE" /bin/sh -c 'echo x > /x'
    assert_success
    assert_output --partial "kept '$MINICTR_STATE/overlaybox/d1/upper' (what changed: overlaybox --diff d1)"
    assert_equal "$(cat "$MINICTR_STATE/overlaybox/d1/upper/x")" x
    run "$OVERLAYBOX" --diff d1
    assert_output "A /x"
}

# bats test_tags=lab:07-1
@test "overlaybox: IMAGE:IMAGE2 stacks layers, the left one on top" {
    local top=$BATS_TEST_TMPDIR/top
    mkdir -p "$top/etc"
    echo from-top > "$top/etc/hostname"
    echo layer > "$top/layer-file"
    run ovl "$top:$IMAGE" /bin/sh -c \
        'cat /etc/hostname /layer-file; cat /etc/passwd | head -n 1; grep " / / " /proc/self/mountinfo'
    assert_success
    assert_line from-top
    assert_line layer
    assert_line --regexp "^root:"
    assert_output --partial "lowerdir=$top:$REAL_IMAGE,"
}

@test "overlaybox: a missing command exits 127 and leaves nothing behind" {
    run -127 ovl --name gone "$IMAGE" /no/such/command
    assert_failure 127
    assert_output --partial "exec '/no/such/command' failed: ENOENT"
    [ -z "$(ls -A "$STATE")" ]
    run ovl "$IMAGE" /usr/bin/probe exit 7
    assert_failure 7
    [ -z "$(ls -A "$STATE")" ]
}

@test "overlaybox: an existing container name is refused and left alone (exit 3)" {
    mkdir -p "$STATE/taken/upper"
    echo keep > "$STATE/taken/upper/file"
    run ovl --name taken "$IMAGE" /bin/true
    assert_failure 3
    assert_output --partial "container 'taken' exists"
    assert_equal "$(cat "$STATE/taken/upper/file")" keep
}

# bats test_tags=lab:07-1
@test "overlaybox: options longer than one page are refused, not cut (exit 2)" {
    local args=() d
    for i in $(seq 60); do
        d=$BATS_TEST_TMPDIR/a-rather-long-layer-directory-name-to-fill-a-page-$i
        mkdir -p "$d"
        args+=(--layer "$d")
    done
    run ovl "${args[@]}" "$IMAGE" /bin/true
    assert_failure 2
    assert_output --partial "at most one page"
    [ ! -e "$STATE" ]
}

@test "overlaybox: --diff of a container that was not kept is bad input (exit 3)" {
    run ovl --diff nobody
    assert_failure 3
    assert_output --partial "--keep"
}

# bats test_tags=lab:07-1
@test "overlaybox: --trace shows the overlay mount as a shell command" {
    run ovl --trace "$IMAGE" /bin/true
    assert_success
    assert_output --partial "\$ mount -t overlay overlay -o lowerdir=$REAL_IMAGE,upperdir="
    assert_output --partial "\$ unshare --uts --pid --mount --ipc --fork"
}
