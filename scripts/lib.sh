# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Common helpers for the bpf-kasan driver scripts. Sourced, not executed.
#
# Every script writes its outputs below $CACHE (default /var/tmp/bpf-kasan),
# never into the checkout, so a fresh clone reuses the previous builds.

# The variables below are used by the scripts that source this file.
# shellcheck disable=SC2034

# -E: the ERR trap below also fires in functions and command substitutions.
set -Eeuo pipefail

# Failures: every script that sources this file ends a failed run with one
# line on stderr,
#
#	FAILED: <script>: <what> (see <log>)
#
# die() prints it; otherwise the EXIT trap does when the script exits
# non-zero: naming the command that failed under set -e and where (the ERR
# trap records them, a failed command substitution included), or just the
# exit status. <log> is the log of the step at hand (run_logged) or the
# script's own command trace, $LOGDIR/trace/<script>-<arch>.log, which
# shows every command up to the failure. The line also goes to the file
# $BPF_KASAN_FAILURES, shared by all scripts of one run, so that a script
# whose child already explained a failure adds no second line.
SCRIPT=${0##*/}
STEP_LOG='' TRACE_LOG=''
_err_cmd='' _err_where='' _failures_at_start=0 _at_exit=()

# fail_line WHAT [LOG]: print the FAILED line.
fail_line() {
	local line="FAILED: $SCRIPT: $1 (see ${2:-${STEP_LOG:-${TRACE_LOG:-the output above}}})"

	echo "$line" >&2
	if [ -n "${BPF_KASAN_FAILURES:-}" ]; then
		echo "$line" >>"$BPF_KASAN_FAILURES"
	fi
}

# die WHAT [LOG]: the FAILED line, then exit 1.
die() {
	fail_line "$@"
	exit 1
}

# exit_quietly STATUS: exit with STATUS and no FAILED line, for a status
# that is a result for the caller to judge (vm-run: the guest command's).
exit_quietly() {
	_quiet_exit=1
	exit "$1"
}

# relay_failures MARK: print to stderr the FAILED lines recorded in this
# run after the first MARK ones (see _failures), for a child whose stderr
# went to a log; false if there are none. They are not recorded again.
relay_failures() {
	local lines

	lines=$(new_failures "$1" | sed 's/; FAILED:/\nFAILED:/g')
	[ -n "$lines" ] || return 1
	printf '%b\n' "$lines" >&2
}

# at_exit CMD: run CMD (a string, evaluated) when the script exits, after
# the FAILED line if any; $EXIT_STATUS is the script's exit status.
at_exit() {
	_at_exit+=("$1")
}

# The number of FAILED lines printed so far in this run.
_failures() {
	if [ -f "${BPF_KASAN_FAILURES:-}" ]; then
		wc -l <"$BPF_KASAN_FAILURES"
	else
		echo 0
	fi
}

# new_failures MARK: the FAILED lines printed in this run after the first
# MARK ones (see _failures), joined by "; ".
new_failures() {
	if [ -f "${BPF_KASAN_FAILURES:-}" ]; then
		tail -n +"$(($1 + 1))" "$BPF_KASAN_FAILURES" | paste -sd';' | sed 's/;/; /g'
	fi
}

_on_err() {
	_err_where=$1 _err_cmd=$2
}

_on_exit() {
	local rc=$? c

	set +e
	if [ "$rc" -ne 0 ] && [ -z "${_quiet_exit:-}" ] &&
	   [ "$(_failures)" -eq "$_failures_at_start" ]; then
		if [ -n "$_err_cmd" ]; then
			fail_line "${_err_where/#"$SCRIPT:"/line }: $_err_cmd (exit $rc)"
		else
			fail_line "exit $rc"
		fi
	fi
	EXIT_STATUS=$rc
	for c in "${_at_exit[@]}"; do
		eval "$c"
	done
	if [ -n "${_own_failures:-}" ]; then
		rm -f "$BPF_KASAN_FAILURES"
	fi
	exit "$rc"
}
trap '_on_err "${BASH_SOURCE[0]##*/}:$LINENO" "$BASH_COMMAND"' ERR
trap _on_exit EXIT

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${BPF_KASAN_CACHE:-/var/tmp/bpf-kasan}
KVER=7.2
ARCH=${ARCH:-x86_64}
case "$ARCH" in
x86|x86_64|amd64) ARCH=x86_64; KARCH=x86; CROSS= ;;
arm64|aarch64) ARCH=arm64; KARCH=arm64; CROSS=aarch64-linux-gnu- ;;
riscv|riscv64) ARCH=riscv64; KARCH=riscv; CROSS=riscv64-linux-gnu- ;;
s390|s390x) ARCH=s390x; KARCH=s390; CROSS=s390x-linux-gnu- ;;
*) die "unsupported ARCH=$ARCH (x86_64, arm64, riscv64, s390x)" ;;
esac
export ARCH

