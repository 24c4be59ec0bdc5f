#!/usr/bin/env python3
"""Cairn benchmarks: boot each benchmark scenario twice and tabulate.

    bench.py [--doc docs/benchmarks.md] [NAME...]

Each scenario in BENCHES (or NAME..., run/NAME.run) boots once as it is and
once with "-icount shift=0". Its benchmark component prints lines

    BENCH <key> <value> <unit>        e.g. "BENCH ipc_rtt 1234 ticks"

With -icount shift=0 QEMU advances the TSC by one tick per guest
instruction, so a value in ticks is then an exact, repeatable instruction
count; without it, ticks follow the host's speed and are for orientation.
The table goes to the terminal and to docs/benchmarks.md. Every figure
read here comes from such lines: the Linux guest's /init and the VMM print
them too (docs/scenarios.md, "Benchmarks"). The boots go through run.py's
run_scenario(), with a watch that sees each line as it arrives.

After them (or when named), the Linux boot benchmark boots run/bench_linux.run
(Debian's Linux under Cairn's VMM) and the same kernel, initrd, disk and
command line directly in QEMU, LINUX_RUNS times each, in plain TCG only, and
compares the host's wall-clock time to the guest's /init and to its end. It
also reports the VMM's exit statistics from the Cairn run.

Then (or when named as bench_bochs) the VM exit benchmark and Debian's Linux
boot to its shell under Bochs' Intel (VT-x) and AMD (SVM) models.

Last (or when named as bench_rt), the scenarios in RT_BENCHES boot the
real-time guest (cyclictest) alone, beside an idle and a busy compute guest on
its CPU and on another CPU, and the compute guest alone, each until it has
RT_ROUNDS rounds of each VM, and tabulate the latencies and the compute
guest's seconds per round. When only some NAMEs are given, the parts of
docs/benchmarks.md not measured keep what the file had.
"""

import argparse
import dataclasses
import datetime
import os
import re
import statistics
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as harness  # noqa: E402  (tools/run.py)
import insnprof as prof  # noqa: E402  (tools/insnprof.py)

# Benchmark scenarios, run/NAME.run, in table order. Add new ones here.
BENCHES = ["bench_ipc", "bench_framework", "vmtest"]

# Targets in instructions per operation under -icount shift=0 (DESIGN.md §5).
TARGETS = {
    "ipc_rtt": 200,
    "boot_to_init_ready": 20_000_000,
    "vmexit_rtt": 400,
}

ICOUNT = ["-icount", "shift=0"]
BENCH_LINE = re.compile(r"(?:^|\s)BENCH (\S+) (-?\d+(?:\.\d+)?) (\S+)")

# The Linux boot benchmark: this scenario under Cairn against its guest booted
# by QEMU directly, LINUX_RUNS times each (the median counts), plain TCG only.
LINUX_BENCH = "bench_linux"
LINUX_RUNS = 3
LINUX_TIMEOUT = 300.0
# The serial lines timed: (figure, key of the guest /init's BENCH line,
# guests/linux/init). Its value is the guest's uptime; timed is the line's
# arrival. LINUX_PROSE: the /init's lines the direct boot expects.
LINUX_MARKS = [("to /init", "linux_init_started"), ("to done", "linux_init_done")]
# Targets (DESIGN.md §5, issue "Faster than NOVA"): the boot to /init at
# most this multiple of QEMU's booting the guest directly, and at most
# half the exits of the run the target was set against (7,154).
LINUX_RATIO_TARGETS = {"to /init": 1.05}
LINUX_EXITS_TARGET = 7154 // 2
LINUX_PROSE = ["cairn-init: started", "cairn-init: done"]
LINUX_KINDS = {"cairn": "under Cairn", "qemu": "directly in QEMU"}
# Devices the guest has under Cairn's VMM, for the direct boot: the disk as a
# legacy-capable virtio-blk PCI device, read-only, and a virtio console.
LINUX_DEVICES = ["-device", "virtio-blk-pci,drive=d0",
                 "-device", "virtio-serial-pci",
                 "-device", "virtconsole,chardev=c0", "-chardev", "null,id=c0"]
