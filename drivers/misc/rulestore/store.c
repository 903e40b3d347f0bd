// SPDX-License-Identifier: GPL-2.0
/*
 * The rule store behind /dev/rulestore.
 *
 * Rules are kept per kuid, in an xarray of users each holding an RCU list
 * of rules in insertion order. Writers take @lock and change the store
 * inside a @seq write section; readers walk it under RCU without taking
 * any lock and retry when @seq says a writer ran meanwhile, so a snapshot
 * is consistent and a reader never waits for a writer's allocations.
 */

#include <linux/err.h>
#include <linux/overflow.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/user_namespace.h>
#include <uapi/linux/rulestore.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "store.h"

struct rule_store_user {
	struct list_head rules;		/* struct rule_store_rule, RCU */
	unsigned int nr_rules;
	struct rcu_head rcu;
};

struct rule_store_rule {
	struct list_head node;
	struct rcu_head rcu;
	u32 len;
	u8 data[] __counted_by(len);
};

void rule_store_init(struct rule_store *store)
{
	mutex_init(&store->lock);
	seqcount_mutex_init(&store->seq, &store->lock);
	xa_init(&store->users);
	store->nr_rules = 0;
	store->nr_uids = 0;
	store->generation = 0;
}
EXPORT_SYMBOL_IF_KUNIT(rule_store_init);

/* Frees everything; nobody may use the store any more. */
void rule_store_destroy(struct rule_store *store)
{
	struct rule_store_rule *rule, *tmp;
	struct rule_store_user *user;
	unsigned long index;

	/* Users that CLEAR took out are freed by a callback of this module. */
	rcu_barrier();
	xa_for_each(&store->users, index, user) {
		list_for_each_entry_safe(rule, tmp, &user->rules, node)
			kfree(rule);
		kfree(user);
	}
	xa_destroy(&store->users);
	mutex_destroy(&store->lock);
}
EXPORT_SYMBOL_IF_KUNIT(rule_store_destroy);

/*
 * Decodes the lead byte of a UTF-8 sequence: the number of continuation
 * bytes, the code point bits so far, and the smallest code point the
 * sequence may encode (anything smaller is an overlong form).
 */
static bool utf8_lead(u8 c, unsigned int *more, u32 *cp, u32 *min)
{
	if (c >= 0xc2 && c <= 0xdf) {
		*more = 1;
		*cp = c & 0x1f;
		*min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		*more = 2;
		*cp = c & 0x0f;
		*min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		*more = 3;
		*cp = c & 0x07;
		*min = 0x10000;
	} else {
		/* A continuation byte, an overlong lead, or past U+10FFFF. */
		return false;
	}
	return true;
}

/**
 * rule_store_rule_valid() - check that bytes may be a rule
 * @rule: the bytes
 * @len: their number
 *
 * A rule is 1 to %RULESTORE_RULE_MAX bytes of well-formed UTF-8 (RFC 3629:
 * no overlong form, no surrogate, nothing above U+10FFFF) without NUL.
 *
 * Return: true if @rule is a valid rule.
 */
