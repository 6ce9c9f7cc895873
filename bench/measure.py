#!/usr/bin/env python3
"""measure.py: the small parts of bench/run.sh that are easier in Python.

  measure.py peakmem OUT.json RUNS NAME CMD [NAME CMD...]
      run each CMD (split like a shell would, no shell) RUNS times under
      GNU time and keep the median of %M: ru_maxrss from wait4(2), the peak
      resident memory of the runner or of the largest process it waited for
      (the container's process is one of those). GNU time forks from itself,
      so about 1.2 MB (its own size) is the floor of what it can report.
      An OUT.json there already keeps its other names (one file, two runs:
      the host's view and crun's).
  measure.py startup STARTUP.json PEAKMEM.json BASE
      the table: wall time (median, mean ± sigma, min), CPU time (user +
      system, mean), the median's ratio to BASE's, peak memory.
  measure.py merge [--order=NAME,NAME...] OUT.json ROUND.json...
      join hyperfine's JSON of several rounds into one, by command name
      (all the times of a command together; user and system averaged), in
      the order given, then in the order the names first appear.
  measure.py import IMPORT.json TARBALL
      time and throughput of each way of unpacking TARBALL.
  measure.py once CMD
      run CMD once, print its wall time in ms (for a first run).
  measure.py cycle OUT.json RUNS GAP NAME 'CMD && CMD...' [NAME ...]
      time RUNS cycles of each NAME's commands, one after the other (split
      like a shell would at '&&', run with no shell, stdio on /dev/null;
      a command that fails stops the bench), GAP seconds of sleep before
      each cycle (not timed): hyperfine's JSON form, for `table`.
  measure.py turns OUT.json RUNS GAP NAME 'CMD && CMD...' [NAME ...]
      as cycle, but taking turns: each of RUNS rounds times every NAME
      once, in a new random order each round; started by posix_spawn(3),
      not subprocess.run, so less of Python's own time is counted.
  measure.py table JSON BASE
      median, mean ± sigma and min wall time, CPU time, the ratio to BASE.
  measure.py smaps PID...
      the sum of Rss, Pss and Anonymous over the PIDs' smaps_rollup, in kB,
      as one JSON object (a PID gone meanwhile is left out, and counted).
  measure.py chart STARTUP.json OUT.svg BASE [TITLE]
      the start-up table as a picture: for each runner, every run's time as
      a dot, the middle half of them as a box, the median as a bar and in
      numbers (with its ratio to BASE's), on a log scale. Plain SVG, made
      here: no plotting library.
"""
import html
import json
import math
import os
import random
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time


def peakmem(out, runs, pairs):
    result = json.load(open(out)) if os.path.exists(out) else {}
    with tempfile.NamedTemporaryFile("r") as tmp:
        for name, cmd in zip(pairs[0::2], pairs[1::2]):
            kb = []
            for _ in range(runs):
                subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tmp.name] +
                               shlex.split(cmd), check=True,
                               stdout=subprocess.DEVNULL)
                tmp.seek(0)
                kb.append(int(tmp.read().split()[-1]))
            result[name] = statistics.median(kb)
    json.dump(result, open(out, "w"), indent=1)


def startup(startup_json, peak_json, base):
    results = json.load(open(startup_json))["results"]
    peak = json.load(open(peak_json)) if os.path.exists(peak_json) else {}
    med = {r["command"]: r["median"] * 1000 for r in results}
    ref = med.get(base)
    print(f"{'runner':<22}{'median ms':>10}{'mean ± σ ms':>16}{'min ms':>8}"
          f"{'cpu ms':>8}{'× ' + base:>11}{'peak RSS':>10}")
    for r in results:
        name = r["command"]
        ratio = f"{med[name] / ref:.2f}" if ref else "-"
        mem = f"{peak[name] / 1024:.1f} MB" if name in peak else "-"
        cpu = (r["user"] + r["system"]) * 1000
        print(f"{name:<22}{med[name]:>10.2f}"
              f"{r['mean'] * 1000:>9.2f} ± {r['stddev'] * 1000:<5.2f}"
              f"{r['min'] * 1000:>8.2f}{cpu:>8.2f}{ratio:>11}{mem:>10}")
    checks = []
    if ref and "crun" in med:
        checks.append((f"{base} median <= 0.6 x crun's "
                       f"({ref / med['crun']:.2f} x)", ref <= 0.6 * med["crun"]))
    if ref and "unshare+chroot" in med:
        u = med["unshare+chroot"]
        checks.append((f"{base} median <= 1.5 x unshare+chroot's "
                       f"({ref / u:.2f} x)", ref <= 1.5 * u))
    if base in peak and "crun" in peak:
        checks.append((f"{base} peak RSS <= crun peak RSS",
                       peak[base] <= peak["crun"]))
    for what, ok in checks:
        print(f"target: {what}: {'met' if ok else 'NOT met'}")