# The VMM's report when the VM stopped (components/vmm/stats.c)
# in BENCH lines: "vmm_exit.<reason> <n> exits" per exit reason (the
# docs' name of each below), "vmm_injected <n> interrupts", and the top
# six of "vmm_io.<port> <n> exits", "vmm_msr.<msr> <n> exits",
# "vmm_mmio.<address> <n> exits" and "vmm_cpuid.<leaf> <n> exits" (hex),
# each with ".others" for the rest.
EXIT_REASONS = {
    "startup": "startup", "io": "I/O", "npf": "nested page fault", "hlt": "HLT",
    "cpuid": "CPUID", "msr": "MSR", "intwin": "interrupt window", "vmmcall": "VMMCALL",
    "shutdown": "shutdown (triple fault)", "invalid": "invalid state", "recall": "recall",
    "exit": "exit", "cr": "control register write", "other": "other",
}
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
    "control register write": "a CR0/CR4 write the VMM checks (mode changes)",
}
# The key of the VMM's tally slot that counts the ports (MSRs) beyond its 31
# ("vmm_io.others", "vmm_msr.others").
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
    0xc0011028: "FP_CFG", 0xc0011029: "DE_CFG", 0x6e0: "TSC_DEADLINE",
    0x4b564d00: "KVM wall clock", 0x4b564d01: "KVM system time", 0x4b564d04: "KVM PV EOI",
}
MMIO_NAMES = {
    0xfee00080: "LAPIC TPR", 0xfee000b0: "LAPIC EOI", 0xfee000f0: "LAPIC SVR",
    0xfee00300: "LAPIC ICR", 0xfee00320: "LAPIC timer LVT", 0xfee00380: "LAPIC initial count",
    0xfee00390: "LAPIC current count", 0xfec00000: "IO-APIC index", 0xfec00010: "IO-APIC data",
}
CPUID_NAMES = {
    0x40000000: "hypervisor signature",
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


# --- Bochs: the same VMs on Intel's VMX and AMD's SVM ----------------------------

# The group's name on the command line; what it boots under each Bochs model:
# the VM exit benchmark (vmtest) and Debian's Linux to its shell.
BOCHS_BENCH = "bench_bochs"
BOCHS_HEADING = "## Bochs: VMX and SVM"
BOCHS_PLATFORMS = ["bochs-intel", "bochs-amd"]
BOCHS_VMEXIT = "bench_vmexit_bochs"
BOCHS_LINUX = "linux_bochs_intel"
BOCHS_KEYS = ["vmexit_rtt", "vmexit_in_vmm", "vmexit_in_kernel_and_guest"]


def _bochs_run(name, platform):
    """Boot run/NAME.run under `platform`; its Result, or None (reported)."""
    path, name = scenario_path(name)
    try:
        sc = harness.parse_scenario(path)
        harness.set_platform(sc, platform, f"{path} on {platform}")
    except harness.ScenarioError as e:
        print(f"FAIL {name}@{platform}: {e}")
        return None
    sc.name = f"{name}@{platform}"
    result = harness.run_scenario(sc, log_name=sc.name)
    if not result.ok:
        print(harness.report_failure(result, sc.name))
        return None
    return result


def measure_bochs():
    """{platform: {key: value}} with the VM exit figures (Bochs' TSC runs at
    its instruction rate: ticks are instructions) and the Linux boot's wall
    time to its shell, or None if a run failed."""
    out = {}
    for platform in BOCHS_PLATFORMS:
        vm = _bochs_run(BOCHS_VMEXIT, platform)
        linux = vm and _bochs_run(BOCHS_LINUX, platform)
        if not linux:
            return None
        got = {k: v for k, (v, _unit) in parse_bench(vm.output).items() if k in BOCHS_KEYS}
        got["linux_s"] = f"{linux.elapsed:.0f}"
        out[platform] = got
    return out


def print_bochs(bochs):
    body = [[k + " (instructions)"] + [_num(bochs[p].get(k, "-")) for p in BOCHS_PLATFORMS]
            for k in BOCHS_KEYS]
    body.append(["Linux to its shell (wall s)"] + [bochs[p]["linux_s"] for p in BOCHS_PLATFORMS])
    _print_columns(["figure"] + BOCHS_PLATFORMS, body)


def _doc_bochs(bochs):
    lines = ["", BOCHS_HEADING, "",
             "| figure | " + " | ".join(BOCHS_PLATFORMS) + " |",
             "|---|" + "---:|" * len(BOCHS_PLATFORMS)]
    for k in BOCHS_KEYS:
        lines.append(f"| {k} (instructions) | "
                     + " | ".join(_num(bochs[p].get(k, "-")) for p in BOCHS_PLATFORMS) + " |")
    lines.append("| Linux to its shell (wall seconds, BIOS and GRUB included) | "
                 + " | ".join(bochs[p]["linux_s"] for p in BOCHS_PLATFORMS) + " |")
    lines += [
        "",
        f"`make bench` boots `run/{BOCHS_VMEXIT}.run` and `run/{BOCHS_LINUX}.run` under",
        "Bochs with the Intel model (VT-x, the kernel's vmx.c) and the AMD model",
        "(SVM, svm.c). Bochs' TSC runs at its instruction rate (200 MHz at",
        "`ips=200000000`), so its ticks count instructions as QEMU's `-icount",
        "shift=0` does (a HLT skips ahead: the VM exit loop has none). The VM",
        "exit round trip is the same guest `out`, kernel path and VMM as the",
        "vmtest rows of the first table (QEMU, SVM); the difference between the",
        "columns here is the backends' (VMCS field",
        "accesses, the MSR areas and the preemption timer on VMX; VMLOAD/VMSAVE",
        "on SVM) and each emulator's count of them. The Linux boot is",
        "Debian's kernel, initrd and disk with the VMM config of `run/linux.run`,",
        "one wall-clock run on this host (Bochs interprets every instruction:",
        "slower than QEMU's TCG, and loaded hosts are slower still).",
    ]
    return lines


# --- the Linux boot benchmark ---------------------------------------------------

def scenario_config(sc):
    """(roms, tree): the scenario's ROM names with the files they are, and
    its config module (the one named "config") parsed."""
    roms = {}
    for m in sc.modules:
        named = [a[len("name="):] for a in m[1:] if a.startswith("name=")]
        roms[named[0] if named else os.path.basename(m[0])] = harness.module_path(m[0])
    if "config" not in roms:
        raise harness.ScenarioError(f"{sc.path}: no module named 'config'")
    try:
        return roms, ET.parse(os.path.join(harness.ROOT, roms["config"]))
    except (OSError, ET.ParseError) as e:
        raise harness.ScenarioError(f"{roms['config']}: {e}") from None


def linux_guest(sc):
    """[kernel, initrd, disk, cmdline] that the scenario's VMM boots: the
    <config kernel= initrd= disk= cmdline=> of its config module, the ROM
    names resolved to files through the scenario's module list (disk None
    when the guest has none)."""
    roms, tree = scenario_config(sc)
    vmm = next((n for n in tree.iter("config") if "kernel" in n.attrib), None)
    if vmm is None:
        raise harness.ScenarioError(f"{roms['config']}: no <config kernel=...> for the VMM")
    files = []
    for key in ("kernel", "initrd", "disk"):
        rom = vmm.get(key)
        if rom is None and key == "disk":
            files.append(None)  # a guest without a disk (the RT guest)
            continue
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
    cmd = ([harness.QEMU] + harness.QEMU_BASE + sc.qemu
           + ["-kernel", kernel, "-initrd", initrd, "-append", cmdline])
    if disk is None:  # its console is the serial line, as under the VMM
        return cmd
    return (cmd + ["-drive", f"file={disk},format=raw,if=none,id=d0,readonly=on"]
            + LINUX_DEVICES)


class Marks:
    """A watch for run_scenario: when each LINUX_MARKS line arrived, in
    seconds from QEMU's start."""

    def __init__(self):
        self.times = {}

    def feed(self, arrived, line):
        m = BENCH_LINE.search(line)
        for key, bench in LINUX_MARKS:
            if m and m.group(1) == bench and key not in self.times:
                self.times[key] = arrived

    def missing(self):
        """The BENCH line of the first mark not seen yet, or None."""
        return next(("BENCH " + bench for key, bench in LINUX_MARKS if key not in self.times),
                    None)


def parse_exits(text):
    """The VMM's exit statistics from its BENCH lines in a run's output
    (summed, should there be several reports), or None without any:
    {"reasons": [(reason, n)] largest first, "total": n, "injected": n,
     "ports": [(port, n)], "msrs": [(msr, n)], "mmio": [(address, n)],
     "cpuid": [(leaf, n)] largest first} (the VMM lists its top six and
    the others)."""
    reasons, injected = {}, 0
    tallies = {"vmm_io": {}, "vmm_msr": {}, "vmm_mmio": {}, "vmm_cpuid": {}}
    for line in text.split("\n"):
        m = BENCH_LINE.search(line)
        if not m or not m.group(2).isdigit():
            continue
        group, _, what = m.group(1).partition(".")
        n = int(m.group(2))
        if group == "vmm_exit" and what:
            name = EXIT_REASONS.get(what, what)
            reasons[name] = reasons.get(name, 0) + n
        elif group in tallies and what:
            try:
                key = TALLY_OTHERS if what == "others" else int(what, 16)
            except ValueError:
                continue
            tallies[group][key] = tallies[group].get(key, 0) + n
        elif group == "vmm_injected":
            injected += n              # not an exit: events put into the guest
    reasons = sorted(((what, n) for what, n in reasons.items() if n), key=lambda r: -r[1])
    if not reasons:
        return None
    ports, msrs, mmio, cpuid = (
        sorted(((k, n) for k, n in tallies[g].items() if n), key=lambda t: -t[1])
        for g in ("vmm_io", "vmm_msr", "vmm_mmio", "vmm_cpuid"))
    return {"reasons": reasons, "total": sum(n for _, n in reasons),
            "injected": injected, "ports": ports, "msrs": msrs, "mmio": mmio, "cpuid": cpuid}


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
                              expects=LINUX_PROSE, exit=0)
    boots = {"cairn": (sc, cairn_cmd, name),
             "qemu": (direct, direct_command(sc, kernel, initrd, disk, cmdline), direct.name)}
    times = {kind: [] for kind in boots}
    exits = None
    for run in range(1, LINUX_RUNS + 1):
        for kind, (bsc, cmd, log_name) in boots.items():
            marks = Marks()
            result = harness.run_scenario(bsc, cmd=cmd, log_name=log_name, watch=marks)
            if not result.ok:
                print(harness.report_failure(result, log_name))
                return None
            times[kind].append(marks.times)
            if kind == "cairn":
                exits = parse_exits(result.output)
        print(f"  run {run}: " + "; ".join(
            f"{LINUX_KINDS[kind]} " + ", ".join(f"{times[kind][-1][key]:.2f} s {key}"
                                                for key, _ in LINUX_MARKS)
            for kind in boots), flush=True)
    if exits is None:
        print(f"FAIL {name}: no 'BENCH vmm_exit.<reason> <n> exits' line from the VMM "
              f"(all output in {harness.BUILD}/log/{name}.log)")
        return None
    return {"bench": name, "cmdline": cmdline, "qemu": " ".join(sc.qemu), "exits": exits,
            "median": {kind: {key: statistics.median(t[key] for t in times[kind])
                              for key, _ in LINUX_MARKS} for kind in boots}}


