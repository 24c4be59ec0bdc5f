#!/usr/bin/env python3
"""Write a gzip-compressed cpio archive (the "newc" format Linux unpacks as
its initramfs) from a list of entries, without needing root for device
nodes and without the cpio tool.

    mkcpio.py OUT.cpio.gz SPEC

SPEC has one entry per line:
    dir   PATH MODE
    file  PATH MODE SOURCE
    slink PATH TARGET
    nod   PATH MODE c|b MAJOR MINOR
Modes are octal; owner is root. Blank lines and '#' comments are skipped.
"""
import gzip
import os
import stat
import sys


def header(ino, mode, nlink, size, rdev_major, rdev_minor, name):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev_major, rdev_minor, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08x" % f for f in fields) + name + b"\0"


def pad(n):
    return b"\0" * ((4 - n % 4) % 4)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out, spec = sys.argv[1], sys.argv[2]
    data = bytearray()
    ino = 1
    with open(spec, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for number, line in enumerate(lines, 1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        kind, path = words[0], words[1].lstrip("/").encode()
        body, rmaj, rmin = b"", 0, 0
        try:
            if kind == "dir":
                mode = stat.S_IFDIR | int(words[2], 8)
            elif kind == "file":
                mode = stat.S_IFREG | int(words[2], 8)
                with open(words[3], "rb") as src:
                    body = src.read()
            elif kind == "slink":
                mode = stat.S_IFLNK | 0o777
                body = words[2].encode()
            elif kind == "nod":
                mode = (stat.S_IFCHR if words[3] == "c" else stat.S_IFBLK) | int(words[2], 8)
                rmaj, rmin = int(words[4]), int(words[5])
            else:
                sys.exit(f"{spec}:{number}: unknown entry '{kind}'")
        except (IndexError, ValueError, OSError) as e:
            sys.exit(f"{spec}:{number}: {e}")
        hdr = header(ino, mode, 2 if kind == "dir" else 1, len(body), rmaj, rmin, path)
        data += hdr + pad(len(hdr)) + body + pad(len(body))
        ino += 1
    hdr = header(0, 0, 1, 0, 0, 0, b"TRAILER!!!")
    data += hdr + pad(len(hdr))
    tmp = out + ".tmp"
    with gzip.GzipFile(tmp, "wb", compresslevel=9, mtime=0) as f:
        f.write(bytes(data))
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
