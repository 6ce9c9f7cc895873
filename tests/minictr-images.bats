#!/usr/bin/env bats
# minictr images: the layer store, load and save, rmi and prune. Images
# come from tools nobody here wrote (umoci, skopeo) and go back to them;
# what is checked is on disk (layer directories, inodes, whiteout devices,
# xattrs) and in the kernel (the container's overlay mount).

load lib/common

MKLAYOUT=$BATS_TEST_DIRNAME/lib/mklayout.py

setup_file() {
    export MINICTR_ROOT=$BATS_FILE_TMPDIR/lib
    export MINICTR_STATE=$BATS_FILE_TMPDIR/state
    "$BIN/minictr" import "$IMAGE" busybox >/dev/null
    command -v umoci >/dev/null || return 0
    # An OCI layout made by umoci: busybox plus two files (layer 1); one
    # deleted, one added (layer 2, umoci's .wh. whiteout); then a layer of
    # our own with an opaque directory (layer 3); and a second image, t2,
    # on the same first layer.
    local oci=$BATS_FILE_TMPDIR/oci b=$BATS_FILE_TMPDIR/bundle
    umoci init --layout "$oci"
    umoci new --image "$oci:t"
    umoci unpack --image "$oci:t" "$b.1" >/dev/null
    cp -a "$IMAGE/." "$b.1/rootfs/"
    echo doomed > "$b.1/rootfs/etc/deleteme"
    mkdir "$b.1/rootfs/opq" && echo lower > "$b.1/rootfs/opq/lowerfile"
    umoci repack --image "$oci:t" "$b.1"
    umoci tag --image "$oci:t" t2
    umoci unpack --image "$oci:t" "$b.2" >/dev/null
    rm "$b.2/rootfs/etc/deleteme"
    echo v2 > "$b.2/rootfs/etc/added"
    umoci repack --image "$oci:t" "$b.2"
    python3 "$MKLAYOUT" tar "$BATS_FILE_TMPDIR/opq.tar" d:opq f:opq/.wh..wh..opq f:opq/upperfile:upper
    umoci raw add-layer --image "$oci:t" "$BATS_FILE_TMPDIR/opq.tar"
    umoci config --image "$oci:t" --config.cmd sh --config.cmd -c \
        --config.cmd 'echo $GREETING from $(pwd)' --config.env GREETING=hi \
        --config.workingdir /etc
    umoci unpack --image "$oci:t2" "$b.3" >/dev/null
    echo two > "$b.3/rootfs/etc/two"
    umoci repack --image "$oci:t2" "$b.3"
    rm -rf "$b".*
}

setup() {
    need_root
    MC=$BIN/minictr
}

teardown() {
    run leftover_cgroups
    assert_output ""
    run mounts_below "$MINICTR_ROOT"
    assert_output ""
}

# What the store holds: names, layer directories, blobs, and work in
# progress. A refused input must leave it exactly as it was.
store_state() {
    cat "$MINICTR_ROOT/images.json"
    ls -A "$MINICTR_ROOT/layers" "$MINICTR_ROOT/blobs/sha256" 2>&1
    find "$MINICTR_ROOT/tmp" -mindepth 1 2>/dev/null || true
}

# The lower directories of an image, top first, one a line.
lower_dirs() {
    "$MC" image inspect "$1" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["GraphDriver"]["Data"]["LowerDir"].replace(":", "\n"))'
}

manifest_of() { # LAYOUT TAG: the manifest's digest in index.json
    python3 - "$1" "$2" <<'PY'
import json, sys
for m in json.load(open(sys.argv[1] + "/index.json"))["manifests"]:
    if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == sys.argv[2]:
        print(m["digest"])
PY
}

blob_json() { # LAYOUT DIGEST KEY: a key of a JSON blob, as JSON
    python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1] + "/blobs/sha256/" + sys.argv[2][7:]))[sys.argv[3]], sort_keys=True))' "$@"
}

# The image ID (config digest) of the umoci layout's tag
config_of_tag() {
    local m
    m=$(manifest_of "$BATS_FILE_TMPDIR/oci" "$1")
    blob_json "$BATS_FILE_TMPDIR/oci" "$m" config | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])'
}

