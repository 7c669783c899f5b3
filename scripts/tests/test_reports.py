# SPDX-License-Identifier: GPL-2.0
"""The parsers and verdicts of scripts/regress-report and scripts/bench-report,
on logs written the way scripts/guest-regress and scripts/guest-bench write
them."""
import contextlib
import importlib.machinery
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(name):
    """Import a script of scripts/ (no .py suffix) as a module."""
    path = os.path.join(SCRIPTS, name)
    loader = importlib.machinery.SourceFileLoader(name.replace("-", "_"), path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


regress = load("regress-report")
bench = load("bench-report")

TP_PASS = """\
#1       atomics:OK
#2/1     verifier_and/and_1:OK
#2/2     verifier_and/and_2:OK
#2       verifier_and:OK
#3       timer_async_cancel:OK
"""

TV_PASS = """\
#0/u invalid and of negative number OK
#0/p invalid and of negative number OK
#1/p inline simple bpf_loop call xlated check skipped, kernel.bpf_kasan=1 OK
Summary: 3 PASSED, 0 SKIPPED, 0 FAILED
"""


class RegressReport(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="regress-test.")
        for m in "012":
            self.write("test_progs.%s.log" % m, TP_PASS)
            self.write("test_verifier.%s.log" % m, TV_PASS)
            self.write("reports.%s.log" % m, "")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w") as fh:
            fh.write(text)

    def report(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = regress.main(self.dir)
        return rc, out.getvalue()

    def test_parse_test_progs(self):
        res, skipped, failed = regress.parse(os.path.join(self.dir, "test_progs.0.log"),
                                             regress.TP_RE)
        self.assertEqual(res, {"1 atomics": "OK", "2/1 verifier_and/and_1": "OK",
                               "2/2 verifier_and/and_2": "OK", "2 verifier_and": "OK",
                               "3 timer_async_cancel": "OK"})
        self.assertEqual((skipped, failed), (set(), set()))

    def test_parse_test_verifier_skip_note(self):
        # The note is not part of the name: the same test in every mode.
        res, skipped, _ = regress.parse(os.path.join(self.dir, "test_verifier.1.log"),
                                        regress.TV_RE)
        self.assertEqual(res["1/p inline simple bpf_loop call"], "OK")
        self.assertEqual(skipped, {"1/p inline simple bpf_loop call"})
        self.assertEqual(len(res), 3)

    def test_same_results(self):
        rc, out = self.report()
        self.assertEqual(rc, 0, out)
        self.assertIn("results that differ between modes: 0", out)
        self.assertIn("regress: same results in all modes", out)

    def test_a_difference_fails(self):
        self.write("test_progs.1.log", TP_PASS.replace("#1       atomics:OK",
                                                       "#1       atomics:FAIL"))
        rc, out = self.report()
        self.assertEqual(rc, 1, out)
        self.assertIn("atomics", out)
        self.assertIn("off=OK inline=FAIL outline=OK", out)
        self.assertIn("DIFFERENCES", out)

    def test_a_missing_test_is_a_difference(self):
        self.write("test_progs.2.log", TP_PASS.replace("#1       atomics:OK\n", ""))
        rc, out = self.report()
        self.assertEqual(rc, 1, out)
        self.assertIn("outline=-", out)

    def test_only_the_exact_code_assertion_fails_with_checks_off(self):
        self.write("test_progs.0.log", TP_PASS.replace(
            "#2/1     verifier_and/and_1:OK",
            "XLATED:\n0: r0 = 0\nvalidate_msgs:FAIL:1234\n"
            "#2/1     verifier_and/and_1:FAIL").replace("#2       verifier_and:OK",
                                                        "#2       verifier_and:FAIL"))
        for m in "12":
            self.write("test_progs.%s.log" % m, TP_PASS.replace(
                "#2/1     verifier_and/and_1:OK",
                "run_subtest: xlated check skipped (kernel.bpf_kasan=%s)\n"
                "#2/1     verifier_and/and_1:OK" % m))
        rc, out = self.report()
        self.assertEqual(rc, 0, out)
        self.assertIn("not counted: only its exact xlated/jited assertion fails", out)

    def test_another_failure_with_checks_off_is_not_excused(self):
        # Failing off, passing on, but not in the code assertion.
        self.write("test_progs.0.log", TP_PASS.replace("#2/1     verifier_and/and_1:OK",
                                                       "#2/1     verifier_and/and_1:FAIL"))
        for m in "12":
            self.write("test_progs.%s.log" % m, TP_PASS.replace(
                "#2/1     verifier_and/and_1:OK",
                "run_subtest: xlated check skipped (kernel.bpf_kasan=%s)\n"
                "#2/1     verifier_and/and_1:OK" % m))
        rc, out = self.report()
        self.assertEqual(rc, 1, out)

    def test_timing_dependent_test(self):
        self.write("test_progs.0.log", TP_PASS.replace("timer_async_cancel:OK",
                                                       "timer_async_cancel:FAIL"))
        rc, out = self.report()
        self.assertEqual(rc, 0, out)
        self.assertIn("not counted, timing under TCG", out)

    def test_failing_in_every_mode_is_listed_not_counted(self):
        for m in "012":
            self.write("test_progs.%s.log" % m, TP_PASS.replace("atomics:OK", "atomics:FAIL"))
        rc, out = self.report()
        self.assertEqual(rc, 0, out)
        self.assertIn("failing in every mode: 1", out)

    def test_a_kasan_report_fails(self):
        self.write("reports.1.log", "BUG: KASAN: slab-use-after-free in bpf_prog_x\n")
        rc, out = self.report()
        self.assertEqual(rc, 1, out)
        self.assertIn("KASAN reports, inline: 1", out)

    def test_missing_logs_fail(self):
        os.unlink(os.path.join(self.dir, "test_verifier.2.log"))
        rc, out = self.report()
        self.assertEqual(rc, 1, out)
        self.assertIn("test_verifier: missing logs", out)


RAW = """\
meta rounds 3 run_ms 200 c_ms 200 cpus 2 kernel 7.2.13
size bench_scan off 800 500 0 0
size bench_scan inline 1600 1400 0 0
size bench_scan outline 2400 2900 10 10
size bench_scan interp 800 0 0 0
repeat bench_scan 1000
bpf 1 bench_scan off 100
bpf 1 bench_scan inline 200
bpf 1 bench_scan outline 900
bpf 2 bench_scan off 110
bpf 2 bench_scan inline 210
bpf 2 bench_scan outline 1000
bpf 3 bench_scan off 90
bpf 3 bench_scan inline 200
bpf 3 bench_scan outline 800
bpf 1 bench_scan interp 1000
bpf 2 bench_scan interp 1100
bpf 3 bench_scan interp 1000
clock 1 1000 2 2000
clock 2 1000 2 2010
c 1 scan 1000 100000 250000
c 2 scan 1000 110000 260000
kmod kasan bpf_kasan_bench_kasan
reports 0
"""


class BenchReport(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bench-test.")
        with open(os.path.join(self.dir, "bench.raw"), "w") as fh:
            fh.write(RAW)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_read_raw(self):
        meta, sizes, repeat, bpf, c, kmod, reports, clock = bench.read_raw(
            os.path.join(self.dir, "bench.raw"))
        self.assertEqual(meta["rounds"], "3")
        self.assertEqual(meta["kernel"], "7.2.13")
        self.assertEqual(sizes[("bench_scan", "outline")], (2400, 2900, 10, 10))
        self.assertEqual(repeat, {"bench_scan": 1000})
        self.assertEqual(bpf[("bench_scan", "inline")], {1: 200, 2: 210, 3: 200})
        self.assertEqual(c["scan"][2], (110.0, 260.0))
        self.assertEqual((kmod, reports), ("bpf_kasan_bench_kasan", 0))
        self.assertEqual(clock, {1: (1000, 2, 2000), 2: (1000, 2, 2010)})
        self.assertEqual(bpf[("bench_scan", "interp")], {1: 1000, 2: 1100, 3: 1000})

    def test_median_spread(self):
        self.assertEqual(bench.median_spread([5.0]), (5.0, 0.0))
        med, spread = bench.median_spread([1.0, 2.0, 3.0, 4.0, 5.0])
        self.assertEqual(med, 3.0)
        # half the interquartile range (4 - 2) in % of the median
        self.assertAlmostEqual(spread, 100.0 / 3.0)

    def test_geomean(self):
        self.assertAlmostEqual(bench.geomean([2.0, 8.0]), 4.0)
        self.assertIsNone(bench.geomean([]))
        self.assertAlmostEqual(bench.geomean([4.0, None, 0]), 4.0)

    def test_table(self):
        r = subprocess.run([os.path.join(SCRIPTS, "bench-report"), self.dir,
                            os.path.join(self.dir, "no-module")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        times, code, target = [l.split() for l in r.stdout.splitlines()
                               if l.startswith("scan ")]
        # ns: medians over the rounds; ratios: medians of each round's ratio
        # (inline 2.0, 1.91, 2.22; outline 9.0, 9.09, 8.89; interp 10.0,
        # 10.0, 11.1; C 2.5, 2.36)
        self.assertEqual(times[1:15], ["100", "±5%", "200", "±1%", "900", "±6%",
                                       "1000", "±2%", "2.00", "±4%", "9.00", "±1%",
                                       "10.00", "±3%"])
        self.assertEqual(times[-2:], ["2.43", "±1%"])
        # per access (10): (1600 - 800) / 8 = 100 insns, 1400 - 500 = 900 bytes
        self.assertEqual(code[1:8], ["10", "100", "10.0", "20.0", "500", "90.0", "240.0"])
        # inline 2.00 against C 2.43: met; interp/inline 5.00 (5.0, 5.24,
        # 5.0): met; inline overhead 1.00 against outline's 8.00: 0.125,
        # more than a tenth: not met
        self.assertEqual(target[1:], ["2.00", "2.43", "met", "5.00", "met",
                                      "0.125", "NOT", "met"])
        self.assertIn("clock: a loop of 1000 x 2 instructions took 1.0000 to "
                      "1.0050 ns per instruction over 2 rounds (the speed of TCG",
                      r.stdout)
        self.assertIn("ns per run", r.stdout)

    def test_icount_table(self):
        with open(os.path.join(self.dir, "bench.raw"), "w") as fh:
            fh.write(RAW.replace("kernel 7.2.13", "kernel 7.2.13 clock icount"))
        r = subprocess.run([os.path.join(SCRIPTS, "bench-report"), self.dir,
                            os.path.join(self.dir, "no-module")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("insns per run", r.stdout)
        self.assertIn("QEMU -icount shift=0", r.stdout)
        self.assertIn("(one guest instruction per ns: the times are instruction "
                      "counts)", r.stdout)

    def test_count_checks_across_local_labels(self):
        # riscv64's objdump prints local labels as headers inside a function
        dis = """\
0000000000000008 <bench_scan>:
       8:\t00000013          \tnop
0000000000000010 <.LFB7127>:
      10:\te00007b7          \tlui\ta5,0xe0000
\t\t\t180: R_RISCV_CALL_PLT\t__asan_report_load8_noabort
0000000000000054 <.L2>:
\t\t\t18c: R_RISCV_CALL_PLT\t__asan_report_load8_noabort
00000000000001f8 <other>:
\t\t\t1f8: R_RISCV_CALL_PLT\t__asan_report_load8_noabort
"""
        algo = {"bench_scan": "scan"}.get
        self.assertEqual(bench.count_checks(dis, algo), {"scan": 2})

    def test_no_measurements_is_a_failure(self):
        with open(os.path.join(self.dir, "bench.raw"), "w") as fh:
            fh.write("meta rounds 0\n")
        r = subprocess.run([os.path.join(SCRIPTS, "bench-report"), self.dir, self.dir],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"(?m)^FAILED: bench-report: no measurements in .*bench.raw")


if __name__ == "__main__":
    unittest.main()
