#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/kunit.sh [--tree DIR]

Run the series' KUnit suites under UML with tools/testing/kunit/kunit.py,
in the tree that has the series applied (build/verify; applied first if
needed), in one kunit.py run (one UML build) with every .kunitconfig the
series adds (drivers/misc/mentor.kunitconfig, drivers/misc/rulestore/,
kernel/time/tests/), each given as --kunitconfig as a user would, plus
configs/report.config. The results are kunit.py's own parse (--json), one
"ok"/"not ok" line per test case (and per parameter); also checks that
every *_KUNIT_TEST option the series adds is enabled by one of its
.kunitconfig files. kunit.py's output is in build/kunit/kunit/kunit.log, its
JSON in build/kunit/kunit/results.json.

--tree DIR  run in the kernel tree DIR as it is (a worktree with the
            series and uncommitted changes), output in build/kunit/kunit-DIRNAME
USAGE
}

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

tree=
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--tree) tree=$(cd "${2:?--tree needs a directory}" && pwd) ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

if [ -n "$tree" ]; then
	out=$BUILD_DIR/kunit/kunit-$(basename "$tree")
else
	ensure_series_tree
	tree=$SERIES_TREE out=$BUILD_DIR/kunit/kunit
fi
mkdir -p "$out"

# What the series adds (committed, or not yet in a --tree worktree).
added=$( (git -C "$tree" diff --name-only --diff-filter=AM "$BASE_TAG";
	git -C "$tree" ls-files --others --exclude-standard) | sort -u)
mapfile -t kunitconfigs < <(grep -E '(^|/)([^/]*\.kunitconfig|\.kunitconfig)$' <<<"$added" || true)
if [ "${#kunitconfigs[@]}" -eq 0 ]; then
	echo "not ok - the series adds .kunitconfig files for its KUnit suites"
	exit 0
fi

# Every KUnit option the series' Kconfig changes add, in some .kunitconfig.
missing=
for sym in $(git -C "$tree" diff "$BASE_TAG" -- '*Kconfig*' |
	     sed -n 's/^+config \([A-Z0-9_]*_KUNIT_TESTS\{0,1\}\)$/\1/p'); do
	(cd "$tree" && grep -qx "CONFIG_$sym=y" "${kunitconfigs[@]}") || missing="$missing $sym"
done
if [ -z "$missing" ]; then
	echo "ok - every KUnit option the series adds is in one of its .kunitconfig files (${kunitconfigs[*]})"
else
	echo "not ok - every KUnit option the series adds is in one of its .kunitconfig files (missing:$missing)"
fi

args=()
for k in "${kunitconfigs[@]}"; do
	# A directory's .kunitconfig is given as the directory, as upstream does.
	case "$k" in */.kunitconfig) k=${k%/.kunitconfig} ;; esac
	args+=("--kunitconfig=$k")
done

say "kunit.py run (UML) ${args[*]}; output in $out/kunit.log"
rc=0
rm -f "$out/results.json"
# configs/report.config too: the UML kernel must report bugs like every
# other; kunit.py fails when an option of any of them did not survive.
# ccache through PATH, not CC=: the README's own kunit.py command, which
# scripts/check-readme.sh runs in the same tree and build directory, then
# has the same command lines and rebuilds nothing.
(cd "$tree" && PATH=$(ccache_path) ./tools/testing/kunit/kunit.py run "${args[@]}" \
	--kunitconfig="$TOP/configs/report.config" --json="$out/results.json" \
	--build_dir="$out" --jobs="$JOBS") >"$out/kunit.log" 2>&1 || rc=$?

[ -s "$out/results.json" ] && kunit_json_tap "kunit (UML): " <"$out/results.json"
if [ "$rc" -eq 0 ]; then
	echo "ok - kunit.py run (UML) succeeded"
else
	echo "not ok - kunit.py run (UML) succeeded"
	tail -n 20 "$out/kunit.log" | sed 's/^/#   /'
fi
