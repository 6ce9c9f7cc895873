#!/usr/bin/env bats
# 04-tar-runner: tarbox unpacks an export tarball safely, then runs a
# command chrooted into it in new namespaces, and removes it afterwards.
#
# setup_file makes the tarballs once: the busybox image exported with
# rootfs-scripts/export-tar.sh (plain, gzip, zstd; xz from the plain one),
# and a corpus of malicious ones crafted with python3's tarfile. Each
# malicious tarball aims at a canary directory on the host, beside the
# directory tarbox unpacks into; every test checks the canary is exactly
# as it was.
#
# MINICTR_STATE is this file's own: tarbox's default directory
# ($MINICTR_STATE/tarbox) then holds only what this run made, so a tarbox
# run elsewhere on the machine (another test suite, a grader) is not ours.

load lib/common

setup_file() {
    export TARS=$BATS_FILE_TMPDIR/tars
    export CANARY=$BATS_FILE_TMPDIR/canary
    export MINICTR_STATE=$BATS_FILE_TMPDIR/state
    mkdir -p "$TARS" "$CANARY/dir"
    echo untouched > "$CANARY/file"
    [ -x "$IMAGE/usr/bin/probe" ] || return 0 # the tests say why they skip
    for suffix in tar tar.gz tar.zst; do
        "$ROOT/rootfs-scripts/export-tar.sh" "$IMAGE" "$TARS/busybox.$suffix" >/dev/null
    done
    # xz at its fastest level: the same tarball, 1 s sooner (this file
    # runs once per mutant in labs/mutants.sh; export-tar.sh's own xz is
    # tested below).
    xz -0 -c "$TARS/busybox.tar" > "$TARS/busybox.tar.xz"
    # Every crafted tarball holds the static probe, so a command can run.
    python3 - "$TARS" "$CANARY" "$PROBE" <<'PY'
import io, os, sys, tarfile

out, canary, probe = sys.argv[1:]

def entry(t, name, type=tarfile.REGTYPE, data=b"pwned\n", link="",
          mode=0o644, uid=0, gid=0, dev=(0, 0), pax=None):
    ti = tarfile.TarInfo(name)
    ti.type, ti.mode, ti.linkname = type, mode, link
    ti.uid, ti.gid = uid, gid
    ti.devmajor, ti.devminor = dev
    if pax:
        ti.pax_headers = pax
    if type == tarfile.REGTYPE:
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    else:
        t.addfile(ti)

def make(name, entries, fmt=tarfile.GNU_FORMAT):
    with tarfile.open(os.path.join(out, name + ".tar"), "w", format=fmt) as t:
        t.add(probe, arcname="usr/bin/probe")
        for e in entries:
            entry(t, **e)

# '..' that climbs out of the root, and a '..' hidden in the middle
make("traversal", [dict(name="../canary/pwned"),
                   dict(name="etc/../../canary/pwned2")])
# an absolute name: the host's path
make("absolute", [dict(name=canary + "/pwned")])
# a symlink to the host's directory, then a file through it
make("symlink", [dict(name="link", type=tarfile.SYMTYPE, link=canary),
                 dict(name="link/pwned")])
# a chain: a -> b, b -> .. (the root's parent, where the canary is)
make("chain", [dict(name="a", type=tarfile.SYMTYPE, link="b"),
               dict(name="b", type=tarfile.SYMTYPE, link=".."),
               dict(name="a/canary/pwned")])
# hard links to a host file: absolute, by '..', and through a symlink
make("hardlink", [dict(name="hl1", type=tarfile.LNKTYPE, link=canary + "/file"),
                  dict(name="hl2", type=tarfile.LNKTYPE, link="../canary/file"),
                  dict(name="l", type=tarfile.SYMTYPE, link=canary),
                  dict(name="hl3", type=tarfile.LNKTYPE, link="l/file")])
# a hard link to a symlink that names a host file: linkat must link the
# symlink itself (AT_SYMLINK_FOLLOW would link the host's file)
make("hardlink-symlink", [dict(name="s", type=tarfile.SYMTYPE, link=canary + "/file"),
                          dict(name="h", type=tarfile.LNKTYPE, link="s")])
# a hard link that replaces an earlier file of the same name, as in tar
make("relink", [dict(name="f", data=b"old\n"), dict(name="g", data=b"new\n"),
                dict(name="f", type=tarfile.LNKTYPE, link="g")])
# CVE-2021-32760's shape: a directory, then a symlink of the same name to
# the host, then a file below the name
make("replace", [dict(name="d", type=tarfile.DIRTYPE, mode=0o755),
                 dict(name="d", type=tarfile.SYMTYPE, link=canary),
                 dict(name="d/pwned")])
# the same, but the directory holds a file, so it cannot be replaced
make("replace-full", [dict(name="d", type=tarfile.DIRTYPE, mode=0o755),
                      dict(name="d/inside"),
                      dict(name="d", type=tarfile.SYMTYPE, link=canary),
                      dict(name="d/pwned")])
# a symlink to a host file, then a regular file of the same name
make("overwrite", [dict(name="f", type=tarfile.SYMTYPE, link=canary + "/file"),
                   dict(name="f", data=b"pwned\n")])
# device nodes: the host's first disk, a harmless char device, a FIFO
make("device", [dict(name="dev", type=tarfile.DIRTYPE, mode=0o755),
                dict(name="dev/sda", type=tarfile.BLKTYPE, mode=0o660, dev=(8, 0)),
                dict(name="dev/null", type=tarfile.CHRTYPE, mode=0o666, dev=(1, 3)),
                dict(name="dev/fifo", type=tarfile.FIFOTYPE, mode=0o600)])
# 'proc' a symlink to the host's canary: mounting /proc must stay inside
make("procsym", [dict(name="proc", type=tarfile.SYMTYPE, link=canary)])
# owners, modes, setuid/setgid, a hard link inside, an xattr (pax)
make("perms", [dict(name="home", type=tarfile.DIRTYPE, mode=0o755),
               dict(name="home/user", type=tarfile.DIRTYPE, mode=0o2750,
                    uid=1000, gid=1000),
               dict(name="suid", data=b"#!/bin/sh\n", mode=0o4755,
                    uid=1234, gid=5678),
               dict(name="suid-link", type=tarfile.LNKTYPE, link="suid"),
               dict(name="xattr", data=b"x\n",
                    pax={"SCHILY.xattr.user.minictr": "yes"})],
     fmt=tarfile.PAX_FORMAT)
# a header that claims 1 TiB, then 1 KiB of data and the end
ti = tarfile.TarInfo("huge")
ti.size = 1 << 40
with open(os.path.join(out, "huge.tar"), "wb") as f:
    f.write(ti.tobuf(format=tarfile.GNU_FORMAT) + b"x" * 1024)
with open(os.path.join(out, "garbage.tar"), "wb") as f:
    f.write(os.urandom(20480))
with tarfile.open(os.path.join(out, "allrefused.tar"), "w") as t:
    entry(t, "../pwned")
open(os.path.join(out, "zero.tar"), "wb").close()
tarfile.open(os.path.join(out, "empty.tar"), "w").close()  # only the end
PY
    # A good tarball cut in half, in the middle of an entry's data.
    head -c "$(($(stat -c %s "$TARS/busybox.tar") / 2))" "$TARS/busybox.tar" > "$TARS/truncated.tar"
    head -c "$(($(stat -c %s "$TARS/busybox.tar.gz") / 2))" "$TARS/busybox.tar.gz" > "$TARS/truncated.tar.gz"
}

