#!/usr/bin/env python3
"""Cairn run harness: boot a scenario in QEMU, interactively or as a test.

    run.py boot run/NAME.run
        Boot a scenario with the serial console on this terminal.
    run.py test [--suite run/suite] [--host BIN...] [--fuzz SECONDS] [run/NAME.run...]
        Run host unit tests (cmocka binaries) and scenarios as tests; the
        last line of output is "N passed, M failed".

A scenario file (run/NAME.run) has lines "key: value"; see docs/scenarios.md.

tools/bench.py and tools/insnprof.py import this file as a module. Its
interface is the names without a leading underscore: Scenario,
parse_scenario(), set_platform() and ScenarioError to read a scenario;
qemu_command() and module_path() for what it boots; run_scenario() to boot
and judge it (with a watch: an object that sees each serial line with its
arrival time and can hold the run open until it has what it waits for),
its Result and report_failure(); ROOT, BUILD (set it to the build
directory), QEMU and QEMU_BASE.
"""

import argparse
import codecs
import os
import pty
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
BOCHS = os.environ.get("BOCHS", "bochs")
BUILD = "build"

QEMU_BASE = [
    "-accel", "tcg", "-cpu", "EPYC", "-m", "256", "-smp", "1",
    "-display", "none", "-vga", "none", "-serial", "stdio", "-monitor", "none",
    "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
]
# Bochs (platform: bochs-intel / bochs-amd): the PC of QEMU_BASE, booted
# from the GRUB image. Its clock follows the instruction count (ips: the
# TSC runs at 200 MHz), like QEMU's -icount. PLATFORM_CPUS: its CPU models.
PLATFORM_CPUS = {"bochs-intel": "corei7_skylake_x", "bochs-amd": "ryzen"}
BOCHS_IPS = 200000000
BOCHS_BIOS = "/usr/share/bochs/BIOS-bochs-latest"
BOCHS_VGABIOS = "/usr/share/bochs/VGABIOS-lgpl-latest"
# firmware: uefi: QEMU's PC with UEFI firmware (Debian's ovmf package, no
# Secure Boot), the GRUB image on a USB stick as a UEFI-only PC boots it.
OVMF = os.environ.get("OVMF", "/usr/share/ovmf/OVMF.fd")
# Always active: a scenario fails the moment one of these appears.
BUILTIN_FAILS = ["PANIC", "FAILED"]
DEFAULT_TIMEOUT = 60.0
TAIL_LINES = 40
# After a fail pattern, keep reading this long so the log holds the whole
# report (a panic's register dump, the rest of a failed test's line).
FAIL_GRACE = 1.0
# After the last expect matched, wait at most this long for the end of its line.
LINE_GRACE = 0.2
HOST_TEST_TIMEOUT = 300.0
# make test's closing summary lists this many of the slowest scenarios,
# and every scenario that used more than TIGHT of its time limit: a limit
# must hold on a machine several times slower or busier (docs/scenarios.md).
SLOWEST = 5
TIGHT = 1 / 3
# QEMU warns once per CPUID feature of -cpu EPYC that TCG lacks: expected noise.
QEMU_NOISE = re.compile(r"warning: TCG doesn't support requested feature")
# An in-guest test result line, possibly behind a component tag "[init -> x] ".
GUEST_TEST = re.compile(r"(?:^|\s)TEST (\S+) \.\.\. (ok|FAILED)\b(.*)$")


class ScenarioError(Exception):
    """A scenario file that cannot be used: the message names file and line."""


@dataclass
class Scenario:
    name: str
    path: str
    modules: List[List[str]] = field(default_factory=list)  # [name, args...]
    qemu: List[str] = field(default_factory=list)
    timeout: float = DEFAULT_TIMEOUT
    expects: List[str] = field(default_factory=list)
    fails: List[str] = field(default_factory=list)
    sends: List[tuple] = field(default_factory=list)  # (expects matched first, text)
    anywhere: List[str] = field(default_factory=list)  # expected in any order
    boot: str = "kernel"          # "kernel" (-kernel) or "grub" (ISO, -cdrom)
    firmware: str = "bios"        # "bios", or "uefi" (OVMF; the ISO on a USB stick)
    platform: str = "qemu"        # "qemu", or a Bochs CPU (PLATFORM_CPUS)
    cmdline: str = ""             # the kernel's command line
    bochs: List[str] = field(default_factory=list)  # more bochsrc lines
    exit: Optional[int] = None    # expected QEMU exit status


@dataclass
class Result:
    name: str
    ok: bool
    reason: str = ""
    elapsed: float = 0.0
    output: str = ""              # serial output, "\r" removed
    stderr: str = ""              # QEMU's own messages
    status: Optional[int] = None  # QEMU exit status, None if we stopped it
    command: List[str] = field(default_factory=list)
    guest_passed: int = 0
    guest_failed: int = 0


# --- scenario files ------------------------------------------------------------

def parse_scenario(path):
    """Read run/NAME.run into a Scenario; raise ScenarioError on bad input."""
    name = os.path.splitext(os.path.basename(path))[0]
    sc = Scenario(name=name, path=path)
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise ScenarioError(f"{path}: cannot read: {e.strerror}") from None
    for number, raw in enumerate(lines, 1):
        where = f"{path}:{number}"
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, rest = line.partition(":")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise ScenarioError(f"{where}: expected 'key: value', got '{line}'")
        if key in ("expect", "fail", "send", "expect_anywhere"):
            value = _text_value(rest)
        else:
            value = rest.strip()
        if not value:
            raise ScenarioError(f"{where}: '{key}:' needs a value")
        _parse_key(sc, key, value, where)
    if sc.firmware == "uefi" and sc.boot != "grub":
        raise ScenarioError(f"{path}: firmware: uefi boots the GRUB image, not 'boot: {sc.boot}'")
    set_platform(sc, sc.platform, path)
    return sc


