// SPDX-License-Identifier: GPL-2.0
/*
 * KASAN for JITed BPF programs: every instruction that accesses kernel
 * memory must be checked like compiler-instrumented kernel code, with
 * exactly one report per bad access (right address, size and direction),
 * and none for valid, stack and PROBE_MEM accesses.
 *
 * Reports are counted on the error_report_end tracepoint and captured with
 * a kprobe on kasan_report(); dmesg is not read.
 */
#include <test_progs.h>
#include "bpf_kasan.skel.h"
#include "bpf_kasan_diff.skel.h"
#include "bpf_kasan_nmi.skel.h"
#include "bpf_kasan_observe.skel.h"
#include "test_kmods/bpf_testmod_kasan.h"
/*
 * KASAN_STRICT_ALIGN: the programs align every access to its size where
 * the verifier wants it (riscv64), so that none crosses a granule.
 */
#include "progs/bpf_kasan_common.h"

#define BPF_KASAN_SYSCTL	"/proc/sys/kernel/bpf_kasan"
#define BPF_JIT_SYSCTL		"/proc/sys/net/core/bpf_jit_enable"
#define BPF_HARDEN_SYSCTL	"/proc/sys/net/core/bpf_jit_harden"

/* progs/bpf_kasan_diff.c: the poisoned part of the map value. */
#define DIFF_BAD_OFF		16

struct insn {
	const char *name;
	int size;
	int align;
};

/* Programs <prefix>_<name> in progs/bpf_kasan.c and bpf_kasan_diff.c. */
static const struct insn insns[] = {
#define BPF_KASAN_INSN(name, size, align, ...)	{ #name, size, align },
#include "progs/bpf_kasan_insns.h"
#undef BPF_KASAN_INSN
};

static struct bpf_program *insn_prog(struct bpf_object *obj, const char *prefix,
				     const struct insn *in)
{
	char name[64];

	snprintf(name, sizeof(name), "%s_%s", prefix, in->name);
	return bpf_object__find_program_by_name(obj, name);
}

static bool insn_writes(const struct insn *in)
{
	return strncmp(in->name, "ld", 2) && strncmp(in->name, "load_acq", 8);
}

/* Unaligned accesses are allowed for plain loads and stores only. */
static bool insn_can_cross(const struct insn *in)
{
	return !KASAN_STRICT_ALIGN && in->align == 1 && in->size > 1;
}

struct kcase {
	const char *desc;
	int kind;
	int off;
	bool bad;
};

/* The accesses to make with @in, see bpf_testmod_kasan.h for the windows. */
static int cases_for(const struct insn *in, struct kcase *c)
{
	int s = in->size, n = 0;

	/* Bad accesses. */
	c[n++] = (struct kcase){ "use-after-free", BPF_TESTMOD_KASAN_UAF, 32, true };
	c[n++] = (struct kcase){ "out-of-bounds right", BPF_TESTMOD_KASAN_OOB,
				 BPF_TESTMOD_KASAN_OOB_BAD, true };
	c[n++] = (struct kcase){ "out-of-bounds left", BPF_TESTMOD_KASAN_OOB_LEFT,
				 BPF_TESTMOD_KASAN_LEFT_GOOD - 8, true };
	c[n++] = (struct kcase){ "vmalloc out-of-bounds", BPF_TESTMOD_KASAN_VMALLOC,
				 BPF_TESTMOD_KASAN_VMALLOC_BAD, true };
	/* Ends in the 3 bad bytes of the partial granule [104, 112). */
	c[n++] = (struct kcase){ "partial granule", BPF_TESTMOD_KASAN_PARTIAL,
				 s == 1 ? 109 : s == 8 ? 104 : 108, true };
	if (insn_can_cross(in)) {
		c[n++] = (struct kcase){ "crossing valid->bad", BPF_TESTMOD_KASAN_OOB,
					 BPF_TESTMOD_KASAN_OOB_BAD - s / 2, true };
		c[n++] = (struct kcase){ "crossing bad->valid", BPF_TESTMOD_KASAN_OOB_LEFT,
					 BPF_TESTMOD_KASAN_LEFT_GOOD - s / 2, true };
	}
	if (insn_can_cross(in) && s == 8)
		c[n++] = (struct kcase){ "crossing into bad bytes of partial granule",
					 BPF_TESTMOD_KASAN_PARTIAL, 102, true };

	/* Valid accesses. */
	c[n++] = (struct kcase){ "in bounds", BPF_TESTMOD_KASAN_OOB, 0, false };
	c[n++] = (struct kcase){ "in bounds, last bytes", BPF_TESTMOD_KASAN_OOB,
				 BPF_TESTMOD_KASAN_OOB_BAD - s, false };
	c[n++] = (struct kcase){ "in bounds, right of left redzone",
				 BPF_TESTMOD_KASAN_OOB_LEFT, BPF_TESTMOD_KASAN_LEFT_GOOD, false };
	c[n++] = (struct kcase){ "vmalloc in bounds", BPF_TESTMOD_KASAN_VMALLOC,
				 BPF_TESTMOD_KASAN_VMALLOC_BAD - s, false };
	/* Ends in the 5 valid bytes of the partial granule. */
	c[n++] = (struct kcase){ "partial granule, valid bytes", BPF_TESTMOD_KASAN_PARTIAL,
				 s == 1 ? 108 : s == 2 ? 106 : s == 4 ? 104 : 96, false };
	if (insn_can_cross(in))
		c[n++] = (struct kcase){ "crossing, both valid", BPF_TESTMOD_KASAN_OOB,
					 8 - s / 2, false };
	if (insn_can_cross(in) && s == 8)
		c[n++] = (struct kcase){ "crossing into valid bytes of partial granule",
					 BPF_TESTMOD_KASAN_PARTIAL, 101, false };
	return n;
}

