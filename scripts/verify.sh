#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/verify.sh [--no-build]

Prove that the series is what a maintainer can take, on a fresh copy of
v6.12.107 in build/verify. For each patch in turn: it has a
Signed-off-by, checkpatch.pl --strict reports nothing, it applies with
git am, every file it adds has a maintainer in MAINTAINERS (not just THE REST),
the kernel builds with it (bisectable; incremental builds with the debug
configuration; a patch that changes only files kbuild never reads, in
Documentation/, MAINTAINERS or tools/, keeps the build before it), the
.c files it touches have no more W=1 and sparse (C=2) warnings than before
it, and kernel-doc -none -Wall is quiet on the files it touches.
Then: quilt push -a applies the series with no fuzz and no offset, and
exporting the applied tree gives back exactly patches/, series and the
mirrored files.

Prints one "ok - ..." or "not ok - ..." line per check.

A build, and a W=1/sparse warning count, that an earlier run proved on
the same tree (git's tree hash after the patch) with the same configs,
build scripts and compilers is not done again: it is reported as reused,
"ok ... # SKIP reused ...", which counts as skipped, not as passed. The
proofs are kept in build/verify-proved (make clean, or a fresh clone as CI
has, proves everything again).

--no-build  skip the builds and the warning counts (quick)
USAGE
}

build=1
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--no-build) build=0 ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

VERIFY=$SERIES_TREE
QUILT_TREE=$BUILD_DIR/quilt
OBJ=$BUILD_DIR/obj/debug
# W=1 and sparse compile the touched objects here, with OBJ's .config, so
# that the boot kernel's objects keep their flags and are not compiled
# again by the next build.
WARNINGS_OBJ=$BUILD_DIR/obj/warnings
FRAGMENTS=("$TOP/configs/base.config" "$TOP/configs/series.config"
	   "$TOP/configs/debug.config")

PROVED=$BUILD_DIR/verify-proved

# What a build's result depends on besides the tree: the config fragments,
# the scripts that configure and build, and the compilers.
inputs_key() {
	{
		cat "${FRAGMENTS[@]}" "$TOP/configs/report.config" \
			"$TOP/scripts/build-kernel.sh" "$TOP/scripts/kconfig.sh"
		gcc --version
		sparse --version 2>&1
	} | sha1sum | cut -c1-16
}

# The key of a proof about $VERIFY as it is now: tree, inputs, and WHAT.
proof_key() {
	echo "$1-$(git -C "$VERIFY" rev-parse 'HEAD^{tree}')-$INPUTS"
}

# Warnings that W=1 and sparse give on the .c files PATCH touches, in
# $VERIFY as it is: "COUNT" when counted now, "COUNT reused" when an
# earlier run counted them on the same tree.
count_warnings_proved() {
	local files key n
	files=$(patch_c_files "$1" | sha1sum | cut -c1-16)
	key=$PROVED/warnings-$(proof_key "$files")
	if [ -f "$key" ]; then
		echo "$(cat "$key") reused"
		return
	fi
	n=$(count_warnings "$1")
	mkdir -p "$PROVED"
	echo "$n" >"$key"
	echo "$n"
}

