#!/bin/bash
# oci-validate.sh RUNTIME_BINARY: run the OCI runtime-tools validation suite
# (validation/*/*.go, the TAP programs `make localvalidation` runs) against an
# OCI runtime, e.g. bin/minictr-oci, /usr/sbin/runc, or crun on a hybrid
# host (crun refuses one: the team's cgv1ns.sh shows it only the v1
# hierarchies). tests/minictr-oci-validate.bats runs it on bin/minictr-oci.
#
# Everything comes from Debian's archive through apt, built offline:
#  - Go and the suite's Go dependencies: golang-go, golang-*-dev under
#    /usr/share/gocode (GOPATH mode, GO111MODULE=off, as Debian builds Go);
#  - the suite itself: the validation/ and cmd/runtimetest sources, and the
#    busybox rootfs-amd64.tar.gz they unpack into each bundle, are only in the
#    SOURCE package golang-github-opencontainers-runtime-tools (the -dev binary
#    package ships the library without them), fetched with `apt-get source`
#    through a private apt configuration (the host's sources are not changed);
#  - github.com/mndrix/tap-go, the one import Debian does not package, is
#    replaced by a small TAP 13 writer of our own, below (the API subset used).
#
# Output: per program a '# ---- NAME' line, its TAP test points (YAML
# diagnostics only under failures), and a synthetic point where the program
# itself failed (non-zero exit, timeout, or a bare "error" diagnostic: the
# hook tests and *_fail tests report that way, with no test point of their
# own). Last line: "N passed, N failed, N skipped" ('ok' / 'not ok' / 'ok #
# SKIP' and 'not ok # TODO'). Full TAP, stderr and summary.tsv stay in the
# log directory. Exit 0 when nothing failed, 1 when something did, 2 when the
# suite could not be set up.
#
# Environment: OCI_VALIDATE_CACHE (default /var/cache/oci-validate),
# OCI_VALIDATE_ONLY="create state kill" (subset), OCI_VALIDATE_TIMEOUT (s per
# program, default 120), OCI_VALIDATE_LOGS (default CACHE/logs/NAME-DATE),
# OCI_VALIDATE_WORK (the bundles' directory, default CACHE/work: one per
# run when several may run at once),
# OCI_VALIDATE_ROOTFS (a rootfs .tar.gz to use instead of the shipped one).
#
# Calibration, 2026-12-01, Debian 12, kernel 6.18, hybrid cgroups, 58 programs:
#   runc 1.1.5:             3281 passed, 44 failed, 427 skipped (31 programs clean)
#   crun 1.8.1 (cgv1ns.sh): 3572-3573 passed, 25-26 failed, 465 skipped (39-40 clean)
# 18 programs fail under both (host: no blkio weight files, no hugetlb/net_cls v1
# hierarchy, no AppArmor, CAP_SYS_RESOURCE not in the bounding set; suite bugs:
# hooks, pidfile, misc_props...); poststart is timing-dependent.
set -euo pipefail