#define MAX_CASES 16

/*
 * kprobe events refuse notrace functions such as kasan_report() unless
 * CONFIG_KPROBE_EVENTS_ON_NOTRACE=y. Without the kprobe, every subtest
 * fails, but still checks what error_report_end tells (count, address).
 */
static bool have_kprobe;

static void need_kprobe(void)
{
	if (!have_kprobe)
		PRINT_FAIL("no kprobe on kasan_report(), size and direction unchecked: %s\n",
			   "CONFIG_KPROBE_EVENTS_ON_NOTRACE=y?");
}

static void reset_reports(struct bpf_kasan_observe *obs)
{
	obs->bss->nr_reports = 0;
	obs->bss->report_id = 0;
	obs->bss->nr_calls = 0;
	obs->bss->call_addr = 0;
	obs->bss->call_size = 0;
	obs->bss->call_is_write = 0;
	obs->bss->call_ip = 0;
}

static int run_prog(struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &topts);
	if (err)
		return err;
	return topts.retval;
}

/* Where the JITed image of @prog is, 0 for an interpreted program. */
static void prog_image(struct bpf_program *prog, __u64 *start, __u32 *len)
{
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);
	__u64 ksym = 0;
	__u32 flen = 0;

	info.nr_jited_ksyms = 1;
	info.jited_ksyms = ptr_to_u64(&ksym);
	info.nr_jited_func_lens = 1;
	info.jited_func_lens = ptr_to_u64(&flen);
	*start = 0;
	*len = 0;
	if (bpf_prog_get_info_by_fd(bpf_program__fd(prog), &info, &info_len))
		return;
	if (info.jited_prog_len) {
		*start = ksym;
		*len = flen;
	}
}

/*
 * Check one access against what was reported: nothing for a valid one,
 * else one report of (addr, size, is_write) from inside the program.
 */
