/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by the parts of bpf_kasan_bench.ko: the timing loop
 * (bpf_kasan_bench_main.c) and the algorithms, compiled twice
 * (bpf_kasan_bench_algos.h).
 */
#ifndef _BPF_KASAN_BENCH_KMOD_H
#define _BPF_KASAN_BENCH_KMOD_H

#include <linux/atomic.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include "bpf_kasan_bench.h"

/* The packet as an XDP program sees it: what xdp_md->data{,_end} give. */
struct bench_xdp {
	void *data;
	void *data_end;
};

/* A preallocated hash table of u32 keys, chained, like a BPF hash map. */
struct bench_helem {
	struct bench_helem *next;
	u32 hash;
	u32 key;
	u64 hits;
	u64 sum;
};

struct bench_htab {
	struct bench_helem **buckets;
	struct bench_helem *elems;
	u32 n_buckets;		/* a power of two */
	u32 n_elems;
	u32 used;
	u32 seed;
};

/* Everything the algorithms work on: the BPF programs' maps and ctx. */
struct bench_data {
	u64 *scan;			/* BENCH_SCAN_WORDS words */
	struct bench_xdp xdp;		/* BENCH_PKT_LEN bytes */
	struct bench_htab htab;
	struct sk_buff *skb;
	atomic64_t *atomics;		/* BENCH_ATOMIC_WORDS words */
};

enum {
	BENCH_SCAN,
	BENCH_PARSE,
	BENCH_HASH,
	BENCH_CTX,
	BENCH_ATOMICS,
	BENCH_NR,
};

/* One call does what one run of the BPF program does. */
typedef u64 (*bench_fn_t)(struct bench_data *d);

struct bench_ops {
	bench_fn_t fn[BENCH_NR];
};

extern const struct bench_ops bench_ops_kasan;
extern const struct bench_ops bench_ops_nokasan;

#endif /* _BPF_KASAN_BENCH_KMOD_H */
