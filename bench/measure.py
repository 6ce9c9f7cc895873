#!/usr/bin/env python3
"""measure.py: the small parts of bench/run.sh that are easier in Python.

  measure.py peakmem OUT.json RUNS NAME CMD [NAME CMD...]
      run each CMD (split like a shell would, no shell) RUNS times under
      GNU time and keep the median of %M: ru_maxrss from wait4(2), the peak
      resident memory of the runner or of the largest process it waited for
      (the container's process is one of those). GNU time forks from itself,
      so about 1.2 MB (its own size) is the floor of what it can report.
  measure.py startup STARTUP.json PEAKMEM.json BASE
      the table: wall time (median, mean ± sigma, min), CPU time (user +
      system, mean), the median's ratio to BASE's, peak memory.
  measure.py merge OUT.json ROUND.json...
      join hyperfine's JSON of several rounds of the same commands into one
      (all the times of a command together; user and system averaged).
  measure.py import IMPORT.json TARBALL
      time and throughput of each way of unpacking TARBALL.
  measure.py once CMD
      run CMD once, print its wall time in ms (for a first run).
"""
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time


def peakmem(out, runs, pairs):
    result = {}
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
    print(f"{'runner':<15}{'median ms':>10}{'mean ± σ ms':>16}{'min ms':>8}"
          f"{'cpu ms':>8}{'× ' + base:>11}{'peak RSS':>10}")
    for r in results:
        name = r["command"]
        ratio = f"{med[name] / ref:.2f}" if ref else "-"
        mem = f"{peak[name] / 1024:.1f} MB" if name in peak else "-"
        cpu = (r["user"] + r["system"]) * 1000
        print(f"{name:<15}{med[name]:>10.2f}"
              f"{r['mean'] * 1000:>9.2f} ± {r['stddev'] * 1000:<5.2f}"
              f"{r['min'] * 1000:>8.2f}{cpu:>8.2f}{ratio:>11}{mem:>10}")
    checks = []
    if ref and "crun" in med:
        checks.append((f"{base} median <= crun median", ref <= med["crun"]))
    if ref and "unshare+chroot" in med:
        checks.append((f"{base} median <= 2 x unshare+chroot",
                       ref <= 2 * med["unshare+chroot"]))
    if base in peak and "crun" in peak:
        checks.append((f"{base} peak RSS <= crun peak RSS",
                       peak[base] <= peak["crun"]))
    for what, ok in checks:
        print(f"target: {what}: {'met' if ok else 'NOT met'}")


def merge(out, rounds):
    merged = None
    for path in rounds:
        results = json.load(open(path))["results"]
        if merged is None:
            merged = [dict(r, times=[], user=[], system=[]) for r in results]
        for m, r in zip(merged, results):
            m["times"] += r["times"]
            m["user"].append(r["user"])
            m["system"].append(r["system"])
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


def once(cmd):
    start = time.perf_counter()
    subprocess.run(shlex.split(cmd), check=True, stdout=subprocess.DEVNULL)
    print(f"{(time.perf_counter() - start) * 1000:.2f}")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    what, args = sys.argv[1], sys.argv[2:]
    if what == "peakmem" and len(args) >= 4 and len(args) % 2 == 0:
        peakmem(args[0], int(args[1]), args[2:])
    elif what == "startup" and len(args) == 3:
        startup(*args)
    elif what == "merge" and len(args) >= 2:
        merge(args[0], args[1:])
    elif what == "import" and len(args) == 2:
        import_table(*args)
    elif what == "once" and len(args) == 1:
        once(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