static bool check_reports(struct bpf_kasan_observe *obs, const char *what,
			  bool bad, __u64 addr, int size, bool is_write,
			  __u64 start, __u32 len)
{
	struct bpf_kasan_observe__bss *r = obs->bss;
	int want = bad ? 1 : 0;

	if ((have_kprobe && r->nr_calls != want) || r->nr_reports != want) {
		PRINT_FAIL("%s: %llu kasan_report() calls, %llu reports, want %d\n",
			   what, r->nr_calls, r->nr_reports, want);
		return false;
	}
	if (!bad)
		return true;
	if (r->report_id != addr) {
		PRINT_FAIL("%s: report for %#llx, want %#llx\n", what, r->report_id, addr);
		return false;
	}
	if (!have_kprobe)
		return true;
	if (r->call_addr != addr || r->call_size != size ||
	    !!r->call_is_write != is_write) {
		PRINT_FAIL("%s: reported %s of %llu at %#llx (id %#llx), want %s of %d at %#llx\n",
			   what, r->call_is_write ? "write" : "read", r->call_size,
			   r->call_addr, r->report_id, is_write ? "write" : "read",
			   size, addr);
		return false;
	}
	if (len && (r->call_ip <= start || r->call_ip > start + len)) {
		PRINT_FAIL("%s: ip %#llx outside the program [%#llx, %#llx)\n",
			   what, r->call_ip, start, start + len);
		return false;
	}
	return true;
}

static struct bpf_kasan *load_matrix(int mode)
{
	struct bpf_kasan *skel;

	if (!ASSERT_OK(sysctl_write_int(BPF_KASAN_SYSCTL, mode), "set kernel.bpf_kasan"))
		return NULL;
	skel = bpf_kasan__open_and_load();
	ASSERT_OK_PTR(skel, "bpf_kasan__open_and_load");
	return skel;
}

static void run_matrix(struct bpf_kasan_observe *obs, int mode)
{
	int i, j, n, ret, nr_bad = 0, nr_good = 0, nr_fail = 0;
	struct kcase cases[MAX_CASES];
	struct bpf_program *prog;
	struct bpf_kasan *skel;
	char what[128];
	__u64 start;
	__u32 len;

	need_kprobe();
	skel = load_matrix(mode);
	if (!skel)
		return;

	for (i = 0; i < ARRAY_SIZE(insns); i++) {
		const struct insn *in = &insns[i];

		prog = insn_prog(skel->obj, "kasan", in);
		if (!ASSERT_OK_PTR(prog, in->name))
			continue;
		prog_image(prog, &start, &len);
		if (!ASSERT_NEQ(len, 0, "program is JITed"))
			continue;
		n = cases_for(in, cases);
		for (j = 0; j < n; j++) {
			snprintf(what, sizeof(what), "mode %d %s %s off %d", mode,
				 in->name, cases[j].desc, cases[j].off);
			skel->bss->kind = cases[j].kind;
			skel->bss->off = cases[j].off;
			skel->bss->base = 0;
			reset_reports(obs);
			ret = run_prog(prog);
			if (ret) {
				PRINT_FAIL("%s: run returned %d (window missing?)\n", what, ret);
				nr_fail++;
				continue;
			}
			if (!check_reports(obs, what, cases[j].bad,
					   skel->bss->base + cases[j].off, in->size,
					   insn_writes(in), start, len))
				nr_fail++;
			else if (cases[j].bad)
				nr_bad++;
			else
				nr_good++;
		}

		/* The same access to the stack, not checked. */
		prog = insn_prog(skel->obj, "stack", in);
		if (!ASSERT_OK_PTR(prog, in->name))
			continue;
		snprintf(what, sizeof(what), "mode %d %s stack", mode, in->name);
		reset_reports(obs);
		if (ASSERT_OK(run_prog(prog), what) &&
		    check_reports(obs, what, false, 0, 0, false, 0, 0))
			nr_good++;
		else
			nr_fail++;
	}

	/* Stack accesses through r10 and PROBE_MEM loads are not checked. */
	reset_reports(obs);
	if (ASSERT_OK(run_prog(skel->progs.stack_r10), "run stack_r10") &&
	    check_reports(obs, "stack accesses through r10", false, 0, 0, false, 0, 0))
		nr_good++;
	else
		nr_fail++;
	reset_reports(obs);
	if (ASSERT_OK(run_prog(skel->progs.probe_mem), "run probe_mem") &&
	    check_reports(obs, "PROBE_MEM loads of freed memory", false, 0, 0, false, 0, 0))
		nr_good++;
	else
		nr_fail++;

	printf("%s: mode %d: %d bad accesses reported right, %d valid not reported, %d wrong\n",
	       __func__, mode, nr_bad, nr_good, nr_fail);
	bpf_kasan__destroy(skel);
}

