#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The helpers of scripts/setup (scripts/setup-lib.sh).

# The driver code under test is passed in single quotes, to be expanded by
# the script that runs it; each @test runs in a subshell of its own, so
# its exports are its own.
# shellcheck disable=SC2016,SC2030,SC2031

load helpers

setup() {
	DL=$BATS_TEST_TMPDIR/cache/dl
	mkdir -p "$DL"
}

@test "deb_path prints nothing and succeeds on an empty cache" {
	# The cold-path bug: under set -o pipefail, deb=$(deb_path ...) killed
	# scripts/setup when nothing was downloaded yet.
	drv setup 'deb=$(deb_path linux-source-7.2); echo "deb=[$deb]"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "deb=[]" ]
}

@test "deb_path finds an arch-independent package" {
	touch "$DL/linux-source-7.2_7.2.13-1_all.deb"
	drv setup 'deb_path linux-source-7.2'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$DL/linux-source-7.2_7.2.13-1_all.deb" ]
}

@test "deb_path takes the asked arch (amd64 by default) and no other" {
	touch "$DL/libc6_2.41-12_arm64.deb" "$DL/libc6_2.41-12_amd64.deb"
	drv setup 'echo "[$(deb_path libc6)] [$(deb_path libc6 arm64)] [$(deb_path libc6 riscv64)]"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "[$DL/libc6_2.41-12_amd64.deb] [$DL/libc6_2.41-12_arm64.deb] []" ]
}

@test "deb_path does not take a package whose name only starts the same" {
	touch "$DL/libelf-dev_0.192-4_amd64.deb"
	drv setup 'echo "[$(deb_path libelf)] [$(deb_path libelf-dev)]"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "[] [$DL/libelf-dev_0.192-4_amd64.deb]" ]
}

@test "deb_path reads the download directory from BPF_KASAN_DL" {
	mkdir -p "$BATS_TEST_TMPDIR/other"
	touch "$BATS_TEST_TMPDIR/other/pahole_1.30-1_amd64.deb"
	drv_script setup 'deb_path pahole'
	run env -u BPF_KASAN_FAILURES -u BPF_KASAN_LOCKED -u BPF_KASAN_MACHINE_LOCKED \
		BPF_KASAN_MACHINE_LOCK="$BATS_TEST_TMPDIR/machine.lock" BPF_KASAN_DL="$BATS_TEST_TMPDIR/other" \
		BPF_KASAN_CACHE="$BATS_TEST_TMPDIR/cache" "$BATS_TEST_TMPDIR/bin/setup"
	[ "$status" -eq 0 ]
	[ "$output" = "$BATS_TEST_TMPDIR/other/pahole_1.30-1_amd64.deb" ]
}

@test "spec_deb reads NAME[:ARCH][/SUITE]" {
	touch "$DL/zlib1g_1.3_riscv64.deb" "$DL/bash_5.2_amd64.deb"
	drv setup 'echo "[$(spec_deb zlib1g:riscv64/trixie)] [$(spec_deb bash/trixie)] [$(spec_deb bash)] [$(spec_deb zlib1g/trixie)]"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "[$DL/zlib1g_1.3_riscv64.deb] [$DL/bash_5.2_amd64.deb] [$DL/bash_5.2_amd64.deb] []" ]
}

@test "ver_ge compares versions, not strings" {
	drv setup '
	for c in "1.30 1.27" "1.3 1.27" "19.1.7 19" "19 19" "18.1 19" "7.2.19 7.2" \
	         "7.10 7.9" "7.1 7.2" "12.2.0 12" "v1.30 1.27" " 1" "1 "; do
		v=${c% *} m=${c#* }
		if ver_ge "$v" "$m"; then echo "$v>=$m yes"; else echo "$v>=$m no"; fi
	done'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "1.30>=1.27 yes
1.3>=1.27 no
19.1.7>=19 yes
19>=19 yes
18.1>=19 no
7.2.19>=7.2 yes
7.10>=7.9 yes
7.1>=7.2 no
12.2.0>=12 yes
v1.30>=1.27 no
>=1 no
1>= no" ]
}

# A stand-in for apt-get: records its calls, "downloads" NAME_1.0_ARCH.deb
# for each NAME[:ARCH]/SUITE, fails when told to.
fake_apt() {
	cat >"$BATS_TEST_TMPDIR/bin/apt-get" <<'EOS'
#!/bin/sh
echo "apt-get $*" >>"$FAKE_APT_CALLS"
for a; do
	case $a in
	download) [ -z "$FAKE_APT_FAIL" ] || { echo "E: Unable to locate package" >&2; exit 100; } ;;
	esac
done
for a; do
	case $a in
	download) dl=1 ;;
	*/*) [ -z "$dl" ] && continue
	     n=${a%%/*} arch=amd64
	     case $n in *:*) arch=${n#*:} n=${n%%:*} ;; esac
	     touch "${n}_1.0_$arch.deb" ;;
	esac
done
EOS
	chmod +x "$BATS_TEST_TMPDIR/bin/apt-get"
}

FETCH_ENV='APTDIR=$CACHE/apt; mkdir -p "$APTDIR/lists"; APTOPTS=(-o X=y); DEBARCHES=amd64,arm64'

@test "fetch downloads only what is missing, updating the lists once" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	fake_apt
	touch "$DL/pahole_1.30-1_amd64.deb"
	export FAKE_APT_CALLS=$BATS_TEST_TMPDIR/calls FAKE_APT_FAIL=
	drv setup "$FETCH_ENV"'
	fetch pahole/trixie libc6/trixie zlib1g:arm64/trixie
	fetch libbpf1/trixie
	ls "$DL"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c ' update' "$FAKE_APT_CALLS")" -eq 1 ]
	grep -qx 'apt-get -o X=y download libc6/trixie zlib1g:arm64/trixie' "$FAKE_APT_CALLS"
	grep -qx 'apt-get -o X=y download libbpf1/trixie' "$FAKE_APT_CALLS"
	[ -f "$DL/libc6_1.0_amd64.deb" ] && [ -f "$DL/zlib1g_1.0_arm64.deb" ]
	[ -f "$DL/libbpf1_1.0_amd64.deb" ]
}

@test "fetch with everything downloaded runs no apt-get" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	fake_apt
	touch "$DL/pahole_1.30-1_amd64.deb" "$DL/linux-source-7.2_7.2.13-1_all.deb"
	export FAKE_APT_CALLS=$BATS_TEST_TMPDIR/calls FAKE_APT_FAIL=
	drv setup "$FETCH_ENV"'
	fetch pahole/trixie linux-source-7.2/sid'
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "$FAKE_APT_CALLS" ]
}

@test "a failed download stops with one FAILED line naming packages and log" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	fake_apt
	export FAKE_APT_CALLS=$BATS_TEST_TMPDIR/calls FAKE_APT_FAIL=1
	drv setup "$FETCH_ENV"'
	fetch nosuch/trixie
	echo not reached'
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(failed_lines)" = "FAILED: setup: download of nosuch/trixie failed (see $BATS_TEST_TMPDIR/cache/logs/setup-download.log)" ]
	[[ $output != *"not reached"* ]]
	grep -q 'Unable to locate' "$BATS_TEST_TMPDIR/cache/logs/setup-download.log"
}
