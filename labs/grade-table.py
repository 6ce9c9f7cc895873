#!/usr/bin/env python3
"""grade-table.py: the class table of labs/grade-all.sh.

  grade-table.py RESULTS OUT STEP...
      read RESULTS/STUDENT/NN-name/ (what labs/grade-one.sh wrote for each
      student and step) and write the table three ways: to stdout, as
      OUT/grades.csv and as OUT/grades.html (one self-contained page).
  grade-table.py --check-tags
      check the tags of every tests/NN-name.bats against its step's LAB
      regions: each section has a test, each tag names a section.

Which test checks which LAB section: a bats test tag right above the test,

    # bats test_tags=lab:02-1,lab:02-3
    @test "nsbox: the command is PID 1 and ps sees only its processes" {

(bats tags allow no '.', so LAB 02.1 is lab:02-1; `bats --filter-tags
lab:02-1 tests/02-namespaces.bats` runs that section's tests alone). A test
with no lab tag checks the code around the LAB regions: its result goes in
the step's "NN other" column.

Each cell, as the CSV writes it:
    pass                     every test of the section passed
    fail: TEST: ASSERTION    the first failing test and its first failed line
    todo: LAB NN.K not done yet
    blocked: waits for LAB NN.K (not done yet)
                             its tests stop at another section's TODO (exit
                             99), so this one cannot be judged yet
    error: does not compile: FIRST ERROR
    error: the grader did not run: ...
    timeout: stopped after N s (its tests had not all run)
    skip: REASON             every test of the section skipped on this host
    missing: no NN-name/ copy
"""
import csv
import html
import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TEST_RE = re.compile(r'^\s*@test\s+(["\'])(.*)\1\s*\{')
TAGS_RE = re.compile(r'^\s*#\s*bats\s+test_tags=(.*)$')
LAB_RE = re.compile(r'/\* LAB ([0-9][0-9]\.[0-9]+): (.*?) \*/')
TAP_RE = re.compile(r'^(ok|not ok) (\d+) (.*?)(?: # (skip|timeout)\b ?(.*))?$')

# One character a cell on the terminal, a short word on the page, and
# the page's colours.
SYMBOL = {"pass": "+", "fail": "F", "todo": "t", "blocked": "w",
          "error": "E", "timeout": "T", "skip": "s", "missing": "-"}
SHORT = {"pass": "ok", "fail": "FAIL", "todo": "todo", "blocked": "wait",
         "error": "ERR", "timeout": "TIME", "skip": "skip", "missing": "--"}
COLOUR = {"pass": "#c8ebc8", "fail": "#f6b9b9", "todo": "#e4e4e4",
          "blocked": "#f8e3a8", "error": "#f6b9b9", "timeout": "#f6b9b9",
          "skip": "#dde6f3", "missing": "#ffffff"}
LEGEND = [
    ("pass", "every test of the section passed"),
    ("fail", "a test failed: the first failing test and its first failed "
     "line"),
    ("todo", "the LAB region is still the TODO of make lab"),
    ("blocked", "its tests stop at another section's TODO (exit 99): write "
     "that one first"),
    ("error", "the copy does not compile, or the grader could not run"),
    ("timeout", "the grading run was stopped before these tests ran"),
    ("skip", "every test of the section skipped on this host"),
    ("missing", "the student has no copy of this step"),
]


def step_dir(step):
    for d in sorted(os.listdir(os.path.join(ROOT, "steps"))):
        if d.startswith(step + "-"):
            return d
    sys.exit(f"grade-table.py: no step '{step}' in steps/")


def lab_sections(name):
    """The LAB sections of a step, in order, with their descriptions."""
    found = {}
    d = os.path.join(ROOT, "steps", name)
    for f in sorted(os.listdir(d)):
        if f.endswith((".c", ".h")):
            for m in LAB_RE.finditer(open(os.path.join(d, f)).read()):
                found[m.group(1)] = m.group(2)
    return sorted(found.items(), key=lambda s: tuple(map(int, s[0].split("."))))