die() { echo "oci-validate: $*" >&2; exit 2; }
[ $# -eq 1 ] || die "usage: $0 RUNTIME_BINARY"
[ "$(id -u)" = 0 ] || die "must run as root (runtimes create namespaces and cgroups)"
RUNTIME_BIN=$(command -v "$1" || true)
[ -n "$RUNTIME_BIN" ] && [ -x "$RUNTIME_BIN" ] || die "$1: not an executable"
RUNTIME_BIN=$(readlink -f "$RUNTIME_BIN")

if [ "$(basename "$RUNTIME_BIN")" = crun ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
    echo "# warning: crun refuses hybrid cgroup hosts; run it where it sees only the v1 hierarchies" >&2
fi
CACHE=${OCI_VALIDATE_CACHE:-/var/cache/oci-validate}
TIMEOUT=${OCI_VALIDATE_TIMEOUT:-120}
LOGS=${OCI_VALIDATE_LOGS:-$CACHE/logs/$(basename "$RUNTIME_BIN")-$(date +%Y%m%d-%H%M%S)}
SRC_PKG=golang-github-opencontainers-runtime-tools
# Versions tried in order, with the sha256 of their .orig.tar.xz from Debian's
# signed Sources indexes. Bookworm's own orig tarball answered 404 on our
# mirror (2026-12); trixie's, one year newer upstream, builds with bookworm's
# Go 1.19 and -dev packages.
SOURCES="trixie 0.9.0.109.ge931285-1 203989a1ea98cf2aaced79155bbda09270b20db19b03376dde91ab12e5e6a0fe
bookworm 0.9.0+git20220423.g0105384-2 6dfbcfc75a77eed25181f5c8337bd47fcd7de434ca7cc4b414e91589f6892451"
PKGS="golang-go golang-github-opencontainers-runtime-tools-dev golang-github-google-uuid-dev xz-utils tar"

mkdir -p "$CACHE" "$LOGS"

# ---- 1. packages --------------------------------------------------------
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "# installing:$missing" >&2
    apt-get update -qq >&2 || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2 \
        || die "apt-get install$missing failed"
fi

# ---- 2. the suite's source, from Debian's source package -----------------
SRC="" VER=""
while read -r suite ver sha <&3; do
    upver=${ver%-*}; upver=${upver#*:}
    dir=$CACHE/build/$upver/src/github.com/opencontainers/runtime-tools
    if [ -f "$dir/.ok" ]; then SRC=$dir VER=$ver; break; fi
    orig=$CACHE/dl/${SRC_PKG}_$upver.orig.tar.xz
    if [ ! -f "$orig" ]; then
        apt=$CACHE/apt-$suite
        mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$CACHE/dl"
        # the machine's own Debian mirror, as its apt sources name it
        mirror=$(grep -hoE '(URIs:[[:space:]]*|^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?)https?://[^[:space:]]+/debian/?([[:space:]]|$)' \
                     /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
                 | grep -oE 'https?://[^[:space:]]+' | head -n 1 || true)
        [ -n "$mirror" ] || die "no Debian mirror found in the apt sources"
        echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" > "$apt/sources.list"
        aptopt=(-o Dir::Etc::sourcelist="$apt/sources.list" -o Dir::Etc::sourceparts=/nonexistent
                -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root)
        echo "# apt-get source $SRC_PKG=$ver ($suite)" >&2
        apt-get "${aptopt[@]}" update -qq < /dev/null >&2 || true
        # The .dsc or .debian.tar.xz may be missing on a mirror: only the orig
        # tarball is needed, and its hash is checked below.
        (cd "$CACHE/dl" && apt-get "${aptopt[@]}" source --download-only "$SRC_PKG=$ver" < /dev/null >&2) || true
    fi
    [ -f "$orig" ] || { echo "# $SRC_PKG $ver: no orig tarball" >&2; continue; }
    echo "$sha  $orig" | sha256sum -c --quiet - || { rm -f "$orig"; echo "# $orig: sha256 mismatch" >&2; continue; }
    rm -rf "$dir" && mkdir -p "$dir"
    tar -xJf "$orig" -C "$dir" --strip-components=1
    [ -d "$dir/validation" ] && [ -d "$dir/cmd/runtimetest" ] || { echo "# $orig: no validation/" >&2; continue; }
    touch "$dir/.ok"; rm -rf "$CACHE/apt-$suite"; SRC=$dir VER=$ver; break
done 3<<< "$SOURCES"
[ -n "$SRC" ] || die "no usable $SRC_PKG source package (tried: $(echo "$SOURCES" | awk '{printf "%s ", $2}'))"

# ---- 3. build, offline, GOPATH mode --------------------------------------
GP=${SRC%/src/github.com/opencontainers/runtime-tools}   # CACHE/build/VERSION
BIN=$GP/bin
mkdir -p "$GP/src/github.com/mndrix/tap-go"
cat > "$GP/src/github.com/mndrix/tap-go/tap.go.new" <<'EOF'
// Package tap writes a TAP version 13 stream. It offers the subset of the
// github.com/mndrix/tap-go API that runtime-tools' validation programs use
// (that module is not packaged in Debian); written for minictr's checks
// from the TAP 13 specification.
package tap

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// T writes one TAP stream.
type T struct {
	next   *int // shared with the copies Todo returns
	todo   bool
	Writer io.Writer
}

// New returns a writer to standard output.
func New() *T {
	n := 1
	return &T{next: &n, Writer: os.Stdout}
}

// Todo returns a writer whose test points carry the TODO directive
// (a failure there is expected and is not counted as one).
func (t *T) Todo() *T {
	c := *t
	c.todo = true
	return &c
}

func (t *T) printf(format string, a ...interface{}) { fmt.Fprintf(t.Writer, format, a...) }

// Header prints the version line and, when count > 0, the plan.
func (t *T) Header(count int) {
	t.printf("TAP version 13\n")
	if count > 0 {
		t.printf("1..%d\n", count)
	}
}

// Ok prints one test point.
func (t *T) Ok(ok bool, description string) {
	status := "ok"
	if !ok {
		status = "not ok"
	}
	directive := ""
	if t.todo {
		directive = " # TODO"
	}
	t.printf("%s %d - %s%s\n", status, *t.next, oneLine(description), directive)
	*t.next++
}

// Fail prints a failing test point.
func (t *T) Fail(description string) { t.Ok(false, description) }

// Pass prints a passing test point.
func (t *T) Pass(description string) { t.Ok(true, description) }

// Skip prints count skipped test points.
func (t *T) Skip(count int, description string) {
	for i := 0; i < count; i++ {
		t.printf("ok %d # SKIP %s\n", *t.next, oneLine(description))
		*t.next++
	}
}

// Count is the number of test points printed so far.
func (t *T) Count() int { return *t.next - 1 }

// AutoPlan prints the plan for the test points printed so far.
func (t *T) AutoPlan() { t.printf("1..%d\n", t.Count()) }

// Diagnostic prints a message as comment lines.
func (t *T) Diagnostic(message string) {
	t.printf("# %s\n", strings.ReplaceAll(strings.TrimRight(message, "\n"), "\n", "\n# "))
}

// Diagnosticf is Diagnostic with a format.
func (t *T) Diagnosticf(format string, a ...interface{}) { t.Diagnostic(fmt.Sprintf(format, a...)) }

// YAML prints a YAML block (JSON is YAML) about the last test point.
func (t *T) YAML(message interface{}) error {
	b, err := json.MarshalIndent(message, "  ", "  ")
	if err != nil {
		return err
	}
	t.printf("  ---\n  %s\n  ...\n", b)
	return nil
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
EOF
mv "$GP/src/github.com/mndrix/tap-go/tap.go.new" "$GP/src/github.com/mndrix/tap-go/tap.go"
LDFLAGS="-s -w"
SIG="$(sha256sum < "$GP/src/github.com/mndrix/tap-go/tap.go" | cut -c1-16) $LDFLAGS $(go version)"
if [ "$(cat "$BIN/.ok" 2>/dev/null)" != "$SIG" ]; then
    echo "# building the suite from $SRC_PKG $VER" >&2
    rm -rf "$BIN" && mkdir -p "$BIN/t"
    (
        cd "$GP"
        export GOPATH=$GP:/usr/share/gocode GO111MODULE=off GOFLAGS='' GOPROXY=off CGO_ENABLED=0 GOCACHE=$CACHE/gocache
        rt=github.com/opencontainers/runtime-tools
        go build -tags "netgo osusergo" -ldflags "$LDFLAGS" -o "$BIN/runtimetest" $rt/cmd/runtimetest
        go build -ldflags "$LDFLAGS" -o "$BIN/t/" $rt/validation/...
    ) >&2 || die "build failed"
    rm -rf "$CACHE/gocache"
    echo "$SIG" > "$BIN/.ok"
fi

# ---- 4. the working directory: runtimetest and the rootfs in the cwd -------
ARCH=$(go env GOARCH)
WORK=${OCI_VALIDATE_WORK:-$CACHE/work}
mkdir -p "$WORK"
cp -f "$BIN/runtimetest" "$WORK/runtimetest"
if [ -n "${OCI_VALIDATE_ROOTFS:-}" ]; then
    cp -f "$OCI_VALIDATE_ROOTFS" "$WORK/rootfs-$ARCH.tar.gz"
elif [ -f "$SRC/rootfs-$ARCH.tar.gz" ]; then
    cp -f "$SRC/rootfs-$ARCH.tar.gz" "$WORK/"          # upstream's busybox 1.28 rootfs
else
    die "no rootfs-$ARCH.tar.gz in $SRC_PKG; set OCI_VALIDATE_ROOTFS to a busybox rootfs tarball"
fi

# ---- 5. run ---------------------------------------------------------------
tests=${OCI_VALIDATE_ONLY:-$(cd "$BIN/t" && ls)}
echo "# runtime $RUNTIME_BIN; suite $SRC_PKG $VER; logs $LOGS"
printf 'test\trc\tpassed\tfailed\tskipped\tseconds\tleaked_mounts\n' > "$LOGS/summary.tsv"
: > "$LOGS/all.tap"
leaked=0
mounts_under() { awk -v d="$1" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo | sort -r; }
cleanup_tmp() { # the tests' bundles (os.MkdirTemp) live here; never cross a mount
    local m x
    [ -e "$1" ] || return 0
    m=$(mounts_under "$1")
    if [ -n "$m" ]; then # linux_ns_itype runs without a mount namespace: /proc, /dev... land on the host
        leaked=$(echo "$m" | wc -l)
        echo "# $name: the runtime left $leaked mounts on the host under $1; unmounting them"
        for x in $m; do umount -l "$x" 2>/dev/null || true; done
    fi
    if [ -n "$(mounts_under "$1")" ]; then
        echo "# $1 is still mounted on, not removed" >&2
    else
        rm -rf --one-file-system "$1"
    fi
}
for name in $tests; do
    [ -x "$BIN/t/$name" ] || { echo "not ok - $name: no such validation program" | tee -a "$LOGS/all.tap"; continue; }
    tmp=$WORK/tmp.$name; cleanup_tmp "$tmp" >/dev/null; mkdir -p "$tmp"; leaked=0
    start=$(date +%s.%N)
    set +e
    (cd "$WORK" && RUNTIME=$RUNTIME_BIN TMPDIR=$tmp timeout -k 10 "$TIMEOUT" "$BIN/t/$name" \
        > "$LOGS/$name.tap" 2> "$LOGS/$name.err" < /dev/null)
    rc=$?
    set -e
    secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}')
    cleanup_tmp "$tmp" >> "$LOGS/$name.err"
    # The points, YAML only under failures; then a synthetic point when the
    # program failed as a whole.
    awk -v name="$name" -v rc="$rc" -v to="$TIMEOUT" '
        /^(not )?ok/ { points++; keep = ($0 ~ /^not ok/); print; next }
        /^  ---$/ { inyaml = 1; err = "" }
        inyaml && /^    "error": / && err == "" { err = $0; sub(/^ *"error": "/, "", err); sub(/\\n.*|",?$/, "", err) }
        inyaml && keep { print }
        /^  \.\.\.$/ { inyaml = 0; if (!points && err != "") bare_err = err }
        END {
            if (rc == 124 || rc == 137) print "not ok - " name ": timed out after " to "s"
            else if (rc != 0) print "not ok - " name ": exited with status " rc
            else if (bare_err != "") print "not ok - " name ": " bare_err
            else if (!points) print "ok - " name ": no error reported (program has no test points)"
        }' "$LOGS/$name.tap" > "$LOGS/$name.points"
    if [ "$rc" != 0 ] && [ -s "$LOGS/$name.err" ]; then   # why, in one or two lines
        head -c 400 "$LOGS/$name.err" | sed 's/^/  # stderr: /' >> "$LOGS/$name.points"
    fi
    { echo "# ---- $name"; cat "$LOGS/$name.points"; } | tee -a "$LOGS/all.tap"
    p=$(grep -E '^ok' "$LOGS/$name.points" | grep -vciE '# SKIP' || true)
    s=$(grep -ciE '^ok.*# SKIP|^not ok.*# TODO' "$LOGS/$name.points" || true)
    f=$(grep -E '^not ok' "$LOGS/$name.points" | grep -vciE '# TODO' || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rc" "$p" "$f" "$s" "$secs" "$leaked" >> "$LOGS/summary.tsv"
    lm=""; [ "$leaked" = 0 ] || lm=" leaked_mounts=$leaked (unmounted)"
    echo "# $name.t: rc=$rc pass=$p fail=$f skip=$s ${secs}s$lm"
done
# Relative-cgroup tests leave testdir/cgrouptest behind in every hierarchy.
for h in /sys/fs/cgroup /sys/fs/cgroup/*; do
    for d in "$h/testdir/cgrouptest/container" "$h/testdir/cgrouptest" "$h/testdir" "$h/cgrouptest"; do
        [ -d "$d" ] && rmdir "$d" 2>/dev/null || true
    done
done
passed=$(grep -E '^ok' "$LOGS/all.tap" | grep -vciE '# SKIP' || true)
skipped=$(grep -ciE '^ok.*# SKIP|^not ok.*# TODO' "$LOGS/all.tap" || true)
failed=$(grep -E '^not ok' "$LOGS/all.tap" | grep -vciE '# TODO' || true)
echo "# programs: $(echo $tests | wc -w); per program: $LOGS/summary.tsv"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
