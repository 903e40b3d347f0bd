// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the rule store behind /dev/rulestore, each on a private
 * store: rule validation, dedupe, order, limits, removal, many rules of
 * one uid, snapshot sizes, the generation number, which seqcount a
 * snapshot reads, and the snapshot's fallback to the mutex.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/user_namespace.h>
#include <uapi/linux/rulestore.h>

#include "store.h"

static const struct rule_store_limits rule_store_test_no_limits = {
	.rules_per_uid = UINT_MAX,
	.rules = UINT_MAX,
};

static int rule_store_test_add(struct rule_store *store, u32 uid,
			       const char *rule)
{
	return rule_store_add(store, KUIDT_INIT(uid), rule, strlen(rule),
			      &rule_store_test_no_limits);
}

/* A snapshot of @uid (or all), as "uid:rule," text, for comparisons. */
static const char *rule_store_test_list(struct kunit *test,
					struct rule_store *store,
					const u32 *uid)
{
	struct rule_store_snapshot snap;
	const struct rulestore_record *rec;
	kuid_t kuid = KUIDT_INIT(uid ? *uid : 0);
	char *text, *pos;
	size_t off;

	KUNIT_ASSERT_EQ(test, rule_store_snapshot(store, uid ? &kuid : NULL,
						  &init_user_ns, SIZE_MAX,
						  &snap), 0);
	text = kunit_kzalloc(test, snap.len * 2 + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, text);
	pos = text;
	for (off = 0; off < snap.len; off += RULESTORE_RECORD_SIZE(rec->len)) {
		rec = snap.records + off;
		pos += sprintf(pos, "%u:%.*s,", rec->uid, rec->len, rec->rule);
	}
	rule_store_snapshot_free(&snap);
	return text;
}

struct rule_store_test_rule {
	const char *desc;
	const char *bytes;
	u32 len;
	bool valid;
};

#define RULE_STORE_TEST_RULE(_desc, _bytes, _valid) \
	{ .desc = _desc, .bytes = _bytes, .len = sizeof(_bytes) - 1, .valid = _valid }

static const char rule_store_test_long[RULESTORE_RULE_MAX + 2] = {
	[0 ... RULESTORE_RULE_MAX] = 'x',
};

static const struct rule_store_test_rule rule_store_test_rules[] = {
	RULE_STORE_TEST_RULE("ASCII", "allow /tmp", true),
	RULE_STORE_TEST_RULE("two-byte UTF-8", "caf\xc3\xa9", true),
	RULE_STORE_TEST_RULE("three-byte UTF-8", "\xe2\x82\xac 5", true),
	RULE_STORE_TEST_RULE("four-byte UTF-8", "\xf0\x9f\x94\x92", true),
	RULE_STORE_TEST_RULE("U+10FFFF", "\xf4\x8f\xbf\xbf", true),
	{ .desc = "255 bytes", .bytes = rule_store_test_long, .len = 255, .valid = true },
	{ .desc = "256 bytes", .bytes = rule_store_test_long, .len = 256, .valid = false },
	{ .desc = "empty", .bytes = "", .len = 0, .valid = false },
	RULE_STORE_TEST_RULE("NUL inside", "a\0b", false),
	RULE_STORE_TEST_RULE("lone continuation byte", "a\x80", false),
	RULE_STORE_TEST_RULE("overlong two bytes", "\xc0\xaf", false),
	RULE_STORE_TEST_RULE("overlong three bytes", "\xe0\x80\xaf", false),
	RULE_STORE_TEST_RULE("surrogate", "\xed\xa0\x80", false),
	RULE_STORE_TEST_RULE("above U+10FFFF", "\xf4\x90\x80\x80", false),
	RULE_STORE_TEST_RULE("lead byte 0xf5", "\xf5\x80\x80\x80", false),
	RULE_STORE_TEST_RULE("truncated sequence", "ok\xe2\x82", false),
	RULE_STORE_TEST_RULE("bad continuation", "\xe2\x28\xa1", false),
};

