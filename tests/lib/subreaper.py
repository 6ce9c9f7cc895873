#!/usr/bin/env python3
"""subreaper.py OUT CMD...: stand in for containerd's shim or conmon.

Become a child subreaper (prctl PR_SET_CHILD_SUBREAPER, as the shim and
conmon are), run CMD (an OCI runtime's `create`), and then be the parent
the container's first process is reparented to when `create` exits.
Writes to OUT, one line each:

    pid PID              our own pid, first
    ran RC               CMD's exit status
    exit PID STATUS      each child that ends (128+N when signal N)

and exits once no child is left. A test checks /proc/CPID/status PPid
against PID, and the container's exit status as its parent sees it.
"""
import ctypes
import os
import sys

PR_SET_CHILD_SUBREAPER = 36


def main():
    out = open(sys.argv[1], "w", buffering=1)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("prctl(PR_SET_CHILD_SUBREAPER) failed")
    out.write("pid %d\n" % os.getpid())
    runtime = os.fork()
    if runtime == 0:
        os.execvp(sys.argv[2], sys.argv[2:])
    _, status = os.waitpid(runtime, 0)
    out.write("ran %d\n" % os.waitstatus_to_exitcode(status))
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        code = os.waitstatus_to_exitcode(status)
        out.write("exit %d %d\n" % (pid, code if code >= 0 else 128 - code))


if __name__ == "__main__":
    main()
