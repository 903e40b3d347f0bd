// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/rulestore: access-control rules kept per uid.
 *
 * The ioctls of include/uapi/linux/rulestore.h add, delete, list and
 * clear rules; read(2) gives them as text. Only CAP_SYS_ADMIN in the
 * initial user namespace may change the store or see every uid's rules;
 * anyone else may see the rules of their own uid.
 *
 * Permissions are the opener's: open(2) decides them once from the
 * opener's credentials, and the file keeps them, for the ioctls as for
 * read(2), whoever calls. A program that is handed a file descriptor can
 * do what its opener could, no more and no less, as with any file.
 *
 * See Documentation/userspace-api/rulestore.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <uapi/linux/rulestore.h>

#include "store.h"

/*
 * The highest value of a limit: a snapshot of that many rules of the
 * longest length must fit LIST's __u32 buf_len and one kvmalloc(), which
 * refuses more than INT_MAX bytes.
 */
#define RULESTORE_LIMIT_MAX	4194304
static_assert(RULESTORE_LIMIT_MAX <=
	      INT_MAX / RULESTORE_RECORD_SIZE(RULESTORE_RULE_MAX));

static int rulestore_param_set_limit(const char *val,
				     const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, RULESTORE_LIMIT_MAX);
}

static const struct kernel_param_ops rulestore_param_limit_ops = {
	.set = rulestore_param_set_limit,
	.get = param_get_uint,
};

static unsigned int max_rules_per_uid = 1024;
module_param_cb(max_rules_per_uid, &rulestore_param_limit_ops,
		&max_rules_per_uid, 0644);
MODULE_PARM_DESC(max_rules_per_uid,
		 "Most rules one uid may have (default 1024, at most "
		 __stringify(RULESTORE_LIMIT_MAX) "); adding more fails with ENOSPC");

static unsigned int max_rules = 65536;
module_param_cb(max_rules, &rulestore_param_limit_ops, &max_rules, 0644);
MODULE_PARM_DESC(max_rules,
		 "Most rules in the store (default 65536, at most "
		 __stringify(RULESTORE_LIMIT_MAX) "); adding more fails with ENOSPC");

static struct rule_store rulestore;

/*
 * An open file: what its opener may do, and for read(2) the snapshot
 * taken at the first read.
 */
struct rulestore_file {
	bool admin;	/* the opener had CAP_SYS_ADMIN in init_user_ns */
	bool taken;	/* @snap holds the snapshot */
	struct rule_store_snapshot snap;
};

/*
 * One ioctl call: the user's argument and the kernel's copy of it, and
 * the opener's credentials, which the call acts with.
 */
struct rulestore_ucmd {
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
	const struct cred *cred;
	bool admin;
};

/* Writes the argument back, no more of it than the caller's size. */
static int rulestore_ucmd_respond(struct rulestore_ucmd *ucmd, size_t length)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, length)))
		return -EFAULT;
	return 0;
}

/*
 * The rules of @uid, or of every uid when @uid is NULL: anyone may read
 * the rules of their own effective uid, only an administrator more.
 */
static bool rulestore_may_read(const struct cred *cred, bool admin,
			       const kuid_t *uid)
{
	return admin || (uid && uid_eq(*uid, cred->euid));
}

/*
 * The rule of ADD and DEL, copied and checked. A rule is short enough
 * for the stack: RULESTORE_RULE_MAX bytes.
 */
static int rulestore_get_rule(const struct rulestore_ucmd *ucmd, kuid_t *uid,
			      u8 *rule)
{
	const struct rulestore_rule_arg *arg = ucmd->cmd;

	if (arg->flags)
		return -EINVAL;
	*uid = make_kuid(ucmd->cred->user_ns, arg->uid);
	if (!uid_valid(*uid))
		return -EINVAL;
	if (!ucmd->admin)
		return -EPERM;
	if (!arg->len || arg->len > RULESTORE_RULE_MAX)
		return -EINVAL;
	if (copy_from_user(rule, u64_to_user_ptr(arg->rule), arg->len))
		return -EFAULT;
	if (!rule_store_rule_valid(rule, arg->len))
		return -EINVAL;
	return 0;
}

static const struct rule_store_limits *
rulestore_limits(struct rule_store_limits *limits)
{
	limits->rules_per_uid = READ_ONCE(max_rules_per_uid);
	limits->rules = READ_ONCE(max_rules);
	return limits;
}

static int rulestore_ioc_add(struct rulestore_ucmd *ucmd)
{
	struct rulestore_rule_arg *arg = ucmd->cmd;
	struct rule_store_limits limits;
	u8 rule[RULESTORE_RULE_MAX];
	kuid_t uid;
	int ret;

	ret = rulestore_get_rule(ucmd, &uid, rule);
	if (ret)
		return ret;
	return rule_store_add(&rulestore, uid, rule, arg->len,
			      rulestore_limits(&limits));
}

