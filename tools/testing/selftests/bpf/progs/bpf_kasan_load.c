// SPDX-License-Identifier: GPL-2.0
/*
 * A program that is nothing but memory accesses: 100000 loads from a map
 * value, for measuring the load time of the KASAN rewrite (scripts/bench
 * loads it with veristat, kernel.bpf_kasan off and on). Straight-line code:
 * the verifier walks it once, so the rewrite's own cost shows. The base is
 * written after each group of eight loads, so that each load gets its
 * check (none is elided as covered by an earlier one).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"

__u64 kasan_load_val[8];

SEC("tc")
__naked int kasan_load_100k(void)
{
	asm volatile ("r6 = %[kasan_load_val] ll;"
		      ".rept 12500;"
		      ".irp off, 0, 8, 16, 24, 32, 40, 48, 56;"
		      "r0 = *(u64 *)(r6 + \\off);"
		      ".endr;"
		      "r6 += 0;"
		      ".endr;"
		      "r0 = 0;"
		      "exit;"
		      :
		      : __imm_addr(kasan_load_val)
		      : __clobber_all);
}

char _license[] SEC("license") = "GPL";