def linux_rows(linux):
    """[figure, under Cairn, directly in QEMU, Cairn/QEMU, target] per
    timed line."""
    med = linux["median"]
    return [[key, f"{med['cairn'][key]:.2f} s", f"{med['qemu'][key]:.2f} s",
             f"{med['cairn'][key] / med['qemu'][key]:.2f}",
             f"≤ {LINUX_RATIO_TARGETS[key]:.2f}" if key in LINUX_RATIO_TARGETS else ""]
            for key, _ in LINUX_MARKS]


def exits_target(exits):
    """A line on the exit count against its target."""
    met = "met" if exits["total"] <= LINUX_EXITS_TARGET else "not met"
    return (f"target: at most {LINUX_EXITS_TARGET:,} exits (half of the 7,154 of the run "
            f"the target was set against): {met}")


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
    _print_columns([f"Linux boot ({runs})"] + list(LINUX_KINDS.values()) + ["Cairn/QEMU",
                                                                            "target"],
                   linux_rows(linux))
    exits = linux["exits"]
    print()
    _print_columns(["exits under Cairn (last run)", "exits", "share", "what it is"],
                   exit_rows(exits) + [["total", f"{exits['total']:,}", "100.0 %", ""]])
    print(exits_target(exits))
    print(f"interrupts injected (not exits): {exits['injected']:,}")
    print(f"top I/O ports: {_tally(exits['ports'], PORT_NAMES)}")
    print(f"top MSRs: {_tally(exits['msrs'], MSR_NAMES)}")
    print(f"top MMIO addresses: {_tally(exits['mmio'], MMIO_NAMES)}")
    print(f"top CPUID leaves: {_tally(exits['cpuid'], CPUID_NAMES)}")


