// SPDX-License-Identifier: GPL-2.0
/*
 * Generic-KASAN checks for JITed BPF programs, inserted as BPF code.
 *
 * After verification, every instruction that may touch kernel memory (LDX,
 * LDX-SX, STX, ST, atomics, load-acquire, store-release, including those
 * produced by ctx conversion and helper inlining) is preceded by a check of
 * the KASAN shadow of the bytes it accesses. The check is plain BPF, so every
 * JIT gets it without change and `bpftool prog dump xlated` shows it.
 *
 * An access [base + off, base + off + size) with a scratch register rT and
 * a register rV for the shadow byte (rT itself, AX or a dead register):
 *
 *	[*(u64 *)(r10 + S_T) = rT]	only when rT may be live
 *	[*(u64 *)(r10 + S_AX) = AX]	only when AX is live across the access
 *	rT = KASAN_SHADOW_OFFSET ll	\
 *	AX = base			 |
 *	[AX += off]			 | unless rT holds the shadow address
 *	AX >>= 3			 | of base already (see below); the
 *	rT += AX			/  offset unless it fits the load
 *	rV = *(s8 *)(rT + G)		narrow access: one granule; G is the
 *	if rV == 0 goto ok		granule of base + off from the base's
 *	[if rV s> L goto ok]		L = (last byte & 7), if known and < 7, or:
 *	  AX = base			  partial granule: bad if
 *	  AX += off + size - 1		  (last byte & 7) >= shadow
 *	  AX &= 7			  (a negative shadow is always bad)
 *	  if AX s< rV goto ok
 *   slow:
 *	*(u64 *)(r10 + S_Rn) = Rn	for R0-R5 but dead ones (rT, rV, the
 *	r1 = base			destination of a load) unless rT is kept
 *	[r1 += off]
 *	r2 = size | write << 4 | insn << 8
 *	call bpf_kasan_check		decides and reports as generic KASAN
 *	Rn = *(u64 *)(r10 + S_Rn)
 *   ok:
 *	[AX = *(u64 *)(r10 + S_AX)]
 *	[rT = *(u64 *)(r10 + S_T)]
 *	original access
 *
 * The fast path of a load with a free scratch register is 7 instructions
 * (LD_IMM64 counts two) when the offset folds into the shadow load: a
 * multiple of 8, or any offset into a map value, whose alignment the
 * verifier tracks (insn_aux_data.kasan_start); 8 otherwise. A saved rT adds
 * two. An access that may cross a granule (size > 1, not known to stay in
 * one) loads the two shadow bytes of the granules it can touch as one s16
 * (as two bytes where unaligned loads are not efficient: the s16 is
 * misaligned for odd granules) and takes the slow path whenever they are
 * not zero; bpf_kasan_check() then does the exact check. The outline mode
 * is the slow path alone.
 *
 * When more accesses through the same base register follow in the basic
 * block, the first check picks for rT a dead register that they leave
 * alone and keeps the shadow address of the base there, the shadow byte
 * going to AX (or, for the partial-granule check, which computes in AX, to
 * another dead register). The checks that follow, at offsets that fold
 * into the shadow load, start at the shadow load: 2 instructions for a
 * u64 in a map value. Compilers do the same (common subexpressions).
 *
 * Registers: AX is free for rewrites between instructions that do not use
 * it; it is only live across the access inside a few kernel rewrites (the
 * skb shinfo ctx conversion), which bpf_kasan_liveness() finds. No JIT
 * keeps anything in AX across a BPF instruction, and some use it inside one
 * (arm64's LL/SC atomics): the check is done with AX before the access
 * starts. rT is the destination of a load when it differs from
 * the base (dead before the load), otherwise a register that is dead before
 * the access (bpf_kasan_liveness()), otherwise one of R0-R5 saved in a frame
 * slot. The slow path saves the rest of R0-R5, whatever their liveness: a
 * reported access is rare, and R6-R9 are callee saved. The frame slots sit
 * below each subprogram's stack (BPF_KASAN_SLOTS * 8 bytes).
 *
 * An access to bytes that an earlier check covered, through the same
 * register not written since, in the same basic block and with no call in
 * between, is not checked again (bpf_kasan_site_checked()): a counter
 * update, load then store, is checked once.
 *
 * The program is rewritten in one pass (bpf_patch_insns()), in time linear
 * in its length.
 *
 * Constant blinding runs after this pass and rewrites instructions with an
 * immediate into sequences through AX, unless they use AX: so AX is never
 * live across such an instruction here (a shadow byte in AX is only
 * compared with immediates), and the shadow offset is loaded into rT
 * (LD_IMM64 into AX would be broken by blinding).
 */

#include <linux/bpf.h>
#include <linux/bpf_kasan.h>
#include <linux/bpf_verifier.h>
#include <linux/filter.h>
#include <linux/init.h>
#include <linux/kasan.h>
#include <linux/sysctl.h>

#define verbose(env, fmt, args...) bpf_verifier_log_write(env, fmt, ##args)

static int bpf_kasan_mode __read_mostly = BPF_KASAN_INLINE;

/* Bytes per shadow byte (generic KASAN), an int for offset arithmetic. */
enum { BPF_KASAN_GRANULE = 1 << KASAN_SHADOW_SCALE_SHIFT };

/* Frame slots below the subprogram's stack, in units of BPF_REG_SIZE. */
enum {
	BPF_KASAN_SLOT_R0 = 0,		/* R0-R5 use slots 0-5 */
	BPF_KASAN_SLOT_SCRATCH = 6,
	BPF_KASAN_SLOT_AX = 7,
	BPF_KASAN_SLOTS = 8,
};

enum bpf_kasan_skip {
	BPF_KASAN_SKIP_STACK,	/* r10, r11 or a stack pointer on some path */
	BPF_KASAN_SKIP_PROBE,	/* PROBE_* modes: fault-tolerant accesses */
	BPF_KASAN_SKIP_AX,	/* base register is AX */
	BPF_KASAN_SKIP_NR,
};

/*
 * How the inline checks came out, one count per check, for the verifier
 * log's statistics: tests and the differential fuzzer see which decisions
 * of this pass a program exercised.
 */
