// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the conversions between jiffies and milliseconds,
 * microseconds and nanoseconds.
 *
 * The expected values are computed here from HZ with plain 64-bit
 * arithmetic, independently of the helpers' HZ-specific formulas, so
 * the tests hold for any HZ the kernel is built with.
 */

#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/limits.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/time64.h>

/*
 * ceil(j * MSEC_PER_SEC / HZ), without overflowing for large j: the
 * multiplication of the whole seconds wraps modulo 2^64, so the low 32
 * bits are the exact value modulo 2^32 for any j.
 */
static u64 exact_msecs_up(u64 j)
{
	u32 rem;
	u64 secs = div_u64_rem(j, HZ, &rem);

	return secs * MSEC_PER_SEC + DIV_ROUND_UP(rem * MSEC_PER_SEC, HZ);
}

/* floor(j * MSEC_PER_SEC / HZ), in the same way. */
static u64 exact_msecs_down(u64 j)
{
	u32 rem;
	u64 secs = div_u64_rem(j, HZ, &rem);

	return secs * MSEC_PER_SEC + rem * MSEC_PER_SEC / HZ;
}

/* floor(j * USEC_PER_SEC / HZ), in the same way. */
static u64 exact_usecs_down(u64 j)
{
	u32 rem;
	u64 secs = div_u64_rem(j, HZ, &rem);

	return secs * USEC_PER_SEC + div_u64((u64)rem * USEC_PER_SEC, HZ);
}

/* floor(j * NSEC_PER_SEC / HZ), in the same way. */
static u64 exact_nsecs_down(u64 j)
{
	u32 rem;
	u64 secs = div_u64_rem(j, HZ, &rem);

	return secs * NSEC_PER_SEC + div_u64((u64)rem * NSEC_PER_SEC, HZ);
}

/*
 * msecs_to_jiffies(): rounds up; an input that is negative as an int
 * means an infinite timeout, MAX_JIFFY_OFFSET, and so does, when HZ is
 * above 1000, one beyond jiffies_to_msecs(MAX_JIFFY_OFFSET).
 */
static unsigned long expected_msecs_to_jiffies(unsigned int m)
{
	if ((int)m < 0)
		return MAX_JIFFY_OFFSET;
	if (m > jiffies_to_msecs(MAX_JIFFY_OFFSET) && HZ > MSEC_PER_SEC)
		return MAX_JIFFY_OFFSET;
	return DIV_ROUND_UP_ULL((u64)m * HZ, MSEC_PER_SEC);
}

/*
 * usecs_to_jiffies(): rounds up; an input beyond
 * jiffies_to_usecs(MAX_JIFFY_OFFSET) means an infinite timeout.
 */
static unsigned long expected_usecs_to_jiffies(unsigned int u)
{
	if (u > jiffies_to_usecs(MAX_JIFFY_OFFSET))
		return MAX_JIFFY_OFFSET;
	return DIV_ROUND_UP_ULL((u64)u * HZ, USEC_PER_SEC);
}

struct jiffies_param {
	const char *desc;
	unsigned long j;
};

/* Inputs whose conversions fit in 32 bits at any HZ up to 1000. */
static const struct jiffies_param jiffies_params[] = {
	{ "0", 0 },
	{ "1", 1 },
	{ "HZ - 1", HZ - 1 },
	{ "HZ", HZ },
	{ "HZ + 1", HZ + 1 },
	{ "one minute", 60 * HZ },
	{ "one hour", 3600UL * HZ },
};

KUNIT_ARRAY_PARAM_DESC(jiffies_inputs, jiffies_params, desc);

static void jiffies_to_msecs_exact(struct kunit *test)
{
	const struct jiffies_param *p = test->param_value;

	KUNIT_EXPECT_EQ(test, (u64)jiffies_to_msecs(p->j),
			exact_msecs_up(p->j));
}

static void jiffies_to_usecs_exact(struct kunit *test)
{
	const struct jiffies_param *p = test->param_value;

	KUNIT_EXPECT_EQ(test, (u64)jiffies_to_usecs(p->j),
			exact_usecs_down(p->j));
}

/*
 * The 64-bit helpers truncate where jiffies_to_msecs() rounds up; the
 * two differ only when HZ does not divide 1000.
 */