setup() {
    need_root
    [ -x "$IMAGE/usr/bin/probe" ] || skip "no image: run 'make images'"
    TARBOX=$(tool tarbox)
    # The root goes beside the canary, so '../canary' from it hits it.
    R=$BATS_FILE_TMPDIR/root
    CANARY_BEFORE=$(canary_state)
}

teardown() {
    rm -rf -- "$R" "$R".partial.*
}

# Everything about the canary that an escape could change.
canary_state() {
    find "$CANARY" -printf '%p %y %s %n %m %u:%g %T@ %l\n' | sort
    cat "$CANARY/file"
}

# The host is as it was, and tarbox left nothing: no root, no half-unpacked
# directory, no mount, nothing in its default directory (this file's own).
assert_clean() {
    assert_equal "$(canary_state)" "$CANARY_BEFORE"
    assert_not_exist "$R"
    run compgen -G "$R.partial.*"
    assert_failure
    assert_equal "$(mounts_below "$BATS_FILE_TMPDIR")" ""
    assert_equal "$(ls -A "$MINICTR_STATE/tarbox" 2>/dev/null)" ""
}

# ---- usage ---------------------------------------------------------------

@test "tarbox --help prints usage and exits 0" {
    run "$TARBOX" --help
    assert_success
    assert_output --partial "usage: tarbox"
    assert_output --partial "--allow-devices"
}