static void rule_store_test_rule_desc(const struct rule_store_test_rule *rule,
				      char *desc)
{
	strscpy(desc, rule->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rule_store_test_rules, rule_store_test_rules,
		  rule_store_test_rule_desc);

static void rule_store_rule_validation_test(struct kunit *test)
{
	const struct rule_store_test_rule *rule = test->param_value;
	struct rule_store *store = test->priv;

	KUNIT_EXPECT_EQ(test, rule_store_rule_valid(rule->bytes, rule->len),
			rule->valid);
	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(1), rule->bytes,
					     rule->len, &rule_store_test_no_limits),
			rule->valid ? 0 : -EINVAL);
}

static void rule_store_invalid_uid_test(struct kunit *test)
{
	struct rule_store *store = test->priv;

	KUNIT_EXPECT_EQ(test, rule_store_add(store, INVALID_UID, "a", 1,
					     &rule_store_test_no_limits), -EINVAL);
	KUNIT_EXPECT_EQ(test, rule_store_del(store, INVALID_UID, "a", 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, rule_store_clear(store, INVALID_UID), -EINVAL);
}

static void rule_store_dedupe_test(struct kunit *test)
{
	struct rule_store *store = test->priv;
	struct rule_store_info info;

	KUNIT_EXPECT_EQ(test, rule_store_test_add(store, 1000, "allow"), 0);
	KUNIT_EXPECT_EQ(test, rule_store_test_add(store, 1000, "allow"), -EEXIST);
	/* The same bytes for another uid are another rule. */
	KUNIT_EXPECT_EQ(test, rule_store_test_add(store, 1001, "allow"), 0);
	/* A prefix is not the same rule. */
	KUNIT_EXPECT_EQ(test, rule_store_test_add(store, 1000, "allo"), 0);

	rule_store_info(store, &info);
	KUNIT_EXPECT_EQ(test, info.nr_rules, 3);
	KUNIT_EXPECT_EQ(test, info.nr_uids, 2);
}

static void rule_store_order_test(struct kunit *test)
{
	struct rule_store *store = test->priv;
	const u32 uid = 5;

	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 9, "z"), 0);
	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 5, "c"), 0);
	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 5, "a"), 0);
	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 5, "b"), 0);
	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 3, "y"), 0);

	/* Insertion order within a uid; uids in increasing order. */
	KUNIT_EXPECT_STREQ(test, rule_store_test_list(test, store, &uid), "5:c,5:a,5:b,");
	KUNIT_EXPECT_STREQ(test, rule_store_test_list(test, store, NULL),
			   "3:y,5:c,5:a,5:b,9:z,");
}

static void rule_store_per_uid_limit_test(struct kunit *test)
{
	const struct rule_store_limits limits = { .rules_per_uid = 2, .rules = 100 };
	struct rule_store *store = test->priv;

	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(1), "a", 1, &limits), 0);
	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(1), "b", 1, &limits), 0);
	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(1), "c", 1, &limits),
			-ENOSPC);
	/* An existing rule is still -EEXIST, not -ENOSPC. */
	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(1), "a", 1, &limits),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(2), "c", 1, &limits), 0);
	/* Room again after a removal. */
	KUNIT_EXPECT_EQ(test, rule_store_del(store, KUIDT_INIT(1), "a", 1), 0);
	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(1), "c", 1, &limits), 0);
}

static void rule_store_total_limit_test(struct kunit *test)
{
	const struct rule_store_limits limits = { .rules_per_uid = 100, .rules = 3 };
	struct rule_store *store = test->priv;

	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(1), "a", 1, &limits), 0);
	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(2), "a", 1, &limits), 0);
	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(3), "a", 1, &limits), 0);
	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(4), "a", 1, &limits),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, rule_store_clear(store, KUIDT_INIT(2)), 0);
	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(4), "a", 1, &limits), 0);
}

