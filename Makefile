# SPDX-License-Identifier: GPL-2.0
# bpf-kasan driver. Everything is built in $(BPF_KASAN_CACHE) (default
# /var/tmp/bpf-kasan), outside the checkout; see README.md.
#
#   make setup|tree|kernel|selftests   the build up to that step
#   make demo      boot, load a buggy BPF program, show the KASAN report
#                  and the instrumented (xlated) program
#   make check     build what changed, run the test suite in QEMU, for
#                  x86_64, arm64 and riscv64 (or only ARCH=...)
#   make patches   write the series (git format-patch) to $(CACHE)/out/patches
#   make series-check   prove every step of the series applies and builds
#   make regress   upstream selftests with kernel.bpf_kasan off/inline/outline
#   make bench     count the instructions (QEMU -icount) and time
#                  memory-bound BPF programs with kernel.bpf_kasan
#                  off/inline/outline and interpreted, beside the same C
#                  built with and without KASAN; print costs, ratios, code
#                  per access and load times
#   make fuzz      differential fuzzing: N random programs (default 1000)
#                  from SEED (default 1) with the checks off and on, any
#                  difference fails (N=..., SEED=..., FUZZ_ARGS=...)
#   make bugzoo    historical verifier bugs re-introduced in a second kernel
#                  (bugzoo/): each PoC rejected with the fixes, silent with
#                  the checks off, reported at its instruction with them on

SHELL := /bin/bash
# x86_64 (default), arm64 or riscv64; `make check` without ARCH runs all three.
ARCH ?=
export ARCH

.PHONY: all setup tree kernel selftests check demo patches series-check regress bench fuzz bugzoo vm

all: selftests

# The build: setup -> tree (assemble) -> kernel -> selftests. Each target
# runs the steps before it, as check, demo, regress, bench, fuzz and bugzoo
# do before booting (scripts/build, pipeline() in scripts/lib.sh); each
# step is skipped when its inputs did not change.
setup tree kernel selftests:
	@scripts/build $@

check:
	@scripts/check

demo:
	@scripts/demo

patches:
	@scripts/mkpatches

series-check:
	@scripts/check-series

regress:
	@scripts/regress

bench:
	@scripts/bench

fuzz:
	@FUZZ_N='$(N)' FUZZ_SEED='$(SEED)' scripts/fuzz

bugzoo:
	@scripts/bugzoo

# Interactive use: make vm CMD='./test_progs -t verifier_and'
vm:
	@scripts/vm-run -- $(CMD)
