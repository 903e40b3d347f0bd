// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of /dev/rulestore against its uapi, <linux/rulestore.h>: each
 * documented error of each ioctl with all other input valid, the rules of
 * the extensible structures, the order of the checks, LIST's ERANGE
 * protocol, the text of read(2), permissions as an unprivileged user and
 * inside a user namespace, the limits, and concurrent use.
 *
 * Needs root and the rulestore driver (see config). The tests touch only
 * the rules of TEST_UIDS, cleared before and after each test, so the rest
 * of the store is left alone; tests that change the limits restore them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/rulestore.h>

#include "rulestore_harness.h"

#define RS_PARAMS	"/sys/module/rulestore/parameters/"

/* The uids the tests give rules to; nobody else should use them. */
#define UID_A		60000
#define UID_B		60001
#define UID_C		60002
#define UID_D		60003
/* The uid the permission tests drop to, and give rules to. */
#define UNPRIV_UID	65000
#define TEST_UIDS	{ UID_A, UID_B, UID_C, UID_D, UNPRIV_UID }
/* (uid_t)-1: a uid no user namespace maps. */
#define UNMAPPABLE_UID	4294967295U

/* A buffer for LIST: 8-byte aligned, as LIST wants. */
#define LIST_BUF_LEN	(64 * 1024)
static __u64 list_buf[LIST_BUF_LEN / 8];

/*
 * The call fails with errno @expected. Only EXPECT_*(), never ASSERT_*(),
 * so that it also serves in forked children: an ASSERT_*() failing in a
 * child would run the fixture's teardown in the child, without
 * privileges, and then never in the test itself.
 */
#define EXPECT_ERRNO(expected, call) do {				\
		int rs_ret = (call);					\
		int rs_errno = errno;					\
									\
		EXPECT_EQ(-1, rs_ret) TH_LOG("%s succeeded", #call);	\
		EXPECT_EQ(expected, rs_errno)				\
			TH_LOG("%s: %s", #call, strerror(rs_errno));	\
	} while (0)

/* The call succeeds; EXPECT_*() only, as above. */
#define EXPECT_OK(call) do {						\
		int rs_ret = (call);					\
									\
		EXPECT_EQ(0, rs_ret) TH_LOG("%s: %s", #call, strerror(errno)); \
	} while (0)

#define ASSERT_OK(call) do {						\
		int rs_ret = (call);					\
									\
		ASSERT_EQ(0, rs_ret) TH_LOG("%s: %s", #call, strerror(errno)); \
	} while (0)

/* A check that returns NULL or what is wrong passes. */
#define EXPECT_NO_PROBLEM(call) do {					\
		const char *rs_problem = (call);			\
									\
		EXPECT_TRUE(!rs_problem) TH_LOG("%s", rs_problem);	\
	} while (0)

static int rule_ioctl(int fd, unsigned long cmd, __u32 uid, const void *rule,
		      __u32 len)
{
	struct rulestore_rule_arg arg = {
		.size = sizeof(arg),
		.uid = uid,
		.len = len,
		.rule = (uintptr_t)rule,
	};

	return ioctl(fd, cmd, &arg);
}

static int add_rule(int fd, __u32 uid, const char *rule)
{
	return rule_ioctl(fd, RULESTORE_IOC_ADD, uid, rule, strlen(rule));
}

static int del_rule(int fd, __u32 uid, const char *rule)
{
	return rule_ioctl(fd, RULESTORE_IOC_DEL, uid, rule, strlen(rule));
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

static void init_list_arg(struct rulestore_list_arg *arg, __u32 flags,
			  __u32 uid, void *buf, __u32 buf_len)
{
	memset(arg, 0, sizeof(*arg));
	arg->size = sizeof(*arg);
	arg->flags = flags;
	arg->uid = uid;
	arg->buf = (uintptr_t)buf;
	arg->buf_len = buf_len;
}

static int list_into(int fd, __u32 flags, __u32 uid, void *buf, __u32 buf_len,
		     struct rulestore_list_arg *arg)
{
	init_list_arg(arg, flags, uid, buf, buf_len);
	return ioctl(fd, RULESTORE_IOC_LIST, arg);
}

/* The store's generation, or 0 (and a failed test) if INFO fails. */
static __u64 generation(struct __test_metadata *_metadata, int fd)
{
	struct rulestore_info info;

	EXPECT_OK(get_info(fd, &info));
	return info.generation;
}

struct record {
	__u32 uid;
	__u32 len;
	const __u8 *rule;
};

/*
 * Check the records LIST wrote and note where each is: they must be
 * packed, each RULESTORE_RECORD_SIZE(len) long with zero padding, and
 * fill exactly @buf_len bytes in @count records. Returns NULL, or what is
 * wrong with them.
 */
static const char *parse_records(const void *buf, __u32 buf_len, __u32 count,
				 struct record *recs, unsigned int max)
{
	const struct rulestore_record *rec;
	__u32 offset = 0, n = 0, i;

	while (offset < buf_len) {
		if (buf_len - offset < sizeof(*rec))
			return "a record header runs past buf_len";
		rec = (const void *)((const char *)buf + offset);
		if (rec->len == 0 || rec->len > RULESTORE_RULE_MAX)
			return "a record's len is out of range";
		if (buf_len - offset < RULESTORE_RECORD_SIZE(rec->len))
			return "a record runs past buf_len";
		for (i = sizeof(*rec) + rec->len;
		     i < RULESTORE_RECORD_SIZE(rec->len); i++)
			if (((const __u8 *)rec)[i])
				return "a record's padding is not zero";
		if (n == max)
			return "more records than the test expects";
		recs[n].uid = rec->uid;
		recs[n].len = rec->len;
		recs[n].rule = rec->rule;
		n++;
		offset += RULESTORE_RECORD_SIZE(rec->len);
	}
	return n == count ? NULL : "count differs from the records in buf_len";
}

/* A LIST result: the argument as the kernel left it, and its records. */
struct snapshot {
	struct rulestore_list_arg arg;
	void *buf;
	struct record *recs;
	unsigned int nr;
	const char *problem;
};

static void free_snapshot(struct snapshot *snap)
{
	free(snap->buf);
	free(snap->recs);
	memset(snap, 0, sizeof(*snap));
}

/*
 * LIST with a buffer grown to what the kernel asks for (the store may
 * grow in between, hence the loop). Returns 0, -1 with errno, or -1 with
 * errno EPROTO and @snap->problem if the records are malformed.
 */
static int take_snapshot(int fd, __u32 flags, __u32 uid, struct snapshot *snap)
{
	__u32 buf_len = 256;
	int tries;

	memset(snap, 0, sizeof(*snap));
	for (tries = 0; tries < 32; tries++) {
		free(snap->buf);
		if (posix_memalign(&snap->buf, 8, buf_len))
			return -1;
		if (!list_into(fd, flags, uid, snap->buf, buf_len, &snap->arg))
			break;
		if (errno != ERANGE)
			goto err_free;
		/* Some slack against a store that grows meanwhile. */
		buf_len = snap->arg.buf_len + 4096;
	}
	if (tries == 32) {
		errno = ERANGE;
		goto err_free;
	}
	snap->recs = calloc(snap->arg.count + 1, sizeof(*snap->recs));
	if (!snap->recs)
		goto err_free;
	snap->problem = parse_records(snap->buf, snap->arg.buf_len,
				      snap->arg.count, snap->recs,
				      snap->arg.count);
	if (snap->problem) {
		errno = EPROTO;
		goto err_free;
	}
	snap->nr = snap->arg.count;
	return 0;

err_free:
	free(snap->buf);
	free(snap->recs);
	snap->buf = NULL;
	snap->recs = NULL;
	return -1;
}

static bool record_is(const struct record *rec, __u32 uid, const void *rule,
		      size_t len)
{
	return rec->uid == uid && rec->len == len &&
	       !memcmp(rec->rule, rule, len);
}

/* The rules of @uid are exactly @rules, in this order. */
static void expect_rules(struct __test_metadata *_metadata, int fd, __u32 uid,
			 const char *const *rules, unsigned int nr)
{
	struct snapshot snap;
	unsigned int i;

	if (take_snapshot(fd, 0, uid, &snap)) {
		EXPECT_EQ(0, errno)
			TH_LOG("LIST uid %u: %s %s", uid, strerror(errno),
			       snap.problem ?: "");
		return;
	}
	EXPECT_EQ(nr, snap.nr) TH_LOG("uid %u", uid);
	for (i = 0; i < nr && i < snap.nr; i++)
		EXPECT_TRUE(record_is(&snap.recs[i], uid, rules[i],
				      strlen(rules[i])))
			TH_LOG("uid %u rule %u: want '%s', got uid %u '%.*s'",
			       uid, i + 1, rules[i], snap.recs[i].uid,
			       (int)snap.recs[i].len, snap.recs[i].rule);
	free_snapshot(&snap);
}

#define EXPECT_RULES(fd, uid, ...)					\
	expect_rules(_metadata, fd, uid,				\
		     (const char *const []){ __VA_ARGS__ },		\
		     ARRAY_SIZE(((const char *const []){ __VA_ARGS__ })))

#define EXPECT_NO_RULES(fd, uid) expect_rules(_metadata, fd, uid, NULL, 0)

static char *read_failed(const char *what)
{
	char text[64];

	snprintf(text, sizeof(text), "(%s failed: %s)", what, strerror(errno));
	return strdup(text);
}

static bool contains(const char *text, const char *part)
{
	return strstr(text, part);
}

/*
 * What read(2) gives from here to the end, @chunk bytes at a time: a
 * string to free. On failure, a string that says so: what the caller
 * compares it with then fails, with the reason in the log.
 */
static char *read_rest(int fd, size_t chunk)
{
	size_t len = 0, cap = 4096;
	char *text = malloc(cap), *bigger;
	ssize_t n;

	while (text) {
		if (cap - len < chunk + 1) {
			cap = cap * 2 + chunk;
			bigger = realloc(text, cap);
			if (!bigger)
				break;
			text = bigger;
		}
		n = read(fd, text + len, chunk);
		if (n < 0) {
			free(text);
			return read_failed("read");
		}
		if (n == 0) {
			text[len] = '\0';
			return text;
		}
		len += n;
	}
	free(text);
	return read_failed("realloc");
}

/* Everything read(2) gives on a new open; see read_rest(). */
static char *read_text(size_t chunk)
{
	char *text;
	int fd;

	fd = open(RS_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return read_failed("open");
	text = read_rest(fd, chunk);
	close(fd);
	return text;
}

/*
 * The lines of @uid in the text of read(2), from its "---- UID:" line up
 * to the next one: a string to free, "" if the uid is not there.
 */
static char *uid_section(const char *text, __u32 uid)
{
	char header[64];
	const char *start, *end;

	snprintf(header, sizeof(header), "---- UID: %u ----\n", uid);
	start = strstr(text, header);
	if (start && start != text && start[-1] != '\n')
		start = NULL;
	if (!start)
		return strdup("");
	end = strstr(start + 1, "\n---- UID: ");
	end = end ? end + 1 : start + strlen(start);
	return strndup(start, end - start);
}

/* A rule as read(2) writes it: no raw control bytes, \ooo escapes. */
static const char *check_text_rule(const char *p, const char *eol)
{
	for (; p < eol; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "a raw control character in a rule";
		if (*p == '\\' && strspn(p + 1, "01234567") < 3)
			return "a backslash not before three octal digits";
	}
	return NULL;
}

/*
 * The text of read(2) as a whole: "---- UID: <uid> ----" lines in
 * increasing uid order, each followed by "Rule <n>: <rule>" lines with n
 * counting from 1. Returns NULL, or what is wrong.
 */
static const char *check_text_format(const char *text)
{
	unsigned long long uid, last_uid = 0, rule_no, nr_rules = 0;
	const char *line, *eol, *problem;
	bool seen_uid = false;
	char *end;

	for (line = text; *line; line = eol + 1) {
		eol = strchr(line, '\n');
		if (!eol)
			return "the text does not end with a newline";
		if (!strncmp(line, "---- UID: ", 10)) {
			uid = strtoull(line + 10, &end, 10);
			if (strncmp(end, " ----\n", 6))
				return "a malformed uid line";
			if (seen_uid && !nr_rules)
				return "a uid without rules";
			if (seen_uid && uid <= last_uid)
				return "uids not in increasing order";
			seen_uid = true;
			last_uid = uid;
			nr_rules = 0;
		} else if (!strncmp(line, "Rule ", 5)) {
			rule_no = strtoull(line + 5, &end, 10);
			if (strncmp(end, ": ", 2))
				return "a malformed rule line";
			if (!seen_uid)
				return "a rule before the first uid line";
			if (rule_no != ++nr_rules)
				return "rules not numbered from 1";
			problem = check_text_rule(end + 2, eol);
			if (problem)
				return problem;
		} else {
			return "a line that is neither a uid nor a rule";
		}
	}
	return NULL;
}

static int read_param(const char *name, char *buf, size_t size)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), RS_PARAMS "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_param(const char *name, const char *value)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), RS_PARAMS "%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

static int write_param_u32(const char *name, __u32 value)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", value);
	return write_param(name, buf);
}

