/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every BPF instruction that accesses memory, once per size, for the
 * bpf_kasan tests: BPF_KASAN_INSN(name, size, align, asm, operands...) for
 * an access of size bytes at %[p] (a register), needing an align-ed
 * address. The asm may clobber r0-r2.
 *
 * Instructions that clang 19 cannot assemble (load-acquire, store-release)
 * are given as their encoding, the extra asm operand %[insn]; their asm
 * moves the pointer to r2 for it. The programs and the test's list have
 * them where the arch's JIT does (KASAN_LOAD_ACQ_STORE_REL,
 * bpf_kasan_common.h).
 *
 * Like include/linux/bpf_types.h, this file has no include guard: define
 * the macro, include it where the list goes, undefine it.
 */
BPF_KASAN_INSN(ldx_b,  1, 1, "r1 = *(u8 *)(%[p] + 0);")
BPF_KASAN_INSN(ldx_h,  2, 1, "r1 = *(u16 *)(%[p] + 0);")
BPF_KASAN_INSN(ldx_w,  4, 1, "r1 = *(u32 *)(%[p] + 0);")
BPF_KASAN_INSN(ldx_dw, 8, 1, "r1 = *(u64 *)(%[p] + 0);")
BPF_KASAN_INSN(ldsx_b, 1, 1, "r1 = *(s8 *)(%[p] + 0);")
BPF_KASAN_INSN(ldsx_h, 2, 1, "r1 = *(s16 *)(%[p] + 0);")
BPF_KASAN_INSN(ldsx_w, 4, 1, "r1 = *(s32 *)(%[p] + 0);")
BPF_KASAN_INSN(stx_b,  1, 1, "r1 = 0x5a; *(u8 *)(%[p] + 0) = r1;")
BPF_KASAN_INSN(stx_h,  2, 1, "r1 = 0x5a; *(u16 *)(%[p] + 0) = r1;")
BPF_KASAN_INSN(stx_w,  4, 1, "r1 = 0x5a; *(u32 *)(%[p] + 0) = r1;")
BPF_KASAN_INSN(stx_dw, 8, 1, "r1 = 0x5a; *(u64 *)(%[p] + 0) = r1;")
BPF_KASAN_INSN(st_b,   1, 1, "*(u8 *)(%[p] + 0) = 0x5a;")
BPF_KASAN_INSN(st_h,   2, 1, "*(u16 *)(%[p] + 0) = 0x5a;")
BPF_KASAN_INSN(st_w,   4, 1, "*(u32 *)(%[p] + 0) = 0x5a;")
BPF_KASAN_INSN(st_dw,  8, 1, "*(u64 *)(%[p] + 0) = 0x5a;")
BPF_KASAN_INSN(add_w,  4, 4, "w1 = 1; lock *(u32 *)(%[p] + 0) += w1;")
BPF_KASAN_INSN(add_dw, 8, 8, "r1 = 1; lock *(u64 *)(%[p] + 0) += r1;")
BPF_KASAN_INSN(and_w,  4, 4, "w1 = -1; lock *(u32 *)(%[p] + 0) &= w1;")
BPF_KASAN_INSN(and_dw, 8, 8, "r1 = -1; lock *(u64 *)(%[p] + 0) &= r1;")
BPF_KASAN_INSN(or_w,   4, 4, "w1 = 1; lock *(u32 *)(%[p] + 0) |= w1;")
BPF_KASAN_INSN(or_dw,  8, 8, "r1 = 1; lock *(u64 *)(%[p] + 0) |= r1;")
BPF_KASAN_INSN(xor_w,  4, 4, "w1 = 1; lock *(u32 *)(%[p] + 0) ^= w1;")
BPF_KASAN_INSN(xor_dw, 8, 8, "r1 = 1; lock *(u64 *)(%[p] + 0) ^= r1;")
BPF_KASAN_INSN(fetch_add_w,  4, 4, "w1 = 1; w1 = atomic_fetch_add((u32 *)(%[p] + 0), w1);")
BPF_KASAN_INSN(fetch_add_dw, 8, 8, "r1 = 1; r1 = atomic_fetch_add((u64 *)(%[p] + 0), r1);")
BPF_KASAN_INSN(fetch_and_w,  4, 4, "w1 = -1; w1 = atomic_fetch_and((u32 *)(%[p] + 0), w1);")
BPF_KASAN_INSN(fetch_and_dw, 8, 8, "r1 = -1; r1 = atomic_fetch_and((u64 *)(%[p] + 0), r1);")
BPF_KASAN_INSN(fetch_or_w,   4, 4, "w1 = 1; w1 = atomic_fetch_or((u32 *)(%[p] + 0), w1);")
BPF_KASAN_INSN(fetch_or_dw,  8, 8, "r1 = 1; r1 = atomic_fetch_or((u64 *)(%[p] + 0), r1);")
BPF_KASAN_INSN(fetch_xor_w,  4, 4, "w1 = 1; w1 = atomic_fetch_xor((u32 *)(%[p] + 0), w1);")
BPF_KASAN_INSN(fetch_xor_dw, 8, 8, "r1 = 1; r1 = atomic_fetch_xor((u64 *)(%[p] + 0), r1);")
BPF_KASAN_INSN(xchg_w,  4, 4, "w1 = 1; w1 = xchg32_32(%[p] + 0, w1);")
BPF_KASAN_INSN(xchg_dw, 8, 8, "r1 = 1; r1 = xchg_64(%[p] + 0, r1);")
BPF_KASAN_INSN(cmpxchg_w,  4, 4, "w0 = 0; w1 = 1; w0 = cmpxchg32_32(%[p] + 0, w0, w1);")
BPF_KASAN_INSN(cmpxchg_dw, 8, 8, "r0 = 0; r1 = 1; r0 = cmpxchg_64(%[p] + 0, r0, r1);")