# --- the real-time guest beside the compute guest ------------------------------

# The group's name on the command line, and its scenarios (run/NAME.run) in
# table order, each with its row's name.
RT_BENCH = "bench_rt"
RT_BENCHES = [
    ("bench_rt_alone", "rt alone"),
    ("bench_rt_shared_idle", "shared CPU, calc idle"),
    ("bench_rt_shared_busy", "shared CPU, calc busy"),
    ("bench_rt_separate_idle", "separate CPUs, calc idle"),
    ("bench_rt_separate_busy", "separate CPUs, calc busy"),
    ("bench_rt_calc_alone", "calc alone"),
]
# The peer of the rt rows: the guest of this scenario booted by QEMU directly
# (no Cairn), with the same kernel, initrd and command line; the rt rows give
# their latency as a multiple of its.
RT_DIRECT = ("bench_rt_alone", "rt alone, QEMU directly (no Cairn)")
RT_DIRECT_LOG = RT_BENCH + "_direct"
# Rounds a run counts per VM by its cairn.mode: cyclictest rounds of 1000
# wake-ups at 1 ms (1.2 s or more each under TCG), prime counts (2 to 5 s).
RT_ROUNDS = {"rt": 15, "calc": 5}
RT_HEADING = "## Real-time guest beside a compute guest"
# The guests' /init (guests/linux/init) prints BENCH lines: GUEST_SETTLED
# when its load (or its idle shell) starts, and each round's figures,
# GUEST_RT (in this order) or GUEST_CALC. The VMM passes them on tagged
# with the VM: "[init -> VM] guest: BENCH ...".
GUEST_TAG = re.compile(r"\[init -> (\w+)\] guest: ")
GUEST_SETTLED = "linux_settled"
GUEST_RT = ("rt_latency_min", "rt_latency_avg", "rt_latency_max")  # µs
GUEST_CALC = "calc_round"  # seconds of the guest's uptime


