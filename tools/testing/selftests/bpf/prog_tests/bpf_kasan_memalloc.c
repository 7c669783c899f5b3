// SPDX-License-Identifier: GPL-2.0
/*
 * KASAN and the BPF memory allocator: a BPF program that reaches memory
 * freed to bpf_mem_alloc (a dropped bpf_obj_new() object, a deleted element
 * of a hash map without preallocation or of a resizable hash map) through a
 * pointer that bpf_testmod kept behind the verifier's back must get a
 * KASAN report naming where the memory was allocated and freed: with the
 * inline and outline checks, from the interpreter, and with
 * kernel.bpf_kasan=0 from kernel C. Readers that may still reach the
 * memory (RCU readers, and sleepable readers of map elements) must not be
 * reported.
 *
 * Reports are counted on the error_report_end tracepoint and captured with
 * a kprobe on kasan_report() (progs/bpf_kasan_observe.c); the allocation and
 * free stacks are read from /dev/kmsg.
 */
#include <test_progs.h>
#include "network_helpers.h"
#include "bpf_kasan_memalloc.skel.h"
#include "bpf_kasan_observe.skel.h"

#define BPF_KASAN_SYSCTL	"/proc/sys/kernel/bpf_kasan"
#define BPF_JIT_SYSCTL		"/proc/sys/net/core/bpf_jit_enable"

/* progs/bpf_kasan_memalloc.c */
#define TOUCH_OFF		8
#define NODE_SIZE		64

/* Rounds of grace periods to wait for KASAN to consider an object freed. */
#define MAX_WAITS		50
/* Inserts and deletes of hash_churn. */
#define CHURN_ROUNDS		20000

enum kind { OBJ_NEW, HASH, RHASH, NR_KINDS };

static const struct {
	const char *name;
	/*
	 * What the allocation stack and the free stacks (freed by, and the
	 * auxiliary stack of the BPF side of the free) must name.
	 * bpf_obj_drop() reaches bpf_mem_free_rcu() by tail calls: the
	 * program that dropped the object calls it, as far as the stack says.
	 */
	const char *alloc_fn, *free_fn, *free_caller;
} kinds[NR_KINDS] = {
	[OBJ_NEW] = { "obj_new", "bpf_obj_new", "bpf_mem_free_rcu", "_keep_obj+" },
	[HASH] = { "hash", "htab_map_update_elem", "bpf_mem_cache_free", "htab_map_delete_elem" },
	[RHASH] = { "rhash", "rhtab_map_update_elem", "bpf_mem_cache_free_rcu",
		    "rhtab_map_delete_elem" },
};

static const struct mode {
	const char *name;
	int jit;	/* net.core.bpf_jit_enable */
	int kasan;	/* kernel.bpf_kasan */
} modes[] = {
	{ "inline", 1, 1 },
	{ "outline", 1, 2 },
	{ "interpreter", 0, 0 },
	{ "off", 1, 0 },
};

static bool have_kprobe;
static __u32 next_key = 1;

/* Run @prog once: its return value, or a negative error. */
static int run(struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts);
	int err;

	if (bpf_program__type(prog) == BPF_PROG_TYPE_SCHED_CLS) {
		topts.data_in = &pkt_v4;
		topts.data_size_in = sizeof(pkt_v4);
		topts.repeat = 1;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &topts);
	if (err)
		return err;
	return topts.retval;
}

static bool run_ok(struct bpf_program *prog, const char *what)
{
	int ret = run(prog);

	if (ret) {
		PRINT_FAIL("%s: %s returned %d\n", what, bpf_program__name(prog), ret);
		return false;
	}
	return true;
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

/* The kernel log from now on: open, then kmsg_read() after the access. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The messages logged since kmsg_open(), one per line, into @buf. */
static void kmsg_read(int fd, char *buf, size_t size)
{
	char rec[8192];
	size_t len = 0;
	ssize_t n;
	char *msg, *end;

	buf[0] = '\0';
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten records */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		end = strchr(msg, '\n');
		if (end)
			*end = '\0';
		len += snprintf(buf + len, size - len, "%s\n", msg);
		if (len >= size - 1)
			break;
	}
}