#if KASAN_LOAD_ACQ_STORE_REL
BPF_KASAN_INSN(load_acq_b,  1, 1, "r2 = %[p]; .8byte %[insn];",
	       __imm_insn(insn, BPF_ATOMIC_OP(BPF_B, BPF_LOAD_ACQ, BPF_REG_1, BPF_REG_2, 0)))
BPF_KASAN_INSN(load_acq_h,  2, 2, "r2 = %[p]; .8byte %[insn];",
	       __imm_insn(insn, BPF_ATOMIC_OP(BPF_H, BPF_LOAD_ACQ, BPF_REG_1, BPF_REG_2, 0)))
BPF_KASAN_INSN(load_acq_w,  4, 4, "r2 = %[p]; .8byte %[insn];",
	       __imm_insn(insn, BPF_ATOMIC_OP(BPF_W, BPF_LOAD_ACQ, BPF_REG_1, BPF_REG_2, 0)))
BPF_KASAN_INSN(load_acq_dw, 8, 8, "r2 = %[p]; .8byte %[insn];",
	       __imm_insn(insn, BPF_ATOMIC_OP(BPF_DW, BPF_LOAD_ACQ, BPF_REG_1, BPF_REG_2, 0)))
BPF_KASAN_INSN(store_rel_b,  1, 1, "r2 = %[p]; w1 = 0x5a; .8byte %[insn];",
	       __imm_insn(insn, BPF_ATOMIC_OP(BPF_B, BPF_STORE_REL, BPF_REG_2, BPF_REG_1, 0)))
BPF_KASAN_INSN(store_rel_h,  2, 2, "r2 = %[p]; w1 = 0x5a; .8byte %[insn];",
	       __imm_insn(insn, BPF_ATOMIC_OP(BPF_H, BPF_STORE_REL, BPF_REG_2, BPF_REG_1, 0)))
BPF_KASAN_INSN(store_rel_w,  4, 4, "r2 = %[p]; w1 = 0x5a; .8byte %[insn];",
	       __imm_insn(insn, BPF_ATOMIC_OP(BPF_W, BPF_STORE_REL, BPF_REG_2, BPF_REG_1, 0)))
BPF_KASAN_INSN(store_rel_dw, 8, 8, "r2 = %[p]; r1 = 0x5a; .8byte %[insn];",
	       __imm_insn(insn, BPF_ATOMIC_OP(BPF_DW, BPF_STORE_REL, BPF_REG_2, BPF_REG_1, 0)))
#endif