def set_platform(sc, platform, where):
    """Run sc on `platform` (its own `platform:`, or a suite's NAME@PLATFORM)."""
    if platform != "qemu" and platform not in PLATFORM_CPUS:
        raise ScenarioError(f"{where}: platform must be one of qemu, "
                            + ", ".join(PLATFORM_CPUS) + f"; got '{platform}'")
    if platform != "qemu":
        for what, used in (("qemu:", sc.qemu), ("exit:", sc.exit is not None),
                           ("send:", sc.sends), ("firmware: uefi", sc.firmware == "uefi")):
            if used:
                raise ScenarioError(f"{where}: '{what}' does not apply to platform "
                                    f"{platform} (Bochs has no isa-debug-exit and no UEFI "
                                    "firmware here, and the harness gives it no serial input)")
        sc.boot = "grub"  # Bochs boots through its BIOS: the GRUB image
    sc.platform = platform


def _parse_key(sc, key, value, where):
    if key == "modules":
        sc.modules.append(value.split())
    elif key == "qemu":
        try:
            sc.qemu += shlex.split(value)
        except ValueError as e:
            raise ScenarioError(f"{where}: qemu: {e}") from None
    elif key == "timeout":
        try:
            sc.timeout = float(value)
        except ValueError:
            raise ScenarioError(f"{where}: timeout must be seconds, got '{value}'") from None
        if sc.timeout <= 0:
            raise ScenarioError(f"{where}: timeout must be positive")
    elif key == "expect":
        sc.expects.append(value)
    elif key == "expect_file":
        # expects computed at build time (e.g. a checksum), one per line
        try:
            with open(value, encoding="utf-8") as f:
                sc.expects += [line for line in f.read().splitlines() if line.strip()]
        except OSError as e:
            raise ScenarioError(f"{where}: expect_file: cannot read {value}: {e.strerror} "
                                "(is it built? make builds it)") from None
    elif key == "fail":
        sc.fails.append(value)
    elif key == "expect_anywhere":
        # expected somewhere in the output, in no particular order
        sc.anywhere.append(value)
    elif key == "send":
        # typed on the serial console once the expects above it matched
        sc.sends.append((len(sc.expects), value + "\n"))
    elif key == "boot":
        if value not in ("kernel", "grub"):
            raise ScenarioError(f"{where}: boot must be 'kernel' or 'grub', got '{value}'")
        sc.boot = value
    elif key == "firmware":
        if value not in ("bios", "uefi"):
            raise ScenarioError(f"{where}: firmware must be 'bios' or 'uefi', got '{value}'")
        sc.firmware = value
        if value == "uefi":
            sc.boot = "grub"  # UEFI boots the GRUB image's EFI loader
    elif key == "platform":
        set_platform(sc, value, where)
    elif key == "cmdline":
        sc.cmdline = value
    elif key == "bochs":
        sc.bochs.append(value)
    elif key == "exit":
        try:
            sc.exit = int(value, 0)
        except ValueError:
            raise ScenarioError(f"{where}: exit must be a number, got '{value}'") from None
    else:
        raise ScenarioError(f"{where}: unknown key '{key}' (modules, qemu, bochs, platform, "
                            "cmdline, timeout, expect, expect_anywhere, expect_file, fail, "
                            "send, boot, firmware, exit)")


def _text_value(rest):
    """The text of expect/fail: the rest of the line without surrounding
    blanks, or, when that is wrapped in double quotes, exactly what is
    between them (so 'expect: " 0 failed"' keeps its leading blank)."""
    value = rest.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value


def parse_suite(path):
    """Scenario paths named in a suite file, one name per line; NAME@PLATFORM
    runs that scenario on another platform (path@platform)."""
    base = os.path.dirname(path)
    paths = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            name = raw.split("#", 1)[0].strip()
            if name:
                name, at, platform = name.partition("@")
                if not name.endswith(".run"):
                    name += ".run"
                paths.append((name if os.sep in name else os.path.join(base, name)) + at + platform)
    return paths


# --- building the QEMU command -------------------------------------------------

def module_path(name):
    """A module named "x" is build/bin/x; one with a '/' is relative to the
    repository root (e.g. a config file kept under run/)."""
    return name if "/" in name else os.path.join(BUILD, "bin", name)


def _check_files(sc):
    kernel = os.path.join(BUILD, "cairn")
    for path in [kernel] + [module_path(m[0]) for m in sc.modules]:
        if not os.path.isfile(os.path.join(ROOT, path)):
            raise ScenarioError(f"{path} not found (run 'make' first)")


def initrd_arg(modules):
    """QEMU's multiboot module list: commas separate modules, ",," is a comma."""
    return ",".join(" ".join([module_path(m[0])] + m[1:]).replace(",", ",,")
                    for m in modules)


def _grub_word(word):
    if re.fullmatch(r"[A-Za-z0-9_.,:=/+@%-]+", word):
        return word
    return "'" + word.replace("'", "'\\''") + "'"