def guest_modes(sc):
    """{VM: "rt", "calc" or "idle"}: the cairn.mode= on the command line of
    each VM the scenario's config starts ("idle" without one)."""
    _, tree = scenario_config(sc)
    modes = {}
    for start in tree.iter("start"):
        vmm = start.find("config")
        if vmm is not None and "kernel" in vmm.attrib:
            m = re.search(r"\bcairn\.mode=(\w+)", vmm.get("cmdline", ""))
            modes[start.get("name")] = m.group(1) if m else "idle"
    return modes


class Rounds:
    """The rounds of a run's VMs that count: those reported once every VM
    has settled (its /init has started its load, or its shell), but the
    first of each VM after that, which is its warm-up round or began while
    the other VM was still booting. Wants RT_ROUNDS of each."""

    def __init__(self, modes):
        self.modes = modes
        self.unsettled = set(modes)
        self.dropped = set()
        self.rounds = {vm: [] for vm in modes}  # (min, avg, max) µs, or seconds
        self.latency = {vm: {} for vm in modes}  # the rt round begun: {key: µs}

    def feed(self, arrived, line):
        tag, bench = GUEST_TAG.match(line), BENCH_LINE.search(line)
        if not tag or not bench or tag.group(1) not in self.modes:
            return
        vm, key, value = tag.group(1), bench.group(1), bench.group(2)
        mode = self.modes[vm]
        if key == GUEST_SETTLED:
            self.unsettled.discard(vm)
        elif mode == "rt" and key in GUEST_RT:
            got = self.latency[vm]
            if key == GUEST_RT[0]:
                got.clear()
            got[key] = int(value)
            if len(got) == len(GUEST_RT):
                self._round(vm, tuple(got[k] for k in GUEST_RT))
                got.clear()
        elif mode == "calc" and key == GUEST_CALC:
            self._round(vm, float(value))

    def _round(self, vm, figures):
        """A round of vm has ended: count it, unless it is not to count."""
        if self.unsettled:
            return
        if vm not in self.dropped:
            self.dropped.add(vm)
        else:
            self.rounds[vm].append(figures)

    def missing(self):
        """The round's BENCH line still wanted, or None."""
        for vm, mode in self.modes.items():
            if len(self.rounds[vm]) < RT_ROUNDS.get(mode, 0):
                last = GUEST_RT[-1] if mode == "rt" else GUEST_CALC
                return f"[init -> {vm}] guest: BENCH {last}"
        return None

    def summary(self):
        """{"rt": (rounds, min of mins, median of avgs, max of maxes) or None,
        "calc": (rounds, median seconds per round) or None}."""
        out = {"rt": None, "calc": None}
        for vm, mode in self.modes.items():
            got = self.rounds[vm]
            if mode == "rt":
                out["rt"] = (len(got), min(r[0] for r in got),
                             statistics.median(r[1] for r in got), max(r[2] for r in got))
            elif mode == "calc":
                out["calc"] = (len(got), statistics.median(got))
        return out


class DirectRounds(Rounds):
    """Rounds of the guest booted by QEMU directly: its serial lines are its
    own, untagged; they count as VM "rt"'s."""

    def __init__(self):
        super().__init__({"rt": "rt"})

    def feed(self, arrived, line):
        super().feed(arrived, "[init -> rt] guest: " + line)


def measure_rt_direct():
    """The RT_DIRECT row: {"label", "rt", "calc"}, or one saying why it failed."""
    path, name = scenario_path(RT_DIRECT[0])
    sc = harness.parse_scenario(path)
    kernel, initrd, disk, cmdline = linux_guest(sc)
    direct = harness.Scenario(name=RT_DIRECT_LOG, path=path, timeout=sc.timeout,
                              qemu=sc.qemu, expects=["cairn-init: real-time mode"],
                              fails=["cyclictest said"])
    rounds = DirectRounds()
    result = harness.run_scenario(direct, cmd=direct_command(sc, kernel, initrd, disk, cmdline),
                                  log_name=RT_DIRECT_LOG, watch=rounds)
    if not result.ok:
        print(harness.report_failure(result, RT_DIRECT_LOG))
        return {"label": RT_DIRECT[1], "rt": None, "calc": None,
                "failed": result.reason.split(" in the output: ", 1)[-1]}
    return {"label": RT_DIRECT[1], **rounds.summary()}