/* Whether @s occurs in [@from, @to). */
static bool between(const char *from, const char *to, const char *s)
{
	return memmem(from, to - from, s, strlen(s));
}

static const char *pick(int jit, int kasan)
{
	if (!jit)
		return "interpreter";
	return kasan == 2 ? "outline checks" : kasan == 1 ? "inline checks" : "kernel C";
}

/* Where the JITed image of @prog is; 0 when it is interpreted. */
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
 * Run @prog, which reads the u64 at @addr, and check what was reported:
 * nothing unless @want; else one report of an 8-byte read at @addr, from
 * inside the program when @in_prog, and a kernel log that names the
 * allocation and the free (@k).
 */
static void touch(struct bpf_kasan_observe *obs, struct bpf_program *prog,
		  const char *what, bool want, __u64 addr, bool in_prog, enum kind k)
{
	struct bpf_kasan_observe__bss *r = obs->bss;
	static char log[256 * 1024];
	const char *a, *f, *p, *end;
	__u64 start;
	__u32 len;
	int fd;

	prog_image(prog, &start, &len);
	fd = kmsg_open();
	if (!ASSERT_GE(fd, 0, "open /dev/kmsg"))
		return;
	reset_reports(obs);
	if (!run_ok(prog, what))
		goto out;

	if ((have_kprobe && r->nr_calls != want) || r->nr_reports != want) {
		PRINT_FAIL("%s: %llu kasan_report() calls, %llu reports, want %d\n",
			   what, r->nr_calls, r->nr_reports, want);
		goto out;
	}
	if (!want)
		goto out;
	if (r->report_id != addr)
		PRINT_FAIL("%s: report for %#llx, want %#llx\n", what, r->report_id, addr);
	if (have_kprobe && (r->call_addr != addr || r->call_size != 8 || r->call_is_write))
		PRINT_FAIL("%s: reported %s of %llu at %#llx, want read of 8 at %#llx\n",
			   what, r->call_is_write ? "write" : "read", r->call_size,
			   r->call_addr, addr);
	if (have_kprobe && in_prog && (r->call_ip <= start || r->call_ip > start + len))
		PRINT_FAIL("%s: ip %#llx outside the program [%#llx, %#llx)\n",
			   what, r->call_ip, start, start + len);

	kmsg_read(fd, log, sizeof(log));
	p = strstr(log, "BUG: KASAN: slab-use-after-free");
	if (!p) {
		PRINT_FAIL("%s: no \"BUG: KASAN: slab-use-after-free\" in the kernel log:\n%s\n",
			   what, log);
		goto out;
	}
	a = strstr(p, "Allocated by task");
	f = a ? strstr(a, "Freed by task") : NULL;
	if (!a || !f) {
		PRINT_FAIL("%s: report without allocation and free stacks:\n%s\n", what, p);
		goto out;
	}
	/* The free stacks end where the description of the memory starts. */
	end = strstr(f, "The buggy address belongs to");
	if (!end)
		end = f + strlen(f);
	if (!between(a, f, kinds[k].alloc_fn))
		PRINT_FAIL("%s: allocation stack without %s:\n%.*s\n", what,
			   kinds[k].alloc_fn, (int)(f - a), a);
	if (!between(f, end, kinds[k].free_fn) || !between(f, end, kinds[k].free_caller))
		PRINT_FAIL("%s: free stacks without %s and %s:\n%.*s\n", what,
			   kinds[k].free_fn, kinds[k].free_caller, (int)(end - f), f);
out:
	close(fd);
}

/* Wait for an RCU tasks trace grace period and the callbacks before it. */
static bool sync_rcu_tasks_trace(struct bpf_kasan_memalloc *skel)
{
	int i;

	skel->bss->done = 0;
	if (!run_ok(skel->progs.sync_rcu_tasks_trace, "RCU tasks trace"))
		return false;
	for (i = 0; i < 5000 && !READ_ONCE(skel->bss->done); i++)
		usleep(1000);
	if (!skel->bss->done) {
		PRINT_FAIL("no RCU tasks trace grace period in 5 s\n");
		return false;
	}
	return true;
}

