#!/usr/bin/env python3
"""mklayout.py: make small OCI image layouts for tests/minictr-images.bats.

  mklayout.py layout DIR REF LAYER.tar...   an OCI image layout in DIR whose
                                            one image has these layers (plain
                                            tars), named REF (NAME:TAG)
      --gzip              store the layers gzip-compressed
      --bad-diff-id N     the config lies about layer N's diff_id
      --index-digest D    index.json names manifest D (e.g. a path)
  mklayout.py tar OUT SPEC...               a tar; SPEC is KIND:NAME[:ARG]:
      f:NAME[:TEXT]  a file   d:NAME  a directory   s:NAME:TARGET a symlink
      h:NAME:TARGET  a hard link
  mklayout.py docker OUT REF CONFIG_PATH LAYER_PATH  a docker-save archive
      whose manifest.json names these paths (they need not exist)

Every digest is computed here, as a real tool would: a test changes one
thing at a time.
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def put_blob(root, data):
    d = sha(data)
    path = os.path.join(root, "blobs", "sha256", d[7:])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return {"digest": d, "size": len(data)}


def layout(args):
    gz, bad, index_digest = False, None, None
    while args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--gzip":
            gz = True
        elif opt == "--bad-diff-id":
            bad = int(args.pop(0))
        elif opt == "--index-digest":
            index_digest = args.pop(0)
    root, ref, tars = args[0], args[1], args[2:]
    os.makedirs(root, exist_ok=True)
    layers, diff_ids = [], []
    for i, t in enumerate(tars):
        plain = open(t, "rb").read()
        diff_ids.append(sha(plain if i != bad else plain + b"x"))
        blob = gzip.compress(plain, mtime=0) if gz else plain
        desc = put_blob(root, blob)
        desc["mediaType"] = "application/vnd.oci.image.layer.v1.tar" + (
            "+gzip" if gz else "")
        layers.append(desc)
    config = {
        "architecture": "amd64", "os": "linux",
        "created": "2024-01-01T00:00:00Z",
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": "layer %d" % i} for i in range(len(tars))],
    }
    cdesc = put_blob(root, json.dumps(config).encode())
    cdesc["mediaType"] = "application/vnd.oci.image.config.v1+json"
    manifest = {"schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": cdesc, "layers": layers}
    mdesc = put_blob(root, json.dumps(manifest).encode())
    mdesc["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
    if index_digest:
        mdesc["digest"] = index_digest
    mdesc["annotations"] = {"io.containerd.image.name": ref,
                            "org.opencontainers.image.ref.name":
                                ref.rsplit(":", 1)[1]}
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [mdesc]}, f)
    with open(os.path.join(root, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)


def make_tar(args):
    out, specs = args[0], args[1:]
    kinds = {"f": tarfile.REGTYPE, "d": tarfile.DIRTYPE,
             "s": tarfile.SYMTYPE, "h": tarfile.LNKTYPE}
    with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as t:
        for spec in specs:
            kind, name, *rest = spec.split(":", 2)
            ti = tarfile.TarInfo(name)
            ti.type = kinds[kind]
            ti.mode = 0o755 if kind == "d" else 0o644
            data = b""
            if kind == "f":
                data = (rest[0] if rest else name).encode() + b"\n"
            elif rest:
                ti.linkname = rest[0]
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))


def docker(args):
    out, ref, config_path, layer_path = args
    manifest = [{"Config": config_path, "RepoTags": [ref],
                 "Layers": [layer_path]}]
    data = json.dumps(manifest).encode()
    with tarfile.open(out, "w") as t:
        ti = tarfile.TarInfo("manifest.json")
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))


if __name__ == "__main__":
    {"layout": layout, "tar": make_tar, "docker": docker}[sys.argv[1]](
        sys.argv[2:])
