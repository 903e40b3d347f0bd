// SPDX-License-Identifier: GPL-2.0-only
/*
 * Watch the files that chosen users open, with a kprobe on vfs_open().
 *
 * The probe handler reads the first argument of vfs_open(), the
 * const struct path of the file being opened, with
 * regs_get_kernel_argument(), so the same code works on every
 * architecture that supports it. When the real uid of the opening task
 * is in the "uids" parameter, it counts the open and logs the
 * file's name and inode number (ratelimited).
 *
 * The real uid is the user who ran the program, also when the program
 * is set-uid; a daemon that only switches its effective or filesystem
 * uid to open files on a user's behalf is not counted for that user.
 *
 * Usage (as root):
 *
 *   modprobe kprobe_uid_watch uids=1000,1001
 *   cat /sys/module/kprobe_uid_watch/parameters/hits
 *
 * See Documentation/trace/kprobe-uid-watch.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/path.h>
#include <linux/ptrace.h>
#include <linux/uidgid.h>

#define UID_WATCH_MAX	8

static char symbol[KSYM_NAME_LEN] = "vfs_open";
module_param_string(symbol, symbol, KSYM_NAME_LEN, 0444);
MODULE_PARM_DESC(symbol,
		 "Function to probe; its first argument must be a const struct path * (default: vfs_open)");

static unsigned int uids[UID_WATCH_MAX];
static unsigned int nr_uids;
module_param_array(uids, uint, &nr_uids, 0444);
MODULE_PARM_DESC(uids,
		 "Real uids, in the initial user namespace, to watch (at most 8)");

static kuid_t watched[UID_WATCH_MAX];
static atomic_long_t hits[UID_WATCH_MAX];

static int hits_get(char *buffer, const struct kernel_param *kp)
{
	unsigned int i;
	int len = 0;

	for (i = 0; i < nr_uids; i++)
		len += scnprintf(buffer + len, PAGE_SIZE - len, "%s%ld",
				 i ? "," : "", atomic_long_read(&hits[i]));
	len += scnprintf(buffer + len, PAGE_SIZE - len, "\n");
	return len;
}

static int hits_set(const char *val, const struct kernel_param *kp)
{
	return -EPERM;
}

static const struct kernel_param_ops hits_ops = {
	.set = hits_set,
	.get = hits_get,
};
module_param_cb(hits, &hits_ops, NULL, 0444);
MODULE_PARM_DESC(hits, "Opens seen per watched uid, in the order of uids");

/* Runs on every open in the system: find out quickly if it is ours. */
static int uid_watch_pre(struct kprobe *p, struct pt_regs *regs)
{
	kuid_t uid = current_uid();
	const struct path *path;
	struct dentry *dentry;
	struct inode *inode;
	unsigned int i;

	for (i = 0; i < nr_uids; i++)
		if (uid_eq(uid, watched[i]))
			break;
	if (i == nr_uids)
		return 0;

	atomic_long_inc(&hits[i]);

	path = (const struct path *)regs_get_kernel_argument(regs, 0);
	dentry = path ? path->dentry : NULL;
	inode = dentry ? d_inode(dentry) : NULL;
	if (inode)
		pr_info_ratelimited("uid %u opened %pd (inode %lu)\n",
				    uids[i], dentry, inode->i_ino);
	else
		pr_info_ratelimited("uid %u opened %pd (no inode)\n",
				    uids[i], dentry);
	return 0;
}

static struct kprobe kp = {
	.symbol_name	= symbol,
	.pre_handler	= uid_watch_pre,
};

static int __init uid_watch_init(void)
{
	unsigned int i, j;
	int ret;

	if (!nr_uids) {
		pr_err("no uid to watch: load with uids=UID[,UID...]\n");
		return -EINVAL;
	}
	for (i = 0; i < nr_uids; i++) {
		watched[i] = make_kuid(&init_user_ns, uids[i]);
		if (!uid_valid(watched[i])) {
			pr_err("uid %u is not a valid uid\n", uids[i]);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (uids[j] == uids[i]) {
				pr_err("uid %u is given twice\n", uids[i]);
				return -EINVAL;
			}
		}
	}

	ret = register_kprobe(&kp);
	if (ret < 0) {
		pr_err("register_kprobe(%s) failed: %d\n", symbol, ret);
		return ret;
	}
	pr_info("watching %u uid(s) at %s\n", nr_uids, symbol);
	return 0;
}

static void __exit uid_watch_exit(void)
{
	unregister_kprobe(&kp);
	pr_info("stopped watching at %s\n", symbol);
}

module_init(uid_watch_init);
module_exit(uid_watch_exit);
MODULE_DESCRIPTION("Sample kprobe that logs the files chosen uids open");
MODULE_LICENSE("GPL");
