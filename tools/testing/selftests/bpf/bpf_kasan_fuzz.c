// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_kasan_fuzz: differential fuzzing of the BPF KASAN rewrite
 * (kernel/bpf/kasan.c). The checks must never change what a program
 * computes.
 *
 * Every generated program (bpf_kasan_fuzz_gen.c) is loaded and run by
 * BPF_PROG_TEST_RUN in each of these modes, on fresh maps with the same
 * contents and the same packet and ctx:
 *
 *   off      kernel.bpf_kasan=0
 *   inline   kernel.bpf_kasan=1
 *   outline  kernel.bpf_kasan=2
 *   harden   kernel.bpf_kasan=1, net.core.bpf_jit_harden=2
 *   nojit    kernel.bpf_kasan=1, net.core.bpf_jit_enable=0, when the
 *            interpreter can run the program (a load that fails only
 *            without the JIT counts as "not interpretable")
 *
 * and, only for a program that harden rejects, the reference of that mode:
 *
 *   offharden  kernel.bpf_kasan=0, net.core.bpf_jit_harden=2: a program
 *            that blinding alone makes fail to load (its blinded form
 *            overflows the jump range, and without its JIT image a program
 *            with callbacks or tail calls and subprograms is rejected) is
 *            not compared in harden: it counts as "not blindable"
 *
 * A failure is any difference from "off" in the verifier's verdict, the
 * return value, the contents of any map, the packet (data_out) or the
 * ctx (ctx_out), or any report on the error_report_end tracepoint (KASAN
 * and the like: generated programs only touch valid memory). A failing
 * program is printed with its seed and index, minimised (ddmin over its
 * snippets while it still fails) and saved with the xlated dumps and the
 * verifier logs of every mode under OUTDIR/<seed>-<index>/.
 *
 * The generator makes the same program from a seed on every arch. Where
 * the JIT cannot mix tail calls and subprograms (no
 * bpf_jit_supports_subprog_tailcalls(): riscv64), a program with both
 * loses, by turns of its index, its tail call or its snippets with
 * subprograms; the summary counts them.
 *
 * Coverage comes from the kernel: loaded with BPF_LOG_STATS, the pass
 * logs its statistics line, its fallbacks and a "bpf_kasan: shapes" line
 * of name/value pairs. The summary counts, per decision point, the
 * programs that hit it.
 *
 * Usage: bpf_kasan_fuzz [options]
 *   -n, --count N            programs to run (default 100)
 *   -s, --seed SEED          first seed (default 1); program i of a run
 *                            depends on (SEED, i) only
 *   -f, --first I            start at program I (default 0): runs of
 *                            disjoint ranges of one seed add up to one
 *                            run (make fuzz runs one per CPU)
 *   -p, --prog I             run only program I of the seed
 *   -o, --outdir DIR         where failing programs are saved (default
 *                            ./bpf_kasan_fuzz.out)
 *   -P, --progress SECS      progress line every SECS seconds (default 10,
 *                            0: none)
 *   -c, --require-coverage   a decision point that no program hit fails
 *   -z, --allow-zero A,B     decision points exempt from that
 *   -d, --disable F,G        generator features to leave out: load_acq,
 *                            kfunc, testmod, global_func, tail_call, loop,
 *                            big
 *   -b, --big-period N       every Nth program nears the jump range
 *                            (default 40, 0: none)
 *   -r, --max-reject PCT     fail if more than PCT% of the programs do not
 *                            load with the checks off (default 5)
 *   -H, --host-dev           development on a kernel without the pass:
 *                            run the modes that exist, drop the features
 *                            the kernel lacks
 *   -g, --gen-only           generate only, print each program's hash (no
 *                            BPF syscalls: determinism across arches)
 *   -D, --dump               print each program's instructions
 *   -A, --announce           print "prog I" before running program I: the
 *                            last one a crashed guest printed names the
 *                            program that crashed it
 *   -N, --no-run             load program(s) in every mode without running
 *                            them and save their code: for a program that
 *                            crashes the kernel when it runs
 *   --crash-at I             crash the kernel (sysrq c) when program I
 *                            starts: tests how make fuzz handles a guest
 *                            that dies
 *   -v, --verbose            print each program's hashes and results, and
 *                            the verifier log of rejected programs
 *
 * Prints a closing line "Summary: P PASSED, S SKIPPED, F FAILED" (programs
 * that matched in every mode, programs the verifier rejects with the
 * checks off, failures) and exits non-zero on any failure. The sysctls are
 * restored on exit, SIGINT and SIGTERM.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "bpf_kasan_fuzz.h"
#include "disasm.h"

enum fz_mode {
	M_OFF,
	M_INLINE,
	M_OUTLINE,
	M_HARDEN,
	M_NOJIT,
	M_OFF_HARDEN,	/* on demand: see evaluate() */
	NR_MODES,
};

static const char * const mode_names[NR_MODES] = {
	"off", "inline", "outline", "harden", "nojit", "offharden",
};

/* Sysctls */

enum {
	S_KASAN,
	S_HARDEN,
	S_JIT,
	NR_SYSCTLS,
};

static const char * const sysctl_paths[NR_SYSCTLS] = {
	"/proc/sys/kernel/bpf_kasan",
	"/proc/sys/net/core/bpf_jit_harden",
	"/proc/sys/net/core/bpf_jit_enable",
};

/* Values per mode: kernel.bpf_kasan, bpf_jit_harden, bpf_jit_enable. */
static const int mode_sysctls[NR_MODES][NR_SYSCTLS] = {
	[M_OFF]		= { 0, 0, 1 },
	[M_INLINE]	= { 1, 0, 1 },
	[M_OUTLINE]	= { 2, 0, 1 },
	[M_HARDEN]	= { 1, 2, 1 },
	[M_NOJIT]	= { 1, 0, 0 },
	[M_OFF_HARDEN]	= { 0, 2, 1 },
};

static struct {
	bool present[NR_SYSCTLS];
	char saved[NR_SYSCTLS][32];	/* restored on exit */
	int cur[NR_SYSCTLS];		/* -1: unknown */
	bool modified;
} sysctls;

static int read_sysctl(int i, char *buf, size_t sz)
{
	int fd = open(sysctl_paths[i], O_RDONLY), n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sz - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

/* Async-signal-safe: used from the signal handler too. */
static int write_sysctl_str(int i, const char *val)
{
	int fd = open(sysctl_paths[i], O_WRONLY), n, err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

static int set_sysctl(int i, int val)
{
	char buf[16];
	int err;

	if (sysctls.cur[i] == val)
		return 0;
	snprintf(buf, sizeof(buf), "%d\n", val);
	sysctls.modified = true;
	err = write_sysctl_str(i, buf);
	sysctls.cur[i] = err ? -1 : val;
	return err;
}

static void restore_sysctls(void)
{
	int i;

	if (!sysctls.modified)
		return;
	/* jit_enable last: jit_harden and bpf_kasan do not depend on it */
	for (i = 0; i < NR_SYSCTLS; i++)
		if (sysctls.present[i])
			write_sysctl_str(i, sysctls.saved[i]);
	sysctls.modified = false;
}

/* SIGINT, SIGTERM, SIGHUP and crashes: restore, then die of the signal. */
static void on_signal(int sig)
{
	static const char msg[] = "bpf_kasan_fuzz: killed by a signal, sysctls restored\n";

	restore_sysctls();
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(128 + sig);
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

/* Options and environment */

static struct {
	__u32 count;
	__u64 seed;
	__u32 first;		/* index of the first program */
	long prog;		/* -1: all */
	const char *outdir;
	int progress;
	bool require_coverage;
	char *allow_zero;
	__u32 disabled;
	__u32 big_period;
	int max_reject;
	bool host_dev;
	bool gen_only;
	bool dump;
	bool verbose;
	bool announce;
	bool no_run;
	long crash_at;		/* -1: never */
} opts = {
	.count = 100,
	.seed = 1,
	.prog = -1,
	.crash_at = -1,
	.outdir = "bpf_kasan_fuzz.out",
	.progress = 10,
	.big_period = 40,
	.max_reject = 5,
};

static struct {
	bool mode_ok[NR_MODES];
	struct fz_config cfg;
	__s32 kfunc_id[FZ_NR_KFUNCS];
	int kfield_off[FZ_NR_KFIELDS];
	int mod_btf_fd;		/* bpf_testmod's BTF, -1: none */
	int report_map_fd;	/* error_report_end counter, -1: none */
	int report_link_fd;
	struct btf *vmlinux;
	/* bpf_jit_supports_subprog_tailcalls(): riscv64 has not (7.2) */
	bool tail_call_subprogs;
} env = {
	.mod_btf_fd = -1,
	.report_map_fd = -1,
	.report_link_fd = -1,
};

static const struct {
	const char *name;
	__u32 bit;
} feature_names[] = {
	{ "load_acq", FZ_FEAT_LOAD_ACQ },
	{ "kfunc", FZ_FEAT_KFUNC },
	{ "testmod", FZ_FEAT_TESTMOD },
	{ "global_func", FZ_FEAT_GLOBAL_FUNC },
	{ "tail_call", FZ_FEAT_TAIL_CALL },
	{ "loop", FZ_FEAT_LOOP },
	{ "big", FZ_FEAT_BIG },
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bpf_kasan_fuzz: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	restore_sysctls();
	printf("Summary: 0 PASSED, 0 SKIPPED, 1 FAILED\n");
	exit(1);
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die("out of memory");
	return p;
}

/* Text buffers */

struct strbuf {
	char *s;
	size_t len, cap;
};

static void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = sb->cap - sb->len;

		va_start(ap, fmt);
		n = vsnprintf(sb->s ? sb->s + sb->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			sb->len += n;
			return;
		}
		sb->cap = (sb->cap + n + 1) * 2;
		sb->s = realloc(sb->s, sb->cap);
		if (!sb->s)
			die("out of memory");
	}
}

static void sb_free(struct strbuf *sb)
{
	free(sb->s);
	memset(sb, 0, sizeof(*sb));
}

/* Hashes (FNV-1a), to show determinism. */
static __u64 fnv(__u64 h, const void *data, size_t len)
{
	const __u8 *p = data;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

#define FNV_INIT	0xcbf29ce484222325ULL

/* Kernel functions and fields from BTF */

static int find_member(const struct btf *btf, __u32 type_id, const char *name, int base)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	const struct btf_member *m;
	int i, off;

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_composite(t))
		return -1;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		__u32 bits = btf_member_bit_offset(t, i);
		const char *mn = btf__name_by_offset(btf, m->name_off);

		if (bits % 8 || btf_member_bitfield_size(t, i))
			continue;
		if (mn && !strcmp(mn, name)) {
			const struct btf_type *mt = btf__type_by_id(btf, m->type);

			while (mt && (btf_is_mod(mt) || btf_is_typedef(mt)))
				mt = btf__type_by_id(btf, mt->type);
			/* a u32 scalar, read as BPF_W */
			if (!mt || !btf_is_int(mt) || mt->size != 4)
				return -1;
			return base + bits / 8;
		}
		if (mn && !*mn) {
			off = find_member(btf, m->type, name, base + bits / 8);
			if (off >= 0)
				return off;
		}
	}
	return -1;
}