def test_tags(name):
    """{test name: [sections]} of tests/NAME.bats, as bats reads its tags:
    the tag lines since the last @test belong to the next one."""
    tags, pending = {}, []
    for line in open(os.path.join(ROOT, "tests", name + ".bats")):
        m = TAGS_RE.match(line)
        if m:
            pending += [t.strip() for t in m.group(1).split(",") if t.strip()]
            continue
        m = TEST_RE.match(line)
        if m:
            tags[m.group(2)] = [t[4:].replace("-", ".") for t in pending
                                if t.startswith("lab:")]
            pending = []
    return tags


def check_tags():
    bad = 0
    for name in sorted(os.listdir(os.path.join(ROOT, "steps"))):
        if not os.path.exists(os.path.join(ROOT, "tests", name + ".bats")):
            continue
        sections = dict(lab_sections(name))
        tags = test_tags(name)
        count = {s: 0 for s in sections}
        for test, secs in tags.items():
            for s in secs:
                if s not in sections:
                    print(f"tests/{name}.bats: '{test}' names LAB {s}, "
                          f"which steps/{name} does not have")
                    bad = 1
                else:
                    count[s] += 1
        for s, n in count.items():
            if n == 0:
                print(f"tests/{name}.bats: no test is tagged lab:"
                      f"{s.replace('.', '-')} (LAB {s}: {sections[s]})")
                bad = 1
        untagged = sum(1 for secs in tags.values() if not secs)
        print(f"{name}: {len(tags)} tests, " + ", ".join(
            f"{s}: {n}" for s, n in count.items()) + f", other: {untagged}")
    return bad


def parse_tap(path):
    """{test name: (result, block)}: result ok, skip, fail or timeout; block
    is the comment lines bats printed under a failed test."""
    results, cur = {}, None
    if not os.path.exists(path):
        return results
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        m = TAP_RE.match(line)
        if m:
            kind = "ok" if m.group(1) == "ok" else "fail"
            if m.group(4) == "skip":
                kind = "skip"
            cur = [kind, [m.group(5) or ""] if kind == "skip" else []]
            results[m.group(3)] = cur
        elif cur is not None and line.startswith("#"):
            cur[1].append(line[1:].strip())
    return results


def first_failure(block):
    """The first failed line of a failed test's block, as short as it can
    be and still say something: "`assert_success' failed: command failed
    (status 99)"."""
    said = next((b for b in block if re.search(r"' failed", b)), None)
    if said is None:
        said = next((b for b in block if b and not b.startswith("(")
                     and not b.startswith("in test file")), "failed")
    what = next((b.strip("- ") for b in block
                 if b.startswith("--") and b.strip("- ")), None)
    status = next((b.split(":", 1)[1].strip() for b in block
                   if re.match(r"status\s*:", b)), None)
    if what:
        said += f": {what}"
    if status:
        said += f" (status {status})"
    return said


def stopped_at_todo(block):
    """Did this failure come from a TODO (exit 99, or its message)?"""
    return any(re.match(r"status\s*:\s*99$", b) or b.endswith("got 99")
               or "is not done yet" in b for b in block)


def step_columns(name, sections, tags):
    """The step's columns: its LAB sections, then "NN other" when some test
    has no lab tag."""
    cols = list(sections)
    if any(not secs for secs in tags.values()):
        cols.append((f"{name[:2]} other",
                     "the tests of the code around the LAB regions"))
    return cols


