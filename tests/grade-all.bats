#!/usr/bin/env bats
# grade-all: a class graded at once (labs/grade-all.sh). Five students'
# copies of two cheap steps (02, 05), made the way a class makes them:
# `make lab` (labs/mklab.sh), then some LAB regions written (here: filled
# in from the reference), one written wrong, one that does not compile, one
# step never started. The CSV must be exactly what each copy earned; the
# page must say the same; each run must leave nothing behind; an endless
# loop must be stopped by the timeout.

load lib/common
bats_require_minimum_version 1.5.0

# fill_lab COPY_DIR SECTION...: write these LAB sections of a make-lab copy
# from the reference (the body between the LAB and END LAB lines), in place
# of the TODO that mklab.sh left.
fill_lab() {
    local dir=$1
    shift
    python3 - "$ROOT" "$dir" "$@" <<'PY'
import os, re, sys
root, d, sections = sys.argv[1], sys.argv[2], sys.argv[3:]
name = os.path.basename(d)
for f in os.listdir(d):
    if not f.endswith(".c"):
        continue
    ref = open(os.path.join(root, "steps", name, f)).read()
    body = dict(re.findall(r"/\* LAB ([0-9.]+):[^\n]*\n(.*?)[ \t]*/\* END LAB \*/", ref, re.S))
    text = open(os.path.join(d, f)).read()
    for s in sections:
        todo = re.compile(r"[ \t]*/\* TODO LAB " + re.escape(s) +
                          r":.*?ct_lab_todo\([^\n]*\n", re.S)
        text, n = todo.subn(lambda m: body[s], text)
        if s in body:
            assert n == 1, (f, s, n)
    open(os.path.join(d, f), "w").write(text)
PY
}

# student NAME STEP [SECTION...]: a make-lab copy with these sections written.
student() {
    local who=$1 step=$2
    shift 2
    "$ROOT/labs/mklab.sh" "$step" "$CLASS/$who" >/dev/null
    # mklab builds the fresh copy once (to say what the compiler says); a
    # submission is the sources: the binary goes, so that the test below
    # can tell whether grading built into the submission.
    find "$CLASS/$who/$step"-* -maxdepth 1 -type f -perm -u+x -delete
    fill_lab "$(ls -d "$CLASS/$who/$step"-*)" "$@"
}

setup_file() {
    [ "$(id -u)" -eq 0 ] || return 0
    export CLASS=$BATS_FILE_TMPDIR/class OUT=$BATS_FILE_TMPDIR/out
    # Scratch directories of the runs go here, so the test can look for them.
    export GRADE_TMP=$BATS_FILE_TMPDIR/tmp
    mkdir -p "$CLASS" "$GRADE_TMP"
    # alice: everything. bob: 02 done, 05 not started.
    student alice 02 02.1 02.2 02.3 02.4
    student alice 05 05.1 05.2 05.3
    student bob 02 02.1 02.2 02.3 02.4
    mkdir -p "$CLASS/bob/notes"
    # carol: the last section of each step still a TODO.
    student carol 02 02.1 02.2 02.3
    student carol 05 05.1 05.2
    # dave: 02.2 written wrong (/ private, but not the mounts below it:
    # MS_REC forgotten), 05 stuck at its first section.
    student dave 02 02.1 02.2 02.3 02.4
    sed -i 's/MS_REC | MS_PRIVATE/MS_PRIVATE/' "$CLASS/dave/02-namespaces/nsbox.c"
    grep -q 'mount(NULL, "/", NULL, MS_PRIVATE, NULL)' "$CLASS/dave/02-namespaces/nsbox.c"
    student dave 05 05.2 05.3
    # erin: 02 does not compile (a ';' missing after 02.3), 05 done.
    student erin 02 02.1 02.2 02.3 02.4
    sed -i '/mount("proc", path, "proc", mount_flags, NULL) == -1)/{n;s/;$//}' \
        "$CLASS/erin/02-namespaces/nsbox.c"
    student erin 05 05.1 05.2 05.3
    TMPDIR=$GRADE_TMP GRADE_OUT=$OUT GRADE_JOBS=2 \
        "$ROOT/labs/grade-all.sh" "$CLASS" >"$BATS_FILE_TMPDIR/grade-all.out" 2>&1
    echo $? >"$BATS_FILE_TMPDIR/grade-all.status"
}