static int struct_member(const char *sname, const char *member)
{
	int id;

	if (!env.vmlinux)
		return -1;
	id = btf__find_by_name_kind(env.vmlinux, sname, BTF_KIND_STRUCT);
	if (id < 0)
		return -1;
	return find_member(env.vmlinux, id, member, 0);
}

/* The fd of a kernel BTF object by name (bpf_testmod), -1 if none. */
static int kernel_btf_fd(const char *name, __u32 *id_out)
{
	__u32 id = 0;
	int fd;

	while (!bpf_btf_get_next_id(id, &id)) {
		struct bpf_btf_info info = {};
		__u32 len = sizeof(info);
		char n[64] = "";

		fd = bpf_btf_get_fd_by_id(id);
		if (fd < 0)
			continue;
		info.name = (__u64)(unsigned long)n;
		info.name_len = sizeof(n);
		if (!bpf_btf_get_info_by_fd(fd, &info, &len) && !strcmp(n, name)) {
			*id_out = id;
			return fd;
		}
		close(fd);
	}
	return -1;
}

static void resolve_kfuncs(void)
{
	struct btf *mod = NULL;
	__u32 mod_id = 0;
	int i;

	for (i = 0; i < FZ_NR_KFUNCS; i++)
		env.kfunc_id[i] = -1;
	if (env.vmlinux)
		for (i = 0; i < FZ_KF_FIRST_MODULE; i++)
			env.kfunc_id[i] = btf__find_by_name_kind(env.vmlinux, fz_kfunc_names[i],
								 BTF_KIND_FUNC);
	env.mod_btf_fd = kernel_btf_fd("bpf_testmod", &mod_id);
	if (env.mod_btf_fd >= 0 && env.vmlinux)
		mod = btf__load_from_kernel_by_id_split(mod_id, env.vmlinux);
	for (i = FZ_KF_FIRST_MODULE; mod && i < FZ_NR_KFUNCS; i++)
		env.kfunc_id[i] = btf__find_by_name_kind(mod, fz_kfunc_names[i], BTF_KIND_FUNC);
	btf__free(mod);
}

/* Maps */

struct fz_maps {
	int fd[FZ_NR_MAPS];
};

static int maps_create(const struct fz_prog *p, struct fz_maps *m)
{
	__u8 val[256];
	__u32 k;
	int i;

	for (i = 0; i < FZ_NR_MAPS; i++)
		m->fd[i] = -1;
	for (i = 0; i < FZ_NR_MAPS; i++) {
		const struct fz_map_spec *s = &fz_maps[i];

		m->fd[i] = bpf_map_create(s->type, s->name, 4, s->value_size,
					  s->max_entries, NULL);
		if (m->fd[i] < 0)
			return -errno;
		if (s->type != BPF_MAP_TYPE_ARRAY)
			continue;
		for (k = 0; k < s->max_entries; k++) {
			fz_map_init(p, i, k, val);
			if (bpf_map_update_elem(m->fd[i], &k, val, 0))
				return -errno;
		}
	}
	return 0;
}

static void maps_close(struct fz_maps *m)
{
	int i;

	for (i = 0; i < FZ_NR_MAPS; i++)
		if (m->fd[i] >= 0)
			close(m->fd[i]);
}

static size_t map_bytes(int i)
{
	return fz_maps[i].type == BPF_MAP_TYPE_ARRAY ?
	       (size_t)fz_maps[i].value_size * fz_maps[i].max_entries : 0;
}

/* Results of one mode */

struct fz_result {
	bool loaded;
	int load_err;
	char *log;		/* verifier log (BPF_LOG_STATS) */
	int run_err;
	__u32 retval;
	__u8 *map[FZ_NR_MAPS];
	__u8 data_out[256];
	__u32 data_size_out;
	struct __sk_buff ctx_out;
	__u32 ctx_size_out;
	__u64 reports;		/* error_report_end during load and run */
	bool tail_failed;	/* the tail call target did not load */
	char *xlated;		/* when asked for */
	char *full_log;		/* when asked for: BPF_LOG_LEVEL1 */
};

static void result_free(struct fz_result *r)
{
	int i;

	free(r->log);
	free(r->xlated);
	free(r->full_log);
	for (i = 0; i < FZ_NR_MAPS; i++)
		free(r->map[i]);
	memset(r, 0, sizeof(*r));
}

static __u64 reports_now(void)
{
	__u32 key = 0;
	__u64 v = 0;

	if (env.report_map_fd >= 0)
		bpf_map_lookup_elem(env.report_map_fd, &key, &v);
	return v;
}

/* Replace the generator's kfunc and kernel field indices with BTF's. */
static void resolve_image(struct bpf_insn *insns, int cnt)
{
	int i;

	for (i = 0; i < cnt; i++) {
		struct bpf_insn *in = &insns[i];

		if (BPF_CLASS(in->code) == BPF_LDX &&
		    (in->imm & 0xffff0000) == FZ_KFIELD_TAG &&
		    (in->imm & 0xffff) < FZ_NR_KFIELDS) {
			in->off = env.kfield_off[in->imm & 0xffff];
			in->imm = 0;
			continue;
		}
		if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg != BPF_PSEUDO_KFUNC_CALL)
			continue;
		if (in->imm >= FZ_KF_FIRST_MODULE)
			in->off = FZ_FD_MOD_BTF;
		in->imm = env.kfunc_id[in->imm];
	}
}

struct disasm_ctx {
	struct strbuf *sb;
	char buf[64];
};

static void disasm_print(void *priv, const char *fmt, ...)
{
	struct disasm_ctx *c = priv;
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	sb_printf(c->sb, "%s", line);
}

static const char *disasm_call(void *priv, const struct bpf_insn *insn)
{
	struct disasm_ctx *c = priv;
	int i;

	if (insn->src_reg == BPF_PSEUDO_CALL) {
		snprintf(c->buf, sizeof(c->buf), "%+d", insn->imm);
		return c->buf;
	}
	if (insn->src_reg != BPF_PSEUDO_KFUNC_CALL)
		return NULL;
	for (i = 0; i < FZ_NR_KFUNCS; i++)
		if (env.kfunc_id[i] > 0 && env.kfunc_id[i] == insn->imm)
			return fz_kfunc_names[i];
	return NULL;
}

static const char *disasm_imm(void *priv, const struct bpf_insn *insn, __u64 imm)
{
	struct disasm_ctx *c = priv;

	switch (insn->src_reg) {
	case BPF_PSEUDO_MAP_IDX_VALUE:
		if (insn->imm >= 0 && insn->imm < FZ_NR_MAPS)
			snprintf(c->buf, sizeof(c->buf), "&%s + %d", fz_maps[insn->imm].name,
				 insn[1].imm);
		else
			snprintf(c->buf, sizeof(c->buf), "map_value[%d] + %d", insn->imm,
				 insn[1].imm);
		break;
	case BPF_PSEUDO_MAP_IDX:
		if (insn->imm >= 0 && insn->imm < FZ_NR_MAPS)
			snprintf(c->buf, sizeof(c->buf), "map %s", fz_maps[insn->imm].name);
		else
			snprintf(c->buf, sizeof(c->buf), "map[%d]", insn->imm);
		break;
	case BPF_PSEUDO_FUNC:
		snprintf(c->buf, sizeof(c->buf), "func pc%+d", insn->imm);
		break;
	default:
		snprintf(c->buf, sizeof(c->buf), "0x%llx", (unsigned long long)imm);
		break;
	}
	return c->buf;
}

