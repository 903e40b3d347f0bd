// SPDX-License-Identifier: GPL-2.0
/*
 * mentor: a dummy device with six 32-bit registers.
 *
 * There is no hardware behind it. The registers live in memory and are
 * reached through two exported functions that may be called from any
 * context, so that other code (and its tests) has a small, well-defined
 * device to drive. See Documentation/misc-devices/mentor.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/mentor.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

static const u32 mentor_initial_regs[MENTOR_NR_REGS] = {
	40, 41, 42, 43, 44,
	0,	/* MENTOR_TOTAL_WRITES_ADDR: no write yet */
};

/*
 * @regs is deliberately not the last member: the out-of-bounds read that
 * CONFIG_MENTOR_UB_TRIGGER provokes then stays inside this object, so it is
 * undefined behaviour that UBSAN reports without being a wild access that
 * KASAN would have to stop.
 */
static struct {
	u32 regs[MENTOR_NR_REGS];
	spinlock_t lock;	/* protects @regs */
} mentor = {
	.lock = __SPIN_LOCK_UNLOCKED(mentor.lock),
};

static struct dentry *mentor_debugfs;

VISIBLE_IF_KUNIT void mentor_reset(void)
{
	unsigned long flags;

	spin_lock_irqsave(&mentor.lock, flags);
	memcpy(mentor.regs, mentor_initial_regs, sizeof(mentor.regs));
	spin_unlock_irqrestore(&mentor.lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(mentor_reset);

/**
 * mentor_write() - write a value to a mentor register
 * @addr: register address, 0 to %MENTOR_NR_REGS - 1
 * @value: value to store
 *
 * Stores @value in register @addr and adds one to the write counter,
 * register %MENTOR_TOTAL_WRITES_ADDR, which wraps to 0 after U32_MAX.
 * The counter itself is read-only and there are no registers from
 * %MENTOR_NR_REGS up: a write to either is the caller's bug. It stores
 * nothing, is not counted, and is reported in the kernel log (ratelimited).
 *
 * Context: Any context. Takes the register lock with interrupts disabled.
 * Return: 0 on success, -EPERM for the read-only counter, -EINVAL for an
 * address out of range.
 */
int mentor_write(u8 addr, u32 value)
{
	unsigned long flags;

	if (addr >= MENTOR_NR_REGS) {
		pr_err_ratelimited("%pS: write to register %u, which does not exist\n",
				   __builtin_return_address(0), addr);
		return -EINVAL;
	}
	if (addr == MENTOR_TOTAL_WRITES_ADDR) {
		pr_err_ratelimited("%pS: write to register %u, which is read-only\n",
				   __builtin_return_address(0), addr);
		return -EPERM;
	}

	spin_lock_irqsave(&mentor.lock, flags);
	mentor.regs[addr] = value;
	mentor.regs[MENTOR_TOTAL_WRITES_ADDR]++;
	spin_unlock_irqrestore(&mentor.lock, flags);

	return 0;
}
EXPORT_SYMBOL_GPL(mentor_write);

/**
 * __mentor_read() - read a mentor register
 * @addr: register address, 0 to %MENTOR_NR_REGS - 1
 *
 * Reading an address from %MENTOR_NR_REGS up is the caller's bug: it is
 * reported in the kernel log (ratelimited) and gives U32_MAX. Since a
 * register may hold U32_MAX too, callers check @addr, not the result.
 * Most code calls this through mentor_read().
 *
 * Context: Any context. Takes the register lock with interrupts disabled.
 * Return: the register's value, or U32_MAX if @addr is out of range.
 */
u32 __mentor_read(u8 addr)
{
	unsigned long flags;
	u32 value;

	if (addr >= MENTOR_NR_REGS) {
		pr_err_ratelimited("%pS: read of register %u, which does not exist\n",
				   __builtin_return_address(0), addr);
		return U32_MAX;
	}

	spin_lock_irqsave(&mentor.lock, flags);
	value = mentor.regs[addr];
	spin_unlock_irqrestore(&mentor.lock, flags);

	return value;
}
EXPORT_SYMBOL_GPL(__mentor_read);

static int mentor_regs_show(struct seq_file *m, void *unused)
{
	u8 addr;

	for (addr = 0; addr < MENTOR_NR_REGS; addr++)
		seq_printf(m, "%u: %u\n", addr, mentor_read(addr));

	return 0;
}

/* Copies a command written to a debugfs file into @buf as a string. */
static int mentor_copy_cmd(char *buf, size_t size, const char __user *ubuf,
			   size_t len)
{
	if (len >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';

	return 0;
}

/*
 * Parses a number written to debugfs: decimal, or hexadecimal with "0x".
 * A zero followed by more digits is refused rather than read as octal, as
 * kstrtou32(s, 0, ...) would: "010" is 8 to C and 10 to most people, so
 * fail the write instead of guessing which one the writer meant.
 */
static int mentor_parse_u32(const char *s, u32 *value)
{
	const char *digits = s + (*s == '+');

	if (digits[0] == '0' && _tolower(digits[1]) == 'x')
		return kstrtou32(s, 16, value);
	if (digits[0] == '0' && isdigit(digits[1]))
		return -EINVAL;
	return kstrtou32(s, 10, value);
}

/*
 * Parses "ADDR VALUE" in @cmd, which it modifies. Returns -EINVAL when it
 * is not two numbers, and -ERANGE for a number too big for its field.
 */
VISIBLE_IF_KUNIT int mentor_parse_write_cmd(char *cmd, u8 *addr, u32 *value)
{
	char *value_str = strim(cmd);
	char *addr_str = strsep(&value_str, " ");
	u32 a;
	int ret;

	if (!value_str)
		return -EINVAL;

	ret = mentor_parse_u32(addr_str, &a);
	if (ret)
		return ret;
	if (a > U8_MAX)
		return -ERANGE;

	ret = mentor_parse_u32(skip_spaces(value_str), value);
	if (ret)
		return ret;

	*addr = a;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mentor_parse_write_cmd);

/* Takes "ADDR VALUE", as mentor_parse_write_cmd() reads it. */
static ssize_t mentor_regs_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	char buf[32];
	u32 value;
	u8 addr;
	int ret;

	ret = mentor_copy_cmd(buf, sizeof(buf), ubuf, len);
	if (ret)
		return ret;

	ret = mentor_parse_write_cmd(buf, &addr, &value);
	if (!ret)
		ret = mentor_write(addr, value);

	return ret ?: len;
}

DEFINE_SHOW_STORE_ATTRIBUTE(mentor_regs);

/*
 * Deliberate undefined behaviour (CONFIG_MENTOR_UB_TRIGGER), to check that
 * the sanitizers of a debug kernel catch it and that the kernel goes on.
 * As in LKDTM, each trigger is one function and one line in
 * mentor_ub_triggers[]; writing its name to debugfs "provoke_ub" runs it.
 * OPTIMIZER_HIDE_VAR() hides the bad index or shift from the compiler, so
 * that it can neither reject the access at build time nor fold it away.
 */
static void mentor_ub_done(const char *sanitizer, bool enabled)
{
	if (enabled)
		pr_info("%s=y: its report must precede this line\n", sanitizer);
	else
		pr_warn("%s is not set: nothing reported this\n", sanitizer);
}

static void mentor_ub_REG_INDEX_OUT_OF_BOUNDS(void)
{
	unsigned int addr = MENTOR_NR_REGS - 1;
	unsigned long flags;
	u32 value;

	OPTIMIZER_HIDE_VAR(addr);
	pr_info("reading register %u, within the register array ...\n", addr);
	spin_lock_irqsave(&mentor.lock, flags);
	value = mentor.regs[addr];
	spin_unlock_irqrestore(&mentor.lock, flags);

	addr = MENTOR_NR_REGS;
	OPTIMIZER_HIDE_VAR(addr);
	pr_info("reading register %u, beyond the register array ...\n", addr);
	spin_lock_irqsave(&mentor.lock, flags);
	value = mentor.regs[addr];
	spin_unlock_irqrestore(&mentor.lock, flags);

	pr_info("read %#x\n", value);
	mentor_ub_done("CONFIG_UBSAN_BOUNDS", IS_ENABLED(CONFIG_UBSAN_BOUNDS));
}

static void mentor_ub_SHIFT_OUT_OF_BOUNDS(void)
{
	unsigned int shift = 31;
	u32 value;

	OPTIMIZER_HIDE_VAR(shift);
	pr_info("shifting register 0 by %u, within its width ...\n", shift);
	value = mentor_read(0) << shift;

	shift = 32;
	OPTIMIZER_HIDE_VAR(shift);
	pr_info("shifting register 0 by %u, beyond its width ...\n", shift);
	value = mentor_read(0) << shift;

	pr_info("got %#x\n", value);
	mentor_ub_done("CONFIG_UBSAN_SHIFT", IS_ENABLED(CONFIG_UBSAN_SHIFT));
}

#define MENTOR_UB_TRIGGER(_name) { .name = #_name, .func = mentor_ub_##_name }

static const struct mentor_ub_trigger {
	const char *name;
	void (*func)(void);
} mentor_ub_triggers[] = {
	MENTOR_UB_TRIGGER(REG_INDEX_OUT_OF_BOUNDS),
	MENTOR_UB_TRIGGER(SHIFT_OUT_OF_BOUNDS),
};

static int mentor_provoke_ub_show(struct seq_file *m, void *unused)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(mentor_ub_triggers); i++)
		seq_printf(m, "%s\n", mentor_ub_triggers[i].name);

	return 0;
}

