// SPDX-License-Identifier: GPL-2.0
/*
 * Shapes of the KASAN checks that the verifier inserts (kernel.bpf_kasan=1,
 * set by prog_tests/verifier_kasan.c). Accesses go through a global
 * variable (a map value) so that nothing else is rewritten around them.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"

__u64 g[4];

/*
 * Map values start 8-byte aligned and the verifier tracks the offset of a
 * map value pointer: the check knows where in its granule each access
 * starts (insn_aux_data.kasan_start), folds the offset into the shadow
 * load, and compares a partial granule with a constant.
 */
SEC("tc")
__description("kasan: map value, 8-byte load: 7-instruction fast path")
__success __bpf_kasan_aware __retval(0)
__xlated("0: r1 = {{.*}}")
__xlated("2: r0 = 0x{{[0-9a-f]+}}")
__xlated("4: r12 = r1")
__xlated("5: r12 >>= 3")
__xlated("6: r0 += r12")
__xlated("7: r0 = *(s8 *)(r0 +1)")
/* ending on the last byte of a granule: any non-zero shadow is bad */
__xlated("8: if r0 == 0x0 goto pc+13")
__xlated("9: *(u64 *)(r10 -16) = r1")
__xlated("10: *(u64 *)(r10 -24) = r2")
__xlated("11: *(u64 *)(r10 -32) = r3")
__xlated("12: *(u64 *)(r10 -40) = r4")
__xlated("13: *(u64 *)(r10 -48) = r5")
__xlated("14: r1 += 8")
/* size 8, read, insn 2 */
__xlated("15: r2 = 520")
__xlated("16: call unknown")
__xlated("17: r1 = *(u64 *)(r10 -16)")
__xlated("18: r2 = *(u64 *)(r10 -24)")
__xlated("19: r3 = *(u64 *)(r10 -32)")
__xlated("20: r4 = *(u64 *)(r10 -40)")
__xlated("21: r5 = *(u64 *)(r10 -48)")
__xlated("22: r0 = *(u64 *)(r1 +8)")
__xlated("23: r0 = 0")
__xlated("24: exit")
__naked void map_value_ldx(void)
{
	asm volatile ("					\
	r1 = %[g] ll;					\
	r0 = *(u64 *)(r1 + 8);				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g)
	: __clobber_all);
}

SEC("tc")
__description("kasan: map value, 1-byte load: partial granule against a constant")
__success __bpf_kasan_aware __retval(0)
__xlated("2: r0 = 0x{{[0-9a-f]+}}")
__xlated("4: r12 = r1")
__xlated("5: r12 >>= 3")
__xlated("6: r0 += r12")
__xlated("7: r0 = *(s8 *)(r0 +0)")
__xlated("8: if r0 == 0x0 goto pc+14")
/* byte 3 of its granule: valid if the shadow is 4 to 7 */
__xlated("9: if r0 s> 0x3 goto pc+13")
__xlated("10: *(u64 *)(r10 -16) = r1")
__xlated("...")
__xlated("15: r1 += 3")
__xlated("16: r2 = 513")
__xlated("17: call unknown")
__xlated("...")
__xlated("23: r0 = *(u8 *)(r1 +3)")
__naked void map_value_ldx_byte(void)
{
	asm volatile ("					\
	r1 = %[g] ll;					\
	r0 = *(u8 *)(r1 + 3);				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g)
	: __clobber_all);
}

SEC("tc")
__description("kasan: load into its base register: a dead register as scratch")
__success __bpf_kasan_aware __retval(0)
__xlated("2: r0 = 0x{{[0-9a-f]+}}")
__xlated("4: r12 = r1")
__xlated("5: r12 >>= 3")
__xlated("6: r0 += r12")
__xlated("7: r0 = *(s8 *)(r0 +0)")
__xlated("8: if r0 == 0x0 goto pc+12")
__xlated("9: *(u64 *)(r10 -16) = r1")
__xlated("...")
__xlated("14: r2 = 520")
__xlated("15: call unknown")
__xlated("...")
__xlated("20: r5 = *(u64 *)(r10 -48)")
__xlated("21: r1 = *(u64 *)(r1 +0)")
__naked void ldx_dst_is_base(void)
{
	asm volatile ("					\
	r1 = %[g] ll;					\
	r1 = *(u64 *)(r1 + 0);				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g)
	: __clobber_all);
}

SEC("tc")
__description("kasan: store, a dead register as scratch")
__success __bpf_kasan_aware __retval(0)
__xlated("3: r0 = 0x{{[0-9a-f]+}}")
__xlated("5: r12 = r1")
__xlated("6: r12 >>= 3")
__xlated("7: r0 += r12")
__xlated("8: r0 = *(s8 *)(r0 +0)")
__xlated("9: if r0 == 0x0 goto pc+13")
__xlated("10: *(u64 *)(r10 -16) = r1")
__xlated("...")
__xlated("15: r1 += 4")
/* size 4, write, insn 3 */
__xlated("16: r2 = 788")
__xlated("17: call unknown")
__xlated("...")
__xlated("23: *(u32 *)(r1 +4) = r2")
__naked void stx(void)
{
	asm volatile ("					\
	r1 = %[g] ll;					\
	r2 = 1;						\
	*(u32 *)(r1 + 4) = r2;				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g)
	: __clobber_all);
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} kasan_tail_map SEC(".maps");

/*
 * bpf_do_misc_fixups() turns bpf_tail_call() into BPF_JMP | BPF_TAIL_CALL,
 * which reads R1-R3 without saying so in its encoding: a check between the
 * set-up of the arguments and the tail call must not take them as scratch
 * (r0 is the stored value): r4 is the first dead register. Found by
 * bpf_kasan_fuzz (seed 3), whose guest crashed in the tail call.
 */
