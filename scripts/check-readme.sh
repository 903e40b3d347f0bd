#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/check-readme.sh [--readme FILE] [--parts LIST]

Run the commands of README.md's section "Using the series in your own
kernel tree" as they are written there: each fenced sh block of the
section, with /path/to/kseries replaced by this project, from the parent
of a fresh clone of v6.12.107 named linux (build/readme/*/linux):

  the block with "git am"      every patch of series is a commit on the tag
  the block with "quilt push"  every patch of series is applied (.pc)
  the block with merge_config  (in the git am clone) every option of
                               configs/series.config has its value in
                               .config, and every CONFIG_ option of the
                               section's table is set
  the block with the selftests (in the git am clone) it exits 0 and the
                               rulestore kselftests are built, 64 and 32-bit
  the block with kunit.py      (in the series tree, build/verify: a fresh
                               clone with the series applied by git am;
                               its .kunit is the kunit stage's UML build,
                               so the build is incremental) it exits 0:
                               every suite ran and passed

Prints one "ok - ..." or "not ok - ..." line for each (run by
scripts/check.sh). A block that is missing, or there twice, is "not ok".

--readme FILE  read FILE instead of README.md (to try a change of it)
--parts LIST   only these checks, comma-separated: am, quilt, kconfig,
               kselftest, kunit (default all). make check runs kunit
               after its kunit stage, the others beside its build.
USAGE
}

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

readme=$TOP/README.md part='' parts=am,quilt,kconfig,kselftest,kunit
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--readme) readme=$(realpath "${2:?--readme needs a file}"); shift 2 ;;
	--parts) parts=${2:?--parts needs a list}; shift 2 ;;
	--part) part=${2:?}; shift 2 ;;	# one check, run by this script itself
	*) usage >&2; exit 2 ;;
	esac
done
[ -f "$readme" ] || die "no $readme"

SECTION="## Using the series in your own kernel tree"
DIR=$BUILD_DIR/readme
# git am and quilt need no identity of the user's for this.
export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-kseries}
export GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-kseries@localhost}

section() {
	awk -v title="$SECTION" '$0 == title { on = 1; next } on && /^## / { exit } on' "$readme"
}

# block PATTERN: the one fenced block of the section that contains PATTERN.
block() {
	local n
	section | awk -v dir="$work" '
		/^```/ { if (in_block) { in_block = 0 } else { in_block = 1; n++; printf "" > (dir "/block." n) } next }
		in_block { print > (dir "/block." n) }'
	n=$(grep -lF -- "$1" "$work"/block.* 2>/dev/null | wc -l)
	[ "$n" -eq 1 ] || { echo "README.md: $n fenced blocks of \"$SECTION\" contain \"$1\", not 1" >&2; return 1; }
	sed "s|/path/to/kseries|$TOP|g" "$(grep -lF -- "$1" "$work"/block.*)"
}

# run_block PATTERN DIR: run that block from DIR, the parent of linux/.
run_block() {
	local cmds
	cmds=$(block "$1")
	echo "in $2:"
	printf '  $ %s\n' "${cmds//$'\n'/$'\n'  \$ }"
	(cd "$2" && bash -euo pipefail -c "$cmds")
}

npatches=$(grep -c . "$TOP/series")

part_am() {
	fresh_tree "$DIR/am/linux"
	run_block "git am" "$DIR/am"
	got=$(git -C "$DIR/am/linux" rev-list --count "$BASE_TAG..HEAD")
	echo "$got commits on $BASE_TAG; series has $npatches patches"
	[ "$got" -eq "$npatches" ]
}

part_quilt() {
	fresh_tree "$DIR/quilt/linux"
	run_block "quilt push" "$DIR/quilt"
	got=$(grep -c . "$DIR/quilt/linux/.pc/applied-patches")
	echo "$got patches applied by quilt; series has $npatches"
	[ "$got" -eq "$npatches" ]
	diff "$TOP/series" "$DIR/quilt/linux/.pc/applied-patches"
}

part_kconfig() {
	local line sym got bad=0
	run_block "merge_config.sh" "$DIR/am"
	while read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		sym=${line%%=*}
		got=$(grep -E "^(# )?${sym}[= ]" "$DIR/am/linux/.config" || true)
		[ "$got" = "$line" ] && continue
		echo "configs/series.config wants $line, .config has ${got:-nothing}"
		bad=1
	done <"$TOP/configs/series.config"
	# The table's first column: | `CONFIG_X` | ...
	# shellcheck disable=SC2016  # the backquotes are markdown
	for sym in $(section | sed -n 's/^| `\(CONFIG_[A-Z0-9_]*\)` |.*/\1/p'); do
		grep -qE "^$sym=[ym]$" "$DIR/am/linux/.config" && continue
		echo "the README's table names $sym, which .config does not set"
		bad=1
	done
	[ "$bad" -eq 0 ]
}