bool rule_store_rule_valid(const u8 *rule, u32 len)
{
	unsigned int more, i;
	u32 pos, cp, min;

	if (!len || len > RULESTORE_RULE_MAX)
		return false;

	for (pos = 0; pos < len; pos += 1 + more) {
		more = 0;
		if (!rule[pos])
			return false;
		if (rule[pos] < 0x80)
			continue;
		if (!utf8_lead(rule[pos], &more, &cp, &min) ||
		    more >= len - pos)
			return false;
		for (i = 1; i <= more; i++) {
			if ((rule[pos + i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (rule[pos + i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(rule_store_rule_valid);

static struct rule_store_rule *
rule_store_find(struct rule_store_user *user, const u8 *rule, u32 len)
{
	struct rule_store_rule *r;

	list_for_each_entry(r, &user->rules, node)
		if (r->len == len && !memcmp(r->data, rule, len))
			return r;
	return NULL;
}

static bool rule_store_full(struct rule_store *store,
			    struct rule_store_user *user,
			    const struct rule_store_limits *limits)
{
	return (user ? user->nr_rules : 0) >= limits->rules_per_uid ||
	       store->nr_rules >= limits->rules;
}

/**
 * rule_store_add() - add a rule to the rules of a uid
 * @store: the store
 * @uid: the user
 * @rule: the rule's bytes; see rule_store_rule_valid()
 * @len: their number
 * @limits: the most rules per uid and in total
 *
 * The memory is charged to the caller's memory cgroup.
 *
 * Context: Process context; takes the store's mutex.
 * Return: 0, -EINVAL for an invalid uid or rule, -EEXIST if @uid has the
 * rule already, -ENOSPC past a limit, -ENOMEM.
 */
int rule_store_add(struct rule_store *store, kuid_t uid, const u8 *rule,
		   u32 len, const struct rule_store_limits *limits)
{
	struct rule_store_user *user, *new_user = NULL;
	struct rule_store_rule *new;
	int ret;

	if (!uid_valid(uid) || !rule_store_rule_valid(rule, len))
		return -EINVAL;

	new = kmalloc(struct_size(new, data, len), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	new->len = len;
	memcpy(new->data, rule, len);

	mutex_lock(&store->lock);
	user = xa_load(&store->users, __kuid_val(uid));
	if (user && rule_store_find(user, rule, len)) {
		ret = -EEXIST;
		goto err_unlock;
	}
	if (rule_store_full(store, user, limits)) {
		ret = -ENOSPC;
		goto err_unlock;
	}
	if (!user) {
		new_user = kzalloc(sizeof(*new_user), GFP_KERNEL_ACCOUNT);
		if (!new_user) {
			ret = -ENOMEM;
			goto err_unlock;
		}
		INIT_LIST_HEAD(&new_user->rules);
		/* Readers may find it empty: they skip users with no rules. */
		ret = xa_insert(&store->users, __kuid_val(uid), new_user,
				GFP_KERNEL_ACCOUNT);
		if (ret)
			goto err_free_user;
		user = new_user;
	}

	write_seqcount_begin(&store->seq);
	list_add_tail_rcu(&new->node, &user->rules);
	user->nr_rules++;
	store->nr_rules++;
	if (new_user)
		store->nr_uids++;
	store->generation++;
	write_seqcount_end(&store->seq);
	mutex_unlock(&store->lock);
	return 0;

err_free_user:
	kfree(new_user);
err_unlock:
	mutex_unlock(&store->lock);
	kfree(new);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(rule_store_add);

/* Frees a user that no reader can reach any more, with its rules. */
static void rule_store_user_free_rcu(struct rcu_head *head)
{
	struct rule_store_user *user =
		container_of(head, struct rule_store_user, rcu);
	struct rule_store_rule *r, *tmp;

	list_for_each_entry_safe(r, tmp, &user->rules, node)
		kfree(r);
	kfree(user);
}

/* Called with the lock held, outside the seq write section. */
static void rule_store_drop_user_if_empty(struct rule_store *store,
					  kuid_t uid,
					  struct rule_store_user *user)
{
	if (user->nr_rules)
		return;
	xa_erase(&store->users, __kuid_val(uid));
	kfree_rcu(user, rcu);
}

/**
 * rule_store_del() - remove a rule from the rules of a uid
 * @store: the store
 * @uid: the user
 * @rule: the rule's bytes
 * @len: their number
 *
 * Context: Process context; takes the store's mutex.
 * Return: 0, -EINVAL for an invalid uid or rule, -ENOENT if @uid does not
 * have the rule.
 */
int rule_store_del(struct rule_store *store, kuid_t uid, const u8 *rule,
		   u32 len)
{
	struct rule_store_user *user;
	struct rule_store_rule *r = NULL;

	if (!uid_valid(uid) || !rule_store_rule_valid(rule, len))
		return -EINVAL;

	mutex_lock(&store->lock);
	user = xa_load(&store->users, __kuid_val(uid));
	if (user)
		r = rule_store_find(user, rule, len);
	if (!r) {
		mutex_unlock(&store->lock);
		return -ENOENT;
	}

	write_seqcount_begin(&store->seq);
	list_del_rcu(&r->node);
	user->nr_rules--;
	store->nr_rules--;
	if (!user->nr_rules)
		store->nr_uids--;
	store->generation++;
	write_seqcount_end(&store->seq);

	rule_store_drop_user_if_empty(store, uid, user);
	mutex_unlock(&store->lock);
	kfree_rcu(r, rcu);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rule_store_del);

/**
 * rule_store_clear() - remove every rule of a uid
 * @store: the store
 * @uid: the user
 *
 * Context: Process context; takes the store's mutex.
 * Return: 0, -EINVAL for an invalid uid, -ENOENT if @uid has no rule.
 */
int rule_store_clear(struct rule_store *store, kuid_t uid)
{
	struct rule_store_user *user;

	if (!uid_valid(uid))
		return -EINVAL;

	mutex_lock(&store->lock);
	user = xa_load(&store->users, __kuid_val(uid));
	if (!user) {
		mutex_unlock(&store->lock);
		return -ENOENT;
	}

	/*
	 * Only the unlinking is inside the write section: readers retry for
	 * as long as it lasts. The user keeps its rules, for readers that
	 * still walk them, until a grace period has passed.
	 */
	write_seqcount_begin(&store->seq);
	xa_erase(&store->users, __kuid_val(uid));
	store->nr_rules -= user->nr_rules;
	store->nr_uids--;
	store->generation++;
	write_seqcount_end(&store->seq);
	mutex_unlock(&store->lock);

	call_rcu(&user->rcu, rule_store_user_free_rcu);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rule_store_clear);

/**
 * rule_store_info() - counts and generation of the store
 * @store: the store
 * @info: filled in, consistently
 */
void rule_store_info(struct rule_store *store, struct rule_store_info *info)
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&store->seq);
		info->nr_rules = store->nr_rules;
		info->nr_uids = store->nr_uids;
		info->generation = store->generation;
	} while (read_seqcount_retry(&store->seq, seq));
}
EXPORT_SYMBOL_IF_KUNIT(rule_store_info);

/*
 * Whether a writer ran since the reader's read_seqcount_begin() gave
 * @seq, so that what the reader saw must be taken again. KUnit stands in
 * for it to make every lockless try look disturbed.
 */
VISIBLE_IF_KUNIT bool rule_store_walk_disturbed(struct rule_store *store,
						unsigned int seq)
{
	KUNIT_STATIC_STUB_REDIRECT(rule_store_walk_disturbed, store, seq);
	return read_seqcount_retry(&store->seq, seq);
}
EXPORT_SYMBOL_IF_KUNIT(rule_store_walk_disturbed);

/* What one walk of the store saw. */
struct rule_store_seen {
	size_t len;		/* the bytes the records take */
	u32 count;		/* the number of records */
	u64 generation;
};

/*
 * Walks the rules of @uid, or of every uid when @uid is NULL, under RCU,
 * and writes their records to @buf as far as @cap bytes allow. Only a
 * walk that no writer disturbed (see rule_store_snapshot()) is complete.
 */
static void rule_store_walk(struct rule_store *store, const kuid_t *uid,
			    struct user_namespace *ns, void *buf, size_t cap,
			    struct rule_store_seen *walk)
{
	unsigned long index, last = ULONG_MAX;
	struct rulestore_record *rec;
	struct rule_store_user *user;
	struct rule_store_rule *r;
	size_t size;

	walk->len = 0;
	walk->count = 0;
	index = uid ? __kuid_val(*uid) : 0;
	if (uid)
		last = index;

	rcu_read_lock();
	walk->generation = store->generation;
	xa_for_each_range(&store->users, index, user, index, last) {
		list_for_each_entry_rcu(r, &user->rules, node) {
			size = RULESTORE_RECORD_SIZE(r->len);
			if (walk->len + size <= cap) {
				rec = buf + walk->len;
				rec->uid = from_kuid_munged(ns, KUIDT_INIT(index));
				rec->len = r->len;
				memcpy(rec->rule, r->data, r->len);
				memset(rec->rule + r->len, 0,
				       size - sizeof(*rec) - r->len);
			}
			walk->len += size;
			walk->count++;
		}
	}
	rcu_read_unlock();
}

/**
 * rule_store_snapshot() - copy the rules of a uid, or all, as records
 * @store: the store
 * @uid: the user, or NULL for every user
 * @ns: the user namespace the records' uids are given in
 * @max_len: the most bytes the caller takes
 * @snap: the snapshot; free it with rule_store_snapshot_free()
 *
 * The snapshot is consistent: it is the store as it was at one moment,
 * tagged with the generation of that moment. It does not wait for the
 * store's mutex unless writers changed the store during each of
 * %RULE_STORE_SNAPSHOT_TRIES tries in a row: then it takes the mutex for
 * the next try, waiting for the writer that holds it, so that a stream
 * of writers cannot starve it.
 *
 * Context: Process context.
 * Return: 0; -ERANGE if the records take more than @max_len bytes, with
 * @snap->len set to the bytes needed and no records; -ENOMEM.
 */
int rule_store_snapshot(struct rule_store *store, const kuid_t *uid,
			struct user_namespace *ns, size_t max_len,
			struct rule_store_snapshot *snap)
{
	struct rule_store_seen walk;
	bool locked = false;
	unsigned int seq;
	int tries = 0;
	void *buf;
	int ret;

	memset(snap, 0, sizeof(*snap));
	for (;;) {
		if (++tries > RULE_STORE_SNAPSHOT_TRIES && !locked) {
			mutex_lock(&store->lock);
			locked = true;
		}
		seq = read_seqcount_begin(&store->seq);
		rule_store_walk(store, uid, ns, NULL, 0, &walk);
		if (rule_store_walk_disturbed(store, seq))
			continue;
		if (walk.len > max_len) {
			snap->len = walk.len;
			snap->generation = walk.generation;
			ret = -ERANGE;
			break;
		}

		/* Allocate outside RCU, then fill in a second walk. */
		buf = kvmalloc(walk.len ?: 1, GFP_KERNEL_ACCOUNT);
		if (!buf) {
			ret = -ENOMEM;
			break;
		}
		rule_store_walk(store, uid, ns, buf, walk.len, &walk);
		if (rule_store_walk_disturbed(store, seq)) {
			kvfree(buf);
			continue;
		}
		snap->records = buf;
		snap->len = walk.len;
		snap->count = walk.count;
		snap->generation = walk.generation;
		ret = 0;
		break;
	}
	if (locked)
		mutex_unlock(&store->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(rule_store_snapshot);

void rule_store_snapshot_free(struct rule_store_snapshot *snap)
{
	kvfree(snap->records);
	snap->records = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(rule_store_snapshot_free);
