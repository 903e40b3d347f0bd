// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection into every ioctl of /dev/rulestore and into open(2)
 * and read(2) of it, after tools/testing/selftests/iommu/iommufd_fail_nth.c:
 * each operation runs again and again with /proc/self/task/<tid>/fail-nth
 * set to 1, 2, 3, ..., so that its first, second, third, ... allocation
 * or user copy fails (FAILSLAB, FAIL_PAGE_ALLOC, FAULT_INJECTION_USERCOPY),
 * until a run no longer reaches the injection. Each run must give either
 * the full, correct result (the result of a run without injection), or
 * ENOMEM or EFAULT with the store exactly as it was: LIST of every uid,
 * byte for byte, and INFO's generation.
 *
 * Needs root, the rulestore driver and the kernel's fault injection with
 * its debugfs attributes (see config); skips without them. The tests
 * touch only the rules of FN_UIDS, cleared before and after each test.
 * Look for kernel reports and, with kmemleak, for leaks after a run.
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
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/rulestore.h>

#include "rulestore_harness.h"

#define DEBUGFS		"/sys/kernel/debug/"

/* The uids the tests give rules to; nobody else should use them. */
#define UID_A		62000
#define UID_B		62001
#define UID_C		62002
#define UID_D		62003
#define FN_UIDS		{ UID_A, UID_B, UID_C, UID_D }

/*
 * UID_D's rules, long enough that LIST of every uid and the text of
 * read(2) take more than a page: kvmalloc() then falls back to vmalloc()
 * and seq_read() grows its buffer, and the sweep covers those paths too.
 */
#define BIG_RULES	24
#define BIG_RULE_LEN	200

/* Generous: a sweep of this many runs means something is wrong. */
#define MAX_NTH		2000U

/* Room for LIST of every uid, and for the text of read(2). */
#define BUF_LEN		(1024 * 1024)
/* read(2) in pieces, so that the sweep covers reads that continue. */
#define READ_CHUNK	1024

/*
 * The fault attributes the sweep needs, as iommufd_fail_nth.c sets them:
 * allocations that may sleep can fail too (else GFP_KERNEL never does),
 * page allocations of any order, and no report of each injection.
 */
static const struct {
	const char *file;
	const char *value;
} fault_attrs[] = {
	{ "failslab/ignore-gfp-wait", "N" },
	{ "failslab/verbose", "0" },
	{ "fail_page_alloc/ignore-gfp-wait", "N" },
	{ "fail_page_alloc/ignore-gfp-highmem", "N" },
	{ "fail_page_alloc/min-order", "0" },
	{ "fail_page_alloc/verbose", "0" },
	{ "fail_usercopy/verbose", "0" },
};

static int write_file(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = write(fd, value, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* Sets the fault attributes; NULL, or the one that could not be set. */
static const char *setup_fault_attrs(void)
{
	static char path[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fault_attrs); i++) {
		snprintf(path, sizeof(path), DEBUGFS "%s", fault_attrs[i].file);
		if (write_file(path, fault_attrs[i].value))
			return path;
	}
	return NULL;
}

/* This thread's fail-nth file, opened read-write, or -1. */
static int fail_nth_open(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
	return open(path, O_RDWR);
}

/* From now on, this thread's @nth injection point fails. */
static int fail_nth_arm(int fd, unsigned int nth)
{
	char buf[16];
	int len;

	len = snprintf(buf, sizeof(buf), "%u", nth);
	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

/*
 * Writes 0 back, and sets *@consumed to whether the operation since
 * fail_nth_arm() reached the injection. The file's own read and write
 * copy to and from user space, which can take the injection too: a read
 * that fails with EFAULT took it, so the operation did not, and a write
 * that fails so (it took the injection: the operation did not either)
 * is tried again. Returns 0, or -1 when the file misbehaves.
 */
static int fail_nth_disarm(int fd, bool *consumed)
{
	char buf[16] = "";
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0 && errno != EFAULT)
		return -1;
	*consumed = n == 2 && !strcmp(buf, "0\n");
	if (pwrite(fd, "0", 1, 0) == 1)
		return 0;
	if (errno != EFAULT)
		return -1;
	*consumed = false;
	return pwrite(fd, "0", 1, 0) == 1 ? 0 : -1;
}

static int rule_ioctl(int fd, unsigned long cmd, __u32 uid, const char *rule)
{
	struct rulestore_rule_arg arg = {
		.size = sizeof(arg),
		.uid = uid,
		.len = strlen(rule),
		.rule = (uintptr_t)rule,
	};

	return ioctl(fd, cmd, &arg);
}

static int clear_uid(int fd, __u32 uid)
{
	struct rulestore_clear_arg arg = { .size = sizeof(arg), .uid = uid };

	return ioctl(fd, RULESTORE_IOC_CLEAR, &arg);
}

static int get_info(int fd, struct rulestore_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, RULESTORE_IOC_INFO, info);
}