SEC("tc")
__description("kasan: the arguments of a tail call are live")
__success __bpf_kasan_aware
__xlated("7: r3 = 0")
__xlated("8: r4 = 0x{{[0-9a-f]+}}")
__xlated("10: r12 = r7")
__xlated("11: r12 >>= 3")
__xlated("12: r4 += r12")
__xlated("13: r4 = *(s8 *)(r4 +0)")
__naked void tail_call_args(void)
{
	asm volatile ("					\
	r6 = r1;					\
	r7 = %[g] ll;					\
	r0 = 7;						\
	r1 = r6;					\
	r2 = %[kasan_tail_map] ll;			\
	r3 = 0;						\
	*(u64 *)(r7 + 0) = r0;				\
	call %[bpf_tail_call];				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g),
	  __imm_addr(kasan_tail_map),
	  __imm(bpf_tail_call)
	: __clobber_all);
}

SEC("tc")
__description("kasan: store with every register live: saved scratch, 9-instruction fast path")
__success __bpf_kasan_aware __retval(42)
__xlated("11: *(u64 *)(r10 -56) = r3")
__xlated("12: r3 = 0x{{[0-9a-f]+}}")
__xlated("14: r12 = r1")
__xlated("15: r12 >>= 3")
__xlated("16: r3 += r12")
__xlated("17: r3 = *(s8 *)(r3 +0)")
__xlated("18: if r3 == 0x0 goto pc+13")
__xlated("19: *(u64 *)(r10 -8) = r0")
__xlated("20: *(u64 *)(r10 -16) = r1")
__xlated("21: *(u64 *)(r10 -24) = r2")
__xlated("22: *(u64 *)(r10 -40) = r4")
__xlated("...")
__xlated("32: r3 = *(u64 *)(r10 -56)")
__xlated("33: *(u32 *)(r1 +4) = r2")
__naked void stx_all_live(void)
{
	asm volatile ("					\
	r1 = %[g] ll;					\
	r2 = 1;						\
	r0 = 0;						\
	r3 = 3;						\
	r4 = 4;						\
	r5 = 5;						\
	r6 = 6;						\
	r7 = 7;						\
	r8 = 8;						\
	r9 = 9;						\
	*(u32 *)(r1 + 4) = r2;				\
	r0 += r3;					\
	r0 += r4;					\
	r0 += r5;					\
	r0 += r6;					\
	r0 += r7;					\
	r0 += r8;					\
	r0 += r9;					\
	exit;						\
"	:
	: __imm_addr(g)
	: __clobber_all);
}

SEC("tc")
__description("kasan: cmpxchg, scratch avoids r0")
__success __bpf_kasan_aware __retval(0)
__xlated("4: r3 = 0x{{[0-9a-f]+}}")
__xlated("...")
__xlated("9: r3 = *(s8 *)(r3 +0)")
__xlated("...")
__xlated("16: r2 = 1048")
__xlated("...")
__xlated("23: r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)")
__naked void cmpxchg(void)
{
	asm volatile ("					\
	r1 = %[g] ll;					\
	r0 = 0;						\
	r2 = 1;						\
	r0 = cmpxchg_64(r1 + 0, r0, r2);		\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g)
	: __clobber_all);
}

/*
 * A map value pointer plus a random 0 or 4: the verifier no longer knows
 * where in its granule an access starts (but it is still aligned to 4, for
 * arches that need aligned accesses). The offset is added to the base
 * unless it is a multiple of 8.
 */
SEC("tc")
__description("kasan: 1-byte load at an unknown granule offset")
__success __bpf_kasan_aware __retval(0)
__xlated("0: call {{.*}}")
__xlated("1: r0 &= 4")
__xlated("2: r1 = {{.*}}")
__xlated("4: r1 += r0")
__xlated("5: r0 = 0x{{[0-9a-f]+}}")
__xlated("7: r12 = r1")
__xlated("8: r12 += 3")
__xlated("9: r12 >>= 3")
__xlated("10: r0 += r12")
__xlated("11: r0 = *(s8 *)(r0 +0)")
__xlated("12: if r0 == 0x0 goto pc+17")
__xlated("13: r12 = r1")
__xlated("14: r12 += 3")
__xlated("15: r12 &= 7")
__xlated("16: if r12 s< r0 goto pc+13")
__xlated("17: *(u64 *)(r10 -16) = r1")
__xlated("18: *(u64 *)(r10 -24) = r2")
__xlated("19: *(u64 *)(r10 -32) = r3")
__xlated("20: *(u64 *)(r10 -40) = r4")
__xlated("21: *(u64 *)(r10 -48) = r5")
__xlated("22: r1 += 3")
/* size 1, read, insn 5 */
__xlated("23: r2 = 1281")
__xlated("24: call unknown")
__xlated("25: r1 = *(u64 *)(r10 -16)")
__xlated("26: r2 = *(u64 *)(r10 -24)")
__xlated("27: r3 = *(u64 *)(r10 -32)")
__xlated("28: r4 = *(u64 *)(r10 -40)")
__xlated("29: r5 = *(u64 *)(r10 -48)")
__xlated("30: r0 = *(u8 *)(r1 +3)")
__xlated("31: r0 = 0")
__xlated("32: exit")
__naked void ldx_narrow(void)
{
	asm volatile ("					\
	call %[bpf_get_prandom_u32];			\
	r0 &= 4;					\
	r1 = %[g] ll;					\
	r1 += r0;					\
	r0 = *(u8 *)(r1 + 3);				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g),
	  __imm(bpf_get_prandom_u32)
	: __clobber_all);
}