TREE=$CACHE/tree/linux-$KVER		# assembled tree (pristine + overlay + patches)
PRISTINE=$CACHE/pristine/linux-$KVER	# untouched 7.2, reference for assembly
KBUILD=$CACHE/build/$ARCH		# kernel O= directory
# scripts/bugzoo builds and boots a second kernel, from a second tree.
if [ -n "${BPF_KASAN_TREE:-}" ]; then
	TREE=$BPF_KASAN_TREE KBUILD=$BPF_KASAN_KBUILD
fi
STOUT=$CACHE/selftests/$ARCH		# selftests OUTPUT directory
LOGDIR=$CACHE/logs
TOOLS=$CACHE/tools
PAHOLE_WRAPPER=$TOOLS/bin/pahole
CLANG=clang-19
LLVM_SUFFIX=-19

mkdir -p "$CACHE" "$LOGDIR/trace"
if [ -z "${BPF_KASAN_FAILURES:-}" ]; then
	BPF_KASAN_FAILURES=$(mktemp "$LOGDIR/.failures.XXXXXX")
	_own_failures=1
fi
export BPF_KASAN_FAILURES
_failures_at_start=$(_failures)
# The command trace: a script that runs itself per arch names its own.
TRACE_LOG=$LOGDIR/trace/${BPF_KASAN_TRACE_NAME:-$SCRIPT-$ARCH}.log
unset BPF_KASAN_TRACE_NAME
exec {BASH_XTRACEFD}>"$TRACE_LOG"
PS4='+ ${BASH_SOURCE[0]##*/}:${LINENO}: '
set -x