/*
 * The kernel's disassembler (kernel/bpf/disasm.c), as bpftool prints;
 * @img: the generated program, for snippet and function marks.
 */
static void disasm_marked(struct strbuf *sb, const struct bpf_insn *insns, int cnt,
			  const struct fz_prog *p, const struct fz_image *img)
{
	struct disasm_ctx c = { .sb = sb };
	const struct bpf_insn_cbs cbs = {
		.cb_print = disasm_print,
		.cb_call = disasm_call,
		.cb_imm = disasm_imm,
		.private_data = &c,
	};
	int i;

	for (i = 0; i < cnt; i++) {
		int k;

		for (k = 0; img && k < p->nsnips; k++)
			if (img->snip_at[k] == i)
				sb_printf(sb, "; snippet %d: %s\n", k,
					  fz_kind_names[p->snips[k].kind]);
		for (k = 1; img && k < img->nfuncs; k++)
			if ((int)img->funcs[k].insn_off == i)
				sb_printf(sb, "; subprogram %d\n", k);
		if (img && i == img->epilogue_at)
			sb_printf(sb, "; epilogue\n");
		sb_printf(sb, "%5d: ", i);
		print_bpf_insn(&cbs, &insns[i], true);
		if (insns[i].code == (BPF_LD | BPF_DW | BPF_IMM))
			i++;
	}
}

static void disasm(struct strbuf *sb, const struct bpf_insn *insns, int cnt)
{
	disasm_marked(sb, insns, cnt, NULL, NULL);
}

static char *xlated_dump(int prog_fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), n;
	struct bpf_insn *insns;
	struct strbuf sb = {};

	if (bpf_prog_get_info_by_fd(prog_fd, &info, &len))
		return xstrdup("(no info)\n");
	n = info.xlated_prog_len;
	insns = xcalloc(n / sizeof(*insns) + 1, sizeof(*insns));
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = n;
	info.xlated_prog_insns = (__u64)(unsigned long)insns;
	len = sizeof(info);
	if (bpf_prog_get_info_by_fd(prog_fd, &info, &len)) {
		free(insns);
		return xstrdup("(no xlated instructions)\n");
	}
	sb_printf(&sb, "; %u insns xlated, %u bytes jited\n",
		  info.xlated_prog_len / 8, info.jited_prog_len);
	disasm(&sb, insns, n / sizeof(*insns));
	free(insns);
	return sb.s;
}

/* BTF with func_info for programs with global subprograms. */
struct fz_btf {
	int fd;
	struct bpf_func_info *fi;
	int cnt;
	struct btf *btf;
};

static int make_btf(const struct fz_image *img, struct fz_btf *b)
{
	int long_id, i, k, proto, fid;
	char name[32];

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	if (!img->need_btf)
		return 0;
	b->btf = btf__new_empty();
	if (!b->btf)
		return -ENOMEM;
	long_id = btf__add_int(b->btf, "long", 8, BTF_INT_SIGNED);
	b->fi = xcalloc(img->nfuncs, sizeof(*b->fi));
	for (i = 0; i < img->nfuncs; i++) {
		const struct fz_func *f = &img->funcs[i];
		int nargs = f->main ? 1 : f->nargs;

		proto = btf__add_func_proto(b->btf, long_id);
		for (k = 0; k < nargs; k++) {
			snprintf(name, sizeof(name), "a%d", k);
			btf__add_func_param(b->btf, name, long_id);
		}
		snprintf(name, sizeof(name), f->main ? "fz_main" : "fz_f%d", i);
		fid = btf__add_func(b->btf, name,
				    f->kind == FZ_SUB_GLOBAL || f->main ?
				    BTF_FUNC_GLOBAL : BTF_FUNC_STATIC, proto);
		if (fid < 0)
			return fid;
		b->fi[i].insn_off = f->insn_off;
		b->fi[i].type_id = fid;
	}
	b->cnt = img->nfuncs;
	if (btf__load_into_kernel(b->btf))
		return -errno;
	b->fd = btf__fd(b->btf);
	return 0;
}

static void free_btf(struct fz_btf *b)
{
	btf__free(b->btf);
	free(b->fi);
	memset(b, 0, sizeof(*b));
}

#define LOG_SIZE	(64 * 1024)
#define FULL_LOG_SIZE	(16 * 1024 * 1024)

static int load(const struct fz_prog *p, const struct fz_image *img, const struct fz_btf *btf,
		const int *fd_array, int log_level, char *log, size_t log_size)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o);
	struct bpf_insn *insns = xcalloc(img->cnt, sizeof(*insns));
	int fd;

	o.prog_flags = BPF_F_ANY_ALIGNMENT | p->prog_flags;
	o.fd_array = fd_array;
	o.log_level = log_level;
	o.log_buf = log;
	o.log_size = log_size;
	if (log)
		log[0] = 0;
	memcpy(insns, img->insns, img->cnt * sizeof(*insns));
	resolve_image(insns, img->cnt);
	if (btf && btf->fd >= 0) {
		o.prog_btf_fd = btf->fd;
		o.func_info = btf->fi;
		o.func_info_cnt = btf->cnt;
		o.func_info_rec_size = sizeof(*btf->fi);
	}
	fd = bpf_prog_load(p->type, "fz", "GPL", insns, img->cnt, &o);
	if (fd < 0)
		fd = -errno;
	free(insns);
	return fd;
}

static bool set_mode(enum fz_mode mode)
{
	int i;

	for (i = 0; i < NR_SYSCTLS; i++) {
		if (!sysctls.present[i])
			continue;
		if (set_sysctl(i, mode_sysctls[mode][i]))
			return false;
	}
	return true;
}

/*
 * Load and run the program with snippets @keep (the tail call last) in
 * @mode. @dump: also keep the xlated dump and a full verifier log.
 */
static int run_mode(const struct fz_prog *p, const bool *keep, enum fz_mode mode, bool dump,
		    struct fz_result *res)
{
	int fd_array[FZ_FD_ARRAY_CNT], i, fd = -1, tfd = -1, err = 0;
	struct fz_image img = {}, timg = {};
	struct fz_btf btf = {};
	struct fz_maps maps;
	bool tail = p->tail_call && (!keep || keep[p->nsnips]);
	__u64 before;

	memset(res, 0, sizeof(*res));
	if (!set_mode(mode))
		die("cannot set the sysctls of mode %s: %s", mode_names[mode], strerror(errno));
	before = reports_now();
	if (fz_assemble(p, keep, &img))
		die("out of memory");
	err = maps_create(p, &maps);
	if (err)
		die("cannot create maps: %s", strerror(-err));
	for (i = 0; i < FZ_NR_MAPS; i++)
		fd_array[i] = maps.fd[i];
	fd_array[FZ_FD_MOD_BTF] = env.mod_btf_fd;
	err = make_btf(&img, &btf);
	if (err)
		die("cannot load BTF: %s", strerror(-err));
	res->log = xcalloc(LOG_SIZE, 1);
	if (tail) {
		if (fz_assemble(p->tail_prog, NULL, &timg))
			die("out of memory");
		tfd = load(p->tail_prog, &timg, NULL, fd_array, 4, res->log, LOG_SIZE);
		if (tfd < 0) {
			res->load_err = tfd;
			res->tail_failed = true;
			goto out;
		}
		i = 0;
		if (bpf_map_update_elem(maps.fd[FZ_MAP_PROGS], &i, &tfd, 0))
			die("cannot set the tail call target: %s", strerror(errno));
	}
	fd = load(p, &img, &btf, fd_array, 4, res->log, LOG_SIZE);
	if (fd < 0) {
		res->load_err = fd;
		goto out;
	}
	res->loaded = true;
	if (!opts.no_run) {
		LIBBPF_OPTS(bpf_test_run_opts, t);

		t.data_in = p->pkt;
		t.data_size_in = p->pkt_len;
		t.data_out = res->data_out;
		t.data_size_out = sizeof(res->data_out);
		t.repeat = 1;
		if (p->type != BPF_PROG_TYPE_XDP) {
			t.ctx_in = &p->skb;
			t.ctx_size_in = sizeof(p->skb);
			t.ctx_out = &res->ctx_out;
			t.ctx_size_out = sizeof(res->ctx_out);
		}
		res->run_err = bpf_prog_test_run_opts(fd, &t) ? -errno : 0;
		res->retval = t.retval;
		res->data_size_out = t.data_size_out;
		res->ctx_size_out = t.ctx_size_out;
	}
	for (i = 0; i < FZ_NR_MAPS && !opts.no_run; i++) {
		__u32 k;

		if (!map_bytes(i))
			continue;
		res->map[i] = xcalloc(map_bytes(i), 1);
		for (k = 0; k < fz_maps[i].max_entries; k++)
			bpf_map_lookup_elem(maps.fd[i], &k,
					    res->map[i] + k * fz_maps[i].value_size);
	}
	if (dump)
		res->xlated = xlated_dump(fd);
out:
	if (dump) {
		/* The whole verifier log, in a second load. */
		char *full = calloc(FULL_LOG_SIZE, 1);
		int f2;

		if (full) {
			f2 = load(p, &img, &btf, fd_array, 2 | 4, full, FULL_LOG_SIZE);
			if (f2 >= 0)
				close(f2);
			res->full_log = full;
		}
	}
	res->reports = reports_now() - before;
	if (fd >= 0)
		close(fd);
	if (tfd >= 0)
		close(tfd);
	free_btf(&btf);
	maps_close(&maps);
	fz_image_free(&img);
	fz_image_free(&timg);
	return 0;
}

