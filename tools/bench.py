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

After them (or when named), the Linux boot benchmark boots run/bench_linux.run
(Debian's Linux under Cairn's VMM) and the same kernel, initrd, disk and
command line directly in QEMU, LINUX_RUNS times each, in plain TCG only, and
compares the host's wall-clock time to the guest's /init and to its end. It
also reports the VMM's exit statistics from the Cairn run.
"""

import argparse
import dataclasses
import datetime
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import xml.etree.ElementTree as ET

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

# The Linux boot benchmark: this scenario under Cairn against its guest booted
# by QEMU directly, LINUX_RUNS times each (the median counts), plain TCG only.
LINUX_BENCH = "bench_linux"
LINUX_RUNS = 3
LINUX_TIMEOUT = 300.0
# The serial lines timed, printed by the guest's /init: (figure, text).
LINUX_MARKS = [("to /init", "cairn-init: started"), ("to done", "cairn-init: done")]
LINUX_KINDS = {"cairn": "under Cairn", "qemu": "directly in QEMU"}
# Devices the guest has under Cairn's VMM, for the direct boot: the disk as a
# legacy-capable virtio-blk PCI device, read-only, and a virtio console.
LINUX_DEVICES = ["-device", "virtio-blk-pci,drive=d0",
                 "-device", "virtio-serial-pci",
                 "-device", "virtconsole,chardev=c0", "-chardev", "null,id=c0"]
# The VMM's report when the VM stopped (components/vmm/main.c, vmm_stats).
EXITS_LINE = re.compile(r"(?:^|\s)exits: (.*)$")
TALLY_LINE = re.compile(r"(?:^|\s)(I/O exits by port|MSR exits by MSR): (.*)$")
# What each exit reason of the VMM's report is.
EXIT_NOTES = {
    "startup": "the vCPU's first entry",
    "I/O": "port access to an emulated device (PIC, PIT, UART, PCI, virtio)",
    "nested page fault": "MMIO to the local APIC or I/O APIC (or outside the RAM)",
    "HLT": "the guest idles until an interrupt",
    "CPUID": "CPUID, answered by the VMM's filter",
    "MSR": "RDMSR/WRMSR, emulated by the VMM",
    "interrupt window": "an interrupt waits for the guest to enable interrupts",
    "recall": "the VMM's timer thread pulls the vCPU out for a due timer event",
}
# The key of the VMM's tally slot that counts the ports (MSRs) beyond its 31.
TALLY_OTHERS = 0xFFFFFFFF
# What the ports and MSRs in the report are, for the reader of the table.
PORT_NAMES = {
    0x20: "PIC command", 0x21: "PIC mask", 0xa0: "slave PIC command", 0xa1: "slave PIC mask",
    0x40: "PIT counter 0", 0x43: "PIT mode", 0x61: "port B, PIT gate",
    0x60: "i8042 data", 0x64: "i8042 status", 0x70: "RTC index", 0x71: "RTC data",
    0x80: "POST delay", 0x3f8: "COM1 data", 0x3f9: "COM1 IER", 0x3fa: "COM1 IIR",
    0x3fb: "COM1 LCR", 0x3fd: "COM1 line status", 0xcf8: "PCI config address",
    0xcfc: "PCI config data",
}
MSR_NAMES = {
    0x10: "TSC", 0x1b: "APIC_BASE", 0x8b: "PATCH_LEVEL", 0x179: "MCG_CAP", 0x277: "PAT",
    0xc0000080: "EFER", 0xc0010000: "PERF_CTL0", 0xc0010010: "SYSCFG",
    0xc0010015: "HWCR", 0xc001001f: "NB_CFG", 0xc0011020: "LS_CFG",
    0xc0011028: "FP_CFG", 0xc0011029: "DE_CFG",
}


def parse_bench(text):
    """{key: (value, unit)} from the BENCH lines, in order of appearance."""
    found = {}
    for line in text.split("\n"):
        m = BENCH_LINE.search(line)
        if m:
            found[m.group(1)] = (m.group(2), m.group(3))
    return found


def scenario_path(name):
    """(path, name) of a benchmark given as NAME (run/NAME.run) or a path."""
    if name.endswith(".run"):
        return name, os.path.splitext(os.path.basename(name))[0]
    return os.path.join(harness.ROOT, "run", name + ".run"), name


def measure(name):
    """Run one benchmark scenario both ways; return table rows or None."""
    path, name = scenario_path(name)
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


def _print_columns(header, body):
    widths = [max(len(x) for x in col) for col in zip(header, *body)]
    for line in [header] + body:
        print("  ".join(x.ljust(w) for x, w in zip(line, widths)).rstrip())


def print_table(rows):
    header = ["benchmark", "figure", "plain TCG", "-icount shift=0", "target"]
    body = [[r["bench"], r["key"], f"{_num(r['plain'])} {r['unit']}",
             f"{_num(r['icount'])} {r['icount_unit']}", _target(r)] for r in rows]
    _print_columns(header, body)


# --- the Linux boot benchmark ---------------------------------------------------

def linux_guest(sc):
    """[kernel, initrd, disk, cmdline] that the scenario's VMM boots: the
    <config kernel= initrd= disk= cmdline=> of its config module, the ROM
    names resolved to files through the scenario's module list."""
    roms = {}
    for m in sc.modules:
        named = [a[len("name="):] for a in m[1:] if a.startswith("name=")]
        roms[named[0] if named else os.path.basename(m[0])] = harness.module_path(m[0])
    if "config" not in roms:
        raise harness.ScenarioError(f"{sc.path}: no module named 'config'")
    try:
        tree = ET.parse(os.path.join(harness.ROOT, roms["config"]))
    except (OSError, ET.ParseError) as e:
        raise harness.ScenarioError(f"{roms['config']}: {e}") from None
    vmm = next((n for n in tree.iter("config") if "kernel" in n.attrib), None)
    if vmm is None:
        raise harness.ScenarioError(f"{roms['config']}: no <config kernel=...> for the VMM")
    files = []
    for key in ("kernel", "initrd", "disk"):
        rom = vmm.get(key)
        if rom not in roms:
            raise harness.ScenarioError(f"{roms['config']}: {key}=\"{rom}\" is not "
                                        f"a module of {sc.path}")
        if not os.path.isfile(os.path.join(harness.ROOT, roms[rom])):
            raise harness.ScenarioError(f"{roms[rom]} not found (run 'make' first)")
        files.append(roms[rom])
    return files + [vmm.get("cmdline", "")]