def merge(out, rounds, order=()):
    by_name = {name: None for name in order}
    for path in rounds:
        for r in json.load(open(path))["results"]:
            m = by_name.get(r["command"])
            if m is None:
                m = by_name[r["command"]] = dict(r, times=[], user=[],
                                                 system=[])
            m["times"] += r["times"]
            m["user"].append(r["user"])
            m["system"].append(r["system"])
    merged = [m for m in by_name.values() if m is not None]
    for m in merged:
        t = m["times"]
        m.update(median=statistics.median(t), mean=statistics.mean(t),
                 stddev=statistics.stdev(t) if len(t) > 1 else 0.0,
                 min=min(t), max=max(t), user=statistics.mean(m["user"]),
                 system=statistics.mean(m["system"]))
    json.dump({"results": merged}, open(out, "w"), indent=1)


def import_table(import_json, tarball):
    size = os.path.getsize(tarball)
    print(f"{'unpack ' + os.path.basename(tarball):<34}{'median s':>9}"
          f"{'min s':>8}{'MB/s':>8}")
    for r in json.load(open(import_json))["results"]:
        print(f"{r['command']:<34}{r['median']:>9.2f}{r['min']:>8.2f}"
              f"{size / r['median'] / 1e6:>8.0f}")


def spawn(cmd):
    """cmd with stdio on /dev/null, by posix_spawn(3) and waitpid: less of
    Python's own time in what is timed than subprocess.run."""
    null = os.open(os.devnull, os.O_RDWR)
    try:
        pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, null, fd) for fd in (0, 1, 2)])
    finally:
        os.close(null)
    status = os.waitpid(pid, 0)[1]
    if status != 0:
        raise subprocess.CalledProcessError(status, cmd)


def time_cycle(cmds, gap, fast=False):
    """One cycle of cmds (argv lists): wall seconds, (user, system)."""
    if gap:
        time.sleep(gap)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for cmd in cmds:
        if fast:
            spawn(cmd)
        else:
            subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime,
                  after.ru_stime - before.ru_stime)


def cycle(out, runs, gap, pairs, turns=False):
    names = pairs[0::2]
    cmds = {n: [shlex.split(c) for c in line.split("&&")]
            for n, line in zip(names, pairs[1::2])}
    times = {n: [] for n in names}
    cpu = {n: [] for n in names}
    # turns: each round runs every NAME once, in a new random order, so
    # that a drift of the machine's load reaches all of them alike
    rounds = [[n] * runs for n in names] if not turns else \
        [random.sample(names, len(names)) for _ in range(runs)]
    for order in rounds:
        for n in order:
            wall, used = time_cycle(cmds[n], gap, turns)
            times[n].append(wall)
            cpu[n].append(used)
    results = [{
        "command": n, "times": times[n],
        "median": statistics.median(times[n]),
        "mean": statistics.mean(times[n]),
        "stddev": statistics.stdev(times[n]) if runs > 1 else 0.0,
        "min": min(times[n]), "max": max(times[n]),
        "user": statistics.mean(u for u, _ in cpu[n]),
        "system": statistics.mean(s for _, s in cpu[n])} for n in names]
    json.dump({"results": results}, open(out, "w"), indent=1)


def table(path, base):
    results = json.load(open(path))["results"]
    med = {r["command"]: r["median"] * 1000 for r in results}
    ref = med.get(base)
    width = max(len(r["command"]) for r in results) + 2
    ratio_w = max(12, len(base) + 4)
    print(f"{'':<{width}}{'median ms':>10}{'mean ± σ ms':>17}{'min ms':>9}"
          f"{'cpu ms':>8}{'× ' + base:>{ratio_w}}")
    for r in results:
        name = r["command"]
        ratio = f"{med[name] / ref:.2f}" if ref else "-"
        print(f"{name:<{width}}{med[name]:>10.2f}"
              f"{r['mean'] * 1000:>10.2f} ± {r['stddev'] * 1000:<5.2f}"
              f"{r['min'] * 1000:>9.2f}"
              f"{(r['user'] + r['system']) * 1000:>8.2f}{ratio:>{ratio_w}}")


def smaps(pids):
    total = {"Rss": 0, "Pss": 0, "Anonymous": 0, "processes": 0, "gone": 0}
    for pid in pids:
        try:
            lines = open(f"/proc/{pid}/smaps_rollup").read().splitlines()
        except OSError:
            total["gone"] += 1
            continue
        total["processes"] += 1
        for line in lines:
            key, _, rest = line.partition(":")
            if key in total:
                total[key] += int(rest.split()[0])
    print(json.dumps(total))


def once(cmd):
    start = time.perf_counter()
    subprocess.run(shlex.split(cmd), check=True, stdout=subprocess.DEVNULL)
    print(f"{(time.perf_counter() - start) * 1000:.2f}")


