// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit test of bpf_mem_alloc under generic KASAN (see "KASAN" in
 * memalloc.c): an object freed to a bpf_mem_alloc cache is reported when it
 * is used after no reader may legitimately reach it any more, the readers
 * that may reach it are not reported, a freed object is not handed out
 * again by the next allocation, and it stays poisoned until kfree().
 *
 * KASAN reports are caught on the error_report_end tracepoint. KASAN fails
 * the KUnit test whose thread makes a report (except in its own suite), so
 * the accesses that must be reported run on a kworker; the accesses that
 * must not be reported run on the test's thread, where a report would fail
 * the test as well. KASAN must report more than once: boot with
 * kasan_multi_shot.
 */
#include <kunit/test.h>
#include <linux/bpf_mem_alloc.h>
#include <linux/delay.h>
#include <linux/kasan.h>
#include <linux/kprobes.h>
#include <linux/llist.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_trace.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>
#include <trace/events/error_report.h>

#define OBJ_SIZE	64
/* Grace periods waited for a report before giving up. */
#define MAX_WAITS	10
/* Alloc/free cycles before a freed object must have been handed out again. */
#define MAX_CYCLES	1000

static struct {
	atomic_t nr;
	unsigned long first;
} reports;

static void probe_report_end(void *ignore, enum error_detector detector,
			     unsigned long id)
{
	if (detector != ERROR_DETECTOR_KASAN)
		return;
	if (atomic_inc_return(&reports.nr) == 1)
		WRITE_ONCE(reports.first, id);
}

static void reset_reports(void)
{
	atomic_set(&reports.nr, 0);
	WRITE_ONCE(reports.first, 0);
}

struct bad_access {
	struct work_struct work;
	struct bpf_mem_alloc *ma;
	void *obj;
	u64 val;
};

static void read_obj(struct work_struct *work)
{
	struct bad_access *b = container_of(work, struct bad_access, work);

	b->val = READ_ONCE(*(u64 *)b->obj);
}

static void free_obj_again(struct work_struct *work)
{
	struct bad_access *b = container_of(work, struct bad_access, work);

	migrate_disable();
	bpf_mem_free(b->ma, b->obj);
	migrate_enable();
}

/* Run @fn(@obj) on a kworker; returns the number of KASAN reports. */
static int on_worker(work_func_t fn, struct bpf_mem_alloc *ma, void *obj)
{
	struct bad_access b = { .ma = ma, .obj = obj };

	reset_reports();
	INIT_WORK_ONSTACK(&b.work, fn);
	queue_work(system_dfl_wq, &b.work);
	flush_work(&b.work);
	destroy_work_on_stack(&b.work);
	return atomic_read(&reports.nr);
}

/* One KASAN report, for an address in [@lo, @hi). */
static void expect_one_report(struct kunit *test, int nr, unsigned long lo,
			      unsigned long hi, const char *what)
{
	unsigned long first = READ_ONCE(reports.first);

	KUNIT_EXPECT_EQ_MSG(test, nr, 1, "%s: KASAN reports", what);
	if (nr)
		KUNIT_EXPECT_TRUE_MSG(test, first >= lo && first < hi,
				      "%s: report for %#lx, want [%#lx, %#lx)",
				      what, first, lo, hi);
}

/* Read @obj on a kworker after @wait(), until KASAN reports it. */
static void expect_report_after(struct kunit *test, void (*wait)(void),
				void *obj, const char *what)
{
	int i, nr = 0;

	for (i = 0; i < MAX_WAITS && !nr; i++) {
		wait();
		nr = on_worker(read_obj, NULL, obj);
	}
	expect_one_report(test, nr, (unsigned long)obj,
			  (unsigned long)obj + sizeof(u64), what);
}

/* Read @obj here: KASAN must not report it. */
static void expect_no_report(struct kunit *test, void *obj, const char *what)
{
	u64 val;

	reset_reports();
	val = READ_ONCE(*(u64 *)obj);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&reports.nr), 0,
			    "%s: KASAN reported a legitimate read (of %#llx)",
			    what, val);
}

