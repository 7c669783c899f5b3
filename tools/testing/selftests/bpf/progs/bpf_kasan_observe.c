// SPDX-License-Identifier: GPL-2.0
/*
 * Observe KASAN reports for the bpf_kasan tests: count them on the
 * error_report_end tracepoint and capture what kasan_report() was asked to
 * report. Also poisons and unpoisons the map value that the differential
 * test's programs access.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "../test_kmods/bpf_testmod_kfunc.h"

/* Only count reports from this process; 0: from any. */
int filter_tgid;

/* Reset by the test before each run. */
__u64 nr_reports;	/* error_report_end (ERROR_DETECTOR_KASAN) */
__u64 report_id;	/* id of the first one: the reported address */
__u64 nr_calls;		/* kasan_report() calls */
__u64 call_addr, call_size, call_is_write, call_ip;	/* first call */

static bool mine(void)
{
	return !filter_tgid || (bpf_get_current_pid_tgid() >> 32) == filter_tgid;
}

SEC("tp_btf/error_report_end")
int BPF_PROG(report_end, enum error_detector detector, unsigned long id)
{
	if (detector != ERROR_DETECTOR_KASAN || !mine())
		return 0;
	if (__sync_fetch_and_add(&nr_reports, 1) == 0)
		report_id = id;
	return 0;
}

SEC("kprobe/kasan_report")
int BPF_KPROBE(kasan_report_call, const void *addr, size_t size, bool is_write,
	       unsigned long ip)
{
	if (!mine())
		return 0;
	if (__sync_fetch_and_add(&nr_calls, 1) == 0) {
		call_addr = (unsigned long)addr;
		call_size = size;
		call_is_write = is_write;
		call_ip = ip;
	}
	return 0;
}

/* Same layout as in progs/bpf_kasan_diff.c, which reuses this map. */
struct bpf_kasan_diff_val {
	__u64 head[2];
	__u8 bad[32];
	__u64 tail[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpf_kasan_diff_val);
} diff_map SEC(".maps");

int poison_ret = -1, unpoison_ret = -1;

SEC("syscall")
int poison_diff(void *ctx)
{
	struct bpf_kasan_diff_val *v;
	__u32 key = 0;

	v = bpf_map_lookup_elem(&diff_map, &key);
	if (!v)
		return 1;
	poison_ret = bpf_kfunc_kasan_poison(v->bad, sizeof(v->bad));
	return 0;
}

SEC("syscall")
int unpoison_diff(void *ctx)
{
	struct bpf_kasan_diff_val *v;
	__u32 key = 0;

	v = bpf_map_lookup_elem(&diff_map, &key);
	if (!v)
		return 1;
	unpoison_ret = bpf_kfunc_kasan_unpoison(v->bad, sizeof(v->bad));
	return 0;
}

char _license[] SEC("license") = "GPL";
