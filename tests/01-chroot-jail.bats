#!/usr/bin/env bats
# Step 01: jail copies programs and their libraries into a directory and
# runs them chrooted; escape shows that a chroot does not hold root.
#
# What is checked is what the kernel sees: paths resolved by the kernel
# inside the chroot (the host's chroot(8) running the jail's own cat),
# /proc/PID/root and /proc/PID/cwd of a jailed process, and files the jail
# must not reach. The libraries expected are computed here with ldd.

load lib/common

setup_file() {
    # escape is a helper program of this step, never a student's. When a
    # grader run (make grade) has not made it, it is made here, in this
    # file's own directory: two runs at once never write the same file.
    ESCAPE=$BIN/escape
    if [ ! -x "$ESCAPE" ]; then
        make -C "$ROOT" -s BIN="$BATS_FILE_TMPDIR" "$BATS_FILE_TMPDIR/escape" >&2
        ESCAPE=$BATS_FILE_TMPDIR/escape
    fi
    export ESCAPE
}

setup() {
    JAIL=$(tool jail)
    D=$BATS_TEST_TMPDIR/jail
    cd "$BATS_TEST_TMPDIR"
}

# The absolute paths ldd prints for PROGRAM: each library and the loader.
ldd_paths() {
    ldd "$1" | sed -n -e 's|.*=> \(/[^ ]*\) (0x.*|\1|p' \
        -e 's|^[[:space:]]*\(/[^ ]*\) (0x.*|\1|p'
}

# elf_patch IN OUT HOW: a copy of the dynamic program IN whose PT_INTERP
# program header is changed (elf(5)), to see that jail reads it as the
# kernel does and refuses what the kernel would not take:
#   memsz     p_memsz made larger than p_filesz (the kernel reads p_filesz
#             bytes; the program still runs)
#   nonul     the path's last byte, its NUL, made an 'X'
#   relative  the path's first byte, its '/', made an 'x'
#   huge      p_filesz 4097 bytes (PATH_MAX + 1: one more than jail's
#             buffer), pointing at a NUL-terminated "/aaa..." appended to
#             the file
elf_patch() {
    python3 - "$@" <<'EOF'
import struct, sys
src, dst, how = sys.argv[1:]
data = bytearray(open(src, 'rb').read())
phoff, = struct.unpack_from('<Q', data, 0x20)
phentsize, phnum = struct.unpack_from('<HH', data, 0x36)
for i in range(phnum):
    at = phoff + i * phentsize
    if struct.unpack_from('<I', data, at)[0] != 3:  # PT_INTERP
        continue
    off, = struct.unpack_from('<Q', data, at + 8)
    filesz, = struct.unpack_from('<Q', data, at + 32)
    if how == 'memsz':
        # The first larger size whose last byte is not a NUL.
        memsz = next(n for n in range(filesz + 1, filesz + 4000)
                     if data[off + n - 1] != 0)
        struct.pack_into('<Q', data, at + 40, memsz)
    elif how == 'nonul':
        data[off + filesz - 1] = ord('X')
    elif how == 'relative':
        data[off] = ord('x')
    elif how == 'huge':
        struct.pack_into('<Q', data, at + 8, len(data))
        struct.pack_into('<Q', data, at + 32, 4097)
        data += b'/' + b'a' * 4095 + b'\0'
    break
else:
    sys.exit('no PT_INTERP in ' + src)
open(dst, 'wb').write(data)
EOF
    chmod 0755 "$2"
}

# Nothing of a failed jail is left: not DIR, not DIR.partial-*.
assert_no_jail_left() {
    assert_not_exists "$D"
    run compgen -G "$D.partial-*"
    assert_failure
}

# ---- copying ---------------------------------------------------------------

@test "jail --help prints usage and exits 0" {
    run "$JAIL" --help
    assert_success
    assert_output --partial "usage: jail"
    assert_output --partial "--run"
}