part_kselftest() {
	local t=tools/testing/selftests/drivers/misc/rulestore prog
	run_block "tools/testing/selftests" "$DIR/am" >"$work/log" 2>&1 || {
		tail -n 40 "$work/log"
		return 1
	}
	grep -E '^(not )?ok [0-9]+ selftests:' "$work/log" || true
	for prog in rulestore_test rulestore_test_32; do
		[ -x "$DIR/am/linux/$t/$prog" ] || { echo "$t/$prog was not built"; return 1; }
	done
}

# In the series tree (build/verify: a fresh clone of the tag with every
# patch applied by git am, the commits the git am block gives), seen as
# linux/ from DIR/kunit, with kunit.py's default build directory, linux/.kunit,
# the UML build of the kunit stage (scripts/kunit.sh). That stage builds
# the same .config with the same command lines there, so this run is
# incremental instead of a second cold UML build of minutes.
part_kunit() {
	local uml=$BUILD_DIR/kunit/kunit
	ensure_series_tree >&2
	[ -L "$DIR/kunit/linux" ] || rm -rf "$DIR/kunit/linux" "$DIR/kunit/uml"
	ln -sfn "$SERIES_TREE" "$DIR/kunit/linux"
	mkdir -p "$uml"
	ln -sfn "$uml" "$SERIES_TREE/.kunit"
	PATH=$(ccache_path) run_block "kunit.py run" "$DIR/kunit" >"$work/log" 2>&1 || {
		rm -f "$SERIES_TREE/.kunit"
		tail -n 40 "$work/log"
		return 1
	}
	rm -f "$SERIES_TREE/.kunit"
	grep -E 'Testing complete|\[(PASSED|FAILED|SKIPPED)\] [a-z_]+$' "$work/log" || true
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "$part" ]; then
	"part_$part"
	exit
fi

for p in ${parts//,/ }; do
	case "$p" in am|quilt|kconfig|kselftest|kunit) ;; *) die "no part $p (see --help)" ;; esac
done
# wanted PART: PART is in --parts.
wanted() { [[ ,$parts, == *,$1,* ]]; }

mkdir -p "$DIR/am" "$DIR/quilt" "$DIR/kunit"
"$TOP/scripts/fetch-kernel.sh" >/dev/null
# Each in a process of its own, so that set -e stops it at the first failure.
if wanted am; then
	check "README: its git am command applies all $npatches patches of series" "$0" --readme "$readme" --part am
fi
if wanted quilt; then
	check "README: its quilt command applies all $npatches patches of series" "$0" --readme "$readme" --part quilt
fi
# kconfig and kselftest run in the git am part's tree.
if wanted kconfig; then
	wanted am || die "the kconfig part needs the am part, in whose tree it runs"
	check "README: configs/series.config merged onto defconfig keeps every option it and the README's table ask for" \
		"$0" --readme "$readme" --part kconfig
fi
if wanted kselftest; then
	wanted am || die "the kselftest part needs the am part, in whose tree it runs"
	check "README: its kselftest commands build the rulestore selftests on a fresh tree" \
		"$0" --readme "$readme" --part kselftest
fi
if wanted kunit; then
	check "README: its kunit.py command runs the KUnit suites with the series' .kunitconfig files" \
		"$0" --readme "$readme" --part kunit
fi