static int list_into(int fd, __u32 flags, __u32 uid, void *buf,
		     struct rulestore_list_arg *arg)
{
	memset(arg, 0, sizeof(*arg));
	arg->size = sizeof(*arg);
	arg->flags = flags;
	arg->uid = uid;
	arg->buf = (uintptr_t)buf;
	arg->buf_len = BUF_LEN;
	return ioctl(fd, RULESTORE_IOC_LIST, arg);
}

/* What an operation gave: its return value and what it read. */
struct op_result {
	int ret;		/* 0 or -errno */
	void *out;		/* BUF_LEN bytes */
	size_t out_len;
	__u64 generation;	/* the generation LIST or INFO reported */
};

/* What the store was: LIST of every uid, and INFO's generation. */
struct store_state {
	void *list;		/* BUF_LEN bytes */
	__u32 list_len;
	__u32 count;
	__u64 generation;
};

struct sweep;

/* An operation under test; returns 0 or -errno. */
struct sweep_op {
	const char *what;
	int (*run)(struct sweep *s, struct op_result *res);
	bool modifies;		/* a successful run changes the store */
};

struct sweep {
	const struct sweep_op *op;
	int fd;			/* /dev/rulestore, opened by root */
	int nth_fd;		/* this thread's fail-nth */
	int read_fd;		/* op_read()'s file, closed after each run */
	struct op_result want;	/* the run without injection */
	struct op_result got;
	struct store_state before, after, want_after;
	char big[BIG_RULES][BIG_RULE_LEN + 1];
};

static int ret_errno(int ret)
{
	return ret < 0 ? -errno : 0;
}

/* ADD of a uid's first rule: allocates the uid's entry too. */
static int op_add_first(struct sweep *s, struct op_result *res)
{
	return ret_errno(rule_ioctl(s->fd, RULESTORE_IOC_ADD, UID_C, "fn c1"));
}

static int op_add(struct sweep *s, struct op_result *res)
{
	return ret_errno(rule_ioctl(s->fd, RULESTORE_IOC_ADD, UID_A, "fn a4"));
}

/* DEL of a rule in the middle of a uid's rules. */
static int op_del(struct sweep *s, struct op_result *res)
{
	return ret_errno(rule_ioctl(s->fd, RULESTORE_IOC_DEL, UID_A, "fn a2"));
}

/* DEL of a uid's last rule: frees the uid's entry too. */
static int op_del_last(struct sweep *s, struct op_result *res)
{
	return ret_errno(rule_ioctl(s->fd, RULESTORE_IOC_DEL, UID_B, "fn b1"));
}

static int op_clear(struct sweep *s, struct op_result *res)
{
	return ret_errno(clear_uid(s->fd, UID_A));
}

static int op_list(struct sweep *s, struct op_result *res, __u32 flags,
		   __u32 uid)
{
	struct rulestore_list_arg arg;

	if (list_into(s->fd, flags, uid, res->out, &arg))
		return -errno;
	res->out_len = arg.buf_len;
	res->generation = arg.generation;
	return 0;
}

static int op_list_uid(struct sweep *s, struct op_result *res)
{
	return op_list(s, res, 0, UID_A);
}