@test "tarbox without a command, or with a bad option, exits 2" {
    run "$TARBOX" "$TARS/busybox.tar"
    assert_failure 2
    assert_output --partial "need a TARBALL and a CMD"
    run "$TARBOX" --bogus "$TARS/busybox.tar" /bin/true
    assert_failure 2
    run "$TARBOX" --hostname "" "$TARS/busybox.tar" /bin/true
    assert_failure 2
    assert_clean
}

@test "a missing tarball exits 3 and leaves nothing" {
    run "$TARBOX" --dir "$R" "$BATS_TEST_TMPDIR/nope.tar" /usr/bin/probe
    assert_failure 3
    assert_output --partial "read tarball '$BATS_TEST_TMPDIR/nope.tar' failed: ENOENT"
    assert_clean
}

@test "--dir that exists already is refused with exit 3 and left alone" {
    mkdir "$R"
    echo mine > "$R/keep"
    run "$TARBOX" --dir "$R" "$TARS/busybox.tar" /usr/bin/probe
    assert_failure 3
    assert_output --partial "exists"
    assert_equal "$(cat "$R/keep")" mine
}

# bats test_tags=lab:04-4
@test "--trace prints each kernel call beside its shell command" {
    run "$TARBOX" --trace "$TARS/busybox.tar" /bin/true
    assert_success
    assert_line --regexp '^trace: clone\(child_main, CLONE_NEWUTS'
    assert_line "       \$ unshare --uts --pid --mount --ipc --net --fork"
    # The default directory: $MINICTR_STATE/tarbox/PID.
    assert_line --regexp "^trace: chroot\\(\"$MINICTR_STATE/tarbox/[0-9]+\"\\)\$"
    assert_line "       \$ mount -t proc proc /proc"
    assert_clean
}

@test "SIGTERM to tarbox stops the container and removes the root" {
    # A sleep of a length of this run's own, so that pgrep below finds
    # ours only, whatever else runs on the machine.
    secs=$((600 + $$ % 10000))
    "$TARBOX" --dir "$R" "$TARS/busybox.tar" /bin/sleep "$secs" 3>&- &
    pid=$!
    for _ in $(seq 100); do
        [ -d "$R" ] && break
        sleep 0.05
    done
    sleep 0.2
    kill -TERM "$pid"
    status=0
    wait "$pid" || status=$?
    assert_equal "$status" 137 # the container's PID 1 was killed
    run pgrep -f "^/bin/sleep $secs\$"
    assert_failure
    assert_clean
}

# ---- good tarballs -------------------------------------------------------

