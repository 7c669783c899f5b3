// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_kasan_bench.ko: times the algorithms of progs/bpf_kasan_bench.c written
 * in C, compiled with and without KASAN, for `make bench` of bpf-kasan. The
 * ratio of the two is the cost of the compiler's own KASAN checks, to set
 * beside the cost of the checks the verifier inserts into BPF programs.
 *
 * Loading the module runs the benchmark once and prints, for each
 * algorithm, one line
 *
 *   bpf_kasan_bench: tag T NAME runs N nokasan_ns A kasan_ns B
 *
 * where A and B are the times of N calls of the uninstrumented and of the
 * instrumented function. The calls of each variant are split in two halves,
 * run in the order nokasan, kasan, kasan, nokasan, so that a drift of the
 * machine's speed affects both alike. N is calibrated so that each variant
 * runs for about target_ms. Before them, one line
 *
 *   bpf_kasan_bench: tag T clock iters N insns_per_iter I ns C
 *
 * gives the time C of a loop of N iterations of I instructions each, written
 * in assembly: under QEMU's -icount shift=0 every guest instruction advances
 * the clock by one nanosecond, and C is then N * I plus the few instructions
 * around the loop, which shows that the times are instruction counts. The
 * module then does nothing until unloaded.
 *
 * This file is not instrumented, so the timing loop costs the same for both
 * variants.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_ether.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/filter.h>
#include <net/net_namespace.h>
#include <net/sch_generic.h>
#include "bpf_kasan_bench_kmod.h"

static unsigned int tag;
module_param(tag, uint, 0444);
MODULE_PARM_DESC(tag, "number printed in every result line");

static unsigned int target_ms = 50;
module_param(target_ms, uint, 0444);
MODULE_PARM_DESC(target_ms, "time per variant and algorithm, in ms (1-10000)");

static const char * const bench_names[BENCH_NR] = {
	[BENCH_SCAN] = "scan",
	[BENCH_PARSE] = "parse",
	[BENCH_HASH] = "hash",
	[BENCH_CTX] = "ctx",
	[BENCH_ATOMICS] = "atomics",
};

/*
 * The test packet of guest-bench, byte for byte: Ethernet, IPv4 (10.0.0.1 to
 * 10.0.0.2, TCP, no options), TCP (12345 to 80, SYN, no options), zero
 * padding up to BENCH_PKT_LEN.
 */
static const u8 bench_pkt[BENCH_PKT_LEN] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x32, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x30, 0x39, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
};

/* Results go here, so that the calls are not optimized away. */
static u64 bench_sink;

static u64 bench_time(bench_fn_t fn, struct bench_data *d, u64 runs)
{
	u64 start, t, i, acc = 0;

	start = ktime_get_ns();
	for (i = 0; i < runs; i++)
		acc += fn(d);
	t = ktime_get_ns() - start;
	WRITE_ONCE(bench_sink, READ_ONCE(bench_sink) + acc);
	cond_resched();
	return t;
}

#define BENCH_CLOCK_ITERS	10000000UL

/*
 * A loop of exactly two instructions per iteration (decrement, branch if
 * not zero), in assembly so that the compiler cannot change it. Returns
 * the number of instructions per iteration, 0 on an architecture without
 * the loop.
 */
static unsigned int bench_clock_loop(unsigned long n)
{
#if defined(CONFIG_X86_64)
	asm volatile("1: dec %0\n\tjnz 1b" : "+r"(n) : : "cc");
	return 2;
#elif defined(CONFIG_ARM64)
	asm volatile("1: subs %0, %0, #1\n\tb.ne 1b" : "+r"(n) : : "cc");
	return 2;
#elif defined(CONFIG_RISCV)
	asm volatile("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+r"(n));
	return 2;
#else
	return 0;
#endif
}

/* What one nanosecond of the clock the benchmark reads is (see above). */
static void bench_clock(void)
{
	unsigned int insns;
	unsigned long flags;
	u64 start, t;

	/* No interrupt's instructions in the count. */
	local_irq_save(flags);
	start = ktime_get_ns();
	insns = bench_clock_loop(BENCH_CLOCK_ITERS);
	t = ktime_get_ns() - start;
	local_irq_restore(flags);
	if (insns)
		pr_info("tag %u clock iters %lu insns_per_iter %u ns %llu\n",
			tag, BENCH_CLOCK_ITERS, insns, t);
}

/* Number of calls of fn that take about target_ns. */
static u64 bench_calibrate(bench_fn_t fn, struct bench_data *d, u64 target_ns)
{
	u64 runs = 1, t;

	for (;;) {
		t = bench_time(fn, d, runs);
		if (t >= target_ns / 8 || runs >= (1ULL << 32))
			break;
		runs *= 2;
	}
	return max(1ULL, mul_u64_u64_div_u64(runs, target_ns, max(t, 1ULL)));
}

