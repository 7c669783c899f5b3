# SPDX-License-Identifier: GPL-2.0
"""scripts/assemble: content compare (only changed files get a new mtime)
and undo (files no longer overlaid or patched go back to pristine).

Each test builds a small fake repo (a copy of scripts/assemble, overlay
files, patches/series) and a fake pristine tree in a temporary cache, runs
the script as the driver does and looks at the assembled tree.
"""
import os
import shutil
import subprocess
import tempfile
import textwrap
import unittest

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Assemble(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="assemble-test.")
        self.repo = os.path.join(self.tmp, "repo")
        self.cache = os.path.join(self.tmp, "cache")
        self.pristine = os.path.join(self.cache, "pristine", "linux-7.2")
        self.tree = os.path.join(self.cache, "tree", "linux-7.2")
        os.makedirs(os.path.join(self.repo, "scripts"))
        os.makedirs(os.path.join(self.repo, "patches"))
        for f in ("assemble", "driver.py"):
            shutil.copy(os.path.join(SCRIPTS, f), os.path.join(self.repo, "scripts"))
        self.write(self.pristine, "Makefile", "VERSION = 7\nPATCHLEVEL = 2\n")
        self.write(self.pristine, "kernel/bpf/verifier.c", "int a;\nint b;\nint c;\n")
        self.write(self.pristine, "kernel/bpf/core.c", "int core;\n")
        self.write(self.pristine, ".complete", "")
        self.series([])

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, base, path, text):
        p = os.path.join(base, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as fh:
            fh.write(text)

    def read(self, path):
        with open(os.path.join(self.tree, path)) as fh:
            return fh.read()

    def series(self, names):
        self.write(self.repo, "patches/series", "".join(n + "\n" for n in names))

    def patch(self, name, old, new):
        """A patch of kernel/bpf/verifier.c replacing line OLD by NEW."""
        self.write(self.repo, "patches/" + name, textwrap.dedent(f"""\
            From: t <t@localhost>
            Subject: [PATCH] test

            ---
            --- a/kernel/bpf/verifier.c
            +++ b/kernel/bpf/verifier.c
            @@ -1,3 +1,3 @@
             int a;
            -{old}
            +{new}
             int c;
            """))

    def env(self):
        env = dict(os.environ, BPF_KASAN_CACHE=self.cache)
        env["BPF_KASAN_MACHINE_LOCK"] = os.path.join(self.tmp, "machine.lock")
        for v in ("BPF_KASAN_LOCKED", "BPF_KASAN_MACHINE_LOCKED", "BPF_KASAN_FAILURES"):
            env.pop(v, None)
        return env

    def assemble(self, ok=True):
        r = subprocess.run([os.path.join(self.repo, "scripts", "assemble")], env=self.env(),
                           capture_output=True, text=True)
        if ok:
            self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def mtime(self, path):
        return os.stat(os.path.join(self.tree, path)).st_mtime_ns

    def age(self, path):
        """Set an old mtime, to see whether a later assembly rewrites it."""
        os.utime(os.path.join(self.tree, path), ns=(10**9, 10**9))

    def test_overlay_and_patch(self):
        self.write(self.repo, "kernel/bpf/kasan.c", "int kasan;\n")
        self.patch("0001-x.patch", "int b;", "int b2;")
        self.series(["0001-x.patch"])
        self.assemble()
        self.assertEqual(self.read("kernel/bpf/kasan.c"), "int kasan;\n")
        self.assertEqual(self.read("kernel/bpf/verifier.c"), "int a;\nint b2;\nint c;\n")
        self.assertEqual(self.read("kernel/bpf/core.c"), "int core;\n")

    def test_unchanged_files_keep_their_mtime(self):
        self.write(self.repo, "kernel/bpf/kasan.c", "int kasan;\n")
        self.patch("0001-x.patch", "int b;", "int b2;")
        self.series(["0001-x.patch"])
        self.assemble()
        for f in ("kernel/bpf/kasan.c", "kernel/bpf/verifier.c", "kernel/bpf/core.c"):
            self.age(f)
        self.write(self.repo, "kernel/bpf/kasan.c", "int kasan2;\n")
        self.assemble()
        # Only the changed file is rewritten: builds stay incremental.
        self.assertNotEqual(self.mtime("kernel/bpf/kasan.c"), 10**9)
        self.assertEqual(self.mtime("kernel/bpf/verifier.c"), 10**9)
        self.assertEqual(self.mtime("kernel/bpf/core.c"), 10**9)
        self.assertEqual(self.read("kernel/bpf/kasan.c"), "int kasan2;\n")

    def test_a_changed_patch_rewrites_its_file(self):
        self.patch("0001-x.patch", "int b;", "int b2;")
        self.series(["0001-x.patch"])
        self.assemble()
        self.age("kernel/bpf/verifier.c")
        self.patch("0001-x.patch", "int b;", "int b3;")
        self.assemble()
        self.assertEqual(self.read("kernel/bpf/verifier.c"), "int a;\nint b3;\nint c;\n")
        self.assertNotEqual(self.mtime("kernel/bpf/verifier.c"), 10**9)

    def test_removed_overlay_file_is_deleted(self):
        self.write(self.repo, "kernel/bpf/kasan.c", "int kasan;\n")
        self.assemble()
        os.unlink(os.path.join(self.repo, "kernel/bpf/kasan.c"))
        self.assemble()
        self.assertFalse(os.path.exists(os.path.join(self.tree, "kernel/bpf/kasan.c")))

    def test_removed_patch_goes_back_to_pristine(self):
        self.patch("0001-x.patch", "int b;", "int b2;")
        self.series(["0001-x.patch"])
        self.assemble()
        self.series([])
        self.assemble()
        self.assertEqual(self.read("kernel/bpf/verifier.c"), "int a;\nint b;\nint c;\n")

    def test_a_patch_that_does_not_apply_is_named(self):
        self.patch("0001-x.patch", "int nosuch;", "int b2;")
        self.series(["0001-x.patch"])
        r = self.assemble(ok=False)
        self.assertEqual(r.returncode, 1)
        failed = [l for l in r.stderr.splitlines() if l.startswith("FAILED:")]
        self.assertEqual(len(failed), 1, r.stderr)
        self.assertIn("FAILED: assemble: patch 0001-x.patch does not apply", failed[0])
        self.assertIn("(see ", failed[0])

    def test_an_overlay_file_that_exists_upstream_is_refused(self):
        self.write(self.repo, "kernel/bpf/core.c", "int mine;\n")
        r = self.assemble(ok=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAILED: assemble: overlay file kernel/bpf/core.c exists upstream", r.stderr)

    def grow(self, name, old, new):
        """A patch that changes verifier.c and the overlay file kasan.c."""
        self.write(self.repo, "patches/" + name, textwrap.dedent(f"""\
            From: t <t@localhost>
            Subject: [PATCH] grow

            ---
            diff --git a/kernel/bpf/kasan.c b/kernel/bpf/kasan.c
            --- a/kernel/bpf/kasan.c
            +++ b/kernel/bpf/kasan.c
            @@ -1,2 +1,2 @@
             int x;
            -{old}
            +{new}
            diff --git a/kernel/bpf/verifier.c b/kernel/bpf/verifier.c
            --- a/kernel/bpf/verifier.c
            +++ b/kernel/bpf/verifier.c
            @@ -1,3 +1,3 @@
             int a;
            -int b;
            +int b2;
             int c;
            """))

    def test_a_later_patch_grows_an_overlay_file(self):
        self.write(self.repo, "kernel/bpf/kasan.c", "int x;\nint y2;\n")
        self.grow("0002-grow.patch", "int y;", "int y2;")
        self.series(["0002-grow.patch"])
        self.assemble()
        # the repo has the file as the series leaves it: its hunk is not
        # applied again; the patch's other hunks are
        self.assertEqual(self.read("kernel/bpf/kasan.c"), "int x;\nint y2;\n")
        self.assertEqual(self.read("kernel/bpf/verifier.c"), "int a;\nint b2;\nint c;\n")
        r = subprocess.run([os.path.join(self.repo, "scripts", "assemble"), "--stage-of",
                            "kernel/bpf/kasan.c"], env=self.env(), capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "int x;\nint y;\n")

    def test_a_hunk_that_does_not_match_the_overlay_file_is_named(self):
        self.write(self.repo, "kernel/bpf/kasan.c", "int x;\nint z;\n")
        self.grow("0002-grow.patch", "int y;", "int y2;")
        self.series(["0002-grow.patch"])
        r = self.assemble(ok=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAILED: assemble: the hunks of patches/0002-grow.patch for "
                      "kernel/bpf/kasan.c do not match", r.stderr)

    def test_no_pristine_tree(self):
        os.unlink(os.path.join(self.pristine, ".complete"))
        r = self.assemble(ok=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAILED: assemble: no pristine tree", r.stderr)


if __name__ == "__main__":
    unittest.main()
