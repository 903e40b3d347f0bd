#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/check-docs.sh

Build the HTML documentation of every Documentation/ directory the series
touches (make SPHINXDIRS=... htmldocs) in the tree with the series
applied, and fail on any Sphinx or kernel-doc warning. The output is in
build/obj/docs.
USAGE
}

case "${1:-}" in
-h|--help) usage; exit 0 ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

ensure_series_tree
obj=$BUILD_DIR/obj/docs
mkdir -p "$obj"
mapfile -t dirs < <(git -C "$SERIES_TREE" diff --name-only "$BASE_TAG..HEAD" -- Documentation |
		    awk -F/ 'NF > 2 { print $2 }' | sort -u)
if [ ${#dirs[@]} -eq 0 ]; then
	echo "ok - the series touches no Documentation/ directory # SKIP"
	exit 0
fi

for dir in "${dirs[@]}"; do
	log=$obj/$dir.log
	if make -C "$SERIES_TREE" O="$obj" SPHINXDIRS="$dir" htmldocs >"$log" 2>&1 &&
	   ! grep -E 'WARNING|ERROR|warning:|error:' "$log" >/dev/null; then
		echo "ok - documentation in Documentation/$dir builds without warnings"
	else
		echo "not ok - documentation in Documentation/$dir builds without warnings"
		grep -E 'WARNING|ERROR|warning:|error:' "$log" | head -20 | sed 's/^/#   /'
	fi
done
