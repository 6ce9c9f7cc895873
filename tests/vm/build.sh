#!/usr/bin/env bash
# build.sh: make the kernel and initramfs that tests/vm/run.sh boots, in
# build/vm/, and print nothing else but what it does. Cached: it fetches and
# rebuilds only what is missing or out of date.
#
#   build/vm/vmlinuz          Debian's kernel (linux-image-amd64), unpacked
#                             from its .deb with dpkg-deb -x, never installed
#   build/vm/initramfs.cpio   static busybox, tests/vm/init as /init, and the
#                             few kernel modules the VM needs (uncompressed)
#   build/vm/stamp            what they were built from; a change rebuilds
#   build/vm/linux-image-*/   the kernel .deb itself, for the modules
#
# VM_KERNEL_PKG=linux-image-6.1.0-NN-amd64 picks another Debian kernel package.
# VM_KERNEL=/boot/vmlinuz-X VM_MODULES=/lib/modules/X use a kernel that is
# already on disk instead (e.g. on Ubuntu, which has no linux-image-amd64).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=build/vm
mkdir -p "$out"

fail() {
    echo "tests/vm: $*" >&2
    exit 1
}

# The modules /init loads: virtio PCI (the bus 9p talks over), 9p itself
# (the host's files), overlay (images), veth and bridge (container networks),
# nf_tables and the expressions nat.c uses beyond its core (a project
# network's masquerade and port DNAT: compose's tests; crc32c_generic
# first: libcrc32c, which conntrack needs, asks the crypto API for it).
# Their dependencies are added from modules.dep, in load order.
wanted=(virtio_pci 9pnet_virtio 9p overlay veth bridge
    crc32c_generic nf_tables nft_chain_nat nft_masq nft_nat nft_fib_ipv4
    nft_fib_inet)

# 1. The kernel: Debian's own, in a .deb that we unpack but do not install.
if [ -n "${VM_KERNEL:-}" ]; then
    [ -r "$VM_KERNEL" ] || fail "VM_KERNEL=$VM_KERNEL is not a readable file"
    [ -d "${VM_MODULES:-}" ] || fail "VM_KERNEL needs VM_MODULES=/lib/modules/VERSION too"
    vmlinuz=$VM_KERNEL
    moddir=$VM_MODULES
else
    # linux-image-amd64 is a meta package: it depends on the real one,
    # e.g. linux-image-6.1.0-56-amd64. apt-cache reads the local lists.
    real_package() {
        apt-cache depends linux-image-amd64 2>/dev/null |
            sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1
    }
    pkg=${VM_KERNEL_PKG:-$(real_package || true)}
    if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null &&
        [ -z "$(find "$out" -maxdepth 1 -name 'linux-image-*')" ]; then
        # A fresh container often has no package lists at all.
        echo "tests/vm: apt-get update (no package lists name linux-image-amd64)"
        apt-get update -qq >/dev/null 2>&1 || true
        pkg=$(real_package || true)
    fi
    if [ -z "$pkg" ]; then
        # No apt lists (or not Debian): use a kernel fetched earlier.
        pkg=$(find "$out" -maxdepth 1 -type d -name 'linux-image-*' -printf '%f\n' 2>/dev/null |
            sort -V | tail -n 1)
        [ -n "$pkg" ] || fail "cannot find Debian's kernel package: 'apt-cache depends linux-image-amd64' names none.