enum bpf_kasan_shape {
	BPF_KASAN_SHAPE_ONE_GRANULE,	/* one s8 shadow byte */
	BPF_KASAN_SHAPE_CONST_PARTIAL,	/* ... then compared with a constant */
	BPF_KASAN_SHAPE_VAR_PARTIAL,	/* ... or with the last byte's offset */
	BPF_KASAN_SHAPE_TWO_GRANULE,	/* two shadow bytes as one s16 */
	BPF_KASAN_SHAPE_TWO_BYTE,	/* two shadow bytes, one by one */
	BPF_KASAN_SHAPE_FOLDED,		/* offset folded into the shadow load */
	BPF_KASAN_SHAPE_OFFSET_ADDED,	/* offset added to the base first */
	BPF_KASAN_SHAPE_KEPT,		/* shadow address kept for later checks */
	BPF_KASAN_SHAPE_SCRATCH_DST,	/* rT: the load's destination */
	BPF_KASAN_SHAPE_SCRATCH_DEAD,	/* rT: a dead register */
	BPF_KASAN_SHAPE_SCRATCH_SPILLED,	/* rT: saved around the check */
	BPF_KASAN_SHAPE_AX_SAVED,	/* AX live across the access */
	BPF_KASAN_SHAPE_NR,
};

static const char * const bpf_kasan_shape_name[BPF_KASAN_SHAPE_NR] = {
	[BPF_KASAN_SHAPE_ONE_GRANULE] = "one_granule",
	[BPF_KASAN_SHAPE_CONST_PARTIAL] = "const_partial",
	[BPF_KASAN_SHAPE_VAR_PARTIAL] = "var_partial",
	[BPF_KASAN_SHAPE_TWO_GRANULE] = "two_granule",
	[BPF_KASAN_SHAPE_TWO_BYTE] = "two_byte",
	[BPF_KASAN_SHAPE_FOLDED] = "folded",
	[BPF_KASAN_SHAPE_OFFSET_ADDED] = "offset_added",
	[BPF_KASAN_SHAPE_KEPT] = "kept",
	[BPF_KASAN_SHAPE_SCRATCH_DST] = "scratch_dst",
	[BPF_KASAN_SHAPE_SCRATCH_DEAD] = "scratch_dead",
	[BPF_KASAN_SHAPE_SCRATCH_SPILLED] = "scratch_spilled",
	[BPF_KASAN_SHAPE_AX_SAVED] = "ax_saved",
};

struct bpf_kasan_stats {
	u32 instrumented;
	u32 elided;
	u32 reused;	/* instrumented with a kept shadow address */
	u32 skipped[BPF_KASAN_SKIP_NR];
	u32 added;
	u32 shape[BPF_KASAN_SHAPE_NR];	/* inline checks only */
};

/* One instrumented access. */
struct bpf_kasan_site {
	u8 base;		/* register holding the base address */
	u8 scratch;		/* rT: the shadow address */
	u8 val;			/* rV: the shadow byte(s), rT, AX or a dead register */
	u8 size;		/* bytes accessed */
	bool write;
	bool narrow;		/* cannot cross a granule */
	bool spill_scratch;	/* rT may be live: save and restore it */
	bool scratch_dst;	/* rT is the destination of the load */
	bool reuse;		/* rT holds the shadow address of base already */
	bool keep;		/* rT keeps it after the access */
	u16 clobber;		/* R0-R5 that the slow path need not save */
	bool ax_live;		/* AX is live across the access */
	bool add_off;		/* shadow address needs base + off */
	s8 last;		/* (last byte & 7) when known, else -1 */
	s16 off;
	s16 shadow_off;		/* offset of the shadow load */
	u32 info;		/* second argument of bpf_kasan_check() */
};

#define BPF_KASAN_ALL_REGS	GENMASK(BPF_REG_9, BPF_REG_0)
#define BPF_KASAN_CALLER_SAVED	GENMASK(BPF_REG_5, BPF_REG_0)
/* The registers whose liveness this pass tracks. */
#define BPF_KASAN_LIVE_REGS	(BPF_KASAN_ALL_REGS | BIT(BPF_REG_AX))

static u16 bpf_kasan_reg(u8 reg)
{
	return reg <= BPF_REG_9 ? BIT(reg) : 0;
}

/*
 * Registers R0-R9 and AX that @insn reads (*use) and writes (*def), from
 * bpf_insn_use_def(). The second half of a BPF_LD_IMM64 (code 0, not an
 * instruction of its own) touches none. BPF_LD_ABS and BPF_LD_IND, which
 * are calls in all but name, were rewritten by bpf_do_misc_fixups();
 * should one be left, it counts as a call here too.
 */
static void bpf_kasan_use_def(const struct bpf_insn *insn, u16 *use, u16 *def)
{
	*use = 0;
	*def = 0;
	if (!insn->code)
		return;
	bpf_insn_use_def(insn, use, def);
	if (BPF_CLASS(insn->code) == BPF_LD && BPF_MODE(insn->code) != BPF_IMM)
		*def = BPF_KASAN_CALLER_SAVED;
	*use &= BPF_KASAN_LIVE_REGS;
	*def &= BPF_KASAN_LIVE_REGS;
}

/*
 * Decode the memory access of @insn into @s: base, size, off, write.
 * Returns false if @insn does not access memory (BPF_ST | BPF_NOSPEC is not
 * an access either). Sets *@probe for the fault-tolerant BPF_PROBE_* modes.
 */
static bool bpf_kasan_decode(const struct bpf_insn *insn, struct bpf_kasan_site *s,
			     bool *probe)
{
	u8 mode = BPF_MODE(insn->code);

	switch (BPF_CLASS(insn->code)) {
	case BPF_LDX:
		s->base = insn->src_reg;
		s->write = false;
		*probe = mode != BPF_MEM && mode != BPF_MEMSX;
		break;
	case BPF_ST:
		if (mode != BPF_MEM && mode != BPF_PROBE_MEM32)
			return false;
		s->base = insn->dst_reg;
		s->write = true;
		*probe = mode == BPF_PROBE_MEM32;
		break;
	case BPF_STX:
		*probe = mode != BPF_MEM && mode != BPF_ATOMIC;
		s->write = mode == BPF_MEM || *probe || insn->imm != BPF_LOAD_ACQ;
		s->base = s->write ? insn->dst_reg : insn->src_reg;
		break;
	default:
		return false;
	}
	s->size = bpf_size_to_bytes(BPF_SIZE(insn->code));
	s->off = insn->off;
	return true;
}

