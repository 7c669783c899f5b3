// SPDX-License-Identifier: GPL-2.0
/*
 * Memory-bound programs for `make bench` of bpf-kasan (scripts/guest-bench):
 * each is loaded with kernel.bpf_kasan off, inline and outline, and with the
 * checks and the JIT off (the interpreter), and run with BPF_PROG_TEST_RUN.
 * test_kmods/bpf_kasan_bench/ has the same algorithms in C, built with and
 * without KASAN; bpf_kasan_bench.h has the sizes both use.
 *
 * Loops that read the same memory again (packet headers, ctx fields) start
 * their body with a compiler barrier, so that clang reloads it on every
 * iteration instead of hoisting the loads out of the loop. The loops have
 * constant trip counts and no data-dependent branch that rejoins the loop,
 * so that the verifier walks each iteration once.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "../test_kmods/bpf_kasan_bench/bpf_kasan_bench.h"

#define ETH_P_IP	0x0800

struct scan_val {
	__u64 w[BENCH_SCAN_WORDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scan_val);
} scan_map SEC(".maps");

struct hash_val {
	__u64 hits;
	__u64 sum;
};

/*
 * Zero hash seed: the same buckets in every copy and on every boot, so that
 * the three modes do the same work and an instruction count repeats.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_ZERO_SEED);
	__uint(max_entries, BENCH_HASH_KEYS);
	__type(key, __u32);
	__type(value, struct hash_val);
} hash_map SEC(".maps");

struct atomic_val {
	__u64 w[BENCH_ATOMIC_WORDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct atomic_val);
} atomic_map SEC(".maps");

/* Results go here so that the compiler keeps the work. */
__u64 sink;

/* Sum of the u64 words of a 32 KiB array map value, eight per iteration. */
SEC("tc")
int bench_scan(struct __sk_buff *skb)
{
	struct scan_val *v;
	__u32 key = 0;
	__u64 sum = 0;
	int i;

	v = bpf_map_lookup_elem(&scan_map, &key);
	if (!v)
		return 0;
#pragma clang loop unroll(disable)
	for (i = 0; i < BENCH_SCAN_WORDS; i += 8) {
		__u64 *p = &v->w[i];

		sum += p[0] + p[1] + p[2] + p[3] + p[4] + p[5] + p[6] + p[7];
	}
	sink = sum;
	return 0;
}

/*
 * Ethernet, IPv4 and TCP headers of the test packet, parsed
 * BENCH_PARSE_ROUNDS times with the bounds checks a real parser has.
 */
SEC("xdp")
int bench_parse(struct xdp_md *ctx)
{
	__u64 acc = 0;
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < BENCH_PARSE_ROUNDS; i++) {
		void *data, *data_end;
		struct ethhdr *eth;
		struct iphdr *iph;
		struct tcphdr *th;

		barrier();
		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
		eth = data;
		iph = (void *)(eth + 1);
		if ((void *)(iph + 1) > data_end)
			break;
		if (eth->h_proto != bpf_htons(ETH_P_IP))
			break;
		if (iph->ihl != 5 || iph->protocol != IPPROTO_TCP)
			break;
		th = (void *)(iph + 1);
		if ((void *)(th + 1) > data_end)
			break;
		acc += iph->tot_len + iph->ttl + iph->saddr + iph->daddr;
		acc += th->source + th->dest + th->seq + th->ack_seq;
		acc += th->doff + th->syn + th->ack + th->window;
	}
	sink = acc;
	/* guest-bench checks that every round parsed the whole packet. */
	return i == BENCH_PARSE_ROUNDS ? XDP_PASS : XDP_DROP;
}

/*
 * Lookups of BENCH_HASH_OPS keys in a hash map, a read-modify-write of the
 * value found and a replacement of every fourth value (bpf_map_update_elem).
 * A missing key is inserted and ends the run: the first BENCH_HASH_KEYS
 * runs fill the map (guest-bench runs every program before timing it), and
 * the program returns 0 only when every lookup hit.
 */
SEC("tc")
int bench_hash(struct __sk_buff *skb)
{
	__u64 acc = 0;
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < BENCH_HASH_OPS; i++) {
		__u32 key = i & (BENCH_HASH_KEYS - 1);
		struct hash_val nv, *v;

		v = bpf_map_lookup_elem(&hash_map, &key);
		if (!v) {
			nv.hits = 1;
			nv.sum = key;
			bpf_map_update_elem(&hash_map, &key, &nv, BPF_NOEXIST);
			break;
		}
		v->hits++;
		v->sum += key;
		acc += v->hits;
		if ((i & 3) == 0) {
			nv.hits = v->hits;
			nv.sum = v->sum;
			bpf_map_update_elem(&hash_map, &key, &nv, BPF_EXIST);
		}
	}
	sink = acc;
	return i == BENCH_HASH_OPS ? 0 : 1;
}

/*
 * __sk_buff fields, BENCH_CTX_ROUNDS times. Each becomes one or more loads
 * from struct sk_buff, its cb[] or its skb_shared_info (ctx conversion).
 */
SEC("tc")
int bench_ctx(struct __sk_buff *skb)
{
	__u64 acc = 0;
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < BENCH_CTX_ROUNDS; i++) {
		void *data, *data_end;

		barrier();
		/*
		 * The packet pointers are loaded, not compared: no branch for
		 * the verifier to follow.
		 */
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
		asm volatile("" : : "r"(data), "r"(data_end));
		acc += skb->len;
		acc += skb->pkt_type;
		acc += skb->mark;
		acc += skb->queue_mapping;
		acc += skb->protocol;
		acc += skb->vlan_tci;
		acc += skb->vlan_proto;
		acc += skb->priority;
		acc += skb->ingress_ifindex;
		acc += skb->ifindex;
		acc += skb->hash;
		acc += skb->tc_index;
		acc += skb->cb[0];
		acc += skb->cb[1];
		acc += skb->cb[2];
		acc += skb->cb[3];
		acc += skb->cb[4];
		acc += skb->tc_classid;
		acc += skb->wire_len;
		acc += skb->gso_segs;
		acc += skb->gso_size;
	}
	sink = acc;
	return 0;
}

#ifdef ENABLE_ATOMICS_TESTS
/*
 * Atomic read-modify-writes of the u64 words of an array map value: add,
 * fetch-add, or, and, xor, fetch-or, xchg and cmpxchg, one word each.
 * Needs -mcpu=v3 (the no_alu32 flavour of the selftests does not get it).
 */
SEC("tc")
int bench_atomics(struct __sk_buff *skb)
{
	struct atomic_val *v;
	__u32 key = 0;
	__u64 acc = 0;
	int i;

	v = bpf_map_lookup_elem(&atomic_map, &key);
	if (!v)
		return 0;
#pragma clang loop unroll(disable)
	for (i = 0; i < BENCH_ATOMIC_WORDS; i += 8) {
		__u64 *p = &v->w[i];

		__sync_fetch_and_add(&p[0], 1);
		acc += __sync_fetch_and_add(&p[1], 1);
		__sync_fetch_and_or(&p[2], i);
		__sync_fetch_and_and(&p[3], ~1ULL);
		__sync_fetch_and_xor(&p[4], 1);
		acc += __sync_fetch_and_or(&p[5], 2);
		acc += __sync_lock_test_and_set(&p[6], acc);
		acc += __sync_val_compare_and_swap(&p[7], acc, i);
	}
	sink = acc;
	return 0;
}
#endif

char _license[] SEC("license") = "GPL";
