# SPDX-License-Identifier: GPL-2.0
"""What the driver's Python scripts share with scripts/lib.sh: the cache
and its lock, and the way a failure ends a run, one line on stderr,

    FAILED: <script>: <what> (see <log>)

also for an uncaught exception (after its traceback).
"""
import fcntl
import os
import sys
import traceback

CACHE = os.environ.get("BPF_KASAN_CACHE", "/var/tmp/bpf-kasan")
KVER = "7.2"
LOGDIR = os.path.join(CACHE, "logs")
SCRIPT = os.path.basename(sys.argv[0])


def fail(msg, log=None):
    """Print the FAILED line (as lib.sh's die) and exit 1."""
    line = "FAILED: %s: %s (see %s)" % (SCRIPT, msg, log or "the output above")
    print(line, file=sys.stderr)
    failures = os.environ.get("BPF_KASAN_FAILURES")
    if failures:
        with open(failures, "a") as fh:
            print(line, file=fh)
    sys.exit(1)


def lock_cache():
    """The locks of lock_cache in scripts/lib.sh (this machine's, then the
    cache's) that no caller holds. Returns the open lock files (keep
    them), or None."""
    held = []
    if not os.environ.get("BPF_KASAN_MACHINE_LOCKED"):
        held.append(_flock(os.environ.get("BPF_KASAN_MACHINE_LOCK",
                                          "/var/tmp/bpf-kasan-machine.lock"),
                           "another bpf-kasan run is using this machine"))
    if not os.environ.get("BPF_KASAN_LOCKED"):
        os.makedirs(CACHE, exist_ok=True)
        held.append(_flock(os.path.join(CACHE, ".lock"),
                           "cache %s is in use by another run" % CACHE))
    return held or None


def _flock(path, busy):
    fh = open(path, "w")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("%s: %s, waiting" % (SCRIPT, busy), file=sys.stderr)
        fcntl.flock(fh, fcntl.LOCK_EX)
    return fh


def run(main):
    """Run main() and exit with its return value; an uncaught exception
    ends with the FAILED line."""
    try:
        rc = main()
    except SystemExit:
        raise
    except BaseException as e:  # pylint: disable=broad-except
        traceback.print_exc()
        fail("%s: %s" % (type(e).__name__, e))
    sys.exit(rc or 0)
