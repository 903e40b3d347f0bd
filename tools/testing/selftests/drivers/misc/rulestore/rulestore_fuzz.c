// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded, reproducible ioctl fuzzer for /dev/rulestore.
 *
 * Each call has a random command number (mostly the five real ones, also
 * with other direction and size bits, or anything at all), and a random
 * argument: sizes around every boundary, flags, reserved fields, uids,
 * rule lengths and bytes, and pointers that are NULL, unmapped, read-only,
 * straddling a guard page or in the kernel. Every call must fail with a
 * documented error or succeed; afterwards the store must be consistent
 * (INFO's counts equal what LIST of every uid shows), and the kernel must
 * not have complained (the caller checks the log).
 *
 * Needs root and the rulestore driver. Rules it adds go to uids it
 * remembers and clears at the end.
 *
 * Usage: rulestore_fuzz [-s SEED] [-n CALLS]   (-n 0: until killed)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/rulestore.h>

#include "../../../kselftest.h"

#define FUZZ_UID_BASE	80000
#define FUZZ_NR_UIDS	16
#define MAX_ADDED_UIDS	4096
#define ARG_BYTES	(2 * 65536)

static __u64 rng;
static long page_size;
/*
 * An argument area: ARG_BYTES of read-write memory followed by a page
 * that is not mapped, so that an argument can straddle the end, and a
 * read-only page.
 */
static char *area, *guard, *read_only;
static __u32 added_uids[MAX_ADDED_UIDS];
static unsigned int nr_added_uids;

static __u64 next_random(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static __u32 pick(const __u32 *values, unsigned int n)
{
	return values[next_random() % n];
}

static unsigned long fuzz_cmd(void)
{
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE
	};
	unsigned int nr = next_random() % 8;

	switch (next_random() % 8) {
	case 0:	/* any number at all */
		return (__u32)next_random();
	case 1:	/* ours, with direction and size bits */
		return _IOC(dirs[next_random() % 4], RULESTORE_IOC_MAGIC, nr,
			    next_random() % 64);
	default:
		return _IO(RULESTORE_IOC_MAGIC, nr);
	}
}

static __u32 fuzz_size(void)
{
	const __u32 sizes[] = {
		0, 4, 8, 15, 16, 23, 24, 32, 39, 40, 41, 48, 64,
		page_size - 1, page_size, page_size + 1, 65536, 0xffffffff,
	};

	return next_random() % 4 ? pick(sizes, ARRAY_SIZE(sizes)) :
				   (__u32)next_random();
}

static __u32 fuzz_uid(void)
{
	switch (next_random() % 8) {
	case 0:
		return 0xffffffff;	/* mapped nowhere */
	case 1:
		return (__u32)next_random();
	default:
		return FUZZ_UID_BASE + next_random() % FUZZ_NR_UIDS;
	}
}

static __u32 fuzz_small(void)
{
	const __u32 v[] = { 0, 0, 0, 1, 2, 0x80000000, 0xffffffff };

	return next_random() % 4 ? pick(v, ARRAY_SIZE(v)) :
				   (__u32)next_random();
}

/* A user pointer for a rule or a LIST buffer of @len bytes. */
static __u64 fuzz_pointer(__u32 len)
{
	__u32 room = len < ARG_BYTES ? len : ARG_BYTES;

	switch (next_random() % 10) {
	case 0:
		return 0;
	case 1:
		return (__u64)(uintptr_t)guard;			/* unmapped */
	case 2:
		return (__u64)(uintptr_t)read_only;
	case 3:	/* straddles the guard page */
		return (__u64)(uintptr_t)(guard - room / 2 - 1);
	case 4:
		return 0xffff888000000000ULL;			/* kernel */
	case 5:
		return next_random();
	case 6:	/* misaligned */
		return (__u64)(uintptr_t)(area + 1 + next_random() % 7);
	default:
		return (__u64)(uintptr_t)area;
	}
}

static void fill_rule_bytes(void)
{
	unsigned int i, n = next_random() % 300;
	bool any_byte = next_random() % 4 == 0;

	for (i = 0; i < n; i++) {
		__u64 r = next_random();

		/* mostly a few letters, so that rules repeat; or any byte */
		area[i] = any_byte && r % 8 == 0 ? (char)(r >> 8) :
						  (char)('a' + r % 4);
	}
}

/*
 * The words of an argument that is valid for one of the commands, or
 * nearly: a valid size, zero flags and reserved fields, a uid of ours,
 * a short rule of letters, an aligned LIST buffer. Then a word or two
 * of it changed at random, to reach the checks one at a time.
 */
static void valid_words(__u32 *words)
{
	const __u32 sizes[] = {
		sizeof(struct rulestore_rule_arg),
		sizeof(struct rulestore_clear_arg),
		sizeof(struct rulestore_list_arg),
		sizeof(struct rulestore_info),
	};
	__u64 rule = (__u64)(uintptr_t)area, buf = (__u64)(uintptr_t)area;
	unsigned int i;

	memset(words, 0, 16 * sizeof(*words));
	words[0] = pick(sizes, ARRAY_SIZE(sizes));
	words[2] = FUZZ_UID_BASE + next_random() % FUZZ_NR_UIDS;
	if (words[0] == sizeof(struct rulestore_list_arg)) {
		words[1] = next_random() % 4 ? 0 : RULESTORE_LIST_ALL;
		words[2] = words[1] ? 0 : words[2];
		words[4] = next_random() % 8192;		/* buf_len */
		memcpy(&words[6], &buf, sizeof(buf));
	} else {
		words[3] = 1 + next_random() % 4;		/* len */
		memcpy(&words[4], &rule, sizeof(rule));
	}
	for (i = next_random() % 3; i; i--)
		words[next_random() % 10] = fuzz_small();
}

/*
 * A random argument: NULL, unmapped, in the kernel, straddling the guard
 * page, or in the middle of the area.
 */
static void *fuzz_arg(void)
{
	bool valid = next_random() % 2;
	__u32 words[16], i;
	__u64 rule, buf;
	char *arg;

	/*
	 * The words of every argument structure: size, flags, uid, then
	 * len and rule (ADD, DEL), or count, buf_len, __reserved and buf
	 * (LIST), or __reserved (CLEAR).
	 */
	if (valid) {
		valid_words(words);
		goto place;
	}
	for (i = 0; i < 16; i++)
		words[i] = fuzz_small();
	words[0] = fuzz_size();
	words[2] = fuzz_uid();
	words[3] = next_random() % 3 ? next_random() % 260 : fuzz_small();
	rule = fuzz_pointer(words[3]);
	memcpy(&words[4], &rule, sizeof(rule));
	if (next_random() % 2)
		words[4] = next_random() % 8192;	/* LIST's buf_len */
	buf = fuzz_pointer(words[4]);
	memcpy(&words[6], &buf, sizeof(buf));

place:
	/* A nearly valid argument is mostly where it can be read. */
	switch (valid && next_random() % 4 ? 5 : next_random() % 6) {
	case 0:
		return NULL;
	case 1:
		return guard;
	case 2:
		return (void *)0xffff888000000000ULL;
	case 3:
		arg = guard - sizeof(words) / 2;	/* straddles */
		break;
	default:
		arg = area + ARG_BYTES / 2;
		break;
	}
	memcpy(arg, words, arg + sizeof(words) > guard ?
			   (size_t)(guard - arg) : sizeof(words));
	return arg;
}

static bool documented_error(int err)
{
	switch (err) {
	case ENOTTY: case EFAULT: case EINVAL: case E2BIG: case EPERM:
	case EEXIST: case ENOENT: case ENOSPC: case ERANGE: case ENOMEM:
		return true;
	}
	return false;
}

static void remember_uid(__u32 uid)
{
	unsigned int i;

	for (i = 0; i < nr_added_uids; i++)
		if (added_uids[i] == uid)
			return;
	if (nr_added_uids < MAX_ADDED_UIDS)
		added_uids[nr_added_uids++] = uid;
}

/* INFO's counts equal what LIST of every uid shows. */
static bool store_consistent(int fd)
{
	static __u64 buf[(1 << 22) / 8];
	struct rulestore_list_arg list = {
		.size = sizeof(list),
		.flags = RULESTORE_LIST_ALL,
		.buf_len = sizeof(buf),
		.buf = (__u64)(uintptr_t)buf,
	};
	struct rulestore_info info = { .size = sizeof(info) };
	__u32 off = 0, rules = 0, uids = 0, last_uid = 0;

	if (ioctl(fd, RULESTORE_IOC_LIST, &list) ||
	    ioctl(fd, RULESTORE_IOC_INFO, &info))
		return false;
	while (off < list.buf_len) {
		const struct rulestore_record *rec = (void *)((char *)buf + off);

		if (!rules || rec->uid != last_uid)
			uids++;
		last_uid = rec->uid;
		rules++;
		off += RULESTORE_RECORD_SIZE(rec->len);
	}
	if (info.generation != list.generation)
		return true;	/* changed in between: nothing to compare */
	if (rules != info.nr_rules || uids != info.nr_uids)
		ksft_print_msg("INFO says %u rules of %u uids, LIST shows %u of %u\n",
			       info.nr_rules, info.nr_uids, rules, uids);
	return rules == info.nr_rules && uids == info.nr_uids;
}

static void clear_added(int fd)
{
	struct rulestore_clear_arg arg = { .size = sizeof(arg) };
	unsigned int i;

	for (i = 0; i < nr_added_uids; i++) {
		arg.uid = added_uids[i];
		ioctl(fd, RULESTORE_IOC_CLEAR, &arg);
	}
}

int main(int argc, char **argv)
{
	unsigned long calls = 20000, i, bad = 0, ok = 0;
	unsigned long seed = 1;
	int opt, fd;

	while ((opt = getopt(argc, argv, "s:n:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			calls = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "Usage: %s [-s SEED] [-n CALLS]\n", argv[0]);
			return KSFT_FAIL;
		}
	}
	ksft_print_header();
	if (geteuid())
		ksft_exit_skip("needs root\n");
	fd = open("/dev/rulestore", O_RDWR);
	if (fd < 0)
		ksft_exit_skip("/dev/rulestore: %s\n", strerror(errno));

	ksft_set_plan(2);
	page_size = sysconf(_SC_PAGESIZE);
	area = mmap(NULL, ARG_BYTES + 2 * page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	guard = area + ARG_BYTES;
	read_only = guard + page_size;
	if (munmap(guard, page_size) ||
	    mprotect(read_only, page_size, PROT_READ))
		ksft_exit_fail_msg("guard pages: %s\n", strerror(errno));

	rng = (seed + 1) * 0x9E3779B97F4A7C15ULL;
	ksft_print_msg("seed %lu, %lu calls%s\n", seed, calls,
		       calls ? "" : " (until killed)");
	for (i = 0; !calls || i < calls; i++) {
		unsigned long cmd = fuzz_cmd();
		void *arg;
		int ret;

		fill_rule_bytes();
		arg = fuzz_arg();
		ret = ioctl(fd, cmd, arg);
		if (!ret) {
			ok++;
			if (cmd == RULESTORE_IOC_ADD)
				remember_uid(((struct rulestore_rule_arg *)arg)->uid);
		} else if (!documented_error(errno)) {
			bad++;
			ksft_print_msg("call %lu: ioctl(%#lx): %s, undocumented\n",
				       i, cmd, strerror(errno));
		}
	}
	ksft_print_msg("%lu calls, %lu succeeded\n", i, ok);
	ksft_test_result(!bad, "every call succeeded or failed with a documented error\n");
	ksft_test_result(store_consistent(fd), "INFO's counts match LIST of every uid\n");
	clear_added(fd);
	close(fd);
	ksft_finished();
}
