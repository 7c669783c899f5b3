# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers shared by scripts/mkpatches and scripts/check-series: the git
# repository of pristine 7.2 in which the series is committed, and the
# validation of patches/overlay.map. Sourced after lib.sh, not executed.

# SERIES_OUT is used by the scripts that source this file.
# shellcheck disable=SC2034
SERIES_GIT=$CACHE/series-git		# pristine 7.2 repo + worktree, cached
SERIES_BASE=v$KVER-base			# tag of the pristine commit
SERIES_OUT=$CACHE/out/patches		# default output of scripts/mkpatches
OVERLAY_MAP=$REPO/patches/overlay.map

# Fixed committer identity and date: reruns give byte-identical patches.
SERIES_NAME=bpf-kasan
SERIES_EMAIL=bpf-kasan@localhost
SERIES_DATE="1767225600 +0000"		# 2026-01-01 00:00:00 UTC
export GIT_COMMITTER_NAME=$SERIES_NAME GIT_COMMITTER_EMAIL=$SERIES_EMAIL
export GIT_COMMITTER_DATE=$SERIES_DATE
# Ignore the user's global/system git config (format.*, am.*, hooks...).
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

sgit() {
	git -C "$SERIES_GIT" "$@"
}

# The series repo is used by one script at a time. This lock is separate
# from lock_cache: creating patches never touches $TREE or a build dir, so
# it need not wait for a kernel build; callers that build take both locks,
# lock_cache first.
series_lock() {
	exec 8>"$CACHE/series-git.lock"
	if ! flock -n 8; then
		log "series repo $SERIES_GIT is in use by another run, waiting"
		flock 8
	fi
}

_series_import() {
	local tmp=$1
	git init -q "$tmp"
	git -C "$tmp" config gc.auto 0
	git -C "$tmp" config core.autocrlf false
	git -C "$tmp" config core.looseCompression 1
	git -C "$tmp" config advice.detachedHead false
	git -C "$tmp" config am.threeWay false
	# -f: upstream tracks a few files its own .gitignore patterns match.
	(cd "$PRISTINE" && git --git-dir="$tmp/.git" --work-tree=. \
		add -A -f -- . ':(exclude).complete')
	GIT_AUTHOR_NAME=$SERIES_NAME GIT_AUTHOR_EMAIL=$SERIES_EMAIL \
	GIT_AUTHOR_DATE=$SERIES_DATE \
		git -C "$tmp" commit -q --no-verify -m "Linux $KVER (pristine)"
	git -C "$tmp" tag "$SERIES_BASE"
	# The index holds the stat data of $PRISTINE: drop it and check out.
	rm -f "$tmp/.git/index"
	git -C "$tmp" reset -q --hard "$SERIES_BASE"
}

# Create $SERIES_GIT once (git add + commit of ~95k files: minutes).
series_init() {
	[ -f "$PRISTINE/.complete" ] || die "no pristine tree at $PRISTINE (run scripts/setup)"
	if git -C "$SERIES_GIT" rev-parse -q --verify "refs/tags/$SERIES_BASE" >/dev/null 2>&1; then
		return
	fi
	rm -rf "$SERIES_GIT" "$SERIES_GIT.tmp"
	run_logged "series repo: import pristine $KVER" "$LOGDIR/series-git-init.log" \
		_series_import "$SERIES_GIT.tmp"
	[ -z "$(git -C "$SERIES_GIT.tmp" status --porcelain)" ] ||
		die "series repo: $SERIES_GIT.tmp differs from $SERIES_BASE after import"
	mv "$SERIES_GIT.tmp" "$SERIES_GIT"
}

# series_checkout BRANCH: BRANCH := the base commit, worktree clean.
series_checkout() {
	sgit checkout -q -f -B "$1" "$SERIES_BASE"
	sgit clean -q -fdx
}

# Overlay files and series order, from scripts/assemble itself so that the
# series ships exactly what the assembled tree contains.
_assemble_list() {
	python3 - "$REPO/scripts/assemble" "$1" <<-'EOF'
	import importlib.machinery, importlib.util, sys
	loader = importlib.machinery.SourceFileLoader("assemble", sys.argv[1])
	spec = importlib.util.spec_from_loader("assemble", loader)
	mod = importlib.util.module_from_spec(spec)
	loader.exec_module(mod)
	for x in getattr(mod, sys.argv[2])():
	    print(x)
	EOF
}

# Check patches/series and patches/overlay.map; fill SERIES (patch names in
# order) and MAPPED[patch] (newline-separated overlay paths).
declare -a SERIES
declare -A MAPPED
overlay_map_check() {
	local -a overlay
	local -A is_overlay in_series seen
	local f name path extra n=0 bad=0 first=
	mapfile -t SERIES < <(_assemble_list series)
	mapfile -t overlay < <(_assemble_list overlay_files)
	[ ${#SERIES[@]} -gt 0 ] || die "patches/series lists no patch"
	for f in "${overlay[@]}"; do is_overlay[$f]=1; done
	for name in "${SERIES[@]}"; do
		[ -f "$REPO/patches/$name" ] || die "patches/series names $name, which does not exist"
		in_series[$name]=1
		MAPPED[$name]=
	done
	[ -f "$OVERLAY_MAP" ] || die "no $OVERLAY_MAP"
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		line=${line%%#*}
		read -r name path extra <<<"$line" || true
		[ -n "$name" ] || continue
		{ [ -n "$path" ] && [ -z "$extra" ]; } ||
			die "patches/overlay.map:$n: expected '<patch> <path>', got '$line'"
		[ -n "${in_series[$name]:-}" ] ||
			die "patches/overlay.map:$n: $name is not in patches/series"
		[ -n "${is_overlay[$path]:-}" ] ||
			die "patches/overlay.map:$n: unknown overlay file $path (missing, or not below one of the overlay dirs of scripts/assemble)"
		[ -z "${seen[$path]:-}" ] ||
			die "patches/overlay.map:$n: $path is already mapped at line ${seen[$path]}"
		seen[$path]=$n
		MAPPED[$name]+="$path"$'\n'
	done <"$OVERLAY_MAP"
	for f in "${overlay[@]}"; do
		if [ -z "${seen[$f]:-}" ]; then
			echo "unmapped overlay file: $f" >&2
			bad=$((bad + 1))
			first=${first:-$f}
		fi
	done
	[ "$bad" -eq 0 ] ||
		die "overlay file $first is not in patches/overlay.map ($bad unmapped file(s), listed above)"
	for name in "${SERIES[@]}"; do
		[ -n "${MAPPED[$name]}" ] || grep -q '^diff --git ' "$REPO/patches/$name" ||
			die "patches/$name has no diff and no file in patches/overlay.map"
	done
}