def grub_config(modules, cmdline=""):
    lines = [
        "set timeout=0",
        "set default=0",
        "serial --unit=0 --speed=115200",
        "terminfo serial dumb",       # before output: no escape sequences
        "terminal_input serial",
        "terminal_output serial",
        'menuentry "Cairn" {',
        "\tmultiboot2 /boot/cairn" + "".join(" " + _grub_word(w) for w in cmdline.split()),
    ]
    for m in modules:
        base = os.path.basename(m[0])
        words = " ".join(_grub_word(w) for w in [base] + m[1:])
        lines.append(f"\tmodule2 /boot/{base} {words}")
    lines += ["\tboot", "}"]
    return "\n".join(lines) + "\n"


def build_iso(sc):
    """Build build/iso-NAME/cairn.iso (GRUB, multiboot2) and return its path."""
    if not shutil.which("grub-mkrescue"):
        raise ScenarioError("grub-mkrescue not found (run 'sh tools/setup.sh' as root)")
    top = os.path.join(BUILD, f"iso-{sc.name}")
    tree = os.path.join(ROOT, top, "root")
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(os.path.join(tree, "boot", "grub"))
    shutil.copy(os.path.join(ROOT, BUILD, "cairn"), os.path.join(tree, "boot", "cairn"))
    for m in sc.modules:
        shutil.copy(os.path.join(ROOT, module_path(m[0])),
                    os.path.join(tree, "boot", os.path.basename(m[0])))
    with open(os.path.join(tree, "boot", "grub", "grub.cfg"), "w") as f:
        f.write(grub_config(sc.modules, sc.cmdline))
    iso = os.path.join(top, "cairn.iso")
    p = subprocess.run(["grub-mkrescue", "-o", os.path.join(ROOT, iso), tree],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=120)
    if p.returncode != 0:
        raise ScenarioError("grub-mkrescue failed:\n" + p.stdout[-2000:])
    return iso


def uefi_args(iso):
    """QEMU arguments for a UEFI PC booting `iso` from a USB stick (an xHCI
    controller, the image read-only as a USB mass-storage device): the
    EFI system partition in the image's GPT, not the CD's El Torito entry."""
    if not os.path.isfile(OVMF):
        raise ScenarioError(f"{OVMF} not found: UEFI firmware (package ovmf; run "
                            "'sh tools/setup.sh' as root, or set OVMF to the firmware image)")
    return ["-bios", OVMF, "-device", "qemu-xhci",
            "-drive", f"if=none,id=stick,format=raw,readonly=on,file={iso}",
            "-device", "usb-storage,drive=stick"]


def qemu_command(sc, extra=(), interactive=False):
    """The QEMU argv (relative to the repository root) for a scenario."""
    _check_files(sc)
    cmd = [QEMU] + QEMU_BASE
    if interactive:
        # "mon:" multiplexes the serial line so that Ctrl-A X reaches QEMU.
        cmd[cmd.index("stdio")] = "mon:stdio"
    if sc.firmware == "uefi":
        cmd += uefi_args(build_iso(sc))
    elif sc.boot == "grub":
        cmd += ["-cdrom", build_iso(sc)]
    else:
        cmd += ["-kernel", os.path.join(BUILD, "cairn")]
        if sc.cmdline:
            cmd += ["-append", sc.cmdline]
        if sc.modules:
            cmd += ["-initrd", initrd_arg(sc.modules)]
    return cmd + sc.qemu + list(extra)


def bochs_files(sc):
    """Write build/bochs-NAME/{bochsrc,cmds} and make the serial FIFO; return
    (command, fifo path). Bochs' debugger (Debian builds it in) waits for
    a command: `c` continues. Its `term` display needs a terminal: the
    harness gives it a pseudo-terminal and reads (and drops) what it draws."""
    _check_files(sc)
    iso = os.path.join(ROOT, build_iso(sc))
    top = os.path.join(ROOT, BUILD, f"bochs-{sc.name}")
    os.makedirs(top, exist_ok=True)
    fifo = os.path.join(top, "serial")
    if os.path.exists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo)
    rc = [
        "megs: 256",
        f"cpu: model={PLATFORM_CPUS[sc.platform]}, count=1, ips={BOCHS_IPS}, reset_on_triple_fault=0",
        f"romimage: file={BOCHS_BIOS}",
        f"vgaromimage: file={BOCHS_VGABIOS}",
        f"ata0-master: type=cdrom, path={iso}, status=inserted",
        "boot: cdrom",
        f"com1: enabled=1, mode=file, dev={fifo}",
        "display_library: term",
        f"log: {os.path.join(top, 'bochs.log')}",
        "panic: action=fatal",
    ] + sc.bochs
    with open(os.path.join(top, "bochsrc"), "w") as f:
        f.write("\n".join(rc) + "\n")
    with open(os.path.join(top, "cmds"), "w") as f:
        f.write("c\n")
    return [BOCHS, "-q", "-f", os.path.join(top, "bochsrc"), "-rc", os.path.join(top, "cmds")], fifo


def shell_line(cmd):
    return " ".join(shlex.quote(c) for c in cmd)


# --- running a scenario as a test ------------------------------------------------