static void rule_store_removal_test(struct kunit *test)
{
	struct rule_store *store = test->priv;
	struct rule_store_info info;
	const u32 uid = 7;

	KUNIT_EXPECT_EQ(test, rule_store_del(store, KUIDT_INIT(7), "a", 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, rule_store_clear(store, KUIDT_INIT(7)), -ENOENT);

	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 7, "a"), 0);
	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 7, "b"), 0);
	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 7, "c"), 0);
	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 8, "d"), 0);

	KUNIT_EXPECT_EQ(test, rule_store_del(store, KUIDT_INIT(7), "b", 1), 0);
	KUNIT_EXPECT_EQ(test, rule_store_del(store, KUIDT_INIT(7), "b", 1), -ENOENT);
	KUNIT_EXPECT_STREQ(test, rule_store_test_list(test, store, &uid), "7:a,7:c,");

	KUNIT_EXPECT_EQ(test, rule_store_clear(store, KUIDT_INIT(7)), 0);
	KUNIT_EXPECT_EQ(test, rule_store_clear(store, KUIDT_INIT(7)), -ENOENT);
	KUNIT_EXPECT_STREQ(test, rule_store_test_list(test, store, NULL), "8:d,");

	/* Deleting a uid's last rule forgets the uid. */
	KUNIT_EXPECT_EQ(test, rule_store_del(store, KUIDT_INIT(8), "d", 1), 0);
	rule_store_info(store, &info);
	KUNIT_EXPECT_EQ(test, info.nr_rules, 0);
	KUNIT_EXPECT_EQ(test, info.nr_uids, 0);
}

/*
 * Enough rules in one uid for its hash table to grow several times:
 * dedupe, deletion and order must not depend on which bucket a rule is in.
 */
static void rule_store_many_rules_test(struct kunit *test)
{
	struct rule_store *store = test->priv;
	struct rule_store_info info;
	const unsigned int n = 300;
	char rule[16], *expected, *pos;
	unsigned int i;
	const u32 uid = 4;

	for (i = 0; i < n; i++) {
		snprintf(rule, sizeof(rule), "r%u", i);
		KUNIT_ASSERT_EQ(test, rule_store_test_add(store, uid, rule), 0);
	}
	for (i = 0; i < n; i++) {
		snprintf(rule, sizeof(rule), "r%u", i);
		KUNIT_EXPECT_EQ(test, rule_store_test_add(store, uid, rule), -EEXIST);
	}
	/* Delete the even ones, then add them again: they go to the end. */
	for (i = 0; i < n; i += 2) {
		snprintf(rule, sizeof(rule), "r%u", i);
		KUNIT_EXPECT_EQ(test, rule_store_del(store, KUIDT_INIT(uid), rule,
						     strlen(rule)), 0);
		KUNIT_EXPECT_EQ(test, rule_store_del(store, KUIDT_INIT(uid), rule,
						     strlen(rule)), -ENOENT);
	}
	for (i = 0; i < n; i += 2) {
		snprintf(rule, sizeof(rule), "r%u", i);
		KUNIT_EXPECT_EQ(test, rule_store_test_add(store, uid, rule), 0);
	}

	expected = kunit_kzalloc(test, n * sizeof(rule), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, expected);
	pos = expected;
	for (i = 1; i < n; i += 2)
		pos += sprintf(pos, "4:r%u,", i);
	for (i = 0; i < n; i += 2)
		pos += sprintf(pos, "4:r%u,", i);
	KUNIT_EXPECT_STREQ(test, rule_store_test_list(test, store, &uid), expected);
	rule_store_info(store, &info);
	KUNIT_EXPECT_EQ(test, info.nr_rules, n);
	KUNIT_EXPECT_EQ(test, info.nr_uids, 1);
}

