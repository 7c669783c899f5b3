#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# scripts/check's summary over all arches, with every step it runs replaced
# by a stand-in: each failed arch must be named with the step that failed
# and its FAILED line, never just counted.

# The stand-ins' code is expanded when they run.
# shellcheck disable=SC2016

load helpers

setup() {
	FAKE=$BATS_TEST_TMPDIR/repo
	mkdir -p "$FAKE/scripts"
	cp "$REPO/scripts/check" "$REPO/scripts/lib.sh" "$FAKE/scripts/"
	# stand_in NAME CODE: scripts/NAME, failing when $FAIL names it
	# (NAME or NAME:ARCH).
	for s in setup check-driver check-cold-setup assemble check-arch-neutral \
		 build-kernel build-selftests; do
		cat >"$FAKE/scripts/$s" <<EOS
#!/usr/bin/env bash
. "\$(dirname "\$0")/lib.sh"
case " \${FAIL:-} " in
*" $s "*|*" $s:\$ARCH "*) die "$s broke on \$ARCH" "\$LOGDIR/$s-\$ARCH.log" ;;
esac
touch "\$CACHE/ran-$s-\$ARCH"
EOS
	done
	# The guest: each one notes how many run at its start, itself
	# included; WAIT_FOR=ARCH:FILE makes ARCH's wait up to 20 s for FILE
	# in the cache and fail without it; GUEST_SECS makes every one last.
	cat >"$FAKE/scripts/vm-run" <<'EOS'
#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
mkdir -p "$CACHE/run/check-$ARCH" "$CACHE/guests"
out=$CACHE/run/check-$ARCH/output.log
touch "$CACHE/guests/$ARCH"
find "$CACHE/guests" -type f | wc -l >>"$CACHE/guests-running"
if [[ ${WAIT_FOR:-} == "$ARCH:"* ]]; then
	for _ in $(seq 100); do
		[ ! -e "$CACHE/${WAIT_FOR#*:}" ] || break
		sleep 0.2
	done
	if [ ! -e "$CACHE/${WAIT_FOR#*:}" ]; then
		rm -f "$CACHE/guests/$ARCH"
		printf '%s\n' "FAIL waited for ${WAIT_FOR#*:}" "check: 0 passed, 1 failed, 0 skipped" >"$out"
		exit_quietly 1
	fi
fi
sleep "${GUEST_SECS:-0}"
rm -f "$CACHE/guests/$ARCH"
if [[ " ${FAIL:-} " == *" tests:$ARCH "* ]]; then
	printf '%s\n' "=== bpf_kasan" "#12/3    bpf_kasan/uaf_ldx:FAIL" \
		"Summary: 1/40 PASSED, 2 SKIPPED, 1 FAILED" \
		"FAIL reason: touch:FAIL:212 uaf_ldx: 0 reports, want 1" \
		"=== test_verifier_bpf_kasan_1" \
		"#110/p bpf_loop_inline stack locations FAIL: can't find expected subsequence" \
		"check: 40 passed, 1 failed, 2 skipped" >"$out"
	exit_quietly 1
fi
printf '%s\n' "=== bpf_kasan" "Summary: 2/41 PASSED, 2 SKIPPED, 0 FAILED" \
	"check: 41 passed, 0 failed, 2 skipped" >"$out"
EOS
	chmod +x "$FAKE"/scripts/*
}

check() {
	run env -u BPF_KASAN_FAILURES -u BPF_KASAN_LOCKED -u BPF_KASAN_MACHINE_LOCKED -u ARCH \
		BPF_KASAN_MACHINE_LOCK="$BATS_TEST_TMPDIR/machine.lock" \
		BPF_KASAN_CACHE="$BATS_TEST_TMPDIR/cache" FAIL="${1:-}" \
		WAIT_FOR="${WAIT_FOR:-}" GUEST_SECS="${GUEST_SECS:-0}" "$FAKE/scripts/check"
	echo "$output"
}

@test "all passing: the counts add up" {
	check
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == "check (setup, driver, cold-setup, x86_64 arm64 riscv64 s390x): 126 passed, 0 failed, 7 skipped, "* ]]
	[ -z "$(failed_lines)" ]
}

# s390x is left out of a cache that has not built it, with the reason,
# and runs in one that has.
@test "s390x runs when this cache has built it, and is skipped with the reason when not" {
	check
	grep -qx "s390x        skipped: not built in this cache (make check ARCH=s390x)" <<<"$output"
	grep -q "^SKIP s390x: not built in this cache" <<<"$output"
	mkdir -p "$BATS_TEST_TMPDIR/cache/build/s390x"
	touch "$BATS_TEST_TMPDIR/cache/build/s390x/kernel-image"
	check
	[ "$status" -eq 0 ]
	grep -q "^s390x        41 passed, 0 failed, 2 skipped" <<<"$output"
	[[ ${lines[-1]} == *": 167 passed, 0 failed, 8 skipped, "* ]]
}

@test "a failed kernel build names the arch, the step and its FAILED line" {
	check "build-kernel:arm64"
	[ "$status" -ne 0 ]
	grep -qx "arm64 .*FAILED in step 'kernel': FAILED: build-kernel: build-kernel broke on arm64 (see $BATS_TEST_TMPDIR/cache/logs/build-kernel-arm64.log)" <<<"$output"
	# the other arches ran and passed
	[[ ${lines[-1]} == *": 85 passed, 1 failed, 5 skipped, "* ]]
}

@test "failing tests in the guest are named, test_progs's and test_verifier's" {
	check "tests:riscv64"
	[ "$status" -ne 0 ]
	grep -qx "FAILED: check: tests failed in the guest (exit 1): bpf_kasan/uaf_ldx; test_verifier: bpf_loop_inline stack locations (see .*/run/check-riscv64/output.log)" <<<"$output"
	# and why, from the guest's output, which a CI log does not keep
	grep -qx "FAIL reason: touch:FAIL:212 uaf_ldx: 0 reports, want 1" <<<"$output"
	grep -q "^riscv64 .*FAILED in step 'vm tests': FAILED: check: tests failed in the guest" <<<"$output"
	[[ ${lines[-1]} == *": 125 passed, 1 failed, 7 skipped, "* ]]
}

