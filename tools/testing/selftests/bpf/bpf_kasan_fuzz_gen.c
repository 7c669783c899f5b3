// SPDX-License-Identifier: GPL-2.0
/*
 * Random BPF programs that the verifier accepts, for the differential
 * fuzzing of the BPF KASAN rewrite (bpf_kasan_fuzz.c).
 *
 * A program is a prologue, independent snippets and an epilogue:
 *
 * - the prologue zeroes an accumulator and a scalar stack area, spills the
 *   ctx pointer and, for XDP and tc, packet pointers checked for
 *   FZ_PKT_RANGE bytes;
 * - a snippet assumes no register (only the stack slots of the prologue),
 *   so that dropping any of them keeps the program valid: that is what
 *   the minimiser does. It adds every scalar register it leaves to the
 *   accumulator (atomic adds to the stack), and writes maps, the packet
 *   and the ctx;
 * - the epilogue stores the accumulator into a map, returns it, and may
 *   tail call a second generated program.
 *
 * Snippets are biased toward the decision points of kernel/bpf/kasan.c:
 * every register live at an access, loads into their base, chains of
 * accesses through one base with and without writes of the base, offsets
 * that fold into the shadow load or not, constant and variable offsets
 * into map values of odd sizes, unaligned accesses, every atomic, calls of
 * helpers, kfuncs, static and global subprograms and bpf_loop() callbacks
 * between accesses, branch targets inside chains, ctx conversions that
 * keep AX live, packet accesses, 32-bit ALU, stack spills and fills, and
 * jumps across thousands of accesses.
 *
 * Only valid memory is touched, and no pointer or random value reaches
 * anything observable: the generator tracks the type of each register
 * and only folds scalars derived from memory and constants.
 *
 * Everything comes from one xoshiro256** stream seeded from (seed, index):
 * the same program on every arch.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/kernel.h>
#include "bpf_kasan_fuzz.h"

const struct fz_map_spec fz_maps[FZ_NR_MAPS] = {
	[FZ_MAP_V13]	= { "fz_v13", BPF_MAP_TYPE_ARRAY, 13, 1 },
	[FZ_MAP_V37]	= { "fz_v37", BPF_MAP_TYPE_ARRAY, 37, 1 },
	[FZ_MAP_V100]	= { "fz_v100", BPF_MAP_TYPE_ARRAY, 100, 1 },
	[FZ_MAP_V8]	= { "fz_v8", BPF_MAP_TYPE_ARRAY, 8, 1 },
	[FZ_MAP_V61]	= { "fz_v61", BPF_MAP_TYPE_ARRAY, 61, 1 },
	[FZ_MAP_LOOKUP]	= { "fz_lookup", BPF_MAP_TYPE_ARRAY, 29, FZ_LOOKUP_ENTRIES },
	[FZ_MAP_OUT]	= { "fz_out", BPF_MAP_TYPE_ARRAY, FZ_OUT_SIZE, 1 },
	[FZ_MAP_PROGS]	= { "fz_progs", BPF_MAP_TYPE_PROG_ARRAY, 4, 1 },
};

const char * const fz_kfunc_names[FZ_NR_KFUNCS] = {
	[FZ_KF_RCU_LOCK]	= "bpf_rcu_read_lock",
	[FZ_KF_RCU_UNLOCK]	= "bpf_rcu_read_unlock",
	[FZ_KF_CAST_KERN_CTX]	= "bpf_cast_to_kern_ctx",
	[FZ_KF_COMMON_TEST]	= "bpf_kfunc_common_test",
	[FZ_KF_TEST4]		= "bpf_kfunc_call_test4",
};

const char * const fz_kind_names[FZ_NR_KINDS] = {
	[FZ_K_CHAIN]		= "chain",
	[FZ_K_ALL_LIVE]		= "all_live",
	[FZ_K_VAR_OFF]		= "var_off",
	[FZ_K_ATOMIC]		= "atomic",
	[FZ_K_CTX]		= "ctx",
	[FZ_K_PACKET]		= "packet",
	[FZ_K_STACK]		= "stack",
	[FZ_K_ALU]		= "alu",
	[FZ_K_CALL]		= "call",
	[FZ_K_KFUNC]		= "kfunc",
	[FZ_K_STATIC_SUB]	= "static_sub",
	[FZ_K_GLOBAL_SUB]	= "global_sub",
	[FZ_K_LOOP_CB]		= "loop_cb",
	[FZ_K_BRANCHY]		= "branchy",
	[FZ_K_LONG_JUMP]	= "long_jump",
};

/* PRNG */