/*
 * Registers R0-R9 and AX live before each instruction of the program as
 * this pass finds it. insn_aux_data.live_regs_before cannot serve: it
 * describes the program before the earlier rewrites (removed bpf_fastcall
 * spills, inlined calls whose aux data says R1-R5 are dead), and inserted
 * instructions have none. The dataflow of bpf_compute_live_registers() over
 * the current instructions, with the use/def of bpf_kasan_use_def(): a call
 * uses R1-R5 and clobbers R0-R5, exit uses R0, R6-R9 are saved by the JIT.
 * AX is not live at a jump whose target is unknown: kernel rewrites keep AX
 * values in straight-line code. Returns NULL when the control flow is not
 * known (indirect jumps) or on allocation failure: then every register
 * counts as live, AX included.
 */
static u16 *bpf_kasan_liveness(struct bpf_verifier_env *env)
{
	struct bpf_insn *insns = env->prog->insnsi;
	int i, t, n = env->prog->len;
	u16 *live, use, def, out;
	bool changed;

	for (i = 0; i < n; i++)
		if (insns[i].code == (BPF_JMP | BPF_JA | BPF_X))
			return NULL;
	live = kvcalloc(n + 1, sizeof(*live), GFP_KERNEL_ACCOUNT);
	if (!live)
		return NULL;
	do {
		changed = false;
		for (i = n - 1; i >= 0; i--) {
			u8 class = BPF_CLASS(insns[i].code), op = BPF_OP(insns[i].code);

			if (bpf_is_ldimm64(&insns[i])) {
				out = live[min(i + 2, n)];
			} else if ((class == BPF_JMP || class == BPF_JMP32) &&
				   op != BPF_CALL && op != BPF_EXIT) {
				/* a tail call goes on at the next instruction */
				t = i + 1 + bpf_jmp_offset(&insns[i]);
				out = t >= 0 && t <= n ? live[t] : BPF_KASAN_ALL_REGS;
				if (op != BPF_JA)
					out |= live[i + 1];
			} else {
				out = op == BPF_EXIT && class == BPF_JMP ? 0 : live[i + 1];
			}
			bpf_kasan_use_def(&insns[i], &use, &def);
			out = use | (out & ~def);
			if (out != live[i]) {
				live[i] = out;
				changed = true;
			}
		}
	} while (changed);
	return live;
}

/*
 * Where the access of @s falls in its 8-byte granule, which decides the
 * shape of the check:
 *
 * - The verifier knows (base + off) & 7 (map values): the shadow byte is
 *   at shadow(base) + ((base & 7) + off) / 8, exactly, so the offset goes
 *   into the shadow load; an access that stays in its granule needs one
 *   byte of shadow and its partial-granule check is a compare with a
 *   constant.
 * - Otherwise an offset that is a multiple of 8 still goes into the load:
 *   (base + 8k) >> 3 == (base >> 3) + k for any base. Other offsets are
 *   added to the base first.
 *
 * An access cannot cross a granule if it is one byte, if the verifier
 * knows it stays in one, or if the kernel generated it (ctx conversion,
 * inlined helper: no verifier pointer type, or the ctx type the conversion
 * left on its last instruction) at a naturally aligned offset of a kernel
 * object.
 */
static void bpf_kasan_site_granule(const struct bpf_insn_aux_data *aux,
				   struct bpf_kasan_site *s)
{
	bool kernel = aux->ptr_type == NOT_INIT ||
		      base_type(aux->ptr_type) == PTR_TO_CTX;
	int start, base;

	s->last = -1;
	if (!kernel && aux->kasan_start && aux->kasan_start != INSN_KASAN_START_UNKNOWN) {
		start = aux->kasan_start - 1;
		base = (start - s->off) & (BPF_KASAN_GRANULE - 1);
		s->narrow = start + s->size <= BPF_KASAN_GRANULE;
		if (s->narrow)
			s->last = start + s->size - 1;
		s->shadow_off = (base + s->off) >> KASAN_SHADOW_SCALE_SHIFT;
		s->add_off = false;
		return;
	}
	s->narrow = s->size == 1 || (kernel && !(s->off & (s->size - 1)));
	s->add_off = s->off & (BPF_KASAN_GRANULE - 1);
	s->shadow_off = s->add_off ? 0 : s->off >> KASAN_SHADOW_SCALE_SHIFT;
}

/*
 * A shadow address kept in a register for the next checks through the same
 * base register: @reg holds (@base >> 3) + KASAN_SHADOW_OFFSET, and neither
 * changed since. @reg is dead to the program: it neither reads nor writes
 * it in between (see bpf_kasan_patch()).
 */
struct bpf_kasan_shadow_reg {
	s8 reg;			/* -1: none */
	u8 base;
	u16 chain;		/* of the access at hand, see bpf_kasan_base_chains() */
};

/* A register that is neither live nor in @avoid, R0-R5 first, or -1. */
static int bpf_kasan_dead_reg(u16 live, u16 avoid)
{
	int r;

	for (r = BPF_REG_0; r <= BPF_REG_9; r++)
		if (!((live | avoid) & BIT(r)))
			return r;
	return -1;
}

/*
 * Choose the registers of the check of @s: rT for the shadow address and
 * rV for the shadow byte(s). @live: registers live before the access; @dst:
 * the destination of a load when dead before it (0 otherwise); @avoid:
 * registers the access uses; @sb: the shadow address kept by an earlier
 * check, and whether this one should keep it.
 *
 * rT is the kept shadow address when the base matches and the offset goes
 * into the shadow load; else a dead register that outlives the access when
 * the base serves again (the shadow byte then goes to AX, and rT is kept);
 * else the destination of a load, else a dead register, else one of R0-R5
 * saved around the check. The partial-granule check computes in AX, so rV
 * is not AX there: rT when not kept, else another dead register.
 */