/* Comparison */

static void compare(const struct fz_prog *p, enum fz_mode mode, const struct fz_result *a,
		    const struct fz_result *b, struct strbuf *diff)
{
	const char *m = mode_names[mode];
	size_t i;
	int k;

	if (b->reports)
		sb_printf(diff, "%s: %llu error reports (KASAN) during load and run\n", m,
			  (unsigned long long)b->reports);
	if (a->loaded != b->loaded) {
		sb_printf(diff, "%s: verdict: %s with the checks off, %s (%s) in %s\n", m,
			  a->loaded ? "loads" : "rejected",
			  b->loaded ? "loads" : "rejected", strerror(-b->load_err), m);
		return;
	}
	if (!a->loaded)
		return;
	if (a->run_err != b->run_err)
		sb_printf(diff, "%s: test_run: %d (off) != %d\n", m, a->run_err, b->run_err);
	if (a->retval != b->retval)
		sb_printf(diff, "%s: retval 0x%x (off) != 0x%x\n", m, a->retval, b->retval);
	for (k = 0; k < FZ_NR_MAPS; k++) {
		/* not read: a map that cannot be dumped, or --no-run */
		if (!a->map[k] || !b->map[k])
			continue;
		for (i = 0; i < map_bytes(k); i++) {
			if (a->map[k][i] == b->map[k][i])
				continue;
			sb_printf(diff, "%s: map %s element %zu byte %zu: 0x%02x (off) != 0x%02x\n",
				  m, fz_maps[k].name, i / fz_maps[k].value_size,
				  i % fz_maps[k].value_size, a->map[k][i], b->map[k][i]);
			break;
		}
	}
	if (a->data_size_out != b->data_size_out)
		sb_printf(diff, "%s: data_out size %u (off) != %u\n", m, a->data_size_out,
			  b->data_size_out);
	for (i = 0; i < a->data_size_out && i < sizeof(a->data_out); i++) {
		if (a->data_out[i] == b->data_out[i])
			continue;
		sb_printf(diff, "%s: data_out byte %zu: 0x%02x (off) != 0x%02x\n", m, i,
			  a->data_out[i], b->data_out[i]);
		break;
	}
	if (a->ctx_size_out != b->ctx_size_out ||
	    memcmp(&a->ctx_out, &b->ctx_out, sizeof(a->ctx_out))) {
		const __u8 *x = (const void *)&a->ctx_out, *y = (const void *)&b->ctx_out;

		for (i = 0; i < sizeof(a->ctx_out) && x[i] == y[i]; i++)
			;
		sb_printf(diff, "%s: ctx_out byte %zu: 0x%02x (off) != 0x%02x\n", m, i,
			  i < sizeof(a->ctx_out) ? x[i] : 0, i < sizeof(a->ctx_out) ? y[i] : 0);
	}
}

static __u64 result_hash(const struct fz_result *r)
{
	__u64 h = FNV_INIT;
	int k;

	h = fnv(h, &r->run_err, sizeof(r->run_err));
	h = fnv(h, &r->retval, sizeof(r->retval));
	for (k = 0; k < FZ_NR_MAPS; k++)
		if (r->map[k])
			h = fnv(h, r->map[k], map_bytes(k));
	h = fnv(h, r->data_out, r->data_size_out);
	h = fnv(h, &r->ctx_out, sizeof(r->ctx_out));
	return h;
}

/* Coverage: programs per decision point */

struct cov_point {
	char name[48];
	__u64 progs;
};

static struct cov_point *cov;
static int ncov;
static __u64 shapes_lines;

static struct cov_point *cov_get(const char *name)
{
	int i;

	for (i = 0; i < ncov; i++)
		if (!strcmp(cov[i].name, name))
			return &cov[i];
	cov = realloc(cov, (ncov + 1) * sizeof(*cov));
	if (!cov)
		die("out of memory");
	memset(&cov[ncov], 0, sizeof(cov[ncov]));
	snprintf(cov[ncov].name, sizeof(cov[ncov].name), "%s", name);
	return &cov[ncov++];
}

static void cov_hit(const char *name, bool hit)
{
	struct cov_point *c = cov_get(name);

	if (hit)
		c->progs++;
}

/* The points printed and required even when no program hit them. */
static const char * const cov_fixed[] = {
	"instrumented", "elided", "kept", "skipped_stack", "skipped_probe", "skipped_ax",
	"fallback_outline", "fallback_none", "outline_fallback_none",
};

static const char * const cov_required[] = {
	"instrumented", "elided", "kept", "skipped_stack",
	"fallback_outline", "fallback_none",
};

/* The pass's fallbacks (kernel/bpf/kasan.c: bpf_kasan_instrument()). */
static const char msg_outline[] =
	"bpf_kasan: inline checks would overflow a jump, using outline checks";
static const char msg_none[] =
	"bpf_kasan: checks would overflow a jump, program not instrumented";

/*
 * The pass's lines in the log of the inline load (@inline_log) and of the
 * outline load (@outline_log).
 */
static void cov_parse(const char *inline_log, const char *outline_log)
{
	unsigned int instr = 0, elided = 0, kept = 0, stack = 0, probe = 0, ax = 0, added = 0;
	const char *line, *s;
	char mode[16];
	bool stats = false;

	for (line = inline_log; line && *line; line = s ? s + 1 : NULL) {
		s = strchr(line, '\n');
		if (sscanf(line,
			   "bpf_kasan: %15[a-z], %u accesses instrumented, %u elided, %u with a kept shadow address, skipped stack %u probe %u ax %u, %u insns added",
			   mode, &instr, &elided, &kept, &stack, &probe, &ax, &added) == 8) {
			stats = true;
		} else if (!strncmp(line, "bpf_kasan: shapes", 17)) {
			/* name value pairs, any names */
			const char *q = line + 17;
			char name[40];
			unsigned long long v;
			int n;

			shapes_lines++;
			while (sscanf(q, " %39s %llu%n", name, &v, &n) == 2) {
				char full[48];

				snprintf(full, sizeof(full), "shape %s", name);
				cov_hit(full, v > 0);
				q += n;
				if (s && q >= s)
					break;
			}
		}
	}
	cov_hit("instrumented", stats && instr > 0);
	cov_hit("elided", stats && elided > 0);
	cov_hit("kept", stats && kept > 0);
	cov_hit("skipped_stack", stats && stack > 0);
	cov_hit("skipped_probe", stats && probe > 0);
	cov_hit("skipped_ax", stats && ax > 0);
	cov_hit("fallback_outline", inline_log && strstr(inline_log, msg_outline));
	cov_hit("fallback_none", inline_log && strstr(inline_log, msg_none));
	cov_hit("outline_fallback_none", outline_log && strstr(outline_log, msg_none));
}

/* Running one program */

struct stats {
	__u64 done, passed, rejected, run_failed, failed, not_interp, not_blindable, big, loads;
	__u64 by_type[3];
	__u64 insns;
	__u64 lost_tail_call, lost_subprogs;
	struct strbuf not_interp_reasons, not_blindable_reasons, rejected_reasons;
};

static struct stats st;

/* The last line of a verifier log, for short messages. */
static const char *last_line(const char *log, char *buf, size_t sz)
{
	const char *end, *start;
	size_t n;

	if (!log || !*log)
		return "(empty log)";
	end = log + strlen(log);
	while (end > log && (end[-1] == '\n' || isspace((unsigned char)end[-1])))
		end--;
	start = end;
	while (start > log && start[-1] != '\n')
		start--;
	/* skip the statistics lines */
	while (start > log && (!strncmp(start, "verification time", 17) ||
			       !strncmp(start, "processed ", 10) ||
			       !strncmp(start, "insns processed ", 16) ||
			       !strncmp(start, "stack depth", 11))) {
		end = start - 1;
		start = end;
		while (start > log && start[-1] != '\n')
			start--;
	}
	n = end - start < (long)sz - 1 ? (size_t)(end - start) : sz - 1;
	memcpy(buf, start, n);
	buf[n] = 0;
	return buf;
}

/*
 * Run all modes; fill @diff with the differences. Returns 1 when the
 * program fails, 0 when it matches, -1 when it does not load with the
 * checks off. @res: NR_MODES results, freed by the caller. When harden
 * rejects the program, offharden tells whether the checks are the cause:
 * rejected there too, harden is not compared, and res[M_OFF_HARDEN].log
 * is set (the mode ran) while res[M_OFF_HARDEN].loaded is not.
 */