@test "jail: usage errors exit 2" {
    run "$JAIL"
    assert_failure 2
    run "$JAIL" "$D"
    assert_failure 2
    run "$JAIL" --bogus "$D" /bin/ls
    assert_failure 2
    assert_output --partial "try 'jail --help'"
    run "$JAIL" "$D" --run
    assert_failure 2
    assert_output --partial "--run needs a PROGRAM"
    assert_no_jail_left
}

# bats test_tags=lab:01-1,lab:01-2,lab:01-3
@test "jail copies /bin/ls, its loader and every library ldd lists, at ldd's paths" {
    need_root
    # Bounded: a jail that waits for itself (a pipe's write end left open
    # in lab 01.2) fails here instead of hanging the grader.
    run timeout 30 "$JAIL" "$D" /bin/ls /bin/cat
    [ "$status" -ne 124 ] || fail "jail did not finish in 30 s: is a write end of the loader's pipe still open? (lab 01.2)"
    assert_success
    paths=$( (ldd_paths /bin/ls; ldd_paths /bin/cat) | sort -u)
    [ -n "$paths" ]
    for p in $paths; do
        # Each symlink on the way is a symlink in the jail with the same
        # target (merged /usr: /lib -> usr/lib, /lib64 -> usr/lib64) ...
        prefix=
        IFS=/ read -ra parts <<< "${p#/}"
        for part in "${parts[@]}"; do
            prefix=$prefix/$part
            if [ -L "$prefix" ]; then
                assert_link_exists "$D$prefix"
                assert_equal "$(readlink "$D$prefix")" "$(readlink "$prefix")"
            fi
        done
        # ... and the kernel, resolving the path inside the chroot, reaches
        # a file with the host file's bytes.
        run bash -c 'chroot "$1" /bin/cat "$2" | cmp - "$2"' _ "$D" "$p"
        assert_success
    done
}

@test "jail keeps each file's mode, and a second run over the same jail succeeds" {
    run "$JAIL" "$D" /bin/ls
    assert_success
    real=$(realpath /bin/ls)
    [ -f "$D$real" ] && [ ! -L "$D$real" ]
    assert_equal "$(stat -c %a "$D$real")" "$(stat -c %a "$real")"
    run "$JAIL" "$D" /bin/ls
    assert_success
}

# bats test_tags=lab:01-3
@test "jail keeps symlinks that are libraries' names (libcurl.so.4 -> libcurl.so.4.x)" {
    need_cmd curl
    run "$JAIL" "$D" /usr/bin/curl
    assert_success
    lib=$(ldd /usr/bin/curl | awk '$1 ~ /^libcurl\.so/ { print $3 }')
    [ -L "$lib" ] || skip "libcurl is not a symlink on this host"
    assert_link_exists "$D$lib"
    assert_equal "$(readlink "$D$lib")" "$(readlink "$lib")"
    target=$(dirname "$lib")/$(readlink "$lib")
    [ -f "$D$target" ] && [ ! -L "$D$target" ]
}

# bats test_tags=lab:01-1,lab:01-4
@test "jail: a static program is copied alone, with no loader or library" {
    need_root
    cp "$PROBE" "$BATS_TEST_TMPDIR/probe"
    run "$JAIL" "$D" ./probe
    assert_success
    # A relative path goes to /bin; nothing but that path is made.
    run find "$D" -name 'ld-linux*' -o -name '*.so*'
    assert_output ""
    run "$JAIL" "$D" --run /bin/probe exit 7
    assert_failure 7
}

@test "jail takes the loader's path from PT_INTERP's p_filesz, as the kernel does" {
    need_root
    need_cmd python3
    # p_memsz is no part of the path: the kernel runs the program as ever.
    elf_patch /bin/true true-memsz memsz
    run ./true-memsz
    assert_success
    run "$JAIL" "$D" ./true-memsz
    assert_success
    # The loader is in the jail, and the kernel starts the program there.
    interp=$(ldd_paths /bin/true | grep '/ld-')
    [ -e "$D$interp" ] || fail "no loader $interp in the jail"
    run chroot "$D" /bin/true-memsz
    assert_success
}