def measure_rt():
    """Boot each RT_BENCHES scenario until its VMs have reported their
    rounds; return {"rows": [...], "seconds": wall time, "load": the host's
    load average before and after} (a failed run's row says why), or None
    if a scenario cannot be read."""
    rows, start, load = [], time.monotonic(), os.getloadavg()[0]
    for name, label in RT_BENCHES:
        path, name = scenario_path(name)
        try:
            sc = harness.parse_scenario(path)
            cmd = harness.qemu_command(sc)
            rounds = Rounds(guest_modes(sc))
        except harness.ScenarioError as e:
            print(f"FAIL {name}: {e}")
            return None
        result = harness.run_scenario(sc, cmd=cmd, log_name=name, watch=rounds)
        if not result.ok:
            # A run that fails is a result too: the row says why, the
            # others are still measured.
            print(harness.report_failure(result, name))
            rows.append({"label": label, "rt": None, "calc": None,
                         "failed": result.reason.split(" in the output: ", 1)[-1]})
            continue
        rows.append({"label": label, **rounds.summary()})
        print(f"  {label}: " + ", ".join(c for c in rt_cells(rows[-1]) if c)
              + f" ({result.elapsed:.0f} s)", flush=True)
    try:
        peer = measure_rt_direct()
    except harness.ScenarioError as e:
        print(f"FAIL {RT_DIRECT_LOG}: {e}")
        return None
    rows.append(peer)
    print(f"  {peer['label']}: " + ", ".join(c for c in rt_cells(peer) if c), flush=True)
    if peer.get("rt"):
        _, _, base_avg, base_max = peer["rt"]
        for row in rows:
            if row.get("rt") and base_avg and base_max:
                row["ratio"] = (row["rt"][2] / base_avg, row["rt"][3] / base_max)
    return {"rows": rows, "seconds": time.monotonic() - start,
            "load": (load, os.getloadavg()[0])}


def rt_cells(row):
    """[rt rounds, min, avg, max, avg and max as multiples of QEMU's directly,
    calc rounds, s per round] of a row."""
    cells = [""] * len(RT_COLUMNS)
    if row.get("failed"):
        return ["failed: " + row["failed"]] + cells[1:]
    if row["rt"]:
        n, low, avg, high = row["rt"]
        cells[:4] = [str(n), f"{low:,} µs", f"{avg:,.0f} µs", f"{high:,} µs"]
    if row.get("ratio"):
        cells[4:6] = [f"{row['ratio'][0]:.2f}×", f"{row['ratio'][1]:.2f}×"]
    if row["calc"]:
        cells[6:] = [str(row["calc"][0]), f"{row['calc'][1]:.2f} s"]
    return cells


RT_COLUMNS = ["rt rounds", "min", "avg (median)", "max", "avg ÷ direct", "max ÷ direct",
              "calc rounds", "calc s/round"]


def print_rt(rt):
    _print_columns(["rt guest beside calc guest"] + RT_COLUMNS,
                   [[row["label"]] + rt_cells(row) for row in rt["rows"]])


