// SPDX-License-Identifier: GPL-2.0
/* The bpf_kasan_bench algorithms compiled with KASAN instrumentation. */
#define BENCH_OPS bench_ops_kasan
#include "bpf_kasan_bench_algos.h"