def chart(startup_json, out, base, title=None):
    """hyperfine's JSON (one result a runner, all its times in "times",
    in seconds) drawn as one row a runner, in the order of the table."""
    results = json.load(open(startup_json))["results"]
    rows = []
    for r in results:
        times = sorted(t * 1000 for t in r.get("times") or [r["median"]])
        q = statistics.quantiles(times, n=4) if len(times) > 1 else times * 3
        rows.append((r["command"], times, q[0], r["median"] * 1000, q[2]))
    ref = next((m for name, _, _, m, _ in rows if name == base), None)
    # A log scale: a runner 10 times slower is as far again, whatever the
    # speed; ticks at 1, 2 and 5 of each decade the times reach.
    lo = min(t[0] for _, t, *_ in rows)
    hi = max(t[-1] for _, t, *_ in rows)
    lo_d = 10 ** math.floor(math.log10(lo))
    hi_d = 10 ** math.ceil(math.log10(hi))
    ticks = [m * 10 ** e
             for e in range(round(math.log10(lo_d)), round(math.log10(hi_d)) + 1)
             for m in (1, 2, 5)]
    ticks = [t for t in ticks if lo / 1.5 <= t <= hi * 1.5]
    left, right, top, row_h = 230, 900, 78, 46
    width = 1080
    x_lo = math.log10(min(ticks[0], lo))
    x_hi = math.log10(max(ticks[-1], hi))

    def x(ms):
        return left + (math.log10(ms) - x_lo) / (x_hi - x_lo) * (right - left)

    height = top + row_h * len(rows) + 60
    e = html.escape
    runs = max(len(t) for _, t, *_ in rows)
    title = title or f"start-up: /bin/true in a new container, {runs} runs each"
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" '
           'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="20" y="32" font-size="20" font-weight="bold" '
           f'fill="#1e293b">{e(title)}</text>',
           '<text x="20" y="56" font-size="14" fill="#475569">each dot one '
           'run; the box holds the middle half; the bar and the number: the '
           'median (log scale)</text>']
    bottom = top + row_h * len(rows)
    for t in ticks:
        label = f"{t:g} ms"
        svg.append(f'<line x1="{x(t):.1f}" y1="{top - 6}" x2="{x(t):.1f}" '
                   f'y2="{bottom}" stroke="#e2e8f0" stroke-width="1"/>')
        svg.append(f'<text x="{x(t):.1f}" y="{bottom + 22}" font-size="13" '
                   f'fill="#475569" text-anchor="middle">{e(label)}</text>')
    for i, (name, times, q1, med, q3) in enumerate(rows):
        mid = top + row_h * i + row_h / 2
        ours = name == base
        colour = "#b45309" if ours else "#334155"
        weight = ' font-weight="bold"' if ours else ""
        if i % 2:
            svg.append(f'<rect x="0" y="{mid - row_h / 2:.1f}" width="{width}" '
                       f'height="{row_h}" fill="#f8fafc"/>')
        svg.append(f'<text x="{left - 14}" y="{mid + 5:.1f}" font-size="16" '
                   f'text-anchor="end" fill="{colour}"{weight}>{e(name)}</text>')
        svg.append(f'<rect x="{x(q1):.1f}" y="{mid - 12:.1f}" '
                   f'width="{max(x(q3) - x(q1), 1):.1f}" height="24" rx="3" '
                   f'fill="{colour}" fill-opacity="0.18" stroke="{colour}"/>')
        for j, t in enumerate(times):
            # Spread the dots over the row, the same way every time.
            dy = ((j * 7919) % 17 - 8) * 1.1
            svg.append(f'<circle cx="{x(t):.1f}" cy="{mid + dy:.1f}" r="2.2" '
                       f'fill="{colour}" fill-opacity="0.45"/>')
        svg.append(f'<line x1="{x(med):.1f}" y1="{mid - 15:.1f}" x2="{x(med):.1f}" '
                   f'y2="{mid + 15:.1f}" stroke="{colour}" stroke-width="3"/>')
        ratio = f" · ×{med / ref:.2f}" if ref else ""
        svg.append(f'<text x="{right + 16}" y="{mid + 5:.1f}" font-size="15" '
                   f'fill="{colour}"{weight}>{med:.2f} ms{e(ratio)}</text>')
    svg.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" '
               'stroke="#94a3b8"/>')
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    what, args = sys.argv[1], sys.argv[2:]
    if what == "peakmem" and len(args) >= 4 and len(args) % 2 == 0:
        peakmem(args[0], int(args[1]), args[2:])
    elif what == "startup" and len(args) == 3:
        startup(*args)
    elif what == "merge" and args and args[0].startswith("--order="):
        merge(args[1], args[2:], args[0][len("--order="):].split(","))
    elif what == "merge" and len(args) >= 2:
        merge(args[0], args[1:])
    elif what == "import" and len(args) == 2:
        import_table(*args)
    elif what == "once" and len(args) == 1:
        once(args[0])
    elif what in ("cycle", "turns") and len(args) >= 5 and len(args) % 2:
        cycle(args[0], int(args[1]), float(args[2] or 0), args[3:],
              what == "turns")
    elif what == "table" and len(args) == 2:
        table(*args)
    elif what == "smaps" and args:
        smaps(args)
    elif what == "chart" and len(args) in (3, 4):
        chart(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
