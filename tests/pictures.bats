#!/usr/bin/env bats
# The pictures: the slides' SVGs (slides/img, hand-written) and the
# start-up chart that make bench writes (bench/measure.py chart), drawn here
# from a stored hyperfine export (tests/data/hyperfine-startup.json: 7
# runners, 25 runs each, from a real bench run) so no bench has to run.

load lib/common

SAMPLE=$BATS_TEST_DIRNAME/data/hyperfine-startup.json

@test "pictures: every picture a deck shows is there, and make slides copies it" {
    local n=0 deck img
    for deck in "$ROOT"/slides/*.md; do
        for img in $(grep -o '](img/[^)]*)' "$deck" | sed 's/^](//; s/)$//'); do
            [ -s "$ROOT/slides/$img" ] || fail "$deck shows $img, which slides/ does not have"
            n=$((n + 1))
        done
    done
    [ "$n" -ge 5 ]
    grep -q 'cp -p "$here"/img/\*.svg "$out/img/"' "$ROOT/slides/render.sh"
}

@test "pictures: each slide SVG is well-formed and self-contained" {
    run python3 - "$ROOT"/slides/img/*.svg <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    assert root.tag == ns + "svg", path
    assert root.get("viewBox"), path + ": no viewBox"
    texts = [t for t in root.iter(ns + "text")]
    assert len(texts) > 10, path + ": hardly any text"
    # nothing from elsewhere: no image, no external href, no @import
    for el in root.iter():
        for k, v in el.attrib.items():
            assert not (k.endswith("href") and not v.startswith("#")), (path, v)
        assert el.tag != ns + "image", path
    assert "@import" not in open(path).read(), path
    print(path.rsplit("/", 1)[1], len(texts))
PY
    echo "$output"
    assert_success
    assert_line --regexp '^namespaces\.svg [0-9]+$'
    assert_line --regexp '^tar-entry\.svg [0-9]+$'
}

@test "pictures: the bench chart has a row a runner, every run, the table's medians" {
    local svg=$BATS_TEST_TMPDIR/startup.svg
    run python3 "$ROOT/bench/measure.py" chart "$SAMPLE" "$svg" minictr
    assert_success
    run python3 - "$svg" "$SAMPLE" <<'PY'
import json, math, re, sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
results = json.load(open(sys.argv[2]))["results"]
texts = [(t.text or "", t) for t in root.iter(ns + "text")]
names = [r["command"] for r in results]
# One label a runner, in the table's order; ours in bold.
labels = [s for s, t in texts if s in names]
assert labels == names, labels
bold = [s for s, t in texts if s in names and t.get("font-weight") == "bold"]
assert bold == ["minictr"], bold
# Every run is a dot.
dots = len(list(root.iter(ns + "circle")))
assert dots == sum(len(r["times"]) for r in results), dots
# The medians, as the text table prints them, with the ratio to minictr's.
base = next(r["median"] for r in results if r["command"] == "minictr")
want = [f"{r['median'] * 1000:.2f} ms · ×{r['median'] / base:.2f}" for r in results]
got = [s for s, t in texts if " ms · ×" in s]
assert got == want, (got, want)
# The median bars (stroke-width 3) stand where a log scale puts them.
bars = [float(l.get("x1")) for l in root.iter(ns + "line") if l.get("stroke-width") == "3"]
assert len(bars) == len(results)
med = [math.log10(r["median"]) for r in results]
for i in range(len(bars)):
    for j in range(len(bars)):
        if med[i] < med[j]:
            assert bars[i] < bars[j], (names[i], names[j])
# Equal ratios, equal distances: 1 ms to 10 ms as wide as 10 ms to 100 ms.
ticks = {t.text: float(t.get("x")) for t in root.iter(ns + "text")
         if re.fullmatch(r"[0-9.]+ ms", t.text or "")}
if {"1 ms", "10 ms", "100 ms"} <= ticks.keys():
    a, b = ticks["10 ms"] - ticks["1 ms"], ticks["100 ms"] - ticks["10 ms"]
    assert abs(a - b) < 0.5, (a, b)
print("rows", len(labels), "dots", dots)
PY
    echo "$output"
    assert_success
    assert_output "rows 7 dots 175"
}

@test "pictures: the chart and the text table give the same medians" {
    run python3 "$ROOT/bench/measure.py" startup "$SAMPLE" /nonexistent minictr
    assert_success
    local table=$output
    python3 "$ROOT/bench/measure.py" chart "$SAMPLE" "$BATS_TEST_TMPDIR/c.svg" minictr
    for name in minictr crun runc bwrap unshare+chroot chroot exec; do
        med=$(awk -v n="$name" '$1 == n { print $2 }' <<<"$table")
        [ -n "$med" ] || fail "no $name in: $table"
        grep -q ">$med ms · ×" "$BATS_TEST_TMPDIR/c.svg" || fail "$name: $med ms not in the chart"
    done
}

@test "pictures: make bench writes the chart beside the table" {
    grep -q 'measure.py chart "$OUT/startup.json" "$OUT/startup.svg"' "$ROOT/bench/run.sh"
}
