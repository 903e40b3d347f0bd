/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The main() of the rulestore programs that use kselftest_harness.h:
 * they run only as root and with the device there, or skip as a whole.
 */
#ifndef RULESTORE_HARNESS_H
#define RULESTORE_HARNESS_H

#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "../../../kselftest_harness.h"

#define RS_DEVICE	"/dev/rulestore"

/* "-l" lists the tests and "-h" prints the usage: both need nothing. */
static inline bool rs_harness_lists_only(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/*
 * Without root or the device (or @need, another file the program needs,
 * which @need_what names) every test would skip, and the harness would
 * still exit 0: kselftest's runner would say "ok". Skip the whole program
 * instead (KSFT_SKIP, so that the runner says SKIP).
 */
static inline int rs_harness_main(int argc, char **argv, const char *need,
				  const char *need_what)
{
	const char *missing = NULL;

	if (rs_harness_lists_only(argc, argv))
		return test_harness_run(argc, argv);
	if (geteuid() != 0)
		missing = "root";
	else if (access(RS_DEVICE, F_OK))
		missing = RS_DEVICE " (load the rulestore module)";
	else if (need && access(need, F_OK))
		missing = need_what;
	if (missing) {
		ksft_print_header();
		ksft_exit_skip("needs %s\n", missing);
	}
	return test_harness_run(argc, argv);
}

#endif /* RULESTORE_HARNESS_H */
