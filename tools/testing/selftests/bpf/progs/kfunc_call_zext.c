// SPDX-License-Identifier: GPL-2.0
/* Zero extension of 32-bit definitions passed as 64-bit kfunc arguments. */

#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"
#include "../test_kmods/bpf_testmod_kfunc.h"

/* BTF FUNC records, which libbpf needs to link the program, are not
 * generated for kfuncs referenced only from inline assembly: see
 * verifier_ref_tracking.c.
 */
void __kfunc_btf_root(void)
{
	bpf_kfunc_call_test4(0, 0, 0, 0);
}

/* A kfunc reads its 64-bit arguments in full, so a 32-bit definition passed
 * as one must be zero-extended. bpf_kfunc_call_test4(-1, -1, -1, d) returns
 * d - 3, which for any u32 d >= 3 has its high 32 bits clear; a high half
 * left sign-extended (or randomized by BPF_F_TEST_RND_HI32) sets them.
 */
#define MOV32_IMM_ARG_BODY				\
	"r1 = -1;"					\
	"r2 = -1;"					\
	"r3 = -1;"					\
	"w4 = -1;"					\
	"call %[bpf_kfunc_call_test4];"			\
	"r0 >>= 32;"					\
	"exit;"

SEC("tc")
__description("kfunc arg: mov32 imm zero extend check")
__success __retval(0)
__naked void kfunc_arg_mov32_imm_zero_extend_check(void)
{
	asm volatile (MOV32_IMM_ARG_BODY
	:
	: __imm(bpf_kfunc_call_test4)
	: __clobber_all);
}

SEC("tc")
__description("kfunc arg: alu32 zero extend check")
__success __retval(0)
__naked void kfunc_arg_alu32_zero_extend_check(void)
{
	asm volatile ("					\
	call %[bpf_get_prandom_u32];			\
	w4 = w0;					\
	w4 |= -2147483648;	/* u32: [2^31, 2^32) */	\
	r1 = -1;					\
	r2 = -1;					\
	r3 = -1;					\
	call %[bpf_kfunc_call_test4];			\
	r0 >>= 32;					\
	exit;						\
"	:
	: __imm(bpf_get_prandom_u32),
	  __imm(bpf_kfunc_call_test4)
	: __clobber_all);
}

SEC("tc")
__description("kfunc arg: mov32 imm zero extend check, rnd_hi32")
__success __retval(0)
__flag(BPF_F_TEST_RND_HI32)
__naked void kfunc_arg_mov32_imm_zero_extend_check_rnd_hi32(void)
{
	asm volatile (MOV32_IMM_ARG_BODY
	:
	: __imm(bpf_kfunc_call_test4)
	: __clobber_all);
}

SEC("tc")
__description("kfunc arg: narrow load zero extend check, rnd_hi32")
__success __retval(0)
__flag(BPF_F_TEST_RND_HI32)
__naked void kfunc_arg_narrow_load_zero_extend_check_rnd_hi32(void)
{
	asm volatile ("					\
	r1 = -1;					\
	*(u64 *)(r10 - 8) = r1;				\
	r4 = *(u32 *)(r10 - 8);				\
	r2 = -1;					\
	r3 = -1;					\
	call %[bpf_kfunc_call_test4];			\
	r0 >>= 32;					\
	exit;						\
"	:
	: __imm(bpf_kfunc_call_test4)
	: __clobber_all);
}

char _license[] SEC("license") = "GPL";
