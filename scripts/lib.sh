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

# ccache only when asked for (KSERIES_CCACHE=1). Measured here (kernel/ and
# mm/ of the debug configuration, 2 cores, with another build running
# niced): 178 s with gcc, 269 s through an empty ccache, which runs the
# preprocessor once more for every miss.
# A cold run ("make check" on a fresh clone, as CI runs it) only misses,
# and a warm one rebuilds incrementally in build/ without it.
use_ccache() {
	[ "${KSERIES_CCACHE:-0}" = 1 ] && command -v ccache >/dev/null
}
# With it, paths under the project are hashed relative to the build
# directory, so that another clone at another path hits the same objects.
if use_ccache; then export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}; fi

# The compiler: gcc, or $CROSS_COMPILE's gcc when that is set, or clang
# with LLVM=1; through ccache with KSERIES_CCACHE=1.
kcc() {
	local cc=${CROSS_COMPILE:-}gcc
	case "${LLVM:-}" in 1) cc=clang ;; esac
	if use_ccache; then echo "ccache $cc"; else echo "$cc"; fi
}

# $PATH, with ccache's masquerade directory first (Debian's /usr/lib/ccache,
# where "gcc" is ccache) under KSERIES_CCACHE=1. The compiler keeps its
# plain name in kbuild's command lines, so that a build through this and
# the same command typed as a user would (kunit.py with no make options)
# have equal command lines, and the second builds incrementally.
ccache_path() {
	if use_ccache && [ -x /usr/lib/ccache/gcc ]; then echo "/usr/lib/ccache:$PATH"; else echo "$PATH"; fi
}

# The kernel image that $ARCH (default x86) builds, relative to the
# build directory; its name is also its make target.
kernel_image() {
	case "${ARCH:-x86}" in
	arm64) echo arch/arm64/boot/Image ;;
	s390) echo arch/s390/boot/bzImage ;;
	x86|x86_64|i386) echo arch/x86/boot/bzImage ;;
	*) die "no kernel image known for ARCH=$ARCH" ;;
	esac
}

# Print seconds since the epoch; used for stage timings.
now() { date +%s; }

# Debian's python3 first: it has the modules the kernel's tools import
# (ply for checkpatch's spdxcheck, sphinx for the documentation).
export PATH=/usr/bin:$PATH