# Warnings that W=1 and sparse give, in $VERIFY as it is, on the .c files
# that PATCH touches and that exist.
count_warnings() {
	local f n=0 objs=() files
	mapfile -t files < <(patch_c_files "$1")
	for f in "${files[@]}"; do
		[ -f "$VERIFY/$f" ] && objs+=("${f%.c}.o")
	done
	[ ${#objs[@]} -gt 0 ] || { echo 0; return; }
	mkdir -p "$WARNINGS_OBJ"
	if ! cmp -s "$OBJ/.config" "$WARNINGS_OBJ/.config"; then
		# Prepared apart, so that its own warnings are not counted.
		cp "$OBJ/.config" "$WARNINGS_OBJ/.config"
		make -C "$VERIFY" O="$WARNINGS_OBJ" -j"$JOBS" CC="$(kcc)" \
			LOCALVERSION= W=1 C=2 prepare >/dev/null 2>&1 || true
	fi
	n=$(make -C "$VERIFY" O="$WARNINGS_OBJ" -j"$JOBS" CC="$(kcc)" \
		LOCALVERSION= W=1 C=2 "${objs[@]}" 2>&1 |
		grep -c 'warning:' || true)
	echo "$n"
}

no_new_warnings() {
	local before=$1 after=$2
	echo "W=1 and sparse warnings in the touched files: $before before, $after after"
	[ "$after" -le "$before" ]
}

patch_has_sob() {
	grep -q '^Signed-off-by: .* <.*@.*>$' "$1"
}

# checkpatch asks "does MAINTAINERS need updating?" (FILE_PATH_CHANGES) of
# every patch that adds a file without touching MAINTAINERS, even when an
# F: directory of the series already covers the file. For such a patch that
# question is answered instead by added_files_maintained, which checks it.
run_checkpatch() {
	local ignore=()
	grep -q '^diff --git a/MAINTAINERS ' "$1" || ignore=(--ignore FILE_PATH_CHANGES)
	(cd "$VERIFY" && ./scripts/checkpatch.pl --strict --quiet "${ignore[@]}" "$1")
}

# Every file PATCH adds has a maintainer by an entry of its own, not only by
# THE REST (get_maintainer.pl, on $VERIFY with the patch applied).
added_files_maintained() {
	local f files rc=0
	mapfile -t files < <(awk '/^diff --git a\// { f = substr($3, 3) }
				  /^new file mode/ { print f }' "$1")
	for f in "${files[@]}"; do
		if ! (cd "$VERIFY" && ./scripts/get_maintainer.pl --no-git \
			--no-git-fallback --rolestats -f "$f") |
			grep -v '(maintainer:THE REST)' | grep -qE '\((maintainer|supporter):'; then
			echo "$f: no MAINTAINERS entry but THE REST covers it"
			rc=1
		fi
	done
	return "$rc"
}

run_kernel_doc() {
	local files=() f out touched
	mapfile -t touched < <(sed -n 's|^diff --git a/\(.*\.[ch]\) b/.*|\1|p' "$1")
	for f in "${touched[@]}"; do
		[ -f "$VERIFY/$f" ] && files+=("$f")
	done
	[ ${#files[@]} -gt 0 ] || return 0
	out=$(cd "$VERIFY" && ./scripts/kernel-doc -none -Wall "${files[@]}" 2>&1)
	[ -z "$out" ] || { echo "$out"; return 1; }
}

# PATCH changes only files that the kernel build never reads: then the
# build of the patch before it stands for this one too.
outside_kbuild() {
	! sed -n 's|^diff --git a/\([^ ]*\) b/.*|\1|p' "$1" |
		grep -qvE '^(Documentation/|MAINTAINERS$|tools/testing/selftests/|tools/rulestore/|tools/Makefile$)'
}

# build_at_patch, noting the result in the caller's built_ok.
build_and_note() {
	built_ok=false
	build_at_patch "$1" || return
	built_ok=true
}

build_at_patch() {
	local strict=()
	[ "$1" = last ] && strict=(--strict)
	"$TOP/scripts/build-kernel.sh" "${strict[@]}" "$VERIFY" "$OBJ" "${FRAGMENTS[@]}"
}

verify_patches() {
	local n=0 total patch name before after last built='' built_ok=false key
	local t0 t_count t_build
	total=$(wc -l <"$TOP/series")
	while read -r name; do
		n=$((n + 1))
		patch=$TOP/patches/$name
		say "patch $n/$total: $name"
		check "patch $n/$total has a Signed-off-by: $name" patch_has_sob "$patch"
		check "patch $n/$total passes checkpatch.pl --strict" run_checkpatch "$patch"
		t0=$SECONDS
		[ "$build" -eq 1 ] && before=$(count_warnings_proved "$patch")
		t_count=$((SECONDS - t0))
		if ! git_am "$VERIFY" "$patch" >/dev/null 2>&1; then
			echo "not ok - patch $n/$total applies with git am onto $BASE_TAG"
			git -C "$VERIFY" am --abort >/dev/null 2>&1 || true
			return
		fi
		echo "ok - patch $n/$total applies with git am onto $BASE_TAG"
		check "patch $n/$total: kernel-doc -none -Wall is quiet" run_kernel_doc "$patch"
		check "patch $n/$total: every file it adds has a MAINTAINERS entry" \
			added_files_maintained "$patch"
		[ "$build" -eq 1 ] || continue
		last=no
		[ "$n" -eq "$total" ] && last=last
		if [ "$last" = no ] && [ -n "$built" ] && outside_kbuild "$patch"; then
			check "patch $n/$total builds: it changes only files kbuild does not read (Documentation/, MAINTAINERS, tools/), so patch $built's build stands" \
				"$built_ok"
			continue
		fi
		built=$n
		t0=$SECONDS
		key=$PROVED/$(proof_key build)
		if [ -f "$key" ]; then
			echo "ok - patch $n/$total builds (debug config, bzImage and modules) # SKIP reused: built on this tree $(cat "$key")"
			built_ok=true
		else
			check "patch $n/$total builds (debug config, bzImage and modules)" \
				build_and_note "$last"
			if [ "$built_ok" = true ]; then
				mkdir -p "$PROVED"
				date -u '+on %F %T UTC' >"$key"
			fi
		fi
		t_build=$((SECONDS - t0))
		t0=$SECONDS
		after=$(count_warnings_proved "$patch")
		t_count=$((t_count + SECONDS - t0))
		echo "# patch $n/$total: build ${t_build} s, W=1 and sparse counts ${t_count} s"
		case "$before $after" in
		*reused*reused*)
			echo "ok - patch $n/$total adds no W=1 or sparse warning # SKIP reused: ${before% *} before, ${after% *} after, counted on these trees before"
			[ "${after% *}" -le "${before% *}" ] ||
				echo "not ok - patch $n/$total adds no W=1 or sparse warning (${before% *} before, ${after% *} after)"
			;;
		*)
			check "patch $n/$total adds no W=1 or sparse warning" \
				no_new_warnings "${before% *}" "${after% *}"
			;;
		esac
	done <"$TOP/series"
	if [ "$n" -eq "$total" ]; then series_stamp >"$(stamp_file "$VERIFY")"; fi
}

quilt_push() {
	local out
	fresh_tree "$QUILT_TREE"
	out=$(cd "$QUILT_TREE" && QUILT_PATCHES=$TOP/patches QUILT_SERIES=$TOP/series \
		QUILTRC=/dev/null quilt push -a --fuzz=0 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	# patch's own words for a hunk that did not apply exactly ("with fuzz
	# 1", "(offset 3 lines)"), not a file name that has "fuzz" in it
	! grep -qE 'with fuzz [0-9]|\(offset -?[0-9]+ lines?\)' <<<"$out"
}

# The applied tree, exported again, must give back what the project holds.
export_round_trip() {
	local out root rc=0
	out=$(mktemp -d)
	"$TOP/scripts/export.sh" --from "$VERIFY" --to "$out" 2>/dev/null
	# base-commit names the tag's commit in whichever repository holds it
	# (KERNEL_SRC may be a tree other than the pinned download).
	diff -ru -I '^base-commit: ' "$TOP/patches" "$out/patches" || rc=1
	diff -u "$TOP/series" "$out/series" || rc=1
	for root in Documentation drivers include kernel lib samples tools; do
		[ -e "$TOP/$root" ] || [ -e "$out/$root" ] || continue
		diff -ru "$TOP/$root" "$out/$root" || rc=1
	done
	rm -rf "$out"
	return "$rc"
}

main() {
	command -v quilt >/dev/null || die "quilt is missing: run scripts/install-deps.sh"
	INPUTS=$(inputs_key)
	fresh_tree "$VERIFY"
	verify_patches
	check "quilt push -a applies the series with no fuzz and no offset" quilt_push
	check "patches/, series and the mirrored files equal the export of the applied series" \
		export_round_trip
}

main
