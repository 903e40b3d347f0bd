// SPDX-License-Identifier: GPL-2.0
/*
 * The rule store behind /dev/rulestore.
 *
 * Rules are kept per kuid, in an xarray of users each holding an RCU list
 * of rules in insertion order. Writers take @lock and change a user
 * inside a write section of both the store's @seq and the user's own;
 * readers walk under RCU without taking any lock and retry when the
 * seqcount they read says a writer ran meanwhile, so a snapshot is
 * consistent and a reader never waits for a writer's allocations. A
 * reader of one uid reads that user's seqcount, so that writers of other
 * uids do not make it retry.
 *
 * Each user also has a hash table of its rules, used by writers only (to
 * refuse a duplicate and to find the rule to delete), so that ADD and DEL
 * cost the same with one rule or a thousand; readers never see it.
 */

#include <linux/err.h>
#include <linux/jhash.h>
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
	seqcount_mutex_t seq;		/* lets readers of it see a writer ran */
	struct rule_store_rule **buckets;	/* writers only */
	unsigned int nr_buckets;	/* a power of two */
	unsigned int nr_rules;
	bool dead;			/* taken out of the store */
	struct rcu_head rcu;
};

/*
 * 44 bytes before the rule: a rule of up to 20 bytes fits kmalloc-64, of
 * up to 52 kmalloc-96, of up to 84 kmalloc-128.
 */
struct rule_store_rule {
	struct list_head node;		/* in the user's rules */
	struct rule_store_rule *hash_next;	/* in its bucket */
	struct rcu_head rcu;
	u32 len;
	u8 data[] __counted_by(len);
};

/* The buckets of a new user; they double when the rules outnumber them. */
#define RULE_STORE_MIN_BUCKETS	4

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
		kvfree(user->buckets);
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

/*
 * Only CAP_SYS_ADMIN adds rules, so nobody can flood a bucket on purpose:
 * no random seed is needed.
 */
static struct rule_store_rule **
rule_store_bucket(struct rule_store_rule **buckets, unsigned int nr_buckets,
		  const u8 *rule, u32 len)
{
	return &buckets[jhash(rule, len, 0) & (nr_buckets - 1)];
}

/* The link that points to @rule in its bucket, or to NULL at its end. */
static struct rule_store_rule **
rule_store_find_link(struct rule_store_user *user, const u8 *rule, u32 len)
{
	struct rule_store_rule **link, *r;

	link = rule_store_bucket(user->buckets, user->nr_buckets, rule, len);
	for (r = *link; r; link = &r->hash_next, r = *link)
		if (r->len == len && !memcmp(r->data, rule, len))
			break;
	return link;
}

static struct rule_store_rule *
rule_store_find(struct rule_store_user *user, const u8 *rule, u32 len)
{
	return *rule_store_find_link(user, rule, len);
}

static void rule_store_hash(struct rule_store_rule **buckets,
			    unsigned int nr_buckets, struct rule_store_rule *r)
{
	struct rule_store_rule **link;

	link = rule_store_bucket(buckets, nr_buckets, r->data, r->len);
	r->hash_next = *link;
	*link = r;
}

/*
 * Makes room in the hash table of @user for one more rule: doubles the
 * buckets when the rules would outnumber them, so that chains stay short.
 * Fails with -ENOMEM, changing nothing.
 */
static int rule_store_user_reserve(struct rule_store_user *user)
{
	unsigned int nr = user->nr_buckets * 2;
	struct rule_store_rule **buckets, *r;

	if (user->nr_rules < user->nr_buckets)
		return 0;
	buckets = kvcalloc(nr, sizeof(*buckets), GFP_KERNEL_ACCOUNT);
	if (!buckets)
		return -ENOMEM;
	list_for_each_entry(r, &user->rules, node)
		rule_store_hash(buckets, nr, r);
	kvfree(user->buckets);
	user->buckets = buckets;
	user->nr_buckets = nr;
	return 0;
}

/* A user with no rules yet, in the store; readers skip it while empty. */
static struct rule_store_user *rule_store_user_new(struct rule_store *store,
						   kuid_t uid)
{
	struct rule_store_user *user;
	int ret = -ENOMEM;

	user = kzalloc(sizeof(*user), GFP_KERNEL_ACCOUNT);
	if (!user)
		return ERR_PTR(-ENOMEM);
	user->buckets = kvcalloc(RULE_STORE_MIN_BUCKETS, sizeof(*user->buckets),
				 GFP_KERNEL_ACCOUNT);
	if (!user->buckets)
		goto err_free_user;
	user->nr_buckets = RULE_STORE_MIN_BUCKETS;
	INIT_LIST_HEAD(&user->rules);
	seqcount_mutex_init(&user->seq, &store->lock);
	ret = xa_insert(&store->users, __kuid_val(uid), user,
			GFP_KERNEL_ACCOUNT);
	if (ret)
		goto err_free_buckets;
	return user;

err_free_buckets:
	kvfree(user->buckets);
err_free_user:
	kfree(user);
	return ERR_PTR(ret);
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
	struct rule_store_user *user;
	struct rule_store_rule *new;
	bool new_user = false;
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
		user = rule_store_user_new(store, uid);
		if (IS_ERR(user)) {
			ret = PTR_ERR(user);
			goto err_unlock;
		}
		new_user = true;
	} else {
		ret = rule_store_user_reserve(user);
		if (ret)
			goto err_unlock;
	}

	write_seqcount_begin(&store->seq);
	write_seqcount_begin(&user->seq);
	list_add_tail_rcu(&new->node, &user->rules);
	rule_store_hash(user->buckets, user->nr_buckets, new);
	user->nr_rules++;
	store->nr_rules++;
	if (new_user)
		store->nr_uids++;
	store->generation++;
	write_seqcount_end(&user->seq);
	write_seqcount_end(&store->seq);
	mutex_unlock(&store->lock);
	return 0;

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
	kvfree(user->buckets);
	kfree(user);
}

