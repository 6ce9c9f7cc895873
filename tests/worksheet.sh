#!/usr/bin/env bash
# worksheet.sh: run a worksheet's commands, the way a student types them, so
# that a worksheet never drifts from the tools.
#
#   tests/worksheet.sh LAB.md            run its blocks (as root; see below)
#   tests/worksheet.sh --check LAB.md... check the markers only (no root)
#   tests/worksheet.sh --list LAB.md     print each block with its marker
#
# A shell block a student types carries a marker on the line before its
# fence, an HTML comment (invisible in Markdown and in Marp):
#
#   <!-- run -->                 run it; every command must succeed (exit 0)
#   <!-- run: fails 1 3 -->      commands here fail on purpose: each failure
#                                must exit with one of these statuses, and
#                                each status must occur
#   <!-- run: may fail 1 -->     as fails, but the failure depends on the
#                                host (e.g. a v2-only file on a v1 host)
#   <!-- run: needs v2 -->       run it on a cgroup v2 host only ("needs v1":
#                                on a v1 or hybrid host only)
#   <!-- run: shell -->          the first line starts a shell; the other
#                                lines are typed into it (its stdin)
#   <!-- run: your code -->      not run: it needs the student's own code
#   <!-- run: second terminal -->  not run: it runs beside another block
#   <!-- run: interactive -->    not run: it needs a terminal (a shell, -t)
#   <!-- run: elsewhere -->      not run: another test runs exactly this
#   <!-- run: slow -->           not run: it takes minutes (a benchmark)
#
# Words combine with commas (`<!-- run: needs v2, fails 1 -->`), and a
# reason may follow in parentheses: `<!-- run: your code (make grade) -->`.
# A worksheet typed as an ordinary user (lab 08) says so once, before its
# first block: `<!-- worksheet: as a user -->`.
# Every ```sh block of a worksheet must carry a marker (--check says which
# do not); plain ``` blocks are output and pictures, never run.
#
# The blocks of one worksheet run in order in one bash, as root, the way a
# student types them into one root shell: variables and the working
# directory carry from block to block; `sudo` is a no-op (`sudo -s` too).
# "As a user": as minictr-student, a user that exists only in the sandbox
# (a private copy of /etc, with its /etc/subuid range and a sudoers line
# for the real sudo), who owns the project's copy and whose HOME is in the
# scratch dir.
# The run is a sandbox, so a worksheet can never touch the host:
#   - a copy of the project (bin/, build/images/busybox, the sources) at
#     /tmp/minictr, the working directory;
#   - new mount, pid, net, uts and ipc namespaces (the network one holds
#     only lo, down, and /sys is mounted again to show it, as lab 09's lab
#     shell does): /tmp is a directory of the
#     scratch dir (so /tmp/j1, /tmp/ovl ... are scratch), /run (where the
#     step tools keep their state) and /var/lib/minictr are empty tmpfs,
#     /proc is the new pid namespace's, and every process of the run dies
#     with it;
#   - on cgroup v1 and hybrid hosts, a cgroup of its own in each hierarchy
#     and a cgroup namespace: /sys/fs/cgroup shows only that cgroup and
#     what the worksheet makes below it, which must be gone at the end;
#   - MINICTR_ROOT=/tmp/mc-lab, MINICTR_STATE=/tmp/mc-lab-state (what
#     labs/minictr.md sets), HOME in the scratch dir, /usr/bin first in
#     PATH (Debian's own python3, not a user's).
# WORKSHEET_SCRATCH=DIR puts the scratch dir there (default: a new one in
# $TMPDIR, removed at the end); WORKSHEET_TIMEOUT=SECONDS bounds the whole
# run (default 150). Exit status: 0 every block did what its marker says;
# 1 a block did not (or something was left behind); 2 usage or a bad
# marker; 77 the run needs root.
set -uo pipefail
project=$(cd "$(dirname "$0")/.." && pwd)

usage() {
    echo "usage: $0 [--check|--list] LAB.md..." >&2
    exit 2
}

