#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# scripts/vm-run with QEMU replaced by a stand-in that prints a serial log:
# a guest kernel that panics must be reported with why, in the FAILED
# line, not only with the name of a log of 70000 lines.

load helpers

setup() {
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/cache/build/x86_64"
	touch "$BATS_TEST_TMPDIR/cache/build/x86_64/kernel-image"
	# The stand-in prints $SERIAL as the guest's console, CRLF like QEMU.
	cat >"$BATS_TEST_TMPDIR/bin/qemu-system-x86_64" <<'EOS'
#!/bin/sh
sed 's/$/\r/' "$SERIAL"
EOS
	chmod +x "$BATS_TEST_TMPDIR/bin/qemu-system-x86_64"
	SERIAL=$BATS_TEST_TMPDIR/serial
}

vm_run() {
	run env -u BPF_KASAN_FAILURES -u BPF_KASAN_LOCKED -u BPF_KASAN_MACHINE_LOCKED \
		BPF_KASAN_MACHINE_LOCK="$BATS_TEST_TMPDIR/machine.lock" \
		BPF_KASAN_CACHE="$BATS_TEST_TMPDIR/cache" ARCH=x86_64 SERIAL="$SERIAL" \
		PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$REPO/scripts/vm-run" --name t -- true
	echo "$output"
}

# The FAILED line, its seconds left out: a run may take more than one.
panic_line() {
	failed_lines | sed 's/panicked after [0-9]*s:/panicked after Ns:/'
}