static void bench_one(int algo, struct bench_data *d)
{
	bench_fn_t nokasan = bench_ops_nokasan.fn[algo];
	bench_fn_t kasan = bench_ops_kasan.fn[algo];
	u64 target_ns = (u64)target_ms * NSEC_PER_MSEC;
	u64 half, t_nokasan, t_kasan;

	half = DIV_ROUND_UP(bench_calibrate(nokasan, d, target_ns), 2);
	bench_time(kasan, d, 1);
	t_nokasan = bench_time(nokasan, d, half);
	t_kasan = bench_time(kasan, d, half);
	t_kasan += bench_time(kasan, d, half);
	t_nokasan += bench_time(nokasan, d, half);
	pr_info("tag %u %s runs %llu nokasan_ns %llu kasan_ns %llu\n",
		tag, bench_names[algo], 2 * half, t_nokasan, t_kasan);
}

static void bench_free(struct bench_data *d)
{
	if (d->skb) {
		d->skb->dev = NULL;
		kfree_skb(d->skb);
	}
	kfree(d->atomics);
	kfree(d->htab.elems);
	kfree(d->htab.buckets);
	kfree(d->xdp.data);
	vfree(d->scan);
}

/* The memory the BPF programs get: map values, packet, skb. */
static int bench_alloc(struct bench_data *d)
{
	struct sk_buff *skb;
	u8 *pkt;

	/* An array map value this large is vmalloc()ed, too. */
	d->scan = vzalloc(BENCH_SCAN_WORDS * sizeof(u64));
	pkt = kmemdup(bench_pkt, BENCH_PKT_LEN, GFP_KERNEL);
	d->xdp.data = pkt;
	d->xdp.data_end = pkt + BENCH_PKT_LEN;
	d->htab.n_buckets = roundup_pow_of_two(BENCH_HASH_KEYS);
	d->htab.n_elems = BENCH_HASH_KEYS;
	/* Fixed, as the BPF hash map's (BPF_F_ZERO_SEED): same chains on every run. */
	d->htab.seed = 0;
	d->htab.buckets = kcalloc(d->htab.n_buckets, sizeof(*d->htab.buckets),
				  GFP_KERNEL);
	d->htab.elems = kcalloc(d->htab.n_elems, sizeof(*d->htab.elems),
				GFP_KERNEL);
	d->atomics = kcalloc(BENCH_ATOMIC_WORDS, sizeof(*d->atomics), GFP_KERNEL);
	/* As bpf_prog_test_run_skb() builds it, on the loopback device. */
	skb = alloc_skb(NET_SKB_PAD + NET_IP_ALIGN + BENCH_PKT_LEN, GFP_KERNEL);
	d->skb = skb;
	if (!d->scan || !pkt || !d->htab.buckets || !d->htab.elems ||
	    !d->atomics || !skb)
		return -ENOMEM;
	skb_reserve(skb, NET_SKB_PAD + NET_IP_ALIGN);
	skb_put_data(skb, bench_pkt, BENCH_PKT_LEN);
	skb_reset_mac_header(skb);
	skb->dev = init_net.loopback_dev;
	skb->protocol = htons(ETH_P_IP);
	skb->skb_iif = skb->dev->ifindex;
	qdisc_skb_cb(skb)->pkt_len = skb->len;
	bpf_compute_data_pointers(skb);
	return 0;
}

static int __init bench_init(void)
{
	struct bench_data d = {};
	int algo, err, i;

	err = bench_alloc(&d);
	if (!err) {
		target_ms = clamp(target_ms, 1U, 10000U);
		pr_info("tag %u kasan %s target_ms %u\n", tag,
			IS_ENABLED(CONFIG_KASAN_GENERIC) ?
			(IS_ENABLED(CONFIG_KASAN_INLINE) ? "generic-inline" :
							   "generic-outline") :
			IS_ENABLED(CONFIG_KASAN) ? "tags" : "none",
			target_ms);
		bench_clock();
		/* Fill the hash table, as the first runs of bench_hash do. */
		for (i = 0; i <= BENCH_HASH_KEYS; i++)
			bench_ops_nokasan.fn[BENCH_HASH](&d);
		for (algo = 0; algo < BENCH_NR; algo++)
			bench_one(algo, &d);
	}
	bench_free(&d);
	return err;
}

/* Nothing to undo: the benchmark ran and freed everything in bench_init(). */
static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("bpf-kasan: the BPF KASAN benchmark's algorithms in C, with and without KASAN");
MODULE_LICENSE("GPL");