/* With kernel.bpf_kasan=0, programs are not instrumented: nothing reported. */
static void run_off(struct bpf_kasan_observe *obs)
{
	struct bpf_program *prog;
	struct bpf_kasan *skel;
	char what[128];
	int i;

	skel = load_matrix(0);
	if (!skel)
		return;
	for (i = 0; i < ARRAY_SIZE(insns); i++) {
		prog = insn_prog(skel->obj, "kasan", &insns[i]);
		if (!ASSERT_OK_PTR(prog, insns[i].name))
			continue;
		snprintf(what, sizeof(what), "mode 0 %s use-after-free", insns[i].name);
		skel->bss->kind = BPF_TESTMOD_KASAN_UAF;
		skel->bss->off = 32;
		reset_reports(obs);
		if (!ASSERT_OK(run_prog(prog), what))
			continue;
		check_reports(obs, what, false, 0, 0, false, 0, 0);
	}
	bpf_kasan__destroy(skel);
}

/*
 * A BPF program doing a bad access in NMI context: the report must still
 * arrive (KASAN for BPF may defer it), once, and the system must live on.
 */
static void run_nmi(struct bpf_kasan_observe *obs, int mode)
{
#if defined(__x86_64__)
	struct bpf_kasan_nmi *skel;
	char what[64];
	int i;

	need_kprobe();
	if (!ASSERT_OK(sysctl_write_int(BPF_KASAN_SYSCTL, mode), "set kernel.bpf_kasan"))
		return;
	skel = bpf_kasan_nmi__open_and_load();
	if (!ASSERT_OK_PTR(skel, "bpf_kasan_nmi__open_and_load"))
		return;
	if (!ASSERT_OK(bpf_kasan_nmi__attach(skel), "attach"))
		goto out;

	/* The deferred report may run in any task's context. */
	obs->bss->filter_tgid = 0;
	reset_reports(obs);
	if (!ASSERT_OK(run_prog(skel->progs.trigger_nmi), "run trigger_nmi"))
		goto out;
	if (skel->data->trigger_ret == -EOPNOTSUPP) {
		printf("%s:SKIP: bpf_testmod cannot send NMIs here\n", __func__);
		test__skip();
		goto out;
	}
	if (!ASSERT_EQ(skel->data->trigger_ret, 0, "NMI handled") ||
	    !ASSERT_EQ(skel->bss->nmi_hits, 1, "program ran in NMI"))
		goto out;
	for (i = 0; i < 200 && !obs->bss->nr_reports; i++)
		usleep(10000);
	/* Catch duplicates. */
	usleep(200000);
	snprintf(what, sizeof(what), "mode %d NMI use-after-free read", mode);
	check_reports(obs, what, true, skel->bss->nmi_addr, 8, false, 0, 0);
out:
	obs->bss->filter_tgid = getpid();
	bpf_kasan_nmi__destroy(skel);
#else
	printf("%s:SKIP: bpf_testmod sends NMIs on x86 only\n", __func__);
	test__skip();
#endif
}

struct diff_result {
	__u64 nr_calls, nr_reports;
	__s64 off;
	__u64 size, is_write;
};

static const char *diff_str(const struct diff_result *r, char *buf, size_t sz)
{
	snprintf(buf, sz, "%llu calls, %llu reports: off %lld size %llu write %llu",
		 r->nr_calls, r->nr_reports, r->off, r->size, r->is_write);
	return buf;
}

/* Run every progs/bpf_kasan_diff.c program once; jit: 0 interpreter. */
static bool run_diff_pass(struct bpf_kasan_observe *obs, int jit, int mode,
			  struct diff_result *res)
{
	struct bpf_program *prog;
	struct bpf_kasan_diff *skel;
	bool ok = false;
	__u64 start;
	__u32 len;
	int i;

