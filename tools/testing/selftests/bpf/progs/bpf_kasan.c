// SPDX-License-Identifier: GPL-2.0
/*
 * One program per memory-accessing BPF instruction and size, each doing a
 * single access at (window of bad memory from bpf_testmod) + off. The test
 * picks the window and the offset, and checks what KASAN reported. Also the
 * same accesses to the stack, and PROBE_MEM loads, which must not be
 * checked, accesses whose check is elided, and checks that use a kept
 * shadow address.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "../../../include/linux/filter.h"
#include "bpf_misc.h"
#include "bpf_kasan_common.h"
#include "../test_kmods/bpf_testmod_kasan.h"

extern __u8 *bpf_kfunc_kasan_mem(int kind, const int rdwr_buf_size) __ksym;
extern void *bpf_rdonly_cast(const void *obj__ign, __u32 btf_id__k) __ksym;

/* Set by the test before each run. */
int kind;
__u32 off;
/* Address of the window, for the test to compute the expected address. */
__u64 base;

/* The window of bad memory of kind @k, its address in base. */
static __always_inline __u8 *kasan_window(int k)
{
	__u8 *p = bpf_kfunc_kasan_mem(k, BPF_TESTMOD_KASAN_WIN);

	if (p)
		base = (unsigned long)p;
	return p;
}

/* The window of kind at off, NULL if an access of @size does not fit. */
static __always_inline __u8 *kasan_ptr(__u64 *stack, __u32 size, __u32 align)
{
	__u8 *p = kasan_window(kind);
	__u32 o;

	if (KASAN_STRICT_ALIGN)
		align = size;
	o = off & ~(align - 1);

	if (!p)
		return NULL;
	if (o > BPF_TESTMOD_KASAN_WIN - size)
		return NULL;
	return p + o;
}

/* Programs kasan_<name>: the access to the window at off (see kasan_ptr). */
#define BPF_KASAN_INSN(...) BPF_KASAN_PROG(kasan, __VA_ARGS__)
#include "bpf_kasan_insns.h"
#undef BPF_KASAN_INSN

/*
 * Stack accesses are not checked: programs stack_<name> make the access to
 * the end of their stack buffer.
 */
static __always_inline __u8 *stack_ptr(__u64 *stack, __u32 size, __u32 align)
{
	return (__u8 *)stack + ((BPF_KASAN_STACK * sizeof(*stack) - size) & ~(align - 1));
}

#define BPF_KASAN_INSN(...) BPF_KASAN_PROG(stack, __VA_ARGS__)
#include "bpf_kasan_insns.h"
#undef BPF_KASAN_INSN

/* And stack accesses through r10 itself. */
SEC("syscall")
int stack_r10(void *ctx)
{
	asm volatile ("r1 = 1;"
		      "*(u64 *)(r10 - 8) = r1;"
		      "*(u32 *)(r10 - 8) = 2;"
		      "r1 = *(u64 *)(r10 - 8);"
		      "r1 = *(s16 *)(r10 - 6);"
		      "lock *(u64 *)(r10 - 8) += r1;"
		      "r1 = atomic_fetch_or((u64 *)(r10 - 8), r1);"
		      ::: "r1", "memory");
	return 0;
}

/*
 * Loads through an untrusted pointer become PROBE_MEM loads, which must not
 * be checked: read freed memory through one.
 */
SEC("syscall")
int probe_mem(void *ctx)
{
	__u8 *p = kasan_window(BPF_TESTMOD_KASAN_UAF);
	__u8 *q;

	if (!p)
		return 1;
	q = bpf_rdonly_cast(p, 0);
	asm volatile ("r1 = *(u8 *)(%[q] + 32);"
		      "r1 = *(u16 *)(%[q] + 32);"
		      "r1 = *(u32 *)(%[q] + 32);"
		      "r1 = *(u64 *)(%[q] + 32);"
		      "r1 = *(s8 *)(%[q] + 32);"
		      "r1 = *(s16 *)(%[q] + 32);"
		      "r1 = *(s32 *)(%[q] + 32);"
		      : : [q] "r"(q) : "r1", "memory");
	return 0;
}

/*
 * Read-modify-writes of freed memory. In one basic block, the store goes
 * to bytes that the check of the load covered: one report, as with
 * compiler KASAN. A call in between may free memory: two reports.
 */
SEC("syscall")
int rmw_block(void *ctx)
{
	__u8 *p = kasan_window(BPF_TESTMOD_KASAN_UAF);

	if (!p)
		return 1;
	asm volatile ("r1 = *(u64 *)(%[p] + 32);"
		      "r1 += 1;"
		      "*(u64 *)(%[p] + 32) = r1;"
		      "*(u32 *)(%[p] + 36) = r1;"
		      : : [p] "r"(p) : "r1", "memory");
	return 0;
}

SEC("syscall")
int rmw_call(void *ctx)
{
	__u8 *p = kasan_window(BPF_TESTMOD_KASAN_UAF);

	if (!p)
		return 1;
	asm volatile ("r6 = %[p];"
		      "r7 = *(u64 *)(r6 + 32);"
		      "call %[bpf_get_prandom_u32];"
		      "*(u64 *)(r6 + 32) = r7;"
		      : : [p] "r"(p), __imm(bpf_get_prandom_u32)
		      : "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "memory");
	return 0;
}

/*
 * Accesses through one base register in one basic block: the checks after
 * the first use the shadow address that the first kept. In the partial
 * window ([0, 109) valid), the u8 and u32 in the partial granule are valid,
 * the u64 there and the store at 112 are bad: two reports, the first an
 * 8-byte read at 104.
 */
SEC("syscall")
int kept_chain(void *ctx)
{
	__u8 *p = kasan_window(BPF_TESTMOD_KASAN_PARTIAL);

	if (!p)
		return 1;
	asm volatile ("r1 = *(u64 *)(%[p] + 96);"
		      "r1 = *(u8 *)(%[p] + 104);"
		      "r1 = *(u32 *)(%[p] + 104);"
		      "r1 = *(u64 *)(%[p] + 104);"
		      "*(u8 *)(%[p] + 112) = r1;"
		      : : [p] "r"(p) : "r1", "memory");
	return 0;
}

char _license[] SEC("license") = "GPL";