/*
 * Keep a pointer to an object of kind @k and free it; wait until KASAN
 * considers it freed. Returns its address, 0 on failure.
 */
static __u64 stale_object(struct bpf_kasan_memalloc *skel, enum kind k, const char *what)
{
	struct bpf_map *map = k == HASH ? skel->maps.hash_map : skel->maps.rhash_map;
	__u64 val[NODE_SIZE / 8] = { 0, 0xb0b };
	__u64 addr;
	int i;

	if (k == OBJ_NEW) {
		if (!run_ok(skel->progs.keep_obj, what))
			return 0;
	} else {
		skel->bss->key = next_key++;
		if (!ASSERT_OK(bpf_map_update_elem(bpf_map__fd(map), &skel->bss->key, val,
						   BPF_NOEXIST), "update element") ||
		    !run_ok(k == HASH ? skel->progs.keep_elem_hash : skel->progs.keep_elem_rhash,
			    what) ||
		    !ASSERT_OK(bpf_map_delete_elem(bpf_map__fd(map), &skel->bss->key),
			       "delete element"))
			return 0;
	}
	addr = skel->bss->kept_addr;

	/*
	 * Freed objects are poisoned after grace periods (bpf_obj_drop(): RCU;
	 * map elements: RCU and RCU tasks trace), with nothing else freed or
	 * allocated meanwhile.
	 */
	for (i = 0; i < MAX_WAITS; i++) {
		if (!run_ok(skel->progs.kept_poisoned, what))
			return 0;
		if (skel->bss->ret == 1)
			return addr;
		if (skel->bss->ret < 0) {
			PRINT_FAIL("%s: bpf_kfunc_kasan_kept_poisoned() returned %d\n",
				   what, skel->bss->ret);
			return 0;
		}
		if (!ASSERT_OK(kern_sync_rcu(), "synchronize_rcu") ||
		    !sync_rcu_tasks_trace(skel))
			return 0;
	}
	PRINT_FAIL("%s: %#llx not poisoned after %d rounds of grace periods\n",
		   what, addr, MAX_WAITS);
	return 0;
}

/* The programs of progs/bpf_kasan_memalloc.c that run in @m. */
static const char *const touch_progs[] = {
	"touch_kept", "touch_kept_c", "touch_slot",
	"elem_rcu_reader_hash", "elem_rcu_reader_rhash",
	"elem_sleepable_reader_hash", "elem_sleepable_reader_rhash",
};

/* Without kfunc calls: the interpreter can run them. */
static bool no_kfunc(const char *name)
{
	return !strcmp(name, "touch_slot") || !strncmp(name, "elem_rcu_reader", 15);
}

/* A second instance with the programs that run in mode @m, on @skel's maps. */
static struct bpf_kasan_memalloc *load_touch(struct bpf_kasan_memalloc *skel,
					     const struct mode *m)
{
	struct bpf_kasan_memalloc *t;
	struct bpf_program *prog;
	bool load;
	int i;

	if (!ASSERT_OK(sysctl_write_int(BPF_JIT_SYSCTL, m->jit), "set net.core.bpf_jit_enable") ||
	    !ASSERT_OK(sysctl_write_int(BPF_KASAN_SYSCTL, m->kasan), "set kernel.bpf_kasan"))
		return NULL;
	t = bpf_kasan_memalloc__open();
	if (!ASSERT_OK_PTR(t, "bpf_kasan_memalloc__open"))
		return NULL;
	bpf_object__for_each_program(prog, t->obj) {
		load = false;
		for (i = 0; i < ARRAY_SIZE(touch_progs); i++)
			if (!strcmp(bpf_program__name(prog), touch_progs[i]))
				load = m->jit || no_kfunc(touch_progs[i]);
		bpf_program__set_autoload(prog, load);
	}
	if (!ASSERT_OK(bpf_map__reuse_fd(t->maps.slot_map, bpf_map__fd(skel->maps.slot_map)),
		       "reuse slot_map") ||
	    !ASSERT_OK(bpf_map__reuse_fd(t->maps.hash_map, bpf_map__fd(skel->maps.hash_map)),
		       "reuse hash_map") ||
	    !ASSERT_OK(bpf_map__reuse_fd(t->maps.rhash_map, bpf_map__fd(skel->maps.rhash_map)),
		       "reuse rhash_map") ||
	    !ASSERT_OK(bpf_kasan_memalloc__load(t), "load the programs of the mode")) {
		bpf_kasan_memalloc__destroy(t);
		return NULL;
	}
	return t;
}

