/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared between bpf_testmod, the bpf_kasan BPF programs and
 * prog_tests/bpf_kasan.c: the kinds of bad memory that
 * bpf_kfunc_kasan_mem() hands out.
 *
 * Every kind is a window of BPF_TESTMOD_KASAN_WIN bytes that the verifier
 * believes is valid read/write memory. Only part of it is valid for KASAN;
 * all of it is safe to read and write (no allocator or KASAN metadata lives
 * in it), so the original access may execute after the report.
 */
#ifndef _BPF_TESTMOD_KASAN_H
#define _BPF_TESTMOD_KASAN_H

#define BPF_TESTMOD_KASAN_WIN		128

/* A freed 128-byte slab object: [0, 128) bad (use-after-free). */
#define BPF_TESTMOD_KASAN_UAF		0
/* kmalloc(104): [0, 104) valid, [104, 128) slab redzone (out-of-bounds). */
#define BPF_TESTMOD_KASAN_OOB		1
/*
 * kmalloc(109): [0, 104) valid, granule [104, 112) partial with 5 valid
 * bytes (104..108 valid, 109..111 bad), [112, 128) slab redzone.
 */
#define BPF_TESTMOD_KASAN_PARTIAL	2
/* [0, 16) redzone before a 128-byte slab object at 16: [16, 128) valid. */
#define BPF_TESTMOD_KASAN_OOB_LEFT	3
/* End of vmalloc(PAGE_SIZE - 64): [0, 64) valid, [64, 128) bad. */
#define BPF_TESTMOD_KASAN_VMALLOC	4
#define BPF_TESTMOD_KASAN_NR_KINDS	5

/* First bad byte of each kind's window (0 for use-after-free). */
#define BPF_TESTMOD_KASAN_OOB_BAD	104
#define BPF_TESTMOD_KASAN_PARTIAL_BAD	109
#define BPF_TESTMOD_KASAN_LEFT_GOOD	16
#define BPF_TESTMOD_KASAN_VMALLOC_BAD	64

#endif /* _BPF_TESTMOD_KASAN_H */
