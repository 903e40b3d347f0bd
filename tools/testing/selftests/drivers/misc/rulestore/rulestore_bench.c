// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark /dev/rulestore: what LIST, ADD, DEL, INFO and read(2) cost
 * against the number of rules in the store and on one uid, what a rule
 * costs in slab memory, and the targets of that in one table.
 *
 * Made for QEMU's TCG, where an absolute time says nothing about real
 * hardware: every cost is a ratio to the cheapest call of the device, an
 * ioctl with an unknown command (it fails with ENOTTY), measured in the
 * same run. Each measurement calibrates a number of calls that takes at
 * least the round time, times that many calls in each of ROUNDS rounds,
 * each after a round of the floor, and keeps the best round over the best
 * floor round and the median over the median: a host that slows down or
 * speeds up during the run moves both alike.
 *
 * In order: the floor, getppid, INFO, a BPF hash-map lookup of the bytes
 * LIST of one rule returns; LIST of a uid with 1 to 1024 rules (of 1 rule
 * also into no buffer, which fails with ERANGE after one walk of the
 * rules: the difference is what allocation and copies cost); then the
 * store is filled, 64 short rules per uid so that ADD stays cheap, to 10,
 * 10^3, ... stored rules, and at each size LIST of one uid (one rule),
 * LIST of all, read(2) of a tmpfs file of the same bytes and read(2) of
 * the device, with the slab memory the fill took; the slab memory of rules
 * of 16 to 64 bytes; LIST with a writer on another CPU; last ADD and DEL,
 * whose rules RCU frees late and would blur the memory figures.
 *
 * Needs root, the rulestore driver with an empty store, bpf(2)
 * (CONFIG_BPF_SYSCALL), /proc/slabinfo (CONFIG_SLUB_DEBUG), two CPUs and a
 * tmpfs. Raises the module parameters max_rules and max_rules_per_uid for
 * the run, and restores them and an empty store at the end.
 *
 * Usage: rulestore_bench [-r ROUNDS] [-t ROUND_MS] [-n MAX_RULES]
 *                        [-m MEM_RULES] [-o DIR] [-d TMPFS_DIR]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/rulestore.h>

#include "../../../kselftest.h"

#define DEV_PATH		"/dev/rulestore"
#define PARAM_DIR		"/sys/module/rulestore/parameters/"
#define TMPFS_MAGIC_NR		0x01021994
/* An ioctl of the device's magic that is none of its commands. */
#define RULESTORE_IOC_UNKNOWN	_IO(RULESTORE_IOC_MAGIC, 0x7f)

/* The uids measured, below the fill's. */
#define UID_LIST		1000	/* LIST with 1 to 1024 rules */
#define UID_ONE			1001	/* LIST of one rule */
#define UID_ADD			1002	/* ADD and DEL */
#define UID_WRITER		1003	/* the writer's */
#define FILL_UID_BASE		100000
/* Filling: short rules, few per uid, since ADD scans the uid's rules. */
#define FILL_PER_UID		64
#define FILL_RULE_LEN		16
/* The measured uids' rules: the longest, 264 bytes as a LIST record. */
#define BENCH_RULE_LEN		RULESTORE_RULE_MAX
#define ADD_BATCH		16
#define ADD_FIRST_KEPT		100000
#define MAX_ROUNDS		101
#define MAX_RESULTS		64
#define MAX_MEM			8
/* The limit of the memory target: rule length + this, per rule. */
#define MEM_OVERHEAD_MAX	96
#define READ_CHUNK		(1024 * 1024)

enum what {
	FLOOR, GETPPID, INFO, BPF_LOOKUP, LIST_UID, LIST_RANGE, LIST_ONE,
	LIST_ALL,
	TMPFS_READ, DEV_READ, LIST_ALONE, LIST_WRITER, ADD, DEL, FLOOR_END,
	NR_WHAT
};

/* The key of each result in results.tsv, and its line in the table. */
static const char *const what_key[NR_WHAT] = {
	"floor", "getppid", "info", "bpf_lookup", "list_uid", "list_erange",
	"list_one",
	"list_all", "tmpfs_read", "dev_read", "list_alone", "list_writer",
	"add", "del", "floor_end",
};

static const char *const what_label[NR_WHAT] = {
	"ENOTTY floor (ioctl, unknown command)",
	"getppid(2)",
	"INFO",
	"BPF hash-map lookup, value of LIST of 1 rule",
	"LIST of a uid, by rules on the uid",
	"LIST of a uid into no buffer (ERANGE: one walk, no copy)",
	"LIST of one uid (1 rule), by stored rules",
	"LIST of all, by stored rules",
	"read(2) of a tmpfs file, bytes of LIST of all",
	"read(2) of /dev/rulestore (open to EOF), by stored rules",
	"LIST of one uid (1 rule), alone",
	"LIST of one uid (1 rule), writer on another uid",
	"ADD, by rules on the uid",
	"DEL, by rules on the uid",
	"ENOTTY floor at the end, to the floor at the start",
};