static void run_uaf(struct bpf_kasan_observe *obs, struct bpf_kasan_memalloc *skel,
		    struct bpf_kasan_memalloc *t, const struct mode *m, enum kind k)
{
	bool checked = m->jit && m->kasan;
	char what[128];
	__u64 addr;

	snprintf(what, sizeof(what), "%s %s", m->name, kinds[k].name);
	addr = stale_object(skel, k, what);
	if (!addr)
		goto out;
	addr += TOUCH_OFF;

	if (m->jit) {
		snprintf(what, sizeof(what), "%s %s, read in BPF through a kfunc (%s)",
			 m->name, kinds[k].name, pick(1, m->kasan));
		touch(obs, t->progs.touch_kept, what, checked, addr, true, k);
		snprintf(what, sizeof(what), "%s %s, read in kernel C (bpf_testmod)",
			 m->name, kinds[k].name);
		touch(obs, t->progs.touch_kept_c, what, true, addr, false, k);
	}
	if (!run_ok(skel->progs.plant_kept, "plant the object in slot_map"))
		goto out;
	snprintf(what, sizeof(what), "%s %s, read in BPF through a kptr (%s)",
		 m->name, kinds[k].name, pick(m->jit, m->kasan));
	touch(obs, t->progs.touch_slot, what, checked || !m->jit, addr, m->jit, k);
out:
	/* Never leave the freed object where map_free would drop it. */
	ASSERT_OK(run(skel->progs.clear_slot), "clear slot_map");
	ASSERT_OK(run(skel->progs.forget), "forget the object");
}

/* What may still read freed memory is not reported. */
static void run_legit(struct bpf_kasan_observe *obs, struct bpf_kasan_memalloc *skel,
		      struct bpf_kasan_memalloc *t, const struct mode *m)
{
	__u64 val[NODE_SIZE / 8] = {};
	struct bpf_program *prog;
	char what[128];
	int i, fd;

	if (m->jit) {
		snprintf(what, sizeof(what), "%s: RCU reader of a dropped object", m->name);
		if (run_ok(skel->progs.stash_obj, what))
			touch(obs, skel->progs.obj_rcu_reader, what, false, 0, false, OBJ_NEW);
	}
	for (i = 0; i < 4; i++) {
		enum kind k = i % 2 ? RHASH : HASH;
		bool sleepable = i >= 2;

		if (sleepable && !m->jit)
			continue;
		if (sleepable)
			prog = k == HASH ? t->progs.elem_sleepable_reader_hash :
					   t->progs.elem_sleepable_reader_rhash;
		else
			prog = k == HASH ? t->progs.elem_rcu_reader_hash :
					   t->progs.elem_rcu_reader_rhash;
		snprintf(what, sizeof(what), "%s: %s reader of a deleted %s element",
			 m->name, sleepable ? "sleepable" : "RCU", kinds[k].name);
		fd = bpf_map__fd(k == HASH ? skel->maps.hash_map : skel->maps.rhash_map);
		t->bss->key = next_key++;
		if (!ASSERT_OK(bpf_map_update_elem(fd, &t->bss->key, val, BPF_NOEXIST),
			       "update element"))
			continue;
		t->bss->ret = -1;
		touch(obs, prog, what, false, 0, false, k);
		ASSERT_OK(t->bss->ret, what);
	}
}

/* Slab memory in KiB, from /proc/meminfo; -1 when not found. */
static long slab_kib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * Deleted hash map elements are not reused at once under KASAN: a program
 * that inserts and deletes in a loop still gets every element (refills
 * come from kmalloc()). Prints the slab memory the churn holds until the
 * grace periods pass, and after.
 */