static void jiffies64_to_msecs_exact(struct kunit *test)
{
	const struct jiffies_param *p = test->param_value;

	KUNIT_EXPECT_EQ(test, jiffies64_to_msecs(p->j), exact_msecs_down(p->j));
}

static void jiffies64_to_nsecs_exact(struct kunit *test)
{
	const struct jiffies_param *p = test->param_value;

	KUNIT_EXPECT_EQ(test, jiffies64_to_nsecs(p->j), exact_nsecs_down(p->j));
}

/* Beyond 32 bits of jiffies, which the 64-bit helpers handle. */
static void jiffies64_beyond_32_bits(struct kunit *test)
{
	u64 j = (u64)U32_MAX * HZ + HZ + 1;

	KUNIT_EXPECT_EQ(test, jiffies64_to_msecs(j), exact_msecs_down(j));
	KUNIT_EXPECT_EQ(test, jiffies64_to_nsecs(j), exact_nsecs_down(j));
	KUNIT_EXPECT_GT(test, jiffies64_to_msecs(j), (u64)U32_MAX);
}

/*
 * MAX_JIFFY_OFFSET converts with the same 32-bit wrap as any other
 * value. Exact only where HZ divides 1000 (1000000): otherwise the
 * helpers' own 64-bit multiplication overflows first.
 */
static void jiffies_to_msecs_max_jiffy_offset(struct kunit *test)
{
	if (MSEC_PER_SEC % HZ)
		kunit_skip(test, "HZ=%d does not divide 1000", HZ);
	KUNIT_EXPECT_EQ(test, jiffies_to_msecs(MAX_JIFFY_OFFSET),
			(u32)exact_msecs_up(MAX_JIFFY_OFFSET));
}

static void jiffies_to_usecs_max_jiffy_offset(struct kunit *test)
{
	if (USEC_PER_SEC % HZ)
		kunit_skip(test, "HZ=%d does not divide 1000000", HZ);
	KUNIT_EXPECT_EQ(test, jiffies_to_usecs(MAX_JIFFY_OFFSET),
			(u32)exact_usecs_down(MAX_JIFFY_OFFSET));
}

/*
 * The unsigned int results wrap: show it at the first jiffies value
 * whose time no longer fits, where the 64-bit helper still gives it.
 */
static void jiffies_to_usecs_wraps_at_32_bits(struct kunit *test)
{
	/* The first j with floor(j * USEC_PER_SEC / HZ) > U32_MAX. */
	u64 j = div_u64(((u64)U32_MAX + 1) * HZ + USEC_PER_SEC - 1,
			USEC_PER_SEC);

	if (j > ULONG_MAX)
		kunit_skip(test, "the wrap needs more jiffies than fit in a long");
	KUNIT_EXPECT_EQ(test, (u64)jiffies_to_usecs(j - 1),
			exact_usecs_down(j - 1));
	KUNIT_EXPECT_EQ(test, jiffies_to_usecs(j), (u32)exact_usecs_down(j));
	KUNIT_EXPECT_LT(test, jiffies_to_usecs(j), jiffies_to_usecs(j - 1));
	KUNIT_EXPECT_EQ(test, div_u64(jiffies64_to_nsecs(j), NSEC_PER_USEC),
			exact_usecs_down(j));
	KUNIT_EXPECT_GT(test, div_u64(jiffies64_to_nsecs(j), NSEC_PER_USEC),
			(u64)U32_MAX);
}

static void jiffies_to_msecs_wraps_at_32_bits(struct kunit *test)
{
	/* The first j with ceil(j * MSEC_PER_SEC / HZ) > U32_MAX. */
	u64 j = div_u64((u64)U32_MAX * HZ, MSEC_PER_SEC) + 1;

	if (j > ULONG_MAX)
		kunit_skip(test, "the wrap needs more jiffies than fit in a long");
	KUNIT_EXPECT_EQ(test, (u64)jiffies_to_msecs(j - 1),
			exact_msecs_up(j - 1));
	KUNIT_EXPECT_EQ(test, jiffies_to_msecs(j), (u32)exact_msecs_up(j));
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(j), jiffies_to_msecs(j - 1));
	KUNIT_EXPECT_EQ(test, jiffies64_to_msecs(j), exact_msecs_down(j));
	KUNIT_EXPECT_GE(test, jiffies64_to_msecs(j), (u64)U32_MAX);
}

