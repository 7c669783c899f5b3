# SPDX-License-Identifier: GPL-2.0
"""scripts/bugzoo-report: the bug zoo's table from the serial logs of the
two guests, written the way bpf_kasan_bugzoo prints its results."""
import os
import shutil
import subprocess
import tempfile
import unittest

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FIXED = """\
[    5.1] guest-init: running ./bpf_kasan_bugzoo --expect-rejected\r
bugzoo: cve_2021_3490 fix 049c4e13714e ("bpf: Fix alu32 const subreg bound tracking on bitwise operations"), CVE-2021-3490\r
bugzoo: cve_2021_3490 pristine ok rejected: R1 max value is outside of the allowed memory range\r
bugzoo: cve_2023_2163 fix 71b547f56124 ("bpf: Fix incorrect verifier pruning due to missing register precision taints"), CVE-2023-2163\r
bugzoo: cve_2023_2163 pristine {p2} {w2}\r
Summary: 2 PASSED, 0 SKIPPED, 0 FAILED\r
"""

ZOO = """\
bugzoo: cve_2021_3490 fix 049c4e13714e ("bpf: Fix alu32 const subreg bound tracking on bitwise operations"), CVE-2021-3490
bugzoo: cve_2021_3490 off ok canary stored and read back out of bounds, 0 reports (returned 0x62756700)
bugzoo: cve_2021_3490 inline ok slab-out-of-bounds write of size 8 at insn 14 (line 80) and the read back
bugzoo: cve_2021_3490 outline ok slab-out-of-bounds write of size 8 at insn 14 (line 80) and the read back
bugzoo: cve_2023_2163 fix 71b547f56124 ("bpf: Fix incorrect verifier pruning due to missing register precision taints"), CVE-2023-2163
bugzoo: cve_2023_2163 off ok canary stored and read back out of bounds, 0 reports (returned 0x62756700)
bugzoo: cve_2023_2163 inline ok slab-out-of-bounds write of size 8 at insn 20 (line 95) and the read back
{outline}
"""

OUTLINE_OK = ("bugzoo: cve_2023_2163 outline ok slab-out-of-bounds write of size 8 at insn 20 "
              "(line 95) and the read back")


class BugzooReport(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bugzoo-report-test.")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_report(self, p2="ok", w2="rejected: invalid access to map value",
                   outline=OUTLINE_OK):
        fixed = os.path.join(self.dir, "fixed.log")
        zoo = os.path.join(self.dir, "zoo.log")
        with open(fixed, "w") as fh:
            fh.write(FIXED.format(p2=p2, w2=w2))
        with open(zoo, "w") as fh:
            fh.write(ZOO.format(outline=outline))
        return subprocess.run([os.path.join(SCRIPTS, "bugzoo-report"), "x86_64", fixed, zoo],
                              capture_output=True, text=True)

    def test_all_caught(self):
        r = self.run_report()
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("| cve_2021_3490 | 049c4e13714e | rejected | silent: canary back | "
                      "slab-out-of-bounds write 8, insn 14 | "
                      "slab-out-of-bounds write 8, insn 14 |", r.stdout)
        self.assertIn("bugzoo (x86_64): 2 bugs, 0 cells failed", r.stdout)

    def test_loaded_on_the_fixed_kernel_fails(self):
        r = self.run_report(p2="FAIL", w2="loaded: the verifier has the bug")
        self.assertEqual(r.returncode, 1)
        self.assertIn("| cve_2023_2163 | 71b547f56124 | FAIL |", r.stdout)
        self.assertIn("1 cells failed", r.stdout)

    def test_a_missing_cell_fails(self):
        # the guest died before the last PoC's outline run
        r = self.run_report(outline="")
        self.assertEqual(r.returncode, 1)
        self.assertIn("outline  FAIL no result", r.stdout)

    def test_no_logs(self):
        r = subprocess.run([os.path.join(SCRIPTS, "bugzoo-report"), "x86_64",
                            os.path.join(self.dir, "none1"), os.path.join(self.dir, "none2")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no results", r.stdout)


if __name__ == "__main__":
    unittest.main()
