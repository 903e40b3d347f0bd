# SPDX-License-Identifier: GPL-2.0
# The front door. Each target is one script in scripts/; every script has --help.

.PHONY: help run shell check check-full check-quick check-guest race bench apply import export verify kunit docs deps fetch mail lint clean

help:
	@echo "make run          build and boot the patched kernel, and tour every feature"
	@echo "make check        all tests: verify the series, docs, KUnit (UML), guest tests and provoked reports on a debug kernel"
	@echo "                  STAGE=guest,kunit runs only those stages (scripts/check.sh --help lists them)"
	@echo "make check-full   by hand, not in CI: make check, then make verify (a build at every patch), the build and boot matrix (scripts/matrix.sh:"
	@echo "                  every Kconfig value, allnoconfig, allmodconfig, clang, i386, arm64, s390x), slab load cycles"
	@echo "                  on the non-debug kernel (scripts/slab-cycles.sh), then make race"
	@echo "make shell        boot the patched kernel to a shell"
	@echo "make check-quick  checkpatch, git am, quilt, export round trip, docs: no kernel build"
	@echo "make race         a KCSAN kernel (no KASAN) runs the rulestore selftests and stress on 4 vCPUs; any report fails (not in check)"
	@echo "make bench        benchmark /dev/rulestore on a non-debug kernel (ratios to the ENOTTY floor, targets"
	@echo "                  PASS/MISS, build/bench/*.tsv, rulestore-bench.svg); not in check"
	@echo "make check-guest  only the guest and provoke boots, on the debug kernel make check built last"
	@echo "make apply        apply the series as commits in build/linux (development worktree)"
	@echo "make import       fold edits of the mirrored files into the commits of build/linux"
	@echo "make export       write build/linux's commits to patches/, series and the mirrored files"
	@echo "make verify       scripts/verify.sh: per-patch checks and a build at every patch (bisectable; in check-full, not in check)"
	@echo "make kunit        the KUnit suites under UML"
	@echo "make docs         build the documentation the series touches, failing on its warnings"
	@echo "make deps         install the Debian packages the scripts need (apt-get install -y)"
	@echo "make fetch        download and unpack the pinned kernel v6.12.107 into ~/.cache/kseries"
	@echo "make mail         the series as mails in build/mail with get_maintainer's To/Cc, dry-run by git send-email;"
	@echo "                  RESIGN=1 signs it as you (git config user.name/user.email) so that it can be sent"
	@echo "make lint         shellcheck the project's scripts"
	@echo "make clean        remove build/ (the downloaded kernel in ~/.cache/kseries stays)"

run:
	scripts/run.sh

shell:
	scripts/run.sh --shell

check:
	scripts/check.sh $(if $(STAGE),--stage $(STAGE))

# make check, the per-patch builds, the matrix, the slab load cycles on
# the non-debug kernel and make race all run; it fails if any failed.
check-full:
	scripts/install-deps.sh --full
	@rc=0; \
	$(MAKE) check || rc=1; \
	scripts/verify.sh || rc=1; \
	scripts/matrix.sh || rc=1; \
	scripts/slab-cycles.sh || rc=1; \
	$(MAKE) race || rc=1; \
	exit $$rc

check-quick:
	scripts/check.sh --quick

race:
	scripts/race.sh

bench:
	scripts/bench.sh

check-guest:
	scripts/check.sh --guest-only build/verify build/obj/debug

apply:
	scripts/apply.sh

import:
	scripts/import.sh

export:
	scripts/export.sh

verify:
	scripts/verify.sh

kunit:
	scripts/kunit.sh

docs:
	scripts/check-docs.sh

deps:
	scripts/install-deps.sh

fetch:
	scripts/fetch-kernel.sh

mail:
	scripts/mail.sh $(if $(filter 1 yes,$(RESIGN)),--resign)

lint:
	shellcheck -x scripts/*.sh .ci/run
	shellcheck -x -s sh guest/init guest/*.sh guest/tests/*.sh guest/provoke/*.sh

clean:
	rm -rf build
