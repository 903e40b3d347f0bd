#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/check-docs.sh

Build the HTML documentation of every Documentation/ directory the series
touches (make SPHINXDIRS=... htmldocs) in the tree with the series
applied, and fail on any Sphinx or kernel-doc warning about a file the
series adds or changes. (A directory built on its own has warnings of its
own, about links into the rest of the tree; those are not the series'.)
The output is in build/obj/docs.
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

touched=$(mktemp)
trap 'rm -f "$touched"' EXIT
git -C "$SERIES_TREE" diff --name-only "$BASE_TAG..HEAD" >"$touched"

for dir in "${dirs[@]}"; do
	log=$obj/$dir.log
	ok=1
	make -C "$SERIES_TREE" O="$obj" SPHINXDIRS="$dir" htmldocs >"$log" 2>&1 || ok=0
	ours=$(grep -E 'WARNING|ERROR|warning:|error:' "$log" | grep -F -f "$touched" || true)
	[ -z "$ours" ] || ok=0
	if [ "$ok" -eq 1 ]; then
		echo "ok - documentation in Documentation/$dir builds with no warning about the series' files"
	else
		echo "not ok - documentation in Documentation/$dir builds with no warning about the series' files (log: $log)"
		head -n 20 <<<"${ours:-$(tail -n 20 "$log")}" | sed 's/^/#   /'
	fi
done