SEC("tc")
__description("kasan: 4-byte load may cross a granule: two shadow bytes as s16, folded offset")
__success __bpf_kasan_aware __retval(0) __arch_x86_64 __arch_arm64 __arch_s390x
__xlated("5: r0 = 0x{{[0-9a-f]+}}")
__xlated("7: r12 = r1")
__xlated("8: r12 >>= 3")
__xlated("9: r0 += r12")
__xlated("10: r0 = *(s16 *)(r0 +1)")
__xlated("11: if r0 == 0x0 goto pc+13")
__xlated("12: *(u64 *)(r10 -16) = r1")
__xlated("...")
__xlated("17: r1 += 8")
/* size 4, read, insn 5 */
__xlated("18: r2 = 1284")
__xlated("19: call unknown")
__xlated("20: r1 = *(u64 *)(r10 -16)")
__xlated("...")
__xlated("25: r0 = *(u32 *)(r1 +8)")
__xlated("26: r0 = 0")
__naked void ldx_wide(void)
{
	asm volatile ("					\
	call %[bpf_get_prandom_u32];			\
	r0 &= 4;					\
	r1 = %[g] ll;					\
	r1 += r0;					\
	r0 = *(u32 *)(r1 + 8);				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g),
	  __imm(bpf_get_prandom_u32)
	: __clobber_all);
}

SEC("tc")
__description("kasan: store at an unknown granule offset: s16 shadow of base + off")
__success __bpf_kasan_aware __retval(0) __arch_x86_64 __arch_arm64 __arch_s390x
__xlated("6: r0 = 0x{{[0-9a-f]+}}")
__xlated("8: r12 = r1")
__xlated("9: r12 += 4")
__xlated("10: r12 >>= 3")
__xlated("11: r0 += r12")
__xlated("12: r0 = *(s16 *)(r0 +0)")
__xlated("13: if r0 == 0x0 goto pc+13")
__xlated("...")
__xlated("19: r1 += 4")
/* size 4, write, insn 6 */
__xlated("20: r2 = 1556")
__xlated("21: call unknown")
__xlated("...")
__xlated("27: *(u32 *)(r1 +4) = r2")
__naked void stx_unknown(void)
{
	asm volatile ("					\
	call %[bpf_get_prandom_u32];			\
	r0 &= 4;					\
	r1 = %[g] ll;					\
	r1 += r0;					\
	r2 = 1;						\
	*(u32 *)(r1 + 4) = r2;				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g),
	  __imm(bpf_get_prandom_u32)
	: __clobber_all);
}

/*
 * Without efficient unaligned accesses (riscv64), the two shadow bytes are
 * loaded one by one: the u16 would be misaligned for every odd granule and
 * trap to be emulated.
 */
SEC("tc")
__description("kasan: 4-byte load may cross a granule: two shadow bytes")
__success __bpf_kasan_aware __retval(0) __arch_riscv64
__xlated("5: r0 = 0x{{[0-9a-f]+}}")
__xlated("7: r12 = r1")
__xlated("8: r12 >>= 3")
__xlated("9: r0 += r12")
__xlated("10: r12 = *(s8 *)(r0 +1)")
__xlated("11: r0 = *(s8 *)(r0 +2)")
__xlated("12: r0 |= r12")
__xlated("13: if r0 == 0x0 goto pc+13")
__xlated("14: *(u64 *)(r10 -16) = r1")
__xlated("...")
__xlated("19: r1 += 8")
__xlated("20: r2 = 1284")
__xlated("21: call unknown")
__xlated("...")
__xlated("27: r0 = *(u32 *)(r1 +8)")
__naked void ldx_wide_bytes(void)
{
	asm volatile ("					\
	call %[bpf_get_prandom_u32];			\
	r0 &= 4;					\
	r1 = %[g] ll;					\
	r1 += r0;					\
	r0 = *(u32 *)(r1 + 8);				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g),
	  __imm(bpf_get_prandom_u32)
	: __clobber_all);
}

SEC("tc")
__description("kasan: store at an unknown granule offset: two shadow bytes")
__success __bpf_kasan_aware __retval(0) __arch_riscv64
__xlated("6: r0 = 0x{{[0-9a-f]+}}")
__xlated("8: r12 = r1")
__xlated("9: r12 += 4")
__xlated("10: r12 >>= 3")
__xlated("11: r0 += r12")
__xlated("12: r12 = *(s8 *)(r0 +0)")
__xlated("13: r0 = *(s8 *)(r0 +1)")
__xlated("14: r0 |= r12")
__xlated("15: if r0 == 0x0 goto pc+13")
__xlated("...")
__xlated("21: r1 += 4")
__xlated("22: r2 = 1556")
__xlated("23: call unknown")
__xlated("...")
__xlated("29: *(u32 *)(r1 +4) = r2")
__naked void stx_unknown_bytes(void)
{
	asm volatile ("					\
	call %[bpf_get_prandom_u32];			\
	r0 &= 4;					\
	r1 = %[g] ll;					\
	r1 += r0;					\
	r2 = 1;						\
	*(u32 *)(r1 + 4) = r2;				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g),
	  __imm(bpf_get_prandom_u32)
	: __clobber_all);
}

SEC("tc")
__description("kasan: stack accesses are not checked")
__success __bpf_kasan_aware __retval(0)
__xlated("0: r1 = 0")
__xlated("1: *(u64 *)(r10 -8) = r1")
__xlated("2: r2 = r10")
__xlated("3: r2 += -8")
__xlated("4: r0 = *(u64 *)(r2 +0)")
__xlated("5: exit")
__naked void stack(void)
{
	asm volatile ("					\
	r1 = 0;						\
	*(u64 *)(r10 - 8) = r1;				\
	r2 = r10;					\
	r2 += -8;					\
	r0 = *(u64 *)(r2 + 0);				\
	exit;						\
"	::: __clobber_all);
}