setup() {
    need_root
    [ -n "${CLASS:-}" ] || skip "setup_file did not run as root"
}

@test "grade-all: every copy graded, exit 0, the table on the terminal" {
    run cat "$BATS_FILE_TMPDIR/grade-all.out"
    echo "$output"
    assert_equal "$(cat "$BATS_FILE_TMPDIR/grade-all.status")" 0
    assert_line "grading 5 students x 2 steps (10 runs, 2 at a time)"
    assert_line --regexp '^ +02     05$'
    assert_line --regexp '^student +passed  1234\*  123\*$'
    assert_line --regexp '^alice +7/7  \+\+\+\+\+  \+\+\+\+$'
    assert_line --regexp '^bob +4/7  \+\+\+\+\+  ----$'
    assert_line --regexp '^carol +0/7  wwwt\+  wwtw$'
    assert_line --regexp '^dave +3/7  \+F\+\+\+  twww$'
    assert_line --regexp '^erin +3/7  EEEEE  \+\+\+\+$'
    assert_line "  02.4     todo: LAB 02.4 not done yet"
    assert_line "  02.*     error: does not compile: nsbox.c:223:57: error: expected ';' before 'return'"
    assert_line "table: $OUT/grades.csv, $OUT/grades.html (full output: $OUT/results/)"
}

@test "grade-all: the CSV says exactly what each copy earned" {
    run cat "$OUT/grades.csv"
    echo "$output"
    local blocked4='blocked: waits for LAB 02.4 (not done yet)'
    local wait1='blocked: waits for LAB 05.1 (not done yet)'
    local wait3='blocked: waits for LAB 05.3 (not done yet)'
    local cc="error: does not compile: nsbox.c:223:57: error: expected ';' before 'return'"
    local fail="fail: nsbox: / is made private: a mount inside does not reach the host: \`assert_equal \"\$leaked\" \"\"' failed: values do not equal"
    diff -u - "$OUT/grades.csv" <<EOF
student,passed,02.1,02.2,02.3,02.4,02 other,05.1,05.2,05.3,05 other
alice,7/7,pass,pass,pass,pass,pass,pass,pass,pass,pass
bob,4/7,pass,pass,pass,pass,pass,missing: no 05-pivot-root/ copy,missing: no 05-pivot-root/ copy,missing: no 05-pivot-root/ copy,missing: no 05-pivot-root/ copy
carol,0/7,$blocked4,$blocked4,$blocked4,todo: LAB 02.4 not done yet,pass,$wait3,$wait3,todo: LAB 05.3 not done yet,$wait3
dave,3/7,pass,"$(sed 's/"/""/g' <<<"$fail")",pass,pass,pass,todo: LAB 05.1 not done yet,$wait1,$wait1,$wait1
erin,3/7,$cc,$cc,$cc,$cc,$cc,pass,pass,pass,pass
EOF
}

@test "grade-all: the page holds the same table, escaped, with the details" {
    local page=$OUT/grades.html
    assert_file_exists "$page"
    run python3 - "$page" "$OUT/grades.csv" <<'PY'
import csv, html.parser, sys
class Cells(html.parser.HTMLParser):
    rows, row, cell, titles = [], None, None, []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""
            if tag == "td" and "title" in a:
                self.titles.append(a["title"])
    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip()); self.cell = None
        elif tag == "tr":
            self.rows.append(self.row); self.row = None
p = Cells()
p.feed(open(sys.argv[1]).read())
rows = list(csv.reader(open(sys.argv[2])))
# Each student's row: name, passed, then one cell a section, as the CSV.
body = {r[0]: r for r in p.rows if r and r[0] in {x[0] for x in rows[1:]}}
for r in rows[1:]:
    got = body[r[0]]
    assert got[1] == r[1], (got, r)
    assert len(got) == len(r), (got, r)