static void bpf_kasan_site_regs(struct bpf_kasan_site *s, u16 live, u16 dst,
				u16 avoid, const struct bpf_kasan_shadow_reg *sb)
{
	int r;

	s->spill_scratch = false;
	s->scratch_dst = false;
	s->reuse = !s->add_off && sb->reg >= 0 && sb->base == s->base;
	s->keep = false;
	r = -1;
	if (!s->reuse && !s->add_off && sb->chain) {
		/* Preferably one that the next accesses leave alone. */
		r = bpf_kasan_dead_reg(live, avoid | sb->chain);
		if (r < 0)
			r = bpf_kasan_dead_reg(live, avoid);
	}
	if (s->reuse) {
		s->scratch = sb->reg;
		/* A load into it ends it. */
		s->keep = !(dst & BIT(sb->reg));
	} else if (r >= 0) {
		s->scratch = r;
		s->keep = true;
	} else if (dst) {
		s->scratch = __ffs(dst);
		s->scratch_dst = true;
	} else {
		/*
		 * A dead register needs no saving; prefer R0-R5, which the
		 * slow path then need not save either, and one that does not
		 * hold a kept shadow address.
		 */
		r = bpf_kasan_dead_reg(live, avoid | (sb->reg >= 0 ? BIT(sb->reg) : 0));
		if (r < 0)
			r = bpf_kasan_dead_reg(live, avoid);
		if (r < 0) {
			/* None: save one of R0-R5 (at most four are avoided). */
			for (r = BPF_REG_1; avoid & BIT(r); r = (r + 1) % (BPF_REG_5 + 1))
				;
			s->spill_scratch = true;
		}
		s->scratch = r;
	}

	s->val = s->keep ? BPF_REG_AX : s->scratch;
	if (s->keep && s->narrow && s->last < 0) {
		r = dst ? __ffs(dst) : bpf_kasan_dead_reg(live, avoid | BIT(s->scratch));
		if (r >= 0 && r != s->scratch) {
			s->val = r;
		} else {
			s->val = s->scratch;
			s->keep = false;
		}
	}
	/* Dead or restored registers, and a kept rT must survive the call. */
	s->clobber = (dst | (s->keep ? 0 : BIT(s->scratch)) |
		      (s->val != BPF_REG_AX ? BIT(s->val) : 0)) & BPF_KASAN_CALLER_SAVED;
}

/*
 * Decide whether the instruction at @idx is instrumented and how. Returns
 * false for instructions that are not memory accesses or that are skipped
 * (counted in @stats when not NULL). @live: registers that may be live
 * before the instruction, AX included; @sb: see bpf_kasan_site_regs().
 */
static bool bpf_kasan_site_init(struct bpf_verifier_env *env, int idx, u16 live,
				const struct bpf_kasan_shadow_reg *sb,
				struct bpf_kasan_site *s,
				struct bpf_kasan_stats *stats)
{
	const struct bpf_insn *insn = &env->prog->insnsi[idx];
	const struct bpf_insn *end = env->prog->insnsi + env->prog->len;
	struct bpf_insn_aux_data *aux = &env->insn_aux_data[idx];
	u16 use, def, dst;
	bool probe, stack;
	u32 orig;

	if (!bpf_kasan_decode(insn, s, &probe))
		return false;

	/*
	 * BPF stack: r10, the stack argument area (r11) and any register that
	 * held a stack pointer on some verified path. The flag may have moved
	 * to the nospec barrier that convert_ctx_accesses() put after a store.
	 */
	stack = !probe && (s->base == BPF_REG_FP || s->base == BPF_REG_PARAMS ||
			   aux->kasan_stack ||
			   (insn + 1 < end && insn[1].code == (BPF_ST | BPF_NOSPEC) &&
			    aux[1].kasan_stack));
	if (probe || stack || s->base == BPF_REG_AX) {
		if (stats)
			stats->skipped[probe ? BPF_KASAN_SKIP_PROBE :
				       stack ? BPF_KASAN_SKIP_STACK :
				       BPF_KASAN_SKIP_AX]++;
		return false;
	}

	bpf_kasan_site_granule(aux, s);
	s->ax_live = live & BIT(BPF_REG_AX);

	/*
	 * The destination of a load is dead until the load writes it; the
	 * registers the access reads or writes are not to be touched.
	 */
	bpf_kasan_use_def(insn, &use, &def);
	dst = !s->write && insn->dst_reg != s->base ? bpf_kasan_reg(insn->dst_reg) : 0;
	bpf_kasan_site_regs(s, live, dst, use | def, sb);

	/*
	 * Instructions inserted by earlier rewrites have orig_idx 0; name
	 * them "unknown" rather than instruction 0.
	 */
	orig = aux->orig_idx;
	if ((!orig && idx) || orig > BPF_KASAN_INFO_IDX_MAX)
		orig = BPF_KASAN_INFO_IDX_MAX;
	s->info = s->size | (s->write ? BPF_KASAN_INFO_WRITE : 0) |
		  orig << BPF_KASAN_INFO_IDX_SHIFT;
	return true;
}

/*
 * Instructions that start a basic block reached from elsewhere than the
 * instruction before them: branch targets, subprogram entries, and those
 * after an exit or an unconditional jump. Into @start.
 */
static void bpf_kasan_block_starts(struct bpf_verifier_env *env, unsigned long *start)
{
	struct bpf_insn *insns = env->prog->insnsi;
	int i, t, n = env->prog->len;

	for (i = 0; i < env->subprog_cnt; i++)
		__set_bit(env->subprog_info[i].start, start);
	for (i = 0; i < n; i++) {
		u8 class = BPF_CLASS(insns[i].code), op = BPF_OP(insns[i].code);

		if (bpf_is_ldimm64(&insns[i]))
			i++;
		if ((class != BPF_JMP && class != BPF_JMP32) || op == BPF_CALL)
			continue;
		if (op != BPF_EXIT) {
			t = i + 1 + bpf_jmp_offset(&insns[i]);
			if (t >= 0 && t < n)
				__set_bit(t, start);
		}
		if ((op == BPF_EXIT || op == BPF_JA) && i + 1 < n)
			__set_bit(i + 1, start);
	}
}

/* A call may free memory, and a tail call runs another program. */
static bool bpf_kasan_is_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) || insn->code == (BPF_JMP | BPF_TAIL_CALL);
}

/*
 * For each memory access followed, in its basic block and before a call or
 * a write of its base register, by other accesses through the same base
 * register: the registers that the instructions up to the last of them use
 * or write, into @chain (0 for other instructions). The check of such an
 * access keeps the shadow address of the base in a register outside that
 * set, for the next checks (bpf_kasan_site_regs()). @start: see
 * bpf_kasan_block_starts(). A hint: skipped or elided accesses count too.
 */