def direct_command(sc, kernel, initrd, disk, cmdline):
    """QEMU booting the Linux guest itself: the harness's base options and
    the scenario's own (its -m), and the devices the VMM gives the guest."""
    return ([harness.QEMU] + harness.QEMU_BASE + sc.qemu
            + ["-kernel", kernel, "-initrd", initrd, "-append", cmdline,
               "-drive", f"file={disk},format=raw,if=none,id=d0,readonly=on"]
            + LINUX_DEVICES)


def _read_lines(stream, lines):
    """Queue (arrival time, line) for each line QEMU writes; None at its end."""
    for raw in stream:
        text = raw.decode("utf-8", "replace").replace("\r", "").rstrip("\n")
        lines.put((time.monotonic(), text))
    lines.put(None)


def timed_boot(sc, cmd, log_name):
    """Boot cmd, judged like scenario sc (expects, fails, exit, timeout);
    return (Result, {figure: seconds from QEMU's start to its mark line}).
    Writes build/log/<log_name>.log and .qemu like the harness."""
    result = harness.Result(sc.name, False, command=cmd)
    matcher = harness._Matcher(sc)
    times = {}
    with tempfile.TemporaryFile() as err:
        start = time.monotonic()
        try:
            proc = subprocess.Popen(cmd, cwd=harness.ROOT, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=err)
        except OSError as e:
            result.reason = f"cannot run {cmd[0]}: {e.strerror}"
            return result, times
        lines = queue.Queue()
        reader = threading.Thread(target=_read_lines, args=(proc.stdout, lines), daemon=True)
        reader.start()
        try:
            _follow(proc, sc, matcher, lines, start, times, result)
        finally:
            harness._stop(proc)
            reader.join(timeout=5)
            proc.stdout.close()
        result.elapsed = time.monotonic() - start
        err.seek(0)
        result.stderr = err.read().decode("utf-8", "replace")
    result.output = matcher.text
    missing = [text for key, text in LINUX_MARKS if key not in times]
    if result.ok and missing:
        result.ok, result.reason = False, f"no line with '{missing[0]}' in the output"
    harness._write_log(log_name, result)
    return result, times