struct result {
	enum what what;
	unsigned long x;	/* rules on the uid, or stored */
	double best, median;	/* ratios to the floor of the same rounds */
};

/* What the slabs grew by over one or more spans of ADDs. */
struct slab_growth {
	long bytes;
	long objs;		/* in @class */
	char class[64];		/* the cache that grew by the most objects */
	unsigned long class_size;
};

struct mem_result {
	const char *what;
	unsigned long rules;
	unsigned int len;
	double bytes_per_rule;
	char class[64];		/* the slab cache most rules went to */
	unsigned long class_size;
	double class_per_rule;	/* objects in it per rule */
};

/* One slab cache in /proc/slabinfo. */
struct slab_cache {
	char name[64];
	long active;
	unsigned long size;
};

struct slab_snap {
	struct slab_cache *c;
	unsigned int nr;
};

/* What a measured call needs. */
struct op {
	enum what what;
	unsigned long x;
	__u32 uid;
	__u32 flags;
	__u32 want;		/* LIST: the records it must return */
	size_t len;		/* read(2): the bytes */
};

static struct {
	unsigned int rounds;
	__u64 round_ns;
	unsigned long max_rules, mem_rules;
	const char *out_dir, *tmp_dir;
} opt = {
	.rounds = 7,
	.round_ns = 50000000,
	.max_rules = 1000000,
	.mem_rules = 100000,
	.out_dir = ".",
	.tmp_dir = "/tmp",
};

static int dev_fd, bpf_fd, tmp_fd;
static void *buf;
static size_t buf_cap;
static unsigned long filled;	/* fill rules in the store */
static unsigned long saved_max_rules, saved_max_per_uid;
static __u32 next_mem_uid;

