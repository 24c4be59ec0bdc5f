#!/usr/bin/env python3
"""Where a measured path's instructions go: a per-function profile.

    insnprof.py [--top N] [PATH...]          PATH: one of PATHS (default: all)

Boots the path's scenario in QEMU with one instruction per translation
block and an execution trace ("-d exec,nochain", under -icount shift=0 so
that timer interrupts land where they always do), and counts every
instruction the CPU executes between the FROM-th and the TO-th time it
reaches the marker symbol: TO - FROM round trips of the path. Each
instruction is charged to the function around its address (the kernel's
symbols, or the scenario's program's) and to where it ran: the kernel
(CPL 0), user land (CPL 3) or a guest (under SVM). The counts are exact
and repeatable, like the -icount figures of tools/bench.py; the total per
round trip is the path's cost including the marker loop's own few
instructions.

--insns lists every instruction executed in the window, function by
function in address order, with its count per round trip and its
disassembly (objdump): the place to look when a function costs more than
it should.

tools/bench.py prints these tables beside its totals and records them in
docs/benchmarks.md.
"""

import argparse
import bisect
import collections
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as harness  # noqa: E402  (tools/run.py)


@dataclass
class Path:
    scenario: str   # run/NAME.run
    program: str    # build/bin/NAME: its symbols
    marker: str     # a function entered once per round trip
    first: int      # the window opens at the marker's first-th entry ...
    last: int       # ... and closes at its last-th: last - first round trips
    what: str


# bench_ipc's handler runs once per call: 1 setup call, 1,000 warm-up
# calls, then the 10,000 timed ones. vmtest's exit handler runs once per
# exit: the startup and the guest's line through the UART come first,
# then 10,000 exits to port 0x80.
PATHS = {
    "ipc_rtt": Path("bench_ipc", "bench_ipc", "bench_handler", 2000, 10000,
                    "IPC round trip (call and reply, two PDs, one CPU)"),
    "vmexit_rtt": Path("vmtest", "vmtest", "vm_exit_handler", 1000, 9000,
                       "VM exit round trip (a guest's OUT handled by the VMM)"),
}
TIMEOUT = 600.0
# QEMU's "-d exec" line: "Trace CPU: HOST [CS_BASE/PC/FLAGS/CFLAGS] ...".
HF_CPL_MASK = 3
HF_GUEST_MASK = 1 << 21  # QEMU's hflags bit: SVM intercepts active (a guest)
CF_COUNT_MASK = 0x1ff


class ProfileError(Exception):
    pass


