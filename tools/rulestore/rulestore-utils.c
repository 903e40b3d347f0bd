// SPDX-License-Identifier: GPL-2.0
/*
 * rulectl - the ioctls of /dev/rulestore, one function each
 *
 * Each function returns 0 or a negative errno, and fills in the
 * argument's @size so that an older or newer kernel knows which version
 * of the structure it is given.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include "rulestore-utils.h"

/* The first buffer LIST is given, enough for a few dozen rules. */
#define LIST_FIRST_BUF_LEN	4096
/*
 * LIST fails with ERANGE and the length needed when the buffer is too
 * small; the store may grow before the retry, so retry a few times.
 */
#define LIST_TRIES		8

static int rs_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int rs_rule_ioctl(int fd, unsigned long cmd, __u32 uid,
			 const void *rule, size_t len)
{
	struct rulestore_rule_arg arg = {
		.size = sizeof(arg),
		.uid = uid,
		/* Too long either way: let the kernel say so. */
		.len = len > UINT32_MAX ? UINT32_MAX : len,
		.rule = (uintptr_t)rule,
	};

	return rs_ioctl(fd, cmd, &arg);
}

/**
 * rs_add() - add a rule to a uid (RULESTORE_IOC_ADD)
 * @fd:		/dev/rulestore
 * @uid:	the user
 * @rule:	the rule's bytes
 * @len:	the rule's length
 *
 * Return: 0, or a negative errno: -EEXIST if the uid has the rule.
 */
int rs_add(int fd, __u32 uid, const void *rule, size_t len)
{
	return rs_rule_ioctl(fd, RULESTORE_IOC_ADD, uid, rule, len);
}

/**
 * rs_del() - delete a rule of a uid (RULESTORE_IOC_DEL)
 * @fd:		/dev/rulestore
 * @uid:	the user
 * @rule:	the rule's bytes
 * @len:	the rule's length
 *
 * Return: 0, or a negative errno: -ENOENT if the uid has no such rule.
 */
int rs_del(int fd, __u32 uid, const void *rule, size_t len)
{
	return rs_rule_ioctl(fd, RULESTORE_IOC_DEL, uid, rule, len);
}

/**
 * rs_clear() - delete every rule of a uid (RULESTORE_IOC_CLEAR)
 * @fd:		/dev/rulestore
 * @uid:	the user
 *
 * Return: 0, or a negative errno: -ENOENT if the uid has no rules.
 */
int rs_clear(int fd, __u32 uid)
{
	struct rulestore_clear_arg arg = {
		.size = sizeof(arg),
		.uid = uid,
	};

	return rs_ioctl(fd, RULESTORE_IOC_CLEAR, &arg);
}

/**
 * rs_info() - the version, limits and counts of the store
 * @fd:		/dev/rulestore
 * @info:	filled in by RULESTORE_IOC_INFO
 *
 * Return: 0, or a negative errno.
 */
int rs_info(int fd, struct rulestore_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return rs_ioctl(fd, RULESTORE_IOC_INFO, info);
}

/*
 * The kernel promises packed records that fill exactly @len bytes; check
 * it once here so that walking them later needs no checks.
 */
static int rs_snapshot_check(const struct rs_snapshot *snap)
{
	const struct rulestore_record *rec;
	__u32 offset = 0, count = 0;

	while (offset < snap->len) {
		if (snap->len - offset < sizeof(*rec))
			return -EPROTO;
		rec = (const void *)((const char *)snap->buf + offset);
		if (rec->len == 0 || rec->len > RULESTORE_RULE_MAX ||
		    snap->len - offset < RULESTORE_RECORD_SIZE(rec->len))
			return -EPROTO;
		offset += RULESTORE_RECORD_SIZE(rec->len);
		count++;
	}
	return count == snap->count ? 0 : -EPROTO;
}

/* One LIST into a buffer of @buf_len bytes; on -ERANGE, the length needed. */
static int rs_list_once(int fd, __u32 flags, __u32 uid, __u32 *buf_len,
			struct rs_snapshot *snap)
{
	struct rulestore_list_arg arg = {
		.size = sizeof(arg),
		.flags = flags,
		.uid = uid,
		.buf_len = *buf_len,
	};
	void *buf;
	int ret;

	/* Records hold 64-bit aligned data: the kernel wants 8 bytes. */
	ret = posix_memalign(&buf, 8, *buf_len);
	if (ret)
		return -ret;
	arg.buf = (uintptr_t)buf;

	ret = rs_ioctl(fd, RULESTORE_IOC_LIST, &arg);
	if (ret) {
		free(buf);
		if (ret == -ERANGE)
			*buf_len = arg.buf_len;
		return ret;
	}
	snap->buf = buf;
	snap->len = arg.buf_len;
	snap->count = arg.count;
	snap->generation = arg.generation;
	ret = rs_snapshot_check(snap);
	if (ret)
		rs_snapshot_free(snap);
	return ret;
}

/**
 * rs_list() - take a snapshot of rules (RULESTORE_IOC_LIST)
 * @fd:		/dev/rulestore
 * @flags:	0 for the rules of @uid, RULESTORE_LIST_ALL for every uid's
 * @uid:	the user, 0 with RULESTORE_LIST_ALL
 * @snap:	filled in; free it with rs_snapshot_free()
 *
 * Grows the buffer to the length the kernel asks for until the snapshot
 * fits, or gives up after a few tries if the store keeps growing.
 *
 * Return: 0, or a negative errno: -ERANGE if the snapshot never fit,
 * -EPROTO if the kernel's records are malformed.
 */
int rs_list(int fd, __u32 flags, __u32 uid, struct rs_snapshot *snap)
{
	__u32 buf_len = LIST_FIRST_BUF_LEN;
	int tries, ret = -ERANGE;

	for (tries = 0; tries < LIST_TRIES && ret == -ERANGE; tries++)
		ret = rs_list_once(fd, flags, uid, &buf_len, snap);
	return ret;
}

/**
 * rs_snapshot_free() - free what rs_list() allocated
 * @snap:	the snapshot
 */
void rs_snapshot_free(struct rs_snapshot *snap)
{
	free(snap->buf);
	memset(snap, 0, sizeof(*snap));
}

/**
 * rs_record_next() - walk the records of a snapshot
 * @snap:	the snapshot
 * @rec:	the current record, or NULL for the first
 *
 * Return: the record after @rec, or NULL after the last.
 */
const struct rulestore_record *
rs_record_next(const struct rs_snapshot *snap,
	       const struct rulestore_record *rec)
{
	size_t offset = 0;

	if (rec)
		offset = (const char *)rec - (const char *)snap->buf +
			 RULESTORE_RECORD_SIZE(rec->len);
	if (offset >= snap->len)
		return NULL;
	return (const void *)((const char *)snap->buf + offset);
}