static struct result results[MAX_RESULTS];
static unsigned int nr_results;
static struct mem_result mems[MAX_MEM];
static unsigned int nr_mems;

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* A line "progress: ..." that the host shows while the guest runs. */
static void tell(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("progress: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* @len bytes of "rrr...r<index>": rules of a uid differ only at the end. */
static void make_rule(char *rule, unsigned int len, unsigned long index)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%lu", index);

	memset(rule, 'r', len);
	memcpy(rule + len - n, num, n);
}

static int rule_ioctl(unsigned long cmd, __u32 uid, unsigned int len,
		      unsigned long index)
{
	char rule[RULESTORE_RULE_MAX];
	struct rulestore_rule_arg arg = {
		.size = sizeof(arg),
		.uid = uid,
		.len = len,
		.rule = (__u64)(uintptr_t)rule,
	};

	make_rule(rule, len, index);
	return ioctl(dev_fd, cmd, &arg) ? -errno : 0;
}

static void add_rule(__u32 uid, unsigned int len, unsigned long index)
{
	int ret = rule_ioctl(RULESTORE_IOC_ADD, uid, len, index);

	if (ret)
		ksft_exit_fail_msg("ADD of rule %lu to uid %u: %s\n", index,
				   uid, strerror(-ret));
}

static void del_rule(__u32 uid, unsigned int len, unsigned long index)
{
	int ret = rule_ioctl(RULESTORE_IOC_DEL, uid, len, index);

	if (ret)
		ksft_exit_fail_msg("DEL of rule %lu of uid %u: %s\n", index,
				   uid, strerror(-ret));
}

static void clear_uid(__u32 uid)
{
	struct rulestore_clear_arg arg = { .size = sizeof(arg), .uid = uid };

	if (ioctl(dev_fd, RULESTORE_IOC_CLEAR, &arg) && errno != ENOENT)
		ksft_exit_fail_msg("CLEAR of uid %u: %s\n", uid,
				   strerror(errno));
}

static struct rulestore_info get_info(void)
{
	struct rulestore_info info = { .size = sizeof(info) };

	if (ioctl(dev_fd, RULESTORE_IOC_INFO, &info))
		ksft_exit_fail_msg("INFO: %s\n", strerror(errno));
	return info;
}

static unsigned long read_param(const char *name)
{
	char path[128];
	unsigned long val;
	FILE *f;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%lu", &val) != 1)
		ksft_exit_fail_msg("reading %s: %s\n", path, strerror(errno));
	fclose(f);
	return val;
}

static void write_param(const char *name, unsigned long val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%lu\n", val) < 0 || fclose(f))
		ksft_exit_fail_msg("writing %lu to %s: %s\n", val, path,
				   strerror(errno));
}

/* The buffer of LIST and read(2), grown to at least @len bytes. */
static void need_buf(size_t len)
{
	if (len <= buf_cap)
		return;
	free(buf);
	/* LIST wants it 8-byte aligned; malloc gives 16. */
	buf = malloc(len);
	if (!buf)
		ksft_exit_fail_msg("out of memory for a %zu-byte buffer\n", len);
	/* Touched once, so that no measurement pays its page faults. */
	memset(buf, 0, len);
	buf_cap = len;
}

/* LIST into the buffer; returns the bytes, fails on a count not @want. */
static __u32 list(__u32 flags, __u32 uid, __u32 want)
{
	struct rulestore_list_arg arg = {
		.size = sizeof(arg),
		.flags = flags,
		.uid = uid,
		.buf_len = buf_cap > UINT32_MAX ? UINT32_MAX : buf_cap,
		.buf = (__u64)(uintptr_t)buf,
	};

	if (ioctl(dev_fd, RULESTORE_IOC_LIST, &arg))
		ksft_exit_fail_msg("LIST of %s %u: %s\n",
				   flags ? "all, stored" : "uid", flags ? want : uid,
				   strerror(errno));
	if (arg.count != want)
		ksft_exit_fail_msg("LIST of uid %u gave %u records, not %u\n",
				   uid, arg.count, want);
	return arg.buf_len;
}

/* The bytes LIST of all takes now. */
static __u32 list_all_len(void)
{
	struct rulestore_list_arg arg = {
		.size = sizeof(arg),
		.flags = RULESTORE_LIST_ALL,
	};

	if (!ioctl(dev_fd, RULESTORE_IOC_LIST, &arg))
		return 0;	/* an empty store fits into no buffer */
	if (errno != ERANGE)
		ksft_exit_fail_msg("LIST of all into no buffer: %s\n",
				   strerror(errno));
	return arg.buf_len;
}

/* LIST into no buffer: the walk that sizes the snapshot, and no more. */
static void list_erange_once(__u32 uid)
{
	struct rulestore_list_arg arg = { .size = sizeof(arg), .uid = uid };

	if (!ioctl(dev_fd, RULESTORE_IOC_LIST, &arg) || errno != ERANGE)
		ksft_exit_fail_msg("LIST of uid %u into no buffer: %s\n", uid,
				   strerror(errno));
}

static void read_dev_once(void)
{
	int fd = open(DEV_PATH, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		ksft_exit_fail_msg("open %s: %s\n", DEV_PATH, strerror(errno));
	do {
		n = read(fd, buf, READ_CHUNK);
	} while (n > 0);
	if (n < 0)
		ksft_exit_fail_msg("read %s: %s\n", DEV_PATH, strerror(errno));
	close(fd);
}

static void bpf_lookup_once(void)
{
	__u32 key = 1;
	union bpf_attr attr = {
		.map_fd = bpf_fd,
		.key = (__u64)(uintptr_t)&key,
		.value = (__u64)(uintptr_t)buf,
	};

	if (syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &attr, sizeof(attr)))
		ksft_exit_fail_msg("BPF_MAP_LOOKUP_ELEM: %s\n", strerror(errno));
}

static void floor_once(void)
{
	if (ioctl(dev_fd, RULESTORE_IOC_UNKNOWN, NULL) != -1 || errno != ENOTTY)
		ksft_exit_fail_msg("an unknown ioctl did not fail with ENOTTY: %s\n",
				   strerror(errno));
}

static void tmpfs_read_once(size_t len)
{
	if (pread(tmp_fd, buf, len, 0) != (ssize_t)len)
		ksft_exit_fail_msg("read of the tmpfs file: %s\n",
				   strerror(errno));
}

/* One call of @op (any but ADD and DEL). */
static void call_once(const struct op *op)
{
	switch (op->what) {
	case FLOOR:
	case FLOOR_END:
		floor_once();
		break;
	case GETPPID:
		syscall(SYS_getppid);
		break;
	case INFO:
		get_info();
		break;
	case BPF_LOOKUP:
		bpf_lookup_once();
		break;
	case TMPFS_READ:
		tmpfs_read_once(op->len);
		break;
	case DEV_READ:
		read_dev_once();
		break;
	case LIST_RANGE:
		list_erange_once(op->uid);
		break;
	default:
		list(op->flags, op->uid, op->want);
		break;
	}
}

/*
 * ADD (or DEL) of @n rules to a uid that holds @op->x rules: in batches
 * of ADD_BATCH new rules (indices 0 up; the uid's own rules are numbered
 * from ADD_FIRST_KEPT), added and then deleted, only one of the two
 * timed, so that the uid never holds more than x + ADD_BATCH rules.
 */
static __u64 run_add_del(const struct op *op, unsigned long n)
{
	unsigned long done, k, i;
	__u64 t = 0, t0;

	for (done = 0; done < n; done += k) {
		k = n - done < ADD_BATCH ? n - done : ADD_BATCH;
		t0 = now_ns();
		for (i = 0; i < k; i++)
			add_rule(op->uid, BENCH_RULE_LEN, i);
		if (op->what == ADD)
			t += now_ns() - t0;
		t0 = now_ns();
		for (i = 0; i < k; i++)
			del_rule(op->uid, BENCH_RULE_LEN, i);
		if (op->what == DEL)
			t += now_ns() - t0;
	}
	return t;
}

/* Nanoseconds that @n calls of @op took. */
static __u64 run(const struct op *op, unsigned long n)
{
	unsigned long i;
	__u64 t0;

	if (op->what == ADD || op->what == DEL)
		return run_add_del(op, n);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		call_once(op);
	return now_ns() - t0;
}

/* The number of calls of @op that take about one round. */
static unsigned long calibrate(const struct op *op)
{
	unsigned long n = 1;
	__u64 t;

	for (;;) {
		t = run(op, n);
		if (t >= opt.round_ns)
			return n;
		if (t < opt.round_ns / 16)
			n *= 16;
		else
			n = n * opt.round_ns / t + 1;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static unsigned long floor_calls;	/* in one round of the floor */
static double first_floor_best, first_floor_median;	/* nanoseconds */

/* Times @n calls of @op, and the floor before, in each round. */
static void time_rounds(const struct op *op, unsigned long n, double *per_call,
			double *floor_per_call)
{
	static const struct op floor = { .what = FLOOR };
	unsigned int i;

	for (i = 0; i < opt.rounds; i++) {
		floor_per_call[i] = (double)run(&floor, floor_calls) / floor_calls;
		per_call[i] = (double)run(op, n) / n;
	}
	qsort(per_call, opt.rounds, sizeof(double), cmp_double);
	qsort(floor_per_call, opt.rounds, sizeof(double), cmp_double);
}

static void measure(const struct op *op)
{
	double per_call[MAX_ROUNDS], floor_per_call[MAX_ROUNDS];
	unsigned int mid = opt.rounds / 2;
	struct result *r;

	if (nr_results == MAX_RESULTS)
		ksft_exit_fail_msg("more than %d results\n", MAX_RESULTS);
	if (!floor_calls)
		floor_calls = calibrate(&(struct op){ .what = FLOOR });
	time_rounds(op, calibrate(op), per_call, floor_per_call);
	if (op->what == FLOOR) {
		first_floor_best = floor_per_call[0];
		first_floor_median = floor_per_call[mid];
	} else if (op->what == FLOOR_END) {
		/* How far the host's speed moved during the run. */
		floor_per_call[0] = first_floor_best;
		floor_per_call[mid] = first_floor_median;
	}
	r = &results[nr_results++];
	r->what = op->what;
	r->x = op->x;
	r->best = per_call[0] / floor_per_call[0];
	r->median = per_call[mid] / floor_per_call[mid];
}

static void measure_list(enum what what, unsigned long x, __u32 uid,
			 __u32 want)
{
	measure(&(struct op){ .what = what, .x = x, .uid = uid, .want = want });
}

/* The result of @what at @x; at any x if @x is ANY_X. */
#define ANY_X	ULONG_MAX
static const struct result *find(enum what what, unsigned long x)
{
	unsigned int i;

	for (i = 0; i < nr_results; i++)
		if (results[i].what == what &&
		    (x == ANY_X || results[i].x == x))
			return &results[i];
	ksft_exit_fail_msg("no result %s at %lu\n", what_key[what], x);
	return NULL;
}

static void slab_read(struct slab_snap *s)
{
	char line[512], name[64];
	unsigned long size;
	long active;
	FILE *f;

	f = fopen("/proc/slabinfo", "r");
	if (!f)
		ksft_exit_fail_msg("/proc/slabinfo: %s (CONFIG_SLUB_DEBUG?)\n",
				   strerror(errno));
	s->nr = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %*u %lu", name, &active, &size) != 3)
			continue;	/* the two header lines */
		s->c = realloc(s->c, (s->nr + 1) * sizeof(*s->c));
		if (!s->c)
			ksft_exit_fail_msg("out of memory\n");
		snprintf(s->c[s->nr].name, sizeof(s->c->name), "%s", name);
		s->c[s->nr].active = active;
		s->c[s->nr].size = size;
		s->nr++;
	}
	fclose(f);
}

static long slab_before(const struct slab_snap *before, const char *name)
{
	unsigned int i;

	for (i = 0; i < before->nr; i++)
		if (!strcmp(before->c[i].name, name))
			return before->c[i].active;
	return 0;
}

static long slab_bytes(const struct slab_snap *s)
{
	long bytes = 0;
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		bytes += s->c[i].active * s->c[i].size;
	return bytes;
}

/*
 * Wait until nothing is left to free: RCU frees a CLEARed uid's rules
 * after a grace period, and those would count against the next fill.
 */
static void slab_settle(void)
{
	struct slab_snap s = {};
	long last = -1, bytes;
	int same = 0, i;

	for (i = 0; i < 20 && same < 2; i++) {
		slab_read(&s);
		bytes = slab_bytes(&s);
		same = bytes == last ? same + 1 : 0;
		last = bytes;
		usleep(500000);
	}
	free(s.c);
}

/*
 * Adds to @g what the slabs grew by from @before to @after: the bytes in
 * all caches, and the objects of the cache that grew by the most.
 */
static void slab_delta(const struct slab_snap *before,
		       const struct slab_snap *after, struct slab_growth *g)
{
	const struct slab_cache *most = NULL;
	long d, most_d = 0;
	unsigned int i;

	for (i = 0; i < after->nr; i++) {
		d = after->c[i].active - slab_before(before, after->c[i].name);
		g->bytes += d * (long)after->c[i].size;
		if (d > most_d) {
			most_d = d;
			most = &after->c[i];
		}
	}
	if (!most)
		return;
	if (!strcmp(g->class, most->name)) {
		g->objs += most_d;
	} else if (most_d > g->objs) {
		snprintf(g->class, sizeof(g->class), "%s", most->name);
		g->class_size = most->size;
		g->objs = most_d;
	}
}

static struct mem_result *new_mem(const char *what, unsigned long rules,
				  unsigned int len,
				  const struct slab_growth *g)
{
	struct mem_result *m = &mems[nr_mems++];

	m->what = what;
	m->rules = rules;
	m->len = len;
	m->bytes_per_rule = (double)g->bytes / rules;
	snprintf(m->class, sizeof(m->class), "%s", g->class);
	m->class_size = g->class_size;
	m->class_per_rule = (double)g->objs / rules;
	return m;
}

/* Fill rules up to @target, spread over uids FILL_PER_UID at a time. */
static void fill_to(unsigned long target)
{
	for (; filled < target; filled++) {
		add_rule(FILL_UID_BASE + filled / FILL_PER_UID, FILL_RULE_LEN,
			 filled % FILL_PER_UID);
		if (filled && !(filled % 100000))
			tell("filled %lu rules\n", filled);
	}
}

static void measure_fixed(void)
{
	static const enum what whats[] = { FLOOR, GETPPID, INFO, BPF_LOOKUP };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(whats); i++)
		measure(&(struct op){ .what = whats[i] });
}

/* LIST of a uid with 1, 16, 256 and 1024 rules; then the uid goes. */
static void measure_list_uid(void)
{
	static const unsigned int counts[] = { 1, 16, 256, 1024 };
	unsigned int i, have = 0;

	need_buf(1024 * RULESTORE_RECORD_SIZE(BENCH_RULE_LEN));
	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		for (; have < counts[i]; have++)
			add_rule(UID_LIST, BENCH_RULE_LEN, have);
		measure_list(LIST_UID, counts[i], UID_LIST, counts[i]);
		/* Where LIST's time goes: the same without allocation or copy. */
		if (counts[i] == 1)
			measure_list(LIST_RANGE, 1, UID_LIST, 1);
	}
	clear_uid(UID_LIST);
	tell("LIST of a uid by its rules done\n");
}