static int rulestore_ioc_del(struct rulestore_ucmd *ucmd)
{
	struct rulestore_rule_arg *arg = ucmd->cmd;
	u8 rule[RULESTORE_RULE_MAX];
	kuid_t uid;
	int ret;

	ret = rulestore_get_rule(ucmd, &uid, rule);
	if (ret)
		return ret;
	return rule_store_del(&rulestore, uid, rule, arg->len);
}

static int rulestore_ioc_clear(struct rulestore_ucmd *ucmd)
{
	struct rulestore_clear_arg *arg = ucmd->cmd;
	kuid_t uid;

	if (arg->flags || arg->__reserved)
		return -EINVAL;
	uid = make_kuid(ucmd->cred->user_ns, arg->uid);
	if (!uid_valid(uid))
		return -EINVAL;
	if (!ucmd->admin)
		return -EPERM;
	return rule_store_clear(&rulestore, uid);
}

static int rulestore_ioc_list(struct rulestore_ucmd *ucmd)
{
	struct rulestore_list_arg *arg = ucmd->cmd;
	bool all = arg->flags & RULESTORE_LIST_ALL;
	struct rule_store_snapshot snap;
	kuid_t uid;
	int ret;

	if (arg->flags & ~RULESTORE_LIST_ALL || arg->__reserved ||
	    (all && arg->uid) || !IS_ALIGNED(arg->buf, 8))
		return -EINVAL;
	uid = make_kuid(ucmd->cred->user_ns, arg->uid);
	if (!all && !uid_valid(uid))
		return -EINVAL;
	if (!rulestore_may_read(ucmd->cred, ucmd->admin, all ? NULL : &uid))
		return -EPERM;

	ret = rule_store_snapshot(&rulestore, all ? NULL : &uid,
				  ucmd->cred->user_ns, arg->buf_len, &snap);
	if (ret == -ERANGE) {
		/* Nothing the caller could take for a complete answer. */
		arg->count = 0;
		arg->buf_len = snap.len;
		arg->generation = snap.generation;
		return rulestore_ucmd_respond(ucmd, sizeof(*arg)) ?: -ERANGE;
	}
	if (ret)
		return ret;

	if (copy_to_user(u64_to_user_ptr(arg->buf), snap.records, snap.len)) {
		ret = -EFAULT;
	} else {
		arg->count = snap.count;
		arg->buf_len = snap.len;
		arg->generation = snap.generation;
		ret = rulestore_ucmd_respond(ucmd, sizeof(*arg));
	}
	rule_store_snapshot_free(&snap);
	return ret;
}

static int rulestore_ioc_info(struct rulestore_ucmd *ucmd)
{
	struct rulestore_info *arg = ucmd->cmd;
	struct rule_store_info info;

	if (arg->flags)
		return -EINVAL;

	rule_store_info(&rulestore, &info);
	arg->api_version = RULESTORE_API_VERSION;
	arg->rule_max = RULESTORE_RULE_MAX;
	arg->max_rules_per_uid = READ_ONCE(max_rules_per_uid);
	arg->max_rules = READ_ONCE(max_rules);
	arg->nr_rules = info.nr_rules;
	arg->nr_uids = info.nr_uids;
	arg->generation = info.generation;
	return rulestore_ucmd_respond(ucmd, sizeof(*arg));
}

union rulestore_ucmd_buffer {
	struct rulestore_rule_arg rule;
	struct rulestore_clear_arg clear;
	struct rulestore_list_arg list;
	struct rulestore_info info;
};

struct rulestore_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	int (*execute)(struct rulestore_ucmd *ucmd);
};

/*
 * @min_size is the size of the first version of each struct: callers
 * built against it keep working when a later version grows the struct.
 */
#define IOCTL_OP(_ioctl, _fn, _struct, _last)				\
	[_IOC_NR(_ioctl)] = {						\
		.size = sizeof(_struct) +				\
			BUILD_BUG_ON_ZERO(sizeof(union rulestore_ucmd_buffer) < \
					  sizeof(_struct)),		\
		.min_size = offsetofend(_struct, _last),		\
		.execute = _fn,						\
	}

static const struct rulestore_ioctl_op rulestore_ioctl_ops[] = {
	IOCTL_OP(RULESTORE_IOC_ADD, rulestore_ioc_add,
		 struct rulestore_rule_arg, rule),
	IOCTL_OP(RULESTORE_IOC_DEL, rulestore_ioc_del,
		 struct rulestore_rule_arg, rule),
	IOCTL_OP(RULESTORE_IOC_LIST, rulestore_ioc_list,
		 struct rulestore_list_arg, generation),
	IOCTL_OP(RULESTORE_IOC_CLEAR, rulestore_ioc_clear,
		 struct rulestore_clear_arg, __reserved),
	IOCTL_OP(RULESTORE_IOC_INFO, rulestore_ioc_info,
		 struct rulestore_info, generation),
};

