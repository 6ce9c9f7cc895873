#!/usr/bin/env python3
"""console.py SOCKET OUT: what containerd's shim does with --console-socket.

Listen on the Unix socket SOCKET, take one connection, receive the pty's
master side the runtime sends over it (SCM_RIGHTS), then copy what the
container writes to its terminal into OUT until the pty closes (EIO). A
line "fd-received NAME" comes first, NAME being what the runtime sent
beside the fd.
"""
import array
import os
import socket
import sys


def main():
    path, out_path = sys.argv[1], sys.argv[2]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    # A runtime that never connects (a copy under grading that fails
    # first) must not leave us waiting for ever.
    srv.settimeout(60)
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        open(out_path, "wb").write(b"no-connection\n")
        return
    fds = array.array("i")
    msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_LEN(fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: fds.itemsize])
    conn.close()
    srv.close()
    with open(out_path, "wb", buffering=0) as out:
        if not fds:
            out.write(b"no-fd\n")
            return
        out.write(b"fd-received " + msg + b"\n")
        while True:
            try:
                data = os.read(fds[0], 4096)
            except OSError:  # EIO: the last process on the pty is gone
                break
            if not data:
                break
            out.write(data)


if __name__ == "__main__":
    main()