/* LIST of all, and read(2) of a tmpfs file of its bytes and of the device. */
static void measure_all(unsigned long stored)
{
	size_t len = list_all_len();
	struct op all = { .what = LIST_ALL, .x = stored,
			  .flags = RULESTORE_LIST_ALL, .want = stored };

	need_buf(len);
	list(RULESTORE_LIST_ALL, 0, stored);
	if (ftruncate(tmp_fd, 0) || pwrite(tmp_fd, buf, len, 0) != (ssize_t)len)
		ksft_exit_fail_msg("writing %zu bytes to the tmpfs file: %s\n",
				   len, strerror(errno));
	measure(&all);
	measure(&(struct op){ .what = TMPFS_READ, .x = stored, .len = len });
	need_buf(READ_CHUNK);
	measure(&(struct op){ .what = DEV_READ, .x = stored });
}

/*
 * The store filled to 10, 10^3, ... stored rules (UID_ONE's rule among
 * them): LIST of UID_ONE at each, LIST of all from 10^3, and the slab
 * bytes of the fill at 10^5 and 10^6, counted only over the fills.
 */
static void measure_by_stored(void)
{
	struct slab_snap before = {}, after = {};
	struct slab_growth g = {};
	unsigned long stored;

	add_rule(UID_ONE, BENCH_RULE_LEN, 0);
	slab_settle();
	for (stored = 10; stored <= opt.max_rules; stored *= 10) {
		if (stored == 100)
			continue;
		slab_read(&before);
		fill_to(stored - 1);
		slab_read(&after);
		slab_delta(&before, &after, &g);
		tell("%lu rules stored\n", stored);
		if (stored >= 100000)
			new_mem("fill", filled, FILL_RULE_LEN, &g);
		measure_list(LIST_ONE, stored, UID_ONE, 1);
		if (stored >= 1000)
			measure_all(stored);
	}
	free(before.c);
	free(after.c);
}

