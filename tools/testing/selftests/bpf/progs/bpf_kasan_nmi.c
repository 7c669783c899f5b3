// SPDX-License-Identifier: GPL-2.0
/* A bad access from a BPF program running in NMI context. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "../test_kmods/bpf_testmod_kfunc.h"
#include "../test_kmods/bpf_testmod_kasan.h"

#define NMI_BAD_OFF	32

int trigger_ret = -1;
__u64 nmi_hits, nmi_addr, nmi_val;

SEC("fentry/bpf_testmod_kasan_nmi_hook")
int BPF_PROG(nmi_access, int in_nmi_ctx)
{
	__u8 *p;

	if (!in_nmi_ctx)
		return 0;
	p = bpf_kfunc_kasan_mem(BPF_TESTMOD_KASAN_UAF, BPF_TESTMOD_KASAN_WIN);
	if (!p)
		return 0;
	nmi_addr = (unsigned long)p + NMI_BAD_OFF;
	/* An 8-byte load: storing its value to a global keeps it. */
	nmi_val = *(__u64 *)(p + NMI_BAD_OFF);
	nmi_hits++;
	return 0;
}

SEC("syscall")
int trigger_nmi(void *ctx)
{
	trigger_ret = bpf_kfunc_kasan_trigger_nmi();
	return 0;
}

char _license[] SEC("license") = "GPL";
