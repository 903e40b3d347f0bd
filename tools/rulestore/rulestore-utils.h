/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rulectl - the ioctls of /dev/rulestore, one function each
 */
#ifndef RULESTORE_UTILS_H
#define RULESTORE_UTILS_H

#include <stddef.h>
#include <linux/rulestore.h>

/**
 * struct rs_snapshot - the records one RULESTORE_IOC_LIST returned
 * @buf:	the records, checked to be well formed
 * @len:	the bytes of records in @buf
 * @count:	the number of records
 * @generation:	the generation of the store they were taken at
 */
struct rs_snapshot {
	void *buf;
	__u32 len;
	__u32 count;
	__u64 generation;
};

int rs_add(int fd, __u32 uid, const void *rule, size_t len);
int rs_del(int fd, __u32 uid, const void *rule, size_t len);
int rs_clear(int fd, __u32 uid);
int rs_info(int fd, struct rulestore_info *info);
int rs_list(int fd, __u32 flags, __u32 uid, struct rs_snapshot *snap);
void rs_snapshot_free(struct rs_snapshot *snap);

const struct rulestore_record *
rs_record_next(const struct rs_snapshot *snap,
	       const struct rulestore_record *rec);

#endif /* RULESTORE_UTILS_H */