def _doc_rt(rt):
    """The section on the real-time guest's latency beside the compute guest."""
    lines = ["", RT_HEADING, ""]
    lines += _paragraph(
        "The mixed-criticality scenarios put a real-time VM (**rt**: Debian's "
        "PREEMPT_RT kernel, `cairn.mode=rt`, running cyclictest) beside a "
        "compute VM (**calc**: Debian's kernel, `cairn.mode=calc`, counting "
        "the primes below 20,000 with awk again and again). The scenarios "
        "`run/bench_rt_*.run` boot them in the configurations of the table, "
        "with the priorities of mixed_onecpu: rt at init's priority, calc "
        "three levels below. Each VM has 96 MiB of RAM; QEMU runs with "
        "`-m 512` in plain TCG.")
    lines += [
        "- **rt alone**: rt only, on CPU 0 (`-smp 1`): the baseline of its latency.",
        "- **shared CPU**: rt and calc both on CPU 0 (`-smp 1`); calc **idle**",
        "  (no `cairn.mode`: its /init ends in a shell waiting for input) or",
        "  **busy** counting primes.",
        "- **separate CPUs**: rt on CPU 1, calc on CPU 2 (`-smp 3`; CPU 0 runs",
        "  core and init and takes no vCPU under TCG, docs/scheduling.md), calc",
        "  idle or busy.",
        "- **calc alone**: calc only, on CPU 0 (`-smp 1`): the baseline of its",
        "  throughput.",
        "- **rt alone, QEMU directly**: the same kernel, initrd and command line",
        "  booted by QEMU itself (`-smp 1 -m 512`, the guest's console on the",
        "  serial line), without Cairn: what the platform costs. The **÷ direct**",
        "  columns give each rt row's average and maximum as a multiple of its:",
        "  what Cairn adds.",
        "",
    ]
    lines += _paragraph(
        "A cyclictest round is 1000 wake-ups of a SCHED_FIFO thread at "
        "priority 80, one every 1 ms (`cyclictest -m -q -p 80 -i 1000 -l "
        "1000`); the guest reports the round's minimum, average and maximum "
        "latency (how late the thread woke) in µs, in the lines `BENCH "
        "rt_latency_min`, `_avg` and `_max`. **min** is the lowest "
        "minimum of the rounds counted, **avg** the median of their "
        "averages, **max** the highest maximum. A calc round counts the "
        "primes once; **calc s/round** is the median of its duration in the "
        "guest's uptime (`BENCH calc_round`), so the time its vCPU does not "
        "run (rt runs on its CPU, or the host runs another thread on its "
        "core) makes it longer. "
        "A round counts once every VM of the run has "
        "settled (its /init has started its load or its shell: `BENCH "
        "linux_settled`), except the "
        "first of each VM after that: its warm-up round, or one that began "
        "while the other VM was still booting. A run stops when it has "
        f"{RT_ROUNDS['rt']} rt and {RT_ROUNDS['calc']} calc rounds (more "
        "of one when the other takes longer); the columns give the rounds "
        "counted. A run that failed says so in its row, with the line "
        "that ended it.")
    lines += [
        "| configuration | " + " | ".join(RT_COLUMNS) + " |",
        "|---|" + "---:|" * len(RT_COLUMNS),
    ]
    lines += [f"| {row['label']} | " + " | ".join(rt_cells(row)) + " |"
              for row in rt["rows"]]
    lines += [""]
    lines += _paragraph(
        "The microseconds are TCG's, far from real hardware's: each timer "
        "interrupt of the guest passes through emulated exits, the VMM and "
        "an injection, all of it translated code; what carries over is the "
        "comparison of the rows. The max column is mostly the emulated "
        "local APIC's: with the kernel logging how late its own timer "
        "interrupt came after the deadline it programmed, rt alone on an "
        "otherwise idle CPU saw it 3 to 8 ms late 81 times in 60 s, and "
        "beside a busy calc on its CPU up to 11 ms (2026-11-23); a guest's "
        "wake-up cannot be earlier than the host's. Separate CPUs are separate virtual CPUs, "
        "not separate host cores: QEMU runs each vCPU in a host thread of "
        f"its own, and this host has {os.cpu_count()} cores for both busy vCPU "
        "threads, CPU 0's mostly idle one, QEMU's other threads and "
        "whatever else it runs. Under TCG "
        "a busy vCPU is a busy host thread, so with calc busy the two vCPU "
        "threads compete for the host's cores, and the separate-CPU rows are "
        "not free of interference from the neighbour, nor from other load "
        "on the host (its load average was "
        f"{rt['load'][0]:.1f} before the runs and {rt['load'][1]:.1f} after).")
    lines += _paragraph(
        f"The {len(rt['rows'])} runs took {rt['seconds'] / 60:.1f} minutes "
        f"(`tools/bench.py {RT_BENCH}` runs them alone). The serial logs of "
        f"the last run are in build/log/{RT_BENCH}_*.log.")
    return lines[:-1]


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


def write_doc(path, rows, linux, rt, bochs=None, profiles=()):
    """Write the results; a part not measured in this run (only some NAMEs
    given) keeps what the file had."""
    kept = _doc_parts(path)
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
    lines += _doc_table(rows, profiles) if rows else kept.get("bench", [])
    lines += _doc_linux(linux) if linux else kept.get("linux", [])
    lines += _doc_rt(rt) if rt else kept.get("rt", [])
    lines += _doc_bochs(bochs) if bochs else kept.get("bochs", [])
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def _doc_parts(path):
    """{part: lines} of the results file as it is: "bench" from the end of
    the header (its "- host CPU:" line) to the first heading of another
    part, "linux" and "rt" from their headings on."""
    headings = {"## Linux boot": "linux", RT_HEADING: "rt", BOCHS_HEADING: "bochs"}
    parts, part = {}, None
    try:
        with open(path, encoding="utf-8") as f:
            for line in f.read().split("\n"):
                part = headings.get(line, part)
                if part:
                    parts.setdefault(part, []).append(line)
                elif line.startswith("- host CPU:"):
                    part = "bench"
    except OSError:
        return {}
    return {part: [""] + "\n".join(text).strip("\n").split("\n")
            for part, text in parts.items()}


