#!/usr/bin/env python3
"""make-bundle.py RUNTIME ROOTFS BUNDLE SECCOMP_SRC [ARG...]: write
BUNDLE/config.json, for the command ARG... (default /bin/true).

An OCI bundle is a directory with config.json (and usually the rootfs).
We start from what `RUNTIME spec` prints, so the file matches the runtime's
version, then make its isolation match `minictr run --rm IMAGE /bin/true`
as closely as the OCI format allows:

  namespaces   pid, network, ipc, uts, mount, cgroup (what minictr makes)
  root         ROOTFS read-only (minictr gives each container a writable
               overlay; a runtime gets a finished root from its caller, and
               a read-only bind of the image is the cheapest root it can be
               given, so the comparison does not favour minictr)
  process      /bin/true (or ARG...), no terminal, Docker's 14 default capabilities,
               no_new_privs
  seccomp      allow by default, EPERM for the calls minictr denies (read
               from SECCOMP_SRC, minictr's src/privileges.c), clone with a
               namespace flag, clone3 (ENOSYS), ioctl TIOCSTI and TIOCLINUX
  devices      deny all but null, zero, full, random, urandom, tty, ptmx,
               pts (as minictr's devices cgroup)
  cgroups      runc: cgroupsPath minictr-bench-runc, relative: runc reads
               it from its own cgroup in each hierarchy, so its cgroups land
               below ours, as the project's rule asks. crun:
               /minictr-bench-crun; crun reads even a relative path from the
               root of each hierarchy, so bench/cgv1.sh (which crun 1.8
               needs on a hybrid host anyway) shows our own cgroup as the
               root of each v1 hierarchy we sit below the root of (memory,
               on the build machine)
  masked and read-only /proc paths: the spec's defaults (runc's list, the
               one minictr copies)
"""
import json
import platform
import re
import subprocess
import sys
import tempfile

DOCKER_CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
    "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
]
NS_FLAGS = {  # clone(2) flags minictr's filter refuses
    "CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000, "CLONE_NEWIPC": 0x08000000,
    "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}
ARCHES = {"x86_64": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
          "aarch64": ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"]}
# (type, major, minor) as minictr's devices cgroup allows them.
DEVICES = [("c", 1, 3), ("c", 1, 5), ("c", 1, 7), ("c", 1, 8), ("c", 1, 9),
           ("c", 5, 0), ("c", 5, 1), ("c", 5, 2), ("c", 136, None)]


def denied_syscalls(src):
    """The names in `static const char *const denied[] = {...}`."""
    text = open(src).read()
    m = re.search(r"denied\[\]\s*=\s*\{(.*?)\};", text, re.S)
    if not m:
        sys.exit(f"make-bundle.py: no denied[] list in '{src}'")
    return re.findall(r'"([a-z0-9_]+)"', m.group(1))


def main():
    if len(sys.argv) < 5:
        sys.exit("usage: make-bundle.py RUNTIME ROOTFS BUNDLE SECCOMP_SRC "
                 "[ARG...]")
    runtime, rootfs, bundle, src = sys.argv[1:5]
    args = sys.argv[5:] or ["/bin/true"]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([runtime, "spec"], cwd=tmp, check=True)
        spec = json.load(open(f"{tmp}/config.json"))

    proc = spec["process"]
    proc["terminal"] = False
    proc["args"] = args
    proc["env"] = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]
    proc["noNewPrivileges"] = True
    proc["capabilities"] = {k: list(DOCKER_CAPS) for k in
                            ("bounding", "effective", "permitted")}
    spec["root"] = {"path": rootfs, "readonly": True}
    spec["hostname"] = "bench"

    linux = spec["linux"]
    linux["namespaces"] = [{"type": t} for t in
                           ("pid", "network", "ipc", "uts", "mount", "cgroup")]
    linux["cgroupsPath"] = ("/minictr-bench-crun" if runtime == "crun"
                            else f"minictr-bench-{runtime}")
    allow = [{"allow": True, "type": t, "major": ma, "access": "rwm",
              **({} if mi is None else {"minor": mi})}
             for t, ma, mi in DEVICES]
    linux["resources"] = {"devices": [{"allow": False, "access": "rwm"}] +
                          allow}
    rules = [{"names": denied_syscalls(src), "action": "SCMP_ACT_ERRNO",
              "errnoRet": 1}]
    for flag in NS_FLAGS.values():
        rules.append({"names": ["clone"], "action": "SCMP_ACT_ERRNO",
                      "errnoRet": 1,
                      "args": [{"index": 0, "value": flag, "valueTwo": flag,
                                "op": "SCMP_CMP_MASKED_EQ"}]})
    rules.append({"names": ["clone3"], "action": "SCMP_ACT_ERRNO",
                  "errnoRet": 38})
    for request in (0x5412, 0x541C):  # TIOCSTI, TIOCLINUX
        rules.append({"names": ["ioctl"], "action": "SCMP_ACT_ERRNO",
                      "errnoRet": 1,
                      "args": [{"index": 1, "value": request,
                                "valueTwo": 0xFFFFFFFF,
                                "op": "SCMP_CMP_MASKED_EQ"}]})
    linux["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
                        "architectures": ARCHES.get(platform.machine(), []),
                        "syscalls": rules}
    # minictr mounts neither /sys/fs/cgroup nor /dev/mqueue.
    spec["mounts"] = [m for m in spec["mounts"] if m["destination"]
                      not in ("/sys/fs/cgroup", "/dev/mqueue")]
    with open(f"{bundle}/config.json", "w") as f:
        json.dump(spec, f, indent=2)


if __name__ == "__main__":
    main()