static void wait_rcu(void)
{
	rcu_barrier();
}

/* bpf_mem_cache_free*(): RCU, then RCU tasks trace, then kfree(). */
static void wait_rcu_tasks_trace(void)
{
	rcu_barrier();
	rcu_barrier_tasks_trace();
}

static void init_ma(struct kunit *test, struct bpf_mem_alloc *ma, int size)
{
	int err = bpf_mem_alloc_init(ma, size, false);

	KUNIT_ASSERT_EQ_MSG(test, err, 0, "bpf_mem_alloc_init(%d)", size);
}

static void *alloc_obj(struct kunit *test, struct bpf_mem_alloc *ma, bool cache)
{
	void *obj;

	migrate_disable();
	obj = cache ? bpf_mem_cache_alloc(ma) : bpf_mem_alloc(ma, OBJ_SIZE);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL_MSG(test, obj, "%s", cache ? "bpf_mem_cache_alloc()" :
				  "bpf_mem_alloc()");
	memset(obj, 0xa5, OBJ_SIZE);
	return obj;
}

/* bpf_mem_free(): the caller was the last user, poisoned at once. */
static void free_poisons_at_once(struct kunit *test)
{
	struct bpf_mem_alloc ma;
	void *obj;

	init_ma(test, &ma, 0);
	obj = alloc_obj(test, &ma, false);
	migrate_disable();
	bpf_mem_free(&ma, obj);
	migrate_enable();
	expect_one_report(test, on_worker(read_obj, NULL, obj), (unsigned long)obj,
			  (unsigned long)obj + sizeof(u64), "read after bpf_mem_free()");
	bpf_mem_alloc_destroy(&ma);
}

/*
 * The next allocations do not hand the freed object out again: it waits in
 * the quarantine of its cache. It comes back after a bounded number of
 * frees, which is printed: the quarantine's length.
 */
static void no_immediate_reuse(struct kunit *test)
{
	struct bpf_mem_alloc ma;
	void *obj, *p = NULL;
	int n;

	init_ma(test, &ma, 0);
	obj = alloc_obj(test, &ma, false);
	migrate_disable();
	bpf_mem_free(&ma, obj);
	for (n = 1; n <= MAX_CYCLES; n++) {
		p = bpf_mem_alloc(&ma, OBJ_SIZE);
		if (!p || p == obj)
			break;
		bpf_mem_free(&ma, p);
	}
	migrate_enable();

	KUNIT_EXPECT_NOT_NULL_MSG(test, p, "bpf_mem_alloc() failed after %d cycles", n);
	KUNIT_EXPECT_GT_MSG(test, n, 1,
			    "freed object handed out again by the next allocation");
	KUNIT_EXPECT_LE_MSG(test, n, MAX_CYCLES,
			    "freed object not handed out again after %d alloc/free cycles",
			    MAX_CYCLES);
	if (p == obj) {
		kunit_info(test, "freed %d-byte object handed out again after %d more frees\n",
			   OBJ_SIZE, n - 1);
		/* Unpoisoned again: the test's thread may use it. */
		memset(p, 0, OBJ_SIZE);
		migrate_disable();
		bpf_mem_free(&ma, p);
		migrate_enable();
	}
	bpf_mem_alloc_destroy(&ma);
}

/* bpf_mem_free_rcu(): RCU readers may read it until the grace period ends. */
static void free_rcu_poisons_after_gp(struct kunit *test)
{
	struct bpf_mem_alloc ma;
	void *obj;

	init_ma(test, &ma, 0);
	obj = alloc_obj(test, &ma, false);
	rcu_read_lock();
	migrate_disable();
	bpf_mem_free_rcu(&ma, obj);
	migrate_enable();
	expect_no_report(test, obj, "RCU reader after bpf_mem_free_rcu()");
	rcu_read_unlock();
	expect_report_after(test, wait_rcu, obj,
			    "read after bpf_mem_free_rcu() and a grace period");
	bpf_mem_alloc_destroy(&ma);
}

