// SPDX-License-Identifier: GPL-2.0
/*
 * kseries_provoke: kernel reports on purpose, for the guest's provocation
 * boot (guest/provoke/), which proves that the host's console check
 * (scripts/guest-report.sh) sees each kind. Not part of the series.
 *
 * Write a name to /sys/kernel/debug/kseries_provoke/provoke:
 *   RCU     rcu_dereference() outside a read-side section: "suspicious RCU usage"
 *   ODEBUG  kfree() of an armed timer: "ODEBUG: free active ... timer_list"
 *   ABBA    take two mutexes in both orders: lockdep's circular dependency
 *   LEAK    kmalloc() an object and forget it: kmemleak's "unreferenced object"
 * Each report names a function of this module (kseries_provoke_*), so the
 * host can tell it from a report of anything else.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>

static DEFINE_MUTEX(kseries_provoke_lock_a);
static DEFINE_MUTEX(kseries_provoke_lock_b);

struct kseries_provoke_obj {
	struct timer_list timer;
	int value;
};

static struct kseries_provoke_obj __rcu *kseries_provoke_rcu_ptr;
static struct dentry *kseries_provoke_dir;

static noinline void kseries_provoke_rcu(void)
{
	struct kseries_provoke_obj *p;

	/* No rcu_read_lock(): PROVE_RCU reports the dereference. */
	p = rcu_dereference(kseries_provoke_rcu_ptr);
	pr_info("kseries_provoke: RCU pointer %p\n", p);
}

static void kseries_provoke_timer_fn(struct timer_list *t)
{
}

static noinline void kseries_provoke_odebug(void)
{
	struct kseries_provoke_obj *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return;
	timer_setup(&p->timer, kseries_provoke_timer_fn, 0);
	mod_timer(&p->timer, jiffies + 3600 * HZ);
	/*
	 * Freeing an armed timer: debugobjects reports it, names the timer's
	 * function as the hint and deactivates the timer (its fixup).
	 */
	kfree(p);
}

static noinline void kseries_provoke_abba(void)
{
	mutex_lock(&kseries_provoke_lock_a);
	mutex_lock(&kseries_provoke_lock_b);
	mutex_unlock(&kseries_provoke_lock_b);
	mutex_unlock(&kseries_provoke_lock_a);

	/* The other order: no deadlock here, but lockdep sees that one could. */
	mutex_lock(&kseries_provoke_lock_b);
	mutex_lock(&kseries_provoke_lock_a);
	mutex_unlock(&kseries_provoke_lock_a);
	mutex_unlock(&kseries_provoke_lock_b);
}

static noinline void *kseries_provoke_leak(void)
{
	struct kseries_provoke_obj *p = kmalloc(sizeof(*p), GFP_KERNEL);

	if (p)
		p->value = 0x5eed;
	return p;
}

static ssize_t kseries_provoke_write(struct file *file, const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	char buf[16];
	size_t len = min(count, sizeof(buf) - 1);

	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	strim(buf);

	pr_info("kseries_provoke: provoking %s\n", buf);
	if (!strcmp(buf, "RCU")) {
		kseries_provoke_rcu();
	} else if (!strcmp(buf, "ODEBUG")) {
		kseries_provoke_odebug();
	} else if (!strcmp(buf, "ABBA")) {
		kseries_provoke_abba();
	} else if (!strcmp(buf, "LEAK")) {
		void *p = kseries_provoke_leak();

		/* Forget the only pointer to it. */
		pr_info("kseries_provoke: leaked %s\n", p ? "an object" : "nothing");
	} else {
		return -EINVAL;
	}
	return count;
}

static ssize_t kseries_provoke_read(struct file *file, char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	static const char names[] = "RCU\nODEBUG\nABBA\nLEAK\n";

	return simple_read_from_buffer(ubuf, count, ppos, names, sizeof(names) - 1);
}

static const struct file_operations kseries_provoke_fops = {
	.owner = THIS_MODULE,
	.read = kseries_provoke_read,
	.write = kseries_provoke_write,
	.llseek = default_llseek,
};

static int __init kseries_provoke_init(void)
{
	kseries_provoke_dir = debugfs_create_dir("kseries_provoke", NULL);
	debugfs_create_file("provoke", 0600, kseries_provoke_dir, NULL,
			    &kseries_provoke_fops);
	return 0;
}

static void __exit kseries_provoke_exit(void)
{
	debugfs_remove_recursive(kseries_provoke_dir);
}

module_init(kseries_provoke_init);
module_exit(kseries_provoke_exit);
MODULE_DESCRIPTION("Kernel reports on purpose, for the kseries guest's report check");
MODULE_LICENSE("GPL");