static void rule_store_snapshot_size_test(struct kunit *test)
{
	struct rule_store *store = test->priv;
	struct rule_store_snapshot snap;
	const struct rulestore_record *rec;
	size_t need;

	/* An empty store: no records, success. */
	KUNIT_ASSERT_EQ(test, rule_store_snapshot(store, NULL, &init_user_ns, 0,
						  &snap), 0);
	KUNIT_EXPECT_EQ(test, snap.len, 0);
	KUNIT_EXPECT_EQ(test, snap.count, 0);
	rule_store_snapshot_free(&snap);

	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 1, "abcdefgh"), 0);	/* 8 + 8 */
	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 1, "a"), 0);		/* 8 + 8 */
	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 2, "abcdefghi"), 0);	/* 8 + 16 */
	need = 16 + 16 + 24;

	KUNIT_EXPECT_EQ(test, rule_store_snapshot(store, NULL, &init_user_ns,
						  need - 1, &snap), -ERANGE);
	KUNIT_EXPECT_EQ(test, snap.len, need);
	KUNIT_EXPECT_NULL(test, snap.records);

	KUNIT_ASSERT_EQ(test, rule_store_snapshot(store, NULL, &init_user_ns,
						  need, &snap), 0);
	KUNIT_EXPECT_EQ(test, snap.len, need);
	KUNIT_EXPECT_EQ(test, snap.count, 3);
	/* The padding after "a" is zero: no stale kernel memory leaks out. */
	rec = snap.records + 16;
	KUNIT_EXPECT_EQ(test, rec->len, 1);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(rec->rule + 1, 0, 7));
	rule_store_snapshot_free(&snap);
}

/* Past the snapshot's own buffer: allocated, and still complete. */
static void rule_store_big_snapshot_test(struct kunit *test)
{
	const unsigned int n = RULE_STORE_SNAPSHOT_INLINE / 16 + 1;
	struct rule_store *store = test->priv;
	const struct rulestore_record *rec;
	struct rule_store_snapshot snap;
	char rule[12];
	unsigned int i;

	/* Rules of 2 to 4 bytes: a record of 16 bytes each. */
	for (i = 0; i < n; i++) {
		snprintf(rule, sizeof(rule), "%02u", i);
		KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 3, rule), 0);
	}

	KUNIT_EXPECT_EQ(test, rule_store_snapshot(store, NULL, &init_user_ns,
						  n * 16 - 1, &snap), -ERANGE);
	KUNIT_EXPECT_EQ(test, snap.len, n * 16);
	KUNIT_EXPECT_NULL(test, snap.records);

	KUNIT_ASSERT_EQ(test, rule_store_snapshot(store, NULL, &init_user_ns,
						  SIZE_MAX, &snap), 0);
	KUNIT_EXPECT_EQ(test, snap.len, n * 16);
	KUNIT_EXPECT_EQ(test, snap.count, n);
	KUNIT_EXPECT_PTR_NE(test, snap.records, (void *)snap.inline_records);
	for (i = 0; i < n; i++) {
		snprintf(rule, sizeof(rule), "%02u", i);
		rec = snap.records + i * 16;
		KUNIT_EXPECT_EQ(test, rec->uid, 3);
		KUNIT_EXPECT_EQ(test, rec->len, strlen(rule));
		KUNIT_EXPECT_MEMEQ(test, rec->rule, rule, strlen(rule));
	}
	rule_store_snapshot_free(&snap);
	KUNIT_EXPECT_NULL(test, snap.records);
}

static void rule_store_generation_test(struct kunit *test)
{
	struct rule_store *store = test->priv;
	struct rule_store_snapshot snap;
	struct rule_store_info info;
	u64 gen;

	rule_store_info(store, &info);
	gen = info.generation;

	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 1, "a"), 0);
	rule_store_info(store, &info);
	KUNIT_EXPECT_NE(test, info.generation, gen);
	gen = info.generation;

	/* Failures and reads change nothing. */
	KUNIT_EXPECT_EQ(test, rule_store_test_add(store, 1, "a"), -EEXIST);
	KUNIT_EXPECT_EQ(test, rule_store_del(store, KUIDT_INIT(1), "b", 1), -ENOENT);
	KUNIT_ASSERT_EQ(test, rule_store_snapshot(store, NULL, &init_user_ns,
						  SIZE_MAX, &snap), 0);
	KUNIT_EXPECT_EQ(test, snap.generation, gen);
	rule_store_snapshot_free(&snap);
	rule_store_info(store, &info);
	KUNIT_EXPECT_EQ(test, info.generation, gen);

	KUNIT_ASSERT_EQ(test, rule_store_del(store, KUIDT_INIT(1), "a", 1), 0);
	rule_store_info(store, &info);
	KUNIT_EXPECT_NE(test, info.generation, gen);
	gen = info.generation;

	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 1, "a"), 0);
	KUNIT_ASSERT_EQ(test, rule_store_clear(store, KUIDT_INIT(1)), 0);
	rule_store_info(store, &info);
	KUNIT_EXPECT_NE(test, info.generation, gen);
}

