// SPDX-License-Identifier: GPL-2.0
/*
 * Runtime of the KASAN checks that the BPF verifier inserts into JITed
 * programs (kernel/bpf/kasan.c). Lives in mm/kasan/ because it reads shadow
 * memory and must not be instrumented itself.
 *
 * The inline check filters on the shadow in BPF code and calls
 * bpf_kasan_check() only when the shadow of the access is not zero; the
 * outline check calls it for every access. Either way the decision and the
 * report are the ones of generic KASAN: kasan_check_range(), with the return
 * address in the BPF program, so the report names the program and the
 * error_report_end tracepoint fires as for any KASAN report.
 *
 * kasan_report() spins on a raw spinlock. A BPF program can run in NMI
 * context, possibly on a CPU that already holds that lock, so in NMI the
 * check is done here without reporting and the report is deferred to an
 * irq_work. Reports that do not fit in the per-CPU queue are counted.
 */

#include <linux/bpf_kasan.h>
#include <linux/filter.h>
#include <linux/hardirq.h>
#include <linux/irq_work.h>
#include <linux/kasan.h>
#include <linux/percpu.h>
#include <linux/printk.h>

#include "kasan.h"

#define BPF_KASAN_NMI_QUEUE	8

struct bpf_kasan_deferred {
	unsigned long addr;
	unsigned long ip;
	u32 info;
};

struct bpf_kasan_nmi_queue {
	struct irq_work work;
	unsigned int head;	/* written in NMI only */
	unsigned int tail;	/* written in the irq_work only */
	struct bpf_kasan_deferred ent[BPF_KASAN_NMI_QUEUE];
};

static DEFINE_PER_CPU(struct bpf_kasan_nmi_queue, bpf_kasan_nmi_queue);
static atomic_long_t bpf_kasan_nmi_dropped = ATOMIC_LONG_INIT(0);

static void bpf_kasan_report(unsigned long addr, u32 info, unsigned long ip)
{
	size_t size = info & BPF_KASAN_INFO_SIZE_MASK;
	bool write = info & BPF_KASAN_INFO_WRITE;

	if (!kasan_check_range((void *)addr, size, write, ip))
		bpf_kasan_report_prog(ip, info);
}

static void bpf_kasan_nmi_work(struct irq_work *work)
{
	struct bpf_kasan_nmi_queue *q = container_of(work, struct bpf_kasan_nmi_queue, work);
	struct bpf_kasan_deferred *d;
	long dropped;

	while (q->tail != READ_ONCE(q->head)) {
		d = &q->ent[q->tail % BPF_KASAN_NMI_QUEUE];
		/* Checked in NMI already: the shadow may have changed since. */
		pr_err("bpf_kasan: report deferred from NMI context:\n");
		kasan_report((void *)d->addr, d->info & BPF_KASAN_INFO_SIZE_MASK,
			     d->info & BPF_KASAN_INFO_WRITE, d->ip);
		bpf_kasan_report_prog(d->ip, d->info);
		/* Pairs with smp_load_acquire() in bpf_kasan_defer(): free the entry. */
		smp_store_release(&q->tail, q->tail + 1);
	}
	dropped = atomic_long_xchg(&bpf_kasan_nmi_dropped, 0);
	if (dropped)
		pr_err("bpf_kasan: %ld report(s) from NMI context dropped\n", dropped);
}

static void bpf_kasan_defer(unsigned long addr, u32 info, unsigned long ip)
{
	struct bpf_kasan_nmi_queue *q = this_cpu_ptr(&bpf_kasan_nmi_queue);
	struct bpf_kasan_deferred *d;

	if (!kasan_region_is_poisoned((void *)addr, info & BPF_KASAN_INFO_SIZE_MASK))
		return;
	/* NMIs do not nest, so only the irq_work races with us. */
	/* Pairs with smp_store_release() in bpf_kasan_nmi_work(). */
	if (q->head - smp_load_acquire(&q->tail) >= BPF_KASAN_NMI_QUEUE) {
		atomic_long_inc(&bpf_kasan_nmi_dropped);
	} else {
		d = &q->ent[q->head % BPF_KASAN_NMI_QUEUE];
		d->addr = addr;
		d->info = info;
		d->ip = ip;
		WRITE_ONCE(q->head, q->head + 1);
	}
	irq_work_queue(&q->work);
}

/**
 * bpf_kasan_check - check one access of a BPF program against KASAN shadow
 * @addr: first byte accessed
 * @info: size, direction and instruction index, see BPF_KASAN_INFO_*
 *
 * Called from BPF code with the BPF calling convention (hence the unused
 * arguments of the BPF_CALL_2() form, which also keeps the type right for
 * kCFI). Reports a bad access as generic KASAN does, with the return address
 * in the program, then returns; the program performs the access afterwards.
 *
 * Return: 0.
 */
BPF_CALL_2(bpf_kasan_check, u64, addr, u64, info)
{
	if (unlikely(in_nmi()))
		bpf_kasan_defer(addr, info, _RET_IP_);
	else
		bpf_kasan_report(addr, info, _RET_IP_);
	return 0;
}

static int __init bpf_kasan_runtime_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		init_irq_work(&per_cpu(bpf_kasan_nmi_queue, cpu).work, bpf_kasan_nmi_work);
	return 0;
}
early_initcall(bpf_kasan_runtime_init);
