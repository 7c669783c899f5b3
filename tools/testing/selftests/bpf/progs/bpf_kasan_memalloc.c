// SPDX-License-Identifier: GPL-2.0
/*
 * Use-after-free of memory from the BPF memory allocator (bpf_mem_alloc):
 * a bpf_obj_new() object dropped with bpf_obj_drop(), and an element
 * deleted from a hash map without preallocation and from a resizable hash
 * map. bpf_testmod keeps a pointer to it behind the verifier's back; once
 * KASAN considers it freed, a program reads it through bpf_testmod
 * (touch_kept*) or through a kptr field where bpf_testmod planted it
 * (touch_slot: no kfunc call, so the interpreter runs it too).
 *
 * Also legitimate readers, which KASAN must not report: an RCU reader of a
 * dropped object, RCU readers of deleted hash map elements, and a sleepable
 * reader of a deleted element after an RCU grace period.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include "../bpf_experimental.h"
#include "../test_kmods/bpf_testmod_kfunc.h"

/* Offset of the u64 that touch programs read in the freed object. */
#define TOUCH_OFF	8

struct node {
	__u64 data[8];
};

/* checkpatch takes __kptr for a type: "* node" keeps it quiet. */
struct slot {
	struct node __kptr * node;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct slot);
} slot_map SEC(".maps");

/* A hash map without preallocation: its elements come from bpf_mem_alloc. */
struct node_hash {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct node);
};

struct node_hash hash_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RHASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct node);
} rhash_map SEC(".maps");

/* Insert and delete, insert and delete, ...: no element is reused at once. */
struct node_hash churn_map SEC(".maps");

/* Set by the test: the key of the element; the rounds of hash_churn. */
__u32 key;
__u32 churn_rounds;

/* Results. */
__u64 kept_addr;
__u64 sink;
int ret;
int done;
__u32 churn_done;
int churn_err;

/* Keep a new object, then drop it. */
SEC("syscall")
int keep_obj(void *ctx)
{
	struct node *n;

	n = bpf_obj_new(typeof(*n));
	if (!n)
		return 1;
	n->data[1] = 0xb0b;
	kept_addr = (unsigned long)n;
	bpf_kfunc_kasan_keep(n);
	bpf_obj_drop(n);
	return 0;
}

/* Keep the value of an element, which the test deletes afterwards. */
#define KEEP_ELEM(map)							\
SEC("syscall")								\
int keep_elem_##map(void *ctx)						\
{									\
	struct node *v;							\
									\
	v = bpf_map_lookup_elem(&map##_map, &key);			\
	if (!v)								\
		return 1;						\
	kept_addr = (unsigned long)v;					\
	bpf_kfunc_kasan_keep(v);					\
	return 0;							\
}

KEEP_ELEM(hash)
KEEP_ELEM(rhash)

SEC("syscall")
int forget(void *ctx)
{
	bpf_kfunc_kasan_keep(NULL);
	return 0;
}

SEC("syscall")
int kept_poisoned(void *ctx)
{
	ret = bpf_kfunc_kasan_kept_poisoned();
	return 0;
}

SEC("syscall")
int sync_rcu_tasks_trace(void *ctx)
{
	return bpf_kfunc_call_test_call_rcu_tasks_trace(&done);
}

/* Store the kept pointer in slot_map's kptr field, or clear it. */
static int plant(int clear)
{
	struct slot *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&slot_map, &zero);
	if (!s)
		return 1;
	return bpf_kfunc_kasan_plant(&s->node, clear);
}

SEC("syscall")
int plant_kept(void *ctx)
{
	return plant(0);
}

SEC("syscall")
int clear_slot(void *ctx)
{
	return plant(1);
}

/* Touch programs: JITed with the checks of the mode, or interpreted. */

SEC("tc")
int touch_kept(struct __sk_buff *ctx)
{
	__u8 *p = bpf_kfunc_kasan_kept(sizeof(struct node));

	if (!p)
		return 1;
	sink = *(__u64 *)(p + TOUCH_OFF);
	return 0;
}

/* The read in bpf_testmod: KASAN-instrumented kernel C. */
SEC("tc")
int touch_kept_c(struct __sk_buff *ctx)
{
	sink = bpf_kfunc_kasan_kept_read(TOUCH_OFF);
	return 0;
}

SEC("tc")
int touch_slot(struct __sk_buff *ctx)
{
	struct node *n;
	struct slot *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&slot_map, &zero);
	if (!s)
		return 1;
	n = s->node;
	if (!n)
		return 2;
	sink = n->data[TOUCH_OFF / 8];
	return 0;
}

/* Legitimate readers. */

/* A new object in slot_map, for obj_rcu_reader. */
SEC("syscall")
int stash_obj(void *ctx)
{
	struct node *n;
	struct slot *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&slot_map, &zero);
	if (!s)
		return 1;
	n = bpf_obj_new(typeof(*n));
	if (!n)
		return 2;
	n = bpf_kptr_xchg(&s->node, n);
	if (n)
		bpf_obj_drop(n);
	return 0;
}

/*
 * An RCU reader (MEM_RCU pointer from the kptr field) of an object that
 * the program drops: it may read it until the grace period ends.
 */
SEC("tc")
int obj_rcu_reader(struct __sk_buff *ctx)
{
	struct node *rcu, *n;
	struct slot *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&slot_map, &zero);
	if (!s)
		return 1;
	rcu = s->node;
	if (!rcu)
		return 2;
	n = bpf_kptr_xchg(&s->node, NULL);
	if (n)
		bpf_obj_drop(n);
	sink = rcu->data[TOUCH_OFF / 8];
	return 0;
}

/*
 * elem_rcu_reader_<map>: an RCU reader of an element that the program
 * deletes. elem_sleepable_reader_<map>: a sleepable program that deletes an
 * element and reads it after an RCU grace period: an RCU tasks trace
 * reader, which may still read it.
 */
#define ELEM_READERS(map)						\
SEC("tc")								\
int elem_rcu_reader_##map(struct __sk_buff *ctx)			\
{									\
	struct node *v;							\
									\
	v = bpf_map_lookup_elem(&map##_map, &key);			\
	if (!v)								\
		return 1;						\
	ret = bpf_map_delete_elem(&map##_map, &key);			\
	sink = v->data[TOUCH_OFF / 8];					\
	return 0;							\
}									\
									\
SEC("syscall")								\
int elem_sleepable_reader_##map(void *ctx)				\
{									\
	struct node *v;							\
									\
	v = bpf_map_lookup_elem(&map##_map, &key);			\
	if (!v)								\
		return 1;						\
	ret = bpf_map_delete_elem(&map##_map, &key);			\
	bpf_kfunc_kasan_sync_rcu();					\
	sink = v->data[TOUCH_OFF / 8];					\
	return 0;							\
}

ELEM_READERS(hash)
ELEM_READERS(rhash)

char _license[] SEC("license") = "GPL";

static int churn_one(__u32 i, void *ctx)
{
	struct node v = {};
	int err;

	err = bpf_map_update_elem(&churn_map, &i, &v, BPF_NOEXIST);
	if (!err)
		err = bpf_map_delete_elem(&churn_map, &i);
	if (err) {
		churn_err = err;
		return 1;
	}
	churn_done++;
	return 0;
}

/* churn_rounds inserts and deletes in one run, the way a program churns. */
SEC("syscall")
int hash_churn(void *ctx)
{
	churn_done = 0;
	churn_err = 0;
	bpf_loop(churn_rounds, churn_one, NULL, 0);
	return 0;
}