/* The limits as the test found them, to put back after it. */
struct saved_limits {
	char max_rules[32];
	char max_rules_per_uid[32];
};

static void save_limits(struct saved_limits *saved)
{
	if (read_param("max_rules", saved->max_rules,
		       sizeof(saved->max_rules)))
		saved->max_rules[0] = '\0';
	if (read_param("max_rules_per_uid", saved->max_rules_per_uid,
		       sizeof(saved->max_rules_per_uid)))
		saved->max_rules_per_uid[0] = '\0';
}

static void restore_limits(struct __test_metadata *_metadata,
			   const struct saved_limits *saved)
{
	char now[32];

	if (saved->max_rules[0] &&
	    (read_param("max_rules", now, sizeof(now)) ||
	     strcmp(now, saved->max_rules)))
		EXPECT_OK(write_param("max_rules", saved->max_rules));
	if (saved->max_rules_per_uid[0] &&
	    (read_param("max_rules_per_uid", now, sizeof(now)) ||
	     strcmp(now, saved->max_rules_per_uid)))
		EXPECT_OK(write_param("max_rules_per_uid",
				      saved->max_rules_per_uid));
}

static void clear_test_uids(struct __test_metadata *_metadata, int fd)
{
	static const __u32 uids[] = TEST_UIDS;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(uids); i++) {
		ret = clear_uid(fd, uids[i]);
		EXPECT_TRUE(ret == 0 || errno == ENOENT)
			TH_LOG("clear uid %u: %s", uids[i], strerror(errno));
	}
}

/*
 * Open the device, as root, with the test uids cleared and the limits
 * noted: the fd, or -1 after SKIP().
 */
static int store_setup(struct __test_metadata *_metadata,
		       struct saved_limits *saved)
{
	int fd;