load_umoci_images() {
    need_cmd umoci
    if ! "$MC" image inspect umo:t >/dev/null 2>&1; then
        run "$MC" load -i "$BATS_FILE_TMPDIR/oci"
        assert_success
        # umoci's ref.name is a bare tag: no repository, so no name
        assert_line --regexp '^Loaded image ID: sha256:[0-9a-f]{64}$'
        "$MC" tag "$(config_of_tag t)" umo:t
        "$MC" tag "$(config_of_tag t2)" umo:t2
    fi
}

@test "load: umoci's layout (3 layers, a deleted file, an opaque dir) runs as overlay on every layer" {
    load_umoci_images
    # the config reaches run: Cmd, Env, WorkingDir
    run "$MC" run --rm umo:t
    assert_success
    assert_output "hi from /etc"
    run "$MC" run --rm umo:t sh -c 'cat /etc/added; ls /etc/deleteme 2>&1; ls /opq; grep " / / " /proc/self/mountinfo'
    assert_line v2
    assert_line --partial "/etc/deleteme: No such file or directory"
    assert_line upperfile
    refute_line lowerfile
    # the kernel mounted the three layers, top first, read-only below the upper
    mapfile -t lowers < <(lower_dirs umo:t)
    [ "${#lowers[@]}" -eq 3 ]
    assert_line --partial "overlay rw,lowerdir=${lowers[0]}:${lowers[1]}:${lowers[2]},upperdir="
    # on disk, each layer is in overlay's form: a 0/0 device, an opaque dir
    [ "$(stat -c %F:%t:%T "${lowers[1]}/etc/deleteme")" = "character special file:0:0" ]
    [ "$(cat "${lowers[2]}/etc/deleteme")" = doomed ]
    run python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "${lowers[0]}/opq"
    assert_output y
    [ "$(cat "${lowers[2]}/opq/lowerfile")" = lower ]
    run "$MC" history umo:t
    assert_line --index 0 --regexp '^IMAGE +CREATED +CREATED BY +SIZE +COMMENT'
    assert_line --index 1 --regexp '^[0-9a-f]{12} .* umoci config +0B'
    [ "${#lines[@]}" -eq 5 ]
}