@test "jail: a PT_INTERP that is no NUL-terminated absolute path, or too long, exits 3" {
    need_cmd python3
    for how in nonul relative huge; do
        elf_patch /bin/true "true-$how" "$how"
        run "$JAIL" "$D" "./true-$how"
        assert_failure 3
        assert_output --partial "'./true-$how': PT_INTERP is not a NUL-terminated absolute path"
        assert_no_jail_left
    done
}

# bats test_tags=lab:01-4
@test "jail says what ldd cannot see; whoami fails until /etc/passwd is copied" {
    need_root
    run "$JAIL" "$D" /usr/bin/whoami
    assert_success
    assert_output --partial "dlopen"
    assert_output --partial "/etc/passwd"
    run "$JAIL" "$D" --run /usr/bin/whoami
    assert_failure
    assert_output --partial "cannot find name for user ID"
    mkdir "$D/etc"
    grep '^root:' /etc/passwd > "$D/etc/passwd"
    run "$JAIL" "$D" --run /usr/bin/whoami
    assert_success
    assert_output "root"
}

# bats test_tags=lab:01-2,lab:01-4
@test "jail: a library loaded with dlopen (iconv's gconv module) is not seen by ldd" {
    need_root
    need_cmd iconv
    gconv=$(LD_DEBUG=files iconv -f CP1252 -t UTF-8 </dev/null 2>&1 |
        sed -n 's|.*file=\(/[^ ]*CP1252[^ ]*\) .*dynamically loaded.*|\1|p' | head -n 1)
    [ -n "$gconv" ] || skip "iconv here does not dlopen a CP1252 module"
    run "$JAIL" "$D" iconv
    assert_success
    run bash -c 'echo hi | "$1" "$2" --run iconv -f CP1252 -t UTF-8' _ "$JAIL" "$D"
    assert_failure
    assert_output --partial "failed to start conversion"
    # Copy the module and the table naming it, as the lab does: it works.
    dir=$(dirname "$gconv")
    mkdir -p "$D$dir"
    cp "$gconv" "$dir/gconv-modules" "$D$dir/"
    run bash -c 'echo hi | "$1" "$2" --run iconv -f CP1252 -t UTF-8' _ "$JAIL" "$D"
    assert_success
    assert_output "hi"
}

# ---- running ----------------------------------------------------------------

# bats test_tags=lab:01-4
@test "jail --run /bin/ls / lists exactly the jail's top-level entries" {
    need_root
    "$JAIL" "$D" /bin/ls >/dev/null
    run "$JAIL" "$D" --run /bin/ls -A /
    assert_success
    assert_output "$(cd "$D" && LC_ALL=C ls -A)"
    [ -n "$output" ]
}

# bats test_tags=lab:01-4
@test "jail --run: the program cannot see a file outside the jail" {
    need_root
    echo secret > "$BATS_TEST_TMPDIR/marker-outside"
    cp "$PROBE" "$BATS_TEST_TMPDIR/probe"
    "$JAIL" "$D" ./probe >/dev/null
    run "$PROBE" open "$BATS_TEST_TMPDIR/marker-outside"
    assert_success # the host sees it ...
    run "$JAIL" "$D" --run /bin/probe open "$BATS_TEST_TMPDIR/marker-outside"
    assert_failure # ... the jail does not
    assert_output "open=ENOENT"
}

# bats test_tags=lab:01-4
@test "jail --run: the kernel's root and cwd of the jailed process are DIR" {
    need_root
    "$JAIL" "$D" /bin/bash >/dev/null
    mkfifo "$BATS_TEST_TMPDIR/fifo"
    exec {fd}<> "$BATS_TEST_TMPDIR/fifo"
    "$JAIL" "$D" --run /bin/bash -c 'read -r line' <&"$fd" &
    pid=$!
    want=$(realpath "$D")
    for _ in $(seq 50); do
        [ "$(readlink "/proc/$pid/root")" = "$want" ] && break
        sleep 0.1
    done
    root=$(readlink "/proc/$pid/root")
    cwd=$(readlink "/proc/$pid/cwd")
    echo go >&"$fd"
    wait "$pid"
    exec {fd}>&-
    assert_equal "$root" "$want"
    assert_equal "$cwd" "$want" # chdir("/") after chroot
}

