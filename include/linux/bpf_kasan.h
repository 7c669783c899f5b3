/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KASAN checks for BPF programs, inserted by the verifier as BPF code.
 * See Documentation/bpf/kasan.rst.
 */
#ifndef _LINUX_BPF_KASAN_H
#define _LINUX_BPF_KASAN_H

#include <linux/types.h>

struct bpf_verifier_env;

/* Values of the kernel.bpf_kasan sysctl. */
enum bpf_kasan_mode {
	BPF_KASAN_OFF = 0,
	BPF_KASAN_INLINE = 1,	/* shadow check in BPF, call on a poisoned shadow */
	BPF_KASAN_OUTLINE = 2,	/* one call per access */
};

/*
 * Second argument of bpf_kasan_check(): what the instrumented instruction
 * accesses. Bits 0-3 hold the size in bytes, bit 4 is set for writes, bits
 * 8-30 hold the index of the instruction as the verifier saw it (the index
 * in the program as loaded, the one the verifier log shows).
 */
#define BPF_KASAN_INFO_SIZE_MASK	0xfU
#define BPF_KASAN_INFO_WRITE		BIT(4)
#define BPF_KASAN_INFO_IDX_SHIFT	8
#define BPF_KASAN_INFO_IDX_MAX		((1U << 23) - 1)

#ifdef CONFIG_BPF_KASAN
int bpf_kasan_instrument(struct bpf_verifier_env *env);
u64 bpf_kasan_check(u64 addr, u64 info, u64 r3, u64 r4, u64 r5);
void bpf_kasan_report_prog(unsigned long ip, u32 info);
#else
static inline int bpf_kasan_instrument(struct bpf_verifier_env *env)
{
	return 0;
}
#endif

#endif /* _LINUX_BPF_KASAN_H */
