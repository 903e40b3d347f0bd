# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034  # the variables are for the scripts that source this
# Shared settings and helpers for the project's scripts; sourced, never run.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE_TAG=v6.12.107
BASE_VERSION=6.12.107
# Where the downloaded kernel and its pristine git repository live: outside git.
CACHE_DIR=${KSERIES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kseries}
BUILD_DIR=${BUILD_DIR:-$TOP/build}
# The kernel git repository the series is applied to (the user's own with KERNEL_SRC).
KERNEL_REPO=${KERNEL_SRC:-$CACHE_DIR/linux}
WORKTREE=$BUILD_DIR/linux
JOBS=${JOBS:-$(nproc)}

export CCACHE_DIR=${CCACHE_DIR:-$CACHE_DIR/ccache}

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The compiler, through ccache when it is installed.
kcc() {
	if command -v ccache >/dev/null; then echo "ccache gcc"; else echo gcc; fi
}

# Print seconds since the epoch; used for stage timings.
now() { date +%s; }

# Debian's python3 first: it has the modules the kernel's tools import
# (ply for checkpatch's spdxcheck, sphinx for the documentation).
export PATH=/usr/bin:$PATH

# check DESCRIPTION COMMAND...: run COMMAND, print "ok - DESCRIPTION" or
# "not ok - DESCRIPTION" followed by the end of its output as "# " lines.
# The test runner counts these lines.
check() {
	local desc=$1 log
	shift
	log=$(mktemp)
	if "$@" >"$log" 2>&1; then
		echo "ok - $desc"
	else
		echo "not ok - $desc"
		tail -n 25 "$log" | sed 's/^/#   /'
	fi
	rm -f "$log"
}

# The kernel objects a patch touches: its .c files (headers are checked
# through the .c files that include them).
patch_c_files() {
	sed -n 's|^diff --git a/\(.*\.c\) b/.*|\1|p' "$1"
}

# A clone of the kernel repository at the tag, reused between runs so that
# builds stay incremental; remade when KERNEL_SRC points elsewhere.
fresh_tree() {
	local tree=$1
	if [ -d "$tree/.git" ] &&
	   [ "$(git -C "$tree" config remote.origin.url)" != "$KERNEL_REPO" ]; then
		rm -rf "$tree"
	fi
	if [ ! -d "$tree/.git" ]; then
		say "cloning $KERNEL_REPO into $tree"
		git clone -q --shared --no-checkout "$KERNEL_REPO" "$tree"
	fi
	rm -f "$(stamp_file "$tree")"
	git -C "$tree" am --abort >/dev/null 2>&1 || true
	git -C "$tree" checkout -q -f --detach "$BASE_TAG"
	git -C "$tree" clean -fdqx
}


# git_am TREE PATCH: apply one patch; the commit keeps the patch's author.
# The committer is set here so that git am works without a git identity.
git_am() {
	git -C "$1" -c user.name="${GIT_COMMITTER_NAME:-kseries}" \
		-c user.email="${GIT_COMMITTER_EMAIL:-kseries@localhost}" am -q "$2"
}

# The tree the series is applied to for checks, "make run" and "make check".
SERIES_TREE=$BUILD_DIR/verify

# A fingerprint of the series, kept in a tree the series was applied to.
series_stamp() {
	cat "$TOP/series" "$TOP"/patches/*.patch | sha256sum | cut -d' ' -f1
}
stamp_file() { echo "$1/.git/kseries-series"; }

# Apply the series to $SERIES_TREE unless it already holds this very series.
ensure_series_tree() {
	local stamp
	stamp=$(cat "$(stamp_file "$SERIES_TREE")" 2>/dev/null || true)
	if [ "$stamp" != "$(series_stamp)" ] ||
	   [ -n "$(git -C "$SERIES_TREE" status --porcelain 2>/dev/null)" ]; then
		"$TOP/scripts/apply.sh" --force --tree "$SERIES_TREE"
	fi
}

# kunit_json_tap PREFIX <JSON: the output of "kunit.py run/parse --json"
# (tools/testing/kunit/kunit_json.py) as one TAP line per test case,
# "ok - PREFIX suite: case" ("suite: case: parameter" for each parameter
# of a parameterised case); SKIP stays a skip, FAIL and ERROR (a crash)
# are "not ok". Prints nothing for a run with no results.
kunit_json_tap() {
	python3 -c '
import json, sys
def walk(group, path):
    for case in group.get("test_cases", []):
        name = ": ".join(path + [case["name"]]).replace("#", "\\#")
        status = case["status"]
        if status == "PASS":
            print("ok - %s%s" % (sys.argv[1], name))
        elif status == "SKIP":
            print("ok - %s%s # SKIP" % (sys.argv[1], name))
        else:
            print("not ok - %s%s (%s)" % (sys.argv[1], name, status))
    for sub in group.get("sub_groups", []):
        walk(sub, path + [sub["name"]])
walk(json.load(sys.stdin), [])
' "$1"
}
