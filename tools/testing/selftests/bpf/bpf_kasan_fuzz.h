/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differential fuzzing of the BPF KASAN rewrite: the program generator
 * (bpf_kasan_fuzz_gen.c) and what the runner (bpf_kasan_fuzz.c) needs
 * to know about its programs.
 */
#ifndef __BPF_KASAN_FUZZ_H
#define __BPF_KASAN_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/types.h>

/* xoshiro256**, seeded with splitmix64: the same sequence on every arch. */
struct fz_rng {
	__u64 s[4];
};

void fz_rng_seed(struct fz_rng *rng, __u64 seed);
__u64 fz_rng_next(struct fz_rng *rng);
__u64 fz_splitmix64(__u64 *state);

/* Uniform in [0, n), 0 when n is 0. */
static inline __u32 fz_below(struct fz_rng *rng, __u32 n)
{
	return n ? fz_rng_next(rng) % n : 0;
}

/* True with probability num/den. */
static inline bool fz_chance(struct fz_rng *rng, __u32 num, __u32 den)
{
	return fz_below(rng, den) < num;
}

/*
 * Maps, by their index in fd_array (BPF_PSEUDO_MAP_IDX[_VALUE]). The
 * FZ_MAP_V* arrays have one element of an odd size, so that accesses end
 * in partial granules; programs take their address directly (ld_imm64).
 */
enum fz_map {
	FZ_MAP_V13,
	FZ_MAP_V37,
	FZ_MAP_V100,
	FZ_MAP_V8,
	FZ_MAP_V61,
	FZ_MAP_LOOKUP,		/* 4 elements, bpf_map_lookup_elem() */
	FZ_MAP_OUT,		/* results of the epilogue and callbacks */
	FZ_MAP_PROGS,		/* prog array of the tail call */
	FZ_NR_MAPS,
};

#define FZ_NR_DIRECT_MAPS	(FZ_MAP_V61 + 1)
#define FZ_LOOKUP_ENTRIES	4
#define FZ_OUT_SIZE		32

/* fd_array: the maps, then the BTF of bpf_testmod (kfunc insn->off). */
#define FZ_FD_MOD_BTF		FZ_NR_MAPS
#define FZ_FD_ARRAY_CNT		(FZ_FD_MOD_BTF + 1)

struct fz_map_spec {
	const char *name;
	__u32 type;
	__u32 value_size;
	__u32 max_entries;
};

extern const struct fz_map_spec fz_maps[FZ_NR_MAPS];

/*
 * Kernel functions, by the index the generator puts into imm of a
 * BPF_PSEUDO_KFUNC_CALL; the runner replaces it with the BTF id.
 */
enum fz_kfunc {
	FZ_KF_RCU_LOCK,		/* bpf_rcu_read_lock() */
	FZ_KF_RCU_UNLOCK,	/* bpf_rcu_read_unlock() */
	FZ_KF_CAST_KERN_CTX,	/* bpf_cast_to_kern_ctx() */
	FZ_KF_COMMON_TEST,	/* bpf_testmod: bpf_kfunc_common_test() */
	FZ_KF_TEST4,		/* bpf_testmod: bpf_kfunc_call_test4(), tc */
	FZ_NR_KFUNCS,
};

extern const char * const fz_kfunc_names[FZ_NR_KFUNCS];
/* The first kfunc that lives in bpf_testmod. */
#define FZ_KF_FIRST_MODULE	FZ_KF_COMMON_TEST

/* What the generator may use: FZ_FEAT_* bits. */
enum {
	FZ_FEAT_LOAD_ACQ	= 1 << 0,	/* BPF_LOAD_ACQ, BPF_STORE_REL */
	FZ_FEAT_KFUNC		= 1 << 1,	/* vmlinux kfuncs */
	FZ_FEAT_TESTMOD		= 1 << 2,	/* bpf_testmod kfuncs */
	FZ_FEAT_GLOBAL_FUNC	= 1 << 3,	/* global subprograms, BTF */
	FZ_FEAT_TAIL_CALL	= 1 << 4,
	FZ_FEAT_LOOP		= 1 << 5,	/* bpf_loop() */
	FZ_FEAT_BIG		= 1 << 6,	/* programs that near the jump range */
	FZ_FEAT_ALL		= (1 << 7) - 1,
};