/*
 * Takes @user out of the store, inside the write sections: a reader that
 * found it before sees it dead and looks the uid up again. The caller
 * frees it after unlocking, with rule_store_user_free_rcu() after a grace
 * period.
 */
static void rule_store_unlink_user(struct rule_store *store, kuid_t uid,
				   struct rule_store_user *user)
{
	xa_erase(&store->users, __kuid_val(uid));
	user->dead = true;
	store->nr_uids--;
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
	struct rule_store_rule **link = NULL, *r;
	struct rule_store_user *user;
	bool emptied;

	if (!uid_valid(uid) || !rule_store_rule_valid(rule, len))
		return -EINVAL;

	mutex_lock(&store->lock);
	user = xa_load(&store->users, __kuid_val(uid));
	if (user)
		link = rule_store_find_link(user, rule, len);
	if (!link || !*link) {
		mutex_unlock(&store->lock);
		return -ENOENT;
	}
	r = *link;

	write_seqcount_begin(&store->seq);
	write_seqcount_begin(&user->seq);
	*link = r->hash_next;
	list_del_rcu(&r->node);
	user->nr_rules--;
	store->nr_rules--;
	emptied = !user->nr_rules;
	if (emptied)
		rule_store_unlink_user(store, uid, user);
	store->generation++;
	write_seqcount_end(&user->seq);
	write_seqcount_end(&store->seq);
	mutex_unlock(&store->lock);

	kfree_rcu(r, rcu);
	if (emptied)
		call_rcu(&user->rcu, rule_store_user_free_rcu);
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
	 * Only the unlinking is inside the write sections: readers retry for
	 * as long as it lasts. The user keeps its rules, for readers that
	 * still walk them, until a grace period has passed.
	 */
	write_seqcount_begin(&store->seq);
	write_seqcount_begin(&user->seq);
	store->nr_rules -= user->nr_rules;
	rule_store_unlink_user(store, uid, user);
	store->generation++;
	write_seqcount_end(&user->seq);
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
 * Whether a writer ran since the reader's read_seqcount_begin() of @seq
 * gave @start, so that what the reader saw must be taken again. KUnit
 * stands in for it to make every lockless try look disturbed.
 */
VISIBLE_IF_KUNIT bool rule_store_walk_disturbed(struct rule_store *store,
						const seqcount_mutex_t *seq,
						unsigned int start)
{
	KUNIT_STATIC_STUB_REDIRECT(rule_store_walk_disturbed, store, seq, start);
	return read_seqcount_retry(seq, start);
}
EXPORT_SYMBOL_IF_KUNIT(rule_store_walk_disturbed);

/* What one walk of the store saw. */
struct rule_store_seen {
	size_t len;		/* the bytes the records take */
	u32 count;		/* the number of records */
	u64 generation;
};

/*
 * Appends the records of @user's rules to @buf as far as @cap bytes allow,
 * and counts them all in @walk. Under RCU.
 */
static void rule_store_walk_user(struct rule_store_user *user, u32 uid,
				 void *buf, size_t cap,
				 struct rule_store_seen *walk)
{
	struct rulestore_record *rec;
	struct rule_store_rule *r;
	size_t size;