/*
 * The program of the AX tests below: the verifier converts the load of
 * gso_segs into a load of skb->end into AX, then of skb->head, then of the
 * field.
 */
#define AX_LIVE_PROG(name)						\
__naked void name(void)							\
{								\
	asm volatile ("					\
	r0 = *(u32 *)(r1 + %[gso_segs]);		\
	r0 = 0;						\
	exit;						\
"	:							\
	: __imm_const(gso_segs, offsetof(struct __sk_buff, gso_segs))	\
	: __clobber_all);						\
}

SEC("tc")
__description("kasan: AX live across a ctx-converted load is saved")
__success __bpf_kasan_aware __retval(0) __arch_x86_64 __arch_arm64
/* skb->end into AX: checked with a dead scratch register, never AX */
__xlated("0: r0 = 0x{{[0-9a-f]+}}")
__xlated("...")
__xlated("25: r12 = *(u32 *)(r1 +{{[0-9]+}})")
/* skb->head: AX holds skb->end across the check */
__xlated("26: *(u64 *)(r10 -64) = r12")
__xlated("...")
/* at a multiple of 8: the offset folds into the shadow load */
__xlated("27: r0 = 0x{{[0-9a-f]+}}")
__xlated("29: r12 = r1")
__xlated("30: r12 >>= 3")
__xlated("31: r0 += r12")
__xlated("32: r0 = *(s8 *)(r0 +{{[0-9]+}})")
__xlated("...")
/* kernel-generated load: instruction index 0x7fffff, size 8 */
__xlated("44: r2 = 2147483400")
__xlated("...")
__xlated("51: r12 = *(u64 *)(r10 -64)")
__xlated("52: r0 = *(u64 *)(r1 +{{[0-9]+}})")
__xlated("53: r0 += r12")
/* the field load, into its own base r0: r1 is dead there */
__xlated("54: r1 = 0x{{[0-9a-f]+}}")
AX_LIVE_PROG(ax_live)

/*
 * riscv64 needs explicit zero extension: the verifier follows the u32 load
 * of skb->end with one, the rest is the same one instruction later.
 */
SEC("tc")
__description("kasan: AX live across a ctx-converted load is saved (zext)")
__success __bpf_kasan_aware __retval(0) __arch_riscv64
__xlated("0: r0 = 0x{{[0-9a-f]+}}")
__xlated("...")
__xlated("25: r12 = *(u32 *)(r1 +{{[0-9]+}})")
__xlated("26: w12 = w12")
/* skb->head: AX holds skb->end across the check */
__xlated("27: *(u64 *)(r10 -64) = r12")
/* at a multiple of 8: the offset folds into the shadow load */
__xlated("28: r0 = 0x{{[0-9a-f]+}}")
__xlated("30: r12 = r1")
__xlated("31: r12 >>= 3")
__xlated("32: r0 += r12")
__xlated("33: r0 = *(s8 *)(r0 +{{[0-9]+}})")
__xlated("...")
/* kernel-generated load: instruction index 0x7fffff, size 8 */
__xlated("45: r2 = 2147483400")
__xlated("...")
__xlated("52: r12 = *(u64 *)(r10 -64)")
__xlated("53: r0 = *(u64 *)(r1 +{{[0-9]+}})")
__xlated("54: r0 += r12")
/* the field load, into its own base r0: r1 is dead there */
__xlated("55: r1 = 0x{{[0-9a-f]+}}")
AX_LIVE_PROG(ax_live_zext)

/*
 * s390x needs the zero extension too, and its sk_buff has skb->end at a
 * multiple of 8: the offset folds, and the shadow address of r1 is kept in
 * r2 (dead) for the check of skb->head through r1.
 */
SEC("tc")
__description("kasan: AX live across a ctx-converted load is saved (zext, kept)")
__success __bpf_kasan_aware __retval(0) __arch_s390x
__xlated("0: r2 = 0x{{[0-9a-f]+}}")
__xlated("2: r12 = r1")
__xlated("3: r12 >>= 3")
__xlated("4: r2 += r12")
__xlated("5: r0 = *(s8 *)(r2 +{{[0-9]+}})")
__xlated("...")
/* skb->end into AX: checked with a dead scratch register, never AX */
__xlated("24: r12 = *(u32 *)(r1 +{{[0-9]+}})")
__xlated("25: w12 = w12")
/* skb->head: AX holds skb->end across the check */
__xlated("26: *(u64 *)(r10 -64) = r12")
/* the kept shadow address */
__xlated("27: r0 = *(s8 *)(r2 +{{[0-9]+}})")
__xlated("...")
/* kernel-generated load: instruction index 0x7fffff, size 8 */
__xlated("39: r2 = 2147483400")
__xlated("...")
__xlated("46: r12 = *(u64 *)(r10 -64)")
__xlated("47: r0 = *(u64 *)(r1 +{{[0-9]+}})")
__xlated("48: r0 += r12")
/* the field load, into its own base r0: r1 is dead there */
__xlated("49: r1 = 0x{{[0-9a-f]+}}")
AX_LIVE_PROG(ax_live_zext_kept)

