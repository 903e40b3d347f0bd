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

/**
 * DOC: General ioctl format
 *
 * Every command is ``_IO(RULESTORE_IOC_MAGIC, nr)``. Its argument is a
 * structure that starts with ``__u32 size`` and ``__u32 flags``; ``size`` is
 * the size of the structure as the caller knows it, normally ``sizeof``.
 * The kernel reads the argument with copy_struct_from_user():
 *
 * - a ``size`` smaller than the structure of this first version is
 *   ``-EINVAL``;
 * - a ``size`` larger than the page size (``PAGE_SIZE``: 4 KiB on x86, up
 *   to 64 KiB on some arm64 kernels) is ``-E2BIG``, whatever the extra
 *   bytes, as for openat2(2) and clone3(2);
 * - a ``size`` larger than the kernel's structure is accepted if the extra
 *   bytes are zero, else ``-E2BIG``, so that a program built against a
 *   newer header runs on an older kernel for as long as it does not use
 *   what is new;
 * - the kernel writes back no more than ``size`` bytes.
 *
 * The structures have the same layout on 32- and 64-bit, so 32-bit
 * programs work unchanged on a 64-bit kernel.
 *
 * The checks come in this order, so that each error names the first thing
 * wrong: the argument (``-EFAULT``, ``-EINVAL``, ``-E2BIG``); its flags,
 * reserved fields and, for LIST, the buffer's alignment (``-EINVAL``); the
 * uid (``-EINVAL``); the permission (``-EPERM``); the rule (``-EINVAL``,
 * ``-EFAULT``); then the command itself.
 *
 * ============ ==============================================================
 * Error        When
 * ============ ==============================================================
 * ``ENOTTY``   the command is not one of the five below
 * ``EFAULT``   the argument, the rule or the LIST buffer is not accessible
 * ``EINVAL``   ``size`` too small; unknown ``flags``; a non-zero reserved
 *              field; a uid with no mapping in the opener's user
 *              namespace; a rule of 0 or more than %RULESTORE_RULE_MAX
 *              bytes, with a NUL, or not well-formed UTF-8; LIST with
 *              %RULESTORE_LIST_ALL and a non-zero uid; a LIST buffer that
 *              is not 8-byte aligned
 * ``E2BIG``    ``size`` larger than the kernel's structure, with non-zero
 *              extra bytes; ``size`` larger than ``PAGE_SIZE``
 * ``EPERM``    ADD, DEL or CLEAR on a file whose opener had no
 *              ``CAP_SYS_ADMIN``; LIST of another uid, or of all, on such
 *              a file
 * ``EEXIST``   ADD of a rule the uid has
 * ``ENOENT``   DEL of a rule the uid does not have; CLEAR of a uid with no
 *              rule
 * ``ENOSPC``   ADD past the limit of rules per uid or in total
 * ``ERANGE``   LIST with a buffer too small: ``buf_len`` is set to the
 *              bytes needed, ``count`` to 0, and nothing is written to the
 *              buffer
 * ``ENOMEM``   the kernel is out of memory
 * ============ ==============================================================
 */

/*
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