log() {
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

# run_logged STEP LOGFILE CMD...: run CMD with output to LOGFILE, printing a
# heartbeat with the last log line every 30 s so long phases are not silent.
run_logged() {
	local step=$1 logf=$2 start pid rc last
	shift 2
	start=$(date +%s)
	log "$step (log: $logf)"
	STEP_LOG=$logf
	"$@" >"$logf" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		for _ in $(seq 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 1
		done
		if kill -0 "$pid" 2>/dev/null; then
			last=$(tail -n 1 "$logf" 2>/dev/null | cut -c1-100)
			log "  $step: $(( $(date +%s) - start ))s ... $last"
		fi
	done
	rc=0
	wait "$pid" || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 30 "$logf" >&2 || true
		die "$step (exit $rc)" "$logf"
	fi
	STEP_LOG=
	log "$step done in $(( $(date +%s) - start ))s"
}

# Serialize all users of one cache: builds and VM runs must not interleave.
# The lock is recursive through BPF_KASAN_LOCKED so scripts can call scripts.
# Runs on other caches of this machine wait too (BPF_KASAN_MACHINE_LOCK):
# two kernel builds or TCG guests on two cores only slow each other down.
lock_cache() {
	if [ -z "${BPF_KASAN_MACHINE_LOCKED:-}" ]; then
		exec 7>"${BPF_KASAN_MACHINE_LOCK:-/var/tmp/bpf-kasan-machine.lock}"
		if ! flock -n 7; then
			log "another bpf-kasan run is using this machine, waiting"
			flock 7
		fi
		export BPF_KASAN_MACHINE_LOCKED=1
	fi
	if [ -z "${BPF_KASAN_LOCKED:-}" ]; then
		exec 9>"$CACHE/.lock"
		if ! flock -n 9; then
			log "cache $CACHE is in use by another run, waiting"
			flock 9
		fi
		export BPF_KASAN_LOCKED=1
	fi
}

# Phase timings, collected across scripts in one file per top-level run.
phase_begin() {
	PHASE_NAME=$1
	PHASE_START=$(date +%s)
}

phase_end() {
	local t=$(( $(date +%s) - PHASE_START ))
	if [ -n "${BPF_KASAN_TIMINGS:-}" ]; then
		printf '%-28s %5ss\n' "$PHASE_NAME" "$t" >>"$BPF_KASAN_TIMINGS"
	fi
}

# The build, in order: per step, the make target that ends with it, its
# phase (the name in the timings and in make check's summary) and its
# script. `make setup|tree|kernel|selftests` (scripts/build) and the
# commands that boot the result (check, demo, regress, bench, fuzz,
# bugzoo) all run it through pipeline().
PIPELINE=(
	"setup setup setup"
	"tree assemble assemble"
	"kernel kernel build-kernel"
	"selftests selftests build-selftests"
)

# pipeline [--arch-neutral] [TARGET]: run the steps of PIPELINE up to the
# one of TARGET (setup, tree, kernel or selftests, the default), each a
# phase timed into $BPF_KASAN_TIMINGS; each step skips what did not
# change. --arch-neutral adds scripts/check-arch-neutral after the tree is
# assembled (make check). A failing step ends the script, PHASE_NAME
# naming it.
pipeline() {
	local neutral='' last=selftests step target phase script known=''

	if [ "${1:-}" = --arch-neutral ]; then
		neutral=1
		shift
	fi
	[ $# -le 1 ] || die "usage: pipeline [--arch-neutral] [TARGET]"
	last=${1:-$last}
	for step in "${PIPELINE[@]}"; do
		read -r target _ _ <<<"$step"
		[ "$target" != "$last" ] || known=1
	done
	[ -n "$known" ] || die "unknown build target '$last' (setup, tree, kernel, selftests)"
	for step in "${PIPELINE[@]}"; do
		read -r target phase script <<<"$step"
		phase_begin "$phase"
		"$REPO/scripts/$script"
		phase_end
		if [ "$target" = tree ] && [ -n "$neutral" ]; then
			phase_begin arch-neutral
			"$REPO/scripts/check-arch-neutral"
			phase_end
		fi
		[ "$target" != "$last" ] || break
	done
}

kmake() {
	make -C "$TREE" O="$KBUILD" ARCH="$KARCH" ${CROSS:+CROSS_COMPILE=$CROSS} \
		PAHOLE="$PAHOLE_WRAPPER" "$@"
}

# kasan_test_progs_skips SRC OUTPUT: the make options, one per line, that
# leave out of a build of test_progs (selftests SRC, OUTPUT) every test
# but the KASAN ones (prog_tests/bpf_kasan*.c, verifier_kasan.c), the kfunc
# zero extension test (kfunc_call_zext.c) and the verifier_* tests
# (verifier.c, for verifier_subreg), which test the verifier fixes at the
# head of the series, and every BPF object and skeleton but theirs
# (progs/bpf_kasan*.c, the programs of the skeletons they include; the
# 121 verifier_* programs add about 10 s to a cold build on x86_64):
# -o FILE, make's "do not remake FILE" (scripts/build-selftests).
kasan_test_progs_skips() {
	local src=$1 out=$2 f n tests
	local -A keep

	tests=("$src"/prog_tests/bpf_kasan*.c "$src/prog_tests/verifier_kasan.c"
		"$src/prog_tests/kfunc_call_zext.c" "$src/prog_tests/verifier.c")
	for f in "${tests[@]}" "$src"/progs/bpf_kasan*.c; do
		keep[${f##*/}]=1
	done
	# What the kept tests include: their skeletons' programs.
	while read -r n; do
		keep[$n.c]=1
	done < <(sed -n 's/^#include "\([a-z0-9_]*\)\.skel\.h"$/\1/p' "${tests[@]}")
	for f in "$src"/prog_tests/*.c; do
		n=${f##*/} n=${n%.c}
		[ -n "${keep[$n.c]:-}" ] || printf -- '-o\n%s\n' "$out/$n.test.o" "$out/$n.test.d"
	done
	for f in "$src"/progs/*.c; do
		n=${f##*/} n=${n%.c}
		[ -n "${keep[$n.c]:-}" ] ||
			printf -- '-o\n%s\n' "$out/$n.bpf.o" "$out/$n.skel.h" "$out/$n.lskel.h" \
				"$out/$n.subskel.h"
	done
	# Skeletons linked from several objects (LINKED_SKELS), none ours.
	sed -n '/^LINKED_SKELS :=/,/[^\\]$/p' "$src/Makefile" | grep -o '[a-z0-9_]*\.skel\.h' |
		while read -r n; do
			printf -- '-o\n%s\n' "$out/$n"
		done
}