/* The slab bytes of MEM_RULES rules of each length, in uids of their own. */
static void measure_mem_by_len(void)
{
	static const unsigned int lens[] = { 16, 32, 48, 64 };
	struct slab_snap before = {}, after = {};
	unsigned long i;
	unsigned int l;

	slab_settle();
	for (l = 0; l < ARRAY_SIZE(lens); l++) {
		struct slab_growth g = {};
		__u32 base = next_mem_uid;

		slab_read(&before);
		for (i = 0; i < opt.mem_rules; i++)
			add_rule(base + i / FILL_PER_UID, lens[l],
				 i % FILL_PER_UID);
		slab_read(&after);
		next_mem_uid = base + (opt.mem_rules + FILL_PER_UID - 1) /
				      FILL_PER_UID;
		slab_delta(&before, &after, &g);
		new_mem("len", opt.mem_rules, lens[l], &g);
		tell("slab bytes of %u-byte rules done\n", lens[l]);
	}
	free(before.c);
	free(after.c);
}

static atomic_int writer_stop;
static unsigned long writer_pairs;

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		ksft_exit_fail_msg("pinning to CPU %d: %s\n", cpu,
				   strerror(errno));
}

/* ADD and DEL of a rule of UID_WRITER, which keeps one more, nonstop. */
static void *writer_main(void *unused)
{
	pin_to_cpu(1);
	while (!atomic_load(&writer_stop)) {
		add_rule(UID_WRITER, FILL_RULE_LEN, 1);
		del_rule(UID_WRITER, FILL_RULE_LEN, 1);
		writer_pairs++;
	}
	return NULL;
}

