/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bug zoo: proofs of concept of historical BPF verifier bugs, for
 * testing BPF KASAN only. Each PoC is a function that emits a raw BPF
 * program with BZ() and marks its out-of-bounds accesses with bz_bad().
 * The runner (bpf_kasan_bugzoo.c) loads it with the checks off, inline
 * and outline, runs it once by BPF_PROG_TEST_RUN and compares the
 * kernel's KASAN reports with the marked accesses.
 *
 * What a PoC gets, by index in fd_array (BPF_PSEUDO_MAP_IDX[_VALUE]):
 *
 *   BZ_MAP_VICTIM  array map, one element of b->vsz bytes (a multiple
 *                  of 8, at least 64), zero-filled. The runner sizes it
 *                  so that the 16 bytes after the element are in the
 *                  slack of its kmalloc object: poisoned by KASAN
 *                  (slab-out-of-bounds), used by nothing. A PoC makes the
 *                  verifier believe an access is inside the element
 *                  while it lands at b->vsz + 0..15 from its start.
 *   BZ_MAP_INPUT   array map, one element of 64 bytes: input[] of the
 *                  PoC (values the verifier cannot know).
 *   BZ_MAP_RINGBUF (ring buffer, 4096 bytes) for PoCs that need one.
 *
 * Convention: a PoC stores BZ_CANARY out of bounds, loads it back out of
 * bounds and returns what it loaded in R0 (the low 32 bits are what
 * BPF_PROG_TEST_RUN returns; return the low word of the canary). Both
 * accesses are marked, with bz_bad() or bz_covered(). With the checks off
 * the run returns BZ_CANARY_RET: the write landed outside the element
 * and nobody noticed. With the checks on, each access marked with
 * bz_bad() is reported once, and nothing else is.
 */
#ifndef __BPF_KASAN_BUGZOO_H
#define __BPF_KASAN_BUGZOO_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/filter.h>

#define BZ_MAX_INSNS	256
#define BZ_MAX_BAD	4

enum { BZ_MAP_VICTIM, BZ_MAP_INPUT, BZ_MAP_RINGBUF, BZ_NR_MAPS };

#define BZ_CANARY	0x6b61736162756700ULL	/* "kasabug\0", 8 bytes */
#define BZ_CANARY_RET	((__u32)BZ_CANARY)

struct bz_bad {
	int insn;	/* index in the program */
	int size;	/* bytes */
	bool write;
	bool covered;	/* not checked: see bz_covered() */
};

struct bz_prog {
	struct bpf_insn insns[BZ_MAX_INSNS];
	const char *file[BZ_MAX_INSNS];	/* source file of each insn */
	int line[BZ_MAX_INSNS];		/* and line */
	const char *text[BZ_MAX_INSNS];	/* its source text */
	int cnt;
	struct bz_bad bad[BZ_MAX_BAD];
	int nbad;
	int vsz;			/* value size of BZ_MAP_VICTIM */
	__u64 input[8];			/* the BZ_MAP_INPUT element */
};

/* Append insns (one, or two for a ld_imm64); returns the index of the first. */
int bz_emit(struct bz_prog *b, const struct bpf_insn *in, int n, const char *file, int line,
	    const char *text);

#define BZ(...)								\
	bz_emit(b, (const struct bpf_insn[]){ __VA_ARGS__ },		\
		sizeof((const struct bpf_insn[]){ __VA_ARGS__ }) /	\
		sizeof(struct bpf_insn), __FILE__, __LINE__, #__VA_ARGS__)

/* Mark the insn at @insn as an out-of-bounds access of @size bytes. */
void bz_bad(struct bz_prog *b, int insn, int size, bool write);
/*
 * The same, for an access the pass does not check because an earlier one
 * in the same basic block, through the same unchanged base register,
 * checked its bytes already (the read back right after the store): its
 * report is the earlier one's, and it must not get its own.
 */
void bz_covered(struct bz_prog *b, int insn, int size, bool write);

/*
 * ld_imm64 of a map (BPF_PSEUDO_MAP_IDX) or of its element's address: two
 * initializers, like BPF_LD_IMM64() (so no parentheses).
 */
#define BZ_LD_MAP(dst, idx)						\
	BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_IDX, 0, idx), \
	BPF_RAW_INSN(0, 0, 0, 0, 0)
#define BZ_LD_MAP_VALUE(dst, idx, off)					\
	BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_IDX_VALUE, 0, idx), \
	BPF_RAW_INSN(0, 0, 0, 0, off)
/* r0 = canary (64-bit), with a ld_imm64 */
#define BZ_LD_CANARY(dst)	BPF_LD_IMM64(dst, BZ_CANARY)

struct bz_poc {
	const char *name;	/* program name (at most 15 chars), table row */
	const char *fix;	/* "<12 hex> (\"<subject>\")" of the upstream fix */
	const char *cve;	/* "CVE-...", or "" */
	const char *patch;	/* bugzoo/<dir>: the patch re-introducing the bug */
	enum bpf_prog_type type;	/* SOCKET_FILTER, SCHED_CLS or XDP */
	void (*emit)(struct bz_prog *b);
};

#endif /* __BPF_KASAN_BUGZOO_H */
