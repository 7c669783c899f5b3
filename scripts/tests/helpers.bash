# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared by the driver's bats tests (scripts/check-driver runs them).
#
# drv_script NAME CODE: write $BATS_TEST_TMPDIR/bin/NAME, a script that
# sources scripts/lib.sh (and setup-lib.sh) like the driver's scripts do,
# then runs CODE.
# drv NAME CODE: write it and run it with `run`, on an empty cache of its
# own, outside any run of the driver (no shared failures file, locks of
# its own).

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

drv_script() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/$1" <<EOS
#!/usr/bin/env bash
. "$REPO/scripts/lib.sh"
. "$REPO/scripts/setup-lib.sh"
$2
EOS
	chmod +x "$BATS_TEST_TMPDIR/bin/$1"
}

drv() {
	drv_script "$1" "$2"
	run env -u BPF_KASAN_FAILURES -u BPF_KASAN_LOCKED -u BPF_KASAN_MACHINE_LOCKED \
		-u BPF_KASAN_DL -u BPF_KASAN_TRACE_NAME -u ARCH \
		BPF_KASAN_MACHINE_LOCK="$BATS_TEST_TMPDIR/machine.lock" \
		BPF_KASAN_CACHE="$BATS_TEST_TMPDIR/cache" \
		PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$BATS_TEST_TMPDIR/bin/$1"
}

# The lines of $output (set by bats's run) that start with FAILED:.
# shellcheck disable=SC2154
failed_lines() {
	grep '^FAILED:' <<<"$output" || true
}