# bats test_tags=lab:04-1,lab:04-4
@test "each compression (tar, gz, xz, zst) runs the probe as PID 1 in new namespaces" {
    host=$("$PROBE" ns)
    for suffix in tar tar.gz tar.xz tar.zst; do
        run "$TARBOX" "$TARS/busybox.$suffix" /usr/bin/probe
        assert_success
        assert_equal "$(probe_get pid "$output")" 1
        assert_equal "$(probe_get hostname "$output")" tarbox
        for ns in uts pid mnt ipc net; do
            inside=$(probe_get "ns.$ns" "$output")
            [ -n "$inside" ] && [ "$inside" != unavailable ]
            [ "$inside" != "$(probe_get "ns.$ns" "$host")" ] ||
                fail "$suffix: the probe is in the host's $ns namespace"
        done
        assert_line "mount=/proc proc rw,nosuid,nodev,noexec,relatime"
        assert_line --regexp "^mount=/sys sysfs ro,"
        assert_line --regexp "^mount=/tmp tmpfs rw,nosuid,nodev"
    done
    # The container's root is the unpacked tarball, and it is gone now.
    assert_clean
}

@test "the command's exit status is passed on, and --hostname is set" {
    run "$TARBOX" --hostname box7 "$TARS/busybox.tar.zst" /bin/sh -c 'hostname; exit 7'
    assert_failure 7
    assert_output box7
    assert_clean
}

# bats test_tags=lab:04-4
@test "a shell inside sees only the container's processes and the unpacked files" {
    run "$TARBOX" "$TARS/busybox.tar" /bin/sh -c 'echo pid=$$; set -- /proc/[0-9]*; echo $*; cat /.minictr-image'
    assert_success
    assert_line pid=1
    assert_line --index 1 /proc/1 # the shell is the only process
    assert_line --partial "busybox image made by minictr"
}

@test "the command starts in the root's /, not in the host directory tarbox ran in" {
    # chroot(2) changes / but not the working directory: without
    # chdir("/") after it, the command would start in the host's $CANARY
    # (or the host's / with chdir before chroot), and reach the host's
    # files through relative paths. Only reads here: a wrong tarbox must
    # not get to write the host.
    cd "$CANARY"
    run "$TARBOX" --dir "$R" "$TARS/busybox.tar" /bin/sh -c \
        'readlink /proc/self/cwd; stat -c "%d:%i" . /; cat file; ls -a'
    assert_success
    assert_line --index 0 /
    # "." and "/" are one directory: same device, same inode.
    assert_equal "$(sed -n 2p <<<"$output")" "$(sed -n 3p <<<"$output")"
    refute_line untouched
    assert_line .minictr-image # ls lists the root: the unpacked tarball
    assert_clean
}

# bats test_tags=lab:04-1
@test "--keep keeps the root; otherwise it is removed" {
    run "$TARBOX" --keep --dir "$R" "$TARS/busybox.tar.gz" /bin/true
    assert_success
    assert_output --partial "kept the root in '$R'"
    assert_file_exists "$R/usr/bin/probe"
    assert_equal "$(mounts_below "$R")" ""
    # Same files, modes and owners as the image it was exported from.
    diff <(cd "$IMAGE" && find . -printf '%p %y %m %U:%G %l\n' | sort) \
        <(cd "$R" && find . -printf '%p %y %m %U:%G %l\n' | sort)
    rm -rf -- "$R"
    run "$TARBOX" --dir "$R" "$TARS/busybox.tar.gz" /bin/true
    assert_success
    assert_clean
}

# bats test_tags=lab:04-1,lab:04-2
@test "owners, modes, setuid, setgid, hard links and xattrs are kept" {
    run "$TARBOX" --keep --dir "$R" "$TARS/perms.tar" /usr/bin/probe exit 0
    assert_success
    assert_equal "$(stat -c '%u:%g %a %h' "$R/suid")" "1234:5678 4755 2"
    assert_equal "$(stat -c %i "$R/suid")" "$(stat -c %i "$R/suid-link")"
    assert_equal "$(stat -c '%u:%g %a %F' "$R/home/user")" "1000:1000 2750 directory"
    run python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.minictr").decode())' "$R/xattr"
    assert_output yes
}

