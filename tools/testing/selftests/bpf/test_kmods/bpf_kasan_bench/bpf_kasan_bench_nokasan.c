// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf_kasan_bench algorithms compiled without KASAN instrumentation
 * (KASAN_SANITIZE_bpf_kasan_bench_nokasan.o := n in the Makefile).
 */
#define BENCH_OPS bench_ops_nokasan
#include "bpf_kasan_bench_algos.h"