	if (geteuid() != 0)
		SKIP(return -1, "needs root");
	fd = open(RS_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		SKIP(return -1, RS_DEVICE " is missing: load rulestore");
	ASSERT_LE(0, fd) TH_LOG(RS_DEVICE ": %s", strerror(errno));
	save_limits(saved);
	clear_test_uids(_metadata, fd);
	return fd;
}

static void store_teardown(struct __test_metadata *_metadata, int fd,
			   const struct saved_limits *saved)
{
	if (fd < 0)
		return;
	restore_limits(_metadata, saved);
	clear_test_uids(_metadata, fd);
	close(fd);
}

/*
 * In a forked child: drop to @ruid/@euid, with no supplementary groups
 * (with no uid 0 left, the kernel clears every capability). Exits on
 * failure.
 */
static void become(uid_t ruid, uid_t euid)
{
	if (setgroups(0, NULL) || setresgid(euid, euid, euid) ||
	    setresuid(ruid, euid, euid))
		_exit(KSFT_FAIL);
	/*
	 * The uid change made the process undumpable, which makes its
	 * /proc/self files root's: the user namespace test could not write
	 * its uid_map.
	 */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		_exit(KSFT_FAIL);
}

/*
 * In a forked child: become(@ruid, @euid) and open the device anew, as
 * an unprivileged user would. Returns the fd, or exits.
 */
static int drop_privileges(uid_t ruid, uid_t euid)
{
	int fd;

	become(ruid, euid);
	fd = open(RS_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		_exit(KSFT_FAIL);
	return fd;
}

/* Wait for a child of the test: it must exit 0 (or skip). */
static void wait_child(struct __test_metadata *_metadata, pid_t pid)
{
	int status;

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("child status %#x", status);
	if (WEXITSTATUS(status) == KSFT_SKIP)
		SKIP(return, "the child skipped (no user namespaces?)");
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Two pages, the second inaccessible: for pointers that run into it. */
static char *map_guarded_page(struct __test_metadata *_metadata)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p;

	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	ASSERT_OK(mprotect(p + page, page, PROT_NONE));
	return p;
}

FIXTURE(rulestore) {
	int fd;
	struct saved_limits limits;
};

FIXTURE_SETUP(rulestore)
{
	self->fd = store_setup(_metadata, &self->limits);
}

FIXTURE_TEARDOWN(rulestore)
{
	store_teardown(_metadata, self->fd, &self->limits);
}

/* ---- What works ---- */

TEST_F(rulestore, info_reports_version_and_limits)
{
	struct rulestore_info info;
	char param[32];

	ASSERT_OK(get_info(self->fd, &info));
	EXPECT_EQ(1U, info.api_version);
	EXPECT_EQ(255U, info.rule_max);
	EXPECT_EQ(sizeof(info), info.size);
	EXPECT_EQ(0U, info.flags);
	if (!read_param("max_rules", param, sizeof(param)))
		EXPECT_EQ(strtoul(param, NULL, 10), info.max_rules);
	if (!read_param("max_rules_per_uid", param, sizeof(param)))
		EXPECT_EQ(strtoul(param, NULL, 10), info.max_rules_per_uid);
	EXPECT_LE(info.nr_uids, info.nr_rules);
}

TEST_F(rulestore, add_list_del)
{
	static const char rule[] = "allow read /etc/hosts";
	struct rulestore_list_arg arg;
	struct record rec;

	ASSERT_OK(add_rule(self->fd, UID_A, rule));
	memset(list_buf, 0xaa, sizeof(list_buf));
	ASSERT_OK(list_into(self->fd, 0, UID_A, list_buf, sizeof(list_buf),
			    &arg));
	EXPECT_EQ(1U, arg.count);
	EXPECT_EQ(RULESTORE_RECORD_SIZE(strlen(rule)), arg.buf_len);
	EXPECT_NO_PROBLEM(parse_records(list_buf, arg.buf_len, arg.count, &rec,
					1));
	EXPECT_TRUE(record_is(&rec, UID_A, rule, strlen(rule)));
	/* Nothing written past the records. */
	EXPECT_EQ(0xaa, ((__u8 *)list_buf)[arg.buf_len]);

	ASSERT_OK(del_rule(self->fd, UID_A, rule));
	EXPECT_NO_RULES(self->fd, UID_A);
}

TEST_F(rulestore, list_keeps_insertion_order)
{
	ASSERT_OK(add_rule(self->fd, UID_A, "charlie"));
	ASSERT_OK(add_rule(self->fd, UID_A, "alpha"));
	ASSERT_OK(add_rule(self->fd, UID_A, "bravo"));
	ASSERT_OK(add_rule(self->fd, UID_A, "delta"));
	EXPECT_RULES(self->fd, UID_A, "charlie", "alpha", "bravo", "delta");

	/* A rule deleted and added again goes to the end. */
	ASSERT_OK(del_rule(self->fd, UID_A, "alpha"));
	EXPECT_RULES(self->fd, UID_A, "charlie", "bravo", "delta");
	ASSERT_OK(add_rule(self->fd, UID_A, "alpha"));
	EXPECT_RULES(self->fd, UID_A, "charlie", "bravo", "delta", "alpha");
}

TEST_F(rulestore, list_all_orders_by_uid)
{
	static const __u32 order[] = { UID_C, UID_A, UID_B, UID_A, UID_C };
	struct snapshot snap;
	unsigned int i, ours = 0;
	char rule[32];

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		snprintf(rule, sizeof(rule), "rule %u", i);
		ASSERT_OK(add_rule(self->fd, order[i], rule));
	}
	ASSERT_OK(take_snapshot(self->fd, RULESTORE_LIST_ALL, 0, &snap));

	for (i = 1; i < snap.nr; i++)
		EXPECT_LE(snap.recs[i - 1].uid, snap.recs[i].uid);
	/* Ours, among whatever else the store holds: uid, then insertion. */
	for (i = 0; i < snap.nr; i++) {
		static const struct { __u32 uid; const char *rule; } want[] = {
			{ UID_A, "rule 1" }, { UID_A, "rule 3" },
			{ UID_B, "rule 2" },
			{ UID_C, "rule 0" }, { UID_C, "rule 4" },
		};

		if (snap.recs[i].uid < UID_A || snap.recs[i].uid > UID_C)
			continue;
		ASSERT_LT(ours, ARRAY_SIZE(want));
		EXPECT_TRUE(record_is(&snap.recs[i], want[ours].uid,
				      want[ours].rule, strlen(want[ours].rule)))
			TH_LOG("record %u of ours", ours);
		ours++;
	}
	EXPECT_EQ(5U, ours);
	free_snapshot(&snap);
}

TEST_F(rulestore, same_rule_for_another_uid)
{
	ASSERT_OK(add_rule(self->fd, UID_A, "shared rule"));
	EXPECT_OK(add_rule(self->fd, UID_B, "shared rule"));
	EXPECT_RULES(self->fd, UID_A, "shared rule");
	EXPECT_RULES(self->fd, UID_B, "shared rule");
}

TEST_F(rulestore, rules_are_their_bytes)
{
	ASSERT_OK(add_rule(self->fd, UID_A, "abc"));
	/* Not a prefix, an extension, another case or trailing space. */
	EXPECT_ERRNO(ENOENT, del_rule(self->fd, UID_A, "ab"));
	EXPECT_ERRNO(ENOENT, del_rule(self->fd, UID_A, "abcd"));
	EXPECT_ERRNO(ENOENT, del_rule(self->fd, UID_A, "ABC"));
	EXPECT_OK(add_rule(self->fd, UID_A, "abc "));
	/* Precomposed and decomposed e-acute are different bytes. */
	EXPECT_OK(add_rule(self->fd, UID_A, "caf\xc3\xa9"));
	EXPECT_OK(add_rule(self->fd, UID_A, "cafe\xcc\x81"));
	EXPECT_RULES(self->fd, UID_A, "abc", "abc ", "caf\xc3\xa9",
		     "cafe\xcc\x81");
}

TEST_F(rulestore, longest_rule)
{
	char rule[RULESTORE_RULE_MAX + 1];

	/* 253 bytes of ASCII, then a 2-byte character: 255 bytes. */
	memset(rule, 'x', RULESTORE_RULE_MAX - 2);
	memcpy(rule + RULESTORE_RULE_MAX - 2, "\xc3\xa9", 3);
	ASSERT_EQ((size_t)RULESTORE_RULE_MAX, strlen(rule));
	ASSERT_OK(add_rule(self->fd, UID_A, rule));
	EXPECT_RULES(self->fd, UID_A, rule);
	EXPECT_OK(del_rule(self->fd, UID_A, rule));
}

TEST_F(rulestore, control_characters_are_valid)
{
	ASSERT_OK(add_rule(self->fd, UID_A, "tab\tnewline\ncr\rdel\x7f"));
	EXPECT_OK(add_rule(self->fd, UID_A, "\x01"));
	EXPECT_RULES(self->fd, UID_A, "tab\tnewline\ncr\rdel\x7f", "\x01");
}

TEST_F(rulestore, clear_removes_one_uid)
{
	ASSERT_OK(add_rule(self->fd, UID_A, "one"));
	ASSERT_OK(add_rule(self->fd, UID_A, "two"));
	ASSERT_OK(add_rule(self->fd, UID_A, "three"));
	ASSERT_OK(add_rule(self->fd, UID_B, "other"));
	ASSERT_OK(clear_uid(self->fd, UID_A));
	EXPECT_NO_RULES(self->fd, UID_A);
	EXPECT_RULES(self->fd, UID_B, "other");
	/* The uid can have rules again. */
	EXPECT_OK(add_rule(self->fd, UID_A, "two"));
	EXPECT_RULES(self->fd, UID_A, "two");
}

TEST_F(rulestore, list_uid_without_rules)
{
	struct rulestore_list_arg arg;
	__u64 gen = generation(_metadata, self->fd);

	memset(list_buf, 0xaa, sizeof(list_buf));
	ASSERT_OK(list_into(self->fd, 0, UID_A, list_buf, sizeof(list_buf),
			    &arg));
	EXPECT_EQ(0U, arg.count);
	EXPECT_EQ(0U, arg.buf_len);
	EXPECT_EQ(gen, arg.generation);
	EXPECT_EQ(0xaa, ((__u8 *)list_buf)[0]);

	/* No room needed, so no room is fine. */
	ASSERT_OK(list_into(self->fd, 0, UID_A, list_buf, 0, &arg));
	EXPECT_EQ(0U, arg.count);
	EXPECT_EQ(0U, arg.buf_len);
}

TEST_F(rulestore, list_erange_protocol)
{
	struct rulestore_list_arg arg;
	struct record recs[3];
	__u32 needed;
	size_t i;

	ASSERT_OK(add_rule(self->fd, UID_A, "one"));
	ASSERT_OK(add_rule(self->fd, UID_A, "two"));
	ASSERT_OK(add_rule(self->fd, UID_A, "third rule"));
	needed = 2 * RULESTORE_RECORD_SIZE(3) + RULESTORE_RECORD_SIZE(10);

	/* Too small by one byte, and not at all: the size needed. */
	memset(list_buf, 0xaa, sizeof(list_buf));
	EXPECT_ERRNO(ERANGE, list_into(self->fd, 0, UID_A, list_buf,
				       needed - 1, &arg));
	EXPECT_EQ(0U, arg.count);
	EXPECT_EQ(needed, arg.buf_len);
	arg.count = 77;
	arg.buf_len = 0;
	EXPECT_ERRNO(ERANGE, ioctl(self->fd, RULESTORE_IOC_LIST, &arg));
	EXPECT_EQ(0U, arg.count);
	EXPECT_EQ(needed, arg.buf_len);
	/* Nothing was written. */
	for (i = 0; i < needed; i++)
		ASSERT_EQ(0xaa, ((__u8 *)list_buf)[i]) TH_LOG("byte %zu", i);

	/* The retry with the size reported fits exactly. */
	ASSERT_OK(list_into(self->fd, 0, UID_A, list_buf, arg.buf_len, &arg));
	EXPECT_EQ(3U, arg.count);
	EXPECT_EQ(needed, arg.buf_len);
	EXPECT_NO_PROBLEM(parse_records(list_buf, arg.buf_len, arg.count, recs,
					3));
	EXPECT_TRUE(record_is(&recs[2], UID_A, "third rule", 10));
}

TEST_F(rulestore, list_all_erange_protocol)
{
	struct rulestore_list_arg arg;
	void *buf;

	ASSERT_OK(add_rule(self->fd, UID_A, "one"));
	ASSERT_OK(add_rule(self->fd, UID_B, "two"));
	EXPECT_ERRNO(ERANGE, list_into(self->fd, RULESTORE_LIST_ALL, 0,
				       list_buf, 8, &arg));
	EXPECT_EQ(0U, arg.count);
	ASSERT_LE(2 * RULESTORE_RECORD_SIZE(3), arg.buf_len);
	ASSERT_EQ(0, posix_memalign(&buf, 8, arg.buf_len));
	EXPECT_OK(list_into(self->fd, RULESTORE_LIST_ALL, 0, buf, arg.buf_len,
			    &arg));
	EXPECT_LE(2U, arg.count);
	free(buf);
}

TEST_F(rulestore, generation_changes_on_modification_only)
{
	struct rulestore_list_arg arg;
	__u64 gen, before;

	gen = generation(_metadata, self->fd);
	ASSERT_OK(list_into(self->fd, 0, UID_A, list_buf, sizeof(list_buf),
			    &arg));
	EXPECT_EQ(gen, arg.generation);

	before = gen;
	ASSERT_OK(add_rule(self->fd, UID_A, "x"));
	gen = generation(_metadata, self->fd);
	EXPECT_NE(before, gen);

	/* Failures, LIST and read(2) change nothing. */
	EXPECT_ERRNO(EEXIST, add_rule(self->fd, UID_A, "x"));
	EXPECT_ERRNO(ENOENT, del_rule(self->fd, UID_A, "y"));
	EXPECT_ERRNO(ENOENT, clear_uid(self->fd, UID_B));
	EXPECT_ERRNO(EINVAL, rule_ioctl(self->fd, RULESTORE_IOC_ADD, UID_A,
					"z", 0));
	ASSERT_OK(list_into(self->fd, 0, UID_A, list_buf, sizeof(list_buf),
			    &arg));
	EXPECT_EQ(gen, arg.generation);
	free(read_text(4096));
	EXPECT_EQ(gen, generation(_metadata, self->fd));

	before = gen;
	ASSERT_OK(del_rule(self->fd, UID_A, "x"));
	gen = generation(_metadata, self->fd);
	EXPECT_NE(before, gen);

	before = gen;
	ASSERT_OK(add_rule(self->fd, UID_A, "y"));
	gen = generation(_metadata, self->fd);
	EXPECT_NE(before, gen);

	before = gen;
	ASSERT_OK(clear_uid(self->fd, UID_A));
	EXPECT_NE(before, generation(_metadata, self->fd));
}

TEST_F(rulestore, info_counts_rules_and_uids)
{
	struct rulestore_info before, now;

	ASSERT_OK(get_info(self->fd, &before));
	ASSERT_OK(add_rule(self->fd, UID_A, "a1"));
	ASSERT_OK(add_rule(self->fd, UID_A, "a2"));
	ASSERT_OK(add_rule(self->fd, UID_A, "a3"));
	ASSERT_OK(add_rule(self->fd, UID_B, "b1"));
	ASSERT_OK(add_rule(self->fd, UID_B, "b2"));
	ASSERT_OK(get_info(self->fd, &now));
	EXPECT_EQ(before.nr_rules + 5, now.nr_rules);
	EXPECT_EQ(before.nr_uids + 2, now.nr_uids);

	ASSERT_OK(del_rule(self->fd, UID_B, "b1"));
	ASSERT_OK(get_info(self->fd, &now));
	EXPECT_EQ(before.nr_rules + 4, now.nr_rules);
	EXPECT_EQ(before.nr_uids + 2, now.nr_uids);

	/* Deleting a uid's last rule, or clearing it, drops the uid. */
	ASSERT_OK(del_rule(self->fd, UID_B, "b2"));
	ASSERT_OK(get_info(self->fd, &now));
	EXPECT_EQ(before.nr_rules + 3, now.nr_rules);
	EXPECT_EQ(before.nr_uids + 1, now.nr_uids);
	ASSERT_OK(clear_uid(self->fd, UID_A));
	ASSERT_OK(get_info(self->fd, &now));
	EXPECT_EQ(before.nr_rules, now.nr_rules);
	EXPECT_EQ(before.nr_uids, now.nr_uids);
}

/* ---- read(2) ---- */

TEST_F(rulestore, read_text_format)
{
	char *text, *section;

	ASSERT_OK(add_rule(self->fd, UID_B, "other uid"));
	ASSERT_OK(add_rule(self->fd, UID_A, "allow read /etc"));
	ASSERT_OK(add_rule(self->fd, UID_A, "tab\there"));
	ASSERT_OK(add_rule(self->fd, UID_A, "new\nline"));
	ASSERT_OK(add_rule(self->fd, UID_A, "back\\slash \\012"));
	ASSERT_OK(add_rule(self->fd, UID_A, "\x01\x1f\x7f\r"));
	ASSERT_OK(add_rule(self->fd, UID_A, "\xc3\xbc \xe2\x82\xac \xf0\x9f\x98\x80"));
	ASSERT_OK(add_rule(self->fd, UID_A, "# not a comment"));

	text = read_text(4096);
	EXPECT_NO_PROBLEM(check_text_format(text));

	section = uid_section(text, UID_A);
	EXPECT_STREQ("---- UID: 60000 ----\n"
		     "Rule 1: allow read /etc\n"
		     "Rule 2: tab\\011here\n"
		     "Rule 3: new\\012line\n"
		     "Rule 4: back\\134slash \\134012\n"
		     "Rule 5: \\001\\037\\177\\015\n"
		     "Rule 6: \xc3\xbc \xe2\x82\xac \xf0\x9f\x98\x80\n"
		     "Rule 7: # not a comment\n", section);
	free(section);
	section = uid_section(text, UID_B);
	EXPECT_STREQ("---- UID: 60001 ----\nRule 1: other uid\n", section);
	free(section);
	/* A before B. */
	EXPECT_TRUE(contains(text, "---- UID: 60001 ----") &&
		    strstr(text, "---- UID: 60000 ----") <
		    strstr(text, "---- UID: 60001 ----"));
	free(text);
}

TEST_F(rulestore, read_in_small_pieces)
{
	char *whole, *bytewise;
	unsigned int i;
	char rule[64];

	/* Enough text to cross any internal buffer of a page. */
	for (i = 0; i < 200; i++) {
		snprintf(rule, sizeof(rule), "rule number %u of many", i);
		ASSERT_OK(add_rule(self->fd, UID_A, rule));
	}
	whole = read_text(65536);
	bytewise = read_text(1);
	EXPECT_STREQ(whole, bytewise);
	EXPECT_TRUE(contains(whole, "Rule 200: rule number 199 of many\n"));
	free(whole);
	free(bytewise);
}

TEST_F(rulestore, read_snapshot_is_taken_at_first_read)
{
	char first, *rest, *fresh;
	int rfd;

	rfd = open(RS_DEVICE, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, rfd);
	/* Added after open, before the first read: in the snapshot. */
	ASSERT_OK(add_rule(self->fd, UID_A, "before first read"));
	ASSERT_EQ(1, read(rfd, &first, 1));
	/* Added after the first read: not in it. */
	ASSERT_OK(add_rule(self->fd, UID_A, "after first read"));
	rest = read_rest(rfd, 4096);
	close(rfd);
	EXPECT_TRUE(contains(rest, "Rule 1: before first read\n"));
	EXPECT_FALSE(contains(rest, "after first read"));

	fresh = read_text(4096);
	EXPECT_TRUE(contains(fresh, "Rule 2: after first read\n"));
	free(fresh);
	free(rest);
}

/* ---- Validation: one failure each, all other input valid ---- */

TEST_F(rulestore, rule_len_zero_einval)
{
	EXPECT_ERRNO(EINVAL, rule_ioctl(self->fd, RULESTORE_IOC_ADD, UID_A,
					"x", 0));
	EXPECT_ERRNO(EINVAL, rule_ioctl(self->fd, RULESTORE_IOC_DEL, UID_A,
					"x", 0));
	EXPECT_NO_RULES(self->fd, UID_A);
}

TEST_F(rulestore, rule_len_256_einval)
{
	char rule[RULESTORE_RULE_MAX + 1];

	memset(rule, 'x', sizeof(rule));
	EXPECT_ERRNO(EINVAL, rule_ioctl(self->fd, RULESTORE_IOC_ADD, UID_A,
					rule, sizeof(rule)));
	EXPECT_ERRNO(EINVAL, rule_ioctl(self->fd, RULESTORE_IOC_DEL, UID_A,
					rule, sizeof(rule)));
	/* A length far past the rule's buffer: refused before reading. */
	EXPECT_ERRNO(EINVAL, rule_ioctl(self->fd, RULESTORE_IOC_ADD, UID_A,
					rule, UINT32_MAX));
	EXPECT_NO_RULES(self->fd, UID_A);
}

TEST_F(rulestore, rule_pointer_efault)
{
	char *page = map_guarded_page(_metadata);
	long page_size = sysconf(_SC_PAGESIZE);
	char *straddling = page + page_size - 4;

	memcpy(straddling, "abcd", 4);
	EXPECT_ERRNO(EFAULT, rule_ioctl(self->fd, RULESTORE_IOC_ADD, UID_A,
					NULL, 4));
	EXPECT_ERRNO(EFAULT, rule_ioctl(self->fd, RULESTORE_IOC_DEL, UID_A,
					NULL, 4));
	/* The last byte of the rule is in the inaccessible page. */
	EXPECT_ERRNO(EFAULT, rule_ioctl(self->fd, RULESTORE_IOC_ADD, UID_A,
					straddling, 5));
	EXPECT_ERRNO(EFAULT, rule_ioctl(self->fd, RULESTORE_IOC_DEL, UID_A,
					straddling, 5));
	/* The same four bytes, all readable: fine. */
	EXPECT_OK(rule_ioctl(self->fd, RULESTORE_IOC_ADD, UID_A,
			     straddling, 4));
	EXPECT_RULES(self->fd, UID_A, "abcd");
	munmap(page, 2 * page_size);
}

TEST_F(rulestore, rule_with_nul_einval)
{
	static const char inside[] = "allow\0deny";
	static const char at_end[] = "allow";

	EXPECT_ERRNO(EINVAL, rule_ioctl(self->fd, RULESTORE_IOC_ADD, UID_A,
					inside, sizeof(inside) - 1));
	/* The C string's terminator counted in len. */
	EXPECT_ERRNO(EINVAL, rule_ioctl(self->fd, RULESTORE_IOC_ADD, UID_A,
					at_end, sizeof(at_end)));
	ASSERT_OK(add_rule(self->fd, UID_A, "allow"));
	EXPECT_ERRNO(EINVAL, rule_ioctl(self->fd, RULESTORE_IOC_DEL, UID_A,
					at_end, sizeof(at_end)));
	EXPECT_RULES(self->fd, UID_A, "allow");
}

TEST_F(rulestore, unmappable_uid_einval)
{
	struct rulestore_list_arg arg;

	EXPECT_ERRNO(EINVAL, add_rule(self->fd, UNMAPPABLE_UID, "x"));
	EXPECT_ERRNO(EINVAL, del_rule(self->fd, UNMAPPABLE_UID, "x"));
	EXPECT_ERRNO(EINVAL, clear_uid(self->fd, UNMAPPABLE_UID));
	EXPECT_ERRNO(EINVAL, list_into(self->fd, 0, UNMAPPABLE_UID, list_buf,
				       sizeof(list_buf), &arg));
}

TEST_F(rulestore, clear_reserved_einval)
{
	struct rulestore_clear_arg arg = { .size = sizeof(arg), .uid = UID_A };

	ASSERT_OK(add_rule(self->fd, UID_A, "kept"));
	arg.__reserved = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, RULESTORE_IOC_CLEAR, &arg));
	arg.__reserved = 1U << 31;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, RULESTORE_IOC_CLEAR, &arg));
	EXPECT_RULES(self->fd, UID_A, "kept");
}

