// SPDX-License-Identifier: GPL-2.0
/*
 * `make demo` of bpf-kasan: a BPF program that reads memory a kfunc freed.
 * With kernel.bpf_kasan=1 the verifier inserts a KASAN check before the
 * load, and running the program prints a slab-use-after-free report.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "../test_kmods/bpf_testmod_kasan.h"

extern __u8 *bpf_kfunc_kasan_mem(int kind, const int rdwr_buf_size) __ksym;

SEC("tc")
int kasan_demo(struct __sk_buff *skb)
{
	__u8 *obj = bpf_kfunc_kasan_mem(BPF_TESTMOD_KASAN_UAF, BPF_TESTMOD_KASAN_WIN);

	if (!obj)
		return 0;
	/* bpf_testmod freed obj before returning it: use-after-free. */
	return *(__u32 *)(obj + 64);
}

char _license[] SEC("license") = "GPL";