/* Lowering a limit below the count keeps the rules; only ADD fails. */
static void rule_store_lowered_limit_test(struct kunit *test)
{
	const struct rule_store_limits lowered = { .rules_per_uid = 1, .rules = 2 };
	struct rule_store *store = test->priv;

	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 1, "a"), 0);
	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 1, "b"), 0);
	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 2, "c"), 0);

	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(1), "d", 1, &lowered),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(3), "d", 1, &lowered),
			-ENOSPC);
	KUNIT_EXPECT_STREQ(test, rule_store_test_list(test, store, NULL), "1:a,1:b,2:c,");
	/* Removals work, and make room once under the limit. */
	KUNIT_EXPECT_EQ(test, rule_store_clear(store, KUIDT_INIT(1)), 0);
	KUNIT_EXPECT_EQ(test, rule_store_add(store, KUIDT_INIT(3), "d", 1, &lowered),
			0);
}

/*
 * For the fallback test: how often the snapshot asked whether writers
 * disturbed it, without and with the store's mutex. Tests run one at a
 * time, so plain statics do.
 */
static unsigned int rule_store_test_lockless_tries, rule_store_test_locked_tries;
static const seqcount_mutex_t *rule_store_test_seq_read;

/* Stands in for rule_store_walk_disturbed() to see which seqcount it got. */
static bool rule_store_test_note_seq(struct rule_store *store,
				     const seqcount_mutex_t *seq,
				     unsigned int start)
{
	rule_store_test_seq_read = seq;
	return read_seqcount_retry(seq, start);
}

/*
 * A snapshot of one uid reads that uid's own seqcount, so that writers of
 * other uids do not disturb it; of all, or of a uid without rules, the
 * store's.
 */
static void rule_store_snapshot_seqcount_test(struct kunit *test)
{
	struct rule_store *store = test->priv;
	const u32 uid = 1, other = 2;

	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 1, "a"), 0);
	kunit_activate_static_stub(test, rule_store_walk_disturbed,
				   rule_store_test_note_seq);

	KUNIT_EXPECT_STREQ(test, rule_store_test_list(test, store, &uid), "1:a,");
	KUNIT_EXPECT_PTR_NE(test, rule_store_test_seq_read, &store->seq);
	KUNIT_EXPECT_NOT_NULL(test, rule_store_test_seq_read);
	KUNIT_EXPECT_STREQ(test, rule_store_test_list(test, store, NULL), "1:a,");
	KUNIT_EXPECT_PTR_EQ(test, rule_store_test_seq_read, &store->seq);
	rule_store_test_seq_read = NULL;
	KUNIT_EXPECT_STREQ(test, rule_store_test_list(test, store, &other), "");
	KUNIT_EXPECT_PTR_EQ(test, rule_store_test_seq_read, &store->seq);
}

/*
 * Stands in for rule_store_walk_disturbed(): every lockless try was
 * disturbed, as by a stream of writers; with the mutex held (only the
 * snapshot takes it here), the real answer. Gives up after 100 tries, so
 * that a snapshot without a fallback fails the test instead of spinning.
 */
static bool rule_store_test_always_disturbed(struct rule_store *store,
					     const seqcount_mutex_t *seq,
					     unsigned int start)
{
	if (mutex_is_locked(&store->lock)) {
		rule_store_test_locked_tries++;
		return read_seqcount_retry(seq, start);
	}
	return ++rule_store_test_lockless_tries < 100;
}

struct rule_store_test_fallback {
	const char *desc;
	unsigned int nr_rules;		/* of uid 1, or all */
	bool one_uid;
	unsigned int locked_walks;
};

