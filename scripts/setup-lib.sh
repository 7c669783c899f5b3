# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers of scripts/setup that have logic of their own, in a file of their
# own so that scripts/tests/setup.bats can test them. Sourced after lib.sh,
# not executed.

# Downloaded .debs. BPF_KASAN_DL lets a run on an empty cache reuse the
# downloads of another (scripts/check-cold-setup).
DL=${BPF_KASAN_DL:-$CACHE/dl}

# deb_path NAME [DEBARCH]: the downloaded .deb of NAME for DEBARCH (default
# amd64; an arch-independent package matches any). Prints nothing, and
# succeeds, when there is none yet: the caller then downloads it.
deb_path() {
	local f

	for f in "$DL/${1}_"*"_${2:-amd64}.deb" "$DL/${1}_"*_all.deb; do
		if [ -f "$f" ]; then
			printf '%s\n' "$f"
			return 0
		fi
	done
}

# spec_deb NAME[:DEBARCH][/SUITE]: deb_path of that package.
spec_deb() {
	local name=${1%%/*} arch=amd64

	case $name in
	*:*) arch=${name#*:}; name=${name%%:*} ;;
	esac
	deb_path "$name" "$arch"
}

# fetch NAME[:DEBARCH]/SUITE...: download the .debs that are not in $DL yet
# with apt-get download through the private configuration $APTOPTS (lists
# in $APTDIR, updated once per set of architectures $DEBARCHES).
fetch() {
	local want=() p tmp

	for p in "$@"; do
		[ -n "$(spec_deb "$p")" ] || want+=("$p")
	done
	[ ${#want[@]} -gt 0 ] || return 0
	if [ ! -f "$APTDIR/lists/.updated-$DEBARCHES" ]; then
		run_logged "apt-get update (private trixie/sid lists)" \
			"$LOGDIR/setup-private-update.log" apt-get "${APTOPTS[@]}" update
		touch "$APTDIR/lists/.updated-$DEBARCHES"
	fi
	mkdir -p "$DL"
	tmp=$(mktemp -d "$DL/.tmp.XXXXXX")
	if ! (cd "$tmp" && apt-get "${APTOPTS[@]}" download "${want[@]}") \
		>"$LOGDIR/setup-download.log" 2>&1; then
		rm -rf "$tmp"
		die "download of ${want[*]} failed" "$LOGDIR/setup-download.log"
	fi
	mv "$tmp"/*.deb "$DL/"
	rm -rf "$tmp"
	for p in "${want[@]}"; do
		[ -n "$(spec_deb "$p")" ] ||
			die "apt-get download did not bring $p" "$LOGDIR/setup-download.log"
	done
}

# ver_ge VERSION MIN: is VERSION at least MIN, in Debian's version order
# (1.30 >= 1.27 > 1.3)? False when either is not a version number.
ver_ge() {
	[[ $1 =~ ^[0-9][0-9.]*$ && $2 =~ ^[0-9][0-9.]*$ ]] &&
		dpkg --compare-versions "$1" ge "$2"
}