# parse FILE [NAME]: one record per marked block, fields separated by \x1f:
# LINE KIND WORDS REASON, then the block's lines (\x1e between lines).
# Also reports sh blocks without a marker and markers without a block.
parse() {
    awk -v file="${2:-$1}" '
        function bad(n, msg) { printf "%s:%d: %s\n", file, n, msg > "/dev/stderr"; errors++ }
        function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
        BEGIN { US = "\037"; RS_ = "\036" }
        inblock {
            if ($0 ~ "^" indent "```[ \t]*$") {
                if (marked) printf "%d%s%s%s%s%s%s%s\n", start, US, kind, US, words, US, reason, US body
                inblock = 0; marked = 0; body = ""
                next
            }
            line = $0
            if (substr(line, 1, length(indent)) == indent) line = substr(line, length(indent) + 1)
            body = first ? line : body RS_ line
            first = 0
            next
        }
        /^[ \t]*<!-- worksheet: as a user -->[ \t]*$/ {
            if (blocks) bad(NR, "\"as a user\" must come before the first block")
            next
        }
        /^[ \t]*<!-- (run|worksheet)[^>]*-->/ && !/^[ \t]*<!-- run(:[^>]*)? -->[ \t]*$/ {
            bad(NR, "a marker that is not one (see tests/worksheet.sh)")
            next
        }
        /^[ \t]*<!-- run(:[^>]*)? -->[ \t]*$/ {
            m = $0; sub(/^[ \t]*<!-- run:?/, "", m); sub(/ -->[ \t]*$/, "", m)
            reason = ""
            if (match(m, /\(.*\)/)) { reason = substr(m, RSTART + 1, RLENGTH - 2); m = substr(m, 1, RSTART - 1) }
            words = trim(m); kind = "run"
            n = split(words, w, ",")
            for (i = 1; i <= n; i++) {
                x = trim(w[i])
                if (x ~ /^fails( [0-9]+)+$/ || x ~ /^may fail( [0-9]+)+$/ || x == "needs v2" || x == "needs v1" || x == "shell") continue
                if (x == "your code" || x == "second terminal" || x == "interactive" || x == "elsewhere" || x == "slow") { kind = "skip"; continue }
                bad(NR, "unknown marker word \"" x "\" (see tests/worksheet.sh)")
            }
            pending = NR; pwords = words; pkind = kind; preason = reason
            next
        }
        /^[ \t]*```/ {
            indent = $0; sub(/```.*/, "", indent)
            lang = $0; sub(/^[ \t]*```/, "", lang); lang = trim(lang)
            inblock = 1; body = ""; first = 1; blocks++
            if (pending == NR - 1) {
                marked = 1; start = NR + 1; kind = pkind; words = pwords; reason = preason
            } else if (lang == "sh" || lang == "bash" || lang == "shell") {
                bad(NR, "a ```" lang " block without a run marker on the line before it")
            }
            pending = 0
            next
        }
        pending && pending == NR - 1 { bad(pending, "a run marker must be followed by a ``` block") ; pending = 0 }
        END {
            if (inblock) bad(NR, "a code block that never ends")
            exit errors ? 1 : 0
        }
    ' "$1"
}

mode=run
case "${1:-}" in
    --check) mode=check; shift ;;
    --list) mode=list; shift ;;
    -*) usage ;;
