/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sizes of the `make bench` workloads of bpf-kasan, shared by the BPF
 * programs (progs/bpf_kasan_bench.c) and the same algorithms in C
 * (bpf_kasan_bench_algos.h), so that both do the same number of accesses
 * per run.
 */
#ifndef _BPF_KASAN_BENCH_H
#define _BPF_KASAN_BENCH_H

/* Map-value scan: u64 words of one 32 KiB array map value. */
#define BENCH_SCAN_WORDS	4096
/* Packet parse: Ethernet + IPv4 + TCP headers, parsed this many times. */
#define BENCH_PARSE_ROUNDS	256
/* Hash map: lookups per run over this many keys (a power of two). */
#define BENCH_HASH_OPS		128
#define BENCH_HASH_KEYS		64
/* ctx: rounds of reads of 23 __sk_buff fields (28 loads). */
#define BENCH_CTX_ROUNDS	256
/* Atomics: one atomic read-modify-write per u64 word of a map value. */
#define BENCH_ATOMIC_WORDS	1024

/*
 * The test packet, 64 bytes: Ethernet (IPv4), IPv4 without options
 * (protocol TCP), TCP without options, zero padding.
 */
#define BENCH_PKT_LEN		64

#endif /* _BPF_KASAN_BENCH_H */