struct time_param {
	const char *desc;
	unsigned int t;
};

static const struct time_param msecs_params[] = {
	{ "0", 0 },
	{ "1", 1 },
	{ "999", 999 },
	{ "1000", 1000 },
	{ "1001", 1001 },
	{ "INT_MAX", INT_MAX },
	{ "INT_MAX + 1", (unsigned int)INT_MAX + 1 },
	{ "UINT_MAX", UINT_MAX },
};

KUNIT_ARRAY_PARAM_DESC(msecs_inputs, msecs_params, desc);

static void msecs_to_jiffies_exact(struct kunit *test)
{
	const struct time_param *p = test->param_value;

	KUNIT_EXPECT_EQ(test, msecs_to_jiffies(p->t),
			expected_msecs_to_jiffies(p->t));
}

static const struct time_param usecs_params[] = {
	{ "0", 0 },
	{ "1", 1 },
	{ "USEC_PER_SEC - 1", USEC_PER_SEC - 1 },
	{ "USEC_PER_SEC", USEC_PER_SEC },
	{ "USEC_PER_SEC + 1", USEC_PER_SEC + 1 },
	{ "INT_MAX", INT_MAX },
	{ "UINT_MAX", UINT_MAX },
};

KUNIT_ARRAY_PARAM_DESC(usecs_inputs, usecs_params, desc);

static void usecs_to_jiffies_exact(struct kunit *test)
{
	const struct time_param *p = test->param_value;

	KUNIT_EXPECT_EQ(test, usecs_to_jiffies(p->t),
			expected_usecs_to_jiffies(p->t));
}

/*
 * With a constant argument, msecs_to_jiffies() and usecs_to_jiffies()
 * are computed at build time by a different path: it must agree.
 */
static void msecs_to_jiffies_constant(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, msecs_to_jiffies(0), 0UL);
	KUNIT_EXPECT_EQ(test, msecs_to_jiffies(1), expected_msecs_to_jiffies(1));
	KUNIT_EXPECT_EQ(test, msecs_to_jiffies(1000),
			expected_msecs_to_jiffies(1000));
	KUNIT_EXPECT_EQ(test, msecs_to_jiffies(1001),
			expected_msecs_to_jiffies(1001));
	KUNIT_EXPECT_EQ(test, msecs_to_jiffies(INT_MAX),
			expected_msecs_to_jiffies(INT_MAX));
	KUNIT_EXPECT_EQ(test, msecs_to_jiffies((unsigned int)INT_MAX + 1),
			MAX_JIFFY_OFFSET);
	KUNIT_EXPECT_EQ(test, msecs_to_jiffies(UINT_MAX), MAX_JIFFY_OFFSET);
}

static void usecs_to_jiffies_constant(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, usecs_to_jiffies(0), 0UL);
	KUNIT_EXPECT_EQ(test, usecs_to_jiffies(1), expected_usecs_to_jiffies(1));
	KUNIT_EXPECT_EQ(test, usecs_to_jiffies(USEC_PER_SEC),
			expected_usecs_to_jiffies(USEC_PER_SEC));
	KUNIT_EXPECT_EQ(test, usecs_to_jiffies(USEC_PER_SEC + 1),
			expected_usecs_to_jiffies(USEC_PER_SEC + 1));
	KUNIT_EXPECT_EQ(test, usecs_to_jiffies(UINT_MAX),
			expected_usecs_to_jiffies(UINT_MAX));
}

/*
 * A timeout is never shorter than asked for: every millisecond count
 * up to three seconds converts to enough jiffies to cover it, and to
 * at most one jiffy more than needed.
 */
static void msecs_to_jiffies_rounds_up(struct kunit *test)
{
	unsigned int m;

	for (m = 1; m <= 3 * MSEC_PER_SEC; m++) {
		unsigned long j = msecs_to_jiffies(m);

		KUNIT_EXPECT_GE_MSG(test, (u64)j * MSEC_PER_SEC, (u64)m * HZ,
				    "msecs_to_jiffies(%u) = %lu", m, j);
		KUNIT_EXPECT_LT_MSG(test, ((u64)j - 1) * MSEC_PER_SEC,
				    (u64)m * HZ,
				    "msecs_to_jiffies(%u) = %lu", m, j);
	}
}