SEC("tc")
__description("kasan: verifier log counts instrumented, elided and skipped accesses")
__success __log_level(4)
/* the store's byte was checked by the load through r1 */
__msg("bpf_kasan: inline, 1 accesses instrumented, 1 elided,")
__msg(" skipped stack 2 probe 0 ax 0, 19 insns added")
__naked void stats(void)
{
	asm volatile ("					\
	r1 = %[g] ll;					\
	r0 = *(u64 *)(r1 + 0);				\
	*(u64 *)(r10 - 8) = r0;				\
	r2 = r10;					\
	r0 = *(u64 *)(r2 - 8);				\
	*(u8 *)(r1 + 1) = 1;				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g)
	: __clobber_all);
}

static __noinline int kasan_sub(int i)
{
	if (i < 0 || i >= 4)
		return -1;
	return g[i] + 1;
}

/*
 * The tests below pin the statistics lines of the pass (log level stats)
 * whole, in two pieces each: every count is delimited (", N " or " N "),
 * so that none can match a longer number, and a load logs one line of
 * each kind; with the checks off there are none. Accesses that stay in
 * one granule (one_granule) have the same checks on every arch; only the
 * two-granule checks differ (riscv64: two_byte).
 */
SEC("tc")
__description("kasan: checks in a subprogram")
__success __retval(8) __log_level(4)
/*
 * The store in the main program, the load in kasan_sub() (i is constant,
 * the compiler drops its bounds checks): 20 instructions added to each,
 * the first with a dead register as scratch, the second with the load's
 * destination.
 */
__msg("bpf_kasan: inline, 2 accesses instrumented, 0 elided, 0 with a kept shadow address,")
__msg(" skipped stack 0 probe 0 ax 0, 40 insns added")
__msg("bpf_kasan: shapes one_granule 2 const_partial 0 var_partial 0 two_granule 0 two_byte 0 ")
__msg("folded 2 offset_added 0 kept 0 scratch_dst 1 scratch_dead 1 scratch_spilled 0 ax_saved 0")
int subprog(void *ctx)
{
	g[1] = 7;
	return kasan_sub(1);
}

static int loop_cb(__u32 idx, void *ctx)
{
	g[idx & 3] += idx;
	return 0;
}

SEC("tc")
__description("kasan: checks in an inlined bpf_loop callback")
__success __retval(6) __log_level(4)
/*
 * memset: 4 stores, the sum: 4 loads, each group through r6 in a basic
 * block: the first check keeps the shadow address, the other 3 use it.
 * The callback, called by the inlined loop: a load, and a store of the
 * same bytes (elided). The inlined loop saves and restores r6-r8 on the
 * stack (skipped).
 */
__msg("bpf_kasan: inline, 9 accesses instrumented, 1 elided, 6 with a kept shadow address,")
__msg(" skipped stack 6 probe 0 ax 0, 164 insns added")
__msg("bpf_kasan: shapes one_granule 9 const_partial 0 var_partial 0 two_granule 0 two_byte 0 ")
__msg("folded 9 offset_added 0 kept 9 scratch_dst 0 scratch_dead 3 scratch_spilled 0 ax_saved 0")
int loop(void *ctx)
{
	__builtin_memset(g, 0, sizeof(g));
	bpf_loop(4, loop_cb, NULL, 0);
	return g[0] + g[1] + g[2] + g[3];
}

SEC("tc")
__description("kasan: 512-byte stack, check slots below it")
__success __bpf_kasan_aware __retval(42) __log_level(4)
/* the load reads the bytes of the store: elided */
__msg("bpf_kasan: inline, 1 accesses instrumented, 1 elided, 0 with a kept shadow address,")
__msg(" skipped stack 2 probe 0 ax 0, 22 insns added")
__msg("bpf_kasan: shapes one_granule 1 const_partial 0 var_partial 0 two_granule 0 two_byte 0 ")
__msg("folded 1 offset_added 0 kept 1 scratch_dst 0 scratch_dead 1 scratch_spilled 0 ax_saved 0")
__xlated("0: r1 = 42")
__xlated("1: *(u64 *)(r10 -512) = r1")
__xlated("2: r2 = {{.*}}")
__xlated("4: r0 = 0x{{[0-9a-f]+}}")
__xlated("6: r12 = r2")
__xlated("7: r12 >>= 3")
__xlated("8: r0 += r12")
/* r0 keeps the shadow address for the load through r2: shadow byte in AX */
__xlated("9: r12 = *(s8 *)(r0 +0)")
__xlated("10: if r12 == 0x0 goto pc+15")
/* the slow path saves r0-r5 in the slots below the 512 bytes */
__xlated("11: *(u64 *)(r10 -520) = r0")
__xlated("12: *(u64 *)(r10 -528) = r1")
__xlated("13: *(u64 *)(r10 -536) = r2")
__xlated("14: *(u64 *)(r10 -544) = r3")
__xlated("15: *(u64 *)(r10 -552) = r4")
__xlated("16: *(u64 *)(r10 -560) = r5")
__xlated("17: r1 = r2")
/* size 8, write, insn 4 */
__xlated("18: r2 = 1048")
__xlated("19: call unknown")
__xlated("20: r0 = *(u64 *)(r10 -520)")
__xlated("21: r1 = *(u64 *)(r10 -528)")
__xlated("22: r2 = *(u64 *)(r10 -536)")
__xlated("23: r3 = *(u64 *)(r10 -544)")
__xlated("24: r4 = *(u64 *)(r10 -552)")
__xlated("25: r5 = *(u64 *)(r10 -560)")
__xlated("26: *(u64 *)(r2 +0) = r1")
__xlated("27: r1 = 0")
__xlated("28: r1 = *(u64 *)(r2 +0)")
__xlated("29: r0 = *(u64 *)(r10 -512)")
__xlated("30: if r0 != r1 goto pc+1")
__xlated("31: exit")
__naked void stack_512(void)
{
	asm volatile ("					\
	r1 = 42;					\
	*(u64 *)(r10 - 512) = r1;			\
	r2 = %[g] ll;					\
	*(u64 *)(r2 + 0) = r1;				\
	r1 = 0;						\
	r1 = *(u64 *)(r2 + 0);				\
	r0 = *(u64 *)(r10 - 512);			\
	if r0 != r1 goto l0_%=;				\
	exit;						\
l0_%=:	r0 = 1;						\
	exit;						\
"	:
	: __imm_addr(g)
	: __clobber_all);
}