/* LIST of UID_ONE alone, then with the writer on the other CPU. */
static void measure_writer(void)
{
	struct op op = { .what = LIST_ALONE, .uid = UID_ONE, .want = 1 };
	pthread_t writer;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		ksft_exit_fail_msg("LIST with a writer needs two CPUs\n");
	pin_to_cpu(0);
	add_rule(UID_WRITER, FILL_RULE_LEN, 0);
	op.x = get_info().nr_rules;
	measure(&op);
	if (pthread_create(&writer, NULL, writer_main, NULL))
		ksft_exit_fail_msg("pthread_create failed\n");
	op.what = LIST_WRITER;
	measure(&op);
	atomic_store(&writer_stop, 1);
	pthread_join(writer, NULL);
	if (!writer_pairs)
		ksft_exit_fail_msg("the writer did not run\n");
	tell("LIST with a writer done (%lu writes meanwhile)\n", writer_pairs);
}

/* ADD and DEL with 1 and 1024 rules on the uid. */
static void measure_add_del(void)
{
	static const unsigned int counts[] = { 1, 1024 };
	struct op op = { .uid = UID_ADD };
	unsigned int i, have = 0;

	/* Room for a batch on top of the default limit of 1024. */
	write_param("max_rules_per_uid", 1024 + ADD_BATCH);
	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		for (; have < counts[i]; have++)
			add_rule(UID_ADD, BENCH_RULE_LEN, ADD_FIRST_KEPT + have);
		op.x = counts[i];
		op.what = ADD;
		measure(&op);
		op.what = DEL;
		measure(&op);
	}
	tell("ADD and DEL done\n");
}

static void bpf_setup(void)
{
	union bpf_attr attr = {
		.map_type = BPF_MAP_TYPE_HASH,
		.key_size = sizeof(__u32),
		.value_size = RULESTORE_RECORD_SIZE(BENCH_RULE_LEN),
		.max_entries = 1024,
	};
	__u32 key = 1;

	bpf_fd = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (bpf_fd < 0)
		ksft_exit_fail_msg("BPF_MAP_CREATE: %s (CONFIG_BPF_SYSCALL?)\n",
				   strerror(errno));
	need_buf(attr.value_size);
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = bpf_fd;
	attr.key = (__u64)(uintptr_t)&key;
	attr.value = (__u64)(uintptr_t)buf;
	if (syscall(__NR_bpf, BPF_MAP_UPDATE_ELEM, &attr, sizeof(attr)))
		ksft_exit_fail_msg("BPF_MAP_UPDATE_ELEM: %s\n", strerror(errno));
}

static void tmpfs_setup(void)
{
	char path[256];
	struct statfs sfs;

	if (statfs(opt.tmp_dir, &sfs) || sfs.f_type != TMPFS_MAGIC_NR)
		ksft_exit_fail_msg("%s is not a tmpfs (-d names one)\n",
				   opt.tmp_dir);
	snprintf(path, sizeof(path), "%s/rulestore_bench.XXXXXX", opt.tmp_dir);
	tmp_fd = mkstemp(path);
	if (tmp_fd < 0)
		ksft_exit_fail_msg("mkstemp %s: %s\n", path, strerror(errno));
	unlink(path);
}