TEST_F(rulestore, list_reserved_einval)
{
	struct rulestore_list_arg arg;

	ASSERT_OK(add_rule(self->fd, UID_A, "kept"));
	init_list_arg(&arg, 0, UID_A, list_buf, sizeof(list_buf));
	arg.__reserved = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, RULESTORE_IOC_LIST, &arg));
	arg.__reserved = 1U << 31;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, RULESTORE_IOC_LIST, &arg));
}

TEST_F(rulestore, list_all_with_uid_einval)
{
	struct rulestore_list_arg arg;

	EXPECT_ERRNO(EINVAL, list_into(self->fd, RULESTORE_LIST_ALL, UID_A,
				       list_buf, sizeof(list_buf), &arg));
	EXPECT_ERRNO(EINVAL, list_into(self->fd, RULESTORE_LIST_ALL, 1,
				       list_buf, sizeof(list_buf), &arg));
	/* The same with uid 0 is fine. */
	EXPECT_OK(list_into(self->fd, RULESTORE_LIST_ALL, 0, list_buf,
			    sizeof(list_buf), &arg));
}

TEST_F(rulestore, list_misaligned_buf_einval)
{
	struct rulestore_list_arg arg;
	char *buf = (char *)list_buf;

	ASSERT_OK(add_rule(self->fd, UID_A, "x"));
	EXPECT_ERRNO(EINVAL, list_into(self->fd, 0, UID_A, buf + 1,
				       sizeof(list_buf) - 8, &arg));
	EXPECT_ERRNO(EINVAL, list_into(self->fd, 0, UID_A, buf + 4,
				       sizeof(list_buf) - 8, &arg));
	EXPECT_ERRNO(EINVAL, list_into(self->fd, RULESTORE_LIST_ALL, 0,
				       buf + 4, sizeof(list_buf) - 8, &arg));
}

TEST_F(rulestore, list_unwritable_buf_efault)
{
	long page_size = sysconf(_SC_PAGESIZE);
	struct rulestore_list_arg arg;
	char *page, *readonly;

	ASSERT_OK(add_rule(self->fd, UID_A, "a rule of some length"));
	ASSERT_OK(add_rule(self->fd, UID_A, "and another one"));
	EXPECT_ERRNO(EFAULT, list_into(self->fd, 0, UID_A, NULL, 4096, &arg));

	readonly = mmap(NULL, page_size, PROT_READ,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(readonly != MAP_FAILED);
	EXPECT_ERRNO(EFAULT, list_into(self->fd, 0, UID_A, readonly,
				       page_size, &arg));
	munmap(readonly, page_size);

	/* The first record fits before the inaccessible page, not both. */
	page = map_guarded_page(_metadata);
	EXPECT_ERRNO(EFAULT, list_into(self->fd, 0, UID_A,
				       page + page_size - 32, 4096, &arg));
	munmap(page, 2 * page_size);
	EXPECT_RULES(self->fd, UID_A, "a rule of some length",
		     "and another one");
}

TEST_F(rulestore, add_existing_eexist)
{
	__u64 gen;

	ASSERT_OK(add_rule(self->fd, UID_A, "once"));
	gen = generation(_metadata, self->fd);
	EXPECT_ERRNO(EEXIST, add_rule(self->fd, UID_A, "once"));
	EXPECT_EQ(gen, generation(_metadata, self->fd));
	EXPECT_RULES(self->fd, UID_A, "once");
}

TEST_F(rulestore, del_missing_enoent)
{
	/* A uid without rules, and a uid with other rules. */
	EXPECT_ERRNO(ENOENT, del_rule(self->fd, UID_A, "absent"));
	ASSERT_OK(add_rule(self->fd, UID_A, "present"));
	EXPECT_ERRNO(ENOENT, del_rule(self->fd, UID_A, "absent"));
	EXPECT_ERRNO(ENOENT, del_rule(self->fd, UID_B, "present"));
	ASSERT_OK(del_rule(self->fd, UID_A, "present"));
	EXPECT_ERRNO(ENOENT, del_rule(self->fd, UID_A, "present"));
}

TEST_F(rulestore, clear_empty_uid_enoent)
{
	EXPECT_ERRNO(ENOENT, clear_uid(self->fd, UID_A));
	ASSERT_OK(add_rule(self->fd, UID_A, "x"));
	ASSERT_OK(clear_uid(self->fd, UID_A));
	EXPECT_ERRNO(ENOENT, clear_uid(self->fd, UID_A));
}

/*
 * The limit tests use EXPECT_*() only once a limit is changed: an
 * ASSERT_*() would longjmp(), and the harness may then skip the teardown
 * that puts the limit back (its "child" variable is clobbered).
 */
TEST_F(rulestore, per_uid_limit_enospc)
{
	struct rulestore_info info;

	if (write_param_u32("max_rules_per_uid", 3))
		SKIP(return, "cannot write " RS_PARAMS "max_rules_per_uid");
	EXPECT_OK(get_info(self->fd, &info));
	EXPECT_EQ(3U, info.max_rules_per_uid);

	EXPECT_OK(add_rule(self->fd, UID_A, "r1"));
	EXPECT_OK(add_rule(self->fd, UID_A, "r2"));
	EXPECT_OK(add_rule(self->fd, UID_A, "r3"));
	EXPECT_ERRNO(ENOSPC, add_rule(self->fd, UID_A, "r4"));
	/* The limit is per uid. */
	EXPECT_OK(add_rule(self->fd, UID_B, "r4"));
	/* Room again after a delete. */
	EXPECT_OK(del_rule(self->fd, UID_A, "r2"));
	EXPECT_OK(add_rule(self->fd, UID_A, "r4"));
	EXPECT_RULES(self->fd, UID_A, "r1", "r3", "r4");
	restore_limits(_metadata, &self->limits);
}

TEST_F(rulestore, total_limit_enospc)
{
	struct rulestore_info info;
	__u32 limit;

	ASSERT_OK(get_info(self->fd, &info));
	limit = info.nr_rules + 2;
	if (write_param_u32("max_rules", limit))
		SKIP(return, "cannot write " RS_PARAMS "max_rules");
	EXPECT_OK(get_info(self->fd, &info));
	EXPECT_EQ(limit, info.max_rules);

	EXPECT_OK(add_rule(self->fd, UID_A, "r1"));
	EXPECT_OK(add_rule(self->fd, UID_B, "r1"));
	/* Any uid: the limit is the store's. */
	EXPECT_ERRNO(ENOSPC, add_rule(self->fd, UID_C, "r1"));
	EXPECT_ERRNO(ENOSPC, add_rule(self->fd, UID_A, "r2"));
	EXPECT_OK(del_rule(self->fd, UID_A, "r1"));
	EXPECT_OK(add_rule(self->fd, UID_C, "r1"));
	EXPECT_NO_RULES(self->fd, UID_A);
	restore_limits(_metadata, &self->limits);
}

/*
 * A limit lowered below the rules there are keeps them: only ADD fails,
 * and INFO may show more rules than the limit.
 */
TEST_F(rulestore, lowered_limit_keeps_rules)
{
	struct rulestore_info info;

	ASSERT_OK(add_rule(self->fd, UID_A, "one"));
	ASSERT_OK(add_rule(self->fd, UID_A, "two"));
	ASSERT_OK(add_rule(self->fd, UID_B, "three"));
	if (write_param_u32("max_rules_per_uid", 1) ||
	    write_param_u32("max_rules", 1))
		SKIP(return, "cannot write " RS_PARAMS);
	EXPECT_RULES(self->fd, UID_A, "one", "two");
	EXPECT_RULES(self->fd, UID_B, "three");
	EXPECT_OK(get_info(self->fd, &info));
	EXPECT_EQ(1U, info.max_rules);
	EXPECT_LE(3U, info.nr_rules);
	EXPECT_ERRNO(ENOSPC, add_rule(self->fd, UID_A, "four"));
	EXPECT_ERRNO(ENOSPC, add_rule(self->fd, UID_C, "four"));
	EXPECT_OK(del_rule(self->fd, UID_A, "one"));
	EXPECT_RULES(self->fd, UID_A, "two");
}

/*
 * A limit above what a LIST of everything could return (its buf_len is a
 * __u32, and one kernel allocation holds it) is refused, and the limit
 * stays what it was.
 */
TEST_F(rulestore, limits_are_bounded)
{
	static const char * const params[] = {
		"max_rules", "max_rules_per_uid",
	};
	char before[32], after[32];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		if (read_param(params[i], before, sizeof(before)))
			SKIP(return, "cannot read " RS_PARAMS "%s", params[i]);
		EXPECT_EQ(-1, write_param(params[i], "4294967295"))
			TH_LOG("%s accepted 4294967295", params[i]);
		EXPECT_EQ(-1, write_param(params[i], "4194305"))
			TH_LOG("%s accepted 4194305", params[i]);
		ASSERT_OK(read_param(params[i], after, sizeof(after)));
		EXPECT_STREQ(before, after);
		EXPECT_OK(write_param(params[i], "4194304"));
	}
}

