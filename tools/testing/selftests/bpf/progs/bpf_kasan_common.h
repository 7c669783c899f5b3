/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the programs of the bpf_kasan test (progs/bpf_kasan.c,
 * progs/bpf_kasan_diff.c): the alignment the verifier wants, and the
 * program made for each instruction of bpf_kasan_insns.h. The test
 * (prog_tests/bpf_kasan.c) includes it for the alignment.
 */
#ifndef __BPF_KASAN_COMMON_H
#define __BPF_KASAN_COMMON_H

/*
 * Where unaligned accesses are not efficient (riscv64), the verifier
 * rejects them: every access is then aligned to its size. The programs
 * are built with __TARGET_ARCH_riscv, the test by a compiler for riscv.
 */
#if defined(__TARGET_ARCH_riscv) || defined(__riscv)
#define KASAN_STRICT_ALIGN	1
#else
#define KASAN_STRICT_ALIGN	0
#endif

/*
 * Load-acquire and store-release are in the programs where bpf_misc.h's
 * CAN_USE_LOAD_ACQ_STORE_REL says the arch's JIT has them, and in the
 * test's list on the same arches: the test is built for the arch it runs
 * on. The s390x JIT has neither.
 */
#ifdef __BPF__
#ifdef CAN_USE_LOAD_ACQ_STORE_REL
#define KASAN_LOAD_ACQ_STORE_REL	1
#endif
#elif defined(__x86_64__) || defined(__aarch64__) ||			\
	(defined(__riscv) && __riscv_xlen == 64) || defined(__powerpc64__) ||	\
	defined(__loongarch__)
#define KASAN_LOAD_ACQ_STORE_REL	1
#endif
#ifndef KASAN_LOAD_ACQ_STORE_REL
#define KASAN_LOAD_ACQ_STORE_REL	0
#endif

/* The zeroed buffer on the stack of every program, in u64s. */
#define BPF_KASAN_STACK		2

/*
 * BPF_KASAN_PROG(prefix, name, size, align, asm, operands...): program
 * <prefix>_<name> makes the access of bpf_kasan_insns.h at the address
 * that <prefix>_ptr(stack, size, align) returns, and returns 0, or 1 if
 * that is NULL. stack is the program's zeroed stack buffer, for programs
 * that access the stack. Use: #define BPF_KASAN_INSN(...)
 * BPF_KASAN_PROG(prefix, __VA_ARGS__), then include bpf_kasan_insns.h.
 */
#define BPF_KASAN_PROG(prefix, name, size, align, ...)			\
SEC("syscall")								\
int prefix##_##name(void *ctx)						\
{									\
	__u64 stack[BPF_KASAN_STACK] = {};				\
	__u8 *p = prefix##_ptr(stack, size, align);			\
									\
	if (!p)								\
		return 1;						\
	BPF_KASAN_ASM(p, __VA_ARGS__);					\
	return 0;							\
}

/* The access at @ptr, %[p] in @code, then the instruction's operands. */
#define BPF_KASAN_ASM(ptr, code, ...)					\
	({ asm volatile (code : : [p] "r"(ptr), ##__VA_ARGS__		\
			 : "r0", "r1", "r2", "memory"); })

#endif /* __BPF_KASAN_COMMON_H */
