// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the mentor dummy register device.
 *
 * The tests drive the one, global device: each starts from the initial
 * register values, and the suite leaves them there when it is done.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/irqflags.h>
#include <linux/kthread.h>
#include <linux/mentor.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/string.h>

static const u32 mentor_test_initial[MENTOR_NR_REGS] = { 40, 41, 42, 43, 44, 0 };

static void mentor_expect_regs(struct kunit *test, const u32 *want)
{
	u8 addr;

	for (addr = 0; addr < MENTOR_NR_REGS; addr++)
		KUNIT_EXPECT_EQ_MSG(test, mentor_read(addr), want[addr],
				    "register %u", addr);
}

static void mentor_initial_values_test(struct kunit *test)
{
	mentor_expect_regs(test, mentor_test_initial);
}

static void mentor_addr_to_desc(const u8 *addr, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "register %u", *addr);
}

static const u8 mentor_writable_addrs[] = { 0, 1, 2, 3, 4 };

KUNIT_ARRAY_PARAM(mentor_writable, mentor_writable_addrs, mentor_addr_to_desc);

/* A write lands in its register only, and is counted once. */
static void mentor_write_read_round_trip_test(struct kunit *test)
{
	const u8 addr = *(const u8 *)test->param_value;
	u32 want[MENTOR_NR_REGS];

	memcpy(want, mentor_test_initial, sizeof(want));
	want[addr] = 0xdeadbe00 | addr;
	want[MENTOR_TOTAL_WRITES_ADDR] = 1;

	KUNIT_EXPECT_EQ(test, mentor_write(addr, want[addr]), 0);
	mentor_expect_regs(test, want);
}

static void mentor_counter_counts_valid_writes_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mentor_write(0, 1), 0);
	KUNIT_EXPECT_EQ(test, mentor_write(0, 1), 0);
	KUNIT_EXPECT_EQ(test, mentor_write(4, 0), 0);
	KUNIT_EXPECT_EQ(test, mentor_write(MENTOR_TOTAL_WRITES_ADDR, 100), -EPERM);
	KUNIT_EXPECT_EQ(test, mentor_write(MENTOR_NR_REGS, 1), -EINVAL);

	KUNIT_EXPECT_EQ(test, mentor_read(MENTOR_TOTAL_WRITES_ADDR), 3);
}

static void mentor_counter_is_read_only_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mentor_write(MENTOR_TOTAL_WRITES_ADDR, 7), -EPERM);
	mentor_expect_regs(test, mentor_test_initial);
}

static const u8 mentor_bad_addrs[] = { MENTOR_NR_REGS, 0x42, U8_MAX };

KUNIT_ARRAY_PARAM(mentor_bad, mentor_bad_addrs, mentor_addr_to_desc);

static void mentor_out_of_range_read_test(struct kunit *test)
{
	const u8 addr = *(const u8 *)test->param_value;

	KUNIT_EXPECT_EQ(test, __mentor_read(addr), U32_MAX);
	KUNIT_EXPECT_EQ(test, mentor_read(addr), U32_MAX);
}

static void mentor_out_of_range_write_test(struct kunit *test)
{
	const u8 addr = *(const u8 *)test->param_value;

	KUNIT_EXPECT_EQ(test, mentor_write(addr, 1), -EINVAL);
	mentor_expect_regs(test, mentor_test_initial);
}

/* Interrupt handlers may call the API: it must not sleep or deadlock. */
static void mentor_irqs_disabled_test(struct kunit *test)
{
	unsigned long flags;
	u32 value;
	int ret;

	local_irq_save(flags);
	ret = mentor_write(1, 7);
	value = mentor_read(1);
	local_irq_restore(flags);

	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, value, 7);
	KUNIT_EXPECT_EQ(test, mentor_read(MENTOR_TOTAL_WRITES_ADDR), 1);
}

struct mentor_parse_case {
	const char *desc;
	const char *cmd;
	int ret;
	u8 addr;
	u32 value;
};

static const struct mentor_parse_case mentor_parse_cases[] = {
	{ .desc = "decimal", .cmd = "0 7", .addr = 0, .value = 7 },
	{ .desc = "zero", .cmd = "1 0", .addr = 1, .value = 0 },
	{ .desc = "hexadecimal", .cmd = "4 0xffffffff", .addr = 4,
	  .value = U32_MAX },
	{ .desc = "hexadecimal address, upper-case X", .cmd = "0x3 0X10",
	  .addr = 3, .value = 16 },
	{ .desc = "spaces and the newline of echo", .cmd = " 2   10\n",
	  .addr = 2, .value = 10 },
	{ .desc = "leading zero in the value", .cmd = "0 010", .ret = -EINVAL },
	{ .desc = "leading zero in the address", .cmd = "01 1", .ret = -EINVAL },
	{ .desc = "leading zero after a plus sign", .cmd = "0 +010",
	  .ret = -EINVAL },
	{ .desc = "two zeros", .cmd = "0 00", .ret = -EINVAL },
	{ .desc = "0x without digits", .cmd = "0 0x", .ret = -EINVAL },
	{ .desc = "one number", .cmd = "7", .ret = -EINVAL },
	{ .desc = "address above 255", .cmd = "300 1", .ret = -ERANGE },
	{ .desc = "value above U32_MAX", .cmd = "0 4294967296", .ret = -ERANGE },
};