static void run_churn(struct bpf_kasan_memalloc *skel)
{
	long before, after, later;

	skel->bss->churn_rounds = CHURN_ROUNDS;
	before = slab_kib();
	if (!run_ok(skel->progs.hash_churn, "hash churn"))
		return;
	after = slab_kib();
	ASSERT_OK(skel->bss->churn_err, "hash churn: update or delete failed");
	ASSERT_EQ(skel->bss->churn_done, CHURN_ROUNDS, "hash churn: rounds done");
	if (!ASSERT_OK(kern_sync_rcu(), "synchronize_rcu") || !sync_rcu_tasks_trace(skel) ||
	    !ASSERT_OK(kern_sync_rcu(), "synchronize_rcu"))
		return;
	later = slab_kib();
	printf("%s: %d inserts and deletes of %zu-byte values in one run\n",
	       __func__, CHURN_ROUNDS, (size_t)NODE_SIZE);
	printf("%s: slab %+ld KiB after the run, %+ld KiB after the grace periods\n",
	       __func__, after - before, later - before);
}

void test_bpf_kasan_memalloc(void)
{
	int saved_kasan = -1, saved_jit = -1, i, k;
	struct bpf_kasan_memalloc *skel = NULL, *t;
	struct bpf_kasan_observe *obs = NULL;
	char name[64];

	if (!ASSERT_OK(sysctl_read_int(BPF_KASAN_SYSCTL, &saved_kasan),
		       "read " BPF_KASAN_SYSCTL " (no KASAN for BPF programs?)") ||
	    !ASSERT_OK(sysctl_read_int(BPF_JIT_SYSCTL, &saved_jit), "read " BPF_JIT_SYSCTL))
		return;

	obs = bpf_kasan_observe__open();
	if (!ASSERT_OK_PTR(obs, "bpf_kasan_observe__open"))
		goto out;
	obs->bss->filter_tgid = getpid();
	if (!ASSERT_OK(bpf_kasan_observe__load(obs), "bpf_kasan_observe__load"))
		goto out;
	obs->links.report_end = bpf_program__attach(obs->progs.report_end);
	if (!ASSERT_OK_PTR(obs->links.report_end, "attach error_report_end"))
		goto out;
	obs->links.kasan_report_call = bpf_program__attach(obs->progs.kasan_report_call);
	have_kprobe = ASSERT_OK_PTR(obs->links.kasan_report_call,
				    "attach kprobe/kasan_report (CONFIG_KPROBE_EVENTS_ON_NOTRACE=y?)");

	if (!ASSERT_OK(sysctl_write_int(BPF_JIT_SYSCTL, 1), "set net.core.bpf_jit_enable") ||
	    !ASSERT_OK(sysctl_write_int(BPF_KASAN_SYSCTL, 1), "set kernel.bpf_kasan"))
		goto out;
	skel = bpf_kasan_memalloc__open_and_load();
	if (!ASSERT_OK_PTR(skel, "bpf_kasan_memalloc__open_and_load"))
		goto out;

	if (test__start_subtest("hash_churn"))
		run_churn(skel);

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		t = NULL;
		for (k = 0; k < NR_KINDS; k++) {
			snprintf(name, sizeof(name), "%s_%s", kinds[k].name, modes[i].name);
			if (!test__start_subtest(name))
				continue;
			if (!t)
				t = load_touch(skel, &modes[i]);
			if (t)
				run_uaf(obs, skel, t, &modes[i], k);
		}
		snprintf(name, sizeof(name), "legit_readers_%s", modes[i].name);
		if (test__start_subtest(name)) {
			if (!t)
				t = load_touch(skel, &modes[i]);
			if (t)
				run_legit(obs, skel, t, &modes[i]);
		}
		bpf_kasan_memalloc__destroy(t);
		ASSERT_OK(sysctl_write_int(BPF_JIT_SYSCTL, saved_jit),
			  "restore net.core.bpf_jit_enable");
	}
out:
	bpf_kasan_memalloc__destroy(skel);
	bpf_kasan_observe__destroy(obs);
	sysctl_write_int(BPF_JIT_SYSCTL, saved_jit);
	ASSERT_OK(sysctl_write_int(BPF_KASAN_SYSCTL, saved_kasan), "restore kernel.bpf_kasan");
}