static int op_list_all(struct sweep *s, struct op_result *res)
{
	return op_list(s, res, RULESTORE_LIST_ALL, 0);
}

/* INFO, but for the generation, which op_result keeps apart. */
static int op_info(struct sweep *s, struct op_result *res)
{
	struct rulestore_info *info = res->out;

	if (get_info(s->fd, info))
		return -errno;
	res->generation = info->generation;
	info->generation = 0;
	res->out_len = sizeof(*info);
	return 0;
}

/* open(2), then read(2) to the end; the file is closed after the run. */
static int op_read(struct sweep *s, struct op_result *res)
{
	ssize_t n;

	s->read_fd = open(RS_DEVICE, O_RDONLY);
	if (s->read_fd < 0)
		return -errno;
	do {
		if (res->out_len + READ_CHUNK > BUF_LEN)
			return -E2BIG;
		n = read(s->read_fd, (char *)res->out + res->out_len,
			 READ_CHUNK);
		if (n < 0)
			return -errno;
		res->out_len += n;
	} while (n);
	return 0;
}

FIXTURE(fail_nth) {
	struct sweep s;
};

FIXTURE_VARIANT(fail_nth) {
	struct sweep_op op;
};

FIXTURE_VARIANT_ADD(fail_nth, add_first) {
	.op = { "ADD of a uid's first rule", op_add_first, true },
};

FIXTURE_VARIANT_ADD(fail_nth, add) {
	.op = { "ADD", op_add, true },
};

FIXTURE_VARIANT_ADD(fail_nth, del) {
	.op = { "DEL", op_del, true },
};

FIXTURE_VARIANT_ADD(fail_nth, del_last) {
	.op = { "DEL of a uid's last rule", op_del_last, true },
};

FIXTURE_VARIANT_ADD(fail_nth, clear) {
	.op = { "CLEAR", op_clear, true },
};

FIXTURE_VARIANT_ADD(fail_nth, list_uid) {
	.op = { "LIST of a uid", op_list_uid, false },
};

FIXTURE_VARIANT_ADD(fail_nth, list_all) {
	.op = { "LIST of every uid", op_list_all, false },
};

FIXTURE_VARIANT_ADD(fail_nth, info) {
	.op = { "INFO", op_info, false },
};

FIXTURE_VARIANT_ADD(fail_nth, open_read) {
	.op = { "open(2) and read(2)", op_read, false },
};

static void clear_fn_uids(struct sweep *s)
{
	static const __u32 uids[] = FN_UIDS;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(uids); i++)
		clear_uid(s->fd, uids[i]);
}

static void *alloc_buf(struct __test_metadata *_metadata)
{
	void *buf;

	/* LIST wants it 8-byte aligned; touched, so no page fault later. */
	ASSERT_EQ(0, posix_memalign(&buf, 8, BUF_LEN));
	memset(buf, 0, BUF_LEN);
	return buf;
}

FIXTURE_SETUP(fail_nth)
{
	struct sweep *s = &self->s;
	const char *attr;
	char *rule;
	size_t len;
	unsigned int i;

	s->op = &variant->op;
	s->fd = -1;
	s->nth_fd = -1;
	s->read_fd = -1;
	if (geteuid() != 0)
		SKIP(return, "needs root");
	s->fd = open(RS_DEVICE, O_RDWR);
	if (s->fd < 0)
		SKIP(return, RS_DEVICE " is missing: load rulestore");
	s->nth_fd = fail_nth_open();
	if (s->nth_fd < 0)
		SKIP(return, "no fail-nth in /proc: needs CONFIG_FAULT_INJECTION");
	attr = setup_fault_attrs();
	if (attr)
		SKIP(return, "cannot write %s: needs debugfs and the config",
		     attr);

	s->want.out = alloc_buf(_metadata);
	s->got.out = alloc_buf(_metadata);
	s->before.list = alloc_buf(_metadata);
	s->after.list = alloc_buf(_metadata);
	s->want_after.list = alloc_buf(_metadata);

	clear_fn_uids(s);
	for (i = 0; i < BIG_RULES; i++) {
		rule = s->big[i];
		len = snprintf(rule, BIG_RULE_LEN + 1, "fn big %02u ", i);
		memset(rule + len, 'a' + i, BIG_RULE_LEN - len);
		rule[BIG_RULE_LEN] = '\0';
		ASSERT_EQ(0, rule_ioctl(s->fd, RULESTORE_IOC_ADD, UID_D, rule))
			TH_LOG("ADD: %s", strerror(errno));
	}
}

