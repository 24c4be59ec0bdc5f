#!/usr/bin/env python3
"""Self-check of tools/bench.py's parsers and of run.py's watch, on sample
output: no emulator needed, a few seconds.

    python3 tools/test_bench.py [-v]
"""

import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (tools/bench.py)
import run as harness  # noqa: E402  (tools/run.py)

# The VMM's report when its VM stopped: the prose, then its BENCH lines.
VMM_REPORT = """\
[init -> linux] VM stopped: HLT with interrupts off at rip 0xffffffff81c0b2a4
[init -> linux] exits: startup 1, I/O 2199, nested page fault 2836, HLT 1, \
CPUID 962, MSR 16, interrupt window 124, recall 1015, interrupts injected 1021
[init -> linux] I/O exits by port: 0xcf8: 429 0x3f8: 393 0xcfc: 335 others: 271
[init -> linux] MSR exits by MSR: 0xc0000080: 3 0x8b: 2
[init -> linux] BENCH vmm_exit.startup 1 exits
[init -> linux] BENCH vmm_exit.io 2199 exits
[init -> linux] BENCH vmm_exit.npf 2836 exits
[init -> linux] BENCH vmm_exit.hlt 1 exits
[init -> linux] BENCH vmm_exit.cpuid 962 exits
[init -> linux] BENCH vmm_exit.msr 16 exits
[init -> linux] BENCH vmm_exit.intwin 124 exits
[init -> linux] BENCH vmm_exit.vmmcall 0 exits
[init -> linux] BENCH vmm_exit.recall 1015 exits
[init -> linux] BENCH vmm_injected 1021 interrupts
[init -> linux] BENCH vmm_io.0xcf8 429 exits
[init -> linux] BENCH vmm_io.0x3f8 393 exits
[init -> linux] BENCH vmm_io.0xcfc 335 exits
[init -> linux] BENCH vmm_io.others 271 exits
[init -> linux] BENCH vmm_msr.0xc0000080 3 exits
[init -> linux] BENCH vmm_msr.0x8b 2 exits
[init -> linux] BENCH vmm_msr.others 0 exits
"""


class ParseExits(unittest.TestCase):
    def test_report(self):
        exits = bench.parse_exits(VMM_REPORT)
        self.assertEqual(exits["reasons"], [
            ("nested page fault", 2836), ("I/O", 2199), ("recall", 1015), ("CPUID", 962),
            ("interrupt window", 124), ("MSR", 16), ("startup", 1), ("HLT", 1)])
        self.assertEqual(exits["total"], 7154)
        self.assertEqual(exits["injected"], 1021)
        self.assertEqual(exits["ports"], [(0xcf8, 429), (0x3f8, 393), (0xcfc, 335),
                                          (bench.TALLY_OTHERS, 271)])
        self.assertEqual(exits["msrs"], [(0xc0000080, 3), (0x8b, 2)])

    def test_every_reason_has_its_name(self):
        for key, name in bench.EXIT_REASONS.items():
            exits = bench.parse_exits(f"[init -> vm] BENCH vmm_exit.{key} 5 exits\n")
            self.assertEqual(exits["reasons"], [(name, 5)])
        self.assertEqual(bench.parse_exits("BENCH vmm_exit.cr 1 exits")["reasons"],
                         [("control register write", 1)])

    def test_prose_alone_is_no_report(self):
        prose = "\n".join(l for l in VMM_REPORT.split("\n") if "BENCH" not in l)
        self.assertIsNone(bench.parse_exits(prose))
        self.assertIsNone(bench.parse_exits(""))


class Marks(unittest.TestCase):
    def test_times(self):
        marks = bench.Marks()
        self.assertEqual(marks.missing(), "BENCH linux_init_started")
        marks.feed(1.5, "[init -> linux] guest: cairn-init: started, kernel 6.1")
        marks.feed(1.6, "[init -> linux] guest: BENCH linux_init_started 0.93 s")
        self.assertEqual(marks.missing(), "BENCH linux_init_done")
        marks.feed(4.2, "BENCH linux_init_done 3.50 s")
        marks.feed(4.3, "BENCH linux_init_started 9.00 s")  # only the first counts
        self.assertIsNone(marks.missing())
        self.assertEqual(marks.times, {"to /init": 1.6, "to done": 4.2})


def rt(vm, low, avg, high):
    return [f"[init -> {vm}] guest: rt: round 1 latency min {low} avg {avg} max {high} us",
            f"[init -> {vm}] guest: BENCH rt_latency_min {low} us",
            f"[init -> {vm}] guest: BENCH rt_latency_avg {avg} us",
            f"[init -> {vm}] guest: BENCH rt_latency_max {high} us"]