	if (!ASSERT_OK(sysctl_write_int(BPF_JIT_SYSCTL, jit), "set net.core.bpf_jit_enable") ||
	    !ASSERT_OK(sysctl_write_int(BPF_KASAN_SYSCTL, mode), "set kernel.bpf_kasan"))
		return false;
	skel = bpf_kasan_diff__open();
	if (!ASSERT_OK_PTR(skel, "bpf_kasan_diff__open"))
		return false;
	if (!ASSERT_OK(bpf_map__reuse_fd(skel->maps.diff_map,
					 bpf_map__fd(obs->maps.diff_map)), "reuse diff_map") ||
	    !ASSERT_OK(bpf_kasan_diff__load(skel), "bpf_kasan_diff__load"))
		goto out;
	for (i = 0; i < ARRAY_SIZE(insns); i++) {
		prog = insn_prog(skel->obj, "diff", &insns[i]);
		if (!ASSERT_OK_PTR(prog, insns[i].name))
			goto out;
		prog_image(prog, &start, &len);
		if (!ASSERT_EQ(!!len, !!jit, "JITed iff the JIT is on"))
			goto out;
		reset_reports(obs);
		skel->bss->value_addr = 0;
		if (!ASSERT_OK(run_prog(prog), insns[i].name))
			goto out;
		res[i].nr_reports = obs->bss->nr_reports;
		if (have_kprobe) {
			res[i].nr_calls = obs->bss->nr_calls;
			res[i].off = obs->bss->call_addr - skel->bss->value_addr;
			res[i].size = obs->bss->call_size;
			res[i].is_write = obs->bss->call_is_write;
		} else {
			/* Unchecked: need_kprobe() failed the test already. */
			res[i].nr_calls = res[i].nr_reports;
			res[i].off = obs->bss->report_id - skel->bss->value_addr;
			res[i].size = insns[i].size;
			res[i].is_write = insn_writes(&insns[i]);
		}
	}
	ok = true;
out:
	bpf_kasan_diff__destroy(skel);
	return ok;
}

/*
 * Atomics that the arch makes a loop on a try_cmpxchg() are checked as a
 * write, then the first read of the loop is checked again by the compiler
 * (a read): the interpreter reports those twice, the first report being
 * the right one. x86: atomic_fetch_{and,or,xor}() (atomic_read()); s390x:
 * 4- and 8-byte xchg (READ_ONCE() in __arch_xchg()). JITed programs must
 * report once.
 */
static __u64 interp_nr_reports(const struct insn *in)
{
#if defined(__x86_64__)
	if (!strncmp(in->name, "fetch_and", 9) || !strncmp(in->name, "fetch_or", 8) ||
	    !strncmp(in->name, "fetch_xor", 9))
		return 2;
#elif defined(__s390x__)
	if (!strncmp(in->name, "xchg", 4))
		return 2;
#endif
	return 1;
}

static void run_diff(struct bpf_kasan_observe *obs)
{
	static const struct { int jit, mode; } passes[] = { { 0, 1 }, { 1, 1 }, { 1, 2 } };
	struct diff_result res[ARRAY_SIZE(passes)][ARRAY_SIZE(insns)] = {};
	char s1[96], s2[96];
	int saved_jit, i, p;
	bool ok = true;

	need_kprobe();
	if (!ASSERT_OK(sysctl_read_int(BPF_JIT_SYSCTL, &saved_jit), "read net.core.bpf_jit_enable"))
		return;
	/* Poisoned by a JITed program: kfunc calls need the JIT. */
	if (!ASSERT_OK(run_prog(obs->progs.poison_diff), "run poison_diff") ||
	    !ASSERT_OK(obs->data->poison_ret, "poison_ret"))
		goto unpoison;
	for (p = 0; p < ARRAY_SIZE(passes) && ok; p++)
		ok = run_diff_pass(obs, passes[p].jit, passes[p].mode, res[p]);
	ASSERT_OK(sysctl_write_int(BPF_JIT_SYSCTL, saved_jit), "restore net.core.bpf_jit_enable");
	if (!ok)
		goto unpoison;

	for (i = 0; i < ARRAY_SIZE(insns); i++) {
		struct diff_result *in = &res[0][i];
		__u64 nr = interp_nr_reports(&insns[i]);

		/* The interpreter is the reference: check it first. */
		if (in->nr_calls != nr || in->nr_reports != nr || in->off != DIFF_BAD_OFF ||
		    in->size != insns[i].size || in->is_write != insn_writes(&insns[i])) {
			PRINT_FAIL("%s: interpreter: %s\n", insns[i].name,
				   diff_str(in, s1, sizeof(s1)));
			continue;
		}
		/* Compare the first report, the one for the access itself. */
		in->nr_calls = 1;
		in->nr_reports = 1;
		for (p = 1; p < ARRAY_SIZE(passes); p++) {
			const struct diff_result *j = &res[p][i];

			if (memcmp(in, j, sizeof(*j)))
				PRINT_FAIL("%s: JIT mode %d: %s; interpreter: %s\n",
					   insns[i].name, passes[p].mode,
					   diff_str(j, s1, sizeof(s1)),
					   diff_str(in, s2, sizeof(s2)));
		}
	}
unpoison:
	/* Whatever happened: the map value must be valid again before it is freed. */
	sysctl_write_int(BPF_JIT_SYSCTL, saved_jit);
	ASSERT_OK(run_prog(obs->progs.unpoison_diff), "run unpoison_diff");
	ASSERT_OK(obs->data->unpoison_ret, "unpoison_ret");
}