# check DESCRIPTION COMMAND...: run COMMAND, print "ok - DESCRIPTION" or
# "not ok - DESCRIPTION" followed by the end of its output as "# " lines.
# The test runner counts these lines. COMMAND's progress lines ("==> ...",
# a long build's) reach stderr as they come. COMMAND runs in this shell,
# so that it can set this shell's variables; the process substitution
# that keeps its output is waited for before the output is read. The
# braces make this shell, not the child of an external COMMAND, start
# that substitution, so that $! is its and this shell can wait for it.
check() {
	local desc=$1 log rc=0
	shift
	log=$(mktemp)
	{ "$@"; } > >(tee "$log" | grep --line-buffered '^==> ' >&2) 2>&1 || rc=$?
	wait "$!" 2>/dev/null || true
	if [ "$rc" -eq 0 ]; then
		echo "ok - $desc"
	else
		echo "not ok - $desc"
		tail -n 25 "$log" | sed 's/^/#   /'
	fi
	rm -f "$log"
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

# private_apt DIR TYPE [ARCH]: an apt configuration of the project's own in
# DIR (Debian 12's archive, with its security, updates and backports
# suites; TYPE is "deb-src" or "deb"; ARCH, for "deb", a Debian
# architecture such as arm64). Sets APT_OPTS to the apt-get options that
# use it instead of the system's configuration, which stays as it is; with
# ARCH, apt sees that architecture only, and an empty package status, so
# that "apt-get download" fetches its packages without dpkg ever knowing
# the architecture.
private_apt() {
	local dir=$1 type=$2 arch=${3:-} archs=
	mkdir -p "$dir/lists/partial" "$dir/sources.list.d" "$dir/cache/archives/partial"
	[ -z "$arch" ] || archs="Architectures: $arch
"
	cat >"$dir/sources.list.d/kseries.sources" <<SOURCES
Types: $type
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
${archs}Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: $type
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates bookworm-backports
Components: main
${archs}Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
	APT_OPTS=(-o "Dir::Etc::SourceList=/dev/null"
		  -o "Dir::Etc::SourceParts=$dir/sources.list.d"
		  -o "Dir::State::Lists=$dir/lists"
		  -o "Dir::Cache=$dir/cache"
		  -o "APT::Sandbox::User=root")
	if [ -n "$arch" ]; then
		: >"$dir/status"
		APT_OPTS+=(-o "APT::Architecture=$arch" -o "APT::Architectures::=$arch"
			   -o "Dir::State::status=$dir/status")
	fi
}

# The lock that every kernel build, boot and KUnit run on this machine
# takes, so that two never compete for its cores.
KSERIES_LOCK=${KSERIES_LOCK:-/tmp/kseries-build.lock}

# locked COMMAND...: run COMMAND (a program or a shell function) holding
# the build lock, the one "flock $KSERIES_LOCK ..." takes; says so when it
# has to wait for another build or boot first. It does not nice COMMAND:
# the caller runs niced.
locked() {
	(
		exec 9>>"$KSERIES_LOCK"
		if ! flock -n 9; then
			say "  waiting for $KSERIES_LOCK (another build or boot holds it)"
			flock 9
		fi
		"$@"
	)
}

# every_30s PID COMMAND...: while PID runs, say every 30 s what COMMAND
# prints (a line of progress).
every_30s() {
	local pid=$1
	shift
	while kill -0 "$pid" 2>/dev/null; do
		for _ in $(seq 30); do
			sleep 1
			kill -0 "$pid" 2>/dev/null || break
		done
		! kill -0 "$pid" 2>/dev/null || say "  $("$@")"
	done
}

# make_progress LOG DESCRIPTION MAKE-ARGUMENT...: make in the background
# into LOG, a line of progress every 30 s (the files compiled so far), the
# errors and a message naming LOG when it fails.
make_progress() {
	local log=$1 what=$2 pid start
	shift 2
	start=$(now)
	make "$@" >"$log" 2>&1 &
	pid=$!
	every_30s "$pid" files_so_far "$log" "$what" "$start"
	if ! wait "$pid"; then
		grep -E 'error|Error' "$log" | head -20 >&2 || true
		die "$what failed; the whole output is in $log"
	fi
}

# files_so_far LOG DESCRIPTION START: make_progress's line of progress.
files_so_far() {
	echo "$2: $(grep -c '^  \(CC\|HOSTCC\|CHECK\)' "$1" || true) files, $(($(now) - $3)) s"
}

# x86_kernel_files SRC <NAMES: the names (relative to SRC, one per line)
# that are kernel .c and .h files present in SRC, leaving out tools/ (user
# space) and another architecture's arch/ files, which an x86 build does
# not compile.
x86_kernel_files() {
	local f
	while read -r f; do
		case "$f" in *.c|*.h) ;; *) continue ;; esac
		case "$f" in tools/*|arch/*) [[ $f == arch/x86/* ]] || continue ;; esac
		[ -f "$1/$f" ] && echo "$f"
	done
	return 0
}

# kernel_warnings SRC OBJ FILE...: print the number of W=1 and sparse
# warnings in FILEs (x86_kernel_files of SRC) after a build with W=1
# (scripts/build-kernel.sh --warnings) just made in OBJ. That build must
# have compiled every .c file among them (changed since, or its object
# removed), so that its log, OBJ/build.log, has their W=1 warnings and
# those of the headers among them; sparse (C=2) then checks the .c files'
# objects, up to date, without compiling them. A .c file the configuration
# does not build is compiled by that make and gives its W=1 warnings there.
# The warnings themselves go to stderr. Fails, printing no number, when
# OBJ has no build log or sparse's make fails (a count of 0 from a make
# that never ran would pass anything).
kernel_warnings() {
	local src=$1 obj=$2 objs=() f re out log
	shift 2
	[ $# -gt 0 ] || { echo 0; return; }
	[ -f "$obj/build.log" ] || { echo "no build log $obj/build.log" >&2; return 1; }
	re=$(printf '%s\n' "$@" | sed 's/[.]/[.]/g' | paste -sd'|')
	out=$(grep -E "(^|/)($re):[0-9]+(:[0-9]+)?: warning:" "$obj/build.log" || true)
	for f; do
		case "$f" in *.c) objs+=("${f%.c}.o") ;; esac
	done
	if [ ${#objs[@]} -gt 0 ]; then
		log=$(mktemp)
		if ! make -C "$src" O="$obj" -j"$JOBS" CC="$(kcc)" LOCALVERSION= \
			W=1 C=2 "${objs[@]}" >"$log" 2>&1; then
			tail -n 20 "$log" >&2
			echo "sparse's make of ${objs[*]} in $obj failed" >&2
			rm -f "$log"
			return 1
		fi
		out+=$'\n'$(grep 'warning:' "$log" || true)
		rm -f "$log"
	fi
	grep . <<<"$out" >&2 || true
	grep -c . <<<"$out" || true
}