@test "jail --run without CAP_SYS_CHROOT fails with EPERM and runs nothing" {
    need_root
    need_cmd setpriv
    echo "secret-$$" > "$BATS_TEST_TMPDIR/marker-outside"
    "$JAIL" "$D" /bin/cat >/dev/null
    # The capability gone from the bounding set: root without it, as in a
    # container. The host has a cat too: it must not be the one that runs.
    run setpriv --bounding-set=-sys_chroot "$JAIL" "$D" --run /bin/cat "$BATS_TEST_TMPDIR/marker-outside"
    assert_failure 1
    assert_output --partial "chroot '$D' failed: EPERM"
    assert_output --partial "CAP_SYS_CHROOT"
    refute_output --partial "secret-$$"
}

# bats test_tags=lab:01-1,lab:01-2,lab:01-4
@test "bash runs in its jail and sees only the jail" {
    need_root
    run "$JAIL" "$D" /bin/bash
    assert_success
    run "$JAIL" "$D" --run /bin/bash -c 'echo "$BASH_VERSION"; echo /*'
    assert_success
    assert_line --index 0 --regexp '^[0-9]+\.[0-9]+'
    assert_line --index 1 "$(cd "$D" && printf '/%s ' * | sed 's/ $//')"
}

# bats test_tags=lab:01-2,lab:01-3,lab:01-4
@test "curl --version runs in its jail" {
    need_root
    need_cmd curl
    "$JAIL" "$D" /usr/bin/curl >/dev/null
    run "$JAIL" "$D" --run /usr/bin/curl --version
    assert_success
    assert_line --index 0 --partial "libcurl/"
}

# bats test_tags=lab:01-4
@test "jail --trace shows chroot, chdir and execve with the shell commands" {
    need_root
    run "$JAIL" --trace "$D" /bin/ls
    assert_success
    assert_output --partial "LD_TRACE_LOADED_OBJECTS=1 "
    assert_output --regexp 'cp --preserve=mode [^ ]*/ls'
    if [ -L /lib64 ]; then
        assert_output --partial "ln -s $(readlink /lib64) $D/lib64"
    fi
    run "$JAIL" --trace "$D" --run /bin/ls /
    assert_success
    assert_output --partial "trace: chroot(\"$D\")"
    assert_output --partial "\$ chroot $D /bin/ls /"
    assert_output --partial 'trace: chdir("/")'
    assert_output --partial '$ cd /'
    assert_output --partial 'trace: execve("/bin/ls", ["/bin/ls", "/"])'
}

# ---- the escape: chroot is not a container ----------------------------------

# bats test_tags=lab:01-4
@test "escape: root in the jail gets out and reads a file only the host has" {
    need_root
    echo "only-outside-$$" > "$BATS_TEST_TMPDIR/marker-outside"
    cp "$ESCAPE" "$BATS_TEST_TMPDIR/escape"
    run "$JAIL" "$D" ./escape /bin/cat /bin/readlink
    assert_success
    # Jailed, cat cannot read the marker ...
    run "$JAIL" "$D" --run /bin/cat "$BATS_TEST_TMPDIR/marker-outside"
    assert_failure
    # ... after the escape it can, and the kernel says our root is /.
    run "$JAIL" "$D" --run /bin/escape /bin/cat "$BATS_TEST_TMPDIR/marker-outside"
    assert_success
    assert_line "only-outside-$$"
    run "$JAIL" "$D" --run /bin/escape /bin/readlink /proc/self/root
    assert_success
    assert_line --index 2 "/"
    # The escape tidied up after itself.
    run compgen -G "$D/minictr-escape-*"
    assert_failure
}

# bats test_tags=lab:01-4
@test "escape: before, / is the jail; after, / is the host's root" {
    need_root
    cp "$ESCAPE" "$BATS_TEST_TMPDIR/escape"
    "$JAIL" "$D" ./escape >/dev/null
    run "$JAIL" "$D" --run /bin/escape
    assert_success
    assert_line --index 0 "before: / holds: $(cd "$D" && LC_ALL=C ls | xargs)"
    assert_line --index 1 "after:  / holds: $(cd / && LC_ALL=C ls | xargs)"
}