FIXTURE_TEARDOWN(fail_nth)
{
	struct sweep *s = &self->s;

	if (s->fd >= 0)
		clear_fn_uids(s);
	free(s->want.out);
	free(s->got.out);
	free(s->before.list);
	free(s->after.list);
	free(s->want_after.list);
	if (s->nth_fd >= 0)
		close(s->nth_fd);
	if (s->fd >= 0)
		close(s->fd);
}

/* The rules of each run besides UID_D's. */
static const struct {
	__u32 uid;
	const char *rule;
} base_rules[] = {
	{ UID_A, "fn a1" }, { UID_A, "fn a2" }, { UID_A, "fn a3" },
	{ UID_B, "fn b1" },
};

/* CLEAR, of a uid that may have no rule (ENOENT). */
static void reset_uid(struct __test_metadata *_metadata, struct sweep *s,
		      __u32 uid)
{
	ASSERT_TRUE(!clear_uid(s->fd, uid) || errno == ENOENT)
		TH_LOG("CLEAR uid %u: %s", uid, strerror(errno));
}

/* The store before each run: UID_D's rules, and base_rules. */
static void reset_store(struct __test_metadata *_metadata, struct sweep *s)
{
	unsigned int i;

	reset_uid(_metadata, s, UID_A);
	reset_uid(_metadata, s, UID_B);
	reset_uid(_metadata, s, UID_C);
	for (i = 0; i < ARRAY_SIZE(base_rules); i++)
		ASSERT_EQ(0, rule_ioctl(s->fd, RULESTORE_IOC_ADD,
					base_rules[i].uid, base_rules[i].rule))
			TH_LOG("ADD of base rule %u: %s", i, strerror(errno));
}

static void get_state(struct __test_metadata *_metadata, struct sweep *s,
		      struct store_state *state)
{
	struct rulestore_list_arg arg;
	struct rulestore_info info;

	ASSERT_EQ(0, list_into(s->fd, RULESTORE_LIST_ALL, 0, state->list,
			       &arg))
		TH_LOG("LIST: %s", strerror(errno));
	state->list_len = arg.buf_len;
	state->count = arg.count;
	ASSERT_EQ(0, get_info(s->fd, &info))
		TH_LOG("INFO: %s", strerror(errno));
	/* Nothing else changes the store meanwhile. */
	ASSERT_EQ(arg.generation, info.generation);
	ASSERT_EQ(info.nr_rules, arg.count);
	state->generation = info.generation;
}

static bool same_list(const struct store_state *a,
		      const struct store_state *b)
{
	return a->list_len == b->list_len && a->count == b->count &&
	       !memcmp(a->list, b->list, a->list_len);
}

/*
 * One run of the operation, with the @nth injection point armed (none
 * when @nth is 0); sets *@consumed to whether the run reached it.
 */
static void run_op(struct __test_metadata *_metadata, struct sweep *s,
		   unsigned int nth, struct op_result *res, bool *consumed)
{
	reset_store(_metadata, s);
	get_state(_metadata, s, &s->before);
	res->out_len = 0;
	res->generation = 0;
	*consumed = false;

	/* Between arming and disarming: the operation's system calls only. */
	if (nth)
		ASSERT_EQ(0, fail_nth_arm(s->nth_fd, nth))
			TH_LOG("writing fail-nth: %s", strerror(errno));
	res->ret = s->op->run(s, res);
	if (nth)
		ASSERT_EQ(0, fail_nth_disarm(s->nth_fd, consumed))
			TH_LOG("disarming fail-nth: %s", strerror(errno));

	if (s->read_fd >= 0) {
		close(s->read_fd);
		s->read_fd = -1;
	}
	get_state(_metadata, s, &s->after);
}