class _Matcher:
    """Serial output so far, matched against the scenario's patterns."""

    def __init__(self, sc):
        self.expects = sc.expects
        self.fails = BUILTIN_FAILS + sc.fails
        self.longest_fail = max(len(p) for p in self.fails)
        self.text = ""
        self.next = 0         # index of the expect we wait for
        self.pos = 0          # where its search starts (after the last match)
        self.searched = 0     # text before this was searched for it already
        self.scanned = 0      # text before this was searched for fail patterns
        self.fail = None      # the fail pattern that appeared ...
        self.fail_at = 0      # ... and where
        # expect_anywhere: one ordered chain per component tag (see
        # _anywhere_chains); [patterns not seen yet, where the next one's
        # search starts, text before this was searched for it already]
        self.chains = [[chain, 0, 0] for chain in _anywhere_chains(sc.anywhere)]

    def feed(self, chunk):
        self.text += chunk
        if self.fail is None:
            start = max(0, self.scanned - self.longest_fail + 1)
            hits = [(i, p) for p in self.fails if (i := self.text.find(p, start)) >= 0]
            if hits:
                self.fail_at, self.fail = min(hits)
            self.scanned = len(self.text)
        for chain in self.chains:
            self._follow(chain)
        while self.fail is None and self.next < len(self.expects):
            want = self.expects[self.next]
            i = self.text.find(want, max(self.pos, self.searched - len(want) + 1))
            if i < 0:
                self.searched = len(self.text)
                break
            self.pos = self.searched = i + len(want)
            self.next += 1

    def _follow(self, chain):
        """Match what text allows of one expect_anywhere chain, in order."""
        patterns = chain[0]
        while patterns:
            want = patterns[0]
            i = self.text.find(want, max(chain[1], chain[2] - len(want) + 1))
            if i < 0:
                chain[2] = len(self.text)
                return
            chain[1] = chain[2] = i + len(want)
            patterns.pop(0)

    @property
    def anywhere(self):
        """The expect_anywhere patterns not matched yet."""
        return [p for chain in self.chains for p in chain[0]]

    def fail_line(self):
        """The whole output line in which the fail pattern appeared."""
        start = self.text.rfind("\n", 0, self.fail_at) + 1
        end = self.text.find("\n", self.fail_at)
        return self.text[start:end if end >= 0 else len(self.text)].strip()

    @property
    def all_matched(self):
        return self.next == len(self.expects) and not self.anywhere

    def waiting_for(self):
        if self.next < len(self.expects):
            return self.expects[self.next]
        return self.anywhere[0] if self.anywhere else None


COMPONENT_TAG = re.compile(r"\[[^\]]*\]")


def _anywhere_chains(patterns):
    """expect_anywhere patterns in chains that must match in file order:
    one chain per leading component tag ("[init -> vm_hello]": the lines
    of one component come in the order it prints them), one chain per
    pattern without a tag. Lines of different components may interleave
    in any way (VMs and components running at once)."""
    chains, by_tag = [], {}
    for p in patterns:
        m = COMPONENT_TAG.match(p)
        if m is None:
            chains.append([p])
        elif m.group() in by_tag:
            by_tag[m.group()].append(p)
        else:
            by_tag[m.group()] = [p]
            chains.append(by_tag[m.group()])
    return chains


def _stop(proc, group=False):
    """End the emulator; group: its whole process group (Bochs under script)."""
    def send(sig):
        try:
            if group:
                os.killpg(proc.pid, sig)
            else:
                proc.send_signal(sig)
        except ProcessLookupError:
            pass
    if proc.poll() is None or group:
        send(signal.SIGTERM)
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            send(signal.SIGKILL)
            proc.wait()


def run_scenario(sc, extra=(), log_name=None, echo=False, cmd=None, watch=None):
    """Boot a scenario with its serial output piped and judge it.

    Stops QEMU as soon as every expect has matched (and, with 'exit:', QEMU
    has exited), on a fail pattern, or at the time limit. Writes the serial
    output to build/log/<log_name>.log and QEMU's command line and messages
    to build/log/<log_name>.qemu. Never raises for a failing scenario.

    extra: more QEMU arguments. cmd: a QEMU command to run instead of the
    scenario's own (platform qemu only), judged by the scenario's expects,
    fails, exit and timeout. watch: an object with feed(seconds, line),
    called for each serial line ("\\r" and "\\n" removed) as it arrives,
    seconds counted from the emulator's start, and missing(), asked after
    each line and at least twice a second: what the watch still waits for
    (a text for the report), or None. The scenario passes only once
    missing() is None too.
    """
    log_name = log_name or sc.name
    start = time.monotonic()
    if not sc.expects and sc.exit is None:
        return Result(sc.name, False, f"{sc.path}: no 'expect:' and no 'exit:', "
                      "nothing tells when it passed")
    bochs = sc.platform != "qemu"
    if bochs and cmd is not None:
        raise ValueError(f"{sc.name}: a command of its own is for QEMU scenarios only")
    try:
        if bochs:
            cmd, fifo = bochs_files(sc)
        elif cmd is None:
            cmd = qemu_command(sc, extra)
    except (ScenarioError, subprocess.TimeoutExpired, OSError) as e:
        return Result(sc.name, False, str(e), time.monotonic() - start)
    result = Result(sc.name, False, command=list(cmd))
    matcher = _Matcher(sc)
    stderr = []
    serial = _Serial(matcher, echo, watch)
    try:
        if bochs:
            proc, streams, keep = _start_bochs(cmd, fifo)
        else:
            proc = subprocess.Popen(cmd, cwd=ROOT,
                                    stdin=subprocess.PIPE if sc.sends else subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            streams = ((proc.stdout, "out"), (proc.stderr, "err"))
    except OSError as e:
        how = " (run 'sh tools/setup.sh' as root)" if bochs else ""
        return Result(sc.name, False, f"cannot start {cmd[0]}: {e.strerror}{how}",
                      time.monotonic() - start, command=list(cmd))
    try:
        _pump(proc, sc, serial, stderr, start, result, streams)
    finally:
        _stop(proc, group=bochs)
        for stream, _ in streams:
            stream.close()
        if bochs:
            os.close(keep)
        elif proc.stdin:
            proc.stdin.close()
    result.elapsed = time.monotonic() - start
    result.output = matcher.text
    result.stderr = "".join(stderr)
    result.guest_passed, result.guest_failed = count_guest_tests(matcher.text)
    _write_log(log_name, result)
    return result


def _start_bochs(cmd, fifo):
    """Start Bochs: (its process, its streams for _pump, a descriptor to
    close after them). The serial line is a FIFO Bochs writes; we hold a
    writer too (that descriptor), so that it reads as empty, not ended,
    until Bochs opens it. Bochs' terminal (its term display on a
    pseudo-terminal of ours) is the "term" stream: its end is Bochs' end."""
    out = os.fdopen(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK), "rb", buffering=0)
    keep = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdin=slave, stdout=slave, stderr=slave,
                                start_new_session=True)
    except OSError:
        for fd in (master, keep):
            os.close(fd)
        out.close()
        raise
    finally:
        os.close(slave)
    term_out = os.fdopen(master, "rb", buffering=0)
    return proc, ((out, "out"), (term_out, "term")), keep


