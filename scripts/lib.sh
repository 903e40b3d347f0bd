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