__u64 fz_splitmix64(__u64 *state)
{
	__u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void fz_rng_seed(struct fz_rng *rng, __u64 seed)
{
	int i;

	for (i = 0; i < 4; i++)
		rng->s[i] = fz_splitmix64(&seed);
}

static __u64 rotl(__u64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

__u64 fz_rng_next(struct fz_rng *rng)
{
	__u64 *s = rng->s;
	__u64 result = rotl(s[1] * 5, 7) * 9;
	__u64 t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Register tracking */

enum fz_rt {
	RT_NONE,	/* not readable, or a value that must not be observed */
	RT_SCALAR,	/* deterministic scalar */
	RT_MAP,		/* map value of map, at off, plus [0, var] */
	RT_PKT,		/* packet, at off, checked for range bytes from 0 */
	RT_CTX,
	RT_STACK,	/* stack at off, accessible [lo, hi) */
	RT_BTF,		/* trusted kernel ctx (bpf_cast_to_kern_ctx()) */
};

struct fz_reg {
	enum fz_rt t;
	int map;
	int off;
	int var;	/* largest variable offset added, 0: none */
	int var_align;	/* the variable offset is a multiple of it */
	int range;
	int lo, hi;
};

#define NR_REGS		10	/* R0-R9 */
#define REG_FP		BPF_REG_10

/* Stack of the main program and of subprograms (r10-relative). */
#define MAIN_ACC	-8
#define MAIN_CTX	-16
#define MAIN_PKT	-24
#define MAIN_PKT_END	-32
#define MAIN_PTR0	-40
#define MAIN_AREA_LO	-120	/* scalar area [lo, hi), zeroed */
#define MAIN_AREA_HI	-48
#define SUB_ACC		-8
#define SUB_PTR0	-16
#define SUB_AREA_LO	-56
#define SUB_AREA_HI	-24

#define MAX_SUBS	8

struct fz_gen {
	struct fz_rng rng;
	const struct fz_config *cfg;
	struct fz_prog *p;
	struct fz_insns *out;
	struct fz_reg r[NR_REGS];
	bool sub;		/* generating a subprogram */
	bool callback;		/* a bpf_loop() callback: no LD_ABS */
	bool has_pkt;		/* packet slots in this frame */
	int acc, ptr_slot, area_lo, area_hi;
	int depth;		/* snippet nesting: subprograms hold no calls */
	struct bpf_insn last_load;	/* the last BPF_LDX of gen_access() */
};

static void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size);

	if (!p) {
		fprintf(stderr, "bpf_kasan_fuzz: out of memory\n");
		exit(2);
	}
	return p;
}

static void insns_add(struct fz_insns *b, struct bpf_insn insn)
{
	if (b->cnt == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->insns = xrealloc(b->insns, b->cap * sizeof(*b->insns));
	}
	b->insns[b->cnt++] = insn;
}

static void emit(struct fz_gen *g, __u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	struct bpf_insn insn = {
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm,
	};

	insns_add(g->out, insn);
}

static int here(struct fz_gen *g)
{
	return g->out->cnt;
}

/* Make the jump at @at land at the current end. */
static void land(struct fz_gen *g, int at)
{
	g->out->insns[at].off = here(g) - at - 1;
}

static __u32 rnd(struct fz_gen *g, __u32 n)
{
	return fz_below(&g->rng, n);
}

static bool coin(struct fz_gen *g, __u32 num, __u32 den)
{
	return fz_chance(&g->rng, num, den);
}

/* Inclusive range. */
static int rnd_range(struct fz_gen *g, int lo, int hi)
{
	return hi <= lo ? lo : lo + (int)rnd(g, hi - lo + 1);
}

static int pick_weighted(struct fz_gen *g, const int *w, int n)
{
	int i, total = 0, x;

	for (i = 0; i < n; i++)
		total += w[i];
	x = rnd(g, total);
	for (i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

static int bytes_to_size(int bytes)
{
	switch (bytes) {
	case 1:
		return BPF_B;
	case 2:
		return BPF_H;
	case 4:
		return BPF_W;
	default:
		return BPF_DW;
	}
}

static void set_scalar_reg(struct fz_gen *g, int reg)
{
	memset(&g->r[reg], 0, sizeof(g->r[reg]));
	g->r[reg].t = RT_SCALAR;
}

static void set_none(struct fz_gen *g, int reg)
{
	memset(&g->r[reg], 0, sizeof(g->r[reg]));
}

static bool is_ptr(const struct fz_reg *r)
{
	return r->t == RT_MAP || r->t == RT_PKT || r->t == RT_CTX ||
	       r->t == RT_STACK || r->t == RT_BTF;
}

/* A random register of R0-R9 not in @avoid, preferring unused ones. */
static int pick_reg(struct fz_gen *g, __u32 avoid)
{
	int cand[NR_REGS], n = 0, nfree = 0, free_cand[NR_REGS], r;

	for (r = 0; r < NR_REGS; r++) {
		if (avoid & (1u << r))
			continue;
		cand[n++] = r;
		if (g->r[r].t == RT_NONE)
			free_cand[nfree++] = r;
	}
	if (!n)
		return -1;
	if (nfree && coin(g, 2, 3))
		return free_cand[rnd(g, nfree)];
	return cand[rnd(g, n)];
}

/* Registers of a given type, as a mask. */
static __u32 regs_of(struct fz_gen *g, enum fz_rt t)
{
	__u32 m = 0;
	int r;

	for (r = 0; r < NR_REGS; r++)
		if (g->r[r].t == t)
			m |= 1u << r;
	return m;
}

static int pick_from(struct fz_gen *g, __u32 mask)
{
	int cand[NR_REGS], n = 0, r;

	for (r = 0; r < NR_REGS; r++)
		if (mask & (1u << r))
			cand[n++] = r;
	return n ? cand[rnd(g, n)] : -1;
}

/* Clobbered by a call: R0-R5. */
static void call_clobber(struct fz_gen *g)
{
	int r;

	for (r = BPF_REG_0; r <= BPF_REG_5; r++)
		set_none(g, r);
}

/* Pointers */

static const int direct_maps[] = { FZ_MAP_V13, FZ_MAP_V37, FZ_MAP_V100, FZ_MAP_V8, FZ_MAP_V61 };

static int pick_map(struct fz_gen *g, int min_size)
{
	int i, m;

	for (i = 0; i < 16; i++) {
		m = direct_maps[rnd(g, ARRAY_SIZE(direct_maps))];
		if ((int)fz_maps[m].value_size >= min_size)
			return m;
	}
	return FZ_MAP_V100;
}

static void ld_imm64(struct fz_gen *g, int reg, int src, __s32 lo, __s32 hi)
{
	emit(g, BPF_LD | BPF_DW | BPF_IMM, reg, src, 0, lo);
	emit(g, 0, 0, 0, 0, hi);
}

/* reg = &map value + off */
static void set_map_ptr(struct fz_gen *g, int reg, int map, int off)
{
	ld_imm64(g, reg, BPF_PSEUDO_MAP_IDX_VALUE, map, off);
	set_none(g, reg);
	g->r[reg].t = RT_MAP;
	g->r[reg].map = map;
	g->r[reg].off = off;
}

static void set_random_map_ptr(struct fz_gen *g, int reg, int min_size)
{
	int map = pick_map(g, min_size), vs = fz_maps[map].value_size, off = 0;

	/* A start inside the value, mostly 0 or a multiple of 8. */
	if (coin(g, 1, 3) && vs > min_size) {
		off = rnd(g, vs - min_size + 1);
		if (coin(g, 1, 2))
			off &= ~7;
	}
	set_map_ptr(g, reg, map, off);
}

static bool set_pkt_ptr(struct fz_gen *g, int reg)
{
	if (!g->has_pkt)
		return false;
	emit(g, BPF_LDX | BPF_MEM | BPF_DW, reg, REG_FP, MAIN_PKT, 0);
	set_none(g, reg);
	g->r[reg].t = RT_PKT;
	g->r[reg].range = FZ_PKT_RANGE;
	return true;
}

static bool set_ctx_ptr(struct fz_gen *g, int reg)
{
	if (g->sub)
		return false;
	emit(g, BPF_LDX | BPF_MEM | BPF_DW, reg, REG_FP, MAIN_CTX, 0);
	set_none(g, reg);
	g->r[reg].t = RT_CTX;
	return true;
}

/* reg = r10 + off, inside the scalar area. */
static void set_stack_ptr(struct fz_gen *g, int reg)
{
	int off = g->area_lo + 8 * rnd(g, (g->area_hi - g->area_lo) / 8);

	emit(g, BPF_ALU64 | BPF_MOV | BPF_X, reg, REG_FP, 0, 0);
	emit(g, BPF_ALU64 | BPF_ADD | BPF_K, reg, 0, 0, off);
	set_none(g, reg);
	g->r[reg].t = RT_STACK;
	g->r[reg].off = off;
	g->r[reg].lo = g->area_lo;
	g->r[reg].hi = g->area_hi;
}

/* A base for memory accesses: a map value, sometimes the packet. */
static void set_base(struct fz_gen *g, int reg, bool pkt_ok)
{
	if (pkt_ok && g->has_pkt && coin(g, 1, 4))
		set_pkt_ptr(g, reg);
	else
		set_random_map_ptr(g, reg, 8);
}

/* Scalars */

static __s32 rnd_imm(struct fz_gen *g)
{
	switch (rnd(g, 4)) {
	case 0:
		return rnd_range(g, -8, 8);
	case 1:
		return rnd(g, 256);
	case 2:
		return (__s32)fz_rng_next(&g->rng);
	default:
		return rnd_range(g, -70000, 70000);
	}
}

static bool gen_access(struct fz_gen *g, int b, int op, int dst);

enum {
	OP_LOAD,
	OP_LOADSX,
	OP_STX,
	OP_ST,
	OP_ATOMIC,
	OP_LOAD_ACQ,
	OP_STORE_REL,
	OP_RMW,		/* load, add, store back: the store's check is elided */
	NR_OPS,
};

/* Put a deterministic scalar into @reg. */
static void gen_scalar(struct fz_gen *g, int reg)
{
	__u32 ptrs = regs_of(g, RT_MAP) | regs_of(g, RT_PKT);
	__u32 scalars = regs_of(g, RT_SCALAR) & ~(1u << reg);
	int src;

	switch (rnd(g, 6)) {
	case 0:
		emit(g, BPF_ALU64 | BPF_MOV | BPF_K, reg, 0, 0, rnd_imm(g));
		break;
	case 1:
		emit(g, BPF_ALU | BPF_MOV | BPF_K, reg, 0, 0, rnd_imm(g));
		break;
	case 2:
		ld_imm64(g, reg, 0, (__s32)fz_rng_next(&g->rng), (__s32)fz_rng_next(&g->rng));
		break;
	case 3:
		src = pick_from(g, ptrs & ~(1u << reg));
		if (src >= 0 && gen_access(g, src, coin(g, 1, 4) ? OP_LOADSX : OP_LOAD, reg))
			return;
		emit(g, BPF_ALU64 | BPF_MOV | BPF_K, reg, 0, 0, rnd_imm(g));
		break;
	case 4:
		src = pick_from(g, scalars);
		if (src >= 0) {
			emit(g, BPF_ALU64 | BPF_MOV | BPF_X, reg, src, 0, 0);
			emit(g, BPF_ALU64 | BPF_XOR | BPF_K, reg, 0, 0, rnd_imm(g));
		} else {
			emit(g, BPF_ALU | BPF_MOV | BPF_K, reg, 0, 0, rnd_imm(g));
		}
		break;
	default: {
		/* From the zeroed (and since written) scalar area. */
		int bytes = 1 << rnd(g, 4);
		int slots = (g->area_hi - g->area_lo) / bytes;
		int off = g->area_lo + bytes * rnd(g, slots);

		emit(g, BPF_LDX | BPF_MEM | bytes_to_size(bytes), reg, REG_FP, off, 0);
		break;
	}
	}
	set_scalar_reg(g, reg);
}

/* A scalar register not in @avoid: an existing one or a new one. */
static int need_scalar(struct fz_gen *g, __u32 avoid)
{
	int r = pick_from(g, regs_of(g, RT_SCALAR) & ~avoid);

	if (r >= 0 && coin(g, 3, 4))
		return r;
	/* Do not overwrite pointers the caller still uses. */
	r = pick_from(g, (regs_of(g, RT_NONE) | regs_of(g, RT_SCALAR)) & ~avoid);
	if (r < 0)
		r = pick_reg(g, avoid);
	if (r < 0)
		return -1;
	gen_scalar(g, r);
	return r;
}

/* Memory accesses */

/*
 * The window of offsets @aoff at which an access of @size through @b
 * stays in bounds: [*lo, *hi]. *abs: the offset from an 8-aligned address
 * (map value start, stack slot) that aoff 0 has, for alignment.
 */
static bool access_window(struct fz_gen *g, int b, int size, int *lo, int *hi, int *abs)
{
	const struct fz_reg *r = &g->r[b];

	switch (r->t) {
	case RT_MAP:
		*lo = -r->off;
		*hi = (int)fz_maps[r->map].value_size - r->off - r->var - size;
		*abs = r->off;
		break;
	case RT_PKT:
		*lo = -r->off;
		*hi = r->range - r->off - size;
		*abs = r->off;
		break;
	case RT_STACK:
		*lo = r->lo - r->off;
		*hi = r->hi - r->off - size;
		*abs = r->off;
		break;
	default:
		return false;
	}
	return *hi >= *lo;
}

/* a mod m in [0, m) */
static int mod(int a, int m)
{
	return ((a % m) + m) % m;
}

/*
 * An offset in [lo, hi]: a multiple of 8 (folds into the shadow load), one
 * aligned to @size, one crossing a granule, or any. @strict: must be
 * aligned (stack, atomics).
 */
static bool pick_off(struct fz_gen *g, int lo, int hi, int abs, int size, bool strict,
		     int *aoff)
{
	int i, o, n;

	if (strict) {
		/* First aligned offset at or above lo. */
		o = lo + mod(-(abs + lo), size);
		if (o > hi)
			return false;
		n = (hi - o) / size + 1;
		*aoff = o + size * rnd(g, n);
		/* Prefer offsets that fold. */
		if (coin(g, 1, 3) && ((*aoff) & 7))
			for (i = o; i <= hi; i += size)
				if (!(i & 7)) {
					*aoff = i;
					break;
				}
		return true;
	}
	for (i = 0; i < 8; i++) {
		o = rnd_range(g, lo, hi);
		switch (rnd(g, 4)) {
		case 0:
			o &= ~7;
			break;
		case 1:
			o -= mod(abs + o, size);
			break;
		case 2:
			if (size > 1)
				o += 7 - mod(abs + o, 8) - rnd(g, size - 1);
			break;
		default:
			break;
		}
		if (o >= lo && o <= hi) {
			*aoff = o;
			return true;
		}
	}
	*aoff = lo;
	return true;
}

static int pick_size(struct fz_gen *g, int op)
{
	static const int any[] = { 1, 2, 4, 8 };

	switch (op) {
	case OP_LOADSX:
		return 1 << rnd(g, 3);
	case OP_ATOMIC:
		return coin(g, 1, 2) ? 4 : 8;
	default:
		return any[rnd(g, 4)];
	}
}

/* Which kinds of base an op may use. */
static bool op_ok(struct fz_gen *g, const struct fz_reg *r, int op)
{
	switch (op) {
	case OP_ATOMIC:
		return r->t == RT_MAP || r->t == RT_STACK;
	case OP_LOAD_ACQ:
	case OP_STORE_REL:
		return (g->cfg->features & FZ_FEAT_LOAD_ACQ) && r->t == RT_MAP;
	default:
		return r->t == RT_MAP || r->t == RT_PKT || r->t == RT_STACK;
	}
}

static const __s32 atomic_ops[] = {
	BPF_ADD, BPF_AND, BPF_OR, BPF_XOR,
	BPF_ADD | BPF_FETCH, BPF_AND | BPF_FETCH, BPF_OR | BPF_FETCH,
	BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG,
};

static bool gen_ctx_access(struct fz_gen *g, int b, int op, int dst);
static bool gen_probe_load(struct fz_gen *g, int b, int dst);

/*
 * One access through @b. @dst: destination of a load, -1 to choose.
 * Returns false when @b cannot take this op.
 */
static bool gen_access(struct fz_gen *g, int b, int op, int dst)
{
	struct fz_reg *r = &g->r[b];
	int size, lo, hi, abs, aoff, src, imm;
	bool strict;

	if (r->t == RT_CTX)
		return gen_ctx_access(g, b, op, dst);
	if (r->t == RT_BTF)
		return gen_probe_load(g, b, dst);
	if (!op_ok(g, r, op))
		return false;
	size = pick_size(g, op);
	/* Atomics and every stack access must be aligned. */
	strict = op == OP_ATOMIC || op == OP_LOAD_ACQ || op == OP_STORE_REL || r->t == RT_STACK;
	if (strict && r->var && r->var_align % size)
		return false;
	if (!access_window(g, b, size, &lo, &hi, &abs))
		return false;
	if (!pick_off(g, lo, hi, abs, size, strict, &aoff))
		return false;

	switch (op) {
	case OP_LOAD:
	case OP_LOADSX:
	case OP_LOAD_ACQ:
		if (dst < 0)
			dst = coin(g, 1, 8) ? b : pick_reg(g, 1u << b);
		if (op == OP_LOAD_ACQ)
			emit(g, BPF_STX | BPF_ATOMIC | bytes_to_size(size), dst, b, aoff,
			     BPF_LOAD_ACQ);
		else if (op == OP_LOADSX && size < 8)
			emit(g, BPF_LDX | BPF_MEMSX | bytes_to_size(size), dst, b, aoff, 0);
		else
			emit(g, BPF_LDX | BPF_MEM | bytes_to_size(size), dst, b, aoff, 0);
		g->last_load = g->out->insns[here(g) - 1];
		set_scalar_reg(g, dst);
		return true;
	case OP_STX:
	case OP_STORE_REL:
		src = need_scalar(g, 1u << b);
		if (src < 0)
			return false;
		if (op == OP_STORE_REL)
			emit(g, BPF_STX | BPF_ATOMIC | bytes_to_size(size), b, src, aoff,
			     BPF_STORE_REL);
		else
			emit(g, BPF_STX | BPF_MEM | bytes_to_size(size), b, src, aoff, 0);
		return true;
	case OP_ST:
		emit(g, BPF_ST | BPF_MEM | bytes_to_size(size), b, 0, aoff, rnd_imm(g));
		return true;
	case OP_RMW:
		if (dst < 0 || dst == b)
			dst = pick_reg(g, 1u << b);
		emit(g, BPF_LDX | BPF_MEM | bytes_to_size(size), dst, b, aoff, 0);
		emit(g, BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, rnd_range(g, 1, 9));
		emit(g, BPF_STX | BPF_MEM | bytes_to_size(size), b, dst, aoff, 0);
		set_scalar_reg(g, dst);
		return true;
	case OP_ATOMIC:
		imm = atomic_ops[rnd(g, ARRAY_SIZE(atomic_ops))];
		if (imm == BPF_CMPXCHG) {
			/* R0 is compared and written: a scalar, not the base. */
			if (b == BPF_REG_0) {
				imm = BPF_XCHG;
			} else if (g->r[BPF_REG_0].t != RT_SCALAR || coin(g, 1, 2)) {
				if (coin(g, 1, 2))
					/* The old value: the exchange happens. */
					emit(g, BPF_LDX | BPF_MEM | bytes_to_size(size),
					     BPF_REG_0, b, aoff, 0);
				else
					emit(g, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0,
					     rnd_imm(g));
				set_scalar_reg(g, BPF_REG_0);
			}
		}
		src = need_scalar(g, (1u << b) | (imm == BPF_CMPXCHG ? 1u : 0));
		if (src < 0)
			return false;
		emit(g, BPF_STX | BPF_ATOMIC | bytes_to_size(size), b, src, aoff, imm);
		if (imm == BPF_CMPXCHG)
			set_scalar_reg(g, BPF_REG_0);
		else if (imm & BPF_FETCH)
			set_scalar_reg(g, src);
		return true;
	}
	return false;
}

/* ctx fields */

enum {
	CF_NARROW	= 1 << 0,	/* 1- and 2-byte reads */
	CF_WRITE	= 1 << 1,	/* tc may write it */
	CF_SK		= 1 << 2,	/* socket filters may read it */
	CF_SK_WRITE	= 1 << 3,	/* socket filters may write it */
	CF_AX		= 1 << 4,	/* its conversion keeps AX live */
	CF_ANY		= 1 << 5,	/* any size, aligned (cb) */
};

struct fz_ctx_field {
	__u16 off;
	__u8 size;
	__u8 flags;
	__u8 weight;
};

#define SKB(f)	offsetof(struct __sk_buff, f)

static const struct fz_ctx_field skb_fields[] = {
	{ SKB(len), 4, CF_NARROW | CF_SK, 2 },
	{ SKB(pkt_type), 4, CF_NARROW | CF_SK, 1 },
	{ SKB(mark), 4, CF_NARROW | CF_SK | CF_WRITE, 3 },
	{ SKB(queue_mapping), 4, CF_NARROW | CF_SK, 1 },
	{ SKB(protocol), 4, CF_NARROW | CF_SK, 1 },
	{ SKB(vlan_present), 4, CF_NARROW | CF_SK, 1 },
	{ SKB(vlan_tci), 4, CF_NARROW | CF_SK, 1 },
	{ SKB(vlan_proto), 4, CF_NARROW | CF_SK, 1 },
	{ SKB(priority), 4, CF_NARROW | CF_SK | CF_WRITE, 2 },
	{ SKB(ingress_ifindex), 4, CF_NARROW | CF_SK, 1 },
	{ SKB(ifindex), 4, CF_NARROW | CF_SK, 2 },
	{ SKB(tc_index), 4, CF_NARROW | CF_SK | CF_WRITE, 1 },
	{ SKB(cb), 20, CF_ANY | CF_SK | CF_WRITE | CF_SK_WRITE, 4 },
	{ SKB(hash), 4, CF_NARROW | CF_SK, 1 },
	{ SKB(tc_classid), 4, CF_NARROW | CF_WRITE, 1 },
	{ SKB(napi_id), 4, CF_NARROW | CF_SK, 1 },
	{ SKB(tstamp), 8, CF_WRITE, 1 },
	{ SKB(wire_len), 4, 0, 1 },
	{ SKB(gso_segs), 4, CF_NARROW | CF_SK | CF_AX, 5 },
	{ SKB(gso_size), 4, CF_NARROW | CF_SK | CF_AX, 5 },
	{ SKB(hwtstamp), 8, CF_AX, 5 },
};

#define XDP(f)	offsetof(struct xdp_md, f)

static const struct fz_ctx_field xdp_fields[] = {
	{ XDP(ingress_ifindex), 4, 0, 2 },
	{ XDP(rx_queue_index), 4, 0, 1 },
};

static const struct fz_ctx_field *pick_field(struct fz_gen *g, bool write)
{
	const struct fz_ctx_field *f = skb_fields;
	int i, n = ARRAY_SIZE(skb_fields);
	int w[ARRAY_SIZE(skb_fields)];
	bool sk = g->p->type == BPF_PROG_TYPE_SOCKET_FILTER;

	if (g->p->type == BPF_PROG_TYPE_XDP) {
		if (write)
			return NULL;
		return &xdp_fields[pick_weighted(g, (const int[]){ 2, 1 }, 2)];
	}
	for (i = 0; i < n; i++) {
		w[i] = f[i].weight;
		if (sk && !(f[i].flags & CF_SK))
			w[i] = 0;
		if (write && !(f[i].flags & (sk ? CF_SK_WRITE : CF_WRITE)))
			w[i] = 0;
	}
	return &f[pick_weighted(g, w, n)];
}

static bool gen_ctx_access(struct fz_gen *g, int b, int op, int dst)
{
	bool write = op == OP_STX || op == OP_ST || op == OP_RMW;
	const struct fz_ctx_field *f = pick_field(g, write);
	int size = f ? f->size : 0, off, src;

	if (!f)
		return false;
	off = f->off;
	if (f->flags & CF_ANY) {
		size = 1 << rnd(g, 4);
		/* cb[]: aligned, inside the 20 bytes */
		off = f->off + size * rnd(g, (f->size - size) / size + 1);
		if (size == 8 && off + 8 > f->off + f->size)
			off -= 8;
	} else if (!write && (f->flags & CF_NARROW) && coin(g, 1, 3)) {
		size = coin(g, 1, 2) ? 1 : 2;
		off += size * rnd(g, f->size / size);
	}
	if (write) {
		/* STX only: BPF_ST into ctx is not allowed. */
		src = need_scalar(g, 1u << b);
		if (src < 0)
			return false;
		emit(g, BPF_STX | BPF_MEM | bytes_to_size(size), b, src, off, 0);
		return true;
	}
	if (dst < 0)
		dst = coin(g, 1, 5) ? b : pick_reg(g, 1u << b);
	emit(g, BPF_LDX | BPF_MEM | bytes_to_size(size), dst, b, off, 0);
	set_scalar_reg(g, dst);
	return true;
}

/* A load from the kernel's ctx object: PROBE_MEM, skipped by the pass. */
static bool gen_probe_load(struct fz_gen *g, int b, int dst)
{
	int field;

	if (g->p->type == BPF_PROG_TYPE_XDP)
		field = FZ_KFIELD_XDP_FRAME_SZ;
	else
		field = coin(g, 1, 2) ? FZ_KFIELD_SKB_LEN : FZ_KFIELD_SKB_MARK;
	if (dst < 0)
		dst = pick_reg(g, 0);
	/* off comes from BTF when loading */
	emit(g, BPF_LDX | BPF_MEM | BPF_W, dst, b, 0, FZ_KFIELD_TAG | field);
	set_scalar_reg(g, dst);
	return true;
}

/* ALU */

static void gen_alu(struct fz_gen *g, __u32 avoid)
{
	static const int ops[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH,
		BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END,
	};
	int d = need_scalar(g, avoid), s, op, cls;
	bool alu64 = coin(g, 1, 2);
	__s16 off = 0;

	if (d < 0)
		return;
	cls = alu64 ? BPF_ALU64 : BPF_ALU;
	op = ops[rnd(g, ARRAY_SIZE(ops))];
	if (op == BPF_NEG) {
		emit(g, cls | BPF_NEG, d, 0, 0, 0);
		return;
	}
	if (op == BPF_END) {
		static const int widths[] = { 16, 32, 64 };

		if (alu64)	/* bswap */
			emit(g, BPF_ALU64 | BPF_END | BPF_TO_LE, d, 0, 0, widths[rnd(g, 3)]);
		else
			emit(g, BPF_ALU | BPF_END | (coin(g, 1, 2) ? BPF_TO_BE : BPF_TO_LE),
			     d, 0, 0, widths[rnd(g, 3)]);
		return;
	}
	if ((op == BPF_DIV || op == BPF_MOD) && coin(g, 1, 3))
		off = 1;	/* signed */
	if (op == BPF_MOV && coin(g, 1, 3)) {
		/* movsx */
		s = pick_from(g, regs_of(g, RT_SCALAR));
		if (s >= 0) {
			off = alu64 ? 8 << rnd(g, 3) : 8 << rnd(g, 2);
			emit(g, cls | BPF_MOV | BPF_X, d, s, off, 0);
			return;
		}
	}
	if (coin(g, 1, 2)) {
		s = pick_from(g, regs_of(g, RT_SCALAR));
		if (s >= 0) {
			if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
				/* shift amounts in range: masked the same way everywhere */
				emit(g, BPF_ALU64 | BPF_AND | BPF_K, s, 0, 0, alu64 ? 63 : 31);
			emit(g, cls | op | BPF_X, d, s, off, 0);
			return;
		}
	}
	switch (op) {
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		emit(g, cls | op | BPF_K, d, 0, 0, rnd(g, alu64 ? 64 : 32));
		break;
	case BPF_DIV:
	case BPF_MOD: {
		__s32 imm = rnd_imm(g);

		if (imm == 0 || imm == -1)
			imm = 7;
		emit(g, cls | op | BPF_K, d, 0, off, imm);
		break;
	}
	default:
		emit(g, cls | op | BPF_K, d, 0, 0, rnd_imm(g));
		break;
	}
}

/* Fold every scalar register into the accumulator. */
static void gen_fold(struct fz_gen *g)
{
	int r;

	for (r = 0; r < NR_REGS; r++) {
		if (g->r[r].t != RT_SCALAR)
			continue;
		if (coin(g, 1, 2))
			emit(g, BPF_ALU64 | BPF_MUL | BPF_K, r, 0, 0, (rnd_imm(g) | 1));
		emit(g, BPF_STX | BPF_ATOMIC | BPF_DW, REG_FP, r, g->acc,
		     coin(g, 3, 4) ? BPF_ADD : BPF_XOR);
	}
}

/*
 * With BPF_F_TEST_RND_HI32, the verifier gives every 32-bit definition
 * random upper bits unless it saw them read as 64 bits. It marks such
 * reads only on the paths it walks: a read on a path pruned at a branch
 * join (7.2 tracks no zero extension in state pruning), or of an argument
 * of a global function, lets random bits through, with or without the
 * checks. Before each branch, read every scalar as 64 bits, so that these
 * programs test how the pass keeps the zero extension data, not that.
 */
static void zext_guard(struct fz_gen *g)
{
	int r;

	if (!(g->p->prog_flags & BPF_F_TEST_RND_HI32))
		return;
	for (r = 0; r < NR_REGS; r++)
		if (g->r[r].t == RT_SCALAR)
			emit(g, BPF_ALU64 | BPF_MOV | BPF_X, r, r, 0, 0);
}

/* Branches: a region some path skips; the join keeps what both agree on. */

struct fz_region {
	struct fz_reg saved[NR_REGS];
	int jump;
};

static void region_begin(struct fz_gen *g, struct fz_region *rg, int jump)
{
	memcpy(rg->saved, g->r, sizeof(rg->saved));
	rg->jump = jump;
}

static void region_end(struct fz_gen *g, struct fz_region *rg)
{
	int r;

	land(g, rg->jump);
	for (r = 0; r < NR_REGS; r++) {
		if (g->r[r].t == RT_SCALAR && rg->saved[r].t == RT_SCALAR)
			continue;
		if (memcmp(&g->r[r], &rg->saved[r], sizeof(g->r[r])))
			set_none(g, r);
	}
}

static const int jmp_ops[] = {
	BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE,
	BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET,
};

/* A conditional jump on a scalar, to be landed; -1 if there is none. */
static int gen_cond_jump(struct fz_gen *g, __u32 avoid)
{
	int s = need_scalar(g, avoid), s2, at;
	int cls = coin(g, 1, 3) ? BPF_JMP32 : BPF_JMP;
	int op = jmp_ops[rnd(g, ARRAY_SIZE(jmp_ops))];

	if (s < 0)
		return -1;
	zext_guard(g);
	at = here(g);
	s2 = pick_from(g, regs_of(g, RT_SCALAR) & ~(1u << s));
	if (s2 >= 0 && coin(g, 1, 3))
		emit(g, cls | op | BPF_X, s, s2, 0, 0);
	else
		emit(g, cls | op | BPF_K, s, 0, 0, rnd_imm(g));
	return at;
}

/* Helper calls whose result is discarded. */
static void gen_helper_call(struct fz_gen *g)
{
	static const int ids[] = {
		BPF_FUNC_get_prandom_u32, BPF_FUNC_ktime_get_ns,
		BPF_FUNC_get_smp_processor_id, BPF_FUNC_jiffies64,
	};

	emit(g, BPF_JMP | BPF_CALL, 0, 0, 0, ids[rnd(g, 4)]);
	call_clobber(g);
}

static void kfunc_call(struct fz_gen *g, int kf)
{
	emit(g, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, kf);
	call_clobber(g);
}

static bool has_kfuncs(struct fz_gen *g)
{
	return g->cfg->features & FZ_FEAT_KFUNC;
}

/* Something between two accesses of a chain through @b. */
static void gen_interlude(struct fz_gen *g, int b)
{
	struct fz_reg *r = &g->r[b];
	int x, vs;

	switch (pick_weighted(g, (const int[]){ 40, 18, 10, 5, 8, 4, 3 }, 7)) {
	case 0:
		break;
	case 1:
		gen_alu(g, 1u << b);
		break;
	case 2:
		/* The base moves: the kept shadow address must go. */
		if (r->t == RT_MAP && !r->var) {
			vs = fz_maps[r->map].value_size;
			x = rnd(g, vs - 1) - r->off;
			if (coin(g, 1, 2))
				x &= ~7;
			if (r->off + x < 0 || r->off + x >= vs)
				x = 0;
			emit(g, BPF_ALU64 | BPF_ADD | BPF_K, b, 0, 0, x);
			r->off += x;
		} else if (r->t == RT_PKT && r->off + 8 < r->range) {
			emit(g, BPF_ALU64 | BPF_ADD | BPF_K, b, 0, 0, 8);
			r->off += 8;
		}
		break;
	case 3:
		/* Same address in another register. */
		x = pick_reg(g, 1u << b);
		emit(g, BPF_ALU64 | BPF_MOV | BPF_X, x, b, 0, 0);
		g->r[x] = *r;
		break;
	case 4:
		if (b >= BPF_REG_6 && g->depth == 0)
			gen_helper_call(g);
		break;
	case 5:
		if (b >= BPF_REG_6 && g->depth == 0 && has_kfuncs(g)) {
			kfunc_call(g, FZ_KF_RCU_LOCK);
			kfunc_call(g, FZ_KF_RCU_UNLOCK);
		}
		break;
	default:
		/* The base itself is written, with the same value. */
		if (r->t == RT_MAP && !r->var)
			set_map_ptr(g, b, r->map, r->off);
		break;
	}
}

static int pick_op(struct fz_gen *g, const struct fz_reg *r)
{
	static const int w[NR_OPS] = {
		[OP_LOAD] = 34, [OP_LOADSX] = 8, [OP_STX] = 16, [OP_ST] = 10,
		[OP_ATOMIC] = 12, [OP_LOAD_ACQ] = 4, [OP_STORE_REL] = 4, [OP_RMW] = 8,
	};
	int i, op;

	for (i = 0; i < 8; i++) {
		op = pick_weighted(g, w, NR_OPS);
		if (op_ok(g, r, op))
			return op;
	}
	return OP_LOAD;
}

/* Snippets */

/* A chain of accesses through one base register. */
static void snip_chain(struct fz_gen *g)
{
	struct fz_region rg;
	int b, i, n, op, at;

	b = coin(g, 2, 5) ? BPF_REG_6 + rnd(g, 4) : rnd(g, NR_REGS);
	set_base(g, b, true);
	n = rnd(g, 9);
	for (i = 0; i < n; i++) {
		int x = pick_reg(g, 1u << b);

		gen_scalar(g, x);
	}
	n = 2 + rnd(g, 7);
	for (i = 0; i < n && is_ptr(&g->r[b]); i++) {
		if (i)
			gen_interlude(g, b);
		if (!is_ptr(&g->r[b]))
			break;
		op = pick_op(g, &g->r[b]);
		/* A branch target inside the chain. */
		if (coin(g, 1, 8)) {
			at = gen_cond_jump(g, 1u << b);
			if (at >= 0) {
				region_begin(g, &rg, at);
				gen_access(g, b, op, -1);
				region_end(g, &rg);
				continue;
			}
		}
		gen_access(g, b, op, -1);
	}
	gen_fold(g);
}

/* Every register live at the accesses: the pass must spill its scratch. */
static void snip_all_live(struct fz_gen *g)
{
	int b = rnd(g, NR_REGS), r, i, n, op;

	set_base(g, b, true);
	for (r = 0; r < NR_REGS; r++)
		if (r != b)
			gen_scalar(g, r);
	n = 1 + rnd(g, 3);
	for (i = 0; i < n && is_ptr(&g->r[b]); i++) {
		op = pick_weighted(g, (const int[]){ 3, 1, 4, 2, 3, 1, 1, 1 }, NR_OPS);
		if (!op_ok(g, &g->r[b], op))
			op = OP_STX;
		/* Loads go into the base (no dead register) or a live one. */
		gen_access(g, b, op, coin(g, 1, 2) ? b : pick_reg(g, 1u << b));
	}
	gen_fold(g);
}

/* A bounded scalar added to a map value pointer: granule unknown. */
static void snip_var_off(struct fz_gen *g)
{
	static const int masks[] = { 1, 3, 7, 15, 31, 8, 24, 56 };
	int mask = masks[rnd(g, ARRAY_SIZE(masks))];
	int i = pick_reg(g, 0), t, b, map, vs, off, n, k;

	/* i = an unknown byte from a map value, bounded */
	t = pick_reg(g, 1u << i);
	set_random_map_ptr(g, t, 1);
	if (!gen_access(g, t, OP_LOAD, i))
		emit(g, BPF_ALU64 | BPF_MOV | BPF_K, i, 0, 0, rnd_imm(g));
	set_scalar_reg(g, i);
	emit(g, (coin(g, 1, 2) ? BPF_ALU : BPF_ALU64) | BPF_AND | BPF_K, i, 0, 0, mask);
	b = pick_reg(g, 1u << i);
	map = pick_map(g, mask + 9);
	vs = fz_maps[map].value_size;
	off = rnd(g, vs - mask - 8);
	if (coin(g, 1, 2))
		off &= ~7;
	set_map_ptr(g, b, map, off);
	if (coin(g, 1, 2)) {
		emit(g, BPF_ALU64 | BPF_ADD | BPF_X, b, i, 0, 0);
	} else {
		/* scalar += pointer: the pointer moves to i */
		emit(g, BPF_ALU64 | BPF_ADD | BPF_X, i, b, 0, 0);
		emit(g, BPF_ALU64 | BPF_MOV | BPF_X, b, i, 0, 0);
		set_none(g, i);
	}
	g->r[b].var = mask;
	g->r[b].var_align = mask & -mask;
	n = 1 + rnd(g, 5);
	for (k = 0; k < n && is_ptr(&g->r[b]); k++) {
		if (k)
			gen_interlude(g, b);
		if (is_ptr(&g->r[b]))
			gen_access(g, b, pick_op(g, &g->r[b]), -1);
	}
	gen_fold(g);
}

/* Atomics of every op and size, cmpxchg with R0 live. */
static void snip_atomic(struct fz_gen *g)
{
	int b = rnd(g, NR_REGS), r, i, n, op;

	if (coin(g, 1, 5))
		set_stack_ptr(g, b);
	else
		set_random_map_ptr(g, b, 8);
	for (r = 0; r < NR_REGS; r++)
		if (r != b && coin(g, 1, 2))
			gen_scalar(g, r);
	n = 1 + rnd(g, 4);
	for (i = 0; i < n; i++) {
		op = OP_ATOMIC;
		if (coin(g, 1, 4) && op_ok(g, &g->r[b], OP_LOAD_ACQ))
			op = coin(g, 1, 2) ? OP_LOAD_ACQ : OP_STORE_REL;
		if (op == OP_LOAD_ACQ && !gen_access(g, b, op, pick_reg(g, 1u << b)))
			gen_access(g, b, OP_ATOMIC, -1);
		else if (op != OP_LOAD_ACQ)
			gen_access(g, b, op, -1);
	}
	gen_fold(g);
}

/* LD_ABS / LD_IND: tc and socket filters, R6 = ctx, R0-R5 clobbered. */
static void gen_ld_abs(struct fz_gen *g)
{
	static const int sizes[] = { BPF_B, BPF_H, BPF_W };
	int size = sizes[rnd(g, 3)], x;

	if (g->r[BPF_REG_6].t != RT_CTX)
		set_ctx_ptr(g, BPF_REG_6);
	if (coin(g, 1, 2)) {
		emit(g, BPF_LD | BPF_ABS | size, 0, 0, 0, rnd(g, 64));
	} else {
		x = need_scalar(g, (1u << BPF_REG_6) | 1u);
		emit(g, BPF_ALU64 | BPF_AND | BPF_K, x, 0, 0, 31);
		emit(g, BPF_LD | BPF_IND | size, 0, x, 0, rnd(g, 32));
	}
	call_clobber(g);
	set_scalar_reg(g, BPF_REG_0);
}

/* ctx: conversions, narrow loads, writes, loads into the ctx register. */
static void snip_ctx(struct fz_gen *g)
{
	int c = rnd(g, NR_REGS), i, n, op;
	bool skb = g->p->type != BPF_PROG_TYPE_XDP;

	if (g->sub) {
		snip_chain(g);
		return;
	}
	set_ctx_ptr(g, c);
	for (i = 0; i < NR_REGS; i++)
		if (i != c && coin(g, 1, 3))
			gen_scalar(g, i);
	n = 1 + rnd(g, 6);
	for (i = 0; i < n; i++) {
		if (g->r[c].t != RT_CTX)
			set_ctx_ptr(g, c);
		if (skb && !g->callback && coin(g, 1, 6)) {
			gen_ld_abs(g);
			continue;
		}
		op = coin(g, 1, 4) && g->p->type != BPF_PROG_TYPE_XDP ? OP_STX : OP_LOAD;
		gen_access(g, c, op, -1);
	}
	gen_fold(g);
}

/* Packet: the prologue's checked pointer, a fresh check, a variable offset. */
static void snip_packet(struct fz_gen *g)
{
	struct fz_region rg;
	int b, e, t, i, n, k, mask, len, at;
	bool skb = g->p->type == BPF_PROG_TYPE_SCHED_CLS;

	if (!g->has_pkt) {
		snip_chain(g);
		return;
	}
	b = rnd(g, NR_REGS);
	switch (rnd(g, 3)) {
	case 0:
		set_pkt_ptr(g, b);
		break;
	case 1:
		/* b = ctx->data, checked here for len bytes */
		len = 8 + rnd(g, FZ_PKT_RANGE - 7);
		e = pick_reg(g, 1u << b);
		set_ctx_ptr(g, e);
		emit(g, BPF_LDX | BPF_MEM | BPF_W, b, e,
		     skb ? SKB(data) : XDP(data), 0);
		emit(g, BPF_LDX | BPF_MEM | BPF_W, e, e,
		     skb ? SKB(data_end) : XDP(data_end), 0);
		t = pick_reg(g, (1u << b) | (1u << e));
		emit(g, BPF_ALU64 | BPF_MOV | BPF_X, t, b, 0, 0);
		emit(g, BPF_ALU64 | BPF_ADD | BPF_K, t, 0, 0, len);
		set_none(g, t);
		set_none(g, e);
		set_none(g, b);
		g->r[b].t = RT_PKT;
		g->r[b].range = len;
		zext_guard(g);
		at = here(g);
		emit(g, BPF_JMP | BPF_JGT | BPF_X, t, e, 0, 0);
		region_begin(g, &rg, at);
		goto accesses;
	default:
		/* b = data + (byte & mask), checked again */
		mask = (1 << rnd(g, 5)) - 1;
		len = 1 + rnd(g, FZ_PKT_RANGE - mask - 1);
		k = pick_reg(g, 1u << b);
		set_pkt_ptr(g, k);
		if (!gen_access(g, k, OP_LOAD, k))
			emit(g, BPF_ALU64 | BPF_MOV | BPF_K, k, 0, 0, 3);
		emit(g, BPF_ALU64 | BPF_AND | BPF_K, k, 0, 0, mask);
		set_pkt_ptr(g, b);
		emit(g, BPF_ALU64 | BPF_ADD | BPF_X, b, k, 0, 0);
		e = pick_reg(g, (1u << b) | (1u << k));
		emit(g, BPF_LDX | BPF_MEM | BPF_DW, e, REG_FP, MAIN_PKT_END, 0);
		t = pick_reg(g, (1u << b) | (1u << e));
		emit(g, BPF_ALU64 | BPF_MOV | BPF_X, t, b, 0, 0);
		emit(g, BPF_ALU64 | BPF_ADD | BPF_K, t, 0, 0, len);
		set_none(g, e);
		set_none(g, t);
		g->r[b].range = len;
		g->r[b].off = 0;
		zext_guard(g);
		at = here(g);
		emit(g, BPF_JMP | BPF_JGT | BPF_X, t, e, 0, 0);
		region_begin(g, &rg, at);
		goto accesses;
	}
	n = 1 + rnd(g, 6);
	for (i = 0; i < n && is_ptr(&g->r[b]); i++) {
		if (i)
			gen_interlude(g, b);
		if (is_ptr(&g->r[b]))
			gen_access(g, b, pick_op(g, &g->r[b]), -1);
	}
	gen_fold(g);
	return;
accesses:
	n = 1 + rnd(g, 5);
	for (i = 0; i < n && is_ptr(&g->r[b]); i++)
		gen_access(g, b, pick_op(g, &g->r[b]), -1);
	/* what the checked path loaded, before the paths join */
	gen_fold(g);
	region_end(g, &rg);
	gen_fold(g);
}

/* Spills and fills, stack pointers in registers, stack atomics. */
static void snip_stack(struct fz_gen *g)
{
	struct fz_reg spilled;
	int i, n, a, d, bytes, off, slots;

	n = 2 + rnd(g, 5);
	for (i = 0; i < n; i++) {
		switch (rnd(g, 5)) {
		case 0:
			/* A map pointer spilled, the register reused, filled back. */
			a = rnd(g, NR_REGS);
			set_random_map_ptr(g, a, 8);
			spilled = g->r[a];
			emit(g, BPF_STX | BPF_MEM | BPF_DW, REG_FP, a, g->ptr_slot, 0);
			gen_scalar(g, a);
			d = rnd(g, NR_REGS);
			emit(g, BPF_LDX | BPF_MEM | BPF_DW, d, REG_FP, g->ptr_slot, 0);
			g->r[d] = spilled;
			gen_access(g, d, pick_op(g, &g->r[d]), -1);
			break;
		case 1:
			/* A scalar store of any size into the area. */
			bytes = 1 << rnd(g, 4);
			slots = (g->area_hi - g->area_lo) / bytes;
			off = g->area_lo + bytes * rnd(g, slots);
			if (coin(g, 1, 2)) {
				a = need_scalar(g, 0);
				emit(g, BPF_STX | BPF_MEM | bytes_to_size(bytes), REG_FP, a, off,
				     0);
			} else {
				emit(g, BPF_ST | BPF_MEM | bytes_to_size(bytes), REG_FP, 0, off,
				     rnd_imm(g));
			}
			break;
		case 2:
			/* A load of any size from the area. */
			bytes = 1 << rnd(g, 4);
			slots = (g->area_hi - g->area_lo) / bytes;
			off = g->area_lo + bytes * rnd(g, slots);
			d = pick_reg(g, 0);
			emit(g, BPF_LDX | BPF_MEM | bytes_to_size(bytes), d, REG_FP, off, 0);
			set_scalar_reg(g, d);
			break;
		case 3:
			/* A stack pointer in another register. */
			a = rnd(g, NR_REGS);
			set_stack_ptr(g, a);
			gen_access(g, a, pick_op(g, &g->r[a]), -1);
			if (g->r[a].t == RT_STACK)
				gen_access(g, a, pick_op(g, &g->r[a]), -1);
			break;
		default:
			/* A scalar spilled and filled through the area. */
			a = need_scalar(g, 0);
			off = g->area_lo + 8 * rnd(g, (g->area_hi - g->area_lo) / 8);
			emit(g, BPF_STX | BPF_MEM | BPF_DW, REG_FP, a, off, 0);
			d = pick_reg(g, 0);
			bytes = 1 << rnd(g, 4);
			emit(g, BPF_LDX | BPF_MEM | bytes_to_size(bytes), d, REG_FP,
			     off + (8 - bytes) * rnd(g, 2), 0);
			set_scalar_reg(g, d);
			break;
		}
	}
	gen_fold(g);
}

/* Scalar computations, 32-bit ones with their zero extension. */
static void snip_alu(struct fz_gen *g)
{
	int b = rnd(g, NR_REGS), i, n;

	set_random_map_ptr(g, b, 8);
	n = 1 + rnd(g, 3);
	for (i = 0; i < n; i++)
		gen_access(g, b, coin(g, 1, 3) ? OP_LOADSX : OP_LOAD, pick_reg(g, 1u << b));
	n = 3 + rnd(g, 10);
	for (i = 0; i < n; i++)
		gen_alu(g, 1u << b);
	n = rnd(g, 3);
	for (i = 0; i < n; i++)
		gen_access(g, b, OP_STX, -1);
	gen_fold(g);
}

/* Helper calls between accesses through a callee-saved base; map lookups. */
static void snip_call(struct fz_gen *g)
{
	struct bpf_insn last;
	struct fz_region rg;
	int b = BPF_REG_6 + rnd(g, 4), i, n, op, key_off, at;

	set_base(g, b, true);
	n = 1 + rnd(g, 4);
	for (i = 0; i < n; i++) {
		memset(&g->last_load, 0, sizeof(g->last_load));
		op = coin(g, 1, 2) ? OP_LOAD : pick_op(g, &g->r[b]);
		gen_access(g, b, op, -1);
		last = g->last_load;
		if (coin(g, 1, 2)) {
			gen_helper_call(g);
		} else {
			/* r0 = lookup(map, &key): the inlined array lookup */
			key_off = g->area_lo + 8 * rnd(g, (g->area_hi - g->area_lo) / 8);
			emit(g, BPF_ST | BPF_MEM | BPF_W, REG_FP, 0, key_off,
			     rnd(g, FZ_LOOKUP_ENTRIES));
			ld_imm64(g, BPF_REG_1, BPF_PSEUDO_MAP_IDX, FZ_MAP_LOOKUP, 0);
			emit(g, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, REG_FP, 0, 0);
			emit(g, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, key_off);
			emit(g, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
			call_clobber(g);
			zext_guard(g);
			at = here(g);
			emit(g, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 0, 0);
			region_begin(g, &rg, at);
			g->r[0].t = RT_MAP;
			g->r[0].map = FZ_MAP_LOOKUP;
			gen_access(g, BPF_REG_0, pick_op(g, &g->r[0]), -1);
			if (g->r[0].t == RT_MAP)
				gen_access(g, BPF_REG_0, pick_op(g, &g->r[0]), -1);
			gen_fold(g);
			region_end(g, &rg);
		}
		if (!is_ptr(&g->r[b]))
			break;
		/* The same load again: not elided across the call. */
		if (last.code && last.src_reg == b) {
			insns_add(g->out, last);
			set_scalar_reg(g, last.dst_reg);
		} else {
			gen_access(g, b, op, -1);
		}
		if (!is_ptr(&g->r[b]))
			break;
	}
	gen_fold(g);
}

/* kfuncs between accesses; probe loads from the kernel ctx. */
static void snip_kfunc(struct fz_gen *g)
{
	__u32 f = g->cfg->features;
	int b, i, n, v;

	v = rnd(g, 4);
	if (v == 1 && g->sub)
		v = 0;
	if (v >= 2 && !(f & FZ_FEAT_TESTMOD))
		v = 0;
	if (v == 3 && g->p->type != BPF_PROG_TYPE_SCHED_CLS)
		v = 2;
	switch (v) {
	case 0:
		/* bpf_rcu_read_lock(); accesses; bpf_rcu_read_unlock(); */
		kfunc_call(g, FZ_KF_RCU_LOCK);
		b = rnd(g, NR_REGS);
		set_base(g, b, true);
		n = 1 + rnd(g, 4);
		for (i = 0; i < n && is_ptr(&g->r[b]); i++)
			gen_access(g, b, pick_op(g, &g->r[b]), -1);
		gen_fold(g);
		kfunc_call(g, FZ_KF_RCU_UNLOCK);
		break;
	case 1:
		set_ctx_ptr(g, BPF_REG_1);
		kfunc_call(g, FZ_KF_CAST_KERN_CTX);
		g->r[0].t = RT_BTF;
		b = BPF_REG_0;
		if (coin(g, 1, 2)) {
			b = BPF_REG_6 + rnd(g, 4);
			emit(g, BPF_ALU64 | BPF_MOV | BPF_X, b, BPF_REG_0, 0, 0);
			g->r[b].t = RT_BTF;
		}
		n = 1 + rnd(g, 3);
		for (i = 0; i < n && g->r[b].t == RT_BTF; i++)
			gen_probe_load(g, b, pick_reg(g, 1u << b));
		gen_fold(g);
		break;
	case 2:
		/* a call of a module kfunc between accesses */
		b = BPF_REG_6 + rnd(g, 4);
		set_base(g, b, true);
		gen_access(g, b, pick_op(g, &g->r[b]), -1);
		kfunc_call(g, FZ_KF_COMMON_TEST);
		if (is_ptr(&g->r[b]))
			gen_access(g, b, pick_op(g, &g->r[b]), -1);
		gen_fold(g);
		break;
	default:
		/* long bpf_kfunc_call_test4(signed char, short, int, long) */
		for (i = BPF_REG_1; i <= BPF_REG_4; i++)
			gen_scalar(g, i);
		kfunc_call(g, FZ_KF_TEST4);
		set_scalar_reg(g, BPF_REG_0);
		gen_fold(g);
		break;
	}
}

/* Subprograms */

static void gen_frame_begin(struct fz_gen *g)
{
	int off;

	emit(g, BPF_ST | BPF_MEM | BPF_DW, REG_FP, 0, g->acc, 0);
	for (off = g->area_lo; off < g->area_hi; off += 8)
		emit(g, BPF_ST | BPF_MEM | BPF_DW, REG_FP, 0, off, 0);
	emit(g, BPF_ST | BPF_MEM | BPF_DW, REG_FP, 0, g->ptr_slot, 0);
}

static void gen_sub_body(struct fz_gen *g);

/*
 * Start a subprogram of the current snippet: returns its index, with the
 * generator switched to it; sub_end() switches back.
 */
struct fz_saved_gen {
	struct fz_insns *out;
	struct fz_reg r[NR_REGS];
	bool sub, callback, has_pkt;
	int acc, ptr_slot, area_lo, area_hi;
	struct fz_insns body;
};

static int sub_begin(struct fz_gen *g, struct fz_saved_gen *s, enum fz_sub_kind kind,
		     int nargs)
{
	struct fz_prog *p = g->p;
	struct fz_sub *sub;

	s->out = g->out;
	memcpy(s->r, g->r, sizeof(s->r));
	s->sub = g->sub;
	s->callback = g->callback;
	s->has_pkt = g->has_pkt;
	s->acc = g->acc;
	s->ptr_slot = g->ptr_slot;
	s->area_lo = g->area_lo;
	s->area_hi = g->area_hi;
	memset(&s->body, 0, sizeof(s->body));

	p->sub_info = xrealloc(p->sub_info, (p->nsubs + 1) * sizeof(*p->sub_info));
	sub = &p->sub_info[p->nsubs];
	sub->kind = kind;
	sub->nargs = nargs;
	sub->start = 0;
	sub->cnt = 0;

	g->out = &s->body;
	g->sub = true;
	g->callback = kind == FZ_SUB_CALLBACK;
	g->has_pkt = false;
	g->acc = SUB_ACC;
	g->ptr_slot = SUB_PTR0;
	g->area_lo = SUB_AREA_LO;
	g->area_hi = SUB_AREA_HI;
	g->depth++;
	return p->nsubs++;
}

static void sub_end(struct fz_gen *g, struct fz_saved_gen *s, int idx)
{
	struct fz_prog *p = g->p;
	int i;

	p->sub_info[idx].start = p->subs.cnt;
	p->sub_info[idx].cnt = s->body.cnt;
	for (i = 0; i < s->body.cnt; i++)
		insns_add(&p->subs, s->body.insns[i]);
	free(s->body.insns);
	g->out = s->out;
	memcpy(g->r, s->r, sizeof(g->r));
	g->sub = s->sub;
	g->callback = s->callback;
	g->has_pkt = s->has_pkt;
	g->acc = s->acc;
	g->ptr_slot = s->ptr_slot;
	g->area_lo = s->area_lo;
	g->area_hi = s->area_hi;
	g->depth--;
}

/* What a subprogram does with its arguments and its own maps. */
static void gen_sub_body(struct fz_gen *g)
{
	__u32 ptrs;
	int b, i, n, k, m;

	m = 1 + rnd(g, 2);
	for (k = 0; k < m; k++) {
		ptrs = regs_of(g, RT_MAP) | regs_of(g, RT_PKT) | regs_of(g, RT_STACK);
		b = pick_from(g, ptrs);
		if (b < 0 || coin(g, 1, 4)) {
			b = pick_reg(g, 0);
			set_random_map_ptr(g, b, 8);
		}
		n = 1 + rnd(g, 5);
		for (i = 0; i < n && is_ptr(&g->r[b]); i++) {
			if (i)
				gen_interlude(g, b);
			if (is_ptr(&g->r[b]))
				gen_access(g, b, pick_op(g, &g->r[b]), -1);
		}
		if (coin(g, 1, 2))
			gen_alu(g, 0);
	}
	gen_fold(g);
}

static void gen_sub_return_acc(struct fz_gen *g)
{
	emit(g, BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_0, REG_FP, g->acc, 0);
	emit(g, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static bool subs_left(struct fz_gen *g)
{
	return g->p->nsubs < MAX_SUBS && g->depth == 0;
}

/* A static subprogram taking pointers (map value, packet, stack) and scalars. */
static void snip_static_sub(struct fz_gen *g)
{
	struct fz_saved_gen s;
	struct fz_reg args[6];
	int nargs = 1 + rnd(g, 5), r, idx;

	if (!subs_left(g)) {
		snip_chain(g);
		return;
	}
	for (r = BPF_REG_6; r <= BPF_REG_9; r++)
		if (coin(g, 1, 3))
			gen_scalar(g, r);
	for (r = BPF_REG_1; r <= nargs; r++) {
		switch (pick_weighted(g, (const int[]){ 5, 2, 1, 3 }, 4)) {
		case 0:
			set_random_map_ptr(g, r, 8);
			break;
		case 1:
			if (set_pkt_ptr(g, r))
				break;
			fallthrough;
		case 2:
			set_stack_ptr(g, r);
			break;
		default:
			gen_scalar(g, r);
			break;
		}
	}
	memcpy(args, g->r, sizeof(args));
	idx = sub_begin(g, &s, FZ_SUB_STATIC, nargs);
	for (r = 0; r < NR_REGS; r++)
		set_none(g, r);
	for (r = BPF_REG_1; r <= nargs; r++)
		g->r[r] = args[r];
	/* A stack pointer of the caller: only its window, no own area. */
	for (r = BPF_REG_1; r <= nargs; r++)
		if (g->r[r].t == RT_STACK) {
			g->r[r].lo -= g->r[r].off;
			g->r[r].hi -= g->r[r].off;
			g->r[r].off = 0;
		}
	gen_frame_begin(g);
	gen_sub_body(g);
	gen_sub_return_acc(g);
	sub_end(g, &s, idx);
	/* Caller-frame stack pointers keep their r10-relative form. */
	emit(g, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, idx);
	call_clobber(g);
	set_scalar_reg(g, BPF_REG_0);
	gen_fold(g);
}

/* A global subprogram: verified alone, scalar arguments, BTF needed. */
static void snip_global_sub(struct fz_gen *g)
{
	struct fz_saved_gen s;
	int nargs = 1 + rnd(g, 5), r, idx, b, mask, map, i, n;

	if (!subs_left(g) || !(g->cfg->features & FZ_FEAT_GLOBAL_FUNC)) {
		snip_chain(g);
		return;
	}
	for (r = BPF_REG_1; r <= nargs; r++)
		gen_scalar(g, r);
	/* see zext_guard(): arguments of global functions */
	zext_guard(g);
	idx = sub_begin(g, &s, FZ_SUB_GLOBAL, nargs);
	for (r = 0; r < NR_REGS; r++)
		set_none(g, r);
	for (r = BPF_REG_1; r <= nargs; r++)
		set_scalar_reg(g, r);
	gen_frame_begin(g);
	/* An argument bounds a variable offset into a map value. */
	mask = (1 << rnd(g, 6)) - 1;
	map = pick_map(g, mask + 9);
	b = BPF_REG_6 + rnd(g, 4);
	r = BPF_REG_1 + rnd(g, nargs);
	emit(g, BPF_ALU64 | BPF_AND | BPF_K, r, 0, 0, mask);
	set_map_ptr(g, b, map, 0);
	emit(g, BPF_ALU64 | BPF_ADD | BPF_X, b, r, 0, 0);
	g->r[b].var = mask;
	g->r[b].var_align = mask ? mask & -mask : 8;
	n = 1 + rnd(g, 5);
	for (i = 0; i < n && is_ptr(&g->r[b]); i++)
		gen_access(g, b, pick_op(g, &g->r[b]), -1);
	gen_sub_body(g);
	gen_sub_return_acc(g);
	sub_end(g, &s, idx);
	emit(g, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, idx);
	call_clobber(g);
	set_scalar_reg(g, BPF_REG_0);
	gen_fold(g);
}

/* bpf_loop() with a callback that gets the caller's stack. */
static void snip_loop_cb(struct fz_gen *g)
{
	struct fz_saved_gen s;
	int idx, ctx_off, b, mask, i, n;
	bool null_ctx = coin(g, 1, 4);

	if (!subs_left(g) || !(g->cfg->features & FZ_FEAT_LOOP)) {
		snip_chain(g);
		return;
	}
	ctx_off = g->area_lo + 8 * rnd(g, (g->area_hi - g->area_lo) / 8);
	idx = sub_begin(g, &s, FZ_SUB_CALLBACK, 2);
	for (i = 0; i < NR_REGS; i++)
		set_none(g, i);
	set_scalar_reg(g, BPF_REG_1);
	if (null_ctx) {
		set_scalar_reg(g, BPF_REG_2);
	} else {
		g->r[2].t = RT_STACK;
		g->r[2].off = 0;
		g->r[2].lo = 0;
		g->r[2].hi = 8;
	}
	gen_frame_begin(g);
	/* the index bounds a variable offset */
	mask = (1 << rnd(g, 4)) - 1;
	b = BPF_REG_3 + rnd(g, 7);
	emit(g, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_1, 0, 0, mask);
	set_map_ptr(g, b, pick_map(g, mask + 9), 0);
	emit(g, BPF_ALU64 | BPF_ADD | BPF_X, b, BPF_REG_1, 0, 0);
	g->r[b].var = mask;
	g->r[b].var_align = mask ? mask & -mask : 8;
	n = 1 + rnd(g, 4);
	for (i = 0; i < n && is_ptr(&g->r[b]); i++)
		gen_access(g, b, pick_op(g, &g->r[b]), -1);
	if (g->r[2].t == RT_STACK)
		gen_access(g, BPF_REG_2, pick_op(g, &g->r[2]), -1);
	gen_fold(g);
	/* the callback's result goes to the out map; it returns 0 */
	emit(g, BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_0, REG_FP, g->acc, 0);
	ld_imm64(g, BPF_REG_1, BPF_PSEUDO_MAP_IDX_VALUE, FZ_MAP_OUT, 16);
	emit(g, BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_1, BPF_REG_0, 0, BPF_ADD);
	emit(g, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	emit(g, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	sub_end(g, &s, idx);

	emit(g, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1 + rnd(g, 4));
	ld_imm64(g, BPF_REG_2, BPF_PSEUDO_FUNC, idx, 0);
	if (null_ctx) {
		emit(g, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, 0);
	} else {
		emit(g, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, REG_FP, 0, 0);
		emit(g, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, ctx_off);
	}
	emit(g, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, 0);
	emit(g, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_loop);
	call_clobber(g);
	set_scalar_reg(g, BPF_REG_0);
	gen_fold(g);
}

/* A bounded loop around accesses: its head is a branch target. */
static void snip_branchy(struct fz_gen *g)
{
	int b = rnd(g, NR_REGS), c, x, d, head, i, n, iters, op;

	set_random_map_ptr(g, b, 8);
	c = pick_reg(g, 1u << b);
	x = pick_reg(g, (1u << b) | (1u << c));
	d = pick_reg(g, (1u << b) | (1u << c) | (1u << x));
	emit(g, BPF_ALU64 | BPF_MOV | BPF_K, c, 0, 0, 0);
	emit(g, BPF_ALU64 | BPF_MOV | BPF_K, x, 0, 0, rnd_imm(g));
	emit(g, BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, 0);
	set_scalar_reg(g, c);
	set_scalar_reg(g, x);
	set_scalar_reg(g, d);
	iters = 2 + rnd(g, 3);
	head = here(g);
	n = 1 + rnd(g, 4);
	for (i = 0; i < n; i++) {
		op = pick_op(g, &g->r[b]);
		if (op == OP_LOAD || op == OP_LOADSX || op == OP_LOAD_ACQ) {
			gen_access(g, b, op, d);
			emit(g, BPF_ALU64 | BPF_ADD | BPF_X, x, d, 0, 0);
		} else if (op == OP_STX) {
			/* the stored value comes from x, defined before the loop */
			int lo, hi, abs, aoff, size = 1 << rnd(g, 4);

			if (access_window(g, b, size, &lo, &hi, &abs) &&
			    pick_off(g, lo, hi, abs, size, false, &aoff))
				emit(g, BPF_STX | BPF_MEM | bytes_to_size(size), b, x, aoff, 0);
		} else if (op != OP_RMW && op != OP_ATOMIC && op != OP_STORE_REL) {
			gen_access(g, b, op, -1);
		}
	}
	emit(g, BPF_ALU64 | BPF_ADD | BPF_K, c, 0, 0, 1);
	zext_guard(g);
	emit(g, BPF_JMP | BPF_JLT | BPF_K, c, 0, head - here(g) - 1, iters);
	/* Only what the loop keeps defined is folded. */
	for (i = 0; i < NR_REGS; i++)
		if (i != c && i != x && i != d && g->r[i].t == RT_SCALAR)
			set_none(g, i);
	gen_fold(g);
}

/*
 * A jump across @m map value loads: with the checks, inline or even
 * outline, it may not fit 16 bits any more and the pass falls back.
 */
static void snip_long_jump(struct fz_gen *g, int m)
{
	int i, at;

	set_map_ptr(g, BPF_REG_6, FZ_MAP_V37, 0);
	emit(g, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_7, BPF_REG_6, 4, 0);
	emit(g, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, 0);
	zext_guard(g);
	at = here(g);
	emit(g, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_7, 0, 0, (__s32)fz_rng_next(&g->rng));
	for (i = 0; i < m; i++) {
		ld_imm64(g, BPF_REG_1, BPF_PSEUDO_MAP_IDX_VALUE, FZ_MAP_V13, 0);
		emit(g, BPF_LDX | BPF_MEM | BPF_B, BPF_REG_2, BPF_REG_1, rnd(g, 13), 0);
	}
	land(g, at);
	for (i = 0; i < NR_REGS; i++)
		set_none(g, i);
	set_scalar_reg(g, BPF_REG_2);
	set_scalar_reg(g, BPF_REG_7);
	gen_fold(g);
}

static void (* const snippets[FZ_NR_KINDS])(struct fz_gen *g) = {
	[FZ_K_CHAIN]		= snip_chain,
	[FZ_K_ALL_LIVE]		= snip_all_live,
	[FZ_K_VAR_OFF]		= snip_var_off,
	[FZ_K_ATOMIC]		= snip_atomic,
	[FZ_K_CTX]		= snip_ctx,
	[FZ_K_PACKET]		= snip_packet,
	[FZ_K_STACK]		= snip_stack,
	[FZ_K_ALU]		= snip_alu,
	[FZ_K_CALL]		= snip_call,
	[FZ_K_KFUNC]		= snip_kfunc,
	[FZ_K_STATIC_SUB]	= snip_static_sub,
	[FZ_K_GLOBAL_SUB]	= snip_global_sub,
	[FZ_K_LOOP_CB]		= snip_loop_cb,
	[FZ_K_BRANCHY]		= snip_branchy,
};

static void gen_snippet(struct fz_gen *g, enum fz_kind kind)
{
	int r;

	for (r = 0; r < NR_REGS; r++)
		set_none(g, r);
	if (snippets[kind])
		snippets[kind](g);
	else
		snip_chain(g);
}

static enum fz_kind pick_kind(struct fz_gen *g)
{
	static const int base_w[FZ_NR_KINDS] = {
		[FZ_K_CHAIN] = 16, [FZ_K_ALL_LIVE] = 8, [FZ_K_VAR_OFF] = 8,
		[FZ_K_ATOMIC] = 9, [FZ_K_CTX] = 10, [FZ_K_PACKET] = 8,
		[FZ_K_STACK] = 6, [FZ_K_ALU] = 5, [FZ_K_CALL] = 6,
		[FZ_K_KFUNC] = 5, [FZ_K_STATIC_SUB] = 6, [FZ_K_GLOBAL_SUB] = 4,
		[FZ_K_LOOP_CB] = 4, [FZ_K_BRANCHY] = 5,
	};
	int w[FZ_NR_KINDS];
	__u32 f = g->cfg->features;

	memcpy(w, base_w, sizeof(w));
	if (!(f & FZ_FEAT_KFUNC))
		w[FZ_K_KFUNC] = 0;
	if (!(f & FZ_FEAT_GLOBAL_FUNC))
		w[FZ_K_GLOBAL_SUB] = 0;
	if (!(f & FZ_FEAT_LOOP))
		w[FZ_K_LOOP_CB] = 0;
	if (!g->has_pkt)
		w[FZ_K_PACKET] = 0;
	return pick_weighted(g, w, FZ_NR_KINDS);
}

/* Prologue and epilogue */

static void gen_prologue(struct fz_gen *g)
{
	struct fz_prog *p = g->p;
	int off, data, end;

	emit(g, BPF_ST | BPF_MEM | BPF_DW, REG_FP, 0, MAIN_ACC, 0);
	emit(g, BPF_STX | BPF_MEM | BPF_DW, REG_FP, BPF_REG_1, MAIN_CTX, 0);
	for (off = MAIN_AREA_LO; off < MAIN_AREA_HI; off += 8)
		emit(g, BPF_ST | BPF_MEM | BPF_DW, REG_FP, 0, off, 0);
	emit(g, BPF_ST | BPF_MEM | BPF_DW, REG_FP, 0, MAIN_PTR0, 0);
	if (!g->has_pkt)
		return;
	data = p->type == BPF_PROG_TYPE_XDP ? XDP(data) : SKB(data);
	end = p->type == BPF_PROG_TYPE_XDP ? XDP(data_end) : SKB(data_end);
	emit(g, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, data, 0);
	emit(g, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, end, 0);
	emit(g, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_4, BPF_REG_2, 0, 0);
	emit(g, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, FZ_PKT_RANGE);
	emit(g, BPF_JMP | BPF_JLE | BPF_X, BPF_REG_4, BPF_REG_3, 2, 0);
	emit(g, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	emit(g, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	emit(g, BPF_STX | BPF_MEM | BPF_DW, REG_FP, BPF_REG_2, MAIN_PKT, 0);
	emit(g, BPF_STX | BPF_MEM | BPF_DW, REG_FP, BPF_REG_3, MAIN_PKT_END, 0);
}

/* Store the accumulator at @out_off of the out map; tail call; return it. */
static void gen_epilogue(struct fz_gen *g, int out_off, bool tail_call)
{
	emit(g, BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_0, REG_FP, MAIN_ACC, 0);
	ld_imm64(g, BPF_REG_1, BPF_PSEUDO_MAP_IDX_VALUE, FZ_MAP_OUT, out_off);
	emit(g, BPF_STX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_0, 0, 0);
	if (tail_call) {
		g->p->tail_at = g->out->cnt;
		emit(g, BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, REG_FP, MAIN_CTX, 0);
		ld_imm64(g, BPF_REG_2, BPF_PSEUDO_MAP_IDX, FZ_MAP_PROGS, 0);
		emit(g, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, 0);
		/*
		 * A checked store once the arguments are set up: the tail
		 * call that bpf_do_misc_fixups() makes of the helper call
		 * reads R1-R3 without naming them, and R0 is the value.
		 */
		if (coin(g, 1, 2)) {
			ld_imm64(g, BPF_REG_4, BPF_PSEUDO_MAP_IDX_VALUE, FZ_MAP_V100, 0);
			emit(g, BPF_STX | BPF_MEM | BPF_DW, BPF_REG_4, BPF_REG_0,
			     8 * rnd(g, 12), 0);
		}
		emit(g, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_tail_call);
		emit(g, BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_0, REG_FP, MAIN_ACC, 0);
	}
	emit(g, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static void gen_inputs(struct fz_gen *g)
{
	struct fz_prog *p = g->p;
	__u32 i;

	p->pkt_len = sizeof(p->pkt);
	for (i = 0; i < p->pkt_len; i++)
		p->pkt[i] = rnd(g, 256);
	/* Ethernet, IPv4 (version 4, IHL 5) */
	p->pkt[12] = ETH_P_IP >> 8;
	p->pkt[13] = ETH_P_IP & 0xff;
	p->pkt[14] = 0x45;
	memset(&p->skb, 0, sizeof(p->skb));
	p->skb.mark = fz_rng_next(&g->rng);
	p->skb.priority = fz_rng_next(&g->rng);
	p->skb.ingress_ifindex = rnd(g, 16);
	for (i = 0; i < 5; i++)
		p->skb.cb[i] = fz_rng_next(&g->rng);
	p->skb.tstamp = fz_rng_next(&g->rng) >> 2;
	p->skb.gso_segs = rnd(g, 65536);
	p->skb.gso_size = rnd(g, 65536);
	p->skb.hwtstamp = fz_rng_next(&g->rng) >> 2;
	p->data_seed = fz_rng_next(&g->rng);
}

void fz_map_init(const struct fz_prog *p, int map, __u32 elem, void *val)
{
	__u64 st = p->data_seed ^ ((__u64)map << 32) ^ elem, x = 0;
	__u8 *v = val;
	__u32 i;

	for (i = 0; i < fz_maps[map].value_size; i++) {
		if (!(i & 7))
			x = fz_splitmix64(&st);
		v[i] = x >> (8 * (i & 7));
	}
}

static void gen_main(struct fz_gen *g, int nsnips, int long_jump, bool tail_call, int out_off)
{
	struct fz_prog *p = g->p;
	int i, pos = -1;

	g->out = &p->prologue;
	gen_prologue(g);
	if (long_jump)
		pos = rnd(g, nsnips + 1);
	for (i = 0; i <= nsnips; i++) {
		struct fz_snippet *s;
		enum fz_kind kind;

		if (i == nsnips && i != pos)
			break;
		kind = i == pos ? FZ_K_LONG_JUMP : pick_kind(g);
		p->snips = xrealloc(p->snips, (p->nsnips + 1) * sizeof(*p->snips));
		s = &p->snips[p->nsnips++];
		s->kind = kind;
		s->start = p->body.cnt;
		s->sub_first = p->nsubs;
		g->out = &p->body;
		if (kind == FZ_K_LONG_JUMP)
			snip_long_jump(g, long_jump);
		else
			gen_snippet(g, kind);
		s->cnt = p->body.cnt - s->start;
		s->nsubs = p->nsubs - s->sub_first;
	}
	g->out = &p->epilogue;
	gen_epilogue(g, out_off, tail_call);
}

static void gen_init(struct fz_gen *g, const struct fz_config *cfg, struct fz_prog *p,
		     __u64 seed)
{
	memset(g, 0, sizeof(*g));
	fz_rng_seed(&g->rng, seed);
	g->cfg = cfg;
	g->p = p;
	g->acc = MAIN_ACC;
	g->ptr_slot = MAIN_PTR0;
	g->area_lo = MAIN_AREA_LO;
	g->area_hi = MAIN_AREA_HI;
}

/*
 * Sizes of the long jump's body, in loads of 3 insns (ld_imm64, load): the
 * checks add about 18 insns per load outline and 20 to 28 inline (the slow
 * path saves 5 of R0-R5), so 32767 insns overflow at about 1870 loads
 * outline and 1170 to 1640 inline. In turn: only the inline checks
 * overflow, both do, neither does.
 */
static int long_jump_size(struct fz_gen *g, __u32 nth)
{
	switch (nth % 3) {
	case 0:
		return rnd_range(g, 1300, 1800);
	case 1:
		return rnd_range(g, 2000, 3000);
	default:
		return rnd_range(g, 200, 1000);
	}
}

struct fz_prog *fz_generate(const struct fz_config *cfg, __u64 seed, __u32 index)
{
	__u64 st = seed ^ (0x9e3779b97f4a7c15ULL * (index + 1));
	struct fz_prog *p = calloc(1, sizeof(*p));
	struct fz_gen g;
	int long_jump = 0;
	bool tail;

	if (!p)
		return NULL;
	p->seed = seed;
	p->index = index;
	gen_init(&g, cfg, p, fz_splitmix64(&st));
	switch (pick_weighted(&g, (const int[]){ 4, 4, 2 }, 3)) {
	case 0:
		p->type = BPF_PROG_TYPE_XDP;
		break;
	case 1:
		p->type = BPF_PROG_TYPE_SCHED_CLS;
		break;
	default:
		p->type = BPF_PROG_TYPE_SOCKET_FILTER;
		break;
	}
	g.has_pkt = p->type != BPF_PROG_TYPE_SOCKET_FILTER;
	if (coin(&g, 1, 6))
		p->prog_flags |= BPF_F_TEST_RND_HI32;
	gen_inputs(&g);
	if ((cfg->features & FZ_FEAT_BIG) && cfg->big_period &&
	    index % cfg->big_period == cfg->big_period - 1) {
		p->big = true;
		long_jump = long_jump_size(&g, index / cfg->big_period);
	}
	tail = (cfg->features & FZ_FEAT_TAIL_CALL) && coin(&g, 1, 6);
	gen_main(&g, p->big ? 1 + rnd(&g, 3) : 3 + rnd(&g, 14), long_jump, tail, 0);
	p->tail_call = tail;
	if (tail) {
		struct fz_prog *t = calloc(1, sizeof(*t));
		struct fz_config tcfg = *cfg;
		struct fz_gen tg;

		if (!t) {
			fz_prog_free(p);
			return NULL;
		}
		/* The target: same type, a few snippets, no subprograms. */
		tcfg.features &= ~(FZ_FEAT_GLOBAL_FUNC | FZ_FEAT_LOOP);
		t->seed = seed;
		t->index = index;
		t->type = p->type;
		gen_init(&tg, &tcfg, t, fz_rng_next(&g.rng));
		tg.has_pkt = g.has_pkt;
		tg.depth = 1;	/* no static subprograms either */
		gen_main(&tg, 1 + rnd(&tg, 3), 0, false, 8);
		p->tail_prog = t;
	}
	return p;
}

void fz_prog_free(struct fz_prog *p)
{
	if (!p)
		return;
	fz_prog_free(p->tail_prog);
	free(p->prologue.insns);
	free(p->body.insns);
	free(p->epilogue.insns);
	free(p->subs.insns);
	free(p->snips);
	free(p->sub_info);
	free(p);
}

/* Assembly */

int fz_assemble(const struct fz_prog *p, const bool *keep, struct fz_image *img)
{
	int total = p->prologue.cnt + p->body.cnt + p->epilogue.cnt + p->subs.cnt;
	int *sub_start = calloc(p->nsubs + 1, sizeof(int));
	struct bpf_insn *out = calloc(total + 1, sizeof(*out));
	struct fz_func *funcs = calloc(p->nsubs + 1, sizeof(*funcs));
	int *snip_at = calloc(p->nsnips + 1, sizeof(int));
	int i, j, n = 0, nf = 0;

	memset(img, 0, sizeof(*img));
	if (!sub_start || !out || !funcs || !snip_at) {
		free(sub_start);
		free(out);
		free(funcs);
		free(snip_at);
		return -1;
	}
	for (i = 0; i < p->nsubs; i++)
		sub_start[i] = -1;
	memcpy(out, p->prologue.insns, p->prologue.cnt * sizeof(*out));
	n = p->prologue.cnt;
	for (i = 0; i < p->nsnips; i++) {
		snip_at[i] = -1;
		if (keep && !keep[i])
			continue;
		snip_at[i] = n;
		memcpy(out + n, p->body.insns + p->snips[i].start,
		       p->snips[i].cnt * sizeof(*out));
		n += p->snips[i].cnt;
	}
	img->epilogue_at = n;
	if (p->tail_call && keep && !keep[p->nsnips]) {
		/* up to the tail call, then the exit */
		memcpy(out + n, p->epilogue.insns, p->tail_at * sizeof(*out));
		n += p->tail_at;
		out[n++] = p->epilogue.insns[p->epilogue.cnt - 1];
	} else {
		memcpy(out + n, p->epilogue.insns, p->epilogue.cnt * sizeof(*out));
		n += p->epilogue.cnt;
	}
	funcs[nf++] = (struct fz_func){ .insn_off = 0, .kind = FZ_SUB_STATIC, .main = true };
	for (i = 0; i < p->nsnips; i++) {
		const struct fz_snippet *s = &p->snips[i];

		if (keep && !keep[i])
			continue;
		for (j = s->sub_first; j < s->sub_first + s->nsubs; j++) {
			const struct fz_sub *sub = &p->sub_info[j];

			sub_start[j] = n;
			memcpy(out + n, p->subs.insns + sub->start, sub->cnt * sizeof(*out));
			funcs[nf++] = (struct fz_func){
				.insn_off = n, .kind = sub->kind, .nargs = sub->nargs,
			};
			/* global functions and callbacks need func_info */
			if (sub->kind != FZ_SUB_STATIC)
				img->need_btf = true;
			n += sub->cnt;
		}
	}
	for (i = 0; i < n; i++) {
		struct bpf_insn *in = &out[i];

		if (in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL)
			in->imm = sub_start[in->imm] - i - 1;
		else if (in->code == (BPF_JMP | BPF_CALL) &&
			 in->src_reg == BPF_PSEUDO_KFUNC_CALL)
			img->kfuncs = true;
		else if (in->code == (BPF_LD | BPF_DW | BPF_IMM) &&
			 in->src_reg == BPF_PSEUDO_FUNC)
			in->imm = sub_start[in->imm] - i - 1;
		if (in->code == (BPF_LD | BPF_DW | BPF_IMM))
			i++;
	}
	free(sub_start);
	img->insns = out;
	img->cnt = n;
	img->funcs = funcs;
	img->nfuncs = nf;
	img->snip_at = snip_at;
	return 0;
}

void fz_image_free(struct fz_image *img)
{
	free(img->insns);
	free(img->funcs);
	free(img->snip_at);
	memset(img, 0, sizeof(*img));
}