# Each cell's title is "SECTION: what the CSV says".
want = [f"{c}: {v}" for r in rows[1:] for c, v in zip(rows[0][2:], r[2:])]
assert p.titles == want, (p.titles[:3], want[:3])
print("rows", len(body), "cells", len(p.titles))
PY
    echo "$output"
    assert_success
    assert_output "rows 5 cells 45"
    # Self-contained: no script, no stylesheet or image from elsewhere.
    run grep -Ei '<script|<link|src=|@import|https?:' "$page"
    assert_failure
    grep -q "expected &#x27;;&#x27; before &#x27;return&#x27;" "$page"
}

@test "grade-all: each run kept to itself, and left nothing behind" {
    # The submission is only read: no binary built into it.
    [ ! -e "$CLASS/alice/02-namespaces/nsbox" ]
    # No scratch directory, mount, cgroup or process of a run is left.
    run ls -A "$GRADE_TMP"
    assert_output ""
    assert_equal "$(mounts_below "$BATS_FILE_TMPDIR")" ""
    assert_equal "$(leftover_cgroups)" ""
    # Each grader's whole output is kept for the teacher.
    grep -q '^ok 1 nsbox' "$OUT/results/alice/02-namespaces/tap.log"
}

@test "grade-all: an endless loop is stopped by the timeout, and nothing stays" {
    local class=$BATS_TEST_TMPDIR/class out=$BATS_TEST_TMPDIR/out
    local tmp=$BATS_TEST_TMPDIR/tmp
    mkdir -p "$class" "$tmp"
    CLASS=$class student frank 02 02.1 02.2 02.3
    # 02.4 never returns: only tests with --hostname get there.
    sed -i 's/^\( *\)ct_lab_todo("02.4".*/\1for (;;)\n\1    pause();/' \
        "$class/frank/02-namespaces/nsbox.c"
    grep -q 'pause();' "$class/frank/02-namespaces/nsbox.c"
    SECONDS=0
    run env TMPDIR="$tmp" GRADE_OUT="$out" GRADE_TIMEOUT=15 \
        "$ROOT/labs/grade-all.sh" "$class" 02
    echo "$output"
    assert_success
    [ "$SECONDS" -lt 60 ] || fail "took $SECONDS s"
    assert_line --regexp '^  frank +02-namespaces +timeout +stopped after 15 s'
    # 02.4's first test hangs: it and every test after it did not run.
    run sed -n 2p "$out/grades.csv"
    assert_output "frank,0/4,timeout: stopped after 15 s,timeout: stopped after 15 s,timeout: stopped after 15 s,timeout: stopped after 15 s,timeout: stopped after 15 s"
    grep -q '^ok 6 ' "$out/results/frank/02-namespaces/tap.log"
    run ls -A "$tmp"
    assert_output ""
    run pgrep -f "$tmp"
    assert_failure
    assert_equal "$(leftover_cgroups)" ""
}

@test "grade-all: usage errors and a LABDIR given for a class" {
    run "$ROOT/labs/grade-all.sh"
    assert_failure 2
    assert_output --partial "usage:"
    run "$ROOT/labs/grade-all.sh" "$BATS_TEST_TMPDIR/none"
    assert_failure 3
    mkdir -p "$BATS_TEST_TMPDIR/one"
    "$ROOT/labs/mklab.sh" 02 "$BATS_TEST_TMPDIR/one" >/dev/null
    run "$ROOT/labs/grade-all.sh" "$BATS_TEST_TMPDIR/one"
    assert_failure 3
    assert_output --partial "DIR holds one directory per student"
    run "$ROOT/labs/grade-all.sh" "$CLASS" 42
    assert_failure 2
    assert_output --partial "no step '42'"
}

@test "grade-all: every LAB section has a tagged test, every tag a section" {
    run python3 "$ROOT/labs/grade-table.py" --check-tags
    echo "$output"
    assert_success
    assert_line --regexp '^02-namespaces: [0-9]+ tests, 02.1: [0-9]+, 02.2: [0-9]+, 02.3: [0-9]+, 02.4: [0-9]+, other: [0-9]+$'
}