def symbols(elf):
    """Sorted [(address, name)] of the ELF's functions."""
    out = subprocess.run(["nm", "-n", "--defined-only", elf], capture_output=True,
                         text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return syms


class Symbolizer:
    def __init__(self, elfs):
        self.syms = sorted(s for elf in elfs for s in symbols(elf))
        self.addrs = [a for a, _ in self.syms]

    def name(self, pc):
        i = bisect.bisect_right(self.addrs, pc) - 1
        return self.syms[i][1] if i >= 0 else "?"


def _where(flags):
    if flags & HF_GUEST_MASK:
        return "guest"
    return "kernel" if (flags & HF_CPL_MASK) == 0 else "user"


def _count(stream, marker, first, last):
    """Count the trace's instructions per (pc, flags) in the window; return
    (counts, complete)."""
    marker = "%016x" % marker
    hits, counts = 0, collections.Counter()
    for line in stream:
        fields = line.split("[", 1)
        if len(fields) < 2:
            continue
        parts = fields[1].split("/", 4)
        if len(parts) < 4:
            continue
        if parts[1] == marker:
            hits += 1
            if hits == last:
                return counts, True
        if hits >= first:
            counts[(parts[1], parts[2], parts[3][:8])] += 1
    return counts, False


def _unblock(proc, fifo, done):
    """When QEMU ends (or at TIMEOUT, when it is killed) before the reader
    is done, open the trace's FIFO for writing until that succeeds, so that
    a reader still waiting in open() (QEMU never opened it) sees its end
    instead of waiting for ever."""
    try:
        proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    while not done.is_set():
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            return
        except OSError:  # no reader yet (ENXIO): it is on its way to open()
            done.wait(0.1)


def profile(name, path=None):
    """Profile one of PATHS; return a dict with the per-round-trip total
    and the rows [(where, function, instructions per round trip)]."""
    path = path or PATHS[name]
    sc = harness.parse_scenario(os.path.join(harness.ROOT, "run", path.scenario + ".run"))
    program = os.path.join(harness.ROOT, harness.BUILD, "bin", path.program)
    kernel = os.path.join(harness.ROOT, harness.BUILD, "cairn.elf")
    sym = Symbolizer([kernel, program])
    marker = dict((n, a) for a, n in sym.syms).get(path.marker)
    if marker is None:
        raise ProfileError(f"{path.program} has no symbol {path.marker}")
    with tempfile.TemporaryDirectory() as tmp:
        fifo = os.path.join(tmp, "trace")
        os.mkfifo(fifo)
        cmd = harness.qemu_command(sc, extra=["-icount", "shift=0", "-singlestep",
                                              "-d", "exec,nochain", "-D", fifo])
        proc = subprocess.Popen(cmd, cwd=harness.ROOT, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        done = threading.Event()
        ended = threading.Thread(target=_unblock, args=(proc, fifo, done), daemon=True)
        ended.start()
        try:
            with open(fifo, errors="replace") as stream:
                counts, complete = _count(stream, marker, path.first, path.last)
        finally:
            done.set()
            proc.kill()
            err = proc.communicate()[1].decode("utf-8", "replace")
    if not complete and proc.returncode not in (0, -9):
        raise ProfileError(f"QEMU ended with status {proc.returncode}: {err.strip()[-500:]}")
    if not complete:
        raise ProfileError(f"{path.scenario}: the trace ended before {path.marker}'s "
                           f"entry number {path.last}")
    trips = path.last - path.first
    funcs = collections.Counter()
    for (pc, flags, cflags), n in counts.items():
        if int(cflags, 16) & CF_COUNT_MASK != 1:
            raise ProfileError("a translation block of more than one instruction: "
                               "QEMU ignored -singlestep")
        where = _where(int(flags, 16))
        func = "(guest code)" if where == "guest" else sym.name(int(pc, 16))
        funcs[(where, func)] += n
    total = sum(funcs.values())
    rows = [(w, f, n / trips) for (w, f), n in funcs.most_common()]
    insns = collections.Counter()
    for (pc, flags, _), n in counts.items():
        if not int(flags, 16) & HF_GUEST_MASK:
            insns[int(pc, 16)] += n
    return {"name": name, "what": path.what, "trips": trips,
            "total": total / trips, "rows": rows, "elfs": [kernel, program],
            "insns": {pc: n / trips for pc, n in insns.items()}, "sym": sym}


def disassembly(elfs):
    """{address: instruction text} of the ELFs' code."""
    text = {}
    for elf in elfs:
        out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", elf],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            addr, sep, insn = line.partition(":\t")
            if sep and addr.strip():
                try:
                    text[int(addr.strip(), 16)] = insn.strip()
                except ValueError:
                    pass
    return text


def format_insns(p):
    """Every instruction of the window, by function, with its count."""
    text = disassembly(p["elfs"])
    lines, func = [], None
    for pc in sorted(p["insns"]):
        name = p["sym"].name(pc)
        if name != func:
            func = name
            lines.append(f"{name}:")
        lines.append(f"  {pc:16x}  {p['insns'][pc]:7.2f}  {text.get(pc, '?')}")
    return lines


def format_profile(p, top=None):
    """The profile as text lines (a table, most expensive function first)."""
    lines = [f"{p['name']}: {p['what']}: {p['total']:.1f} instructions per round trip "
             f"(mean of {p['trips']:,})"]
    rows = p["rows"] if top is None else p["rows"][:top]
    width = max([len(f) for _, f, _ in rows] + [8])
    for where, func, n in rows:
        lines.append(f"  {where:<6}  {func:<{width}}  {n:7.1f}")
    rest = p["rows"][len(rows):]
    if rest:
        lines.append(f"  {'':<6}  {f'({len(rest)} more)':<{width}}  "
                     f"{sum(n for _, _, n in rest):7.1f}")
    for where in ("user", "kernel", "guest"):
        n = sum(c for w, _, c in p["rows"] if w == where)
        if n:
            lines.append(f"  {where:<6}  {'(all)':<{width}}  {n:7.1f}")
    return lines


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=harness.BUILD, help="build directory")
    ap.add_argument("--top", type=int, default=None, help="show the N costliest functions")
    ap.add_argument("--insns", action="store_true",
                    help="list each instruction executed, with its count")
    ap.add_argument("paths", nargs="*", help=f"of {', '.join(PATHS)}")
    args = ap.parse_args(argv)
    harness.BUILD = args.build
    status = 0
    for name in args.paths or list(PATHS):
        if name not in PATHS:
            print(f"error: no path '{name}' (there are: {', '.join(PATHS)})")
            return 2
        try:
            p = profile(name)
        except (ProfileError, harness.ScenarioError) as e:
            print(f"error: {name}: {e}")
            status = 1
            continue
        print("\n".join(format_profile(p, args.top)))
        if args.insns:
            print("\n".join(format_insns(p)))
    return status


if __name__ == "__main__":
    sys.exit(main())