/*
 * Constant blinding runs after the checks are inserted and rewrites every
 * instruction with an immediate into a sequence through AX: the checks
 * must keep AX out of its way.
 */
static void run_blinded(struct bpf_kasan_observe *obs)
{
	int saved_harden;

	if (!ASSERT_OK(sysctl_read_int(BPF_HARDEN_SYSCTL, &saved_harden),
		       "read net.core.bpf_jit_harden"))
		return;
	if (ASSERT_OK(sysctl_write_int(BPF_HARDEN_SYSCTL, 2), "set net.core.bpf_jit_harden"))
		run_matrix(obs, 1);
	ASSERT_OK(sysctl_write_int(BPF_HARDEN_SYSCTL, saved_harden),
		  "restore net.core.bpf_jit_harden");
}

/*
 * A check is elided for bytes that an earlier one covered in the same basic
 * block with no call in between: a read-modify-write of freed memory is
 * reported once, and twice with a helper call between the read and the
 * write.
 */
static void run_elide(struct bpf_kasan_observe *obs, int mode)
{
	struct bpf_kasan *skel;

	skel = load_matrix(mode);
	if (!skel)
		return;
	reset_reports(obs);
	if (ASSERT_OK(run_prog(skel->progs.rmw_block), "run rmw_block"))
		ASSERT_EQ(obs->bss->nr_reports, 1, "rmw_block: reports");
	reset_reports(obs);
	if (ASSERT_OK(run_prog(skel->progs.rmw_call), "run rmw_call"))
		ASSERT_EQ(obs->bss->nr_reports, 2, "rmw_call: reports");
	bpf_kasan__destroy(skel);
}

/*
 * Checks after the first through one base register in a basic block use
 * the shadow address that the first kept (kernel.bpf_kasan=1; with 2 there
 * are none, the reports must not change): exact partial-granule checks in
 * that form too, with constant blinding on as well (@harden).
 */
static void run_kept(struct bpf_kasan_observe *obs, int mode, int harden)
{
	struct bpf_program *prog;
	struct bpf_kasan *skel;
	int saved_harden = 0;
	char log[4096] = "";
	__u64 start;
	__u32 len;

	if (!ASSERT_OK(sysctl_read_int(BPF_HARDEN_SYSCTL, &saved_harden),
		       "read net.core.bpf_jit_harden") ||
	    !ASSERT_OK(sysctl_write_int(BPF_HARDEN_SYSCTL, harden),
		       "set net.core.bpf_jit_harden") ||
	    !ASSERT_OK(sysctl_write_int(BPF_KASAN_SYSCTL, mode), "set kernel.bpf_kasan"))
		goto out;
	skel = bpf_kasan__open();
	if (!ASSERT_OK_PTR(skel, "bpf_kasan__open"))
		goto out;
	prog = skel->progs.kept_chain;
	bpf_program__set_log_level(prog, 4);
	bpf_program__set_log_buf(prog, log, sizeof(log));
	if (!ASSERT_OK(bpf_kasan__load(skel), "bpf_kasan__load"))
		goto destroy;
	/*
	 * The first check through the base keeps its shadow address, the
	 * other four use it: the statistics line up to its instruction
	 * count, which depends on the arch (two-granule checks), so that
	 * each count is delimited.
	 */
	if (mode == 1)
		ASSERT_HAS_SUBSTR(log,
				  "bpf_kasan: inline, 6 accesses instrumented, 0 elided, 4 with a kept shadow address, skipped stack 0 probe 0 ax 0, ",
				  "kept_chain log");
	prog_image(prog, &start, &len);
	reset_reports(obs);
	if (!ASSERT_OK(run_prog(prog), "run kept_chain"))
		goto destroy;
	ASSERT_EQ(obs->bss->nr_reports, 2, "kept_chain: reports");
	if (have_kprobe) {
		ASSERT_EQ(obs->bss->call_addr, skel->bss->base + 104, "first report: address");
		ASSERT_EQ(obs->bss->call_size, 8, "first report: size");
		ASSERT_EQ(obs->bss->call_is_write, 0, "first report: read");
		ASSERT_TRUE(obs->bss->call_ip > start && obs->bss->call_ip <= start + len,
			    "first report: ip in the program");
	}
destroy:
	bpf_kasan__destroy(skel);
out:
	ASSERT_OK(sysctl_write_int(BPF_HARDEN_SYSCTL, saved_harden),
		  "restore net.core.bpf_jit_harden");
}

