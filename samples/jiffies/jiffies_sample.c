// SPDX-License-Identifier: GPL-2.0-only
/*
 * Converting jiffies to and from milliseconds and microseconds.
 *
 * At load, this module prints the conversions of a fixed set of inputs
 * for the HZ it was built with, one per line:
 *
 *   jiffies_sample: jiffies_to_msecs(250) = 1000
 *
 * jiffies_to_msecs() and jiffies_to_usecs() return an unsigned int, so
 * their results wrap at 2^32: after about 71 minutes' worth of jiffies
 * in microseconds and 49.7 days' worth in milliseconds. For each input
 * where that happens, a "wrapped:" line follows with the value that
 * jiffies64_to_msecs() or jiffies64_to_nsecs() gives instead.
 *
 * Last, it measures how long msleep(100) took, in jiffies, and checks
 * the end time against the expected one with time_after_eq(), which is
 * correct even when the jiffies counter wraps in between.
 *
 * See Documentation/timers/jiffies-conversions.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/module.h>

#define SAMPLE_SLEEP_MS	100

static const unsigned long jiffies_in[] = {
	0,
	1,			/* one tick */
	HZ,			/* one second */
	HZ + 1,
	60 * HZ,		/* one minute */
	3600UL * HZ,		/* one hour: still fits in usecs */
	2 * 3600UL * HZ,	/* two hours: usecs wrap */
	/*
	 * fifty days: msecs wrap too (on 32-bit at HZ 1000 this is more
	 * than jiffies holds: the input wraps as jiffies itself does)
	 */
	50 * 86400UL * HZ,
};

static const unsigned int msecs_in[] = {
	0, 1, 999, 1000, 1001, 60 * MSEC_PER_SEC,
	INT_MAX,
	(unsigned int)INT_MAX + 1,	/* "negative": infinite timeout */
	UINT_MAX,
};

static const unsigned int usecs_in[] = {
	0, 1, 1000, USEC_PER_SEC - 1, USEC_PER_SEC, USEC_PER_SEC + 1,
	INT_MAX, UINT_MAX,
};

static void show_jiffies_to_time(unsigned long j)
{
	u64 msecs64 = jiffies64_to_msecs(j);
	u64 nsecs64 = jiffies64_to_nsecs(j);

	pr_info("jiffies_to_msecs(%lu) = %u\n", j, jiffies_to_msecs(j));
	pr_info("jiffies_to_usecs(%lu) = %u\n", j, jiffies_to_usecs(j));
	pr_info("jiffies64_to_msecs(%lu) = %llu\n", j, msecs64);
	pr_info("jiffies64_to_nsecs(%lu) = %llu\n", j, nsecs64);

	if (msecs64 > UINT_MAX)
		pr_info("wrapped: jiffies_to_msecs(%lu) is %llu ms\n",
			j, msecs64);
	if (div_u64(nsecs64, NSEC_PER_USEC) > UINT_MAX)
		pr_info("wrapped: jiffies_to_usecs(%lu) is %llu us\n",
			j, div_u64(nsecs64, NSEC_PER_USEC));
}

static void show_sleep(void)
{
	unsigned long start, end;

	start = jiffies;
	msleep(SAMPLE_SLEEP_MS);
	end = jiffies;

	/* Unsigned subtraction gives the right count across a wrap. */
	pr_info("elapsed_jiffies(msleep(%u)) = %lu\n",
		SAMPLE_SLEEP_MS, end - start);
	pr_info("jiffies_to_msecs(%lu) = %u\n",
		end - start, jiffies_to_msecs(end - start));
	pr_info("time_after_eq(end, start + msecs_to_jiffies(%u)) = %d\n",
		SAMPLE_SLEEP_MS,
		time_after_eq(end, start + msecs_to_jiffies(SAMPLE_SLEEP_MS)));
}

static int __init jiffies_sample_init(void)
{
	unsigned int i;

	pr_info("HZ = %d\n", HZ);
	pr_info("MAX_JIFFY_OFFSET = %lu\n", MAX_JIFFY_OFFSET);

	for (i = 0; i < ARRAY_SIZE(jiffies_in); i++)
		show_jiffies_to_time(jiffies_in[i]);
	for (i = 0; i < ARRAY_SIZE(msecs_in); i++)
		pr_info("msecs_to_jiffies(%u) = %lu\n",
			msecs_in[i], msecs_to_jiffies(msecs_in[i]));
	for (i = 0; i < ARRAY_SIZE(usecs_in); i++)
		pr_info("usecs_to_jiffies(%u) = %lu\n",
			usecs_in[i], usecs_to_jiffies(usecs_in[i]));

	show_sleep();
	return 0;
}

static void __exit jiffies_sample_exit(void)
{
}

module_init(jiffies_sample_init);
module_exit(jiffies_sample_exit);
MODULE_DESCRIPTION("Sample showing jiffies conversions and where they wrap");
MODULE_LICENSE("GPL");
