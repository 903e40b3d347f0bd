#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/kunit.sh [KUNITCONFIG]

Run the series' KUnit suites under UML with tools/testing/kunit/kunit.py,
in the tree that has the series applied (build/verify; applied first if
needed). KUNITCONFIG defaults to configs/kunit.kunitconfig; the
must-have options of configs/report.config are added to it. Prints one
"ok"/"not ok" line per test case; kunit.py's full output is in
build/kunit/kunit.log.
USAGE
}

case "${1:-}" in
-h|--help) usage; exit 0 ;;
esac

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

kunitconfig=$(realpath "${1:-$TOP/configs/kunit.kunitconfig}")
name=$(basename "$kunitconfig" .kunitconfig)
out=$BUILD_DIR/kunit/$name
mkdir -p "$out"
ensure_series_tree

say "kunit.py run (UML) with $kunitconfig; output in $out/kunit.log"
rc=0
# configs/report.config too: the UML kernel must report bugs like every
# other; kunit.py fails when an option of either did not survive.
(cd "$SERIES_TREE" && ./tools/testing/kunit/kunit.py run --kunitconfig="$kunitconfig" \
	--kunitconfig="$TOP/configs/report.config" \
	--build_dir="$out" --jobs="$JOBS" --make_options "CC=$(kcc)") >"$out/kunit.log" 2>&1 || rc=$?

# "[PASSED] name" for each case; parameters are indented under their case.
sed -n 's/^\[[0-9:]*\] \[PASSED\] \(.*\)$/ok - kunit (UML, '"$name"'): \1/p;
	s/^\[[0-9:]*\] \[FAILED\] \(.*\)$/not ok - kunit (UML, '"$name"'): \1/p;
	s/^\[[0-9:]*\] \[SKIPPED\] \(.*\)$/ok - kunit (UML, '"$name"'): \1 # SKIP/p' "$out/kunit.log"
if [ "$rc" -eq 0 ]; then
	echo "ok - kunit.py run (UML, $name) succeeded"
else
	echo "not ok - kunit.py run (UML, $name) succeeded"
	tail -n 20 "$out/kunit.log" | sed 's/^/#   /'
fi