/* A failed run: an error the operation may give, and nothing changed. */
static void check_failed(struct __test_metadata *_metadata, struct sweep *s,
			 unsigned int nth)
{
	const char *err = strerror(-s->got.ret);

	EXPECT_TRUE(s->got.ret == -ENOMEM || s->got.ret == -EFAULT)
		TH_LOG("fail-nth %u: failed with %s", nth, err);
	EXPECT_TRUE(same_list(&s->before, &s->after))
		TH_LOG("fail-nth %u: failed with %s, but the store changed",
		       nth, err);
	EXPECT_EQ(s->before.generation, s->after.generation)
		TH_LOG("fail-nth %u: failed with %s, but the generation changed",
		       nth, err);
}

/* A successful run: what the run without injection gave. */
static void check_succeeded(struct __test_metadata *_metadata,
			    struct sweep *s, unsigned int nth)
{
	const struct op_result *got = &s->got, *want = &s->want;

	EXPECT_TRUE(got->out_len == want->out_len &&
		    !memcmp(got->out, want->out, got->out_len))
		TH_LOG("fail-nth %u: succeeded with another result (%zu bytes, not %zu)",
		       nth, got->out_len, want->out_len);
	EXPECT_TRUE(same_list(&s->after, &s->want_after))
		TH_LOG("fail-nth %u: succeeded, but the store is not what it should be",
		       nth);
	if (s->op->modifies) {
		EXPECT_NE(s->before.generation, s->after.generation)
			TH_LOG("fail-nth %u: the store changed, its generation not",
			       nth);
	} else {
		EXPECT_EQ(s->before.generation, s->after.generation)
			TH_LOG("fail-nth %u: a reader changed the generation",
			       nth);
		if (got->generation)
			EXPECT_EQ(s->before.generation, got->generation)
				TH_LOG("fail-nth %u: reported another generation",
				       nth);
	}
}

/*
 * The sweep: fail-nth 1, 2, 3, ... until a run does not reach the
 * injection point; that last run must succeed.
 */
TEST_F_TIMEOUT(fail_nth, sweep, 300)
{
	struct sweep *s = &self->s;
	unsigned int nth, points = 0, failed = 0;
	bool consumed;

	/* The run without injection: what a successful run must give. */
	run_op(_metadata, s, 0, &s->want, &consumed);
	ASSERT_EQ(0, s->want.ret)
		TH_LOG("without injection: %s", strerror(-s->want.ret));
	memcpy(s->want_after.list, s->after.list, s->after.list_len);
	s->want_after.list_len = s->after.list_len;
	s->want_after.count = s->after.count;
	if (!s->op->modifies)
		ASSERT_TRUE(same_list(&s->before, &s->after));

	for (nth = 1; ; nth++) {
		ASSERT_GE(MAX_NTH, nth)
			TH_LOG("still reaching injection points after %u runs",
			       MAX_NTH);
		run_op(_metadata, s, nth, &s->got, &consumed);
		if (s->got.ret) {
			failed++;
			check_failed(_metadata, s, nth);
		} else {
			check_succeeded(_metadata, s, nth);
		}
		if (!consumed) {
			/* Nothing failed, so the run must have succeeded. */
			EXPECT_EQ(0, s->got.ret)
				TH_LOG("fail-nth %u: not reached, yet %s", nth,
				       strerror(-s->got.ret));
			break;
		}
		points++;
		/* The first failure says enough. */
		if (_metadata->exit_code)
			break;
	}
	ksft_print_msg("%s: %u injection points, %u of them made it fail\n",
		       s->op->what, points, failed);
	/* A sweep that injected nothing tested nothing. */
	EXPECT_LT(0U, points);
}

int main(int argc, char **argv)
{
	return rs_harness_main(argc, argv, "/proc/self/fail-nth",
			       "/proc/self/fail-nth (CONFIG_FAULT_INJECTION)");
}