static long rulestore_fops_ioctl(struct file *file, unsigned int cmd,
				 unsigned long arg)
{
	struct seq_file *m = file->private_data;
	const struct rulestore_file *rf = m->private;
	const struct rulestore_ioctl_op *op;
	union rulestore_ucmd_buffer buf;
	struct rulestore_ucmd ucmd = {
		.cred = file->f_cred,
		.admin = rf->admin,
	};
	unsigned int nr = _IOC_NR(cmd);
	int ret;

	if (cmd != _IO(RULESTORE_IOC_MAGIC, nr) ||
	    nr >= ARRAY_SIZE(rulestore_ioctl_ops) ||
	    !rulestore_ioctl_ops[nr].execute)
		return -ENOTTY;
	op = &rulestore_ioctl_ops[nr];

	ucmd.ubuffer = (void __user *)arg;
	if (get_user(ucmd.user_size, (u32 __user *)ucmd.ubuffer))
		return -EFAULT;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	/*
	 * copy_struct_from_user() checks that the tail past the kernel's
	 * struct is zero: bound it, as openat2() and clone3() do, rather
	 * than read up to 4 GiB of user memory.
	 */
	if (ucmd.user_size > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(&buf, op->size, ucmd.ubuffer,
				    ucmd.user_size);
	if (ret)
		return ret;
	ucmd.cmd = &buf;
	return op->execute(&ucmd);
}

/*
 * read(2): the rules the opener may see, as text in the format of the
 * original sec_module ("---- UID: <uid> ----", then "Rule <n>: <rule>"),
 * from one snapshot taken at the first read.
 */

/* Control characters and backslashes as \ooo, so that a line is a rule. */
static void rulestore_seq_rule(struct seq_file *m, const u8 *rule, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++) {
		if (rule[i] < 0x20 || rule[i] == 0x7f || rule[i] == '\\')
			seq_printf(m, "\\%03o", rule[i]);
		else
			seq_putc(m, rule[i]);
	}
}

/* The rules the opener may see, as with ioctl(LIST). */
static int rulestore_take_snapshot(const struct file *file,
				   struct rulestore_file *rf)
{
	const struct cred *cred = file->f_cred;
	int ret;

	ret = rule_store_snapshot(&rulestore, rf->admin ? NULL : &cred->euid,
				  cred->user_ns, SIZE_MAX, &rf->snap);
	rf->taken = !ret;
	return ret;
}

/*
 * Called with the seq_file's mutex held, and again with a bigger buffer
 * when the text did not fit: the snapshot is taken once, so every call
 * shows the same rules.
 */
static int rulestore_show(struct seq_file *m, void *unused)
{
	struct rulestore_file *rf = m->private;
	const struct rulestore_record *rec;
	u32 n = 0, uid = 0;
	size_t off;
	int ret;

	if (!rf->taken) {
		ret = rulestore_take_snapshot(m->file, rf);
		if (ret)
			return ret;
	}

	for (off = 0; off < rf->snap.len;
	     off += RULESTORE_RECORD_SIZE(rec->len)) {
		rec = rf->snap.records + off;
		if (!n || rec->uid != uid) {
			uid = rec->uid;
			n = 0;
			seq_printf(m, "---- UID: %u ----\n", uid);
		}
		seq_printf(m, "Rule %u: ", ++n);
		rulestore_seq_rule(m, rec->rule, rec->len);
		seq_putc(m, '\n');
	}
	return 0;
}

static int rulestore_open(struct inode *inode, struct file *file)
{
	struct rulestore_file *rf;
	int ret;

	rf = kzalloc(sizeof(*rf), GFP_KERNEL_ACCOUNT);
	if (!rf)
		return -ENOMEM;
	/*
	 * Decided once, for the life of the file. A plain user's open is
	 * not a denial worth an audit record: that only makes the file
	 * one that sees the user's own rules.
	 */
	rf->admin = ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN);
	/*
	 * misc_open() set private_data to our miscdevice, which we do not
	 * use; seq_open() wants it NULL and warns otherwise.
	 */
	file->private_data = NULL;
	ret = single_open(file, rulestore_show, rf);
	if (ret)
		kfree(rf);
	return ret;
}

static int rulestore_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct rulestore_file *rf = m->private;

	rule_store_snapshot_free(&rf->snap);
	kfree(rf);
	return single_release(inode, file);
}

static const struct file_operations rulestore_fops = {
	.owner		= THIS_MODULE,
	.open		= rulestore_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= rulestore_release,
	.unlocked_ioctl	= rulestore_fops_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice rulestore_misc = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= "rulestore",
	.fops		= &rulestore_fops,
	.mode		= 0666,
};

static int __init rulestore_init(void)
{
	int ret;

	rule_store_init(&rulestore);
	ret = misc_register(&rulestore_misc);
	if (ret) {
		pr_err("cannot register /dev/rulestore: %d\n", ret);
		rule_store_destroy(&rulestore);
	}
	return ret;
}
module_init(rulestore_init);

static void __exit rulestore_exit(void)
{
	misc_deregister(&rulestore_misc);
	rule_store_destroy(&rulestore);
}
module_exit(rulestore_exit);

MODULE_DESCRIPTION("Access-control rules kept per uid, behind /dev/rulestore");
MODULE_LICENSE("GPL");
