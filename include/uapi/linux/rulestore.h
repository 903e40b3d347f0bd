/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * rulestore: access-control rules kept per uid, behind /dev/rulestore.
 *
 * See Documentation/userspace-api/rulestore.rst.
 */
#ifndef _UAPI_LINUX_RULESTORE_H
#define _UAPI_LINUX_RULESTORE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* The version of this interface that RULESTORE_IOC_INFO reports. */
#define RULESTORE_API_VERSION		1

/* Longest rule, in bytes; a rule has no terminating NUL. */
#define RULESTORE_RULE_MAX		255

/*
 * Every argument starts with @size and @flags. @size is the size of the
 * structure as the caller knows it: a kernel with a longer structure
 * treats the missing tail as zero, a kernel with a shorter one accepts the
 * extra tail only if it is all zero (else -E2BIG). A @size above the page
 * size (PAGE_SIZE, which is 64 KiB on some kernels) is -E2BIG. Unknown
 * @flags and non-zero reserved fields are -EINVAL.
 *
 * A call acts with the credentials of the process that opened the file,
 * whoever makes it: permissions are decided at open(2), and uids are
 * given and reported in the opener's user namespace.
 */

/**
 * struct rulestore_rule_arg - a rule of one uid
 * @size: sizeof(struct rulestore_rule_arg)
 * @flags: must be 0
 * @uid: the user, in the opener's user namespace
 * @len: length of the rule in bytes, 1 to %RULESTORE_RULE_MAX
 * @rule: user pointer to the rule: @len bytes of UTF-8, no NUL
 *
 * The argument of %RULESTORE_IOC_ADD and %RULESTORE_IOC_DEL.
 */
struct rulestore_rule_arg {
	__u32 size;
	__u32 flags;
	__u32 uid;
	__u32 len;
	__aligned_u64 rule;
};

/**
 * struct rulestore_clear_arg - every rule of one uid
 * @size: sizeof(struct rulestore_clear_arg)
 * @flags: must be 0
 * @uid: the user, in the opener's user namespace
 * @__reserved: must be 0
 *
 * The argument of %RULESTORE_IOC_CLEAR.
 */
struct rulestore_clear_arg {
	__u32 size;
	__u32 flags;
	__u32 uid;
	__u32 __reserved;
};

/* RULESTORE_IOC_LIST: every uid's rules, not just those of @uid. */
#define RULESTORE_LIST_ALL		(1U << 0)

/**
 * struct rulestore_list_arg - a snapshot of rules
 * @size: sizeof(struct rulestore_list_arg)
 * @flags: 0, or %RULESTORE_LIST_ALL for the rules of every uid
 * @uid: the user whose rules to list, in the opener's user namespace;
 *	must be 0 with %RULESTORE_LIST_ALL
 * @count: out: the number of records written to @buf
 * @buf_len: in: the length of @buf in bytes; out: the bytes the snapshot
 *	takes, written or (with -ERANGE) needed
 * @__reserved: must be 0
 * @buf: user pointer to the buffer for the records, 8-byte aligned
 * @generation: out: the generation of the store the snapshot was taken at
 *
 * The argument of %RULESTORE_IOC_LIST. The kernel writes one struct
 * rulestore_record per rule into @buf: the rules of one uid in the order
 * they were added, uids in increasing order. If @buf_len is too small,
 * the ioctl fails with -ERANGE, writes no record, sets @count to 0 and
 * @buf_len to the length needed; the caller may retry with a larger
 * buffer (the store may have grown in between).
 */
struct rulestore_list_arg {
	__u32 size;
	__u32 flags;
	__u32 uid;
	__u32 count;
	__u32 buf_len;
	__u32 __reserved;
	__aligned_u64 buf;
	__aligned_u64 generation;
};

/**
 * struct rulestore_record - one rule in the buffer of RULESTORE_IOC_LIST
 * @uid: the user, in the opener's user namespace
 * @len: length of @rule in bytes
 * @rule: the rule's bytes, then zeros up to the next multiple of 8
 *
 * Records are packed: the next one starts RULESTORE_RECORD_SIZE(@len)
 * bytes after this one.
 */
struct rulestore_record {
	__u32 uid;
	__u32 len;
	__u8 rule[];
};

/*
 * The bytes a record of a rule of @len bytes takes in the buffer. In
 * 64 bits, so that a corrupt @len cannot wrap it around on 32-bit.
 */
#define RULESTORE_RECORD_SIZE(len) \
	(((__u64)sizeof(struct rulestore_record) + (len) + 7) & ~(__u64)7)

/**
 * struct rulestore_info - what the store is and holds
 * @size: sizeof(struct rulestore_info)
 * @flags: must be 0
 * @api_version: out: %RULESTORE_API_VERSION of the kernel
 * @rule_max: out: longest rule in bytes, %RULESTORE_RULE_MAX
 * @max_rules_per_uid: out: the limit of rules for one uid
 * @max_rules: out: the limit of rules in total
 * @nr_rules: out: the rules in the store
 * @nr_uids: out: the uids that have at least one rule
 * @generation: out: changes on every modification of the store
 *
 * The argument of %RULESTORE_IOC_INFO. The limits are the module
 * parameters max_rules_per_uid and max_rules.
 */
struct rulestore_info {
	__u32 size;
	__u32 flags;
	__u32 api_version;
	__u32 rule_max;
	__u32 max_rules_per_uid;
	__u32 max_rules;
	__u32 nr_rules;
	__u32 nr_uids;
	__aligned_u64 generation;
};

#define RULESTORE_IOC_MAGIC		0xB9

/* Add a rule (CAP_SYS_ADMIN). */
#define RULESTORE_IOC_ADD		_IO(RULESTORE_IOC_MAGIC, 0x00)
/* Delete a rule (CAP_SYS_ADMIN). */
#define RULESTORE_IOC_DEL		_IO(RULESTORE_IOC_MAGIC, 0x01)
/* Snapshot the rules of a uid, or of all uids. */
#define RULESTORE_IOC_LIST		_IO(RULESTORE_IOC_MAGIC, 0x02)
/* Delete every rule of a uid (CAP_SYS_ADMIN). */
#define RULESTORE_IOC_CLEAR		_IO(RULESTORE_IOC_MAGIC, 0x03)
/* Version, limits, counts and generation. */
#define RULESTORE_IOC_INFO		_IO(RULESTORE_IOC_MAGIC, 0x04)

#endif /* _UAPI_LINUX_RULESTORE_H */