/* The program of the BPF_F_TEST_RND_HI32 tests below. */
#define RND_HI32_PROG(name)					\
__naked void name(void)							\
{								\
	asm volatile ("					\
	call %[bpf_get_prandom_u32];			\
	r0 &= 4;					\
	r1 = %[g] ll;					\
	r1 += r0;					\
	w2 = 5;						\
	*(u32 *)(r1 + 4) = r2;				\
	w0 = *(u32 *)(r1 + 4);				\
	exit;						\
"	:							\
	: __imm_addr(g),					\
	  __imm(bpf_get_prandom_u32)				\
	: __clobber_all);						\
}

/*
 * BPF_F_TEST_RND_HI32 puts random upper bits into r2 through AX after
 * w2 = 5, before the check (the zext pass runs after this one), and none
 * after the shadow load, a sign-extending load: a 64-bit definition. The
 * load reads the bytes of the store: elided. The store is at an unknown
 * offset in its granule: two shadow bytes.
 */
SEC("tc")
__description("kasan: BPF_F_TEST_RND_HI32 around the two-byte shadow load")
__success __bpf_kasan_aware __retval(5) __flag(BPF_F_TEST_RND_HI32) __log_level(4)
__arch_x86_64 __arch_arm64
__msg("bpf_kasan: inline, 1 accesses instrumented, 1 elided, 0 with a kept shadow address,")
__msg(" skipped stack 0 probe 0 ax 0, 21 insns added")
__msg("bpf_kasan: shapes one_granule 0 const_partial 0 var_partial 0 two_granule 1 two_byte 0 ")
__msg("folded 0 offset_added 1 kept 0 scratch_dst 0 scratch_dead 1 scratch_spilled 0 ax_saved 0")
__xlated("0: call {{.*}}")
__xlated("1: r0 &= 4")
__xlated("2: r1 = {{.*}}")
__xlated("4: r1 += r0")
__xlated("5: w2 = 5")
__xlated("6: r12 = {{-?[0-9]+}}")
__xlated("7: r12 <<= 32")
__xlated("8: r2 |= r12")
__xlated("9: r0 = 0x{{[0-9a-f]+}}")
__xlated("11: r12 = r1")
__xlated("12: r12 += 4")
__xlated("13: r12 >>= 3")
__xlated("14: r0 += r12")
__xlated("15: r0 = *(s16 *)(r0 +0)")
__xlated("16: if r0 == 0x0 goto pc+13")
__xlated("17: *(u64 *)(r10 -16) = r1")
__xlated("18: *(u64 *)(r10 -24) = r2")
__xlated("19: *(u64 *)(r10 -32) = r3")
__xlated("20: *(u64 *)(r10 -40) = r4")
__xlated("21: *(u64 *)(r10 -48) = r5")
__xlated("22: r1 += 4")
/* size 4, write, insn 6 */
__xlated("23: r2 = 1556")
__xlated("24: call unknown")
__xlated("25: r1 = *(u64 *)(r10 -16)")
__xlated("26: r2 = *(u64 *)(r10 -24)")
__xlated("27: r3 = *(u64 *)(r10 -32)")
__xlated("28: r4 = *(u64 *)(r10 -40)")
__xlated("29: r5 = *(u64 *)(r10 -48)")
__xlated("30: *(u32 *)(r1 +4) = r2")
__xlated("31: r0 = *(u32 *)(r1 +4)")
__xlated("32: exit")
RND_HI32_PROG(rnd_hi32)

/*
 * The same on s390x, which needs explicit zero extension: the JIT needs
 * the load of w0 to be zero-extended.
 */
SEC("tc")
__description("kasan: BPF_F_TEST_RND_HI32 around the two-byte shadow load (zext)")
__success __bpf_kasan_aware __retval(5) __flag(BPF_F_TEST_RND_HI32) __log_level(4)
__arch_s390x
__msg("bpf_kasan: inline, 1 accesses instrumented, 1 elided, 0 with a kept shadow address,")
__msg(" skipped stack 0 probe 0 ax 0, 21 insns added")
__msg("bpf_kasan: shapes one_granule 0 const_partial 0 var_partial 0 two_granule 1 two_byte 0 ")
__msg("folded 0 offset_added 1 kept 0 scratch_dst 0 scratch_dead 1 scratch_spilled 0 ax_saved 0")
__xlated("0: call {{.*}}")
__xlated("1: r0 &= 4")
__xlated("2: r1 = {{.*}}")
__xlated("4: r1 += r0")
__xlated("5: w2 = 5")
__xlated("6: r12 = {{-?[0-9]+}}")
__xlated("7: r12 <<= 32")
__xlated("8: r2 |= r12")
__xlated("9: r0 = 0x{{[0-9a-f]+}}")
__xlated("11: r12 = r1")
__xlated("12: r12 += 4")
__xlated("13: r12 >>= 3")
__xlated("14: r0 += r12")
__xlated("15: r0 = *(s16 *)(r0 +0)")
__xlated("16: if r0 == 0x0 goto pc+13")
__xlated("17: *(u64 *)(r10 -16) = r1")
__xlated("18: *(u64 *)(r10 -24) = r2")
__xlated("19: *(u64 *)(r10 -32) = r3")
__xlated("20: *(u64 *)(r10 -40) = r4")
__xlated("21: *(u64 *)(r10 -48) = r5")
__xlated("22: r1 += 4")
/* size 4, write, insn 6 */
__xlated("23: r2 = 1556")
__xlated("24: call unknown")
__xlated("25: r1 = *(u64 *)(r10 -16)")
__xlated("26: r2 = *(u64 *)(r10 -24)")
__xlated("27: r3 = *(u64 *)(r10 -32)")
__xlated("28: r4 = *(u64 *)(r10 -40)")
__xlated("29: r5 = *(u64 *)(r10 -48)")
__xlated("30: *(u32 *)(r1 +4) = r2")
__xlated("31: r0 = *(u32 *)(r1 +4)")
__xlated("32: w0 = w0")
__xlated("33: exit")
RND_HI32_PROG(rnd_hi32_zext)

