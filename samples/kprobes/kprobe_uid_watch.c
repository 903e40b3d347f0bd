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
 * The "symbol" parameter may name a function whose first argument is
 * not a struct path at all: for do_sys_openat2() it is a file
 * descriptor such as AT_FDCWD. Nothing can check that at load time, so
 * the handler follows the pointers only with the nofault accessors,
 * which return an error where a plain dereference would oops, and then
 * logs that the argument is not a readable struct path.
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
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/path.h>
#include <linux/ptrace.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#define UID_WATCH_MAX	8

static char symbol[KSYM_NAME_LEN] = "vfs_open";
module_param_string(symbol, symbol, KSYM_NAME_LEN, 0444);
MODULE_PARM_DESC(symbol,
		 "Function to probe; its first argument is read as a const struct path * (default: vfs_open)");

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

/* What the handler read through the probed function's first argument. */
struct uid_watch_file {
	char name[NAME_MAX + 1];
	bool has_inode;
	unsigned long ino;
};

/*
 * Reads the name and inode number of the file that @arg points to, taken
 * as a const struct path *. Any other argument (a file descriptor, another
 * structure) may hold an address that is not mapped, so each pointer is
 * followed with get_kernel_nofault() or copy_from_kernel_nofault(), which
 * fail instead of faulting. The length of the name bounds its copy.
 */
static int uid_watch_read_file(unsigned long arg, struct uid_watch_file *file)
{
	const struct path *path = (const struct path *)arg;
	struct dentry *dentry;
	struct inode *inode;
	struct qstr d_name;
	u32 len;

	if (get_kernel_nofault(dentry, &path->dentry) ||
	    get_kernel_nofault(d_name, &dentry->d_name) ||
	    get_kernel_nofault(inode, &dentry->d_inode))
		return -EFAULT;

	len = min_t(u32, d_name.len, NAME_MAX);
	if (copy_from_kernel_nofault(file->name, d_name.name, len))
		return -EFAULT;
	file->name[len] = '\0';

	file->has_inode = inode;
	if (inode && get_kernel_nofault(file->ino, &inode->i_ino))
		return -EFAULT;

	return 0;
}

/* Runs on every open in the system: find out quickly if it is ours. */
static int uid_watch_pre(struct kprobe *p, struct pt_regs *regs)
{
	kuid_t uid = current_uid();
	struct uid_watch_file file;
	unsigned int i;

	for (i = 0; i < nr_uids; i++)
		if (uid_eq(uid, watched[i]))
			break;
	if (i == nr_uids)
		return 0;

	atomic_long_inc(&hits[i]);

	if (uid_watch_read_file(regs_get_kernel_argument(regs, 0), &file))
		pr_info_ratelimited("uid %u called %s, whose first argument is not a readable struct path\n",
				    uids[i], symbol);
	else if (file.has_inode)
		pr_info_ratelimited("uid %u opened %s (inode %lu)\n",
				    uids[i], file.name, file.ino);
	else
		pr_info_ratelimited("uid %u opened %s (no inode)\n",
				    uids[i], file.name);
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
