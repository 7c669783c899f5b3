# SPDX-License-Identifier: GPL-2.0
# Common helpers for the bpf-kasan driver scripts. Sourced, not executed.
#
# Every script writes its outputs below $CACHE (default /var/tmp/bpf-kasan),
# never into the checkout, so a fresh clone reuses the previous builds.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${BPF_KASAN_CACHE:-/var/tmp/bpf-kasan}
KVER=7.2
ARCH=${ARCH:-x86_64}
case "$ARCH" in
x86|x86_64|amd64) ARCH=x86_64; KARCH=x86; CROSS= ;;
arm64|aarch64) ARCH=arm64; KARCH=arm64; CROSS=aarch64-linux-gnu- ;;
riscv|riscv64) ARCH=riscv64; KARCH=riscv; CROSS=riscv64-linux-gnu- ;;
*) echo "error: unsupported ARCH=$ARCH (x86_64, arm64, riscv64)" >&2; exit 2 ;;
esac
export ARCH

TREE=$CACHE/tree/linux-$KVER		# assembled tree (pristine + overlay + patches)
PRISTINE=$CACHE/pristine/linux-$KVER	# untouched 7.2, reference for assembly
KBUILD=$CACHE/build/$ARCH		# kernel O= directory
STOUT=$CACHE/selftests/$ARCH		# selftests OUTPUT directory
LOGDIR=$CACHE/logs
TOOLS=$CACHE/tools
PAHOLE_WRAPPER=$TOOLS/bin/pahole
CLANG=clang-19
LLVM_SUFFIX=-19

mkdir -p "$CACHE" "$LOGDIR"

# One line naming the step and its log, then a non-zero exit.
die() {
	echo "FAILED: $*" >&2
	exit 1
}

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
		die "$step (exit $rc), see $logf"
	fi
	log "$step done in $(( $(date +%s) - start ))s"
}

# Serialize all users of one cache: builds and VM runs must not interleave.
# The lock is recursive through BPF_KASAN_LOCKED so scripts can call scripts.
lock_cache() {
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

kmake() {
	make -C "$TREE" O="$KBUILD" ARCH="$KARCH" ${CROSS:+CROSS_COMPILE=$CROSS} \
		PAHOLE="$PAHOLE_WRAPPER" "$@"
}