/*
 * Fields of the kernel's ctx objects (bpf_cast_to_kern_ctx()) that probe
 * loads read. The generator puts FZ_KFIELD_TAG | field into imm of the
 * BPF_LDX; the runner sets off from vmlinux BTF and imm to 0, so that the
 * generated program does not depend on the kernel's struct layout.
 */
enum fz_kfield {
	FZ_KFIELD_SKB_LEN,	/* struct sk_buff: len */
	FZ_KFIELD_SKB_MARK,	/* struct sk_buff: mark */
	FZ_KFIELD_XDP_FRAME_SZ,	/* struct xdp_buff: frame_sz */
	FZ_NR_KFIELDS,
};

#define FZ_KFIELD_TAG	0x4b460000

struct fz_config {
	__u32 features;
	__u32 big_period;	/* every big_period-th program is big, 0: none */
};

/* Snippet kinds, for the minimised program's description. */
enum fz_kind {
	FZ_K_CHAIN,
	FZ_K_ALL_LIVE,
	FZ_K_VAR_OFF,
	FZ_K_ATOMIC,
	FZ_K_CTX,
	FZ_K_PACKET,
	FZ_K_STACK,
	FZ_K_ALU,
	FZ_K_CALL,
	FZ_K_KFUNC,
	FZ_K_STATIC_SUB,
	FZ_K_GLOBAL_SUB,
	FZ_K_LOOP_CB,
	FZ_K_BRANCHY,
	FZ_K_LONG_JUMP,
	FZ_NR_KINDS,
};

extern const char * const fz_kind_names[FZ_NR_KINDS];

enum fz_sub_kind {
	FZ_SUB_STATIC,
	FZ_SUB_GLOBAL,
	FZ_SUB_CALLBACK,
};

struct fz_sub {
	int start, cnt;		/* in fz_prog.subs */
	enum fz_sub_kind kind;
	int nargs;
};

struct fz_snippet {
	enum fz_kind kind;
	int start, cnt;		/* in fz_prog.body */
	int sub_first, nsubs;	/* in fz_prog.sub_info */
};

struct fz_insns {
	struct bpf_insn *insns;
	int cnt, cap;
};

/*
 * A generated program: prologue, snippets, epilogue, then the snippets'
 * subprograms. Dropping a snippet (and its subprograms) keeps it valid.
 * In body and subs, a pseudo call or BPF_PSEUDO_FUNC ld_imm64 has the
 * index of a subprogram in imm; kfunc calls have an fz_kfunc.
 */
struct fz_prog {
	__u64 seed;
	__u32 index;
	__u32 type;		/* BPF_PROG_TYPE_* */
	__u32 prog_flags;	/* BPF_F_* besides BPF_F_ANY_ALIGNMENT */
	bool tail_call;		/* the epilogue tail calls tail_prog */
	int tail_at;		/* where in the epilogue the tail call begins */
	bool big;
	struct fz_insns prologue, body, epilogue, subs;
	struct fz_snippet *snips;
	int nsnips;
	struct fz_sub *sub_info;
	int nsubs;
	struct fz_prog *tail_prog;
	/* The inputs: packet, ctx_in, map contents. */
	__u8 pkt[128];
	__u32 pkt_len;
	struct __sk_buff skb;
	__u64 data_seed;	/* map contents, see fz_map_init() */
};

#define FZ_PKT_RANGE	64	/* bytes the prologue checks */

/* One func_info entry of an assembled program. */
struct fz_func {
	__u32 insn_off;
	enum fz_sub_kind kind;	/* the main program counts as static */
	int nargs;
	bool main;
};

/* A program laid out for loading, with a subset of its snippets. */
struct fz_image {
	struct bpf_insn *insns;
	int cnt;
	struct fz_func *funcs;
	int nfuncs;
	int *snip_at;		/* first insn of each snippet, -1: dropped */
	int epilogue_at;
	bool need_btf;		/* global subprograms: func_info needed */
	bool kfuncs;		/* calls kernel functions */
};

struct fz_prog *fz_generate(const struct fz_config *cfg, __u64 seed, __u32 index);
void fz_prog_free(struct fz_prog *p);
/*
 * @keep: one bool per snippet, then one for the tail call (without it,
 * the epilogue stores the result and exits), NULL for all.
 */
int fz_assemble(const struct fz_prog *p, const bool *keep, struct fz_image *img);
void fz_image_free(struct fz_image *img);
/* Initial contents of map @map, element @elem. */
void fz_map_init(const struct fz_prog *p, int map, __u32 elem, void *val);

#endif /* __BPF_KASAN_FUZZ_H */