# ---- malicious tarballs: refused or neutralised, the host untouched -----

# bats test_tags=lab:04-1
@test "'..' in a name is refused: path leaves the root" {
    run "$TARBOX" --keep --dir "$R" "$TARS/traversal.tar" /usr/bin/probe exit 0
    assert_success # the rest of the tarball runs
    assert_line "tarbox: refused '../canary/pwned': path leaves the root"
    assert_line "tarbox: refused 'etc/../../canary/pwned2': path leaves the root"
    assert_line "tarbox: unpacked 1 entries, refused 2"
    # Refused before anything is made: not even the 'etc' of 'etc/../..'.
    assert_not_exist "$R/etc"
    rm -rf -- "$R"
    assert_clean
}

# bats test_tags=lab:04-1
@test "an absolute name is refused" {
    run "$TARBOX" --dir "$R" "$TARS/absolute.tar" /usr/bin/probe exit 0
    assert_success
    assert_line "tarbox: refused '$CANARY/pwned': absolute path"
    assert_clean
}

# bats test_tags=lab:04-1
@test "a file below a symlink to the host is refused" {
    run "$TARBOX" --keep --dir "$R" "$TARS/symlink.tar" /usr/bin/probe exit 0
    assert_success
    assert_line --partial "tarbox: refused 'link/pwned': a parent is a symlink"
    # The symlink itself is made: inside the container it points inside.
    assert_equal "$(readlink "$R/link")" "$CANARY"
    rm -rf -- "$R"
    assert_clean
}

# bats test_tags=lab:04-1
@test "a chain of symlinks out of the root is refused" {
    run "$TARBOX" --dir "$R" "$TARS/chain.tar" /usr/bin/probe exit 0
    assert_success
    assert_line --partial "tarbox: refused 'a/canary/pwned': a parent is a symlink"
    assert_clean
}

# bats test_tags=lab:04-2
@test "hard links to host files are refused: absolute, '..', through a symlink" {
    run "$TARBOX" --keep --dir "$R" "$TARS/hardlink.tar" /usr/bin/probe exit 0
    assert_success
    assert_line "tarbox: refused 'hl1': absolute path"
    assert_line "tarbox: refused 'hl2': path leaves the root"
    assert_line --partial "tarbox: refused 'hl3': a parent is a symlink"
    assert_not_exist "$R/hl1"
    assert_not_exist "$R/hl2"
    assert_not_exist "$R/hl3"
    rm -rf -- "$R"
    assert_clean # the canary file still has 1 link
}

@test "a hard link to a symlink links the symlink, never the host file it names" {
    # 's -> $CANARY/file', then 'h' a hard link to 's'. With
    # AT_SYMLINK_FOLLOW, h would be the host's file itself, and the
    # container could write it. Here h is a second name of the symlink:
    # inside, it names $CANARY/file in the root, where there is none.
    run "$TARBOX" --keep --dir "$R" "$TARS/hardlink-symlink.tar" /usr/bin/probe write /h
    assert_failure 1
    assert_line "write=ENOENT"
    [ -L "$R/h" ]
    assert_equal "$(stat -c %i "$R/h")" "$(stat -c %i "$R/s")"
    [ "$(stat -c %i "$R/h")" != "$(stat -c %i "$CANARY/file")" ]
    rm -rf -- "$R"
    assert_clean
}

@test "a hard link replaces an earlier entry of the same name, as in tar" {
    run "$TARBOX" --keep --dir "$R" "$TARS/relink.tar" /usr/bin/probe exit 0
    assert_success
    refute_output --partial refused
    assert_equal "$(stat -c '%i %h' "$R/f")" "$(stat -c '%i %h' "$R/g")"
    assert_equal "$(cat "$R/f")" new
    rm -rf -- "$R"
    assert_clean
}

