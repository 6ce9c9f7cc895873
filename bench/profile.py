#!/usr/bin/env python3
"""profile.py: what bench/profile.sh's perf recordings say, per start.

  profile.py cpu SCRIPT.txt RUNS HZ COMM...
      `perf script -F comm,ip,sym` of a cpu-clock recording with call
      chains (perf record -F HZ -g): the CPU time of each start spent under
      each kernel entry point (mount, clone3, page faults, ...), with the
      three frames below it that took most, and what ran in user space.
  profile.py offcpu SCRIPT.txt RUNS COMM...
      `perf script -F comm,tid,trace,ip,sym` of a sched:sched_switch
      recording with call chains: how often a start left the CPU, in which
      state (S: waits for an event, D: for the kernel, R: preempted), and
      where.
  profile.py syscalls TRACE.txt RUNS COMM...
      `perf trace -s` output: calls and milliseconds a start, per call, of
      the processes named COMM.
"""
import collections
import re
import sys

SCHED = {"__schedule", "schedule", "schedule_timeout", "io_schedule",
         "io_schedule_timeout", "preempt_schedule", "preempt_schedule_common",
         "__cond_resched", "schedule_hrtimeout_range", "do_nanosleep",
         "schedule_hrtimeout_range_clock", "__perf_event_task_sched_out",
         "perf_trace_sched_switch", "__traceiter_sched_switch",
         "_raw_spin_unlock_irqrestore"}


def samples(path, comms):
    """Each sample: (comm, header, frames leaf first)."""
    out = []
    for block in open(path, errors="replace").read().split("\n\n"):
        lines = [l.strip() for l in block.strip().splitlines() if l.strip()]
        if not lines:
            continue
        comm = lines[0].split()[0]
        chain = [l.split()[:2] for l in lines[1:] if len(l.split()) > 1]
        if comm in comms:
            # The sample's last kernel frame, if it was taken in the kernel.
            kernel = [sym for ip, sym in chain if ip.startswith("ffffffff")]
            in_kernel = bool(chain) and chain[0][0].startswith("ffffffff")
            out.append((comm, lines[0], [sym for _, sym in chain],
                        kernel[-1] if in_kernel else None))
    return out


def cpu(path, runs, hz, comms):
    ms = 1000.0 / hz / runs  # one sample, per start
    s = samples(path, comms)
    print(f"CPU a start, sampled: {len(s) * ms:.2f} ms")
    keys = collections.Counter()
    below = collections.defaultdict(collections.Counter)
    user, other = collections.Counter(), collections.Counter()
    for _, _, frames, kernel in s:
        entry = next((f for f in reversed(frames)
                      if f.startswith(("__x64_sys_", "__do_sys_"))
                      or f == "asm_exc_page_fault"), None)
        if not entry and "do_syscall_64" in frames[1:]:
            # a call whose handler the compiler inlined: the frame below
            entry = frames[frames.index("do_syscall_64") - 1]
        if entry:
            i = len(frames) - 1 - frames[::-1].index(entry)
            keys[entry] += 1
            below[entry][" > ".join(reversed(frames[max(0, i - 3):i]))] += 1
        elif kernel:  # the outermost kernel frame: fork's return, exit, ...
            other[kernel] += 1
        elif frames:
            user[frames[0]] += 1
    for entry, n in keys.most_common(12):
        print(f"{n * ms:7.3f} ms  {entry}")
        for chain, m in below[entry].most_common(2):
            if m * ms >= 0.02:
                print(f"{'':13}{m * ms:.3f}  {chain}")
    print(f"{sum(other.values()) * ms:7.3f} ms  in the kernel outside a "
          "call (fork's return, exit, interrupts), from:")
    for sym, n in other.most_common(3):
        print(f"{'':13}{n * ms:.3f}  {sym}")
    print(f"{sum(user.values()) * ms:7.3f} ms  in user space, most in:")
    for sym, n in user.most_common(8):
        print(f"{'':13}{n * ms:.3f}  {sym}")


def offcpu(path, runs, comms):
    c = collections.Counter()
    for _, head, frames, _ in samples(path, ("perf",) + tuple(comms)):
        m = re.search(r"prev_comm=(\S+).*prev_state=(\S+)", head)
        if not m or m.group(1) not in comms:
            continue
        where = [f for f in frames if f not in SCHED][:3]
        c[(m.group(2), " < ".join(where))] += 1
    print(f"{'a start':>8}  state  where")
    for (state, where), n in c.most_common(12):
        print(f"{n / runs:8.2f}  {state:<5}  {where}")


def syscalls(path, runs, comms):
    tot = collections.defaultdict(lambda: [0, 0.0])
    ours = False
    for line in open(path):
        head = re.match(r" (\S+) \(\d+\), \d+ events", line)
        if head:  # a process's section: ours, or the loop's sh and seq
            ours = head.group(1) in comms
        m = re.match(r"\s+(\w+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s", line)
        if m and ours:
            tot[m.group(1)][0] += int(m.group(2))
            tot[m.group(1)][1] += float(m.group(4))
    print(f"{'call':<14}{'calls':>7}{'ms':>8}   (a start)")
    for name, (n, ms) in sorted(tot.items(), key=lambda x: -x[1][1])[:12]:
        print(f"{name:<14}{n / runs:>7.1f}{ms / runs:>8.3f}")


def main():
    a = sys.argv[1:]
    if len(a) >= 5 and a[0] == "cpu":
        cpu(a[1], int(a[2]), int(a[3]), a[4:])
    elif len(a) >= 4 and a[0] == "offcpu":
        offcpu(a[1], int(a[2]), a[3:])
    elif len(a) >= 4 and a[0] == "syscalls":
        syscalls(a[1], int(a[2]), a[3:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