def _follow(proc, sc, matcher, lines, start, times, result):
    """Take QEMU's lines as they arrive until the boot is decided: note when
    each LINUX_MARKS line arrived, fill in result."""
    deadline = start + sc.timeout
    while True:
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise queue.Empty
            item = lines.get(timeout=left)
        except queue.Empty:
            what = matcher.waiting_for()
            result.reason = (f"timeout after {sc.timeout:g}s waiting for "
                             + (f"'{what}'" if what else "QEMU to exit"))
            return
        if item is None:               # QEMU closed its output: it has ended
            try:
                result.status = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                result.reason = "QEMU closed its output but did not exit"
                return
            harness._judge_exit(sc, matcher, result)
            return
        arrived, line = item
        for key, text in LINUX_MARKS:
            if key not in times and text in line:
                times[key] = arrived - start
        matcher.feed(line + "\n")
        if matcher.fail is not None:
            result.reason = f"'{matcher.fail}' in the output: {matcher.fail_line()}"
            return
        if matcher.all_matched and sc.exit is None:
            result.ok = True
            return


def parse_exits(text):
    """The VMM's exit statistics from a run's output, or None without any:
    {"reasons": [(reason, n)] largest first, "total": n, "injected": n,
     "ports": [(port, n)], "msrs": [(msr, n)]} (the VMM lists its top six)."""
    exits = None
    tallies = {}
    for line in text.split("\n"):
        m = EXITS_LINE.search(line)
        if m:
            exits = m.group(1)
        m = TALLY_LINE.search(line)
        if m:
            tallies[m.group(1)] = [(int(k, 0), int(n)) for k, n in
                                   re.findall(r"(\w+): (\d+)", m.group(2))]
    if exits is None:
        return None
    reasons, injected = [], 0
    for item in exits.split(","):
        what, _, n = item.strip().rpartition(" ")
        if not n.isdigit():
            continue
        if what == "interrupts injected":
            injected = int(n)          # not an exit: events put into the guest
        else:
            reasons.append((what, int(n)))
    if not reasons:
        return None
    reasons.sort(key=lambda r: -r[1])
    return {"reasons": reasons, "total": sum(n for _, n in reasons),
            "injected": injected,
            "ports": tallies.get("I/O exits by port", []),
            "msrs": tallies.get("MSR exits by MSR", [])}


def measure_linux(name):
    """Boot the Linux guest under Cairn and directly in QEMU, LINUX_RUNS
    times each, alternating; return the medians and the exit statistics of
    the last Cairn run, or None if a run failed."""
    path, name = scenario_path(name)
    try:
        sc = dataclasses.replace(harness.parse_scenario(path), timeout=LINUX_TIMEOUT)
        kernel, initrd, disk, cmdline = linux_guest(sc)
        cairn_cmd = harness.qemu_command(sc)
    except harness.ScenarioError as e:
        print(f"FAIL {name}: {e}")
        return None
    direct = harness.Scenario(name=name + "-qemu", path=path, timeout=LINUX_TIMEOUT,
                              expects=[text for _, text in LINUX_MARKS], exit=0)
    boots = {"cairn": (sc, cairn_cmd, name),
             "qemu": (direct, direct_command(sc, kernel, initrd, disk, cmdline), direct.name)}
    times = {kind: [] for kind in boots}
    exits = None
    for run in range(1, LINUX_RUNS + 1):
        for kind, (bsc, cmd, log_name) in boots.items():
            result, got = timed_boot(bsc, cmd, log_name)
            if not result.ok:
                print(harness.report_failure(result, log_name))
                return None
            times[kind].append(got)
            if kind == "cairn":
                exits = parse_exits(result.output)
        print(f"  run {run}: " + "; ".join(
            f"{LINUX_KINDS[kind]} " + ", ".join(f"{times[kind][-1][key]:.2f} s {key}"
                                                for key, _ in LINUX_MARKS)
            for kind in boots), flush=True)
    if exits is None:
        print(f"FAIL {name}: no 'exits: ...' line from the VMM "
              f"(all output in {harness.BUILD}/log/{name}.log)")
        return None
    return {"bench": name, "cmdline": cmdline, "qemu": " ".join(sc.qemu), "exits": exits,
            "median": {kind: {key: statistics.median(t[key] for t in times[kind])
                              for key, _ in LINUX_MARKS} for kind in boots}}