# bats test_tags=lab:04-1
@test "a directory replaced by a symlink, then a file below it, is refused (CVE-2021-32760)" {
    run "$TARBOX" --keep --dir "$R" "$TARS/replace.tar" /usr/bin/probe exit 0
    assert_success
    assert_line --partial "tarbox: refused 'd/pwned': a parent is a symlink"
    assert_equal "$(readlink "$R/d")" "$CANARY"
    rm -rf -- "$R"
    assert_clean
}

@test "a directory that is not empty is not replaced by a symlink" {
    run "$TARBOX" --keep --dir "$R" "$TARS/replace-full.tar" /usr/bin/probe exit 0
    assert_success
    assert_line "tarbox: refused 'd': would replace a directory that is not empty"
    # d stays the tarball's own directory, so d/pwned lands inside the root.
    [ -d "$R/d" ] && [ ! -L "$R/d" ]
    assert_file_exists "$R/d/inside"
    assert_file_exists "$R/d/pwned"
    rm -rf -- "$R"
    assert_clean
}

@test "a file never writes through a symlink of the same name" {
    run "$TARBOX" --keep --dir "$R" "$TARS/overwrite.tar" /usr/bin/probe exit 0
    assert_success
    # Later entries replace earlier ones, as in tar: f is now a new file.
    [ -f "$R/f" ] && [ ! -L "$R/f" ]
    assert_equal "$(cat "$R/f")" pwned
    rm -rf -- "$R"
    assert_clean
}

# bats test_tags=lab:04-3
@test "device nodes are refused unless --allow-devices; FIFOs are made" {
    run "$TARBOX" --keep --dir "$R" "$TARS/device.tar" /usr/bin/probe exit 0
    assert_success
    assert_line "tarbox: refused 'dev/sda': device node (use --allow-devices to create it)"
    assert_line --partial "tarbox: refused 'dev/null': device node"
    assert_not_exist "$R/dev/sda"
    [ -p "$R/dev/fifo" ]
    rm -rf -- "$R"
    run "$TARBOX" --keep --allow-devices --dir "$R" "$TARS/device.tar" /usr/bin/probe exit 0
    assert_success
    refute_output --partial refused
    assert_equal "$(stat -c '%F %t:%T %a' "$R/dev/sda")" "block special file 8:0 660"
    assert_equal "$(stat -c '%F %t:%T %a' "$R/dev/null")" "character special file 1:3 666"
    rm -rf -- "$R"
    assert_clean
}

# bats test_tags=lab:04-4
@test "a 'proc' symlink to a host directory cannot put a mount there" {
    run "$TARBOX" --dir "$R" "$TARS/procsym.tar" /usr/bin/probe
    # After chroot the link resolves inside the root, where its target
    # does not exist: the mount fails, the host never sees it.
    assert_failure 1
    assert_output --partial "mount proc on '/proc' failed: ENOENT"
    assert_clean
}

# ---- broken tarballs: exit 3, nothing half-unpacked left -----------------

@test "a truncated tarball (plain and gzip) exits 3 and leaves nothing" {
    for t in truncated.tar truncated.tar.gz; do
        run "$TARBOX" --dir "$R" "$TARS/$t" /usr/bin/probe
        assert_failure 3
        assert_output --regexp "tarbox: '$TARS/$t' is corrupt or truncated: .*(Truncated|truncated|Damaged|end of file)"
        assert_clean
    done
}

@test "a tarball of random bytes exits 3 and leaves nothing" {
    run "$TARBOX" --dir "$R" "$TARS/garbage.tar" /usr/bin/probe
    assert_failure 3
    assert_output --partial "Unrecognized archive format"
    assert_clean
}