static void bpf_kasan_base_chains(struct bpf_verifier_env *env,
				  const unsigned long *start, u16 *chain)
{
	const struct bpf_insn *insns = env->prog->insnsi;
	u16 bases = 0, use, def, base, touched[BPF_REG_9 + 1] = {};
	struct bpf_kasan_site s;
	bool probe;
	int i, r;

	for (i = env->prog->len - 1; i >= 0; i--) {
		const struct bpf_insn *insn = &insns[i];

		base = bpf_kasan_decode(insn, &s, &probe) ? bpf_kasan_reg(s.base) : 0;
		bpf_kasan_use_def(insn, &use, &def);
		if (bpf_kasan_is_call(insn))
			def = BPF_KASAN_ALL_REGS;
		/* bases: registers that later accesses use unchanged */
		bases &= ~def;
		for (r = BPF_REG_0; r <= BPF_REG_9; r++)
			touched[r] |= use | def;
		if (bases & base) {
			chain[i] = touched[__ffs(base)];
		} else if (base) {
			bases |= base;
			touched[__ffs(base)] = use | def;
		}
		if (test_bit(i, start))
			bases = 0;
	}
}

/*
 * Bytes [lo, hi) relative to a register's value that a check has covered
 * since the register was last written, in the current basic block and with
 * no call in between. Empty when lo >= hi.
 */
struct bpf_kasan_range {
	s32 lo;
	s32 hi;
};

/*
 * Has the access of @s been checked already? Shadow memory changes only
 * when the kernel allocates or frees, that is in a helper or kfunc call:
 * within a basic block without calls, bytes checked once through an
 * unchanged register are checked for good (or were reported). Compiler
 * KASAN does the same (LLVM's ASan instruments an address once per basic
 * block unless a call intervenes).
 */
static bool bpf_kasan_site_checked(const struct bpf_kasan_range *r,
				   const struct bpf_kasan_site *s)
{
	return r->lo <= s->off && s->off + s->size <= r->hi;
}

/*
 * Remember the bytes that the check of @s covers: added to the range of
 * the base register if they touch it, else replacing it.
 */
static void bpf_kasan_range_add(struct bpf_kasan_range *r, const struct bpf_kasan_site *s)
{
	s32 lo = s->off, hi = s->off + s->size;

	if (r->lo < r->hi && lo <= r->hi && r->lo <= hi) {
		r->lo = min(r->lo, lo);
		r->hi = max(r->hi, hi);
	} else {
		r->lo = lo;
		r->hi = hi;
	}
}

static s16 bpf_kasan_slot(u16 frame, int slot)
{
	return -(frame + (slot + 1) * BPF_REG_SIZE);
}

/*
 * The emitters of an expansion, in the order its parts run (see the top of
 * this file). Each writes at @p and returns the end of what it wrote;
 * jumps go to labels, resolved by bpf_kasan_emit() when the expansion is
 * complete.
 */
struct bpf_kasan_labels {
	struct bpf_insn *to_ok[2];	/* the access is good: skip the slow path */
	struct bpf_insn *to_slow;	/* the first of two shadow bytes is not 0 */
};

/*
 * Saved around the check: rT when it may be live (inline checks), AX when
 * it is live across the access.
 */
static struct bpf_insn *bpf_kasan_emit_save(struct bpf_insn *p,
					    const struct bpf_kasan_site *s, u16 frame,
					    bool inline_check)
{
	if (inline_check && s->spill_scratch)
		*p++ = BPF_STX_MEM(BPF_DW, BPF_REG_FP, s->scratch,
				   bpf_kasan_slot(frame, BPF_KASAN_SLOT_SCRATCH));
	if (s->ax_live)
		*p++ = BPF_STX_MEM(BPF_DW, BPF_REG_FP, BPF_REG_AX,
				   bpf_kasan_slot(frame, BPF_KASAN_SLOT_AX));
	return p;
}

static struct bpf_insn *bpf_kasan_emit_restore(struct bpf_insn *p,
					       const struct bpf_kasan_site *s, u16 frame,
					       bool inline_check)
{
	if (s->ax_live)
		*p++ = BPF_LDX_MEM(BPF_DW, BPF_REG_AX, BPF_REG_FP,
				   bpf_kasan_slot(frame, BPF_KASAN_SLOT_AX));
	if (inline_check && s->spill_scratch)
		*p++ = BPF_LDX_MEM(BPF_DW, s->scratch, BPF_REG_FP,
				   bpf_kasan_slot(frame, BPF_KASAN_SLOT_SCRATCH));
	return p;
}

/*
 * rT = shadow(base [+ off]), the offset folded into the shadow load when
 * it can be: BPF_KASAN_SHADOW_ADDR_INSNS at most. The shadow offset is a
 * 64-bit immediate of rT (into AX, constant blinding would break it).
 */
enum { BPF_KASAN_SHADOW_ADDR_INSNS = 6 };

static struct bpf_insn *bpf_kasan_emit_shadow_addr(struct bpf_insn *p,
						   const struct bpf_kasan_site *s)
{
	struct bpf_insn ld_shadow[2] = {
		BPF_LD_IMM64(s->scratch, KASAN_SHADOW_OFFSET),
	};

	*p++ = ld_shadow[0];
	*p++ = ld_shadow[1];
	*p++ = BPF_MOV64_REG(BPF_REG_AX, s->base);
	if (s->add_off)
		*p++ = BPF_ALU64_IMM(BPF_ADD, BPF_REG_AX, s->off);
	*p++ = BPF_ALU64_IMM(BPF_RSH, BPF_REG_AX, KASAN_SHADOW_SCALE_SHIFT);
	*p++ = BPF_ALU64_REG(BPF_ADD, s->scratch, BPF_REG_AX);
	return p;
}

/*
 * The last byte of an access whose shadow byte rV is not 0 is good if it
 * is before the first bad byte of its granule. rV is not AX when the
 * offset of the last byte is computed (bpf_kasan_site_regs()); a check
 * ending on a granule's last byte needs no compare: it is bad.
 */
static struct bpf_insn *bpf_kasan_emit_partial(struct bpf_insn *p,
					       const struct bpf_kasan_site *s,
					       struct bpf_kasan_labels *l)
{
	if (s->last < 0) {
		*p++ = BPF_MOV64_REG(BPF_REG_AX, s->base);
		if (s->off + s->size - 1)
			*p++ = BPF_ALU64_IMM(BPF_ADD, BPF_REG_AX, s->off + s->size - 1);
		*p++ = BPF_ALU64_IMM(BPF_AND, BPF_REG_AX, BPF_KASAN_GRANULE - 1);
		l->to_ok[1] = p;
		*p++ = BPF_JMP_REG(BPF_JSLT, BPF_REG_AX, s->val, 0);
	} else if (s->last < BPF_KASAN_GRANULE - 1) {
		l->to_ok[1] = p;
		*p++ = BPF_JMP_IMM(BPF_JSGT, s->val, s->last, 0);
	}
	return p;
}