TEST_F(rulestore, unknown_ioctl_enotty)
{
	struct rulestore_info info = { .size = sizeof(info) };

	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(RULESTORE_IOC_MAGIC, 0x05),
				   &info));
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(RULESTORE_IOC_MAGIC, 0xff),
				   &info));
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(RULESTORE_IOC_MAGIC + 1, 0x04),
				   &info));
	/* The right number with a size or direction encoded is another cmd. */
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd,
				   _IOWR(RULESTORE_IOC_MAGIC, 0x04,
					 struct rulestore_info), &info));
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd,
				   _IOW(RULESTORE_IOC_MAGIC, 0x00,
					struct rulestore_rule_arg), &info));
	/* And the same fd still works. */
	EXPECT_OK(get_info(self->fd, &info));
}

/*
 * The checks come in a fixed order: size, then flags and reserved
 * fields, then the uid, then permission, then the content, then the
 * operation. Each call here fails two checks and must report the first.
 */
TEST_F(rulestore, checks_in_order_as_root)
{
	struct {
		struct rulestore_rule_arg arg;
		__u64 tail;
	} big = {
		.arg = {
			.size = sizeof(big), .flags = 1, .uid = UID_A,
			.len = 1, .rule = (uintptr_t)"x",
		},
		.tail = 1,
	};
	struct rulestore_list_arg list;

	ASSERT_OK(add_rule(self->fd, UID_A, "present"));
	/* Size before flags. */
	EXPECT_ERRNO(E2BIG, ioctl(self->fd, RULESTORE_IOC_ADD, &big));
	/* Flags before the operation. */
	big.arg.size = sizeof(big.arg);
	big.arg.rule = (uintptr_t)"present";
	big.arg.len = 7;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, RULESTORE_IOC_ADD, &big));
	/* The uid before the content. */
	EXPECT_ERRNO(EINVAL, rule_ioctl(self->fd, RULESTORE_IOC_ADD,
					UNMAPPABLE_UID, NULL, 4));
	/* The length before reading the rule. */
	EXPECT_ERRNO(EINVAL, rule_ioctl(self->fd, RULESTORE_IOC_ADD, UID_A,
					NULL, RULESTORE_RULE_MAX + 1));
	/* The content before the operation. */
	EXPECT_ERRNO(EINVAL, rule_ioctl(self->fd, RULESTORE_IOC_DEL, UID_A,
					"absent\xff", 7));
	/* LIST: the uid before the buffer. */
	EXPECT_ERRNO(EINVAL, list_into(self->fd, 0, UNMAPPABLE_UID, NULL,
				       4096, &list));
	EXPECT_RULES(self->fd, UID_A, "present");
}

/*
 * ---- Permissions ----
 *
 * The children below drop privileges and report through EXPECT_*() on
 * the shared _metadata; see EXPECT_ERRNO() for why never ASSERT_*().
 */

/* Rules the permission tests start from. */
static void add_permission_rules(struct __test_metadata *_metadata, int fd)
{
	ASSERT_OK(add_rule(fd, UNPRIV_UID, "own rule"));
	ASSERT_OK(add_rule(fd, UID_A, "someone else's rule"));
}

TEST_F(rulestore, unprivileged_cannot_modify)
{
	__u64 gen;
	pid_t pid;
	int fd;

	add_permission_rules(_metadata, self->fd);
	gen = generation(_metadata, self->fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		fd = drop_privileges(UNPRIV_UID, UNPRIV_UID);
		/* Not even for one's own uid. */
		EXPECT_ERRNO(EPERM, add_rule(fd, UNPRIV_UID, "new"));
		EXPECT_ERRNO(EPERM, add_rule(fd, UID_A, "new"));
		EXPECT_ERRNO(EPERM, del_rule(fd, UNPRIV_UID, "own rule"));
		EXPECT_ERRNO(EPERM, del_rule(fd, UID_A, "someone else's rule"));
		EXPECT_ERRNO(EPERM, clear_uid(fd, UNPRIV_UID));
		EXPECT_ERRNO(EPERM, clear_uid(fd, UID_A));
		_exit(0);
	}
	wait_child(_metadata, pid);
	EXPECT_EQ(gen, generation(_metadata, self->fd));
	EXPECT_RULES(self->fd, UNPRIV_UID, "own rule");
	EXPECT_RULES(self->fd, UID_A, "someone else's rule");
}

TEST_F(rulestore, unprivileged_lists_own_uid_only)
{
	struct rulestore_list_arg arg;
	struct rulestore_info info;
	struct record rec;
	pid_t pid;
	int fd;

	add_permission_rules(_metadata, self->fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		fd = drop_privileges(UNPRIV_UID, UNPRIV_UID);
		EXPECT_OK(get_info(fd, &info));
		EXPECT_OK(list_into(fd, 0, UNPRIV_UID, list_buf,
				    sizeof(list_buf), &arg));
		EXPECT_EQ(1U, arg.count);
		EXPECT_NO_PROBLEM(parse_records(list_buf, arg.buf_len,
						arg.count, &rec, 1));
		EXPECT_TRUE(record_is(&rec, UNPRIV_UID, "own rule", 8));
		EXPECT_ERRNO(EPERM, list_into(fd, 0, UID_A, list_buf,
					      sizeof(list_buf), &arg));
		EXPECT_ERRNO(EPERM, list_into(fd, 0, 0, list_buf,
					      sizeof(list_buf), &arg));
		EXPECT_ERRNO(EPERM, list_into(fd, RULESTORE_LIST_ALL, 0,
					      list_buf, sizeof(list_buf),
					      &arg));
		_exit(0);
	}
	wait_child(_metadata, pid);
}

/* "Own" is the effective uid, not the real one. */
TEST_F(rulestore, unprivileged_own_uid_is_effective_uid)
{
	struct rulestore_list_arg arg;
	pid_t pid;
	int fd;

	add_permission_rules(_metadata, self->fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		fd = drop_privileges(UNPRIV_UID + 1, UNPRIV_UID);
		EXPECT_OK(list_into(fd, 0, UNPRIV_UID, list_buf,
				    sizeof(list_buf), &arg));
		EXPECT_EQ(1U, arg.count);
		EXPECT_ERRNO(EPERM, list_into(fd, 0, UNPRIV_UID + 1, list_buf,
					      sizeof(list_buf), &arg));
		_exit(0);
	}
	wait_child(_metadata, pid);
}