static int evaluate(const struct fz_prog *p, const bool *keep, bool dump, struct fz_result *res,
		    struct strbuf *diff, bool *interp)
{
	int m;

	memset(res, 0, NR_MODES * sizeof(*res));
	*interp = false;
	run_mode(p, keep, M_OFF, dump, &res[M_OFF]);
	st.loads++;
	if (res[M_OFF].reports)
		sb_printf(diff, "off: %llu error reports during load and run\n",
			  (unsigned long long)res[M_OFF].reports);
	if (!res[M_OFF].loaded)
		return diff->len ? 1 : -1;
	for (m = M_OFF + 1; m < NR_MODES; m++) {
		if (!env.mode_ok[m] || m == M_OFF_HARDEN)
			continue;
		run_mode(p, keep, m, dump, &res[m]);
		st.loads++;
		if (m == M_HARDEN && !res[m].loaded) {
			run_mode(p, keep, M_OFF_HARDEN, dump, &res[M_OFF_HARDEN]);
			st.loads++;
			if (res[M_OFF_HARDEN].reports)
				sb_printf(diff, "offharden: %llu error reports during load\n",
					  (unsigned long long)res[M_OFF_HARDEN].reports);
			/* Blinding rejects it without the checks too. */
			if (!res[M_OFF_HARDEN].loaded) {
				if (res[m].reports)
					sb_printf(diff, "harden: %llu error reports during load\n",
						  (unsigned long long)res[m].reports);
				continue;
			}
		}
		if (m == M_NOJIT && !res[m].loaded) {
			/* The interpreter cannot run it: not a failure. */
			if (res[m].reports)
				sb_printf(diff, "nojit: %llu error reports during load\n",
					  (unsigned long long)res[m].reports);
			continue;
		}
		if (m == M_NOJIT)
			*interp = true;
		compare(p, m, &res[M_OFF], &res[m], diff);
	}
	return diff->len ? 1 : 0;
}

static void results_free(struct fz_result *res)
{
	int m;

	for (m = 0; m < NR_MODES; m++)
		result_free(&res[m]);
}

static const char *type_name(__u32 type)
{
	switch (type) {
	case BPF_PROG_TYPE_XDP:
		return "xdp";
	case BPF_PROG_TYPE_SCHED_CLS:
		return "tc";
	default:
		return "socket_filter";
	}
}

static void print_prog(const struct fz_prog *p, const bool *keep, struct strbuf *sb)
{
	struct fz_image img;
	int i;

	if (fz_assemble(p, keep, &img))
		die("out of memory");
	resolve_image(img.insns, img.cnt);
	sb_printf(sb, "; seed 0x%llx index %u, %s, flags 0x%x%s, %d insns\n",
		  (unsigned long long)p->seed, p->index, type_name(p->type), p->prog_flags,
		  p->tail_call && (!keep || keep[p->nsnips]) ? ", tail call" : "", img.cnt);
	sb_printf(sb, "; snippets:");
	for (i = 0; i < p->nsnips; i++)
		if (!keep || keep[i])
			sb_printf(sb, " %d:%s", i, fz_kind_names[p->snips[i].kind]);
	sb_printf(sb, "\n");
	for (i = 0; i < img.nfuncs; i++)
		sb_printf(sb, "; func %d at insn %u: %s, %d args\n", i, img.funcs[i].insn_off,
			  img.funcs[i].main ? "main" :
			  img.funcs[i].kind == FZ_SUB_GLOBAL ? "global" :
			  img.funcs[i].kind == FZ_SUB_CALLBACK ? "callback" : "static",
			  img.funcs[i].nargs);
	disasm_marked(sb, img.insns, img.cnt, p, &img);
	fz_image_free(&img);
	if (p->tail_call && (!keep || keep[p->nsnips])) {
		sb_printf(sb, "; tail call target:\n");
		print_prog(p->tail_prog, NULL, sb);
	}
}

static __u64 prog_hash(const struct fz_prog *p)
{
	struct fz_image img;
	__u64 h = FNV_INIT;

	if (fz_assemble(p, NULL, &img))
		die("out of memory");
	h = fnv(h, img.insns, img.cnt * sizeof(*img.insns));
	h = fnv(h, &p->type, sizeof(p->type));
	h = fnv(h, &p->prog_flags, sizeof(p->prog_flags));
	h = fnv(h, p->pkt, sizeof(p->pkt));
	h = fnv(h, &p->skb, sizeof(p->skb));
	h = fnv(h, &p->data_seed, sizeof(p->data_seed));
	fz_image_free(&img);
	if (p->tail_call)
		h = fnv(h, (__u64[]){ prog_hash(p->tail_prog) }, sizeof(__u64));
	return h;
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(text ? text : "", f);
	fclose(f);
	return 0;
}