def grade_step(rdir, name, columns, tags):
    """{column: (state, detail)} for one student's copy of one step."""
    cols = [c for c, _ in columns]

    def read(f):
        path = os.path.join(rdir, f)
        return open(path).read().strip() if os.path.exists(path) else ""

    status, detail = read("status"), read("detail")
    if status in ("missing", ""):
        return {c: ("missing", detail or f"no {name}/ copy") for c in cols}
    if status == "compile":
        return {c: ("error", detail) for c in cols}
    todo = read("todo").split()
    tap = parse_tap(os.path.join(rdir, "tap.log"))
    if not tap and status != "timeout":
        last = read("tap.log").splitlines()[-1:] or ["no output"]
        return {c: ("error", f"the grader did not run: {last[0]}")
                for c in cols}
    out = {}
    for col in cols:
        sec = None if col.endswith(" other") else col
        tests = [t for t, secs in tags.items()
                 if (sec in secs if sec else not secs)]
        if sec and sec in todo:
            out[col] = ("todo", f"LAB {sec} not done yet")
            continue
        if not tests:
            out[col] = ("error",
                        f"no test is tagged lab:{sec.replace('.', '-')}")
            continue
        fails = [t for t in tests if t in tap and tap[t][0] == "fail"]
        real = [t for t in fails if not (todo and stopped_at_todo(tap[t][1]))]
        ran = [t for t in tests if t in tap]
        if real:
            t = real[0]
            out[col] = ("fail", f"{t}: {first_failure(tap[t][1])}")
        elif fails:
            waits = ", ".join(s for s in todo if s != sec)
            out[col] = ("blocked", f"waits for LAB {waits} (not done yet)")
        elif len(ran) < len(tests):
            out[col] = ("timeout", detail if status == "timeout"
                        else "some of its tests did not run")
        elif all(tap[t][0] == "skip" for t in tests):
            out[col] = ("skip", tap[tests[0]][1][0] or "skipped")
        else:
            out[col] = ("pass", "")
    return out


def cell_text(state, detail):
    return state if state == "pass" else f"{state}: {detail}"


def write_csv(path, students, columns, grid, passed):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["student", "passed"] + [c for c, _ in columns])
        for s in students:
            w.writerow([s, passed[s]] +
                       [cell_text(*grid[s][c]) for c, _ in columns])


def print_table(students, columns, grid, passed):
    """One character a section, grouped by step, then each student's
    notes: every cell that is not a pass, in words."""
    steps = []
    for c, _ in columns:
        if not steps or steps[-1][0] != c[:2]:
            steps.append((c[:2], []))
        steps[-1][1].append(c)
    width = max([len("student")] + [len(s) for s in students])
    groups = ["".join("*" if c.endswith(" other") else c[3:] for c in cols)
              for _, cols in steps]
    print(f"{'':<{width}}  {'':>6}  " + "  ".join(
        f"{n:<{len(g)}}" for (n, _), g in zip(steps, groups)).rstrip())
    print(f"{'student':<{width}}  {'passed':>6}  " + "  ".join(groups))
    for s in students:
        cells = ["".join(SYMBOL[grid[s][c][0]] for c in cols)
                 for _, cols in steps]
        print(f"{s:<{width}}  {passed[s]:>6}  " + "  ".join(cells))
    print("\n" + ", ".join(f"{SYMBOL[st]} {st}" for st, _ in LEGEND) +
          "; * = the tests of the code around the LAB regions")
    for s in students:
        notes = [(c, grid[s][c]) for c, _ in columns
                 if grid[s][c][0] != "pass"]
        if notes:
            print(f"\n{s}:")
        shown = set()
        for c, (st, d) in notes:
            # A whole step alike (no copy, does not compile): say it once.
            step = [grid[s][x] for x, _ in columns if x[:2] == c[:2]]
            if len(step) > 1 and all(x == (st, d) for x in step):
                if c[:2] not in shown:
                    print(f"  {c[:2] + '.*':<8} {st}: {d}")
                shown.add(c[:2])
                continue
            print(f"  {c:<8} {st}: {d}")