/*
 * A tc program whose forward jump spans @n narrow map value loads, each
 * through a freshly loaded base, loaded with BPF_F_TEST_RND_HI32 (three
 * instructions after each load, from the zext pass that runs after the
 * checks are inserted). Returns the program fd or a negative error; @log
 * gets the verifier's statistics.
 */
static int load_long_jump(int map_fd, int n, char *log, size_t log_sz)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_flags = BPF_F_TEST_RND_HI32,
		    .log_level = 4, .log_buf = log, .log_size = log_sz);
	int i, len = 0, fd;
	struct bpf_insn *p;

	p = calloc(3 * n + 4, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p[len++] = BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, offsetof(struct __sk_buff, len));
	p[len++] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0x29bae222, 3 * n);
	for (i = 0; i < n; i++) {
		struct bpf_insn ld[] = { BPF_LD_MAP_VALUE(BPF_REG_1, map_fd, 0) };

		p[len++] = ld[0];
		p[len++] = ld[1];
		p[len++] = BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_1, i % 8);
	}
	p[len++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	p[len++] = BPF_EXIT_INSN();
	log[0] = 0;
	fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "long_jump", "GPL", p, len, &opts);
	free(p);
	return fd < 0 ? -errno : fd;
}

/*
 * load_long_jump() with kernel.bpf_kasan=@kasan; *@jited: whether the
 * program got a JIT image (blinding that puts a jump out of range leaves
 * it to the interpreter).
 */
static int load_long_jump_mode(int map_fd, int n, int kasan, bool *jited,
			       char *log, size_t log_sz)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd;

	*jited = false;
	if (!ASSERT_OK(sysctl_write_int(BPF_KASAN_SYSCTL, kasan), "set kernel.bpf_kasan"))
		return -EINVAL;
	fd = load_long_jump(map_fd, n, log, log_sz);
	if (fd >= 0 && !bpf_prog_get_info_by_fd(fd, &info, &len))
		*jited = info.jited_prog_len > 0;
	return fd;
}

static const char *long_jump_mode(int fd, const char *log)
{
	if (fd < 0)
		return strerror(-fd);
	if (strstr(log, "not instrumented"))
		return "not instrumented";
	if (strstr(log, "bpf_kasan: outline"))
		return "outline";
	if (strstr(log, "bpf_kasan: inline"))
		return "inline";
	return "?";
}

/*
 * Whatever its size, a program that loads without the checks loads with
 * them: inline, else outline, else none, when the checks would put a jump
 * out of range, counting what the zext pass adds after them. Sizes grow
 * by 10% so that each mode's last sizes are crossed, without and with the
 * zext pass's instructions (the window where only those overflow a jump),
 * up to where no checks fit on any arch (about 1600 loads on x86_64).
 * From bpf_kasan_fuzz, seed 1, index 279: it loaded without the checks,
 * and failed with -ENOMEM with them. The same with constant blinding
 * (-EINVAL, the JIT image lost) is left to the fuzz batch of make check,
 * which has that program: blinding is quadratic in the program length,
 * minutes for a sweep like this one under TCG.
 */