/*
 * An object freed while the grace period of an earlier free is in flight is
 * poisoned too, with no other free or allocation on its cache to move it on:
 * the cache looks again at its free_by_rcu list until the callback is done.
 */
static void free_rcu_during_gp(struct kunit *test)
{
	struct bpf_mem_alloc ma;
	void *first, *obj;

	init_ma(test, &ma, 0);
	first = alloc_obj(test, &ma, false);
	obj = alloc_obj(test, &ma, false);
	migrate_disable();
	/* No grace period ends while the objects are freed. */
	rcu_read_lock();
	bpf_mem_free_rcu(&ma, first);
	/* Let the irq_work of the first free queue its RCU callback. */
	mdelay(2);
	bpf_mem_free_rcu(&ma, obj);
	rcu_read_unlock();
	migrate_enable();
	expect_report_after(test, wait_rcu, obj,
			    "read after bpf_mem_free_rcu() during an earlier grace period");
	bpf_mem_alloc_destroy(&ma);
}

/*
 * bpf_mem_cache_free*() of a hash map element: RCU readers and, since
 * sleepable programs may use the map, RCU tasks trace readers may read it
 * until both grace periods have passed; the hash map's
 * bpf_mem_cache_free() relies on type-stable memory.
 */
static void check_typesafe(struct kunit *test, bool rcu)
{
	const char *fn = rcu ? "bpf_mem_cache_free_rcu()" : "bpf_mem_cache_free()";
	struct bpf_mem_alloc ma;
	char what[64];
	void *obj;

	init_ma(test, &ma, OBJ_SIZE);
	obj = alloc_obj(test, &ma, true);

	rcu_read_lock_trace();
	rcu_read_lock();
	migrate_disable();
	if (rcu)
		bpf_mem_cache_free_rcu(&ma, obj);
	else
		bpf_mem_cache_free(&ma, obj);
	migrate_enable();
	snprintf(what, sizeof(what), "RCU reader after %s", fn);
	expect_no_report(test, obj, what);
	rcu_read_unlock();

	synchronize_rcu();
	rcu_barrier();
	snprintf(what, sizeof(what), "RCU tasks trace reader after %s", fn);
	expect_no_report(test, obj, what);
	rcu_read_unlock_trace();

	snprintf(what, sizeof(what), "read after %s and both grace periods", fn);
	expect_report_after(test, wait_rcu_tasks_trace, obj, what);
	bpf_mem_alloc_destroy(&ma);
}

/* The unit whose kfree() kfree_pre() looks at, and what it saw. */
static struct {
	const void *unit;
	bool seen;
	bool poisoned;
} kfree_watch;

/* Whether all of [@addr, @addr + @size) is poisoned: reads the shadow only. */
static __no_sanitize_address bool all_poisoned(const void *addr, size_t size)
{
	const s8 *shadow = kasan_mem_to_shadow(addr);
	size_t i;

	for (i = 0; i < size >> KASAN_SHADOW_SCALE_SHIFT; i++)
		if (shadow[i] >= 0)
			return false;
	return true;
}

static int kfree_pre(struct kprobe *p, struct pt_regs *regs)
{
	const void *ptr = (const void *)regs_get_kernel_argument(regs, 0);

	if (!ptr || ptr != READ_ONCE(kfree_watch.unit))
		return 0;
	kfree_watch.poisoned = all_poisoned(ptr + sizeof(struct llist_node), OBJ_SIZE);
	/* Pairs with the acquire in poisoned_until_kfree(): poisoned first. */
	smp_store_release(&kfree_watch.seen, true);
	return 0;
}

static struct kprobe kfree_probe = {
	.symbol_name = "kfree",
	.pre_handler = kfree_pre,
};