def write_html(path, students, columns, grid, passed, steps, when):
    e = html.escape
    groups = [(name, sum(1 for c, _ in columns if c[:2] == name[:2]))
              for name, _ in steps]
    rows = []
    for s in students:
        cells = [f'<th class="who">{e(s)}</th><td class="n">{e(passed[s])}</td>']
        for c, desc in columns:
            st, d = grid[s][c]
            anchor = f"{s}-{c}".replace(" ", "-").replace(".", "-")
            label = SHORT[st]
            body = (f'<a href="#{e(anchor)}">{e(label)}</a>' if st != "pass"
                    else e(label))
            cells.append(f'<td class="{st}" title="{e(c)}: '
                         f'{e(cell_text(st, d))}">{body}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    notes = []
    for s in students:
        items, shown = [], set()
        for c, desc in columns:
            st, d = grid[s][c]
            if st == "pass":
                continue
            anchor = f"{s}-{c}".replace(" ", "-").replace(".", "-")
            # A whole step alike (no copy, does not compile): said once.
            step = [grid[s][x] for x, _ in columns if x[:2] == c[:2]]
            label = c
            if len(step) > 1 and all(x == (st, d) for x in step):
                if c[:2] in shown:
                    items.append(f'<li id="{e(anchor)}" hidden></li>')
                    continue
                shown.add(c[:2])
                label = f"{c[:2]}.*"
            text = (f"<code>{e(d)}</code>" if st in ("fail", "error")
                    else e(d))
            items.append(f'<li id="{e(anchor)}"><span class="tag {st}">'
                         f'{e(label)}</span> <b>{e(st)}</b>: {text}</li>')
        if items:
            notes.append(f"<h3>{e(s)} <small>{e(passed[s])} passed</small>"
                         f"</h3><ul>{''.join(items)}</ul>")
    head1 = "".join(f'<th colspan="{n}" class="step">{e(name)}</th>'
                    for name, n in groups)
    head2 = "".join(f'<th class="sec" title="{e(desc)}">{e(c)}</th>'
                    for c, desc in columns)
    legend = "".join(f'<li><span class="tag {st}">{e(SHORT[st])}</span> '
                     f'{e(st)}: {e(text)}</li>' for st, text in LEGEND)
    css = "\n".join(f".{st} {{ background: {col}; }}"
                    for st, col in COLOUR.items())
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>minictr grades</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
h1 {{ font-size: 1.4em; margin-bottom: 0.2em; }}
p.when {{ color: #666; margin-top: 0; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: center; }}
th.step {{ background: #333; color: #fff; font-weight: normal; }}
th.sec {{ background: #eee; font-weight: normal; font-size: 0.9em; }}
th.who {{ text-align: left; white-space: nowrap; }}
td.n {{ font-weight: bold; }}
td a {{ color: inherit; }}
.tag {{ display: inline-block; min-width: 3em; padding: 0 0.3em;
       border: 1px solid #bbb; text-align: center; font-size: 0.9em; }}
ul {{ list-style: none; padding-left: 0; }}
li {{ margin: 0.25em 0; }}
code {{ font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace;
        font-size: 0.9em; background: #f4f4f4; padding: 0 0.2em; }}
h3 small {{ color: #666; font-weight: normal; }}
{css}
</style>
</head>
<body>
<h1>minictr: LAB sections passed</h1>
<p class="when">{e(when)}: {len(students)} students, steps
{e(", ".join(n for n, _ in steps))}. Hover a cell for its first failing line;
the details are below the table.</p>
<table>
<tr><th rowspan="2">student</th><th rowspan="2">passed</th>{head1}</tr>
<tr>{head2}</tr>
{chr(10).join(rows)}
</table>
<ul class="legend">{legend}</ul>
<h2>Details</h2>
{"".join(notes) or "<p>Every section of every student passed.</p>"}
</body>
</html>
"""
    open(path, "w").write(page)


def main(argv):
    if argv[1:2] == ["--check-tags"]:
        return check_tags()
    if len(argv) < 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    results, out, steps = argv[1], argv[2], argv[3:]
    names = [step_dir(s) for s in steps]
    students = sorted(d for d in os.listdir(results)
                      if os.path.isdir(os.path.join(results, d)))
    step_info = [(n, lab_sections(n)) for n in names]
    columns, grid = [], {s: {} for s in students}
    total = sum(len(secs) for _, secs in step_info)
    for name, secs in step_info:
        tags = test_tags(name)
        cols = step_columns(name, secs, tags)
        columns += cols
        for s in students:
            grid[s].update(grade_step(os.path.join(results, s, name), name,
                                      cols, tags))
    # Passed: the LAB sections (not the "other" columns) that are a pass.
    passed = {s: f"{sum(grid[s][c][0] == 'pass' for c, _ in columns if not c.endswith(' other'))}/{total}"
              for s in students}
    when = time.strftime("%Y-%m-%d %H:%M")
    os.makedirs(out, exist_ok=True)
    write_csv(os.path.join(out, "grades.csv"), students, columns, grid, passed)
    write_html(os.path.join(out, "grades.html"), students, columns, grid,
               passed, step_info, when)
    print_table(students, columns, grid, passed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