static ssize_t mentor_provoke_ub_write(struct file *file,
				       const char __user *ubuf, size_t len,
				       loff_t *ppos)
{
	const struct mentor_ub_trigger *trigger;
	char buf[32];
	int ret;

	ret = mentor_copy_cmd(buf, sizeof(buf), ubuf, len);
	if (ret)
		return ret;

	for (trigger = mentor_ub_triggers;
	     trigger < mentor_ub_triggers + ARRAY_SIZE(mentor_ub_triggers);
	     trigger++) {
		if (sysfs_streq(buf, trigger->name)) {
			pr_info("provoking %s\n", trigger->name);
			trigger->func();
			return len;
		}
	}

	return -EINVAL;
}

DEFINE_SHOW_STORE_ATTRIBUTE(mentor_provoke_ub);

static int __init mentor_init(void)
{
	mentor_reset();

	mentor_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("regs", 0600, mentor_debugfs, NULL,
			    &mentor_regs_fops);
	if (IS_ENABLED(CONFIG_MENTOR_UB_TRIGGER))
		debugfs_create_file("provoke_ub", 0600, mentor_debugfs, NULL,
				    &mentor_provoke_ub_fops);

	return 0;
}
module_init(mentor_init);

static void __exit mentor_exit(void)
{
	debugfs_remove_recursive(mentor_debugfs);
}
module_exit(mentor_exit);

MODULE_DESCRIPTION("Dummy register device with a spinlock-guarded API");
MODULE_LICENSE("GPL");