/*
 * An object poisoned after bpf_mem_free_rcu() stays poisoned until kfree(),
 * which poisons it again: a use-after-free on another CPU while the RCU
 * callback frees the object is reported too. Looked at on kfree()'s entry.
 */
static void poisoned_until_kfree(struct kunit *test)
{
	struct bpf_mem_alloc ma;
	void *obj;
	int i, err;

	init_ma(test, &ma, 0);
	obj = alloc_obj(test, &ma, false);
	kfree_watch.seen = false;
	WRITE_ONCE(kfree_watch.unit, obj - sizeof(struct llist_node));
	err = register_kprobe(&kfree_probe);
	migrate_disable();
	bpf_mem_free_rcu(&ma, obj);
	migrate_enable();
	if (err) {
		bpf_mem_alloc_destroy(&ma);
		kunit_skip(test, "no kprobe on kfree(): %d", err);
	}
	/* Pairs with the release in kfree_pre(). */
	for (i = 0; i < MAX_WAITS && !smp_load_acquire(&kfree_watch.seen); i++)
		wait_rcu_tasks_trace();
	unregister_kprobe(&kfree_probe);
	WRITE_ONCE(kfree_watch.unit, NULL);
	KUNIT_EXPECT_TRUE_MSG(test, kfree_watch.seen,
			      "no kfree() of the object after %d rounds of grace periods",
			      MAX_WAITS);
	if (kfree_watch.seen)
		KUNIT_EXPECT_TRUE_MSG(test, kfree_watch.poisoned,
				      "the object was unpoisoned before kfree()");
	bpf_mem_alloc_destroy(&ma);
}

static void cache_free_typesafe(struct kunit *test)
{
	check_typesafe(test, false);
}

static void cache_free_rcu_typesafe(struct kunit *test)
{
	check_typesafe(test, true);
}

/* A second bpf_mem_free() is reported and leaves the cache intact. */
static void double_free(struct kunit *test)
{
	struct bpf_mem_alloc ma;
	void *obj, *p;
	int nr;

	init_ma(test, &ma, 0);
	obj = alloc_obj(test, &ma, false);
	migrate_disable();
	bpf_mem_free(&ma, obj);
	migrate_enable();
	nr = on_worker(free_obj_again, &ma, obj);
	/* The report is for the whole unit, llist_node header included. */
	expect_one_report(test, nr, (unsigned long)obj - sizeof(void *),
			  (unsigned long)obj + OBJ_SIZE, "second bpf_mem_free()");
	p = alloc_obj(test, &ma, false);
	migrate_disable();
	bpf_mem_free(&ma, p);
	migrate_enable();
	bpf_mem_alloc_destroy(&ma);
}

static int suite_init(struct kunit_suite *suite)
{
	return register_trace_error_report_end(probe_report_end, NULL);
}

static void suite_exit(struct kunit_suite *suite)
{
	unregister_trace_error_report_end(probe_report_end, NULL);
	tracepoint_synchronize_unregister();
}

static struct kunit_case bpf_mem_alloc_kasan_cases[] = {
	KUNIT_CASE(free_poisons_at_once),
	KUNIT_CASE(no_immediate_reuse),
	KUNIT_CASE(free_rcu_poisons_after_gp),
	KUNIT_CASE(free_rcu_during_gp),
	KUNIT_CASE(poisoned_until_kfree),
	KUNIT_CASE(cache_free_typesafe),
	KUNIT_CASE(cache_free_rcu_typesafe),
	KUNIT_CASE(double_free),
	{}
};

static struct kunit_suite bpf_mem_alloc_kasan_suite = {
	.name = "bpf_mem_alloc_kasan",
	.suite_init = suite_init,
	.suite_exit = suite_exit,
	.test_cases = bpf_mem_alloc_kasan_cases,
};

kunit_test_suite(bpf_mem_alloc_kasan_suite);
