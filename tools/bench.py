#!/usr/bin/env python3
"""Cairn benchmarks: boot each benchmark scenario twice and tabulate.

    bench.py [--doc docs/benchmarks.md] [NAME...]

Each scenario in BENCHES (or NAME..., run/NAME.run) boots once as it is and
once with "-icount shift=0". Its benchmark component prints lines

    BENCH <key> <value> <unit>        e.g. "BENCH ipc_rtt 1234 ticks"

With -icount shift=0 QEMU advances the TSC by one tick per guest
instruction, so a value in ticks is then an exact, repeatable instruction
count; without it, ticks follow the host's speed and are for orientation.
The table goes to the terminal and to docs/benchmarks.md.
"""

import argparse
import datetime
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as harness  # noqa: E402  (tools/run.py)

# Benchmark scenarios, run/NAME.run, in table order. Add new ones here.
BENCHES = ["bench_ipc", "bench_framework", "vmtest"]

# Targets in instructions per operation under -icount shift=0 (DESIGN.md §5).
TARGETS = {
    "ipc_rtt": 300,
    "boot_to_init_ready": 20_000_000,
    "vmexit_rtt": 1000,
}

ICOUNT = ["-icount", "shift=0"]
BENCH_LINE = re.compile(r"(?:^|\s)BENCH (\S+) (-?\d+(?:\.\d+)?) (\S+)")


def parse_bench(text):
    """{key: (value, unit)} from the BENCH lines, in order of appearance."""
    found = {}
    for line in text.split("\n"):
        m = BENCH_LINE.search(line)
        if m:
            found[m.group(1)] = (m.group(2), m.group(3))
    return found


def measure(name):
    """Run one benchmark scenario both ways; return table rows or None."""
    if name.endswith(".run"):
        path, name = name, os.path.splitext(os.path.basename(name))[0]
    else:
        path = os.path.join(harness.ROOT, "run", name + ".run")
    try:
        sc = harness.parse_scenario(path)
    except harness.ScenarioError as e:
        print(f"FAIL {name}: {e}")
        return None
    runs = [(harness.run_scenario(sc, log_name=name), name),
            (harness.run_scenario(sc, extra=ICOUNT, log_name=name + "-icount"),
             name + "-icount")]
    for result, log_name in runs:
        if not result.ok:
            print(harness.report_failure(result, log_name))
            return None
    plain, counted = parse_bench(runs[0][0].output), parse_bench(runs[1][0].output)
    if not plain and not counted:
        print(f"FAIL {name}: no 'BENCH <key> <value> <unit>' line in the output")
        return None
    rows = []
    for key in list(plain) + [k for k in counted if k not in plain]:
        p_value, unit = plain.get(key, ("-", None))
        c_value, c_unit = counted.get(key, ("-", None))
        unit = unit or c_unit
        rows.append({
            "bench": name, "key": key, "unit": unit,
            "plain": p_value,
            "icount": c_value,
            "icount_unit": "instructions" if unit == "ticks" else unit,
            "target": TARGETS.get(key),
        })
    return rows


def _num(value):
    try:
        return f"{int(value):,}"
    except ValueError:
        return value


def _target(row):
    return f"≤ {row['target']:,}" if row["target"] is not None else ""


def print_table(rows):
    header = ["benchmark", "figure", "plain TCG", "-icount shift=0", "target"]
    body = [[r["bench"], r["key"], f"{_num(r['plain'])} {r['unit']}",
             f"{_num(r['icount'])} {r['icount_unit']}", _target(r)] for r in rows]
    widths = [max(len(x) for x in col) for col in zip(header, *body)]
    for line in [header] + body:
        print("  ".join(x.ljust(w) for x, w in zip(line, widths)).rstrip())


def qemu_version():
    try:
        out = subprocess.run([harness.QEMU, "--version"], stdout=subprocess.PIPE,
                             text=True, timeout=10).stdout
        return out.splitlines()[0].strip() if out else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def host_cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def write_doc(path, rows):
    today = datetime.date.today().isoformat()
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (tools/bench.py) from its last run; earlier",
        "results are in the git history of this file.",
        "",
        f"- date: {today}",
        f"- QEMU: {qemu_version()}, TCG, `-cpu EPYC -m 256 -smp 1`",
        f"- host CPU: {host_cpu()}",
        "",
        "| benchmark | figure | plain TCG | `-icount shift=0` | target |",
        "|---|---|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['bench']} | {r['key']} | {_num(r['plain'])} {r['unit']} | "
                     f"{_num(r['icount'])} {r['icount_unit']} | {_target(r)} |")
    lines += [
        "",
        "## Method",
        "",
        "Each benchmark is a scenario (`run/NAME.run`) whose component does the",
        "operation many times, reads the TSC around the loop and prints the",
        "cost of one operation as `BENCH <key> <value> <unit>`. tools/bench.py",
        "boots every scenario in its `BENCHES` list twice in QEMU:",
        "",
        "- **plain TCG**: the TSC follows the host's clock, so ticks depend on",
        "  the host and its load. Orientation only, not comparable to real",
        "  hardware.",
        "- **`-icount shift=0`**: QEMU advances the TSC by exactly one tick per",
        "  guest instruction, so a value in ticks is the number of",
        "  instructions on the measured path. It is deterministic: the same",
        "  build gives the same count on every run and every host, which makes",
        "  it the figure to compare against the targets (DESIGN.md §5) and",
        "  between commits.",
        "",
        "Targets are in instructions per operation. For scale, peers measured",
        "in the same emulated machine under Debian's Linux 6.1: a futex",
        "ping-pong between two processes 13,496 instructions, a pipe 14,160,",
        "a KVM exit to user space and back 3,507.",
        "",
        "The serial logs of the last run are in build/log/NAME.log and",
        "build/log/NAME-icount.log.",
    ]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run Cairn's benchmark scenarios.")
    ap.add_argument("names", nargs="*", metavar="NAME",
                    help="benchmark scenario run/NAME.run, or a path to a .run file "
                         f"(default: {' '.join(BENCHES)})")
    ap.add_argument("--doc", default=os.path.join(harness.ROOT, "docs", "benchmarks.md"),
                    help="where to write the results (default: docs/benchmarks.md)")
    ap.add_argument("--build", default=harness.BUILD, help="build directory (default: build)")
    args = ap.parse_args(argv)
    harness.BUILD = args.build
    rows, failed = [], []
    for name in args.names or BENCHES:
        print(f"bench {name}: plain TCG, then -icount shift=0 ...", flush=True)
        got = measure(name)
        if got is None:
            failed.append(name)
        else:
            rows += got
    if rows:
        print()
        print_table(rows)
    if failed:
        print(f"\nbench: {', '.join(failed)} failed; {os.path.relpath(args.doc)} not updated")
        return 1
    write_doc(args.doc, rows)
    print(f"\nresults written to {os.path.relpath(args.doc)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