class _Serial:
    """The serial output as it arrives: echoed (if asked), matched against
    the scenario, and handed to the watch (if any) line by line with its
    arrival time in seconds from `launched`, the emulator's start."""

    def __init__(self, matcher, echo, watch):
        self.matcher = matcher
        self.echo = echo
        self.watch = watch
        self.launched = time.monotonic()  # made just before the emulator starts
        self.partial = ""     # the line begun, for the watch

    def take(self, text, final=False):
        """Take text ("\\r" removed); final: the serial line has ended."""
        if self.echo:
            sys.stdout.write(text)
            sys.stdout.flush()
        self.matcher.feed(text)
        if self.watch is None:
            return
        seconds = time.monotonic() - self.launched
        lines = (self.partial + text).split("\n")
        self.partial = lines.pop()
        if final and self.partial:
            lines.append(self.partial)
            self.partial = ""
        for line in lines:
            self.watch.feed(seconds, line)

    def waiting_for(self):
        """The expect, expect_anywhere or watch's wish not met yet, or None."""
        what = self.matcher.waiting_for()
        if what is None and self.watch is not None:
            what = self.watch.missing()
        return what


def _pump(proc, sc, serial, stderr, start, result, streams):
    """Read the emulator's output until the scenario is decided; fill in
    result. streams: (file, kind): "out" the serial line, "err" QEMU's
    messages, "term" Bochs' terminal (kept short; its end ends the run)."""
    matcher = serial.matcher
    sel = selectors.DefaultSelector()
    decoders = {}
    term = []
    for stream, name in streams:
        os.set_blocking(stream.fileno(), False)
        sel.register(stream, selectors.EVENT_READ, name)
        decoders[name] = codecs.getincrementaldecoder("utf-8")(errors="replace")
    deadline = start + sc.timeout
    grace_end = tail_end = None
    while True:
        now = time.monotonic()
        if matcher.fail is not None and grace_end is None:
            grace_end = now + FAIL_GRACE
        if grace_end is not None and (now >= grace_end or not sel.get_map()):
            result.reason = f"'{matcher.fail}' in the output: {matcher.fail_line()}"
            result.status = proc.poll()
            break
        if grace_end is None and sc.exit is None and serial.waiting_for() is None:
            # Passed. Read on briefly to the end of the line, for the log.
            if matcher.text.endswith("\n") or not sel.get_map() or now >= (
                    tail_end := tail_end or now + LINE_GRACE):
                result.ok = True
                break
        if not sel.get_map():          # QEMU closed its output: it has ended
            result.status = proc.wait()
            _judge_exit(sc, serial, result)
            break
        if now >= deadline:
            what = serial.waiting_for()
            result.reason = (f"timeout after {sc.timeout:g}s waiting for "
                             + (f"'{what}'" if what else "QEMU to exit"))
            break
        limit = min(deadline, grace_end or deadline, tail_end or deadline) - now
        for key, _ in sel.select(timeout=max(0.0, min(limit, 0.5))):
            try:
                data = os.read(key.fileobj.fileno(), 65536)
            except BlockingIOError:
                continue
            except OSError:  # a pseudo-terminal whose other side has closed
                data = b""
            if not data:
                sel.unregister(key.fileobj)
                data, final = b"", True
                if key.data == "term":  # Bochs has ended: what it wrote is in the FIFO
                    for other in [k for k in sel.get_map().values() if k.data == "out"]:
                        rest = b""
                        try:
                            while chunk := os.read(other.fileobj.fileno(), 65536):
                                rest += chunk
                        except BlockingIOError:
                            pass
                        sel.unregister(other.fileobj)
                        serial.take(decoders["out"].decode(rest, True).replace("\r", ""), True)
            else:
                final = False
            text = decoders[key.data].decode(data, final)
            if key.data == "out":
                serial.take(text.replace("\r", ""), final)
                _send(proc, sc, matcher)
            elif key.data == "term":
                term.append(text)
                del term[:-8]
            else:
                stderr.append(text)
    sel.close()
    if term:
        # Bochs' own last words (a panic's reason), without terminal codes
        stderr.append(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", "".join(term))[-2000:])


def _send(proc, sc, matcher):
    """Type the sends whose expects have matched on the serial console."""
    while sc.sends and sc.sends[0][0] <= matcher.next and matcher.fail is None:
        _, text = sc.sends.pop(0)
        try:
            proc.stdin.write(text.encode())
            proc.stdin.flush()
        except OSError:
            return


def _judge_exit(sc, serial, result):
    status = result.status
    what = serial.waiting_for()
    if what is not None:
        result.reason = (f"QEMU exited with status {status} while waiting for "
                         f"'{what}'")
    elif sc.exit is not None and status != sc.exit:
        result.reason = f"QEMU exited with status {status}, expected {sc.exit}"
    else:
        result.ok = True


def count_guest_tests(text):
    """(passed, failed) of the in-guest "TEST <name> ... ok|FAILED" lines."""
    passed = failed = 0
    for line in text.split("\n"):
        m = GUEST_TEST.search(line)
        if m:
            if m.group(2) == "ok":
                passed += 1
            else:
                failed += 1
    return passed, failed


def _write_log(log_name, result):
    logdir = os.path.join(ROOT, BUILD, "log")
    os.makedirs(logdir, exist_ok=True)
    with open(os.path.join(logdir, log_name + ".log"), "w", encoding="utf-8") as f:
        f.write(result.output)
    with open(os.path.join(logdir, log_name + ".qemu"), "w", encoding="utf-8") as f:
        f.write(f"command: {shell_line(result.command)}\n")
        f.write(f"exit status: {result.status if result.status is not None else 'stopped by the harness'}\n")
        f.write(f"result: {'pass' if result.ok else 'FAIL: ' + result.reason}\n")
        f.write("messages:\n" + result.stderr)


def tail(text, n=TAIL_LINES):
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    return lines[-n:]


def report_failure(result, log_name=None):
    """What a CI log needs to understand a failed scenario."""
    log_name = log_name or result.name
    out = [f"FAIL {result.name} ({result.elapsed:.1f}s): {result.reason}"]
    lines = tail(result.output)
    if lines:
        out.append(f"  last {len(lines)} lines of serial output "
                   f"(all of it in {BUILD}/log/{log_name}.log):")
        out += ["  | " + l for l in lines]
    elif result.command:
        out.append("  (no serial output)")
    msgs = [l for l in result.stderr.splitlines() if l.strip() and not QEMU_NOISE.search(l)]
    if msgs:
        out.append("  QEMU said:")
        out += ["  | " + l for l in msgs[-TAIL_LINES:]]
    if result.command:
        out.append("  command: " + shell_line(result.command))
    return "\n".join(out)


# --- host unit tests (cmocka) -------------------------------------------------------

CMOCKA_LINE = re.compile(r"^\[\s*(RUN|OK|FAILED)\s*\] (\S+)")


def count_cmocka(text):
    """(passed, failed) from cmocka's per-test lines. Only a result for a
    test seen starting ("[ RUN      ] name") counts: the summary at the end
    repeats the failed names, which must not count twice."""
    passed = failed = 0
    running = {}
    for line in text.splitlines():
        m = CMOCKA_LINE.match(line)
        if not m:
            continue
        what, name = m.groups()
        if what == "RUN":
            running[name] = running.get(name, 0) + 1
        elif running.get(name):
            running[name] -= 1
            if what == "OK":
                passed += 1
            else:
                failed += 1
    return passed, failed


def _run_captured(cmd, env, timeout):
    """Run cmd from the repository root with its output captured:
    (output, exit status or a timeout text); OSError if it cannot run."""
    try:
        p = subprocess.run(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        return p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b"").decode("utf-8", "replace"), f"timeout after {timeout:g}s"


UNITTEST_LINE = re.compile(r"^(test\w*) \(.*\) \.\.\. (ok|FAIL|ERROR|skipped.*)$", re.M)


def count_unittest(text):
    """(passed, failed) from the lines of Python's unittest -v."""
    results = [what for _, what in UNITTEST_LINE.findall(text)]
    return (sum(what == "ok" for what in results),
            sum(what in ("FAIL", "ERROR") for what in results))


def run_host_test(binary):
    """Run one cmocka binary, or a Python unittest file (the tools' own
    tests, tools/test_*.py); return (passed, failed, printed report)."""
    name = "host/" + os.path.basename(binary)
    start = time.monotonic()
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="stdout")
    python = binary.endswith(".py")
    cmd = [sys.executable, os.path.abspath(binary), "-v"] if python else [os.path.abspath(binary)]
    try:
        output, status = _run_captured(cmd, env, HOST_TEST_TIMEOUT)
    except OSError as e:
        return 0, 1, f"FAIL {name}: cannot run: {e.strerror}"
    elapsed = time.monotonic() - start
    logdir = os.path.join(ROOT, BUILD, "log", "host")
    os.makedirs(logdir, exist_ok=True)
    with open(os.path.join(logdir, os.path.basename(binary) + ".log"), "w") as f:
        f.write(output)
    passed, failed = (count_unittest if python else count_cmocka)(output)
    if failed:
        why = f"{failed} of {passed + failed} tests failed"
    elif status != 0:
        why = _status_text(status) + " (no failed test reported)"
    else:
        return passed, 0, f"PASS {name} ({elapsed:.1f}s)"
    lines = [f"FAIL {name}: {why}",
             f"  its output (all of it in {BUILD}/log/host/"
             f"{os.path.basename(binary)}.log):"]
    lines += ["  | " + l for l in _host_excerpt(output)]
    return passed, max(failed, 1), "\n".join(lines)


