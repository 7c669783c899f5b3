/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The algorithms of progs/bpf_kasan_bench.c in C, included once by
 * bpf_kasan_bench_kasan.c (compiled with KASAN) and once by
 * bpf_kasan_bench_nokasan.c (KASAN_SANITIZE := n). The includer defines
 * BENCH_OPS, the name of the table of functions to define.
 *
 * Each function does the accesses of one run of the BPF program of the same
 * name, in the same order. Loop bodies that re-read the same memory start
 * with barrier(), as in the BPF programs, so that the compiler does not
 * hoist the loads out of the loop.
 */
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/jhash.h>
#include <linux/netdevice.h>
#include <linux/tcp.h>
#include <net/sch_generic.h>
#include "bpf_kasan_bench_kmod.h"

#ifndef BENCH_OPS
#error "define BENCH_OPS before including bpf_kasan_bench_algos.h"
#endif

static u64 bench_scan(struct bench_data *d)
{
	const u64 *w = d->scan;
	u64 sum = 0;
	int i;

	for (i = 0; i < BENCH_SCAN_WORDS; i += 8) {
		const u64 *p = &w[i];

		sum += p[0] + p[1] + p[2] + p[3] + p[4] + p[5] + p[6] + p[7];
	}
	return sum;
}

static u64 bench_parse(struct bench_data *d)
{
	const struct bench_xdp *x = &d->xdp;
	u64 acc = 0;
	int i;

	for (i = 0; i < BENCH_PARSE_ROUNDS; i++) {
		const struct ethhdr *eth;
		const struct iphdr *iph;
		const struct tcphdr *th;
		void *data, *data_end;

		barrier();
		data = x->data;
		data_end = x->data_end;
		eth = data;
		iph = (const void *)(eth + 1);
		if ((const void *)(iph + 1) > data_end)
			break;
		if (eth->h_proto != htons(ETH_P_IP))
			break;
		if (iph->ihl != 5 || iph->protocol != IPPROTO_TCP)
			break;
		th = (const void *)(iph + 1);
		if ((const void *)(th + 1) > data_end)
			break;
		acc += (__force u16)iph->tot_len + iph->ttl +
		       (__force u32)iph->saddr + (__force u32)iph->daddr;
		acc += (__force u16)th->source + (__force u16)th->dest +
		       (__force u32)th->seq + (__force u32)th->ack_seq;
		acc += th->doff + th->syn + th->ack + (__force u16)th->window;
	}
	return acc;
}

static struct bench_helem *bench_htab_lookup(struct bench_htab *h, u32 key)
{
	u32 hash = jhash_1word(key, h->seed);
	struct bench_helem *e;

	for (e = h->buckets[hash & (h->n_buckets - 1)]; e; e = e->next)
		if (e->hash == hash && e->key == key)
			return e;
	return NULL;
}

/* bpf_map_update_elem() with BPF_NOEXIST or BPF_EXIST. */
static int bench_htab_update(struct bench_htab *h, u32 key, u64 hits, u64 sum,
			     bool exist)
{
	struct bench_helem *e = bench_htab_lookup(h, key);
	struct bench_helem **head;

	if (!e) {
		if (exist)
			return -ENOENT;
		if (h->used == h->n_elems)
			return -E2BIG;
		e = &h->elems[h->used++];
		e->key = key;
		e->hash = jhash_1word(key, h->seed);
		head = &h->buckets[e->hash & (h->n_buckets - 1)];
		e->next = *head;
		*head = e;
	} else if (!exist) {
		return -EEXIST;
	}
	e->hits = hits;
	e->sum = sum;
	return 0;
}

static u64 bench_hash(struct bench_data *d)
{
	struct bench_htab *h = &d->htab;
	u64 acc = 0;
	int i;

	for (i = 0; i < BENCH_HASH_OPS; i++) {
		u32 key = i & (BENCH_HASH_KEYS - 1);
		struct bench_helem *v = bench_htab_lookup(h, key);

		if (!v) {
			bench_htab_update(h, key, 1, key, false);
			break;
		}
		v->hits++;
		v->sum += key;
		acc += v->hits;
		if ((i & 3) == 0)
			bench_htab_update(h, key, v->hits, v->sum, true);
	}
	return acc;
}

/* The loads that the ctx conversion of each __sk_buff field does. */
static u64 bench_ctx(struct bench_data *d)
{
	const struct sk_buff *skb = d->skb;
	u64 acc = 0;
	int i;

	for (i = 0; i < BENCH_CTX_ROUNDS; i++) {
		const struct bpf_skb_data_end *cb;
		const struct skb_shared_info *shinfo;
		void *data, *data_end;
		const u32 *cbw;

		barrier();
		cb = (const struct bpf_skb_data_end *)skb->cb;
		cbw = (const u32 *)cb->qdisc_cb.data;
		/* Loaded, not compared, as in the BPF program. */
		data = skb->data;
		data_end = cb->data_end;
		asm volatile("" : : "r"(data), "r"(data_end));
		acc += skb->len;
		acc += skb->pkt_type;
		acc += skb->mark;
		acc += skb->queue_mapping;
		acc += (__force u16)skb->protocol;
		acc += skb->vlan_tci;
		acc += (__force u16)skb->vlan_proto;
		acc += skb->priority;
		acc += skb->skb_iif;
		acc += skb->dev->ifindex;
		acc += skb->hash;
#ifdef CONFIG_NET_SCHED
		acc += skb->tc_index;
#endif
		acc += cbw[0];
		acc += cbw[1];
		acc += cbw[2];
		acc += cbw[3];
		acc += cbw[4];
		acc += cb->qdisc_cb.tc_classid;
		acc += cb->qdisc_cb.pkt_len;
		shinfo = skb_shinfo(skb);
		acc += shinfo->gso_segs;
		acc += shinfo->gso_size;
	}
	return acc;
}

static u64 bench_atomics(struct bench_data *d)
{
	atomic64_t *w = d->atomics;
	u64 acc = 0;
	int i;

	for (i = 0; i < BENCH_ATOMIC_WORDS; i += 8) {
		atomic64_t *p = &w[i];

		atomic64_add(1, &p[0]);
		acc += atomic64_fetch_add(1, &p[1]);
		atomic64_or(i, &p[2]);
		atomic64_and(~1LL, &p[3]);
		atomic64_xor(1, &p[4]);
		acc += atomic64_fetch_or(2, &p[5]);
		acc += atomic64_xchg(&p[6], acc);
		acc += atomic64_cmpxchg(&p[7], acc, i);
	}
	return acc;
}

const struct bench_ops BENCH_OPS = {
	.fn = {
		[BENCH_SCAN] = bench_scan,
		[BENCH_PARSE] = bench_parse,
		[BENCH_HASH] = bench_hash,
		[BENCH_CTX] = bench_ctx,
		[BENCH_ATOMICS] = bench_atomics,
	},
};
