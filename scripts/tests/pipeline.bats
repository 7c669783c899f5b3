#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The build pipeline (pipeline() in scripts/lib.sh): the steps and their
# order for each make target and for the commands that boot the result,
# the phase timings, and a failing step ending it. Every step is a
# stand-in that records that it ran.

# The stand-ins' code is expanded when they run; each @test runs in a
# subshell of its own, so its exports are its own.
# shellcheck disable=SC2016,SC2030,SC2031

load helpers

setup() {
	FAKE=$BATS_TEST_TMPDIR/repo
	RAN=$BATS_TEST_TMPDIR/ran
	mkdir -p "$FAKE/scripts"
	cp "$REPO/Makefile" "$FAKE/"
	cp "$REPO/scripts/lib.sh" "$REPO/scripts/build" "$FAKE/scripts/"
	for s in setup assemble check-arch-neutral build-kernel build-selftests; do
		cat >"$FAKE/scripts/$s" <<EOS
#!/usr/bin/env bash
. "\$(dirname "\$0")/lib.sh"
echo "$s \$ARCH" >>"$RAN"
[ "\${FAIL:-}" != "$s" ] || die "$s broke" "\$LOGDIR/$s.log"
EOS
	done
	chmod +x "$FAKE"/scripts/*
	export BPF_KASAN_MACHINE_LOCK=$BATS_TEST_TMPDIR/machine.lock
	export BPF_KASAN_CACHE=$BATS_TEST_TMPDIR/cache
	export BPF_KASAN_TIMINGS=$BATS_TEST_TMPDIR/timings
	unset BPF_KASAN_FAILURES BPF_KASAN_LOCKED BPF_KASAN_MACHINE_LOCKED ARCH
}

# ran: the steps that ran, on one line.
ran() {
	[ ! -f "$RAN" ] || paste -sd' ' "$RAN"
}

# make TARGET: the Makefile's target in the fake repo.
mk() {
	run make -s --no-print-directory -C "$FAKE" "$@"
	echo "$output"
}

@test "make selftests runs every step in order, each a timed phase" {
	mk selftests
	[ "$status" -eq 0 ]
	[ "$(ran)" = "setup x86_64 assemble x86_64 build-kernel x86_64 build-selftests x86_64" ]
	[ "$(awk '{ print $1 }' "$BPF_KASAN_TIMINGS" | paste -sd' ')" = "setup assemble kernel selftests" ]
	grep -qE '^selftests +[0-9]+s$' "$BPF_KASAN_TIMINGS"
}

@test "make kernel stops after the kernel, make tree after assembling" {
	mk kernel ARCH=riscv64
	[ "$status" -eq 0 ]
	[ "$(ran)" = "setup riscv64 assemble riscv64 build-kernel riscv64" ]
	rm "$RAN"
	mk tree
	[ "$status" -eq 0 ]
	[ "$(ran)" = "setup x86_64 assemble x86_64" ]
	rm "$RAN"
	mk setup
	[ "$(ran)" = "setup x86_64" ]
	rm "$RAN"
	mk all
	[ "$(ran)" = "setup x86_64 assemble x86_64 build-kernel x86_64 build-selftests x86_64" ]
}

@test "--arch-neutral checks the assembled tree before the kernel (make check)" {
	run "$FAKE/scripts/build" --arch-neutral
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(ran)" = "setup x86_64 assemble x86_64 check-arch-neutral x86_64 build-kernel x86_64 build-selftests x86_64" ]
	[ "$(awk '{ print $1 }' "$BPF_KASAN_TIMINGS" | paste -sd' ')" = "setup assemble arch-neutral kernel selftests" ]
}

@test "a failing step ends the pipeline with its FAILED line only, its phase named" {
	cat >"$FAKE/scripts/entry" <<'EOS'
#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
at_exit 'echo "failed phase: $PHASE_NAME"'
pipeline
echo "not reached"
EOS
	chmod +x "$FAKE/scripts/entry"
	FAIL=build-kernel run "$FAKE/scripts/entry"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(ran)" = "setup x86_64 assemble x86_64 build-kernel x86_64" ]
	[ "$(failed_lines)" = "FAILED: build-kernel: build-kernel broke (see $BPF_KASAN_CACHE/logs/build-kernel.log)" ]
	[[ $output == *"failed phase: kernel" ]]
	[[ $output != *"not reached"* ]]
}

@test "an unknown target is a FAILED line and runs nothing" {
	run "$FAKE/scripts/build" vmlinux
	echo "$output"
	[ "$status" -eq 1 ]
	[ -z "$(ran)" ]
	[[ $(failed_lines) == "FAILED: build: unknown build target 'vmlinux' (setup, tree, kernel, selftests) (see "* ]]
}
