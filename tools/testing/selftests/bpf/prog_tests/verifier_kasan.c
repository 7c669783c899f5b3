// SPDX-License-Identifier: GPL-2.0
/*
 * The KASAN checks the verifier inserts (kernel.bpf_kasan): their shapes
 * (progs/verifier_kasan.c), and the fallback from inline to outline to no
 * checks when the checks would put a 16-bit jump out of range.
 */
#include <test_progs.h>
#include "verifier_kasan.skel.h"

#define BPF_KASAN_SYSCTL "/proc/sys/kernel/bpf_kasan"

/*
 * if (skb->len == 12345) skip n loads from a map value: the jump spans the
 * loads, so it overflows once their checks are inserted. Each load goes
 * through a copy of the map value pointer made just before it, so that
 * none is elided as checked already.
 */
static int load_jump_over_loads(int map_fd, int n, char *log, size_t log_sz)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = log, .log_size = log_sz,
		    .log_level = 4);
	struct bpf_insn ld_map[] = { BPF_LD_MAP_VALUE(BPF_REG_6, map_fd, 0) };
	int i = 0, fd, cnt = 2 * n + 6;
	struct bpf_insn *insns;

	insns = calloc(cnt, sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	insns[i++] = ld_map[0];
	insns[i++] = ld_map[1];
	insns[i++] = BPF_LDX_MEM(BPF_W, BPF_REG_7, BPF_REG_1, offsetof(struct __sk_buff, len));
	insns[i++] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_7, 12345, 2 * n);
	while (i < 2 * n + 4) {
		insns[i++] = BPF_MOV64_REG(BPF_REG_1, BPF_REG_6);
		insns[i++] = BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0);
	}
	insns[i++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	insns[i++] = BPF_EXIT_INSN();
	fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "kasan_range", "GPL", insns, cnt, &opts);
	free(insns);
	return fd;
}

static char pkt[64];

static void test_jump_range(void)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt, .data_size_in = sizeof(pkt));
	static char log[1 << 16];
	struct {
		int mode, n;
		const char *msg;
	} cases[] = {
		/* 21 insns per copy, load and inline check, 16 with an outline check */
		{ 0, 2100, NULL },
		/* the loads and the skb->len ctx load */
		{ 1, 1500, "bpf_kasan: inline, 1501 accesses instrumented" },
		{ 1, 1800, "bpf_kasan: inline checks would overflow a jump, using outline checks" },
		{ 1, 2100, "bpf_kasan: checks would overflow a jump, program not instrumented" },
		{ 2, 2100, "bpf_kasan: checks would overflow a jump, program not instrumented" },
	};
	int map_fd, fd, i;

	map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "kasan_range", 4, 8, 1, NULL);
	if (!ASSERT_OK_FD(map_fd, "map"))
		return;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (!ASSERT_OK(sysctl_write_int(BPF_KASAN_SYSCTL, cases[i].mode), "bpf_kasan"))
			break;
		log[0] = 0;
		fd = load_jump_over_loads(map_fd, cases[i].n, log, sizeof(log));
		if (!ASSERT_OK_FD(fd, "load")) {
			printf("mode %d n %d log:\n%s\n", cases[i].mode, cases[i].n, log);
			continue;
		}
		if (cases[i].msg)
			ASSERT_HAS_SUBSTR(log, cases[i].msg, "verifier log");
		else
			ASSERT_FALSE(strstr(log, "bpf_kasan:"), "no bpf_kasan line when off");
		ASSERT_OK(bpf_prog_test_run_opts(fd, &topts), "run");
		ASSERT_EQ(topts.retval, 0, "retval");
		close(fd);
	}
	close(map_fd);
}

void test_verifier_kasan(void)
{
	int old;

	if (!ASSERT_OK(sysctl_read_int(BPF_KASAN_SYSCTL, &old), "read " BPF_KASAN_SYSCTL))
		return;
	/* Checks are only inserted into programs that will be JITed. */
	if (!env.jit_enabled) {
		printf("%s:SKIP: JIT disabled, the verifier inserts no checks\n", __func__);
		test__skip();
		return;
	}
	if (!ASSERT_OK(sysctl_write_int(BPF_KASAN_SYSCTL, 1), "bpf_kasan=1"))
		return;
	RUN_TESTS(verifier_kasan);
	if (test__start_subtest("jump_range"))
		test_jump_range();
	sysctl_write_int(BPF_KASAN_SYSCTL, old);
}
