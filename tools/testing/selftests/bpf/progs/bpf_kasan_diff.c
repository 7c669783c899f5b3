// SPDX-License-Identifier: GPL-2.0
/*
 * The same accesses as progs/bpf_kasan.c, but to a part of a map value
 * that the test poisoned beforehand, so that they need no kfunc and also
 * load with the JIT off: the interpreter's compiler-inserted KASAN checks
 * and the checks inserted into JITed programs must agree.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "../../../include/linux/filter.h"
#include "bpf_misc.h"
#include "bpf_kasan_common.h"

#define DIFF_BAD_OFF	16

struct bpf_kasan_diff_val {
	__u64 head[2];
	__u8 bad[32];	/* poisoned by the test */
	__u64 tail[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpf_kasan_diff_val);
} diff_map SEC(".maps");

/* Address of the map value, for the test to compute offsets. */
__u64 value_addr;

/* The start of bad[], NULL if an access of @size, @align-ed, does not fit. */
static __always_inline __u8 *diff_ptr(__u64 *stack, __u32 size, __u32 align)
{
	struct bpf_kasan_diff_val *v;
	__u32 key = 0;

	v = bpf_map_lookup_elem(&diff_map, &key);
	if (!v)
		return NULL;
	value_addr = (unsigned long)v;
	if (KASAN_STRICT_ALIGN)
		align = size;
	if (size > sizeof(v->bad) || DIFF_BAD_OFF % align)
		return NULL;
	return (__u8 *)v + DIFF_BAD_OFF;
}

/* Programs diff_<name>: the access to bad[] (see diff_ptr). */
#define BPF_KASAN_INSN(...) BPF_KASAN_PROG(diff, __VA_ARGS__)
#include "bpf_kasan_insns.h"
#undef BPF_KASAN_INSN

char _license[] SEC("license") = "GPL";