def _doc_table(rows, profiles=()):
    """The BENCH table, its method and the profiles of its paths."""
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
        "Every figure in this file is read from such lines: the benchmark",
        "programs', the Linux guest /init's and the VMM's (docs/scenarios.md,",
        "\"Benchmarks\"). The serial logs of the last run are in",
        "build/log/NAME.log and build/log/NAME-icount.log.",
    ]
    if profiles:
        lines += ["", "## Where the instructions go", ""]
        lines += _paragraph(
            "tools/insnprof.py runs the path's scenario again with an execution "
            "trace of every instruction (QEMU, one instruction per translation "
            "block, -icount shift=0) and charges each instruction between two "
            "entries of a marker function to the function around its address "
            "and to where it ran (kernel at CPL 0, user land at CPL 3, guest "
            "under SVM). The figures are per round trip, the mean over the "
            "round trips in the window; like the table's they are exact and "
            "repeatable. `python3 tools/insnprof.py [PATH]` prints them alone.")
        for p in profiles:
            lines += [f"### {p['name']}: {p['what']}", "",
                      f"{p['total']:.1f} instructions per round trip "
                      f"(mean of {p['trips']:,}).", "",
                      "| where | function | instructions |", "|---|---|---:|"]
            lines += [f"| {w} | `{f}` | {n:.1f} |" for w, f, n in p["rows"]]
            for where in ("user", "kernel", "guest"):
                n = sum(c for w, _, c in p["rows"] if w == where)
                if n:
                    lines.append(f"| {where} | all | {n:.1f} |")
            lines.append("")
        lines.pop()
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
        "line `BENCH linux_init_started` of the guest's /init, which it prints "
        "right after `cairn-init: started` (**to /init**: "
        "QEMU's firmware, Cairn's own start where it runs, the kernel's boot, "
        "the initramfs unpacked), and to its `BENCH linux_init_done` after "
        "`cairn-init: done` (**to done**: "
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
        "| Linux boot | under Cairn | directly in QEMU | Cairn / QEMU | target |",
        "|---|---:|---:|---:|---:|",
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
        "VM stopped (its `BENCH vmm_*` lines), from the last of the runs.")
    lines += [
        "| exit reason | exits | share | what it is |",
        "|---|---:|---:|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in exit_rows(exits)]
    lines += [
        f"| **total** | **{exits['total']:,}** | 100.0 % | |",
        "",
        f"- {exits_target(exits)}",
        f"- I/O exits by port (the VMM's top six): {_tally(exits['ports'], PORT_NAMES)}",
        f"- MSR exits by MSR (top six): {_tally(exits['msrs'], MSR_NAMES)}",
        f"- MMIO exits by address (top six): {_tally(exits['mmio'], MMIO_NAMES)}",
        f"- CPUID exits by leaf (top six): {_tally(exits['cpuid'], CPUID_NAMES)}",
        f"- interrupts injected (not exits): {exits['injected']:,}",
        "",
    ]
    lines += _paragraph(
        f"The serial logs of the last runs are in build/log/{name}.log (under "
        f"Cairn) and build/log/{name}-qemu.log (directly in QEMU).")
    return lines[:-1]


def main(argv=None):
    everything = BENCHES + [LINUX_BENCH, RT_BENCH, BOCHS_BENCH]
    ap = argparse.ArgumentParser(description="Run Cairn's benchmark scenarios.")
    ap.add_argument("names", nargs="*", metavar="NAME",
                    help="benchmark scenario run/NAME.run, or a path to a .run file, "
                         f"or {RT_BENCH} for the run/{RT_BENCH}_*.run group "
                         f"(default: {' '.join(everything)})")
    ap.add_argument("--doc", default=os.path.join(harness.ROOT, "docs", "benchmarks.md"),
                    help="where to write the results (default: docs/benchmarks.md)")
    ap.add_argument("--build", default=harness.BUILD, help="build directory (default: build)")
    args = ap.parse_args(argv)
    harness.BUILD = args.build
    rows, failed, linux, rt, bochs = [], [], None, None, None
    for name in args.names or everything:
        if name == BOCHS_BENCH:
            print(f"bench {name}: the VM exit and Linux under Bochs' Intel and AMD models ...",
                  flush=True)
            bochs = measure_bochs()
            if bochs is None:
                failed.append(name)
            continue
        if name == RT_BENCH:
            print(f"bench {name}: the RT guest's latency and the compute guest's "
                  f"throughput, {len(RT_BENCHES)} runs, plain TCG ...", flush=True)
            rt = measure_rt()
            if rt is None:
                failed.append(name)
            continue
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
    profiles = []
    measured = {r["bench"] for r in rows}
    for key, path in prof.PATHS.items():
        if path.scenario in measured:
            print(f"profile {key}: an instruction trace of {path.scenario} ...", flush=True)
            try:
                profiles.append(prof.profile(key))
            except (prof.ProfileError, harness.ScenarioError) as e:
                print(f"FAIL profile {key}: {e}")
                failed.append(f"profile {key}")
    if rows:
        print()
        print_table(rows)
    for p in profiles:
        print()
        print("\n".join(prof.format_profile(p)))
    if linux:
        print()
        print_linux(linux)
    if rt:
        print()
        print_rt(rt)
    if bochs:
        print()
        print_bochs(bochs)
    if failed:
        print(f"\nbench: {', '.join(failed)} failed; {os.path.relpath(args.doc)} not updated")
        return 1
    write_doc(args.doc, rows, linux, rt, bochs, profiles)
    print(f"\nresults written to {os.path.relpath(args.doc)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