	list_for_each_entry_rcu(r, &user->rules, node) {
		size = RULESTORE_RECORD_SIZE(r->len);
		if (walk->len + size <= cap) {
			rec = buf + walk->len;
			rec->uid = uid;
			rec->len = r->len;
			memcpy(rec->rule, r->data, r->len);
			memset(rec->rule + r->len, 0,
			       size - sizeof(*rec) - r->len);
		}
		walk->len += size;
		walk->count++;
	}
}

/* One try at every uid's rules, under the store's seqcount. */
static bool rule_store_walk_all(struct rule_store *store,
				struct user_namespace *ns, void *buf,
				size_t cap, struct rule_store_seen *walk)
{
	struct rule_store_user *user;
	unsigned long index;
	unsigned int start;

	start = read_seqcount_begin(&store->seq);
	walk->generation = store->generation;
	xa_for_each(&store->users, index, user)
		rule_store_walk_user(user,
				     from_kuid_munged(ns, KUIDT_INIT(index)),
				     buf, cap, walk);
	return !rule_store_walk_disturbed(store, &store->seq, start);
}

/*
 * One try at the rules of @uid, under its user's seqcount, which only
 * writers of @uid disturb. A uid with no user is looked up again under
 * the store's seqcount, so that "no rules" and the generation agree.
 */
static bool rule_store_walk_uid(struct rule_store *store, kuid_t uid,
				struct user_namespace *ns, void *buf,
				size_t cap, struct rule_store_seen *walk)
{
	struct rule_store_user *user;
	unsigned int start;

	user = xa_load(&store->users, __kuid_val(uid));
	if (!user) {
		start = read_seqcount_begin(&store->seq);
		walk->generation = store->generation;
		return !xa_load(&store->users, __kuid_val(uid)) &&
		       !rule_store_walk_disturbed(store, &store->seq, start);
	}

	start = read_seqcount_begin(&user->seq);
	/* Taken out of the store since xa_load(): look it up again. */
	if (user->dead)
		return false;
	walk->generation = store->generation;
	rule_store_walk_user(user, from_kuid_munged(ns, uid), buf, cap, walk);
	return !rule_store_walk_disturbed(store, &user->seq, start);
}

/*
 * One walk of the rules of @uid, or of every uid when @uid is NULL: writes
 * their records to @buf as far as @cap bytes allow and measures them all.
 * Returns false when a writer disturbed it; what it saw is then of no use.
 */
static bool rule_store_walk(struct rule_store *store, const kuid_t *uid,
			    struct user_namespace *ns, void *buf, size_t cap,
			    struct rule_store_seen *walk)
{
	bool complete;

	walk->len = 0;
	walk->count = 0;
	rcu_read_lock();
	if (uid)
		complete = rule_store_walk_uid(store, *uid, ns, buf, cap, walk);
	else
		complete = rule_store_walk_all(store, ns, buf, cap, walk);
	rcu_read_unlock();
	return complete;
}

/**
 * rule_store_snapshot() - copy the rules of a uid, or all, as records
 * @store: the store
 * @uid: the user, or NULL for every user
 * @ns: the user namespace the records' uids are given in
 * @max_len: the most bytes the caller takes
 * @snap: the snapshot; free it with rule_store_snapshot_free()
 *
 * The snapshot is consistent: it is the store (or the rules of @uid) as
 * it was at one moment, tagged with the generation of that moment.
 * Records that fit @snap's own buffer take one walk and no allocation;
 * more take a walk that measures them, a kvmalloc() and a walk that
 * copies them. It does not wait for the store's mutex unless writers
 * disturbed each of %RULE_STORE_SNAPSHOT_TRIES tries in a row: then it
 * takes the mutex for the next try, waiting for the writer that holds
 * it, so that a stream of writers cannot starve it.
 *
 * Context: Process context.
 * Return: 0; -ERANGE if the records take more than @max_len bytes, with
 * @snap->len set to the bytes needed and no records; -ENOMEM.
 */
int rule_store_snapshot(struct rule_store *store, const kuid_t *uid,
			struct user_namespace *ns, size_t max_len,
			struct rule_store_snapshot *snap)
{
	size_t cap = sizeof(snap->inline_records);
	void *buf = snap->inline_records;
	struct rule_store_seen walk;
	bool locked = false;
	int tries = 0;
	int ret;

	snap->records = NULL;
	snap->len = 0;
	snap->count = 0;
	snap->generation = 0;
	for (;;) {
		if (++tries > RULE_STORE_SNAPSHOT_TRIES && !locked) {
			mutex_lock(&store->lock);
			locked = true;
		}
		if (!rule_store_walk(store, uid, ns, buf, cap, &walk))
			continue;
		if (walk.len > max_len) {
			snap->len = walk.len;
			snap->generation = walk.generation;
			ret = -ERANGE;
			break;
		}
		if (walk.len <= cap) {
			snap->records = buf;
			snap->len = walk.len;
			snap->count = walk.count;
			snap->generation = walk.generation;
			buf = NULL;
			ret = 0;
			break;
		}

		/* Allocate outside RCU, then copy in the next walk. */
		if (buf != snap->inline_records)
			kvfree(buf);
		buf = kvmalloc(walk.len, GFP_KERNEL_ACCOUNT);
		if (!buf) {
			ret = -ENOMEM;
			break;
		}
		cap = walk.len;
	}
	if (locked)
		mutex_unlock(&store->lock);
	if (buf != snap->inline_records)
		kvfree(buf);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(rule_store_snapshot);

void rule_store_snapshot_free(struct rule_store_snapshot *snap)
{
	if (snap->records != snap->inline_records)
		kvfree(snap->records);
	snap->records = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(rule_store_snapshot_free);