static int mkdirs(const char *path)
{
	char buf[4096], *s;

	snprintf(buf, sizeof(buf), "%s", path);
	for (s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static bool still_fails(const struct fz_prog *p, const bool *keep, int *runs)
{
	struct fz_result res[NR_MODES];
	struct strbuf diff = {};
	bool interp, fails;

	(*runs)++;
	fails = evaluate(p, keep, false, res, &diff, &interp) == 1;
	results_free(res);
	sb_free(&diff);
	return fails;
}

#define DDMIN_MAX_RUNS	300

/* The xlated code and the verifier log of each mode, into @dir. */
static void save_modes(const char *dir, const struct fz_result *res)
{
	char name[64];
	int m;

	for (m = 0; m < NR_MODES; m++) {
		/* not run: a mode this kernel lacks, or offharden not needed */
		if (!env.mode_ok[m] || !res[m].log)
			continue;
		snprintf(name, sizeof(name), "xlated-%s.txt", mode_names[m]);
		write_file(dir, name, res[m].xlated ? res[m].xlated : "(did not load)\n");
		snprintf(name, sizeof(name), "verifier-%s.log", mode_names[m]);
		write_file(dir, name, res[m].full_log);
	}
}

/*
 * ddmin over the snippets (and the tail call, element nsnips): the
 * smallest set found that still fails, in @keep.
 */
static void minimise(const struct fz_prog *p, bool *keep)
{
	unsigned int n = p->nsnips + 1;
	int *cur = xcalloc(n, sizeof(int)), ncur = 0, chunks = 2, runs = 0;
	bool *trial = xcalloc(n, sizeof(bool));
	unsigned int i;
	int c, j;

	for (i = 0; i < n; i++)
		if (keep[i])
			cur[ncur++] = i;
	/* Nothing at all? */
	memset(trial, 0, n);
	if (still_fails(p, trial, &runs)) {
		memset(keep, 0, n);
		goto out;
	}
	while (ncur >= 2 && runs < DDMIN_MAX_RUNS) {
		int size = (ncur + chunks - 1) / chunks;
		bool reduced = false;

		for (c = 0; c < chunks && !reduced && runs < DDMIN_MAX_RUNS; c++) {
			int lo = c * size, hi = lo + size < ncur ? lo + size : ncur;

			if (lo >= hi)
				continue;
			/* the chunk alone */
			memset(trial, 0, n);
			for (j = lo; j < hi; j++)
				trial[cur[j]] = true;
			if (still_fails(p, trial, &runs)) {
				memmove(cur, cur + lo, (hi - lo) * sizeof(int));
				ncur = hi - lo;
				chunks = 2;
				reduced = true;
				break;
			}
		}
		for (c = 0; c < chunks && !reduced && runs < DDMIN_MAX_RUNS; c++) {
			int lo = c * size, hi = lo + size < ncur ? lo + size : ncur, k = 0;

			if (lo >= hi)
				continue;
			/* its complement */
			memset(trial, 0, n);
			for (j = 0; j < ncur; j++)
				if (j < lo || j >= hi)
					trial[cur[j]] = true;
			if (still_fails(p, trial, &runs)) {
				for (j = 0; j < ncur; j++)
					if (j < lo || j >= hi)
						cur[k++] = cur[j];
				ncur = k;
				chunks = chunks > 2 ? chunks - 1 : 2;
				reduced = true;
			}
		}
		if (reduced)
			continue;
		if (chunks >= ncur)
			break;
		chunks = chunks * 2 < ncur ? chunks * 2 : ncur;
	}
	memset(keep, 0, n);
	for (j = 0; j < ncur; j++)
		keep[cur[j]] = true;
out:
	if (opts.verbose)
		printf("ddmin: %d runs\n", runs);
	free(cur);
	free(trial);
}

/*
 * The elements of @p (its snippets, then its tail call) that this kernel
 * can load, in a new array: all of them, unless the JIT cannot mix tail
 * calls and subprograms (env.tail_call_subprogs). A program that has both
 * then loses, by turns of its index, its tail call or the snippets that
 * own subprograms: the generator makes the same program on every arch
 * (compare the --gen-only hashes), the runner fits it to the kernel.
 */
static bool *loadable(const struct fz_prog *p)
{
	int n = p->nsnips + 1, i;
	bool *keep = xcalloc(n, sizeof(bool));

	for (i = 0; i < n; i++)
		keep[i] = i < p->nsnips || p->tail_call;
	if (env.tail_call_subprogs || !p->tail_call || !p->nsubs)
		return keep;
	if (p->index & 1) {
		keep[p->nsnips] = false;
	} else {
		for (i = 0; i < p->nsnips; i++)
			if (p->snips[i].nsubs)
				keep[i] = false;
	}
	return keep;
}

static void save_failure(const struct fz_prog *p, const char *orig_diff)
{
	int n = p->nsnips + 1, kept = 0, i;
	bool *keep = loadable(p);
	struct fz_result res[NR_MODES];
	struct strbuf sb = {}, diff = {}, report = {};
	char dir[4096];
	bool interp;
	int err;

	minimise(p, keep);
	for (i = 0; i < n; i++)
		kept += keep[i];
	snprintf(dir, sizeof(dir), "%s/%llx-%u", opts.outdir, (unsigned long long)p->seed,
		 p->index);
	err = mkdirs(dir);
	if (err) {
		printf("FAIL cannot create %s: %s\n", dir, strerror(-err));
		free(keep);
		return;
	}
	evaluate(p, keep, true, res, &diff, &interp);
	sb_printf(&report, "bpf_kasan_fuzz: seed 0x%llx, program %u, %s\n",
		  (unsigned long long)p->seed, p->index, type_name(p->type));
	sb_printf(&report, "reproduce: bpf_kasan_fuzz -s 0x%llx -p %u -b %u%s%s\n",
		  (unsigned long long)p->seed, p->index, opts.big_period,
		  opts.disabled ? " -d <as in the original run>" : "",
		  opts.host_dev ? " --host-dev" : "");
	sb_printf(&report, "\noriginal program (%d snippets%s):\n%s", p->nsnips,
		  p->tail_call ? ", tail call" : "", orig_diff);
	sb_printf(&report, "\nminimised to %d of %d elements:", kept, n);
	for (i = 0; i < n; i++)
		if (keep[i])
			sb_printf(&report, " %d:%s", i,
				  i < p->nsnips ? fz_kind_names[p->snips[i].kind] : "tail_call");
	sb_printf(&report, "\n%s", diff.len ? diff.s :
		  "(the minimised program no longer fails: flaky?)\n");
	write_file(dir, "report.txt", report.s);
	print_prog(p, keep, &sb);
	write_file(dir, "prog.txt", sb.s);
	save_modes(dir, res);
	printf("FAIL saved: %s (minimised to %d of %d elements)\n", dir, kept, n);
	results_free(res);
	sb_free(&sb);
	sb_free(&diff);
	sb_free(&report);
	free(keep);
}

/*
 * Load program @index in every mode without running it, and save it with
 * its code: for a program that crashed the kernel when it ran (make fuzz
 * boots a new guest for this). Not minimised: each try could crash again.
 */
static void save_unrun(__u32 index)
{
	struct fz_prog *p = fz_generate(&env.cfg, opts.seed, index);
	struct fz_result res[NR_MODES];
	struct strbuf sb = {}, diff = {}, report = {};
	char dir[4096];
	bool interp, *keep;
	int err;

	if (!p)
		die("out of memory");
	keep = loadable(p);
	snprintf(dir, sizeof(dir), "%s/%llx-%u-crash", opts.outdir,
		 (unsigned long long)p->seed, index);
	err = mkdirs(dir);
	if (err)
		die("cannot create %s: %s", dir, strerror(-err));
	evaluate(p, keep, true, res, &diff, &interp);
	sb_printf(&report,
		  "bpf_kasan_fuzz: seed 0x%llx, program %u, %s: crashed the kernel when run\n",
		  (unsigned long long)p->seed, index, type_name(p->type));
	sb_printf(&report, "reproduce: bpf_kasan_fuzz -s 0x%llx -p %u -b %u%s%s\n",
		  (unsigned long long)p->seed, index, opts.big_period,
		  opts.disabled ? " -d <as in the original run>" : "",
		  opts.host_dev ? " --host-dev" : "");
	sb_printf(&report, "loaded in every mode, not run, not minimised%s%s",
		  diff.len ? ":\n" : "\n", diff.len ? diff.s : "");
	write_file(dir, "report.txt", report.s);
	print_prog(p, keep, &sb);
	write_file(dir, "prog.txt", sb.s);
	save_modes(dir, res);
	printf("saved without running: %s\n", dir);
	results_free(res);
	sb_free(&sb);
	sb_free(&diff);
	sb_free(&report);
	free(keep);
	fz_prog_free(p);
}

/* @keep: the elements of @p to load, NULL for all */
static void verbose_rejected(const struct fz_prog *p, const bool *keep)
{
	struct fz_image img;
	struct fz_maps maps;
	struct fz_btf btf;
	int fd_array[FZ_FD_ARRAY_CNT], i, fd;
	char *log = calloc(FULL_LOG_SIZE, 1);
	struct strbuf sb = {};
	const char *s;
	int lines = 0;

	if (!log || fz_assemble(p, keep, &img))
		die("out of memory");
	set_mode(M_OFF);
	if (maps_create(p, &maps) || make_btf(&img, &btf))
		die("cannot create maps or BTF");
	for (i = 0; i < FZ_NR_MAPS; i++)
		fd_array[i] = maps.fd[i];
	fd_array[FZ_FD_MOD_BTF] = env.mod_btf_fd;
	fd = load(p, &img, &btf, fd_array, 1, log, FULL_LOG_SIZE);
	if (fd >= 0)
		close(fd);
	print_prog(p, keep, &sb);
	printf("%s", sb.s);
	/* the end of the log */
	for (s = log + strlen(log); s > log && lines < 40; s--)
		if (s[-1] == '\n')
			lines++;
	printf("verifier log (end):\n%s\n", s);
	sb_free(&sb);
	free(log);
	free_btf(&btf);
	maps_close(&maps);
	fz_image_free(&img);
}

/*
 * Count program @index, which one mode could not load (@res: its log),
 * and keep why for the first five (all with -v).
 */
static void count_unloaded(__u64 *count, struct strbuf *reasons, __u32 index,
			   const struct fz_result *res)
{
	char buf[160];

	if (++*count <= 5 || opts.verbose)
		sb_printf(reasons, "  prog %u: %s\n", index, last_line(res->log, buf, sizeof(buf)));
}

static void run_one(__u32 index)
{
	struct fz_prog *p = fz_generate(&env.cfg, opts.seed, index);
	struct fz_result res[NR_MODES];
	struct strbuf diff = {};
	bool interp, *keep;
	int ret, i;

	if (!p)
		die("out of memory");
	keep = loadable(p);
	if (p->tail_call && !keep[p->nsnips])
		st.lost_tail_call++;
	for (i = 0; i < p->nsnips; i++)
		if (!keep[i]) {
			st.lost_subprogs++;
			break;
		}
	st.done++;
	st.big += p->big;
	st.by_type[p->type == BPF_PROG_TYPE_XDP ? 0 : p->type == BPF_PROG_TYPE_SCHED_CLS ? 1 : 2]++;
	if (opts.dump) {
		struct strbuf sb = {};

		print_prog(p, keep, &sb);
		printf("%s", sb.s);
		sb_free(&sb);
	}
	ret = evaluate(p, keep, false, res, &diff, &interp);
	if (ret >= 0 && res[M_OFF].loaded) {
		cov_parse(env.mode_ok[M_INLINE] ? res[M_INLINE].log : NULL,
			  env.mode_ok[M_OUTLINE] ? res[M_OUTLINE].log : NULL);
		if (env.mode_ok[M_NOJIT] && !interp)
			count_unloaded(&st.not_interp, &st.not_interp_reasons, index,
				       &res[M_NOJIT]);
		if (res[M_OFF_HARDEN].log && !res[M_OFF_HARDEN].loaded)
			count_unloaded(&st.not_blindable, &st.not_blindable_reasons, index,
				       &res[M_OFF_HARDEN]);
	}
	if (opts.verbose)
		printf("prog %u: %s, %d snippets%s, hash %016llx, result %016llx (%d, 0x%x)%s\n",
		       index, type_name(p->type), p->nsnips, p->tail_call ? ", tail call" : "",
		       (unsigned long long)prog_hash(p),
		       (unsigned long long)result_hash(&res[M_OFF]), res[M_OFF].run_err,
		       res[M_OFF].retval, ret < 0 ? ", rejected" : "");
	/* A program that does not run shows nothing: not a pass. */
	if (ret == 0 && res[M_OFF].run_err) {
		printf("SKIP prog %u: BPF_PROG_TEST_RUN fails with the checks off: %s\n", index,
		       strerror(-res[M_OFF].run_err));
		st.run_failed++;
		ret = -2;
	}
	if (ret == -1) {
		char buf[160];

		st.rejected++;
		if (st.rejected <= 5 || opts.verbose)
			sb_printf(&st.rejected_reasons, "  prog %u: %s%s\n", index,
				  res[M_OFF].tail_failed ? "tail call target: " : "",
				  last_line(res[M_OFF].log, buf, sizeof(buf)));
		if (opts.verbose) {
			printf("REJECTED prog %u (seed 0x%llx): %s%s\n", index,
			       (unsigned long long)p->seed,
			       res[M_OFF].tail_failed ? "tail call target: " : "",
			       last_line(res[M_OFF].log, buf, sizeof(buf)));
			if (res[M_OFF].tail_failed)
				verbose_rejected(p->tail_prog, NULL);
			else
				verbose_rejected(p, keep);
		}
	} else if (ret == 0) {
		st.passed++;
	} else if (ret > 0) {
		st.failed++;
		printf("FAIL prog %u (seed 0x%llx, index %u, %s, %d snippets%s):\n%s", index,
		       (unsigned long long)p->seed, index, type_name(p->type), p->nsnips,
		       p->tail_call ? ", tail call" : "", diff.s);
		fflush(stdout);
		save_failure(p, diff.s);
	}
	results_free(res);
	sb_free(&diff);
	free(keep);
	fz_prog_free(p);
}

/* Setup */

static int load_report_counter(void)
{
	struct bpf_insn insns[] = {
		/* r1 = &counter; lock *(u64 *)(r1 + 0) += 1; return 0 */
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_IDX_VALUE, .imm = 0 },
		{ .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = 1 },
		{ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_REG_2, .imm = BPF_ADD },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd_array[1], fd;
	char log[4096];

	LIBBPF_OPTS(bpf_prog_load_opts, o, .fd_array = fd_array, .log_buf = log,
		    .log_size = sizeof(log), .log_level = 1);

	env.report_map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "fz_reports", 4, 8, 1, NULL);
	if (env.report_map_fd < 0)
		return -errno;
	fd_array[0] = env.report_map_fd;
	/* the counter itself unchecked */
	set_mode(M_OFF);
	fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "fz_reports", "GPL", insns,
			   ARRAY_SIZE(insns), &o);
	if (fd < 0)
		return -errno;
	env.report_link_fd = bpf_raw_tracepoint_open("error_report_end", fd);
	close(fd);
	if (env.report_link_fd < 0) {
		int err = -errno;

		close(env.report_map_fd);
		env.report_map_fd = -1;
		return err;
	}
	return 0;
}