@test "save: skopeo and umoci read it; the digests are umoci's; save, load, save again is identical" {
    load_umoci_images
    need_cmd skopeo
    out=$BATS_TEST_TMPDIR/saved
    run "$MC" save -o "$out/" umo:t busybox
    assert_success
    run skopeo inspect "oci:$out:t"
    assert_success
    # the layers and the config are umoci's own blobs, byte for byte
    orig=$(manifest_of "$BATS_FILE_TMPDIR/oci" t)
    saved=$(manifest_of "$out" t)
    [ "$(blob_json "$BATS_FILE_TMPDIR/oci" "$orig" layers)" = "$(blob_json "$out" "$saved" layers)" ]
    [ "$(blob_json "$BATS_FILE_TMPDIR/oci" "$orig" config)" = "$(blob_json "$out" "$saved" config)" ]
    assert_output --partial "\"Digest\": \"$saved\""
    # umoci checks every digest as it unpacks; the deletion is there
    run umoci unpack --image "$out:t" "$BATS_TEST_TMPDIR/bundle"
    assert_success
    [ -f "$BATS_TEST_TMPDIR/bundle/rootfs/etc/added" ]
    [ ! -e "$BATS_TEST_TMPDIR/bundle/rootfs/etc/deleteme" ]
    [ ! -e "$BATS_TEST_TMPDIR/bundle/rootfs/opq/lowerfile" ]
    # busybox was imported here: its layer is written from its directory,
    # and the tar hashes to its diff_id
    bb=$(manifest_of "$out" latest)
    diff_ids=$(blob_json "$out" "$(blob_json "$out" "$bb" config | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')" rootfs)
    layer=$(blob_json "$out" "$bb" layers | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["digest"])')
    assert_equal "$(sha256sum "$out/blobs/sha256/${layer#sha256:}" | cut -c1-64)" "${layer#sha256:}"
    [[ "$diff_ids" == *"$layer"* ]]
    # into an empty store and out again: the same bytes (a tar, twice)
    run env MINICTR_ROOT="$BATS_TEST_TMPDIR/other" "$MC" load -i "$out"
    assert_success
    assert_line "Loaded image: umo:t"
    assert_line "Loaded image: busybox:latest"
    env MINICTR_ROOT="$BATS_TEST_TMPDIR/other" "$MC" save -o "$BATS_TEST_TMPDIR/again.tar" umo:t busybox
    "$MC" save -o "$BATS_TEST_TMPDIR/first.tar" umo:t busybox
    tar -xOf "$BATS_TEST_TMPDIR/again.tar" index.json > "$BATS_TEST_TMPDIR/again.json"
    assert_equal "$(sha256sum < "$BATS_TEST_TMPDIR/again.json")" "$(sha256sum < "$out/index.json")"
    assert_equal "$(tar -tvf "$BATS_TEST_TMPDIR/again.tar" | awk '{print $3, $6}')" \
        "$(tar -tvf "$BATS_TEST_TMPDIR/first.tar" | awk '{print $3, $6}')"
    run skopeo inspect "oci-archive:$BATS_TEST_TMPDIR/again.tar:t"
    assert_success
    rm -rf "$BATS_TEST_TMPDIR/other"
}

@test "save: overlay's whiteouts and opaque dirs become .wh. entries, and come back" {
    d=$BATS_TEST_TMPDIR/wh
    mkdir -p "$d/etc" "$d/o"
    echo kept > "$d/etc/kept"
    mknod "$d/etc/gone" c 0 0
    python3 -c 'import os,sys; os.setxattr(sys.argv[1], "trusted.overlay.opaque", b"y")' "$d/o"
    "$MC" import "$d" whiteouts >/dev/null
    out=$BATS_TEST_TMPDIR/wh-out
    "$MC" save -o "$out/" whiteouts
    layer=$(blob_json "$out" "$(manifest_of "$out" latest)" layers | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["digest"])')
    run tar -tf "$out/blobs/sha256/${layer#sha256:}"
    assert_line etc/.wh.gone
    assert_line o/.wh..wh..opq
    refute_line etc/gone
    # a second import of the same directory is the same layer, once
    "$MC" import "$d" whiteouts2 >/dev/null
    assert_equal "$(lower_dirs whiteouts)" "$(lower_dirs whiteouts2)"
    # loaded back, the layer is in overlay's form again
    "$MC" rmi whiteouts whiteouts2 >/dev/null
    run "$MC" load -i "$out"
    assert_success
    dir=$(lower_dirs whiteouts)
    [ "$(stat -c %t:%T "$dir/etc/gone")" = 0:0 ]
    run python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$dir/o"
    assert_output y
    "$MC" rmi whiteouts >/dev/null
}

@test "load: a docker-save archive (skopeo's docker-archive:) loads, named by its RepoTags" {
    need_cmd umoci
    need_cmd skopeo
    skopeo copy -q "oci:$BATS_FILE_TMPDIR/oci:t" "docker-archive:$BATS_TEST_TMPDIR/d.tar:docker.io/me/app:v1"
    run tar -tf "$BATS_TEST_TMPDIR/d.tar"
    assert_line manifest.json
    run "$MC" load -i "$BATS_TEST_TMPDIR/d.tar"
    assert_success
    assert_output "Loaded image: me/app:v1"
    run "$MC" run --rm me/app:v1 sh -c 'cat /etc/added; ls /opq'
    assert_output "v2
upperfile"
    "$MC" rmi me/app:v1 >/dev/null
}

@test "store: two images on one base share its layer directory; images counts it once" {
    load_umoci_images
    base_t=$(lower_dirs umo:t | tail -1)
    base_t2=$(lower_dirs umo:t2 | tail -1)
    assert_equal "$base_t" "$base_t2"
    [ "$(lower_dirs umo:t2 | wc -l)" -eq 2 ]
    # one directory (one inode) on disk, in the store's layers/
    run find "$MINICTR_ROOT/layers" -mindepth 1 -maxdepth 1 -inum "$(stat -c %i "$base_t")"
    assert_output "$base_t"
    run "$MC" images
    assert_line --regexp '^umo +t +[0-9a-f]{12} .* [0-9.]+MB$'
    assert_line --regexp '^umo +t2 +[0-9a-f]{12} .* [0-9.]+MB$'
    # the total counts the shared base (about busybox's size) once: it is
    # below the sum of the SIZE column by about that much
    base=$(echo "$output" | awk '$1 == "busybox" { sub(/MB$/, "", $NF); print $NF }')
    total=$(echo "$output" | sed -n 's/.*: \([0-9.]*\)MB on disk.*/\1/p')
    sum=$(echo "$output" | awk 'NR > 1 && $NF ~ /MB$/ { sub(/MB$/, "", $NF); s += $NF } END { print s }')
    python3 -c "import sys; sys.exit(0 if $total < $sum - 0.9 * $base else 1)" ||
        fail "total $total, sum $sum, base $base"
}

@test "rmi: refuses an image a container uses; keeps layers another image uses; image prune" {
    load_umoci_images
    mapfile -t t_layers < <(lower_dirs umo:t)
    "$MC" run --name user umo:t true
    run "$MC" rmi umo:t
    assert_failure 125
    assert_output --partial "used by a container"
    run "$MC" --json rmi umo:t
    assert_output --partial '"code":"image_in_use"'
    "$MC" rm user >/dev/null
    run "$MC" rmi umo:t
    assert_success
    assert_line "Untagged: umo:t"
    # t's own two layers are gone, the base umo:t2 stands on stays
    [ ! -e "${t_layers[0]}" ] && [ ! -e "${t_layers[1]}" ]
    [ -d "${t_layers[2]}" ]
    run "$MC" run --rm umo:t2 cat /etc/two
    assert_output two
    # a second name keeps an image: rmi only untags
    "$MC" tag umo:t2 other:name
    run "$MC" rmi umo:t2
    assert_output "Untagged: umo:t2"
    [ -d "${t_layers[2]}" ]
    # prune: the dangling image (no name) and its unused layers go
    "$MC" load -i "$BATS_FILE_TMPDIR/oci" >/dev/null
    run "$MC" images
    assert_line --regexp '^<none> +<none> '
    run "$MC" image prune
    assert_success
    assert_line --regexp '^Deleted: sha256:'
    assert_line --regexp '^Total reclaimed space: '
    run "$MC" images
    refute_line --regexp '^<none>'
    [ ! -e "${t_layers[0]}" ]
    [ -d "${t_layers[2]}" ] # other:name still uses it
    "$MC" rmi other:name >/dev/null
    [ ! -e "${t_layers[2]}" ]
    run "$MC" run --rm busybox true
    assert_success
}

@test "bad input: a digest mismatch, a manifest outside blobs/, a lying config: refused, nothing left" {
    need_cmd umoci
    before=$(store_state)
    # a layer blob changed after its manifest was written
    cp -a "$BATS_FILE_TMPDIR/oci" "$BATS_TEST_TMPDIR/tampered"
    blob=$(blob_json "$BATS_TEST_TMPDIR/tampered" "$(manifest_of "$BATS_TEST_TMPDIR/tampered" t)" layers | python3 -c 'import json,sys; print(json.load(sys.stdin)[1]["digest"][7:])')
    echo x >> "$BATS_TEST_TMPDIR/tampered/blobs/sha256/$blob"
    run "$MC" load -i "$BATS_TEST_TMPDIR/tampered"
    assert_failure 125
    assert_output --partial "digest mismatch: the manifest says sha256:$blob"
    [ "$(store_state)" = "$before" ]
    # the same as a tar: refused the same way
    tar -C "$BATS_TEST_TMPDIR/tampered" -cf "$BATS_TEST_TMPDIR/tampered.tar" .
    run "$MC" --json load -i "$BATS_TEST_TMPDIR/tampered.tar"
    assert_failure 125
    assert_output --partial '"code":"bad_archive"'
    [ "$(store_state)" = "$before" ]
    # a config whose diff_id is not the layer's
    python3 "$MKLAYOUT" tar "$BATS_TEST_TMPDIR/one.tar" f:hello
    python3 "$MKLAYOUT" layout --gzip --bad-diff-id 0 "$BATS_TEST_TMPDIR/liar" liar:1 "$BATS_TEST_TMPDIR/one.tar"
    run "$MC" load -i "$BATS_TEST_TMPDIR/liar"
    assert_failure 125
    assert_output --partial "diff_id mismatch"
    # manifests pointing outside blobs/
    python3 "$MKLAYOUT" layout --index-digest "sha256:../../../../etc/passwd" "$BATS_TEST_TMPDIR/out1" out:1 "$BATS_TEST_TMPDIR/one.tar"
    run "$MC" load -i "$BATS_TEST_TMPDIR/out1"
    assert_failure 125
    assert_output --partial "not a sha256 digest"
    python3 "$MKLAYOUT" docker "$BATS_TEST_TMPDIR/out2.tar" out:2 ../../../etc/passwd layer.tar
    run "$MC" load -i "$BATS_TEST_TMPDIR/out2.tar"
    assert_failure 125
    assert_output --partial "a path outside the archive, refused"
    # a blob that is a symlink out of the layout
    python3 "$MKLAYOUT" layout "$BATS_TEST_TMPDIR/out3" out:3 "$BATS_TEST_TMPDIR/one.tar"
    m=$(manifest_of "$BATS_TEST_TMPDIR/out3" 3)
    cp "$BATS_TEST_TMPDIR/out3/blobs/sha256/${m#sha256:}" "$BATS_TEST_TMPDIR/m.json"
    ln -sf "$BATS_TEST_TMPDIR/m.json" "$BATS_TEST_TMPDIR/out3/blobs/sha256/${m#sha256:}"
    run "$MC" load -i "$BATS_TEST_TMPDIR/out3"
    assert_failure 125
    assert_output --partial "leads outside it"
    [ "$(store_state)" = "$before" ]
}

@test "bad input: layer tars with '..', absolute paths, hard links out, writes through a symlink, escaping whiteouts" {
    canary=$BATS_TEST_TMPDIR/canary
    mkdir -p "$canary"
    echo untouched > "$canary/file"
    before=$(store_state)
    host_before=$(find "$canary" -printf '%p %s %n %T@\n'; cat "$canary/file")
    t=$BATS_TEST_TMPDIR
    python3 "$MKLAYOUT" tar "$t/traversal.tar" "f:../../../../../..$canary/pwned"
    python3 "$MKLAYOUT" tar "$t/absolute.tar" "f:$canary/pwned"
    python3 "$MKLAYOUT" tar "$t/hardlink.tar" "h:hl:$canary/file"
    python3 "$MKLAYOUT" tar "$t/symlink.tar" "s:link:$canary" f:link/pwned
    python3 "$MKLAYOUT" tar "$t/whiteout.tar" d:etc f:etc/.wh..
    python3 "$MKLAYOUT" tar "$t/good.tar" f:good
    for bad in traversal absolute hardlink symlink whiteout; do
        # the bad layer on top of a good one: nothing of either may stay
        python3 "$MKLAYOUT" layout --gzip "$t/l-$bad" "evil:$bad" "$t/good.tar" "$t/$bad.tar"
        run "$MC" load -i "$t/l-$bad"
        assert_failure 125
        assert_output --partial "refused entry"
        [ "$(store_state)" = "$before" ] || fail "$bad: the store changed"
    done
    [ "$(find "$canary" -printf '%p %s %n %T@\n'; cat "$canary/file")" = "$host_before" ]
}

@test "overlay: an image whose lower dirs pass one page mounts them one by one (lowerdir+)" {
    # 4096 bytes of mount options hold about 30 layer paths here: make 41,
    # busybox and 40 layers of one file each
    t=$BATS_TEST_TMPDIR
    tar -C "$IMAGE" -cf "$t/bb.tar" .
    tars=("$t/bb.tar")
    for i in $(seq 1 40); do
        python3 "$MKLAYOUT" tar "$t/l$i.tar" d:l "f:l/$i"
        tars+=("$t/l$i.tar")
    done
    python3 "$MKLAYOUT" layout "$t/many" many:41 "${tars[@]}"
    "$MC" load -i "$t/many" >/dev/null
    len=$(lower_dirs many:41 | wc -c)
    [ "$len" -gt 4096 ] || fail "the lower dirs take $len bytes, not more than a page"
    major=$(uname -r | cut -d. -f1) minor=$(uname -r | cut -d. -f2)
    if [ "$major" -lt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -lt 8 ]; }; then
        run "$MC" run --rm many:41 true
        assert_failure 125
        assert_output --partial "fsconfig"
        "$MC" rmi many:41 >/dev/null
        skip "lowerdir+ needs Linux 6.8: refused with a clear error"
    fi
    run "$MC" run --rm many:41 sh -c 'ls /l | wc -l; grep -c " / / .* - overlay " /proc/self/mountinfo'
    assert_success
    assert_line --index 0 40
    assert_line --index 1 1
    "$MC" rmi many:41 >/dev/null
}