static void setup(void)
{
	struct rulestore_info info;

	if (geteuid())
		ksft_exit_skip("needs root\n");
	dev_fd = open(DEV_PATH, O_RDONLY);
	if (dev_fd < 0)
		ksft_exit_skip("%s: %s\n", DEV_PATH, strerror(errno));
	info = get_info();
	if (info.nr_rules)
		ksft_exit_skip("the store holds %u rules; it must be empty\n",
			       info.nr_rules);
	saved_max_rules = read_param("max_rules");
	saved_max_per_uid = read_param("max_rules_per_uid");
	/* Room for the fill, the memory rules and the measured uids. */
	write_param("max_rules", opt.max_rules + 4 * opt.mem_rules + 4096);
	next_mem_uid = FILL_UID_BASE + opt.max_rules / FILL_PER_UID + 1;
	bpf_setup();
	tmpfs_setup();
}

/* Every uid the run used, cleared; the parameters as they were. */
static void cleanup(void)
{
	__u32 uid;

	clear_uid(UID_ONE);
	clear_uid(UID_ADD);
	clear_uid(UID_WRITER);
	for (uid = FILL_UID_BASE; uid < next_mem_uid; uid++)
		clear_uid(uid);
	write_param("max_rules_per_uid", saved_max_per_uid);
	write_param("max_rules", saved_max_rules);
	if (get_info().nr_rules)
		ksft_exit_fail_msg("rules are left in the store\n");
}

static FILE *open_out(const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", opt.out_dir, name);
	f = fopen(path, "w");
	if (!f)
		ksft_exit_fail_msg("%s: %s\n", path, strerror(errno));
	return f;
}

/* A ratio in the table: decimals while they mean something. */
static void print_ratio(double v)
{
	if (v < 1000)
		printf(" %10.3f", v);
	else
		printf(" %10.0f", v);
}

/* The results: ratios of the best (median) round to the best (median) floor. */
static void print_results(FILE *tsv)
{
	unsigned int i;

	printf("%-58s %8s %10s %10s\n", "what", "x", "best", "median");
	fprintf(tsv, "what\tx\tbest\tmedian\n");
	for (i = 0; i < nr_results; i++) {
		const struct result *r = &results[i];

		printf("%-58s ", what_label[r->what]);
		if (r->x)
			printf("%8lu", r->x);
		else
			printf("%8s", "-");
		print_ratio(r->best);
		print_ratio(r->median);
		putchar('\n');
		fprintf(tsv, "%s\t%lu\t%.4f\t%.4f\n", what_key[r->what], r->x,
			r->best, r->median);
	}
}

static void print_mem(FILE *tsv)
{
	unsigned int i;

	printf("\nslab bytes per rule (/proc/slabinfo: active objects x object size)\n");
	printf("%-26s %8s %4s %9s %7s  %s\n", "what", "rules", "len",
	       "bytes", "limit", "class: objects per rule");
	fputs("what\trules\tlen\tbytes_per_rule\tlimit\t", tsv);
	fputs("class\tclass_size\tclass_per_rule\n", tsv);
	for (i = 0; i < nr_mems; i++) {
		const struct mem_result *m = &mems[i];

		printf("%-26s %8lu %4u %9.1f %7u  %s (%lu bytes): %.3f\n",
		       strcmp(m->what, "fill") ? "rules of one length" :
		       "fill (64 rules per uid)", m->rules, m->len,
		       m->bytes_per_rule, m->len + MEM_OVERHEAD_MAX, m->class,
		       m->class_size, m->class_per_rule);
		fprintf(tsv, "%s\t%lu\t%u\t%.1f\t%u\t%s\t%lu\t%.3f\n", m->what,
			m->rules, m->len, m->bytes_per_rule,
			m->len + MEM_OVERHEAD_MAX, m->class, m->class_size,
			m->class_per_rule);
	}
}

static unsigned int nr_miss;

/* One target: @value against @limit, at most (@at_most) or at least. */
static void target(FILE *tsv, const char *name, double value, double limit,
		   bool at_most)
{
	bool pass = at_most ? value <= limit : value >= limit;

	nr_miss += !pass;
	printf("%-62s %8.3f %2s %6.2f  %s\n", name, value, at_most ? "<=" : ">=",
	       limit, pass ? "PASS" : "MISS");
	fprintf(tsv, "%s\t%.4f\t%s%.2f\t%s\n", name, value,
		at_most ? "<=" : ">=", limit, pass ? "PASS" : "MISS");
}

static double best_ratio(enum what what, unsigned long x)
{
	return find(what, x)->best;
}

/* Largest over smallest of a result at each @x; per x if @per_x. */
static double spread(enum what what, bool per_x)
{
	double lo = 0, hi = 0, v;
	unsigned int i;

	for (i = 0; i < nr_results; i++) {
		if (results[i].what != what)
			continue;
		v = results[i].best / (per_x ? results[i].x : 1);
		if (!lo || v < lo)
			lo = v;
		if (v > hi)
			hi = v;
	}
	return hi / lo;
}