/*
 * Does the JIT take load-acquire? The verifier does on every arch; a JIT
 * without it (s390x in 7.2) fails, and the program falls back to the
 * interpreter: not JITed although the JIT is on.
 */
static bool probe_load_acq(void)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct bpf_insn insns[] = {
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_IDX_VALUE, .imm = 0 },
		{ .imm = 0 },
		{ .code = BPF_STX | BPF_ATOMIC | BPF_B, .dst_reg = BPF_REG_0,
		  .src_reg = BPF_REG_1, .imm = BPF_LOAD_ACQ },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o);
	int map, fd;

	map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "fz_probe", 4, 8, 1, NULL);
	o.fd_array = &map;
	if (map < 0)
		return false;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "fz_probe", "GPL", insns, 4, &o);
	close(map);
	if (fd < 0)
		return false;
	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		die("cannot get the info of the load-acquire probe: %s", strerror(errno));
	close(fd);
	return info.jited_prog_len > 0;
}

/*
 * Can a program with subprograms tail call? Not where the JIT lacks
 * bpf_jit_supports_subprog_tailcalls() (riscv64 in 7.2): the verifier
 * says "mixing of tail_calls and bpf-to-bpf calls is not supported".
 * Any other failure of this program is a broken setup.
 */
static bool probe_tail_call_subprogs(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_6,
		  .src_reg = BPF_REG_1 },
		/* call the subprogram at insn 9 */
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = 7 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_REG_6 },
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_2,
		  .src_reg = BPF_PSEUDO_MAP_IDX, .imm = 0 },
		{ .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3, .imm = 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_tail_call },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o);
	char log[4096] = "";
	int map, fd;

	map = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "fz_probe", 4, 4, 1, NULL);
	if (map < 0)
		die("cannot create a prog array: %s", strerror(errno));
	o.fd_array = &map;
	o.log_buf = log;
	o.log_size = sizeof(log);
	o.log_level = 1;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "fz_probe", "GPL", insns, ARRAY_SIZE(insns), &o);
	close(map);
	if (fd >= 0) {
		close(fd);
		return true;
	}
	if (!strstr(log, "mixing of tail_calls and bpf-to-bpf calls"))
		die("probe of tail calls with subprograms fails: %s\n%s", strerror(errno), log);
	return false;
}

static void need(bool ok, __u32 feat, const char *what)
{
	if (ok || !(env.cfg.features & feat))
		return;
	if (!opts.host_dev)
		die("%s (use --host-dev, or -d to leave the feature out)", what);
	printf("host-dev: %s: feature left out\n", what);
	env.cfg.features &= ~feat;
}

static void setup(void)
{
	char buf[32];
	int i, err;

	for (i = 0; i < NR_SYSCTLS; i++) {
		sysctls.cur[i] = -1;
		if (read_sysctl(i, sysctls.saved[i], sizeof(sysctls.saved[i])))
			continue;
		sysctls.present[i] = true;
		sysctls.cur[i] = atoi(sysctls.saved[i]);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
	signal(SIGABRT, on_signal);
	atexit(restore_sysctls);

	if (!sysctls.present[S_HARDEN] || !sysctls.present[S_JIT])
		die("no net.core.bpf_jit_harden or bpf_jit_enable sysctl");
	for (i = 0; i < NR_MODES; i++)
		env.mode_ok[i] = true;
	if (!sysctls.present[S_KASAN]) {
		if (!opts.host_dev)
			die("no kernel.bpf_kasan sysctl: the kernel has no BPF KASAN pass");
		printf("host-dev: no kernel.bpf_kasan: running off, harden and nojit only\n");
		env.mode_ok[M_INLINE] = false;
		env.mode_ok[M_OUTLINE] = false;
	}
	/* Can the JIT be turned off? */
	err = set_sysctl(S_JIT, 0);
	set_sysctl(S_JIT, 1);
	if (err) {
		if (!opts.host_dev)
			die("cannot set net.core.bpf_jit_enable=0: %s (CONFIG_BPF_JIT_ALWAYS_ON?)",
			    strerror(-err));
		printf("host-dev: bpf_jit_enable=0 not possible (%s): no nojit mode\n",
		       strerror(-err));
		env.mode_ok[M_NOJIT] = false;
	}
	if (read_sysctl(S_JIT, buf, sizeof(buf)) || atoi(buf) != 1)
		die("net.core.bpf_jit_enable is not 1");

	env.vmlinux = btf__load_vmlinux_btf();
	if (!env.vmlinux)
		env.vmlinux = NULL;
	resolve_kfuncs();
	env.kfield_off[FZ_KFIELD_SKB_LEN] = struct_member("sk_buff", "len");
	env.kfield_off[FZ_KFIELD_SKB_MARK] = struct_member("sk_buff", "mark");
	env.kfield_off[FZ_KFIELD_XDP_FRAME_SZ] = struct_member("xdp_buff", "frame_sz");

	need(probe_load_acq(), FZ_FEAT_LOAD_ACQ, "no load-acquire/store-release");
	env.tail_call_subprogs = probe_tail_call_subprogs();
	for (i = 0; i < FZ_KF_FIRST_MODULE; i++)
		need(env.kfunc_id[i] > 0, FZ_FEAT_KFUNC, "a vmlinux kfunc has no BTF id");
	for (i = 0; i < FZ_NR_KFIELDS; i++)
		need(env.kfield_off[i] >= 0, FZ_FEAT_KFUNC,
		     "no sk_buff.len/mark or xdp_buff.frame_sz in vmlinux BTF");
	for (i = FZ_KF_FIRST_MODULE; i < FZ_NR_KFUNCS; i++)
		need(env.kfunc_id[i] > 0, FZ_FEAT_TESTMOD,
		     "no bpf_testmod kfuncs (module loaded?)");

	err = load_report_counter();
	if (err) {
		if (!opts.host_dev)
			die("cannot count reports on error_report_end: %s", strerror(-err));
		printf("host-dev: no error_report_end tracepoint (%s): reports not counted\n",
		       strerror(-err));
	}
}

/* Command line */

static __u32 parse_features(const char *list)
{
	char *copy = xstrdup(list), *tok, *save = NULL;
	__u32 bits = 0;
	size_t i;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(feature_names); i++)
			if (!strcmp(tok, feature_names[i].name))
				break;
		if (i == ARRAY_SIZE(feature_names))
			die("unknown feature '%s'", tok);
		bits |= feature_names[i].bit;
	}
	free(copy);
	return bits;
}