/*
 * An access within one granule: its shadow byte, then the partial-granule
 * test. Sign-extending shadow loads are 64-bit definitions: no zero
 * extension or BPF_F_TEST_RND_HI32 garbage gets inserted after them, which
 * would go through AX. BPF_KASAN_TEST_INSNS at most.
 */
enum { BPF_KASAN_TEST_INSNS = 6 };

static struct bpf_insn *bpf_kasan_emit_one_granule(struct bpf_insn *p,
						   const struct bpf_kasan_site *s,
						   struct bpf_kasan_labels *l)
{
	*p++ = BPF_LDX_MEMSX(BPF_B, s->val, s->scratch, s->shadow_off);
	l->to_ok[0] = p;
	*p++ = BPF_JMP_IMM(BPF_JEQ, s->val, 0, 0);
	return bpf_kasan_emit_partial(p, s, l);
}

/*
 * An access that may cross into the next granule: its two shadow bytes
 * must be 0, or the slow path decides. One s16 load where unaligned loads
 * are efficient; elsewhere the s16 would be misaligned for every odd
 * granule, a trap to emulate it (riscv64), so two bytes: or-ed into rV
 * unless rV is AX (rT kept), then tested one by one.
 */
static struct bpf_insn *bpf_kasan_emit_two_granules(struct bpf_insn *p,
						    const struct bpf_kasan_site *s,
						    struct bpf_kasan_labels *l)
{
	if (IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS)) {
		*p++ = BPF_LDX_MEMSX(BPF_H, s->val, s->scratch, s->shadow_off);
	} else if (s->val == BPF_REG_AX) {
		*p++ = BPF_LDX_MEMSX(BPF_B, BPF_REG_AX, s->scratch, s->shadow_off);
		l->to_slow = p;
		*p++ = BPF_JMP_IMM(BPF_JNE, BPF_REG_AX, 0, 0);
		*p++ = BPF_LDX_MEMSX(BPF_B, BPF_REG_AX, s->scratch, s->shadow_off + 1);
	} else {
		*p++ = BPF_LDX_MEMSX(BPF_B, BPF_REG_AX, s->scratch, s->shadow_off);
		*p++ = BPF_LDX_MEMSX(BPF_B, s->val, s->scratch, s->shadow_off + 1);
		*p++ = BPF_ALU64_REG(BPF_OR, s->val, BPF_REG_AX);
	}
	l->to_ok[0] = p;
	*p++ = BPF_JMP_IMM(BPF_JEQ, s->val, 0, 0);
	return p;
}

/*
 * bpf_kasan_check(base + off, info), which decides and reports as generic
 * KASAN. The call clobbers R0-R5: those that are dead or restored anyway
 * need no saving in the inline check, all are saved in the outline one.
 * BPF_KASAN_CALL_INSNS plus two per saved register.
 */
enum { BPF_KASAN_CALL_INSNS = 4 };

static struct bpf_insn *bpf_kasan_emit_slow_path(struct bpf_insn *p,
						 const struct bpf_kasan_site *s,
						 u16 frame, bool inline_check)
{
	u16 saved = inline_check ? BPF_KASAN_CALLER_SAVED & ~s->clobber :
				   BPF_KASAN_CALLER_SAVED;
	int r;

	for (r = BPF_REG_0; r <= BPF_REG_5; r++)
		if (saved & BIT(r))
			*p++ = BPF_STX_MEM(BPF_DW, BPF_REG_FP, r,
					   bpf_kasan_slot(frame, BPF_KASAN_SLOT_R0 + r));
	if (s->base != BPF_REG_1)
		*p++ = BPF_MOV64_REG(BPF_REG_1, s->base);
	if (s->off)
		*p++ = BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, s->off);
	*p++ = BPF_MOV64_IMM(BPF_REG_2, s->info);
	*p++ = BPF_EMIT_CALL(bpf_kasan_check);
	for (r = BPF_REG_0; r <= BPF_REG_5; r++)
		if (saved & BIT(r))
			*p++ = BPF_LDX_MEM(BPF_DW, r, BPF_REG_FP,
					   bpf_kasan_slot(frame, BPF_KASAN_SLOT_R0 + r));
	return p;
}

/*
 * The longest expansion: AX saved and restored; R0-R5 saved and restored
 * once each at most (rT, when saved around the whole check, is one of
 * them, and the slow path then leaves it alone); the shadow address, the
 * longest test, the call and the access itself.
 */
#define BPF_KASAN_MAX_INSNS	(2 + 2 * 6 + BPF_KASAN_SHADOW_ADDR_INSNS + \
				 BPF_KASAN_TEST_INSNS + BPF_KASAN_CALL_INSNS + 1)
static_assert(BPF_KASAN_MAX_INSNS <= INSN_BUF_SIZE);

static void bpf_kasan_jump_to(struct bpf_insn *jmp, const struct bpf_insn *target)
{
	if (jmp)
		jmp->off = target - jmp - 1;
}

/*
 * Emit the check for @s followed by @orig into @buf (BPF_KASAN_MAX_INSNS at
 * most) and return the count. @frame is the rounded stack depth of the
 * subprogram, the slots go below it. Reads like check_region_inline() of
 * generic KASAN: the shadow of the access is 0, or the partial granule
 * allows it, or the slow path decides.
 */
static int bpf_kasan_emit(const struct bpf_kasan_site *s, int mode, u16 frame,
			  const struct bpf_insn *orig, struct bpf_insn *buf)
{
	bool inline_check = mode == BPF_KASAN_INLINE;
	struct bpf_kasan_labels l = {};
	struct bpf_insn *p = buf, *ok;

	p = bpf_kasan_emit_save(p, s, frame, inline_check);
	if (inline_check) {
		if (!s->reuse)
			p = bpf_kasan_emit_shadow_addr(p, s);
		if (s->narrow)
			p = bpf_kasan_emit_one_granule(p, s, &l);
		else
			p = bpf_kasan_emit_two_granules(p, s, &l);
	}
	bpf_kasan_jump_to(l.to_slow, p);
	p = bpf_kasan_emit_slow_path(p, s, frame, inline_check);
	ok = p;
	p = bpf_kasan_emit_restore(p, s, frame, inline_check);
	*p++ = *orig;

	bpf_kasan_jump_to(l.to_ok[0], ok);
	bpf_kasan_jump_to(l.to_ok[1], ok);
	return p - buf;
}