# ---- bad input: clear message, exit 3, nothing left behind ------------------

@test "jail: a missing program exits 3 and makes no DIR" {
    run "$JAIL" "$D" /bin/ls /no/such/program
    assert_failure 3
    assert_output --partial "'/no/such/program' not found"
    assert_no_jail_left
    run "$JAIL" "$D" no-such-program-minictr
    assert_failure 3
    assert_output --partial "not found in \$PATH"
    assert_no_jail_left
}

@test "jail: a shell script is refused: not ELF, copy its interpreter" {
    printf '#!/bin/sh\necho hi\n' > script.sh
    chmod +x script.sh
    run "$JAIL" "$D" ./script.sh
    assert_failure 3
    assert_output --partial "not an ELF program"
    assert_output --partial "jail DIR /bin/sh"
    assert_no_jail_left
}

@test "jail: a text file is refused: not ELF" {
    echo "just text" > notes.txt
    run "$JAIL" "$D" ./notes.txt
    assert_failure 3
    assert_output --partial "not an ELF program"
    assert_no_jail_left
}

@test "jail: a DIR that is a regular file exits 3 and is left as it was" {
    echo keep > "$D"
    run "$JAIL" "$D" /bin/ls
    assert_failure 3
    assert_output --partial "not a directory"
    assert_equal "$(cat "$D")" keep
    run "$JAIL" "$D" --run /bin/ls
    assert_failure 3
}

@test "jail --run: a missing DIR exits 3" {
    run "$JAIL" "$D" --run /bin/ls
    assert_failure 3
    assert_no_jail_left
}

# bats test_tags=lab:01-2
@test "jail: a library the loader cannot find exits 3 and makes no DIR" {
    need_cmd cc
    echo 'int foo(void) { return 0; }' > foo.c
    echo 'int foo(void); int main(void) { return foo(); }' > main.c
    cc -shared -fPIC -o libminictrfoo.so foo.c
    cc -o needsfoo main.c -L. -lminictrfoo
    rm libminictrfoo.so
    run "$JAIL" "$D" ./needsfoo
    assert_failure 3
    assert_output --partial "needs 'libminictrfoo.so', which the loader cannot find"
    assert_no_jail_left
}

@test "jail refuses / as the jail" {
    run "$JAIL" / /bin/ls
    assert_failure 3
    assert_output --partial "refusing to use '/'"
}

@test "jail does not follow a symlink in DIR that points outside it" {
    mkdir -p "$D" outside
    ln -s "$BATS_TEST_TMPDIR/outside" "$D/usr"
    run "$JAIL" "$D" /bin/ls
    assert_failure 3
    assert_output --partial "refusing"
    run ls -A outside
    assert_output ""
    # A link of ours that the host does not have is not replaced either.
    rm "$D/usr"
    if [ -L /lib64 ]; then
        ln -s "$BATS_TEST_TMPDIR/outside" "$D/lib64"
        run "$JAIL" "$D" /bin/ls
        assert_failure 3
        assert_output --partial "is not the symlink to"
        run ls -A outside
        assert_output ""
    fi
}

@test "jail: a copy that fails half-way (disk full) leaves no DIR behind" {
    need_root
    need_cmd unshare
    # A 1 MiB tmpfs in a mount namespace of the test's own: curl's libraries
    # do not fit, so the copy stops with ENOSPC part of the way in.
    mkdir small
    run unshare -m sh -c 'mount -t tmpfs -o size=1m tmpfs "$1" &&
        "$2" "$1/jail" /bin/bash; echo "status=$?"; ls -A "$1"' \
        _ "$BATS_TEST_TMPDIR/small" "$JAIL"
    assert_output --partial "ENOSPC"
    assert_line "status=1"
    refute_output --partial "jail.partial"
    [ "${lines[-1]}" = "status=1" ]
    assert_equal "$(mounts_below "$BATS_TEST_TMPDIR")" ""
}