static void run_jump_range(void)
{
	bool seen_inline = false, seen_none = false;
	bool jited_off, jited_on;
	int n, map_fd, fd_off, fd_on;
	char log[4096];

	map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "long_jump", 4, 8, 1, NULL);
	if (!ASSERT_GE(map_fd, 0, "bpf_map_create"))
		return;
	for (n = 1000; n < 2400; n += n / 10) {
		fd_off = load_long_jump_mode(map_fd, n, 0, &jited_off, log, sizeof(log));
		fd_on = load_long_jump_mode(map_fd, n, 1, &jited_on, log, sizeof(log));
		printf("%s: %d loads: off %s%s, on %s%s\n", __func__, n,
		       fd_off >= 0 ? "loads" : strerror(-fd_off),
		       jited_off ? " (JITed)" : "", long_jump_mode(fd_on, log),
		       jited_on ? " (JITed)" : "");
		if (fd_off >= 0)
			ASSERT_GE(fd_on, 0, "loads with the checks off, and on");
		if (jited_off)
			ASSERT_TRUE(jited_on, "JITed with the checks off, and on");
		if (fd_on >= 0 && strstr(log, "bpf_kasan: inline"))
			seen_inline = true;
		if (fd_on >= 0 && strstr(log, "not instrumented"))
			seen_none = true;
		if (fd_off >= 0)
			close(fd_off);
		if (fd_on >= 0)
			close(fd_on);
	}
	ASSERT_TRUE(seen_inline, "some size instrumented inline");
	ASSERT_TRUE(seen_none, "some size too large for any checks");
	close(map_fd);
}

void test_bpf_kasan(void)
{
	struct bpf_kasan_observe *obs;
	int saved;

	/* KASAN for BPF programs is what is under test: its absence fails. */
	if (!ASSERT_OK(sysctl_read_int(BPF_KASAN_SYSCTL, &saved),
		       "read " BPF_KASAN_SYSCTL " (no KASAN for BPF programs?)"))
		return;

	obs = bpf_kasan_observe__open();
	if (!ASSERT_OK_PTR(obs, "bpf_kasan_observe__open"))
		return;
	obs->bss->filter_tgid = getpid();
	if (!ASSERT_OK(bpf_kasan_observe__load(obs), "bpf_kasan_observe__load"))
		goto out;
	obs->links.report_end = bpf_program__attach(obs->progs.report_end);
	if (!ASSERT_OK_PTR(obs->links.report_end, "attach error_report_end"))
		goto out;
	obs->links.kasan_report_call = bpf_program__attach(obs->progs.kasan_report_call);
	have_kprobe = ASSERT_OK_PTR(obs->links.kasan_report_call, "attach kprobe/kasan_report");
	if (!KASAN_LOAD_ACQ_STORE_REL)
		printf("%s: no load-acquire or store-release: the JIT of this arch has none\n",
		       __func__);

	if (test__start_subtest("inline"))
		run_matrix(obs, 1);
	if (test__start_subtest("outline"))
		run_matrix(obs, 2);
	if (test__start_subtest("inline_blinded"))
		run_blinded(obs);
	if (test__start_subtest("off"))
		run_off(obs);
	if (test__start_subtest("nmi_inline"))
		run_nmi(obs, 1);
	if (test__start_subtest("nmi_outline"))
		run_nmi(obs, 2);
	if (test__start_subtest("elide_inline"))
		run_elide(obs, 1);
	if (test__start_subtest("elide_outline"))
		run_elide(obs, 2);
	if (test__start_subtest("kept_inline"))
		run_kept(obs, 1, 0);
	if (test__start_subtest("kept_inline_blinded"))
		run_kept(obs, 1, 2);
	if (test__start_subtest("kept_outline"))
		run_kept(obs, 2, 0);
	if (test__start_subtest("interpreter_vs_jit"))
		run_diff(obs);
	if (test__start_subtest("jump_range"))
		run_jump_range();
out:
	ASSERT_OK(sysctl_write_int(BPF_KASAN_SYSCTL, saved), "restore kernel.bpf_kasan");
	bpf_kasan_observe__destroy(obs);
}