/* Count the shape of the inline check of @s into @shape. */
static void bpf_kasan_count_shape(const struct bpf_kasan_site *s, u32 *shape)
{
	if (!s->narrow) {
		shape[IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) ?
		      BPF_KASAN_SHAPE_TWO_GRANULE : BPF_KASAN_SHAPE_TWO_BYTE]++;
	} else {
		shape[BPF_KASAN_SHAPE_ONE_GRANULE]++;
		if (s->last < 0)
			shape[BPF_KASAN_SHAPE_VAR_PARTIAL]++;
		else if (s->last < BPF_KASAN_GRANULE - 1)
			shape[BPF_KASAN_SHAPE_CONST_PARTIAL]++;
	}
	shape[s->add_off ? BPF_KASAN_SHAPE_OFFSET_ADDED : BPF_KASAN_SHAPE_FOLDED]++;
	shape[BPF_KASAN_SHAPE_KEPT] += s->keep;
	if (s->spill_scratch)
		shape[BPF_KASAN_SHAPE_SCRATCH_SPILLED]++;
	else if (s->scratch_dst)
		shape[BPF_KASAN_SHAPE_SCRATCH_DST]++;
	else if (!s->reuse)
		shape[BPF_KASAN_SHAPE_SCRATCH_DEAD]++;
	shape[BPF_KASAN_SHAPE_AX_SAVED] += s->ax_live;
}

/* What the analyses found, by instruction index at the start of the pass. */
struct bpf_kasan_facts {
	u16 *live;		/* see bpf_kasan_liveness(), may be NULL */
	/* see bpf_kasan_block_starts(), NULL: do not elide checks */
	unsigned long *block_start;
	/* see bpf_kasan_base_chains(), unused without block_start */
	u16 *chain;
};

/* State of one rewrite attempt, passed to bpf_kasan_patch(). */
struct bpf_kasan_rewrite {
	int mode;
	const struct bpf_kasan_facts *f;
	struct bpf_kasan_shadow_reg sb;	/* see bpf_kasan_site_regs() */
	u32 subprog;		/* subprogram of the current instruction */
	/* checked bytes by base register R0-R9, see bpf_kasan_site_checked() */
	struct bpf_kasan_range checked[BPF_REG_9 + 1];
	struct bpf_kasan_stats stats;
	DECLARE_BITMAP(used, BPF_MAX_SUBPROGS);	/* subprograms that use slots */
};

/* bpf_patch_insns() callback: the check and the access, or 0 to keep it. */
static int bpf_kasan_patch(struct bpf_verifier_env *env, u32 idx,
			   struct bpf_insn *buf, void *ctx)
{
	const struct bpf_insn *insn = &env->prog->insnsi[idx];
	struct bpf_kasan_rewrite *rw = ctx;
	struct bpf_subprog_info *si = env->subprog_info;
	struct bpf_kasan_range *checked = rw->checked;
	struct bpf_kasan_site s;
	int r, cnt = 0;
	u16 use, def;

	while (si[rw->subprog + 1].start <= idx)
		rw->subprog++;
	if (!rw->f->block_start || test_bit(idx, rw->f->block_start)) {
		memset(checked, 0, sizeof(rw->checked));
		rw->sb.reg = -1;
	}
	rw->sb.chain = rw->f->block_start ? rw->f->chain[idx] : 0;
	if (!bpf_kasan_site_init(env, idx, rw->f->live ? rw->f->live[idx] : BPF_KASAN_LIVE_REGS,
				 &rw->sb, &s, &rw->stats))
		goto defs;
	if (bpf_kasan_site_checked(&checked[s.base], &s)) {
		rw->stats.elided++;
		goto defs;
	}
	rw->stats.instrumented++;
	rw->stats.reused += rw->mode == BPF_KASAN_INLINE && s.reuse;
	if (rw->mode == BPF_KASAN_INLINE)
		bpf_kasan_count_shape(&s, rw->stats.shape);
	cnt = bpf_kasan_emit(&s, rw->mode,
			     round_up(si[rw->subprog].stack_depth, BPF_REG_SIZE),
			     insn, buf);
	rw->stats.added += cnt - 1;
	__set_bit(rw->subprog, rw->used);
	bpf_kasan_range_add(&checked[s.base], &s);
	if (rw->mode == BPF_KASAN_INLINE) {
		/* Unsaved registers that the check changed. */
		if (!s.spill_scratch)
			checked[s.scratch] = (struct bpf_kasan_range){};
		if (s.val != BPF_REG_AX)
			checked[s.val] = (struct bpf_kasan_range){};
		if (s.keep) {
			rw->sb.reg = s.scratch;
			rw->sb.base = s.base;
		} else if (rw->sb.reg == s.scratch || rw->sb.reg == s.val) {
			rw->sb.reg = -1;
		}
	}
defs:
	bpf_kasan_use_def(insn, &use, &def);
	if (bpf_kasan_is_call(insn))
		def = BPF_KASAN_ALL_REGS;
	for (r = BPF_REG_0; r <= BPF_REG_9; r++)
		if (def & BIT(r))
			checked[r] = (struct bpf_kasan_range){};
	/* The program reads or writes the kept register, or writes the base. */
	if (rw->sb.reg >= 0 &&
	    (((use | def) & BIT(rw->sb.reg)) || (def & BIT(rw->sb.base))))
		rw->sb.reg = -1;
	return cnt;
}

/*
 * Instrument the program in one pass (bpf_patch_insns()): linear in its
 * length. On -ERANGE (a jump would go out of range) the program is left
 * as it was.
 */
static int bpf_kasan_rewrite(struct bpf_verifier_env *env, struct bpf_kasan_rewrite *rw)
{
	struct bpf_subprog_info *si = env->subprog_info;
	int i, ret;

	ret = bpf_patch_insns(env, bpf_kasan_patch, rw);
	if (ret)
		return ret;
	for_each_set_bit(i, rw->used, env->subprog_cnt) {
		/* The slots go below the frame; the log keeps the program's own depth. */
		si[i].kasan_stack = round_up(si[i].stack_depth, BPF_REG_SIZE) -
				    si[i].stack_depth + BPF_KASAN_SLOTS * BPF_REG_SIZE;
		si[i].stack_depth += si[i].kasan_stack;
	}
	env->prog->aux->stack_depth = si[0].stack_depth;
	return 0;
}