def linux_rows(linux):
    """[figure, under Cairn, directly in QEMU, Cairn/QEMU] per timed line."""
    med = linux["median"]
    return [[key, f"{med['cairn'][key]:.2f} s", f"{med['qemu'][key]:.2f} s",
             f"{med['cairn'][key] / med['qemu'][key]:.2f}"] for key, _ in LINUX_MARKS]


def exit_rows(exits):
    """[reason, exits, share, what it is] largest first."""
    return [[what, f"{n:,}", f"{100 * n / exits['total']:.1f} %", EXIT_NOTES.get(what, "")]
            for what, n in exits["reasons"]]


def _key(key, names):
    """A port or MSR with its name; the VMM's last slot counts all others."""
    if key == TALLY_OTHERS:
        return "others"
    return f"{key:#x}" + (f" ({names[key]})" if key in names else "")


def _tally(pairs, names):
    return "; ".join(f"{_key(key, names)}: {n:,}" for key, n in pairs) or "none"


def _and(parts):
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def top_reasons(exits, count=3):
    """A sentence naming the largest exit reasons, their shares and the
    ports most accessed."""
    text = "The top reasons are " + _and(
        [f"{what} ({100 * n / exits['total']:.0f} %)" for what, n in exits["reasons"][:count]])
    ports = [_key(port, PORT_NAMES) for port, _ in exits["ports"][:2] if port != TALLY_OTHERS]
    if ports:
        text += "; the ports most accessed are " + _and(ports)
    return text + "."


def print_linux(linux):
    runs = f"median of {LINUX_RUNS}, plain TCG"
    _print_columns([f"Linux boot ({runs})"] + list(LINUX_KINDS.values()) + ["Cairn/QEMU"],
                   linux_rows(linux))
    exits = linux["exits"]
    print()
    _print_columns(["exits under Cairn (last run)", "exits", "share", "what it is"],
                   exit_rows(exits) + [["total", f"{exits['total']:,}", "100.0 %", ""]])
    print(f"interrupts injected (not exits): {exits['injected']:,}")
    print(f"top I/O ports: {_tally(exits['ports'], PORT_NAMES)}")
    print(f"top MSRs: {_tally(exits['msrs'], MSR_NAMES)}")


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