static void print_list_targets(FILE *tsv)
{
	static const unsigned int counts[] = { 1, 16 };
	double bpf = best_ratio(BPF_LOOKUP, 0);
	char name[128];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		double list = best_ratio(LIST_UID, counts[i]);

		snprintf(name, sizeof(name), "LIST of a uid with %u rule%s / floor",
			 counts[i], counts[i] > 1 ? "s" : "");
		target(tsv, name, list, 2, true);
		snprintf(name, sizeof(name), "LIST of a uid with %u rule%s / BPF lookup",
			 counts[i], counts[i] > 1 ? "s" : "");
		target(tsv, name, list / bpf, 0.5, true);
	}
	target(tsv, "LIST of one uid, 10 to max stored: largest / smallest",
	       spread(LIST_ONE, false), 1.1, true);
	target(tsv, "ADD, 1 and 1024 rules on the uid: largest / smallest",
	       spread(ADD, false), 1.1, true);
	target(tsv, "DEL, 1 and 1024 rules on the uid: largest / smallest",
	       spread(DEL, false), 1.1, true);
}

static void print_targets(FILE *tsv)
{
	const struct result *alone = find(LIST_ALONE, ANY_X);
	const struct result *busy = find(LIST_WRITER, ANY_X);
	unsigned long stored;
	char name[128];
	unsigned int i;

	printf("\ntargets (best rounds; the writer's: median rounds)\n");
	fprintf(tsv, "target\tvalue\tlimit\tverdict\n");
	print_list_targets(tsv);
	/* Contention comes and goes: the best round would be the luckiest. */
	target(tsv, "LIST of one uid with a writer: rate / rate alone",
	       alone->median / busy->median, 0.8, false);
	target(tsv, "LIST of all, 10^3 to max: per rule, largest / smallest",
	       spread(LIST_ALL, true), 1.1, true);
	for (stored = 1000; stored <= opt.max_rules; stored *= 10) {
		snprintf(name, sizeof(name),
			 "  (not a target) LIST of all / tmpfs read, %lu rules",
			 stored);
		printf("%-62s %8.3f\n", name, best_ratio(LIST_ALL, stored) /
		       best_ratio(TMPFS_READ, stored));
	}
	for (i = 0; i < nr_mems; i++) {
		if (strcmp(mems[i].what, "len"))
			continue;
		snprintf(name, sizeof(name), "slab bytes per rule of %u bytes",
			 mems[i].len);
		target(tsv, name, mems[i].bytes_per_rule,
		       mems[i].len + MEM_OVERHEAD_MAX, true);
	}
}

static void report(void)
{
	FILE *res = open_out("results.tsv");
	FILE *mem = open_out("memory.tsv");
	FILE *tgt = open_out("targets.tsv");

	printf("Costs are ratios to the ENOTTY floor (an ioctl of %s with an\n"
	       "unknown command) measured in this boot, in rounds interleaved with\n"
	       "each measurement's own; never absolute times: under QEMU TCG only\n"
	       "ratios mean something. %u rounds each; x is the rules on the uid or\n"
	       "stored, as the line says.\n\n", DEV_PATH, opt.rounds);
	print_results(res);
	print_mem(mem);
	print_targets(tgt);
	printf("\n%u target%s missed (a MISS is information, not a failure)\n",
	       nr_miss, nr_miss == 1 ? "" : "s");
	fclose(res);
	fclose(mem);
	fclose(tgt);
}

static unsigned long parse_num(const char *arg, unsigned long min,
			       unsigned long max)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*end || v < min || v > max)
		ksft_exit_fail_msg("%s: not a number from %lu to %lu\n", arg,
				   min, max);
	return v;
}

static void print_usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-r ROUNDS] [-t ROUND_MS] [-n MAX_RULES]\n", prog);
	fputs("       [-m MEM_RULES] [-o DIR] [-d TMPFS_DIR]\n", stderr);
	exit(KSFT_FAIL);
}

static void parse_args(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "r:t:n:m:o:d:")) != -1) {
		switch (c) {
		case 'r':
			opt.rounds = parse_num(optarg, 5, MAX_ROUNDS);
			break;
		case 't':
			opt.round_ns = parse_num(optarg, 1, 10000) * 1000000ULL;
			break;
		case 'n':
			opt.max_rules = parse_num(optarg, 1000, 2000000);
			break;
		case 'm':
			opt.mem_rules = parse_num(optarg, 1000, 500000);
			break;
		case 'o':
			opt.out_dir = optarg;
			break;
		case 'd':
			opt.tmp_dir = optarg;
			break;
		default:
			print_usage(argv[0]);
		}
	}
}

int main(int argc, char **argv)
{
	parse_args(argc, argv);
	setup();
	measure_fixed();
	measure_list_uid();
	measure_by_stored();
	measure_mem_by_len();
	measure_writer();
	measure_add_del();
	measure(&(struct op){ .what = FLOOR_END });
	cleanup();
	report();
	return KSFT_PASS;
}
