#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Failure reporting of scripts/lib.sh: every failure of a driver script
# ends with exactly one "FAILED: <script>: <what> (see <log>)" line.

# The driver code under test is passed in single quotes, to be expanded by
# the script that runs it; each @test runs in a subshell of its own, so
# its exports are its own.
# shellcheck disable=SC2016,SC2030,SC2031

load helpers

TRACE=trace/build-x86_64.log

@test "a command substitution failing under pipefail is named, with its line" {
	# The shape of the cold-path bug of scripts/setup.
	drv build '
first() { ls /nonexistent-* / 2>/dev/null | head -n 1; }
x=$(first)
echo "not reached"'
	echo "$output"
	[ "$status" -ne 0 ]
	[ "$(failed_lines)" = "FAILED: build: line 6: x=\$(first) (exit $status) (see $BATS_TEST_TMPDIR/cache/logs/$TRACE)" ]
	[[ $output != *"not reached"* ]]
	# The trace shows what ran up to the failure.
	grep -qF "ls '/nonexistent-*' /" "$BATS_TEST_TMPDIR/cache/logs/$TRACE"
}

@test "a failure inside a function names the line in the function" {
	drv build 'enter() {
	cd /nonexistent
}
enter'
	echo "$output"
	[ "$status" -ne 0 ]
	[ "$(failed_lines)" = "FAILED: build: line 5: cd /nonexistent (exit 1) (see $BATS_TEST_TMPDIR/cache/logs/$TRACE)" ]
}

@test "die prints one line with the log it is given" {
	drv build 'die "no kernel image" /some/log
echo "not reached"'
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "FAILED: build: no kernel image (see /some/log)" ]
}

@test "a plain non-zero exit still says so" {
	drv build 'exit 7'
	echo "$output"
	[ "$status" -eq 7 ]
	[ "$(failed_lines)" = "FAILED: build: exit 7 (see $BATS_TEST_TMPDIR/cache/logs/$TRACE)" ]
}

@test "run_logged names the step and its log and shows the log's tail" {
	drv build 'run_logged "kernel build" "$LOGDIR/kernel.log" sh -c "echo compiling; echo error: boom; exit 2"'
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"error: boom"* ]]
	[ "$(failed_lines)" = "FAILED: build: kernel build (exit 2) (see $BATS_TEST_TMPDIR/cache/logs/kernel.log)" ]
}

@test "a failure after a successful run_logged points at the trace, not at that step's log" {
	drv build 'run_logged "step" "$LOGDIR/step.log" true
false'
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(failed_lines)" = "FAILED: build: line 5: false (exit 1) (see $BATS_TEST_TMPDIR/cache/logs/$TRACE)" ]
}

@test "a script whose child failed adds no second line" {
	drv_script child 'die "child broke" /child/log'
	drv parent 'child
echo "not reached"'
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(failed_lines)" = "FAILED: child: child broke (see /child/log)" ]
}

@test "a script that handles its child's failure and fails later says so" {
	drv_script child 'die "child broke" /child/log'
	drv parent 'child || true
exit 3'
	echo "$output"
	[ "$status" -eq 3 ]
	[ "$(failed_lines | wc -l)" -eq 1 ]
	[ "$(failed_lines)" = "FAILED: child: child broke (see /child/log)" ]
}

@test "an unhandled child failure after a handled one is still reported" {
	drv_script child 'die "child broke" /child/log'
	drv_script quiet 'exit 5'
	drv parent 'child || true
quiet'
	echo "$output"
	[ "$status" -eq 5 ]
	[ "$(failed_lines | wc -l)" -eq 2 ]
	[ "$(failed_lines | tail -n 1)" = "FAILED: quiet: exit 5 (see $BATS_TEST_TMPDIR/cache/logs/trace/quiet-x86_64.log)" ]
}

@test "at_exit hooks run after the FAILED line and see the exit status" {
	drv build 'at_exit "echo hook status \$EXIT_STATUS"
exit 4'
	echo "$output"
	[ "$status" -eq 4 ]
	[ "${lines[0]}" = "FAILED: build: exit 4 (see $BATS_TEST_TMPDIR/cache/logs/$TRACE)" ]
	[ "${lines[1]}" = "hook status 4" ]
}

@test "success prints no FAILED line and leaves no failures file" {
	drv build 'x=$(echo fine); echo "$x"; false || true'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "fine" ]
	for f in "$BATS_TEST_TMPDIR"/cache/logs/.failures.*; do
		[ ! -e "$f" ]
	done
}

@test "an unknown ARCH is a FAILED line" {
	drv_script build 'echo not reached'
	run env -u BPF_KASAN_FAILURES ARCH=sparc BPF_KASAN_CACHE="$BATS_TEST_TMPDIR/cache" \
		"$BATS_TEST_TMPDIR/bin/build"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == "FAILED: build: unsupported ARCH=sparc (x86_64, arm64, riscv64, s390x) (see "*")" ]]
}

@test "exit_quietly passes a status on without a FAILED line" {
	drv build 'exit_quietly 3'
	echo "$output"
	[ "$status" -eq 3 ]
	[ -z "$(failed_lines)" ]
}

@test "relay_failures shows a FAILED line whose child's stderr went to a log" {
	drv_script child 'die "guest did not finish" /serial/log'
	drv parent 'mark=$(_failures)
rc=0
child 2>"$LOGDIR/console.log" || rc=$?
! relay_failures "$mark" || exit_quietly "$rc"
die "not reached"'
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "FAILED: child: guest did not finish (see /serial/log)" ]
}

@test "relay_failures is false when the child printed none" {
	drv_script child 'exit_quietly 1'
	drv parent 'mark=$(_failures)
child || true
relay_failures "$mark" || echo "none"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "none" ]
}

# make check's test_progs: the KASAN tests, kfunc_call_zext, the verifier_*
# tests (prog_tests/verifier.c) and their programs are built, nothing else.
# A fake selftests tree with one test of each kind.
@test "kasan_test_progs_skips leaves out every test and program but the KASAN and verifier ones" {
	src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src/prog_tests" "$src/progs"
	printf '#include "bpf_kasan.skel.h"\n#include "shared_prog.skel.h"\n' >"$src/prog_tests/bpf_kasan.c"
	printf '#include "verifier_kasan.skel.h"\n' >"$src/prog_tests/verifier_kasan.c"
	printf '#include "kfunc_call_zext.skel.h"\n' >"$src/prog_tests/kfunc_call_zext.c"
	printf '#include "verifier_and.skel.h"\n' >"$src/prog_tests/verifier.c"
	: >"$src/prog_tests/other.c"
	for p in bpf_kasan bpf_kasan_demo shared_prog verifier_kasan kfunc_call_zext verifier_and unrelated; do
		: >"$src/progs/$p.c"
	done
	printf 'LINKED_SKELS := one.skel.h two.skel.h %s\n\tthree.skel.h\nSKEL_BLACKLIST := four.skel.h\n' "\\" \
		>"$src/Makefile"
	drv build "kasan_test_progs_skips $src /out"
	[ "$status" -eq 0 ]
	[ "$(sed -n '1~2p' <<<"$output" | sort -u)" = "-o" ]
	skipped=$(sed -n '2~2p' <<<"$output" | sort | paste -sd' ')
	[ "$skipped" = "$(printf '/out/%s ' one.skel.h other.test.d other.test.o three.skel.h two.skel.h \
		unrelated.bpf.o unrelated.lskel.h unrelated.skel.h unrelated.subskel.h |
		sed 's/ $//')" ]
}