/* The statistics lines of the verifier log (BPF_LOG_STATS). */
static void bpf_kasan_log_stats(struct bpf_verifier_env *env, int mode,
				const struct bpf_kasan_stats *st)
{
	int i;

	verbose(env,
		"bpf_kasan: %s, %u accesses instrumented, %u elided, %u with a kept shadow address, skipped stack %u probe %u ax %u, %u insns added\n",
		mode == BPF_KASAN_INLINE ? "inline" : "outline",
		st->instrumented, st->elided, st->reused,
		st->skipped[BPF_KASAN_SKIP_STACK], st->skipped[BPF_KASAN_SKIP_PROBE],
		st->skipped[BPF_KASAN_SKIP_AX], st->added);
	verbose(env, "bpf_kasan: shapes");
	for (i = 0; i < BPF_KASAN_SHAPE_NR; i++)
		verbose(env, " %s %u", bpf_kasan_shape_name[i], st->shape[i]);
	verbose(env, "\n");
}

/**
 * bpf_kasan_instrument - insert KASAN checks before kernel memory accesses
 * @env: verifier environment of a program that passed verification
 *
 * Runs after bpf_do_misc_fixups(), so accesses produced by ctx conversion and
 * helper inlining are covered, and before the zext pass, blinding and the JIT.
 * Programs that will not be JITed are left alone: the interpreter is
 * instrumented by the compiler. Falls back from inline to outline checks,
 * then to no checks, when the checks would put a jump out of range.
 *
 * Return: 0 on success, negative errno on failure.
 */
int bpf_kasan_instrument(struct bpf_verifier_env *env)
{
	int mode = READ_ONCE(bpf_kasan_mode), len = env->prog->len;
	struct bpf_kasan_facts f = {};
	struct bpf_kasan_rewrite *rw;
	int ret = -ENOMEM;

	if (mode == BPF_KASAN_OFF || !env->prog->jit_requested ||
	    bpf_prog_is_offloaded(env->prog->aux))
		return 0;

	rw = kzalloc_obj(*rw, GFP_KERNEL_ACCOUNT);
	f.block_start = bitmap_zalloc(len, GFP_KERNEL_ACCOUNT);
	f.chain = kvcalloc(len, sizeof(*f.chain), GFP_KERNEL_ACCOUNT);
	if (!rw || !f.block_start || !f.chain)
		goto out;
	f.live = bpf_kasan_liveness(env);
	bpf_kasan_block_starts(env, f.block_start);
	bpf_kasan_base_chains(env, f.block_start, f.chain);
	/* Without liveness, the control flow is not known (indirect jumps). */
	if (!f.live) {
		bitmap_free(f.block_start);
		f.block_start = NULL;
	}

	for (;;) {
		memset(rw, 0, sizeof(*rw));
		rw->mode = mode;
		rw->f = &f;
		ret = bpf_kasan_rewrite(env, rw);
		if (ret != -ERANGE || mode != BPF_KASAN_INLINE)
			break;
		verbose(env,
			"bpf_kasan: inline checks would overflow a jump, using outline checks\n");
		mode = BPF_KASAN_OUTLINE;
	}
	if (ret == -ERANGE) {
		verbose(env,
			"bpf_kasan: checks would overflow a jump, program not instrumented\n");
		ret = 0;
	} else if (!ret && (env->log.level & BPF_LOG_STATS)) {
		bpf_kasan_log_stats(env, mode, &rw->stats);
	}
out:
	kvfree(f.chain);
	bitmap_free(f.block_start);
	kvfree(f.live);
	kfree(rw);
	return ret;
}

/**
 * bpf_kasan_report_prog - describe the BPF instruction behind a KASAN report
 * @ip: return address of the bpf_kasan_check() call, inside the JITed image
 * @info: second argument of bpf_kasan_check()
 *
 * Printed after the KASAN report: the program, the instruction index as
 * loaded and, when the program has BTF line info, the source line.
 */
void bpf_kasan_report_prog(unsigned long ip, u32 info)
{
	u32 idx = info >> BPF_KASAN_INFO_IDX_SHIFT;
	const char *file, *line;
	struct bpf_prog *prog;
	int num;

	rcu_read_lock();
	prog = bpf_prog_ksym_find(ip);
	if (!prog) {
		pr_err("bpf_kasan: access by an unknown BPF program at %pS\n", (void *)ip);
		goto out;
	}
	if (idx == BPF_KASAN_INFO_IDX_MAX)
		pr_err("bpf_kasan: %s of size %u by BPF program %s, in an instruction generated by the kernel\n",
		       info & BPF_KASAN_INFO_WRITE ? "write" : "read",
		       info & BPF_KASAN_INFO_SIZE_MASK, prog->aux->name);
	else
		pr_err("bpf_kasan: %s of size %u by BPF program %s, insn %u\n",
		       info & BPF_KASAN_INFO_WRITE ? "write" : "read",
		       info & BPF_KASAN_INFO_SIZE_MASK, prog->aux->name, idx);
	if (!bpf_prog_get_file_line(prog, ip, &file, &line, &num))
		pr_err("bpf_kasan: at %s:%d: %s\n", file, num, line);
out:
	rcu_read_unlock();
}

static int __init bpf_kasan_setup(char *str)
{
	if (!str)
		return -EINVAL;
	if (!strcmp(str, "off") || !strcmp(str, "0"))
		bpf_kasan_mode = BPF_KASAN_OFF;
	else if (!strcmp(str, "inline") || !strcmp(str, "1"))
		bpf_kasan_mode = BPF_KASAN_INLINE;
	else if (!strcmp(str, "outline") || !strcmp(str, "2"))
		bpf_kasan_mode = BPF_KASAN_OUTLINE;
	else
		return -EINVAL;
	return 0;
}
early_param("bpf_kasan", bpf_kasan_setup);

static const struct ctl_table bpf_kasan_sysctl[] = {
	{
		.procname	= "bpf_kasan",
		.data		= &bpf_kasan_mode,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_TWO,
	},
};

static int __init bpf_kasan_sysctl_init(void)
{
	register_sysctl_init("kernel", bpf_kasan_sysctl);
	return 0;
}
late_initcall(bpf_kasan_sysctl_init);