/* The same for microseconds, in steps that cross tick boundaries. */
static void usecs_to_jiffies_rounds_up(struct kunit *test)
{
	unsigned int u;

	for (u = 1; u <= 3 * USEC_PER_SEC; u += 997) {
		unsigned long j = usecs_to_jiffies(u);

		KUNIT_EXPECT_GE_MSG(test, (u64)j * USEC_PER_SEC, (u64)u * HZ,
				    "usecs_to_jiffies(%u) = %lu", u, j);
		KUNIT_EXPECT_LT_MSG(test, ((u64)j - 1) * USEC_PER_SEC,
				    (u64)u * HZ,
				    "usecs_to_jiffies(%u) = %lu", u, j);
	}
}

/*
 * jiffies to time and back gives the same jiffies where a jiffy is a
 * whole number of milliseconds (microseconds); time to jiffies and back
 * never comes out shorter, and at most one jiffy longer.
 */
static void jiffies_msecs_round_trip(struct kunit *test)
{
	unsigned long j;
	unsigned int m;

	if (MSEC_PER_SEC % HZ)
		kunit_skip(test, "HZ=%d does not divide 1000", HZ);
	for (j = 0; j <= 3 * HZ; j++)
		KUNIT_EXPECT_EQ(test, msecs_to_jiffies(jiffies_to_msecs(j)), j);
	for (m = 0; m <= 3 * MSEC_PER_SEC; m++) {
		unsigned int back = jiffies_to_msecs(msecs_to_jiffies(m));

		KUNIT_EXPECT_GE(test, back, m);
		KUNIT_EXPECT_LT(test, back, m + MSEC_PER_SEC / HZ);
	}
}

static void jiffies_usecs_round_trip(struct kunit *test)
{
	unsigned long j;
	unsigned int u;

	if (USEC_PER_SEC % HZ)
		kunit_skip(test, "HZ=%d does not divide 1000000", HZ);
	for (j = 0; j <= 3 * HZ; j++)
		KUNIT_EXPECT_EQ(test, usecs_to_jiffies(jiffies_to_usecs(j)), j);
	for (u = 0; u <= 3 * USEC_PER_SEC; u += 997) {
		unsigned int back = jiffies_to_usecs(usecs_to_jiffies(u));

		KUNIT_EXPECT_GE(test, back, u);
		KUNIT_EXPECT_LT(test, back, u + USEC_PER_SEC / HZ);
	}
}

static struct kunit_case jiffies_test_cases[] = {
	KUNIT_CASE_PARAM(jiffies_to_msecs_exact, jiffies_inputs_gen_params),
	KUNIT_CASE_PARAM(jiffies_to_usecs_exact, jiffies_inputs_gen_params),
	KUNIT_CASE_PARAM(jiffies64_to_msecs_exact, jiffies_inputs_gen_params),
	KUNIT_CASE_PARAM(jiffies64_to_nsecs_exact, jiffies_inputs_gen_params),
	KUNIT_CASE(jiffies64_beyond_32_bits),
	KUNIT_CASE(jiffies_to_msecs_max_jiffy_offset),
	KUNIT_CASE(jiffies_to_usecs_max_jiffy_offset),
	KUNIT_CASE(jiffies_to_usecs_wraps_at_32_bits),
	KUNIT_CASE(jiffies_to_msecs_wraps_at_32_bits),
	KUNIT_CASE_PARAM(msecs_to_jiffies_exact, msecs_inputs_gen_params),
	KUNIT_CASE_PARAM(usecs_to_jiffies_exact, usecs_inputs_gen_params),
	KUNIT_CASE(msecs_to_jiffies_constant),
	KUNIT_CASE(usecs_to_jiffies_constant),
	KUNIT_CASE(msecs_to_jiffies_rounds_up),
	KUNIT_CASE(usecs_to_jiffies_rounds_up),
	KUNIT_CASE(jiffies_msecs_round_trip),
	KUNIT_CASE(jiffies_usecs_round_trip),
	{}
};

static struct kunit_suite jiffies_test_suite = {
	.name = "jiffies",
	.test_cases = jiffies_test_cases,
};

kunit_test_suite(jiffies_test_suite);

MODULE_DESCRIPTION("KUnit tests for jiffies conversions");
MODULE_LICENSE("GPL");