static bool allowed_zero(const char *name)
{
	char *copy, *tok, *save = NULL;
	bool found = false;

	if (!opts.allow_zero)
		return false;
	copy = xstrdup(opts.allow_zero);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const char *n = name;

		if (!strncmp(n, "shape ", 6) && strncmp(tok, "shape ", 6))
			n += 6;
		if (!strcmp(tok, n))
			found = true;
	}
	free(copy);
	return found;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: bpf_kasan_fuzz [-n N] [-s SEED] [-f FIRST] [-p INDEX] [-o OUTDIR] [-P SECS]\n"
		"                      [-c] [-z A,B] [-d F,G] [-b N] [-r PCT] [-H] [-g] [-D] [-v]\n"
		"                      [-A] [-N]\n"
		"see the comment at the top of bpf_kasan_fuzz.c\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "first", required_argument, NULL, 'f' },
		{ "prog", required_argument, NULL, 'p' },
		{ "outdir", required_argument, NULL, 'o' },
		{ "progress", required_argument, NULL, 'P' },
		{ "require-coverage", no_argument, NULL, 'c' },
		{ "allow-zero", required_argument, NULL, 'z' },
		{ "disable", required_argument, NULL, 'd' },
		{ "big-period", required_argument, NULL, 'b' },
		{ "max-reject", required_argument, NULL, 'r' },
		{ "host-dev", no_argument, NULL, 'H' },
		{ "gen-only", no_argument, NULL, 'g' },
		{ "dump", no_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "announce", no_argument, NULL, 'A' },
		{ "no-run", no_argument, NULL, 'N' },
		{ "crash-at", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	while ((c = getopt_long(argc, argv, "n:s:f:p:o:P:cz:d:b:r:HgDvANh", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			opts.count = strtoul(optarg, NULL, 0);
			break;
		case 's':
			opts.seed = strtoull(optarg, NULL, 0);
			break;
		case 'f':
			opts.first = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			opts.prog = strtol(optarg, NULL, 0);
			break;
		case 'o':
			opts.outdir = optarg;
			break;
		case 'P':
			opts.progress = atoi(optarg);
			break;
		case 'c':
			opts.require_coverage = true;
			break;
		case 'z':
			opts.allow_zero = optarg;
			break;
		case 'd':
			opts.disabled |= parse_features(optarg);
			break;
		case 'b':
			opts.big_period = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			opts.max_reject = atoi(optarg);
			break;
		case 'H':
			opts.host_dev = true;
			break;
		case 'g':
			opts.gen_only = true;
			break;
		case 'D':
			opts.dump = true;
			break;
		case 'v':
			opts.verbose = true;
			break;
		case 'A':
			opts.announce = true;
			break;
		case 'N':
			opts.no_run = true;
			break;
		case 'X':
			opts.crash_at = strtol(optarg, NULL, 0);
			break;
		default:
			print_usage();
		}
	}
	if (optind != argc)
		print_usage();
}

/* --crash-at: what a program that crashes the kernel does to make fuzz. */
static void crash_kernel(void)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY);

	if (fd < 0 || write(fd, "c", 1) != 1)
		die("cannot crash the kernel: %s", strerror(errno));
	close(fd);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_features(void)
{
	size_t i;

	printf("features:");
	for (i = 0; i < ARRAY_SIZE(feature_names); i++)
		if (env.cfg.features & feature_names[i].bit)
			printf(" %s", feature_names[i].name);
	printf("\n");
}

static int gen_only(void)
{
	__u32 i, first = opts.prog >= 0 ? opts.prog : opts.first;
	__u32 last = opts.prog >= 0 ? opts.prog + 1 : opts.first + opts.count;
	__u64 all = FNV_INIT;

	for (i = first; i < last; i++) {
		struct fz_prog *p = fz_generate(&env.cfg, opts.seed, i);
		__u64 h;

		if (!p)
			die("out of memory");
		h = prog_hash(p);
		all = fnv(all, &h, sizeof(h));
		if (opts.verbose || opts.dump)
			printf("prog %u: %s, %d snippets, hash %016llx\n", i, type_name(p->type),
			       p->nsnips, (unsigned long long)h);
		if (opts.dump) {
			struct strbuf sb = {};

			print_prog(p, NULL, &sb);
			printf("%s", sb.s);
			sb_free(&sb);
		}
		fz_prog_free(p);
	}
	printf("generated %u programs from %u, seed 0x%llx, hash %016llx\n", last - first,
	       first, (unsigned long long)opts.seed, (unsigned long long)all);
	return 0;
}

int main(int argc, char **argv)
{
	__u32 i, first, last, cov_failed = 0;
	double t0, last_progress;
	bool reject_failed = false;
	int k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv);
	env.cfg.features = FZ_FEAT_ALL & ~opts.disabled;
	env.cfg.big_period = opts.big_period;
	if (opts.gen_only) {
		print_features();
		return gen_only();
	}
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	setup();
	printf("bpf_kasan_fuzz: seed 0x%llx, %u programs from %u, modes:",
	       (unsigned long long)opts.seed, opts.prog >= 0 ? 1 : opts.count,
	       opts.prog >= 0 ? (__u32)opts.prog : opts.first);
	for (k = 0; k < NR_MODES; k++)
		if (env.mode_ok[k] && k != M_OFF_HARDEN)
			printf(" %s", mode_names[k]);
	printf(" (and %s where harden rejects a program)\n", mode_names[M_OFF_HARDEN]);
	print_features();
	if (!env.tail_call_subprogs)
		printf("the JIT cannot mix tail calls and subprograms: a program with both\n"
		       "loses, in turn, its tail call or its snippets with subprograms\n");

	first = opts.prog >= 0 ? opts.prog : opts.first;
	last = opts.prog >= 0 ? opts.prog + 1 : opts.first + opts.count;
	t0 = now();
	last_progress = t0;
	for (k = 0; k < (int)(ARRAY_SIZE(cov_fixed)); k++)
		cov_get(cov_fixed[k]);
	for (i = first; i < last; i++) {
		if (opts.announce)
			printf("prog %u\n", i);
		if ((long)i == opts.crash_at && !opts.no_run)
			crash_kernel();
		if (opts.no_run)
			save_unrun(i);
		else
			run_one(i);
		if (opts.progress > 0 && now() - last_progress >= opts.progress) {
			last_progress = now();
			printf("progress: %llu/%u programs, %.1f/s, %llu failed, %llu rejected\n",
			       (unsigned long long)st.done, last - first,
			       st.done / (last_progress - t0),
			       (unsigned long long)st.failed, (unsigned long long)st.rejected);
		}
	}
	restore_sysctls();
	if (opts.no_run)
		return 0;

	printf("\nprograms: %llu (xdp %llu, tc %llu, sk %llu; %llu big), %.1f/s, %llu loads\n",
	       (unsigned long long)st.done, (unsigned long long)st.by_type[0],
	       (unsigned long long)st.by_type[1], (unsigned long long)st.by_type[2],
	       (unsigned long long)st.big, st.done / (now() - t0), (unsigned long long)st.loads);
	if (!env.tail_call_subprogs)
		printf("fitted to the JIT: %llu lost the tail call, %llu their subprograms\n",
		       (unsigned long long)st.lost_tail_call,
		       (unsigned long long)st.lost_subprogs);
	printf("rejected by the verifier with the checks off: %llu\n%s",
	       (unsigned long long)st.rejected,
	       st.rejected_reasons.s ? st.rejected_reasons.s : "");
	if (env.mode_ok[M_NOJIT])
		printf("not interpretable (load fails with bpf_jit_enable=0): %llu\n%s",
		       (unsigned long long)st.not_interp,
		       st.not_interp_reasons.s ? st.not_interp_reasons.s : "");
	printf("not blindable (load fails with bpf_jit_harden=2 and the checks off): %llu\n%s",
	       (unsigned long long)st.not_blindable,
	       st.not_blindable_reasons.s ? st.not_blindable_reasons.s : "");
	printf("coverage: programs per decision point (inline load; outline_*: outline load)%s\n",
	       shapes_lines ? "" : "; no \"bpf_kasan: shapes\" line seen");
	for (k = 0; k < ncov; k++) {
		bool req = false;
		size_t j;

		for (j = 0; j < ARRAY_SIZE(cov_required); j++)
			if (!strcmp(cov[k].name, cov_required[j]))
				req = true;
		if (!strncmp(cov[k].name, "shape ", 6))
			req = true;
		printf("  %-28s %llu\n", cov[k].name, (unsigned long long)cov[k].progs);
		if (opts.require_coverage && req && !cov[k].progs && !allowed_zero(cov[k].name)) {
			printf("FAIL coverage: no program hit %s\n", cov[k].name);
			cov_failed++;
		}
	}
	if (opts.require_coverage && !shapes_lines && !allowed_zero("shapes")) {
		printf("FAIL coverage: no \"bpf_kasan: shapes\" line in any inline load's log\n");
		cov_failed++;
	}
	if (st.done && st.rejected * 100 > (__u64)opts.max_reject * st.done) {
		printf("FAIL %llu of %llu programs rejected with the checks off (more than %d%%)\n",
		       (unsigned long long)st.rejected, (unsigned long long)st.done,
		       opts.max_reject);
		reject_failed = true;
	}
	if (st.run_failed)
		printf("FAIL %llu programs fail BPF_PROG_TEST_RUN with the checks off\n",
		       (unsigned long long)st.run_failed);
	printf("Summary: %llu PASSED, %llu SKIPPED, %llu FAILED\n",
	       (unsigned long long)st.passed, (unsigned long long)(st.rejected + st.run_failed),
	       (unsigned long long)(st.failed + cov_failed + reject_failed + !!st.run_failed));
	sb_free(&st.not_interp_reasons);
	sb_free(&st.not_blindable_reasons);
	sb_free(&st.rejected_reasons);
	if (env.report_link_fd >= 0)
		close(env.report_link_fd);
	btf__free(env.vmlinux);
	return st.failed || cov_failed || reject_failed || st.run_failed ? 1 : 0;
}