TEST_F(rulestore, unprivileged_read_shows_own_rules_only)
{
	char *text;
	pid_t pid;

	add_permission_rules(_metadata, self->fd);
	ASSERT_OK(add_rule(self->fd, UNPRIV_UID, "second\town rule"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(drop_privileges(UNPRIV_UID, UNPRIV_UID));
		text = read_text(4096);
		EXPECT_STREQ("---- UID: 65000 ----\n"
			     "Rule 1: own rule\n"
			     "Rule 2: second\\011own rule\n", text);
		free(text);
		_exit(0);
	}
	wait_child(_metadata, pid);
}

TEST_F(rulestore, unprivileged_read_without_rules_is_empty)
{
	char *text;
	pid_t pid;

	ASSERT_OK(add_rule(self->fd, UID_A, "someone else's rule"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(drop_privileges(UNPRIV_UID, UNPRIV_UID));
		text = read_text(4096);
		EXPECT_STREQ("", text);
		free(text);
		_exit(0);
	}
	wait_child(_metadata, pid);
}

/*
 * The order of the checks as seen without privileges: argument errors
 * before EPERM, EPERM before anything about the uid, the rule or the
 * store, so that EPERM tells an unprivileged caller nothing more.
 */
TEST_F(rulestore, checks_in_order_unprivileged)
{
	struct {
		struct rulestore_rule_arg arg;
		__u64 tail;
	} big = {
		.arg = {
			.size = sizeof(big), .uid = UNPRIV_UID, .len = 1,
			.rule = (uintptr_t)"x",
		},
		.tail = 1,
	};
	struct rulestore_clear_arg clear = {
		.size = sizeof(clear), .uid = UNPRIV_UID, .__reserved = 1,
	};
	struct rulestore_list_arg arg;
	char *buf = (char *)list_buf;
	pid_t pid;
	int fd;

	add_permission_rules(_metadata, self->fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		fd = drop_privileges(UNPRIV_UID, UNPRIV_UID);
		/*
		 * Size, flags, reserved fields and the LIST buffer's
		 * alignment come before the uid, and the uid before
		 * permission.
		 */
		EXPECT_ERRNO(E2BIG, ioctl(fd, RULESTORE_IOC_ADD, &big));
		big.arg.size = sizeof(big.arg) - 1;
		EXPECT_ERRNO(EINVAL, ioctl(fd, RULESTORE_IOC_ADD, &big));
		big.arg.size = sizeof(big.arg);
		big.arg.flags = 1;
		EXPECT_ERRNO(EINVAL, ioctl(fd, RULESTORE_IOC_ADD, &big));
		EXPECT_ERRNO(EINVAL, ioctl(fd, RULESTORE_IOC_CLEAR, &clear));
		EXPECT_ERRNO(EINVAL, list_into(fd, 0, UID_A, buf + 4, 4096,
					       &arg));
		EXPECT_ERRNO(EINVAL, add_rule(fd, UNMAPPABLE_UID, "x"));
		EXPECT_ERRNO(EINVAL, clear_uid(fd, UNMAPPABLE_UID));
		/* Permission comes before the rule and the store. */
		EXPECT_ERRNO(EPERM, rule_ioctl(fd, RULESTORE_IOC_ADD,
					       UNPRIV_UID, "x", 0));
		EXPECT_ERRNO(EPERM, rule_ioctl(fd, RULESTORE_IOC_ADD,
					       UNPRIV_UID, NULL, 4));
		EXPECT_ERRNO(EPERM, rule_ioctl(fd, RULESTORE_IOC_DEL,
					       UNPRIV_UID, "\xff", 1));
		EXPECT_ERRNO(EPERM, add_rule(fd, UNPRIV_UID, "own rule"));
		EXPECT_ERRNO(EPERM, del_rule(fd, UNPRIV_UID, "absent"));
		EXPECT_ERRNO(EPERM, clear_uid(fd, UID_B));
		EXPECT_ERRNO(EPERM, list_into(fd, 0, UID_A, buf, 4096, &arg));
		_exit(0);
	}
	wait_child(_metadata, pid);
}

/*
 * A file acts with its opener's permissions, whoever uses it. A process
 * that dropped its privileges keeps what a file root opened lets it do:
 * read(2) and LIST see every uid, ADD works.
 */
TEST_F(rulestore, root_opened_fd_keeps_root_permissions)
{
	struct rulestore_list_arg arg;
	char *text, *section;
	pid_t pid;

	add_permission_rules(_metadata, self->fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		become(UNPRIV_UID, UNPRIV_UID);
		text = read_rest(self->fd, 4096);
		section = uid_section(text, UID_A);
		EXPECT_STREQ("---- UID: 60000 ----\n"
			     "Rule 1: someone else's rule\n", section);
		free(section);
		free(text);
		EXPECT_OK(list_into(self->fd, 0, UID_A, list_buf,
				    sizeof(list_buf), &arg));
		EXPECT_EQ(1U, arg.count);
		EXPECT_OK(list_into(self->fd, RULESTORE_LIST_ALL, 0, list_buf,
				    sizeof(list_buf), &arg));
		EXPECT_OK(add_rule(self->fd, UID_A, "added through root's fd"));
		_exit(0);
	}
	wait_child(_metadata, pid);
	EXPECT_RULES(self->fd, UID_A, "someone else's rule",
		     "added through root's fd");
}

/* Send @fd over the socket @sock. */
static int send_fd(int sock, int fd)
{
	char data = 0, control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

/* A file descriptor received over the socket @sock, or -1. */
static int receive_fd(int sock)
{
	char data, control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/*
 * The other way round: root, handed a file that a plain user opened (as
 * a privileged helper may be), can do only what that user could.
 */
TEST_F(rulestore, unprivileged_fd_in_root_process_stays_unprivileged)
{
	struct rulestore_list_arg arg;
	int sock[2], fd;
	__u64 gen;
	char *text;
	pid_t pid;

	add_permission_rules(_metadata, self->fd);
	gen = generation(_metadata, self->fd);
	ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		fd = drop_privileges(UNPRIV_UID, UNPRIV_UID);
		_exit(send_fd(sock[1], fd) ? KSFT_FAIL : 0);
	}
	fd = receive_fd(sock[0]);
	close(sock[0]);
	close(sock[1]);
	wait_child(_metadata, pid);
	ASSERT_LE(0, fd);

	EXPECT_ERRNO(EPERM, add_rule(fd, UID_A, "new"));
	EXPECT_ERRNO(EPERM, clear_uid(fd, UNPRIV_UID));
	EXPECT_ERRNO(EPERM, list_into(fd, 0, UID_A, list_buf,
				      sizeof(list_buf), &arg));
	EXPECT_ERRNO(EPERM, list_into(fd, RULESTORE_LIST_ALL, 0, list_buf,
				      sizeof(list_buf), &arg));
	EXPECT_OK(list_into(fd, 0, UNPRIV_UID, list_buf, sizeof(list_buf),
			    &arg));
	EXPECT_EQ(1U, arg.count);
	text = read_rest(fd, 4096);
	EXPECT_STREQ("---- UID: 65000 ----\nRule 1: own rule\n", text);
	free(text);
	close(fd);
	EXPECT_EQ(gen, generation(_metadata, self->fd));
}

static bool write_file(const char *path, const char *text)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text);
}

/*
 * An unprivileged user makes a user namespace where it is root, uid 0
 * mapped to UNPRIV_UID outside. CAP_SYS_ADMIN there is not CAP_SYS_ADMIN
 * in the initial namespace: no ADD, DEL or CLEAR. Its rules are seen as
 * uid 0, and a uid the namespace does not map is no uid at all: EINVAL.
 */
TEST_F(rulestore, user_namespace)
{
	struct rulestore_list_arg arg;
	char map[32], *text;
	struct record rec;
	pid_t pid;
	int fd;

	add_permission_rules(_metadata, self->fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(drop_privileges(UNPRIV_UID, UNPRIV_UID));
		if (unshare(CLONE_NEWUSER)) {
			TH_LOG("unshare(CLONE_NEWUSER): %s", strerror(errno));
			_exit(KSFT_SKIP);
		}
		snprintf(map, sizeof(map), "0 %u 1\n", UNPRIV_UID);
		if (!write_file("/proc/self/uid_map", map)) {
			TH_LOG("uid_map: %s", strerror(errno));
			_exit(KSFT_FAIL);
		}
		EXPECT_EQ(0U, geteuid());
		fd = open(RS_DEVICE, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(KSFT_FAIL);

		EXPECT_ERRNO(EPERM, add_rule(fd, 0, "new"));
		EXPECT_ERRNO(EPERM, del_rule(fd, 0, "own rule"));
		EXPECT_ERRNO(EPERM, clear_uid(fd, 0));

		EXPECT_OK(list_into(fd, 0, 0, list_buf, sizeof(list_buf),
				    &arg));
		EXPECT_EQ(1U, arg.count);
		EXPECT_NO_PROBLEM(parse_records(list_buf, arg.buf_len,
						arg.count, &rec, 1));
		EXPECT_TRUE(record_is(&rec, 0, "own rule", 8))
			TH_LOG("the record has uid %u", rec.uid);

		EXPECT_ERRNO(EINVAL, list_into(fd, 0, UNPRIV_UID, list_buf,
					       sizeof(list_buf), &arg));
		EXPECT_ERRNO(EINVAL, list_into(fd, 0, UID_A, list_buf,
					       sizeof(list_buf), &arg));

		text = read_text(4096);
		EXPECT_STREQ("---- UID: 0 ----\nRule 1: own rule\n",
			     text);
		free(text);
		_exit(0);
	}
	wait_child(_metadata, pid);
	EXPECT_RULES(self->fd, UNPRIV_UID, "own rule");
}

/* ---- Concurrency ---- */

#define WRITERS		3
#define WRITER_RULES	400
#define LISTERS		2

/*
 * Writer i adds its rules 0, 1, 2, ... in order, and deletes each even
 * one right after adding the odd one that follows it: its odd rules
 * stay. Writers 0 and 1 share UID_A, writer 2 has UID_B.
 */
struct writer {
	pthread_t thread;
	int fd;
	unsigned int id;
	unsigned int errors;
	char problem[128];
};

static __u32 writer_uid(unsigned int id)
{
	return id < 2 ? UID_A : UID_B;
}

static void writer_note(struct writer *w, const char *op, const char *rule)
{
	if (!w->errors++)
		snprintf(w->problem, sizeof(w->problem), "%s '%s': errno %d",
			 op, rule, errno);
}

static void *writer_run(void *data)
{
	struct writer *w = data;
	char rule[64], prev[64] = "";
	__u32 uid = writer_uid(w->id);
	unsigned int i;

	for (i = 0; i < WRITER_RULES; i++) {
		snprintf(rule, sizeof(rule), "writer %u rule %04u", w->id, i);
		if (add_rule(w->fd, uid, rule))
			writer_note(w, "add", rule);
		if (i % 2 && del_rule(w->fd, uid, prev))
			writer_note(w, "del", prev);
		memcpy(prev, rule, sizeof(rule));
	}
	return NULL;
}

/* The writer and number of a writer's rule, or false for another rule. */
static bool parse_writer_rule(const struct record *rec, unsigned int *id,
			      unsigned int *n)
{
	char rule[RULESTORE_RULE_MAX + 1];

	memcpy(rule, rec->rule, rec->len);
	rule[rec->len] = '\0';
	return sscanf(rule, "writer %u rule %u", id, n) == 2 &&
	       *id < WRITERS && rec->uid == writer_uid(*id);
}

/*
 * What a snapshot taken while the writers run must look like: uids in
 * order; each writer's odd rules 1, 3, 5, ... without a gap, in order,
 * then perhaps the even rule it just added, then perhaps the odd rule
 * after that. Anything else means LIST saw half an operation.
 */
static const char *check_concurrent_snapshot(const struct snapshot *snap,
					     bool all, __u32 uid)
{
	struct {
		unsigned int odds;
		bool even;	/* the pending even rule is there */
		bool closed;	/* ... and the odd one after it */
	} seen[WRITERS] = { 0 };
	unsigned int i, id, n;

	for (i = 0; i < snap->nr; i++) {
		const struct record *rec = &snap->recs[i];

		if (!all && rec->uid != uid)
			return "LIST of a uid gave another uid's rule";
		if (i && rec->uid < snap->recs[i - 1].uid)
			return "uids out of order";
		if (!parse_writer_rule(rec, &id, &n))
			continue;
		if (seen[id].closed)
			return "a writer's rule after its pending pair";
		if (n % 2 == 0) {
			if (seen[id].even || n != 2 * seen[id].odds)
				return "a writer's even rule out of place";
			seen[id].even = true;
		} else {
			if (n != 2 * seen[id].odds + 1)
				return "a gap in a writer's odd rules";
			seen[id].odds++;
			seen[id].closed = seen[id].even;
		}
	}
	return NULL;
}

struct lister {
	pthread_t thread;
	int fd;
	bool *stop;
	unsigned long snapshots;
	unsigned int errors;
	char problem[128];
	/* The last snapshot of each kind: same generation, same bytes. */
	struct {
		bool valid;
		__u64 generation;
		__u64 hash;
	} last[2];
};

static __u64 fnv1a(const void *buf, size_t len)
{
	const __u8 *p = buf;
	__u64 hash = 0xcbf29ce484222325ULL;

	while (len--)
		hash = (hash ^ *p++) * 0x100000001b3ULL;
	return hash;
}

static void lister_note(struct lister *l, const char *what, int err)
{
	if (!l->errors++)
		snprintf(l->problem, sizeof(l->problem), "%s (errno %d)",
			 what, err);
}

/* The generation changes with every change: same one, same snapshot. */
static void lister_compare(struct lister *l, int kind,
			   const struct snapshot *snap)
{
	__u64 hash = fnv1a(snap->buf, snap->arg.buf_len);

	if (l->last[kind].valid &&
	    l->last[kind].generation == snap->arg.generation &&
	    l->last[kind].hash != hash)
		lister_note(l, "one generation, two different snapshots", 0);
	l->last[kind].valid = true;
	l->last[kind].generation = snap->arg.generation;
	l->last[kind].hash = hash;
}

static void *lister_run(void *data)
{
	struct lister *l = data;
	struct snapshot snap;
	const char *problem;
	bool all;

	while (!__atomic_load_n(l->stop, __ATOMIC_ACQUIRE)) {
		all = l->snapshots++ % 2;
		if (take_snapshot(l->fd, all ? RULESTORE_LIST_ALL : 0,
				  all ? 0 : UID_A, &snap)) {
			lister_note(l, snap.problem ?: "LIST failed", errno);
			continue;
		}
		problem = check_concurrent_snapshot(&snap, all, UID_A);
		if (problem)
			lister_note(l, problem, 0);
		lister_compare(l, all, &snap);
		free_snapshot(&snap);
	}
	return NULL;
}

/* After the writers: exactly their odd rules, in order. */
static void expect_writer_rules(struct __test_metadata *_metadata, int fd,
				__u32 uid)
{
	unsigned int i, id, n, want = 0;
	struct snapshot snap;

	ASSERT_OK(take_snapshot(fd, 0, uid, &snap));
	for (i = 0; i < WRITERS; i++)
		if (writer_uid(i) == uid)
			want += WRITER_RULES / 2;
	EXPECT_EQ(want, snap.nr);
	EXPECT_NO_PROBLEM(check_concurrent_snapshot(&snap, false, uid));
	for (i = 0; i < snap.nr; i++) {
		EXPECT_TRUE(parse_writer_rule(&snap.recs[i], &id, &n));
		EXPECT_EQ(1U, n % 2)
			TH_LOG("even rule %u of writer %u left", n, id);
	}
	free_snapshot(&snap);
}

TEST_F_TIMEOUT(rulestore, concurrent_add_del_list, 300)
{
	struct writer writers[WRITERS];
	struct lister listers[LISTERS];
	struct rulestore_info before, after;
	bool stop = false;
	unsigned int i;

	ASSERT_OK(get_info(self->fd, &before));
	memset(writers, 0, sizeof(writers));
	memset(listers, 0, sizeof(listers));
	for (i = 0; i < LISTERS; i++) {
		listers[i].fd = self->fd;
		listers[i].stop = &stop;
		ASSERT_EQ(0, pthread_create(&listers[i].thread, NULL,
					    lister_run, &listers[i]));
	}
	for (i = 0; i < WRITERS; i++) {
		writers[i].fd = self->fd;
		writers[i].id = i;
		ASSERT_EQ(0, pthread_create(&writers[i].thread, NULL,
					    writer_run, &writers[i]));
	}
	for (i = 0; i < WRITERS; i++) {
		ASSERT_EQ(0, pthread_join(writers[i].thread, NULL));
		EXPECT_EQ(0U, writers[i].errors)
			TH_LOG("writer %u: %s", i, writers[i].problem);
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < LISTERS; i++) {
		ASSERT_EQ(0, pthread_join(listers[i].thread, NULL));
		EXPECT_EQ(0U, listers[i].errors)
			TH_LOG("lister %u: %s", i, listers[i].problem);
		EXPECT_LT(0UL, listers[i].snapshots);
	}

	expect_writer_rules(_metadata, self->fd, UID_A);
	expect_writer_rules(_metadata, self->fd, UID_B);
	ASSERT_OK(get_info(self->fd, &after));
	EXPECT_EQ(before.nr_rules + WRITERS * WRITER_RULES / 2,
		  after.nr_rules);
	EXPECT_EQ(before.nr_uids + 2, after.nr_uids);
}

#define RACERS		4
#define RACE_RULES	300U

/* Racers add (then delete) the same rules at once: one wins each. */
struct racer {
	pthread_t thread;
	int fd;
	unsigned long cmd;
	int loser_errno;
	pthread_barrier_t *start;
	unsigned int *wins;
	unsigned int unexpected;
};

static void *racer_run(void *data)
{
	struct racer *r = data;
	unsigned int i;
	char rule[32];

	pthread_barrier_wait(r->start);
	for (i = 0; i < RACE_RULES; i++) {
		snprintf(rule, sizeof(rule), "raced rule %u", i);
		if (!rule_ioctl(r->fd, r->cmd, UID_C, rule, strlen(rule)))
			__atomic_add_fetch(&r->wins[i], 1, __ATOMIC_RELAXED);
		else if (errno != r->loser_errno)
			r->unexpected++;
	}
	return NULL;
}

static void race(struct __test_metadata *_metadata, int fd, unsigned long cmd,
		 int loser_errno)
{
	static unsigned int wins[RACE_RULES];
	struct racer racers[RACERS];
	pthread_barrier_t start;
	unsigned int i;

	memset(wins, 0, sizeof(wins));
	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, RACERS));
	for (i = 0; i < RACERS; i++) {
		racers[i] = (struct racer){
			.fd = fd, .cmd = cmd, .loser_errno = loser_errno,
			.start = &start, .wins = wins,
		};
		ASSERT_EQ(0, pthread_create(&racers[i].thread, NULL,
					    racer_run, &racers[i]));
	}
	for (i = 0; i < RACERS; i++) {
		ASSERT_EQ(0, pthread_join(racers[i].thread, NULL));
		EXPECT_EQ(0U, racers[i].unexpected);
	}
	for (i = 0; i < RACE_RULES; i++)
		EXPECT_EQ(1U, wins[i]) TH_LOG("rule %u", i);
	pthread_barrier_destroy(&start);
}