esac
[ $# -ge 1 ] || usage
[ "$mode" = run ] && [ $# -ne 1 ] && usage

if [ "$mode" != run ]; then
    status=0
    for f in "$@"; do
        out=$(parse "$f") || status=2
        [ "$mode" = list ] || continue
        while IFS=$'\037' read -r line kind words reason body; do
            printf '== %s:%s [%s]%s\n%s\n' "$f" "$line" "${words:-run}" \
                "${reason:+ ($reason)}" "$(printf '%s' "$body" | tr '\036' '\n')"
        done <<<"$out"
    done
    exit $status
fi

file=$1
# Messages name the worksheet as labs/NN-name.md when it is the project's.
lab=$(realpath "$file" 2>/dev/null || echo "$file")
lab=${lab#"$project/"}
name=$(basename "$lab" .md)
[ "$(id -u)" -eq 0 ] || { echo "$0: run it as root: the worksheets are typed in a root shell" >&2; exit 77; }
blocks=$(parse "$file" "$lab") || exit 2
student=
if grep -q '^[[:space:]]*<!-- worksheet: as a user -->' "$file"; then
    student=minictr-student
    for c in useradd setpriv sudo; do
        command -v "$c" >/dev/null ||
            { echo "$0: $lab is typed as a user: it needs $c" >&2; exit 77; }
    done
fi

cgmode=v1
[ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] && cgmode=v2

if [ -n "${WORKSHEET_SCRATCH:-}" ]; then
    scratch=$WORKSHEET_SCRATCH
    mkdir -p "$scratch"
else
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/minictr-worksheet.XXXXXX")
fi
lab_cgroups=()
cleanup() {
    local d _
    for d in "${lab_cgroups[@]}"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
            [ -e "$d" ] || break
            sleep 0.2
        done
    done
    [ -n "${WORKSHEET_SCRATCH:-}" ] || rm -rf -- "$scratch"
}
trap cleanup EXIT

# The project, as a student's clone: sources, bin/ and the built image
# (not slides/ and bench/, which no worksheet uses, nor a student's work/).
# cp -a keeps the times, so make finds bin/ up to date.
tmp=$scratch/tmp
mkdir -p "$tmp/minictr/build" "$tmp/.worksheet/bin" "$tmp/.worksheet/home"
for f in "$project"/* "$project"/.clang-format; do
    case "$(basename "$f")" in build | work | slides | bench) continue ;; esac
    if [ -e "$f" ]; then cp -a "$f" "$tmp/minictr/"; fi
done
if [ -d "$project/build/images" ]; then
    cp -a "$project/build/images" "$tmp/minictr/build/"
fi
chmod 1777 "$tmp"
# As a user: /etc becomes a copy, where the user is made (see setup.sh).
[ -z "$student" ] || cp -a /etc "$tmp/.worksheet/etc"
cat >"$tmp/.worksheet/bin/sudo" <<'EOF'
#!/bin/sh
# The worksheet runs in a root shell already: sudo CMD runs CMD, sudo -s
# ("open a root shell") does nothing.
[ "${1:-}" = -s ] && exit 0
exec "$@"
EOF
chmod 0755 "$tmp/.worksheet/bin/sudo"

# The script: a prelude, then each block between __ws_begin and __ws_end.
script=$tmp/.worksheet/lab.sh
{
    cat <<'EOF'
__ws_failed=0 __ws_ran=0 __ws_skipped=0 __ws_skips=
__ws_begin() {
    __ws_codes=() __ws_what=()
    printf '\n--- %s [%s]\n' "$1" "$2"
}
__ws_end() { # LOCATION "STATUSES THAT MUST OCCUR" "STATUSES THAT MAY"
    local where=$1 must=$2 may=$3 c s seen bad=
    __ws_ran=$((__ws_ran + 1))
    for c in "${__ws_codes[@]}"; do
        [[ " $must $may " == *" $c "* ]] || bad="$bad${bad:+; }unexpected exit $c"
    done
    for c in $must; do
        seen=
        for s in "${__ws_codes[@]}"; do [ "$s" = "$c" ] && seen=1; done
        [ -n "$seen" ] || bad="$bad${bad:+; }no command exited $c (the marker says one fails so)"
    done
    if [ -n "$bad" ]; then
        __ws_failed=$((__ws_failed + 1))
        printf -- '--- FAILED %s: %s\n' "$where" "$bad"
        printf -- '    failed: %s\n' "${__ws_what[@]}"
    fi
    return 0
}
__ws_skip() { # LOCATION KIND WHY
    __ws_skipped=$((__ws_skipped + 1))
    __ws_skips="$__ws_skips$2
"
    printf '\n--- %s skipped: %s\n' "$1" "$3"
}
__ws_summary() { # NAME
    local kinds
    kinds=$(printf '%s' "$__ws_skips" | sort | uniq -c |
        awk '{ n = $1; $1 = ""; printf "%s%s: %d", sep, substr($0, 2), n; sep = ", " }')
    printf '\n%s: %d runnable blocks, %d failed; %d skipped%s\n' "$1" \
        "$__ws_ran" "$__ws_failed" "$__ws_skipped" "${kinds:+ ($kinds)}"
    exit $((__ws_failed > 0))
}
# Job control, as in a student's shell: a job started with & gets its own
# process group and keeps SIGINT (a script's jobs would ignore it).
set -m
trap '__ws_st=$?; __ws_codes+=("$__ws_st"); __ws_what+=("exit $__ws_st: $BASH_COMMAND")' ERR
EOF
    n=0
    while IFS=$'\037' read -r line kind words reason body; do
        [ -n "$line" ] || continue
        n=$((n + 1))
        where="$lab:$line"
        body=$(printf '%s' "$body" | tr '\036' '\n')
        must=$(printf '%s' "$words" | tr ',' '\n' | sed -n 's/^ *fails //p' | xargs)
        may=$(printf '%s' "$words" | tr ',' '\n' | sed -n 's/^ *may fail //p' | xargs)
        why="" key=""
        if [ "$kind" = skip ]; then
            key=$(printf '%s' "$words" | tr ',' '\n' | grep -E -m1 'your code|second terminal|interactive|elsewhere|slow' | xargs)
            why="${words}${reason:+ ($reason)}"
        elif [[ ",$words," == *"needs v2"* ]] && [ "$cgmode" != v2 ]; then
            key="needs v2" why="needs a cgroup v2 host (this one is not)"
        elif [[ ",$words," == *"needs v1"* ]] && [ "$cgmode" = v2 ]; then
            key="needs v1" why="needs a cgroup v1 or hybrid host (this one is v2)"
        fi
        if [ -n "$why" ]; then
            printf '__ws_skip %q %q %q\n' "$where" "$key" "$why"
            continue
        fi
        # Each block must parse on its own: a quote left open would swallow
        # the blocks after it.
        if ! bash -n <<<"$body" 2>"$tmp/.worksheet/syntax"; then
            echo "$where: the block does not parse: $(cat "$tmp/.worksheet/syntax")" >&2
            exit 1
        fi
        printf '__ws_begin %q %q\n' "$where" "${words:-run}"
        if [[ ",$words," == *shell* ]]; then
            # The first line starts a shell; the rest is typed into it.
            printf '{ %s\n} <<'\''__WS_TYPED__'\''\n%s\n__WS_TYPED__\n' \
                "$(head -n 1 <<<"$body")" "$(tail -n +2 <<<"$body")"
        else
            printf '%s\n' "$body"
        fi
        printf '__ws_end %q %q %q\n' "$where" "$must" "$may"
    done <<<"$blocks"
    echo 'trap - ERR'
    printf '__ws_summary %q\n' "$name"
} >"$script"

# On v1 and hybrid: a cgroup of our own in each v1 hierarchy, and the view
# a cgroup namespace gives: /sys/fs/cgroup shows it as the root.
setup=$scratch/setup.sh
{
    echo 'set -e'
    # A sysfs of the new network namespace (it shows the namespace that
    # mounted it); the cgroup mounts below go on top of it again.
    echo 'mount -t sysfs minictr-worksheet /sys'
    if [ "$cgmode" = v2 ]; then
        echo 'mount -t cgroup2 cgroup2 /sys/fs/cgroup'
    else
        echo 'mount -t tmpfs -o mode=755 minictr-worksheet /sys/fs/cgroup'
        while read -r mnt root opts; do
            ctls=
            for o in ${opts//,/ }; do
                awk -v c="$o" '$1 == c { f = 1 } END { exit !f }' /proc/cgroups && ctls="$ctls${ctls:+,}$o"
            done
            [ -n "$ctls" ] || continue
            own=$(awk -F: -v c="$ctls" '$2 == c { print $3 }' /proc/self/cgroup)
            [ "$root" = / ] || own=${own#"$root"}
            dir=$mnt${own%/}/minictr-worksheet-$$
            mkdir "$dir" || exit 1
            lab_cgroups+=("$dir")
            # A new v1 cpuset has no cpus and no memory nodes: a task
            # cannot join it (ENOSPC) until it gets its parent's.
            for f in cpuset.cpus cpuset.mems; do
                [ ! -e "$dir/$f" ] || cat "${dir%/*}/$f" >"$dir/$f" || exit 1
            done
            printf 'mkdir -p %q && mount -t cgroup -o %q cgroup %q\n' "$mnt" "$ctls" "$mnt"
        done < <(awk '{ split($0, h, " - "); split(h[2], f, " ") } f[1] == "cgroup" { print $5, $4, f[3] }' /proc/self/mountinfo)
        for l in /sys/fs/cgroup/*; do
            [ -L "$l" ] && printf 'ln -s %q %q\n' "$(readlink "$l")" "$l"
        done
        if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
            echo 'mkdir -p /sys/fs/cgroup/unified && mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified'
        fi
    fi
    # /run and /var/lib/minictr: where the step tools and minictr keep
    # their state by default (/run/minictr/tarbox, .../overlaybox).
    echo 'mount -t tmpfs -o mode=755 minictr-worksheet /run'
    echo '[ ! -d /var/lib/minictr ] || mount -t tmpfs minictr-worksheet /var/lib/minictr'
    printf 'mount --bind %q /tmp\n' "$tmp"
    echo 'cd /tmp/minictr'
    echo 'export TERM=dumb LC_ALL=C.UTF-8'
    echo 'export MINICTR_ROOT=/tmp/mc-lab MINICTR_STATE=/tmp/mc-lab-state'
    echo 'unset MINICTR_BIN TOOL BATS_TEST_TIMEOUT RESULTS_FILE'
    if [ -z "$student" ]; then
        echo 'export HOME=/tmp/.worksheet/home'
        echo 'export PATH=/tmp/.worksheet/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/bin'
        echo 'bash /tmp/.worksheet/lab.sh </dev/null'
    else
        # The user, in the sandbox's own /etc: useradd gives it a range in
        # /etc/subuid and /etc/subgid, as for any new user.
        cat <<EOF
mount --bind /tmp/.worksheet/etc /etc
touch /etc/subuid /etc/subgid
useradd --create-home --home-dir /tmp/.worksheet/home-student --shell /bin/bash $student
printf 'Defaults:$student !syslog, !lecture\\n$student ALL=(ALL:ALL) NOPASSWD: ALL\\n' >/etc/sudoers.d/minictr-worksheet
chmod 0440 /etc/sudoers.d/minictr-worksheet
# The clone is the student's (the image that make images built is root's).
find /tmp/minictr -path /tmp/minictr/build/images -prune -o -exec chown -h $student: {} +
echo "(typed as $student, uid \$(id -u $student), with \$(grep "^$student:" /etc/subuid | cut -d: -f2-) in /etc/subuid)"
export HOME=/tmp/.worksheet/home-student USER=$student LOGNAME=$student
export PATH=/usr/local/bin:/usr/bin:/bin
setpriv --reuid=$student --regid=$student --init-groups bash /tmp/.worksheet/lab.sh </dev/null
EOF
    fi
} >"$setup"

cgns=()
[ "$cgmode" = v1 ] && cgns=(--cgroup)
start=$(date +%s)
(
    for d in "${lab_cgroups[@]}"; do
        echo "$BASHPID" >"$d/cgroup.procs" || exit 1
    done
    exec timeout -k 5 "${WORKSHEET_TIMEOUT:-150}" unshare --mount --propagation private \
        --uts --ipc --net --pid --fork --kill-child --mount-proc "${cgns[@]}" bash "$setup"
)
status=$?
echo "($name: $(($(date +%s) - start)) s)"
[ "$status" -ne 124 ] || echo "$name: stopped after ${WORKSHEET_TIMEOUT:-150} s" >&2

# What the worksheet made in its cgroups must be gone (it is removed now).
left=$(for d in "${lab_cgroups[@]}"; do find "$d" -mindepth 1 -type d; done)
if [ -n "$left" ]; then
    echo "$name: the worksheet left cgroups behind:" >&2
    printf '  %s\n' $left >&2
    for d in $left; do xargs -r kill -KILL <"$d/cgroup.procs" 2>/dev/null; done
    sleep 0.2
    status=1
fi
exit $((status != 0))