/*
 * Under the mutex, records that fit the snapshot's own buffer take one
 * walk; more take the walk that measures them and the walk that copies.
 */
static const struct rule_store_test_fallback rule_store_test_fallbacks[] = {
	{ "all, small", 2, false, 1 },
	{ "one uid, small", 2, true, 1 },
	{ "all, past the inline buffer", RULE_STORE_SNAPSHOT_INLINE / 16 + 1, false, 2 },
	{ "one uid, past the inline buffer", RULE_STORE_SNAPSHOT_INLINE / 16 + 1, true, 2 },
};

static void rule_store_test_fallback_desc(const struct rule_store_test_fallback *f,
					  char *desc)
{
	strscpy(desc, f->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rule_store_test_fallbacks, rule_store_test_fallbacks,
		  rule_store_test_fallback_desc);

static void rule_store_snapshot_fallback_test(struct kunit *test)
{
	const struct rule_store_test_fallback *f = test->param_value;
	struct rule_store *store = test->priv;
	struct rule_store_snapshot snap;
	kuid_t uid = KUIDT_INIT(1);
	char rule[12];
	unsigned int i;

	for (i = 0; i < f->nr_rules; i++) {
		snprintf(rule, sizeof(rule), "%02u", i);
		KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 1, rule), 0);
	}
	KUNIT_ASSERT_EQ(test, rule_store_test_add(store, 2, "b"), 0);
	rule_store_test_lockless_tries = 0;
	rule_store_test_locked_tries = 0;
	kunit_activate_static_stub(test, rule_store_walk_disturbed,
				   rule_store_test_always_disturbed);

	KUNIT_ASSERT_EQ(test, rule_store_snapshot(store, f->one_uid ? &uid : NULL,
						  &init_user_ns, SIZE_MAX,
						  &snap), 0);
	KUNIT_EXPECT_EQ(test, snap.count, f->nr_rules + !f->one_uid);
	rule_store_snapshot_free(&snap);
	KUNIT_EXPECT_EQ(test, rule_store_test_lockless_tries, RULE_STORE_SNAPSHOT_TRIES);
	KUNIT_EXPECT_EQ(test, rule_store_test_locked_tries, f->locked_walks);
	/* And it let the mutex go. */
	KUNIT_EXPECT_FALSE(test, mutex_is_locked(&store->lock));
}

static int rule_store_test_init(struct kunit *test)
{
	struct rule_store *store;

	store = kunit_kzalloc(test, sizeof(*store), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, store);
	rule_store_init(store);
	test->priv = store;
	return 0;
}

static void rule_store_test_exit(struct kunit *test)
{
	/* NULL if the init failed. */
	if (test->priv)
		rule_store_destroy(test->priv);
}

static struct kunit_case rule_store_test_cases[] = {
	KUNIT_CASE_PARAM(rule_store_rule_validation_test, rule_store_test_rules_gen_params),
	KUNIT_CASE(rule_store_invalid_uid_test),
	KUNIT_CASE(rule_store_dedupe_test),
	KUNIT_CASE(rule_store_order_test),
	KUNIT_CASE(rule_store_per_uid_limit_test),
	KUNIT_CASE(rule_store_total_limit_test),
	KUNIT_CASE(rule_store_removal_test),
	KUNIT_CASE(rule_store_many_rules_test),
	KUNIT_CASE(rule_store_snapshot_size_test),
	KUNIT_CASE(rule_store_big_snapshot_test),
	KUNIT_CASE(rule_store_generation_test),
	KUNIT_CASE(rule_store_lowered_limit_test),
	KUNIT_CASE(rule_store_snapshot_seqcount_test),
	KUNIT_CASE_PARAM(rule_store_snapshot_fallback_test,
			 rule_store_test_fallbacks_gen_params),
	{}
};

static struct kunit_suite rule_store_test_suite = {
	.name = "rulestore_store",
	.init = rule_store_test_init,
	.exit = rule_store_test_exit,
	.test_cases = rule_store_test_cases,
};

kunit_test_suite(rule_store_test_suite);

MODULE_DESCRIPTION("KUnit tests for the rulestore rule store");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