def write_doc(path, rows, linux):
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
    ]
    if rows:
        lines += _doc_table(rows)
    if linux:
        lines += _doc_linux(linux)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def _doc_table(rows):
    """The BENCH table and its method."""
    lines = [
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
    return lines


def _paragraph(text):
    """Text wrapped to the width of the rest of the file, then a blank line."""
    return textwrap.wrap(text, 72, break_long_words=False, break_on_hyphens=False) + [""]


def _doc_linux(linux):
    """The Linux boot section: method, times, and the exits under Cairn."""
    name, exits = linux["bench"], linux["exits"]
    lines = ["", "## Linux boot", ""]
    lines += _paragraph(
        f"`run/{name}.run` boots Debian's unmodified Linux kernel "
        "(build/linux/vmlinuz, its initramfs build/linux/initrd and the disk "
        "build/linux/disk, built by tools/linux-guest.sh) under Cairn's VMM "
        f"with the command line `{linux['cmdline']}`. For comparison "
        "tools/bench.py boots the same kernel, initrd, disk and command line "
        "directly in QEMU, with the devices the guest has under Cairn: the "
        "disk as a legacy-capable virtio-blk PCI device (read-only) and a "
        "virtio console. Both QEMUs get the scenario's options "
        f"(`{linux['qemu']}`); under Cairn the guest has the RAM its VMM "
        "config gives it, which makes no measurable difference to the times.")
    lines += _paragraph(
        "Timed is the host's wall-clock time from QEMU's start to the serial "
        "line `cairn-init: started` of the guest's /init (**to /init**: "
        "QEMU's firmware, Cairn's own start where it runs, the kernel's boot, "
        "the initramfs unpacked) and to its `cairn-init: done` (**to done**: "
        "then the virtio drivers loaded, the disk read and checksummed, the "
        "primes below 20,000 counted by awk, a line written to the virtio "
        "console). Each line is timestamped as QEMU's output arrives. The two "
        f"boots alternate, {LINUX_RUNS} times each; the table gives the "
        "medians. Both run in plain TCG only: `-icount` changes the guest's "
        "timing (its clock follows the instruction count, which moves timer "
        "interrupts, calibration loops and the sleeps in /init), and what is "
        "compared here is wall-clock time. The seconds follow the host's "
        "speed and load; the ratio is what carries over.")
    lines += [
        "| Linux boot | under Cairn | directly in QEMU | Cairn / QEMU |",
        "|---|---:|---:|---:|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in linux_rows(linux)]
    lines += ["", "### Linux boot under Cairn", ""]
    lines += _paragraph(
        "Between exits the guest's instructions cost the same under Cairn as "
        "directly in QEMU: the same TCG translates the same code. What Cairn "
        "adds is the exits: each is a #VMEXIT that QEMU emulates, a message "
        "from Cairn's kernel to the VMM and back (`vmexit_rtt` above) and "
        "the VMM's device emulation, where QEMU alone handles the same device "
        "access within the instruction. So the gap between the two times is "
        "the cost of the exits, and fewer exits is what makes a guest fast "
        f"here. {top_reasons(exits)} The counts are the VMM's report when the "
        "VM stopped, from the last of the runs.")
    lines += [
        "| exit reason | exits | share | what it is |",
        "|---|---:|---:|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in exit_rows(exits)]
    lines += [
        f"| **total** | **{exits['total']:,}** | 100.0 % | |",
        "",
        f"- I/O exits by port (the VMM's top six): {_tally(exits['ports'], PORT_NAMES)}",
        f"- MSR exits by MSR (top six): {_tally(exits['msrs'], MSR_NAMES)}",
        f"- interrupts injected (not exits): {exits['injected']:,}",
        "",
    ]
    lines += _paragraph(
        f"The serial logs of the last runs are in build/log/{name}.log (under "
        f"Cairn) and build/log/{name}-qemu.log (directly in QEMU).")
    return lines[:-1]


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run Cairn's benchmark scenarios.")
    ap.add_argument("names", nargs="*", metavar="NAME",
                    help="benchmark scenario run/NAME.run, or a path to a .run file "
                         f"(default: {' '.join(BENCHES + [LINUX_BENCH])})")
    ap.add_argument("--doc", default=os.path.join(harness.ROOT, "docs", "benchmarks.md"),
                    help="where to write the results (default: docs/benchmarks.md)")
    ap.add_argument("--build", default=harness.BUILD, help="build directory (default: build)")
    args = ap.parse_args(argv)
    harness.BUILD = args.build
    rows, failed, linux = [], [], None
    for name in args.names or BENCHES + [LINUX_BENCH]:
        if scenario_path(name)[1] == LINUX_BENCH:
            print(f"bench {name}: Linux under Cairn and directly in QEMU, "
                  f"{LINUX_RUNS} times each, plain TCG ...", flush=True)
            linux = measure_linux(name)
            if linux is None:
                failed.append(name)
            continue
        print(f"bench {name}: plain TCG, then -icount shift=0 ...", flush=True)
        got = measure(name)
        if got is None:
            failed.append(name)
        else:
            rows += got
    if rows:
        print()
        print_table(rows)
    if linux:
        print()
        print_linux(linux)
    if failed:
        print(f"\nbench: {', '.join(failed)} failed; {os.path.relpath(args.doc)} not updated")
        return 1
    write_doc(args.doc, rows, linux)
    print(f"\nresults written to {os.path.relpath(args.doc)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