hint: on Debian run 'apt-get update' first; elsewhere set VM_KERNEL=/boot/vmlinuz-\$(uname -r) VM_MODULES=/lib/modules/\$(uname -r)"
    fi
    kdir=$out/$pkg
    if [ ! -f "$kdir/.complete" ]; then
        command -v apt-get >/dev/null || fail "apt-get is missing: cannot fetch $pkg"
        command -v dpkg-deb >/dev/null || fail "dpkg-deb is missing: cannot unpack $pkg"
        echo "tests/vm: fetching $pkg (once; about 70 MB)"
        rm -rf "$kdir" "$out/dl"
        mkdir -p "$out/dl" "$kdir"
        # apt-get download runs as the _apt user when it can; a directory it
        # may write to keeps it from warning about it.
        chmod 777 "$out/dl"
        (cd "$out/dl" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
            fail "'apt-get download $pkg' failed (is Debian's archive reachable? try 'apt-get update')"
        deb=$(find "$out/dl" -name "${pkg}_*.deb" | head -n 1)
        [ -n "$deb" ] || fail "apt-get download left no ${pkg}_*.deb"
        # Keep the .deb (70 MB; unpacked it is 400 MB) and the kernel.
        mv "$deb" "$kdir/kernel.deb"
        rm -rf "$out/dl"
        dpkg-deb --fsys-tarfile "$kdir/kernel.deb" | tar -xO --wildcards './boot/vmlinuz-*' >"$kdir/vmlinuz" ||
            fail "cannot unpack the kernel from $kdir/kernel.deb"
        touch "$kdir/.complete"
    fi
    vmlinuz=$kdir/vmlinuz
    moddir=  # unpacked below, only when the initramfs is rebuilt
fi

# 2. Up to date? The stamp names the kernel and hashes the files that shape
#    the initramfs. (tests/vm/guest.sh is read from the project at run time,
#    so a change to it needs no rebuild.)
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || fail "busybox is missing (apt-get install busybox-static)"
if command -v file >/dev/null && ! file -L "$busybox" | grep -q 'statically linked'; then
    fail "$busybox is not static (apt-get install busybox-static)"
fi
stamp="$vmlinuz ${VM_MODULES:-} $(cat tests/vm/build.sh tests/vm/init "$busybox" | sha256sum)"
if [ -f "$out/initramfs.cpio" ] && [ -f "$out/vmlinuz" ] &&
    [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
    exit 0
fi
echo "tests/vm: building $out/initramfs.cpio"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
if [ -z "$moddir" ]; then
    dpkg-deb -x "$kdir/kernel.deb" "$root/deb" || fail "dpkg-deb -x $kdir/kernel.deb failed"
    moddir=$(find "$root/deb/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -n 1)
fi
mkdir -p "$root"/{bin,dev,proc,sys,newroot,modules}
cp "$busybox" "$root/bin/busybox"
for applet in sh mount umount mkdir insmod switch_root sleep cat echo poweroff ln; do
    ln -s busybox "$root/bin/$applet"
done
cp tests/vm/init "$root/init"
chmod 755 "$root/init"

# 3. The modules, dependencies first. A .deb has no modules.dep (depmod
#    makes it when the package is installed), so each module's own
#    "depends=" field (in its .modinfo section) names what it needs.
index=$(find "$moddir" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz')
loaded=" "
n=0
add_module() { # NAME: copy NAME's dependencies, then NAME itself, in order
    local name=${1//-/_} path tmp d
    case "$loaded" in *" $name "*) return 0 ;; esac
    path=$(awk -v n="$name" '{
        f = $0; sub(/.*\//, "", f); sub(/\.ko.*/, "", f); gsub(/-/, "_", f)
        if (f == n) { print; exit } }' <<<"$index")
    [ -n "$path" ] || fail "module $name is not in $moddir"
    tmp=$root/$name.ko
    # busybox insmod takes plain .ko files: decompress here, on the host.
    case "$path" in
        *.ko.xz) xz -dc "$path" >"$tmp" ;;
        *.ko.zst) zstd -qdc "$path" >"$tmp" ;;
        *.ko.gz) gzip -dc "$path" >"$tmp" ;;
        *) cp "$path" "$tmp" ;;
    esac
    loaded="$loaded$name "
    for d in $(grep -a -o 'depends=[A-Za-z0-9_,-]*' "$tmp" | head -n 1 | sed 's/^depends=//; s/,/ /g'); do
        add_module "$d"
    done
    n=$((n + 1))
    mv "$tmp" "$root/modules/$(printf '%02d' $n)-$name.ko"
}
for m in "${wanted[@]}"; do
    add_module "$m"
done
command -v cpio >/dev/null || fail "cpio is missing (apt-get install cpio)"
rm -rf "$root/deb"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out/initramfs.cpio.new"
mv "$out/initramfs.cpio.new" "$out/initramfs.cpio"
cp "$vmlinuz" "$out/vmlinuz"
echo "$stamp" >"$out/stamp"
echo "tests/vm: modules: $(cd "$root/modules" && echo *)"