@test "an empty file, or a tarball with no entries, exits 3" {
    run "$TARBOX" --dir "$R" "$TARS/zero.tar" /usr/bin/probe
    assert_failure 3
    assert_output --partial "is corrupt: Unrecognized archive format"
    assert_clean
    run "$TARBOX" --dir "$R" "$TARS/empty.tar" /usr/bin/probe
    assert_failure 3
    assert_output --partial "no entries"
    assert_clean
}

# bats test_tags=lab:04-1
@test "a tarball whose every entry is refused exits 3: nothing to run" {
    run "$TARBOX" --dir "$R" "$TARS/allrefused.tar" /usr/bin/probe
    assert_failure 3
    assert_line "tarbox: refused '../pwned': path leaves the root"
    assert_output --partial "every entry was refused: nothing to run"
    assert_clean
}

@test "a header claiming 1 TiB with 1 KiB of data exits 3 and writes no terabyte" {
    run "$TARBOX" --dir "$R" "$TARS/huge.tar" /usr/bin/probe
    assert_failure 3
    assert_output --partial "'$TARS/huge.tar' is corrupt or truncated"
    assert_output --partial "huge"
    assert_clean
}

@test "a command that does not exist inside exits 1, and the root is removed" {
    run "$TARBOX" "$TARS/busybox.tar" /no/such/cmd
    assert_failure 1
    assert_output --partial "exec '/no/such/cmd' failed: ENOENT"
    assert_clean
}

# ---- export-tar.sh ---------------------------------------------------------

@test "export-tar.sh writes what docker export writes: relative names, dirs, numeric owners" {
    run tar --numeric-owner -tvf "$TARS/busybox.tar"
    assert_success
    assert_line --regexp '^d.* 0/0 .* bin/$'
    assert_line --regexp '^l.* 0/0 .* bin/sh -> /bin/busybox$'
    assert_line --regexp '^-rwxr-xr-x 0/0 .* usr/bin/probe$'
    # names are relative, with no './' in front
    run tar -tf "$TARS/busybox.tar"
    refute_line --regexp '^\.?/'
    # every directory comes before what is in it
    [ "$(printf '%s\n' "$output" | grep -n '^usr/$' | cut -d: -f1)" -lt \
      "$(printf '%s\n' "$output" | grep -n '^usr/bin/probe$' | cut -d: -f1)" ]
}

@test "export-tar.sh is idempotent and refuses to write inside the rootfs or elsewhere" {
    script=$ROOT/rootfs-scripts/export-tar.sh
    out=$BATS_TEST_TMPDIR/img.tar.xz
    run "$script" "$IMAGE" "$out"
    assert_success
    first=$(tar -tvf "$out")
    run "$script" "$IMAGE" "$out"
    assert_success
    assert_equal "$(tar -tvf "$out")" "$first"
    assert_equal "$(xz -t "$out" && echo ok)" ok
    # Only OUT is written: no temporary file stays beside it.
    assert_equal "$(ls -A "$BATS_TEST_TMPDIR")" "img.tar.xz"
    cp -a "$IMAGE" "$BATS_TEST_TMPDIR/rootfs"
    run "$script" "$BATS_TEST_TMPDIR/rootfs" "$BATS_TEST_TMPDIR/rootfs/tmp/x.tar"
    assert_failure 2
    assert_output --partial "inside"
    assert_not_exist "$BATS_TEST_TMPDIR/rootfs/tmp/x.tar"
    run "$script" "$BATS_TEST_TMPDIR/nope" "$BATS_TEST_TMPDIR/x.tar"
    assert_failure 3
    run "$script" "$IMAGE" "$BATS_TEST_TMPDIR/x.zip"
    assert_failure 2
    run "$script" "$IMAGE" "$BATS_TEST_TMPDIR"
    assert_failure 2
    run "$script" / "$BATS_TEST_TMPDIR/root.tar"
    assert_failure 2
}