SANITIZER_ERROR = re.compile(r"ERROR: \w*Sanitizer|runtime error:")


def _host_excerpt(output):
    """A sanitizer report's head tells what went wrong and where (its tail is
    a shadow-byte legend); otherwise the last lines tell."""
    lines = output.rstrip("\n").split("\n")
    for i, line in enumerate(lines):
        if SANITIZER_ERROR.search(line):
            start, end = max(0, i - 3), min(len(lines), i + TAIL_LINES)
            for j in range(i, end):
                if lines[j].startswith("SUMMARY:"):
                    end = j + 1
                    break
            return lines[start:end]
    return lines[-TAIL_LINES:]


def _status_text(status):
    if isinstance(status, str):
        return status
    if status < 0:
        try:
            return f"killed by {signal.Signals(-status).name}"
        except ValueError:
            pass
    return f"exit status {status}"


def run_fuzz_target(target, seconds):
    """Build and run one libFuzzer target for `seconds` (tools/fuzz.sh):
    (passed, failed, printed report)."""
    name = "fuzz/" + target
    start = time.monotonic()
    env = dict(os.environ, FUZZ_TARGETS=target, FUZZ_SECONDS=str(seconds), BUILD=BUILD)
    try:
        output, status = _run_captured(["sh", os.path.join(ROOT, "tools", "fuzz.sh")], env,
                                       seconds * 10 + 300)
    except OSError as e:
        return 0, 1, f"FAIL {name}: cannot run tools/fuzz.sh: {e.strerror}"
    elapsed = time.monotonic() - start
    ok = re.search(r"^fuzz: \S+: ok, (\d+) runs", output, re.M)
    if status == 0 and ok:
        return 1, 0, f"PASS {name} ({elapsed:.1f}s, {ok.group(1)} inputs)"
    lines = [f"FAIL {name}: {_status_text(status)}"]
    lines += ["  | " + l for l in _host_excerpt(output)]
    return 0, 1, "\n".join(lines)