@test "two failed arches are both named" {
	check "build-selftests:x86_64 setup:riscv64"
	[ "$status" -ne 0 ]
	grep -q "^x86_64 .*FAILED in step 'selftests': FAILED: build-selftests: build-selftests broke on x86_64" <<<"$output"
	grep -q "^riscv64 .*FAILED in step 'setup': FAILED: setup: setup broke on riscv64" <<<"$output"
	[ "$(grep -c '^arm64 .*FAILED' <<<"$output")" -eq 0 ]
}

@test "a failed driver check is named and the arches still run" {
	check "check-driver"
	[ "$status" -ne 0 ]
	grep -q "^driver .*FAILED, [0-9]*s: FAILED: check-driver: check-driver broke on x86_64" <<<"$output"
	[[ ${lines[-1]} == *": 125 passed, 1 failed, 7 skipped, "* ]]
}

@test "each arch runs the build with the arch-neutral check, then the VM, each phase timed" {
	check
	[ "$status" -eq 0 ]
	for a in x86_64 arm64 riscv64; do
		phases=$(sed -n "/^--- phase timings ($a) ---\$/,/^total ($a) /p" <<<"$output" |
			 sed '1d; s/ *[0-9]*s$//' | paste -sd,)
		[ "$phases" = "setup,assemble,arch-neutral,kernel,selftests,vm tests,total ($a)" ]
	done
}

# The guests boot in the background: x86_64's waits for riscv64's kernel
# build, which comes after it, and would time out were the arches run one
# after the other; the output still comes in the order of the arches.
@test "a guest runs while the next arches build, its output in the order of the arches" {
	WAIT_FOR=x86_64:ran-build-kernel-riscv64 check
	[ "$status" -eq 0 ]
	[ "$(grep '^=== .*: tests in the guest$' <<<"$output" | paste -sd,)" = \
	  "=== x86_64: tests in the guest,=== arm64: tests in the guest,=== riscv64: tests in the guest" ]
	grep -q '^x86_64       41 passed, 0 failed, 2 skipped, build [0-9]*s, tests [0-9]*s$' <<<"$output"
}

@test "at most two guests at once, and two do run at once" {
	GUEST_SECS=5 check
	[ "$status" -eq 0 ]
	# the most that ran at once
	[ "$(sort -n "$BATS_TEST_TMPDIR/cache/guests-running" | tail -n 1)" -eq 2 ]
}

@test "the driver checks and the cold set-up run side by side, their output in order" {
	# The driver's stand-in waits up to 20 s for the cold set-up's.
	cat >"$FAKE/scripts/check-driver" <<'EOS'
#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
for _ in $(seq 100); do
	[ ! -e "$CACHE/ran-check-cold-setup-x86_64" ] || break
	sleep 0.2
done
[ -e "$CACHE/ran-check-cold-setup-x86_64" ] || die "the cold set-up did not run beside the driver checks"
echo "driver checks done"
EOS
	check
	[ "$status" -eq 0 ]
	grep -q '^driver       ok, [0-9]*s$' <<<"$output"
	grep -q '^cold-setup   ok, [0-9]*s$' <<<"$output"
	# the driver's output before the arches'
	[ "$(grep -n -m1 'driver checks done' <<<"$output" | cut -d: -f1)" -lt \
	  "$(grep -n -m1 '=== x86_64' <<<"$output" | cut -d: -f1)" ]
}

@test "a failed cold set-up is named with its own FAILED line, not the driver's" {
	check "check-cold-setup"
	[ "$status" -ne 0 ]
	grep -q "^cold-setup .*FAILED, [0-9]*s: FAILED: check-cold-setup: check-cold-setup broke on x86_64" <<<"$output"
	grep -q '^driver       ok, [0-9]*s$' <<<"$output"
}
