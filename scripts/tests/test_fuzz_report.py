# SPDX-License-Identifier: GPL-2.0
"""scripts/fuzz-report: the result of a make fuzz run over several guests,
from outputs written the way bpf_kasan_fuzz writes them."""
import os
import shutil
import subprocess
import tempfile
import unittest

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

GUEST = """\
=== bpf_kasan_fuzz on x86_64, kernel 7.2.13
features: load_acq kfunc testmod global_func tail_call loop big
generated {n} programs from {first}, seed 0x1, hash 1e0b75726019d2{h}
bpf_kasan_fuzz: seed 0x1, {n} programs from {first}, modes: off inline outline harden nojit
features: load_acq kfunc testmod global_func tail_call loop big
progress: 10/{n} programs, 3.4/s, 0 failed, 0 rejected
{fail}
programs: {n} (xdp 34, tc 43, sk 23; 2 big), {rate}/s, 500 loads
rejected by the verifier with the checks off: 1
not interpretable (load fails with bpf_jit_enable=0): 65
  prog 3: callbacks are not allowed in non-JITed programs
not blindable (load fails with bpf_jit_harden=2 and the checks off): 2
  prog 7: callbacks are not allowed in non-JITed programs
coverage: programs per decision point (inline load; outline_*: outline load)
  instrumented                 99
  fallback_none                {fb}
  shape two_byte               0
  shape kept                   98
Summary: {passed} PASSED, 1 SKIPPED, {failed} FAILED
"""


class FuzzReport(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="fuzz-report-test.")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def guest(self, i, first, n=100, fail="", failed=0, fb=0, rate="3.5", summary=True):
        text = GUEST.format(n=n, first=first, h="%02d" % i, fail=fail, failed=failed,
                            passed=n - 1 - failed, fb=fb, rate=rate)
        if not summary:
            text = text.split("Summary:")[0]
        path = os.path.join(self.dir, "g%d.log" % i)
        with open(path, "w") as fh:
            fh.write(text)
        return path

    def report(self, *paths):
        return subprocess.run([os.path.join(SCRIPTS, "fuzz-report")] + list(paths),
                              capture_output=True, text=True)

    def test_guests_add_up(self):
        r = self.report(self.guest(0, 0, fb=1), self.guest(1, 100, rate="3.0"))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        out = r.stdout
        self.assertIn("guest 0: programs 0-99 of seed 0x1, 3.5/s", out)
        self.assertIn("guest 1: programs 100-199 of seed 0x1, 3.0/s", out)
        self.assertIn("programs: 200, 6.5/s (2 guests in parallel), 1000 loads", out)
        self.assertIn("rejected by the verifier with the checks off: 2", out)
        self.assertIn("not interpretable (load fails with bpf_jit_enable=0): 130", out)
        self.assertIn("not blindable (load fails with bpf_jit_harden=2 and the checks off): 4",
                      out)
        self.assertRegex(out, r"(?m)^  instrumented +198$")
        self.assertRegex(out, r"(?m)^  fallback_none +1$")
        self.assertRegex(out, r"(?m)^  shape kept +196$")
        # the reasons of non-interpretable programs are not coverage
        self.assertNotIn("prog 3", out)
        self.assertNotIn("prog 7", out)
        self.assertIn("Summary: 198 PASSED, 2 SKIPPED, 0 FAILED", out)

    def test_a_failing_program_fails_and_is_shown(self):
        fail = "FAIL prog 42 (seed 0x1, index 42, tc, 7 snippets):\n  inline: retval 3, off: 4"
        r = self.report(self.guest(0, 0), self.guest(1, 100, fail=fail, failed=1))
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("  FAIL prog 42 (seed 0x1, index 42, tc, 7 snippets):", r.stdout)
        self.assertIn("Summary: 197 PASSED, 2 SKIPPED, 1 FAILED", r.stdout)

    def test_a_guest_without_summary_fails(self):
        r = self.report(self.guest(0, 0), self.guest(1, 100, summary=False))
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("guest 1: no summary line", r.stdout)
        self.assertIn("Summary: 99 PASSED, 1 SKIPPED, 1 FAILED", r.stdout)

    def test_a_missing_output_fails(self):
        r = self.report(self.guest(0, 0), os.path.join(self.dir, "none.log"))
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("guest 1: no summary line", r.stdout)


if __name__ == "__main__":
    unittest.main()