def fuzz_targets():
    return sorted(os.path.splitext(f)[0] for f in os.listdir(os.path.join(ROOT, "tests", "fuzz"))
                  if f.startswith("fuzz_") and f.endswith(".c"))


# --- modes --------------------------------------------------------------------------

def cmd_test(args):
    # [passed, failed] per kind; each host test, scenario and in-guest test
    # line counts as one test.
    host, scen, guest = [0, 0], [0, 0], [0, 0]
    for binary in args.host:
        p, f, text = run_host_test(binary)
        host[0] += p
        host[1] += f
        print(text, flush=True)
    # libFuzzer targets for a bounded time each: a crash found is a failure
    for target in (fuzz_targets() if args.fuzz else []):
        p, f, text = run_fuzz_target(target, args.fuzz)
        host[0] += p
        host[1] += f
        print(text, flush=True)
    paths = list(args.scenarios)
    if args.suite:
        try:
            paths += parse_suite(args.suite)
        except OSError as e:
            print(f"FAIL {args.suite}: cannot read the suite: {e.strerror}")
            scen[1] += 1
    times = []                          # (name, seconds, limit) per scenario
    for path in paths:
        result, limit = _test_one(path, args.verbose)
        scen[0 if result.ok else 1] += 1
        guest[0] += result.guest_passed
        guest[1] += result.guest_failed
        if limit is not None:
            times.append((result.name, result.elapsed, limit))
        if result.ok:
            print(f"PASS {result.name} ({result.elapsed:.1f}s)", flush=True)
        else:
            print(report_failure(result), flush=True)
    for line in slowest_report(times):
        print(line)
    passed = host[0] + scen[0] + guest[0]
    failed = host[1] + scen[1] + guest[1]
    print(f"(host unit tests and fuzz targets: {host[0]} passed, {host[1]} failed; "
          f"scenarios: {scen[0]} passed, {scen[1]} failed; "
          f"in-guest tests: {guest[0]} passed, {guest[1]} failed)")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def _test_one(path, verbose):
    """Run one scenario: (its Result, its time limit or None if unread)."""
    path, at, platform = path.partition("@")
    name = os.path.splitext(os.path.basename(path))[0] + at + platform
    try:
        sc = parse_scenario(path)
        if platform:
            set_platform(sc, platform, f"{path} run on {platform}")
            sc.name = name
    except ScenarioError as e:
        return Result(name, False, str(e)), None
    return run_scenario(sc, echo=verbose), sc.timeout


def slowest_report(times):
    """Lines naming the SLOWEST longest-running scenarios and every one
    that used more than TIGHT of its limit, longest first, with the share
    of its limit it used; then the scenarios' total time."""
    if not times:
        return []
    ranked = sorted(times, key=lambda t: t[1], reverse=True)
    shown = [t for i, t in enumerate(ranked) if i < SLOWEST or t[1] > TIGHT * t[2]]
    width = max(len(t[0]) for t in shown)
    lines = [f"slowest scenarios (time, limit, time/limit; a limit should be "
             f"{1 / TIGHT:g}x the time or more):"]
    for name, seconds, limit in shown:
        ratio = seconds / limit
        mark = "  TIGHT" if ratio > TIGHT else ""
        lines.append(f"  {name:<{width}} {seconds:6.1f}s of {limit:4g}s  {ratio:.2f}{mark}")
    total = sum(t[1] for t in times)
    lines.append(f"scenarios took {total:.0f}s ({total / 60:.1f} min) in all")
    return lines