# As in a check run of CI: KASAN reports the tests provoke (not fatal with
# kasan_multi_shot), then an oops in another task that panics.
@test "a panic after expected KASAN reports names the oops, its task and code" {
	cat >"$SERIAL" <<'EOS'
==================================================================
BUG: KASAN: slab-use-after-free in bpf_prog_037cf0dc3956959b_kasan_ldx_b+0x1b0/0x1cd
Read of size 1 at addr ffff888105e71da0 by task test_progs/212
CPU: 0 UID: 0 PID: 212 Comm: test_progs Tainted: G           OE    N  7.2.13 #12
RIP: 0033:0x7f4774643829
==================================================================
Summary: 791 PASSED, 0 SKIPPED, 0 FAILED
Oops: int3: 0000 [#1] SMP KASAN NOPTI
CPU: 1 UID: 0 PID: 15 Comm: rcu_sched Tainted: G    B      OE    N  7.2.13 #12 PREEMPTLAZY
RIP: 0010:__schedule+0x7da/0x1ce0
Call Trace:
RIP: 0010:__schedule+0x7da/0x1ce0
Kernel panic - not syncing: Fatal exception in interrupt
EOS
	vm_run
	[ "$status" -eq 1 ]
	[ "$(panic_line)" = "FAILED: vm-run: guest kernel panicked after Ns: Oops: int3: 0000 [#1] SMP KASAN NOPTI in rcu_sched at __schedule+0x7da/0x1ce0; panic: Fatal exception in interrupt (see $BATS_TEST_TMPDIR/cache/logs/t-serial.log)" ]
}

@test "a panic with timestamps and an arm64 pc is read the same way" {
	cat >"$SERIAL" <<'EOS'
[   12.345678] Unable to handle kernel paging request at virtual address dfff800000000003
[   12.345679] Internal error: Oops: 0000000096000005 [#1]  SMP
[   12.345680] CPU: 1 UID: 0 PID: 88 Comm: bpf_kasan_fuzz Not tainted 7.2.13 #3
[   12.345681] pc : bpf_prog_6ba29d3d7a00d92c_fz+0x8f/0x3c5
[   12.345690] Kernel panic - not syncing: Oops: Fatal exception
EOS
	vm_run
	[ "$status" -eq 1 ]
	[ "$(panic_line)" = "FAILED: vm-run: guest kernel panicked after Ns: Unable to handle kernel paging request at virtual address dfff800000000003; Internal error: Oops: 0000000096000005 [#1]  SMP in bpf_kasan_fuzz at bpf_prog_6ba29d3d7a00d92c_fz+0x8f/0x3c5; panic: Oops: Fatal exception (see $BATS_TEST_TMPDIR/cache/logs/t-serial.log)" ]
}

@test "an s390x oops is read from its PSW line" {
	cat >"$SERIAL" <<'EOS'
Unable to handle kernel pointer dereference in virtual kernel address space
Failing address: 001c000000000000 TEID: 001c000000000803 ESOP-2 FSI
Fault in home space mode while using kernel ASCE.
Oops: 0038 ilc:3 [#1]SMP
Modules linked in: bpf_testmod(OE)
CPU: 1 UID: 0 PID: 212 Comm: test_progs Tainted: G           OE      7.2.13 #1
Hardware name: QEMU 8561 QEMU (KVM/Linux)
Krnl PSW : 0704c00180000000 000003ff8001a0b2 (bpf_prog_6ba29d3d7a00d92c_fz+0x52/0x1f0)
           R:0 T:1 IO:1 EX:1 Key:0 M:1 W:0 P:0 AS:3 CC:0 PM:0 RI:0 EA:3
Kernel panic - not syncing: Fatal exception: panic_on_oops
EOS
	vm_run
	[ "$status" -eq 1 ]
	[ "$(panic_line)" = "FAILED: vm-run: guest kernel panicked after Ns: Unable to handle kernel pointer dereference in virtual kernel address space; Oops: 0038 ilc:3 [#1]SMP in test_progs at bpf_prog_6ba29d3d7a00d92c_fz+0x52/0x1f0; panic: Fatal exception: panic_on_oops (see $BATS_TEST_TMPDIR/cache/logs/t-serial.log)" ]
}

@test "a panic with no oops before it still prints the panic message" {
	printf '%s\n' "VFS: Cannot open root device" \
		"Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)" >"$SERIAL"
	vm_run
	[ "$status" -eq 1 ]
	[ "$(panic_line)" = "FAILED: vm-run: guest kernel panicked after Ns: panic: VFS: Unable to mount root fs on unknown-block(0,0) (see $BATS_TEST_TMPDIR/cache/logs/t-serial.log)" ]
}

# s390x has no PCI without zPCI: the root and the cache are 9p devices on
# channels, and the console is the SCLP line.
@test "an s390x guest gets channel-attached 9p devices and the SCLP console" {
	mkdir -p "$BATS_TEST_TMPDIR/cache/build/s390x" "$BATS_TEST_TMPDIR/cache/rootfs/s390x/sbin"
	touch "$BATS_TEST_TMPDIR/cache/build/s390x/kernel-image" \
		"$BATS_TEST_TMPDIR/cache/rootfs/s390x/.complete"
	cat >"$BATS_TEST_TMPDIR/bin/qemu-system-s390x" <<'EOS'
#!/bin/sh
printf '%s\n' "$@" >"$ARGS"
EOS
	chmod +x "$BATS_TEST_TMPDIR/bin/qemu-system-s390x"
	ARGS=$BATS_TEST_TMPDIR/args
	run env -u BPF_KASAN_FAILURES -u BPF_KASAN_LOCKED -u BPF_KASAN_MACHINE_LOCKED \
		BPF_KASAN_MACHINE_LOCK="$BATS_TEST_TMPDIR/machine.lock" \
		BPF_KASAN_CACHE="$BATS_TEST_TMPDIR/cache" ARCH=s390x ARGS="$ARGS" \
		PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$REPO/scripts/vm-run" --name t -- true
	c=$BATS_TEST_TMPDIR/cache
	grep -qx -- "-M" "$ARGS"
	grep -qx "s390-ccw-virtio" "$ARGS"
	grep -qx "local,id=hostroot,path=$c/rootfs/s390x,security_model=none,multidevs=remap,readonly=on" "$ARGS"
	grep -qx "virtio-9p-ccw,fsdev=hostroot,mount_tag=hostroot" "$ARGS"
	grep -qx "local,id=cache,path=$c,security_model=none,multidevs=remap" "$ARGS"
	grep -qx "virtio-9p-ccw,fsdev=cache,mount_tag=cache" "$ARGS"
	grep -q "^console=ttysclp0 root=hostroot " "$ARGS"
	[ "$(grep -cx -- -virtfs "$ARGS")" -eq 0 ]
}