TEST_F_TIMEOUT(rulestore, concurrent_same_rule_wins_once, 120)
{
	struct snapshot snap;

	race(_metadata, self->fd, RULESTORE_IOC_ADD, EEXIST);
	ASSERT_OK(take_snapshot(self->fd, 0, UID_C, &snap));
	EXPECT_EQ(RACE_RULES, snap.nr);
	free_snapshot(&snap);
	race(_metadata, self->fd, RULESTORE_IOC_DEL, ENOENT);
	EXPECT_NO_RULES(self->fd, UID_C);
	EXPECT_ERRNO(ENOENT, clear_uid(self->fd, UID_C));
}

/*
 * ---- The extensible argument of every ioctl ----
 *
 * Each variant is one ioctl with an argument that succeeds as it is;
 * each test breaks one thing about it.
 */
FIXTURE(ioctl_arg) {
	int fd;
	struct saved_limits limits;
	char *page;		/* a page, then an inaccessible one */
	long page_size;
	__u64 generation;
};

FIXTURE_VARIANT(ioctl_arg) {
	unsigned long cmd;
	__u32 size;		/* of the structure this test knows */
	__u32 unknown_flag;	/* the lowest flag the ioctl does not know */
};

FIXTURE_VARIANT_ADD(ioctl_arg, add) {
	.cmd = RULESTORE_IOC_ADD,
	.size = sizeof(struct rulestore_rule_arg),
	.unknown_flag = 1,
};

FIXTURE_VARIANT_ADD(ioctl_arg, del) {
	.cmd = RULESTORE_IOC_DEL,
	.size = sizeof(struct rulestore_rule_arg),
	.unknown_flag = 1,
};

FIXTURE_VARIANT_ADD(ioctl_arg, list) {
	.cmd = RULESTORE_IOC_LIST,
	.size = sizeof(struct rulestore_list_arg),
	.unknown_flag = RULESTORE_LIST_ALL << 1,
};

FIXTURE_VARIANT_ADD(ioctl_arg, clear) {
	.cmd = RULESTORE_IOC_CLEAR,
	.size = sizeof(struct rulestore_clear_arg),
	.unknown_flag = 1,
};

FIXTURE_VARIANT_ADD(ioctl_arg, info) {
	.cmd = RULESTORE_IOC_INFO,
	.size = sizeof(struct rulestore_info),
	.unknown_flag = 1,
};

FIXTURE_SETUP(ioctl_arg)
{
	self->fd = store_setup(_metadata, &self->limits);
	if (self->fd < 0)
		return;
	self->page_size = sysconf(_SC_PAGESIZE);
	self->page = map_guarded_page(_metadata);
	/* DEL and CLEAR need a rule to succeed on. */
	ASSERT_OK(add_rule(self->fd, UID_A, "existing rule"));
	self->generation = generation(_metadata, self->fd);
}

FIXTURE_TEARDOWN(ioctl_arg)
{
	if (self->page)
		munmap(self->page, 2 * self->page_size);
	store_teardown(_metadata, self->fd, &self->limits);
}

union any_arg {
	struct rulestore_rule_arg rule;
	struct rulestore_list_arg list;
	struct rulestore_clear_arg clear;
	struct rulestore_info info;
};

/* An argument of @cmd that succeeds, @size set to @size. */
static void make_valid_arg(unsigned long cmd, union any_arg *arg, __u32 size)
{
	memset(arg, 0, sizeof(*arg));
	switch (cmd) {
	case RULESTORE_IOC_ADD:
		arg->rule.uid = UID_A;
		arg->rule.rule = (uintptr_t)"new rule";
		arg->rule.len = 8;
		break;
	case RULESTORE_IOC_DEL:
		arg->rule.uid = UID_A;
		arg->rule.rule = (uintptr_t)"existing rule";
		arg->rule.len = 13;
		break;
	case RULESTORE_IOC_LIST:
		arg->list.uid = UID_A;
		arg->list.buf = (uintptr_t)list_buf;
		arg->list.buf_len = sizeof(list_buf);
		break;
	case RULESTORE_IOC_CLEAR:
		arg->clear.uid = UID_A;
		break;
	}
	/* @size comes first in every argument. */
	arg->rule.size = size;
}

/*
 * Put a valid argument of @cmd (of @arg_size bytes) at @at, claiming
 * @size bytes, with zeros after it up to @size. Returns @at.
 */
static char *place_valid_arg(unsigned long cmd, size_t arg_size, char *at,
			     __u32 size)
{
	union any_arg arg;

	make_valid_arg(cmd, &arg, size);
	memset(at, 0, size);
	memcpy(at, &arg, arg_size);
	return at;
}

/*
 * What a successful call of @cmd did to the store, which was at
 * generation @gen before it.
 */