def cmd_iso(args):
    """Write build/NAME.iso: the scenario's GRUB image (BIOS and UEFI boot,
    on a CD or, written whole, on a USB stick), and say how to use it."""
    try:
        sc = parse_scenario(args.scenario)
        _check_files(sc)
        iso = build_iso(sc)
    except (ScenarioError, subprocess.TimeoutExpired, OSError) as e:
        print(f"run.py: {e}", file=sys.stderr)
        return 2
    out = os.path.join(BUILD, f"{sc.name}.iso")
    shutil.copy(os.path.join(ROOT, iso), os.path.join(ROOT, out))
    mib = os.path.getsize(os.path.join(ROOT, out)) / (1 << 20)
    print(f"{out}: {mib:.1f} MiB, scenario {sc.name} (kernel, {len(sc.modules)} modules,"
          f" command line '{sc.cmdline}')")
    qemu = "qemu-system-x86_64 -accel tcg -cpu EPYC -m 512 -serial stdio -display none"
    print(f"boot it in QEMU:    {qemu} -cdrom {out}")
    print(f"  ... with UEFI:    {qemu} -bios {OVMF} -drive file={out},format=raw")
    print(f"write it to a USB stick (ALL data on the stick is lost; /dev/sdX is the stick):")
    print(f"                    dd if={out} of=/dev/sdX bs=4M conv=fsync")
    print("then boot the PC from the stick (BIOS or UEFI, Secure Boot off); Cairn prints on"
          " the first serial port (115200 8N1). See docs/booting.md.")
    return 0


def cmd_boot(args):
    try:
        sc = parse_scenario(args.scenario)
        if sc.platform != "qemu":
            return _boot_bochs(sc)
        cmd = qemu_command(sc, interactive=True)
    except ScenarioError as e:
        print(f"run.py: {e}", file=sys.stderr)
        return 2
    print(f"booting {args.scenario}: Ctrl-A X quits QEMU", flush=True)
    if args.verbose:
        print(shell_line(cmd), flush=True)
    # Ctrl-C goes to QEMU (it ends the run); the harness just waits for it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE)
    forward = threading.Thread(target=_forward_stderr, args=(proc.stderr,), daemon=True)
    forward.start()
    status = proc.wait()
    forward.join(timeout=1)
    if status == 1:
        # The guest wrote 0 (success) to isa-debug-exit; QEMU's own start-up
        # errors also give 1, but QEMU has printed those itself.
        return 0
    if status > 0 and status & 1:
        print(f"QEMU exited with status {status}: the guest wrote {status >> 1} "
              "to isa-debug-exit", file=sys.stderr)
    elif status != 0:
        print(f"QEMU exited with status {status}", file=sys.stderr)
    return status


def _boot_bochs(sc):
    """A Bochs scenario booted by hand: its serial output on the terminal
    until the scenario is decided (Bochs' own display is not shown; its log
    is build/bochs-NAME/bochs.log)."""
    print(f"booting {sc.path} under Bochs ({PLATFORM_CPUS[sc.platform]}); it stops when the "
          f"scenario is decided or after {sc.timeout:g} s", flush=True)
    result = run_scenario(sc, echo=True)
    if not result.ok:
        print(report_failure(result), file=sys.stderr)
    return 0 if result.ok else 1


def _forward_stderr(stream):
    """Pass QEMU's messages on, without its expected TCG feature warnings."""
    for raw in stream:
        line = raw.decode("utf-8", "replace")
        if not QEMU_NOISE.search(line):
            sys.stderr.write(line)
            sys.stderr.flush()


def main(argv=None):
    global BUILD
    ap = argparse.ArgumentParser(description="Boot Cairn scenarios in QEMU.")
    ap.add_argument("--build", default=BUILD, help="build directory (default: build)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="boot: print the QEMU command; test: echo serial output")
    sub = ap.add_subparsers(dest="mode", required=True)
    b = sub.add_parser("boot", help="boot a scenario interactively")
    b.add_argument("scenario", help="run/NAME.run")
    i = sub.add_parser("iso", help="write build/NAME.iso, a bootable image of a scenario")
    i.add_argument("scenario", help="run/NAME.run")
    t = sub.add_parser("test", help="run host unit tests and scenarios as tests")
    t.add_argument("--suite", help="suite file: one scenario name per line")
    t.add_argument("--host", nargs="*", default=[], metavar="BIN",
                   help="host unit test binaries (cmocka)")
    t.add_argument("--fuzz", type=int, default=0, metavar="SECONDS",
                   help="also run each libFuzzer target (tests/fuzz) for SECONDS")
    t.add_argument("scenarios", nargs="*", default=[], metavar="run/NAME.run")
    args = ap.parse_args(argv)
    BUILD = args.build
    if args.mode == "test":
        # "--host a b run/x.run": --host swallows what follows it.
        args.scenarios += [h for h in args.host if h.endswith(".run")]
        args.host = [h for h in args.host if not h.endswith(".run")]
    if args.mode == "iso":
        return cmd_iso(args)
    return cmd_boot(args) if args.mode == "boot" else cmd_test(args)


if __name__ == "__main__":
    sys.exit(main())
