#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/verify.sh [--no-build]

Prove that the series is what a maintainer can take, on a fresh copy of
v6.12.107. For each patch in turn: it has a Signed-off-by,
checkpatch.pl --strict reports nothing, it applies with git am, every
file it adds has a maintainer in MAINTAINERS (not just THE REST),
kernel-doc -none -Wall is quiet on the files it touches, and (unless
--no-build) the kernel builds with it (bisectable; incremental builds
with the debug configuration, with W=1; a patch that changes only files
kbuild never reads, in Documentation/, MAINTAINERS or tools/, keeps the
build before it) and the kernel files (.c and .h) it touches have no W=1
and no sparse (C=2) warning.
Then: quilt push -a applies the series with no fuzz and no offset, and
exporting the applied tree gives back exactly patches/, series and the
mirrored files.

The tree is build/per-patch, the objects build/obj/bisect: make check's
other stages use build/verify and build/obj/debug, beside it. make check
runs it with --no-build; its build stage builds the whole series, with
the same W=1 and sparse check on every kernel file the series touches.
The per-patch builds (about 400 s after a cold build of the first patch)
are "make verify" and "make check-full", as the 0-day bot builds each
patch of a series posted to a list.

Prints one "ok - ..." or "not ok - ..." line per check.

A build, and its W=1/sparse warning count, that an earlier run proved on
the same tree (git's tree hash after the patch) with the same configs,
build scripts and compilers is not done again: it is reported as reused,
"ok ... # SKIP reused ...", which counts as skipped, not as passed. The
proofs are kept in build/verify-proved (make clean, or a fresh clone as CI
has, proves everything again).

--no-build  skip the builds and the warning counts
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

# A tree of its own, not the series tree of make check's other stages,
# which run beside it.
VERIFY=$BUILD_DIR/per-patch OBJ=$BUILD_DIR/obj/bisect
QUILT_TREE=$BUILD_DIR/quilt
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

# The kernel's .c and .h files that PATCH touches and that exist in
# $VERIFY (x86_kernel_files: not tools/, nor another architecture's arch/).
patch_kernel_files() {
	sed -n 's|^diff --git a/\([^ ]*\) b/.*|\1|p' "$1" | x86_kernel_files "$VERIFY"
}

# The .c and .h files PATCH touches under another architecture's arch/:
# the matrix's cell for that architecture (make check-full) compiles the
# .c files there with W=1 and sparse.
foreign_arch_files() {
	sed -n 's|^diff --git a/\(arch/[^ ]*\.[ch]\) b/.*|\1|p' "$1" | grep -v '^arch/x86/' || true
}

# The W=1 and sparse warnings of the build just made in $OBJ (see
# build_at_patch and kernel_warnings) in the kernel files PATCH touches.
count_warnings() {
	local files=()
	mapfile -t files < <(patch_kernel_files "$1")
	kernel_warnings "$VERIFY" "$OBJ" "${files[@]}"
}

no_warnings() {
	echo "W=1 and sparse warnings in the kernel files it touches: $1"
	[ "$1" -eq 0 ]
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

# PATCH changes only files that this x86 build never reads (another
# architecture's arch/ directory among them): then the build of the patch
# before it stands for this one too.
outside_kbuild() {
	local f
	while read -r f; do
		case "$f" in
		Documentation/*|MAINTAINERS|tools/testing/selftests/*|tools/rulestore/*|tools/Makefile) ;;
		arch/x86/*) return 1 ;;
		arch/*/*) ;;
		*) return 1 ;;
		esac
	done < <(sed -n 's|^diff --git a/\([^ ]*\) b/.*|\1|p' "$1")
}

# build_at_patch, noting the result in the caller's built_ok.
build_and_note() {
	built_ok=false
	build_at_patch "$1" || return
	built_ok=true
}

# With W=1 (extra compiler warnings, no other effect on the objects), for
# count_warnings; the build stage of make check builds the guest's
# kernel in the same OBJ with it too, so that it stays incremental.
# Configured incrementally (the fragments merged onto the .config of the
# patch before: one kconfig run, not three), but at the last patch, which
# is configured afresh and strictly, as the build stage would.
build_at_patch() {
	local how=(--incremental)
	[ "$1" = last ] && how=(--strict)
	"$TOP/scripts/build-kernel.sh" "${how[@]}" --warnings "$VERIFY" "$OBJ" "${FRAGMENTS[@]}"
}

verify_patches() {
	local n=0 total patch name last built='' built_ok=false key
	local t0 t_build warnings when
	total=$(wc -l <"$TOP/series")
	while read -r name; do
		n=$((n + 1))
		patch=$TOP/patches/$name
		say "patch $n/$total: $name"
		check "patch $n/$total has a Signed-off-by: $name" patch_has_sob "$patch"
		check "patch $n/$total passes checkpatch.pl --strict" run_checkpatch "$patch"
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
			check "patch $n/$total builds: it changes only files this build does not read (Documentation/, MAINTAINERS, tools/, another architecture's arch/), so patch $built's build stands" \
				"$built_ok"
			foreign_arch_files "$patch" | sed "s|^|# patch $n/$total: not built for x86; the matrix's cell for its architecture checks it: |"
			continue
		fi
		built=$n
		t0=$SECONDS
		key=$PROVED/$(proof_key build)
		if [ -f "$key" ]; then
			read -r warnings when <"$key"
			built_ok=true
			echo "ok - patch $n/$total builds (debug config, bzImage and modules) # SKIP reused: built on this tree $when"
			if [ "$warnings" -eq 0 ]; then
				echo "ok - patch $n/$total: no W=1 or sparse warning in the kernel files it touches # SKIP reused: counted when it was built"
			else
				echo "not ok - patch $n/$total: no W=1 or sparse warning in the kernel files it touches ($warnings, counted when it was built)"
			fi
			continue
		fi
		check "patch $n/$total builds (debug config, bzImage and modules)" \
			build_and_note "$last"
		t_build=$((SECONDS - t0))
		[ "$built_ok" = true ] || continue
		t0=$SECONDS
		foreign_arch_files "$patch" | sed "s|^|# patch $n/$total: not built for x86; the matrix's cell for its architecture checks it: |"
		if ! warnings=$(count_warnings "$patch"); then
			echo "not ok - patch $n/$total: no W=1 or sparse warning in the kernel files it touches (they could not be counted; see above)"
			continue
		fi
		echo "# patch $n/$total: build ${t_build} s, W=1 and sparse count $((SECONDS - t0)) s"
		check "patch $n/$total: no W=1 or sparse warning in the kernel files it touches" \
			no_warnings "$warnings"
		mkdir -p "$PROVED"
		echo "$warnings $(date -u '+on %F %T UTC')" >"$key"
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