static void expect_done(struct __test_metadata *_metadata, int fd, __u64 gen,
			unsigned long cmd)
{
	switch (cmd) {
	case RULESTORE_IOC_ADD:
		EXPECT_RULES(fd, UID_A, "existing rule", "new rule");
		break;
	case RULESTORE_IOC_DEL:
	case RULESTORE_IOC_CLEAR:
		EXPECT_NO_RULES(fd, UID_A);
		break;
	default:
		EXPECT_EQ(gen, generation(_metadata, fd));
		EXPECT_RULES(fd, UID_A, "existing rule");
	}
}

/* A failed call changed nothing of the store, at generation @gen before. */
static void expect_unchanged(struct __test_metadata *_metadata, int fd,
			     __u64 gen)
{
	EXPECT_EQ(gen, generation(_metadata, fd));
	EXPECT_RULES(fd, UID_A, "existing rule");
}

TEST_F(ioctl_arg, valid_arg_succeeds)
{
	char *arg = place_valid_arg(variant->cmd, variant->size, self->page, variant->size);

	EXPECT_OK(ioctl(self->fd, variant->cmd, arg));
	expect_done(_metadata, self->fd, self->generation, variant->cmd);
}

TEST_F(ioctl_arg, null_arg_efault)
{
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, variant->cmd, NULL));
	expect_unchanged(_metadata, self->fd, self->generation);
}

TEST_F(ioctl_arg, inaccessible_arg_efault)
{
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, variant->cmd,
				   self->page + self->page_size));
	expect_unchanged(_metadata, self->fd, self->generation);
}

/* @size can be read, the last 8 bytes of the structure cannot. */
TEST_F(ioctl_arg, arg_runs_into_inaccessible_page_efault)
{
	char *at = self->page + self->page_size - (variant->size - 8);
	union any_arg arg;

	make_valid_arg(variant->cmd, &arg, variant->size);
	memcpy(at, &arg, variant->size - 8);
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, variant->cmd, at));
	expect_unchanged(_metadata, self->fd, self->generation);
}

TEST_F(ioctl_arg, size_zero_einval)
{
	char *arg = place_valid_arg(variant->cmd, variant->size, self->page, variant->size);

	*(__u32 *)arg = 0;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, variant->cmd, arg));
	expect_unchanged(_metadata, self->fd, self->generation);
}

TEST_F(ioctl_arg, size_short_einval)
{
	char *arg = place_valid_arg(variant->cmd, variant->size, self->page, variant->size);

	*(__u32 *)arg = variant->size - 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, variant->cmd, arg));
	/* Without the last field, as if from an older header. */
	*(__u32 *)arg = variant->size - 4;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, variant->cmd, arg));
	*(__u32 *)arg = 8;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, variant->cmd, arg));
	expect_unchanged(_metadata, self->fd, self->generation);
}

TEST_F(ioctl_arg, tail_nonzero_e2big)
{
	char *arg = place_valid_arg(variant->cmd, variant->size, self->page, variant->size + 8);

	arg[variant->size + 7] = 1;
	EXPECT_ERRNO(E2BIG, ioctl(self->fd, variant->cmd, arg));
	arg[variant->size + 7] = 0;
	arg[variant->size] = 0x80;
	EXPECT_ERRNO(E2BIG, ioctl(self->fd, variant->cmd, arg));
	/* A whole page, one byte set at its very end. */
	arg = place_valid_arg(variant->cmd, variant->size, self->page, self->page_size);
	arg[self->page_size - 1] = 1;
	EXPECT_ERRNO(E2BIG, ioctl(self->fd, variant->cmd, arg));
	expect_unchanged(_metadata, self->fd, self->generation);
}

TEST_F(ioctl_arg, tail_zero_accepted)
{
	char *arg = place_valid_arg(variant->cmd, variant->size, self->page, variant->size + 8);
	unsigned int i;

	EXPECT_OK(ioctl(self->fd, variant->cmd, arg));
	/* Nothing written beyond the structure the kernel knows. */
	for (i = variant->size; i < variant->size + 8; i++)
		EXPECT_EQ(0, arg[i]);
	expect_done(_metadata, self->fd, self->generation, variant->cmd);
}

TEST_F(ioctl_arg, tail_page_zero_accepted)
{
	char *arg = place_valid_arg(variant->cmd, variant->size, self->page, self->page_size);

	EXPECT_OK(ioctl(self->fd, variant->cmd, arg));
	expect_done(_metadata, self->fd, self->generation, variant->cmd);
}

/*
 * A size above the page size is -E2BIG even with a zero tail: the kernel
 * does not read megabytes of user memory to check them.
 */
TEST_F(ioctl_arg, size_above_page_e2big)
{
	size_t len = 2 * self->page_size;
	char *arg;

	arg = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(arg != MAP_FAILED);
	place_valid_arg(variant->cmd, variant->size, arg, len);
	*(__u32 *)arg = self->page_size + 8;
	EXPECT_ERRNO(E2BIG, ioctl(self->fd, variant->cmd, arg));
	*(__u32 *)arg = len;
	EXPECT_ERRNO(E2BIG, ioctl(self->fd, variant->cmd, arg));
	munmap(arg, len);
	expect_unchanged(_metadata, self->fd, self->generation);
}

/* The tail to check for zeros is in the inaccessible page. */
TEST_F(ioctl_arg, tail_inaccessible_efault)
{
	char *at = self->page + self->page_size - variant->size;

	place_valid_arg(variant->cmd, variant->size, at, variant->size);
	*(__u32 *)at = variant->size + 8;
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, variant->cmd, at));
	expect_unchanged(_metadata, self->fd, self->generation);
}

TEST_F(ioctl_arg, unknown_flags_einval)
{
	__u32 *arg = (__u32 *)place_valid_arg(variant->cmd, variant->size, self->page,
					      variant->size);

	/* @flags follows @size in every argument. */
	arg[1] = variant->unknown_flag;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, variant->cmd, arg));
	arg[1] = 1U << 31;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, variant->cmd, arg));
	expect_unchanged(_metadata, self->fd, self->generation);
}

/*
 * ---- UTF-8 ----
 *
 * Each variant is a rule; .error is what ADD and DEL give for it, 0 for
 * a valid rule, which must then come back from LIST byte for byte.
 */
FIXTURE(utf8) {
	int fd;
	struct saved_limits limits;
};

FIXTURE_VARIANT(utf8) {
	const char *rule;
	__u32 len;
	int error;
};

#define UTF8_RULE(bytes)	.rule = (bytes), .len = sizeof(bytes) - 1

FIXTURE_VARIANT_ADD(utf8, ascii) { UTF8_RULE("plain"), .error = 0 };
FIXTURE_VARIANT_ADD(utf8, u0080) { UTF8_RULE("a\xc2\x80"), .error = 0 };
FIXTURE_VARIANT_ADD(utf8, u07ff) { UTF8_RULE("a\xdf\xbf"), .error = 0 };
FIXTURE_VARIANT_ADD(utf8, u0800) { UTF8_RULE("a\xe0\xa0\x80"), .error = 0 };
FIXTURE_VARIANT_ADD(utf8, ud7ff) { UTF8_RULE("a\xed\x9f\xbf"), .error = 0 };
FIXTURE_VARIANT_ADD(utf8, ue000) { UTF8_RULE("a\xee\x80\x80"), .error = 0 };
FIXTURE_VARIANT_ADD(utf8, ufffe) { UTF8_RULE("a\xef\xbf\xbe"), .error = 0 };
FIXTURE_VARIANT_ADD(utf8, u10000) {
	UTF8_RULE("a\xf0\x90\x80\x80"), .error = 0 };
FIXTURE_VARIANT_ADD(utf8, u10ffff) {
	UTF8_RULE("a\xf4\x8f\xbf\xbf"), .error = 0 };
FIXTURE_VARIANT_ADD(utf8, overlong_2byte_nul) {
	UTF8_RULE("a\xc0\x80"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, overlong_2byte) {
	UTF8_RULE("a\xc1\xbf"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, overlong_3byte) {
	UTF8_RULE("a\xe0\x9f\xbf"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, overlong_4byte) {
	UTF8_RULE("a\xf0\x8f\xbf\xbf"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, surrogate_first) {
	UTF8_RULE("a\xed\xa0\x80"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, surrogate_last) {
	UTF8_RULE("a\xed\xbf\xbf"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, above_10ffff) {
	UTF8_RULE("a\xf4\x90\x80\x80"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, lead_f5) {
	UTF8_RULE("a\xf5\x80\x80\x80"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, five_byte_form) {
	UTF8_RULE("a\xf8\x88\x80\x80\x80"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, byte_ff) { UTF8_RULE("a\xff"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, truncated_2byte_at_end) {
	UTF8_RULE("a\xc3"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, truncated_3byte_at_end) {
	UTF8_RULE("a\xe2\x82"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, truncated_4byte_at_end) {
	UTF8_RULE("a\xf0\x9f\x98"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, truncated_before_ascii) {
	UTF8_RULE("a\xe2\x82z"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, stray_continuation_first) {
	UTF8_RULE("\x80"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, stray_continuation_middle) {
	UTF8_RULE("a\xbfz"), .error = EINVAL };
FIXTURE_VARIANT_ADD(utf8, extra_continuation) {
	UTF8_RULE("a\xc3\xa9\xa9"), .error = EINVAL };

FIXTURE_SETUP(utf8)
{
	self->fd = store_setup(_metadata, &self->limits);
}

FIXTURE_TEARDOWN(utf8)
{
	store_teardown(_metadata, self->fd, &self->limits);
}

TEST_F(utf8, add_list_del)
{
	__u64 gen = generation(_metadata, self->fd);
	struct snapshot snap;

	if (variant->error) {
		EXPECT_ERRNO(variant->error,
			     rule_ioctl(self->fd, RULESTORE_IOC_ADD, UID_A,
					variant->rule, variant->len));
		EXPECT_ERRNO(variant->error,
			     rule_ioctl(self->fd, RULESTORE_IOC_DEL, UID_A,
					variant->rule, variant->len));
		EXPECT_EQ(gen, generation(_metadata, self->fd));
		EXPECT_NO_RULES(self->fd, UID_A);
		return;
	}
	ASSERT_OK(rule_ioctl(self->fd, RULESTORE_IOC_ADD, UID_A,
			     variant->rule, variant->len));
	ASSERT_OK(take_snapshot(self->fd, 0, UID_A, &snap));
	ASSERT_EQ(1U, snap.nr);
	EXPECT_TRUE(record_is(&snap.recs[0], UID_A, variant->rule,
			      variant->len));
	free_snapshot(&snap);
	EXPECT_OK(rule_ioctl(self->fd, RULESTORE_IOC_DEL, UID_A,
			     variant->rule, variant->len));
}

/*
 * RULESTORE_RECORD_SIZE() of a corrupt length must not wrap around, in
 * 32-bit programs too, or a program walking records would loop forever
 * or read past its buffer.
 */
TEST(record_size_does_not_wrap)
{
	EXPECT_EQ(8ULL, RULESTORE_RECORD_SIZE(0));
	EXPECT_EQ(264ULL, RULESTORE_RECORD_SIZE(RULESTORE_RULE_MAX));
	EXPECT_EQ(0x100000000ULL, RULESTORE_RECORD_SIZE(0xfffffff8U));
	EXPECT_EQ(0x100000008ULL, RULESTORE_RECORD_SIZE(0xffffffffU));
}

int main(int argc, char **argv)
{
	return rs_harness_main(argc, argv, NULL, NULL);
}