@test "buildah and podman: buildah's images (a RUN deletes a file) load; podman loads what save writes, same ID" {
    need_cmd buildah
    s=$BATS_TEST_TMPDIR/containers
    B=(buildah --root "$s/root" --runroot "$s/run" --storage-driver vfs)
    c=$("${B[@]}" from scratch)
    "${B[@]}" copy "$c" "$IMAGE" / >/dev/null
    "${B[@]}" commit -q "$c" bh-base >/dev/null
    c=$("${B[@]}" from bh-base)
    # buildah's own runtime cannot start on this host's cgroups; its chroot
    # isolation needs none, and the layer it commits is what counts
    "${B[@]}" run --isolation chroot "$c" sh -c 'echo built > /etc/built; rm /bin/vi'
    "${B[@]}" config --cmd '["cat", "/etc/built"]' "$c"
    "${B[@]}" commit -q "$c" bh-app >/dev/null
    "${B[@]}" push -q bh-app "oci-archive:$BATS_TEST_TMPDIR/app.oci.tar:bh-app"
    "${B[@]}" push -q bh-app "docker-archive:$BATS_TEST_TMPDIR/app.docker.tar:bh/app:v1"
    run "$MC" load -i "$BATS_TEST_TMPDIR/app.docker.tar"
    assert_output "Loaded image: bh/app:v1"
    run "$MC" run --rm bh/app:v1
    assert_output built
    run "$MC" run --rm bh/app:v1 ls /bin/vi
    assert_failure 1
    [ "$(lower_dirs bh/app:v1 | wc -l)" -eq 2 ]
    # the OCI archive is the same image: the same ID, nothing new stored
    layers=$(ls "$MINICTR_ROOT/layers" | wc -l)
    run "$MC" load -i "$BATS_TEST_TMPDIR/app.oci.tar"
    assert_output "Loaded image ID: $("$MC" image inspect bh/app:v1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Id"])')"
    [ "$(ls "$MINICTR_ROOT/layers" | wc -l)" -eq "$layers" ]
    # podman reads minictr's save (OCI layout and docker archive in one tar)
    need_cmd podman
    "$MC" save -o "$BATS_TEST_TMPDIR/ours.tar" bh/app:v1
    P=(podman --root "$s/proot" --runroot "$s/prun" --storage-driver vfs --cgroup-manager cgroupfs --events-backend file)
    run "${P[@]}" load -i "$BATS_TEST_TMPDIR/ours.tar"
    assert_success
    assert_output --partial "Loaded image: "
    id=$("$MC" image inspect bh/app:v1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Id"][7:])')
    run "${P[@]}" image inspect --format '{{.Id}}' bh/app:v1
    assert_output "$id"
    "$MC" rmi bh/app:v1 >/dev/null
    run "$MC" image prune
    assert_success
    rm -rf "$s" 2>/dev/null || true
}