/*
 * The same on riscv64: the two shadow bytes are loaded one by one, the
 * second into r0, sign-extending too; the JIT needs the load of w0 to be
 * zero-extended.
 */
SEC("tc")
__description("kasan: BPF_F_TEST_RND_HI32 around the two shadow byte loads")
__success __bpf_kasan_aware __retval(5) __flag(BPF_F_TEST_RND_HI32) __log_level(4)
__arch_riscv64
__msg("bpf_kasan: inline, 1 accesses instrumented, 1 elided, 0 with a kept shadow address,")
__msg(" skipped stack 0 probe 0 ax 0, 23 insns added")
__msg("bpf_kasan: shapes one_granule 0 const_partial 0 var_partial 0 two_granule 0 two_byte 1 ")
__msg("folded 0 offset_added 1 kept 0 scratch_dst 0 scratch_dead 1 scratch_spilled 0 ax_saved 0")
__xlated("0: call {{.*}}")
__xlated("1: r0 &= 4")
__xlated("2: r1 = {{.*}}")
__xlated("4: r1 += r0")
__xlated("5: w2 = 5")
__xlated("6: r12 = {{-?[0-9]+}}")
__xlated("7: r12 <<= 32")
__xlated("8: r2 |= r12")
__xlated("9: r0 = 0x{{[0-9a-f]+}}")
__xlated("11: r12 = r1")
__xlated("12: r12 += 4")
__xlated("13: r12 >>= 3")
__xlated("14: r0 += r12")
__xlated("15: r12 = *(s8 *)(r0 +0)")
__xlated("16: r0 = *(s8 *)(r0 +1)")
__xlated("17: r0 |= r12")
__xlated("18: if r0 == 0x0 goto pc+13")
__xlated("19: *(u64 *)(r10 -16) = r1")
__xlated("20: *(u64 *)(r10 -24) = r2")
__xlated("21: *(u64 *)(r10 -32) = r3")
__xlated("22: *(u64 *)(r10 -40) = r4")
__xlated("23: *(u64 *)(r10 -48) = r5")
__xlated("24: r1 += 4")
/* size 4, write, insn 6 */
__xlated("25: r2 = 1556")
__xlated("26: call unknown")
__xlated("27: r1 = *(u64 *)(r10 -16)")
__xlated("28: r2 = *(u64 *)(r10 -24)")
__xlated("29: r3 = *(u64 *)(r10 -32)")
__xlated("30: r4 = *(u64 *)(r10 -40)")
__xlated("31: r5 = *(u64 *)(r10 -48)")
__xlated("32: *(u32 *)(r1 +4) = r2")
__xlated("33: r0 = *(u32 *)(r1 +4)")
__xlated("34: w0 = w0")
__xlated("35: exit")
RND_HI32_PROG(rnd_hi32_bytes)

/*
 * Bytes checked once through a register are not checked again in the same
 * basic block while the register keeps its value and no call comes between
 * (a call may free memory): a counter update is one check.
 */
SEC("tc")
__description("kasan: load then store of the same bytes: one check")
__success __bpf_kasan_aware __retval(0)
__xlated("2: r2 = 0x{{[0-9a-f]+}}")
__xlated("...")
__xlated("22: r0 = *(u64 *)(r1 +8)")
__xlated("23: r0 += 1")
__xlated("24: *(u64 *)(r1 +8) = r0")
__xlated("25: *(u32 *)(r1 +12) = r0")
__xlated("26: r0 = 0")
__naked void elide_rmw(void)
{
	asm volatile ("					\
	r1 = %[g] ll;					\
	r0 = *(u64 *)(r1 + 8);				\
	r0 += 1;					\
	*(u64 *)(r1 + 8) = r0;				\
	*(u32 *)(r1 + 12) = r0;				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g)
	: __clobber_all);
}

SEC("tc")
__description("kasan: adjacent checks add up, a fall-through keeps them")
__success __log_level(4)
__msg("bpf_kasan: inline, 2 accesses instrumented, 2 elided,")
__naked void elide_adjacent(void)
{
	asm volatile ("					\
	r1 = %[g] ll;					\
	r0 = *(u32 *)(r1 + 8);				\
	r2 = *(u32 *)(r1 + 12);				\
	if r0 != 0 goto l0_%=;				\
	r0 = *(u64 *)(r1 + 8);				\
	r0 = *(u16 *)(r1 + 10);				\
l0_%=:	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g)
	: __clobber_all);
}

