/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule store behind /dev/rulestore: rules kept per kuid, read under
 * RCU, written under a mutex. Separate from the file operations so that
 * KUnit can test it on a private instance.
 */
#ifndef _RULESTORE_STORE_H
#define _RULESTORE_STORE_H

#include <linux/mutex.h>
#include <linux/seqlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>

struct user_namespace;

/*
 * A snapshot that writers disturbed this many times in a row takes the
 * writers' mutex for its next try.
 */
#define RULE_STORE_SNAPSHOT_TRIES	8

/*
 * The records a snapshot holds without allocating: LIST of one uid's
 * handful of rules then costs one walk and no allocation.
 */
#define RULE_STORE_SNAPSHOT_INLINE	512

struct rule_store {
	struct mutex lock;		/* serialises writers */
	seqcount_mutex_t seq;		/* lets readers of all see a writer ran */
	struct xarray users;		/* kuid -> struct rule_store_user */
	unsigned int nr_rules;
	unsigned int nr_uids;
	u64 generation;			/* changes on every modification */
};

struct rule_store_limits {
	unsigned int rules_per_uid;
	unsigned int rules;
};

struct rule_store_info {
	unsigned int nr_rules;
	unsigned int nr_uids;
	u64 generation;
};

/*
 * Packed struct rulestore_record entries, as LIST hands them out. @records
 * points to @inline_records when they fit there, else to a kvmalloc().
 */
struct rule_store_snapshot {
	void *records;
	size_t len;
	u32 count;
	u64 generation;
	u8 inline_records[RULE_STORE_SNAPSHOT_INLINE] __aligned(8);
};

void rule_store_init(struct rule_store *store);
void rule_store_destroy(struct rule_store *store);
bool rule_store_rule_valid(const u8 *rule, u32 len);
int rule_store_add(struct rule_store *store, kuid_t uid, const u8 *rule,
		   u32 len, const struct rule_store_limits *limits);
int rule_store_del(struct rule_store *store, kuid_t uid, const u8 *rule,
		   u32 len);
int rule_store_clear(struct rule_store *store, kuid_t uid);
void rule_store_info(struct rule_store *store, struct rule_store_info *info);
int rule_store_snapshot(struct rule_store *store, const kuid_t *uid,
			struct user_namespace *ns, size_t max_len,
			struct rule_store_snapshot *snap);
void rule_store_snapshot_free(struct rule_store_snapshot *snap);

#if IS_ENABLED(CONFIG_KUNIT)
bool rule_store_walk_disturbed(struct rule_store *store,
			       const seqcount_mutex_t *seq, unsigned int start);
#endif

#endif /* _RULESTORE_STORE_H */