def calc(vm, seconds):
    return [f"[init -> {vm}] guest: calc: round 1 primes below 20000: 2262 (1 s to 2 s)",
            f"[init -> {vm}] guest: BENCH calc_round {seconds} s"]


def settled(vm):
    return [f"[init -> {vm}] guest: cairn-init: calculation mode",
            f"[init -> {vm}] guest: BENCH linux_settled 3.20 s"]


class Rounds(unittest.TestCase):
    def feed(self, rounds, lines):
        for line in lines:
            rounds.feed(0.0, line)

    def test_rounds_count_once_all_settled_but_the_first(self):
        rounds = bench.Rounds({"rt": "rt", "calc": "calc"})
        self.feed(rounds, settled("rt") + rt("rt", 1, 2, 3) + rt("rt", 4, 5, 6))
        self.assertEqual(rounds.rounds["rt"], [])      # calc has not settled
        self.feed(rounds, settled("calc") + rt("rt", 7, 8, 9) + calc("calc", "2.50"))
        self.assertEqual(rounds.rounds, {"rt": [], "calc": []})  # first rounds dropped
        self.feed(rounds, rt("rt", 10, 20, 300) + calc("calc", "2.75"))
        self.assertEqual(rounds.rounds, {"rt": [(10, 20, 300)], "calc": [2.75]})
        self.assertEqual(rounds.missing(), "[init -> rt] guest: BENCH rt_latency_max")

    def test_a_round_begun_before_settling_does_not_count(self):
        rounds = bench.Rounds({"rt": "rt", "calc": "idle"})
        lines = rt("rt", 1, 2, 3)
        self.feed(rounds, lines[:2] + settled("calc") + lines[2:])
        self.feed(rounds, settled("rt") + rt("rt", 4, 5, 6) + rt("rt", 7, 8, 9))
        self.assertEqual(rounds.rounds["rt"], [(7, 8, 9)])

    def test_direct_lines_are_untagged(self):
        rounds = bench.DirectRounds()
        for line in ["BENCH linux_settled 2.0 s"] + [l.split("guest: ", 1)[1]
                                                     for l in rt("x", 1, 2, 3) + rt("x", 4, 5, 6)]:
            rounds.feed(0.0, line)
        self.assertEqual(rounds.rounds["rt"], [(4, 5, 6)])


class Watch:
    """A watch for run_scenario: the lines it saw; it wants `want`."""

    def __init__(self, want):
        self.want = want
        self.lines = []

    def feed(self, seconds, line):
        self.lines.append((seconds, line))

    def missing(self):
        return None if any(self.want in l for _, l in self.lines) else self.want


class RunScenarioWatch(unittest.TestCase):
    """run.py's run_scenario with a command of its own (a shell, not QEMU)."""

    def setUp(self):
        self.build = harness.BUILD
        self.tmp = tempfile.TemporaryDirectory()
        harness.BUILD = self.tmp.name  # the logs go there

    def tearDown(self):
        harness.BUILD = self.build
        self.tmp.cleanup()

    def run_shell(self, script, watch, **scenario):
        sc = harness.Scenario(name="watch", path="test_bench.py", timeout=10, **scenario)
        return harness.run_scenario(sc, cmd=["sh", "-c", script], watch=watch)

    def test_watch_holds_the_run_open(self):
        watch = Watch("third")
        result = self.run_shell("echo first; echo second; sleep 0.3; echo third; sleep 30",
                                watch, expects=["first"])
        self.assertTrue(result.ok, result.reason)
        self.assertEqual([l for _, l in watch.lines], ["first", "second", "third"])
        self.assertGreaterEqual(watch.lines[2][0], 0.3)
        self.assertLess(result.elapsed, 5)
        self.assertTrue(os.path.isfile(os.path.join(self.tmp.name, "log", "watch.log")))

    def test_exit_before_the_watch_has_its_line(self):
        result = self.run_shell("echo first; printf last", Watch("never"),
                                expects=["first"], exit=0)
        self.assertFalse(result.ok)
        self.assertIn("while waiting for 'never'", result.reason)

    def test_last_line_without_newline(self):
        watch = Watch("last")
        result = self.run_shell("echo first; printf last", watch, expects=["first"], exit=0)
        self.assertTrue(result.ok, result.reason)

    def test_timeout_names_what_the_watch_wants(self):
        sc = harness.Scenario(name="watch", path="test_bench.py", timeout=0.5,
                              expects=["first"])
        result = harness.run_scenario(sc, cmd=["sh", "-c", "echo first; sleep 30"],
                                      watch=Watch("never"))
        self.assertFalse(result.ok)
        self.assertIn("waiting for 'never'", result.reason)


if __name__ == "__main__":
    unittest.main()