SEC("tc")
__description("kasan: checked again: more bytes, other bytes, base written")
__success __log_level(4)
__msg("bpf_kasan: inline, 4 accesses instrumented, 0 elided,")
__naked void elide_not_covered(void)
{
	asm volatile ("					\
	r1 = %[g] ll;					\
	r0 = *(u32 *)(r1 + 8);				\
	r0 = *(u64 *)(r1 + 8);				\
	r0 = *(u8 *)(r1 + 16);				\
	r1 += 0;					\
	r0 = *(u8 *)(r1 + 16);				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g)
	: __clobber_all);
}

SEC("tc")
__description("kasan: checked again after a call and at a branch target")
__success __log_level(4)
__msg("bpf_kasan: inline, 3 accesses instrumented, 0 elided,")
__naked void elide_call_target(void)
{
	asm volatile ("					\
	r6 = %[g] ll;					\
	r7 = *(u64 *)(r6 + 8);				\
	call %[bpf_get_prandom_u32];			\
	*(u64 *)(r6 + 8) = r0;				\
	if r0 != 0 goto l0_%=;				\
	r0 = 1;						\
l0_%=:	*(u64 *)(r6 + 8) = r0;				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g),
	  __imm(bpf_get_prandom_u32)
	: __clobber_all);
}

/*
 * Accesses through one base register in a basic block: the first check
 * keeps the shadow address of the base in a register that the next
 * accesses leave alone (r3 here), with the shadow byte in AX; the next
 * checks are a load and a branch.
 */
SEC("tc")
__description("kasan: loads through one base: the shadow address is kept")
__success __bpf_kasan_aware __retval(0)
__xlated("2: r3 = 0x{{[0-9a-f]+}}")
__xlated("4: r12 = r1")
__xlated("5: r12 >>= 3")
__xlated("6: r3 += r12")
__xlated("7: r12 = *(s8 *)(r3 +0)")
__xlated("8: if r12 == 0x0 goto pc+12")
/* r0, the destination, is dead: not saved */
__xlated("9: *(u64 *)(r10 -16) = r1")
__xlated("...")
__xlated("21: r0 = *(u64 *)(r1 +0)")
__xlated("22: r12 = *(s8 *)(r3 +1)")
__xlated("23: if r12 == 0x0 goto pc+13")
/* r3 is saved around the call now */
__xlated("24: *(u64 *)(r10 -8) = r0")
__xlated("25: *(u64 *)(r10 -16) = r1")
__xlated("26: *(u64 *)(r10 -32) = r3")
__xlated("...")
__xlated("37: r2 = *(u64 *)(r1 +8)")
__xlated("38: r0 += r2")
__xlated("39: r12 = *(s8 *)(r3 +2)")
__naked void kept_map_value(void)
{
	asm volatile ("					\
	r1 = %[g] ll;					\
	r0 = *(u64 *)(r1 + 0);				\
	r2 = *(u64 *)(r1 + 8);				\
	r0 += r2;					\
	r2 = *(u64 *)(r1 + 16);				\
	r0 += r2;					\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g)
	: __clobber_all);
}

/*
 * Unknown alignment: the partial-granule check computes in AX, so the
 * shadow byte goes to the destination of the load, and r3 keeps the
 * shadow address. Sign-extending loads: riscv64 would zero-extend u8 ones.
 */
SEC("tc")
__description("kasan: kept shadow address, partial granule at an unknown offset")
__success __bpf_kasan_aware __retval(0)
__xlated("5: r3 = 0x{{[0-9a-f]+}}")
__xlated("7: r12 = r1")
__xlated("8: r12 >>= 3")
__xlated("9: r3 += r12")
__xlated("10: r2 = *(s8 *)(r3 +0)")
__xlated("11: if r2 == 0x0 goto pc+15")
__xlated("12: r12 = r1")
__xlated("13: r12 &= 7")
__xlated("14: if r12 s< r2 goto pc+12")
__xlated("...")
__xlated("27: r2 = *(s8 *)(r1 +0)")
__xlated("28: r0 = *(s8 *)(r3 +1)")
__xlated("29: if r0 == 0x0 goto pc+17")
__xlated("30: r12 = r1")
__xlated("31: r12 += 8")
__xlated("32: r12 &= 7")
__xlated("33: if r12 s< r0 goto pc+13")
__xlated("...")
__xlated("47: r0 = *(s8 *)(r1 +8)")
__naked void kept_partial(void)
{
	asm volatile ("					\
	call %[bpf_get_prandom_u32];			\
	r0 &= 4;					\
	r1 = %[g] ll;					\
	r1 += r0;					\
	r2 = *(s8 *)(r1 + 0);				\
	r0 = *(s8 *)(r1 + 8);				\
	r0 += r2;					\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g),
	  __imm(bpf_get_prandom_u32)
	: __clobber_all);
}

SEC("tc")
__description("kasan: kept shadow address: base written, call and branch target end it")
__success __log_level(4)
__msg("bpf_kasan: inline, 7 accesses instrumented, 0 elided, 3 with a kept shadow address,")
__naked void kept_ends(void)
{
	asm volatile ("					\
	r6 = %[g] ll;					\
	r0 = *(u64 *)(r6 + 0);				\
	r0 = *(u64 *)(r6 + 8);				\
	r6 += 0;					\
	r0 = *(u64 *)(r6 + 16);				\
	r0 = *(u64 *)(r6 + 24);				\
	call %[bpf_get_prandom_u32];			\
	r1 = *(u64 *)(r6 + 0);				\
	if r0 != 0 goto l0_%=;				\
	r1 = *(u64 *)(r6 + 8);				\
l0_%=:	r1 = *(u64 *)(r6 + 16);				\
	r0 = 0;						\
	exit;						\
"	:
	: __imm_addr(g),
	  __imm(bpf_get_prandom_u32)
	: __clobber_all);
}

char _license[] SEC("license") = "GPL";