KUNIT_ARRAY_PARAM_DESC(mentor_parse, mentor_parse_cases, desc);

/* debugfs takes decimal, or hexadecimal with 0x, and never guesses octal. */
static void mentor_parse_write_cmd_test(struct kunit *test)
{
	const struct mentor_parse_case *c = test->param_value;
	char cmd[32];
	u32 value = 0;
	u8 addr = 0;

	strscpy(cmd, c->cmd);
	KUNIT_ASSERT_EQ(test, mentor_parse_write_cmd(cmd, &addr, &value), c->ret);
	if (c->ret)
		return;
	KUNIT_EXPECT_EQ(test, addr, c->addr);
	KUNIT_EXPECT_EQ(test, value, c->value);
}

#define MENTOR_TEST_WRITERS		4
#define MENTOR_TEST_WRITES_PER_WRITER	20000

struct mentor_test_writer {
	struct completion started;
	struct completion *start;
	u8 addr;
	unsigned int failed;
};

static int mentor_test_writer_fn(void *data)
{
	struct mentor_test_writer *writer = data;
	unsigned int i;

	complete(&writer->started);
	wait_for_completion(writer->start);
	for (i = 1; i <= MENTOR_TEST_WRITES_PER_WRITER; i++)
		if (mentor_write(writer->addr, i))
			writer->failed++;

	return 0;
}

/*
 * Writers on several CPUs at once: a counter update that is not under the
 * lock loses increments, and the count comes out short.
 */
static void mentor_concurrent_writers_test(struct kunit *test)
{
	struct mentor_test_writer writers[MENTOR_TEST_WRITERS] = {};
	struct task_struct *tasks[MENTOR_TEST_WRITERS];
	DECLARE_COMPLETION_ONSTACK(start);
	int i;

	for (i = 0; i < MENTOR_TEST_WRITERS; i++) {
		init_completion(&writers[i].started);
		writers[i].start = &start;
		writers[i].addr = i % MENTOR_TOTAL_WRITES_ADDR;
		tasks[i] = kthread_create(mentor_test_writer_fn, &writers[i],
					  "mentor_test/%d", i);
		if (IS_ERR(tasks[i])) {
			complete_all(&start);
			while (--i >= 0)
				kthread_stop_put(tasks[i]);
			KUNIT_FAIL(test, "kthread_create failed");
			return;
		}
		/* Hold the task: it may be done before kthread_stop_put(). */
		get_task_struct(tasks[i]);
		wake_up_process(tasks[i]);
		/*
		 * A kthread that is stopped before it first runs never calls
		 * its function: kthread() skips it when KTHREAD_SHOULD_STOP is
		 * already set. Wait until this writer is in it, so that
		 * kthread_stop_put() below cannot cancel its writes.
		 */
		wait_for_completion(&writers[i].started);
	}

	complete_all(&start);
	for (i = 0; i < MENTOR_TEST_WRITERS; i++)
		kthread_stop_put(tasks[i]);

	for (i = 0; i < MENTOR_TEST_WRITERS; i++)
		KUNIT_EXPECT_EQ_MSG(test, writers[i].failed, 0, "writer %d", i);
	KUNIT_EXPECT_EQ(test, mentor_read(MENTOR_TOTAL_WRITES_ADDR),
			MENTOR_TEST_WRITERS * MENTOR_TEST_WRITES_PER_WRITER);
	for (i = 0; i < MENTOR_TEST_WRITERS; i++)
		KUNIT_EXPECT_EQ(test, mentor_read(writers[i].addr),
				MENTOR_TEST_WRITES_PER_WRITER);
}

static int mentor_test_init(struct kunit *test)
{
	mentor_reset();
	return 0;
}

static void mentor_test_suite_exit(struct kunit_suite *suite)
{
	mentor_reset();
}

static struct kunit_case mentor_test_cases[] = {
	KUNIT_CASE(mentor_initial_values_test),
	KUNIT_CASE_PARAM(mentor_write_read_round_trip_test, mentor_writable_gen_params),
	KUNIT_CASE(mentor_counter_counts_valid_writes_test),
	KUNIT_CASE(mentor_counter_is_read_only_test),
	KUNIT_CASE_PARAM(mentor_out_of_range_read_test, mentor_bad_gen_params),
	KUNIT_CASE_PARAM(mentor_out_of_range_write_test, mentor_bad_gen_params),
	KUNIT_CASE(mentor_irqs_disabled_test),
	KUNIT_CASE(mentor_concurrent_writers_test),
	KUNIT_CASE_PARAM(mentor_parse_write_cmd_test, mentor_parse_gen_params),
	{}
};

static struct kunit_suite mentor_test_suite = {
	.name = "mentor",
	.init = mentor_test_init,
	.suite_exit = mentor_test_suite_exit,
	.test_cases = mentor_test_cases,
};

kunit_test_suite(mentor_test_suite);

MODULE_DESCRIPTION("KUnit tests for the mentor dummy register device");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
