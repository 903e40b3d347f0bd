// SPDX-License-Identifier: GPL-2.0
/*
 * Stress /dev/rulestore from many threads and check every answer against
 * a model kept in user space.
 *
 * Each thread owns a few uids and runs a fixed number of random ADD, DEL,
 * CLEAR, LIST and read(2) calls, from a random number generator seeded
 * with a fixed seed and the thread's index. Since no other thread touches
 * its uids, the thread knows what each call must return and what LIST of
 * its own uids must show, exactly. LIST of every uid, and read(2)'s text,
 * show the thread's own uids exactly too, and are also checked for the
 * other threads' uids: each thread logs the states its uids went through,
 * and after the run every such snapshot of a uid must be one of the states
 * that uid was in. At the end the store must equal the models.
 *
 * Needs root and the rulestore driver. Touches only the rules of uids
 * STRESS_UID_BASE and up, cleared before and after.
 *
 * Usage: rulestore_stress [-s SEED] [-n OPS_PER_THREAD] [-t THREADS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/rulestore.h>

#include "../../../kselftest.h"

#define STRESS_UID_BASE		70000
#define UIDS_PER_THREAD		4
#define MAX_THREADS		64
/* Rules "r00" to "r15": few enough that ADD and DEL often collide. */
#define NR_RULE_NAMES		16
#define RULE_LEN		3
/* Snapshots of every uid, kept for the check after the run, per thread. */
#define MAX_SNAPSHOTS		64
#define LIST_BUF_LEN		(256 * 1024)

/* The rules of one uid, in the order they were added. */
struct uid_state {
	char order[NR_RULE_NAMES + 1];	/* 'a' + name index, NUL-terminated */
};

/* One uid's history: every state it went through, as order strings. */
struct uid_history {
	unsigned int nr;
	unsigned int cap;
	char (*states)[NR_RULE_NAMES + 1];
};

struct snapshot {
	unsigned int nr_uids;
	/* per uid of every thread: the order string LIST or read(2) showed */
	char (*order)[NR_RULE_NAMES + 1];
};

struct worker {
	pthread_t thread;
	unsigned int index;
	__u64 rng;
	int fd;
	struct uid_state model[UIDS_PER_THREAD];
	struct uid_history history[UIDS_PER_THREAD];
	struct snapshot snaps[MAX_SNAPSHOTS];
	unsigned int nr_snaps;
	unsigned long ops, errors;
	__u64 *buf;
};

static unsigned int nr_threads, ops_per_thread;
static struct worker workers[MAX_THREADS];

static __u64 next_random(__u64 *state)
{
	/* xorshift64*, deterministic from the seed */
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545F4914F6CDD1DULL;
}

static __u32 uid_of(unsigned int thread, unsigned int slot)
{
	return STRESS_UID_BASE + thread * UIDS_PER_THREAD + slot;
}

static void rule_name(unsigned int name, char *rule)
{
	snprintf(rule, RULE_LEN + 1, "r%02u", name);
}

static void record_state(struct uid_history *h, const struct uid_state *s)
{
	if (h->nr == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->states = realloc(h->states, h->cap * sizeof(*h->states));
		if (!h->states)
			ksft_exit_fail_msg("out of memory\n");
	}
	memcpy(h->states[h->nr++], s->order, sizeof(s->order));
}

static void fail(struct worker *w, const char *what, __u32 uid, int ret,
		 int expected)
{
	w->errors++;
	ksft_print_msg("thread %u: %s of uid %u returned %d (%s), expected %d\n",
		       w->index, what, uid, ret, ret ? strerror(errno) : "",
		       expected);
}

static int rule_ioctl(int fd, unsigned long cmd, __u32 uid, const char *rule)
{
	struct rulestore_rule_arg arg = {
		.size = sizeof(arg),
		.uid = uid,
		.len = RULE_LEN,
		.rule = (__u64)(uintptr_t)rule,
	};

	return ioctl(fd, cmd, &arg) ? -errno : 0;
}

static int list(int fd, __u32 flags, __u32 uid, __u64 *buf, __u32 *len)
{
	struct rulestore_list_arg arg = {
		.size = sizeof(arg),
		.flags = flags,
		.uid = uid,
		.buf_len = LIST_BUF_LEN,
		.buf = (__u64)(uintptr_t)buf,
	};

	*len = 0;
	if (ioctl(fd, RULESTORE_IOC_LIST, &arg))
		return -errno;
	*len = arg.buf_len;
	return 0;
}

static bool is_stress_uid(__u32 uid)
{
	return uid >= STRESS_UID_BASE && uid < uid_of(nr_threads, 0);
}

/*
 * Append a rule of stress uid @uid, @len bytes at @rule, to that uid's
 * order string in @orders (indexed by uid - base). Returns false for a
 * rule that no stress thread could have added, or one seen twice.
 */
static bool append_rule(char (*orders)[NR_RULE_NAMES + 1], __u32 uid,
			const char *rule, size_t len)
{
	char *order = orders[uid - STRESS_UID_BASE];
	char digits[3] = {};
	unsigned int name;
	size_t n;

	if (len != RULE_LEN || rule[0] != 'r')
		return false;
	memcpy(digits, rule + 1, 2);
	if (sscanf(digits, "%2u", &name) != 1 || name >= NR_RULE_NAMES)
		return false;
	n = strlen(order);
	if (n == NR_RULE_NAMES || strchr(order, 'a' + name))
		return false;
	order[n] = 'a' + name;
	order[n + 1] = '\0';
	return true;
}

/*
 * Walk LIST's records, appending each rule of a stress uid to its order
 * string in @orders. Returns false on a record that no stress thread
 * could have written.
 */
static bool parse_records(const __u64 *buf, __u32 len,
			  char (*orders)[NR_RULE_NAMES + 1])
{
	const char *p = (const char *)buf;
	__u32 off = 0;

	while (off < len) {
		const struct rulestore_record *rec = (const void *)(p + off);

		if (is_stress_uid(rec->uid) &&
		    !append_rule(orders, rec->uid, (const char *)rec->rule,
				 rec->len))
			return false;
		off += RULESTORE_RECORD_SIZE(rec->len);
	}
	return true;
}

/*
 * The same for read(2)'s text, NUL-terminated in @text: a line
 * "---- UID: <uid> ----" starts each uid, then come its rules as
 * "Rule <n>: <rule>", numbered from 1. Returns false on any other line,
 * a rule numbered out of turn, or a rule no stress thread could have added.
 */
static bool parse_text(char *text, char (*orders)[NR_RULE_NAMES + 1])
{
	unsigned int uid = 0, n = 0, number;
	bool in_uid = false;
	char *line, *save, *rule;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "---- UID: %u ----", &uid) == 1) {
			in_uid = true;
			n = 0;
			continue;
		}
		rule = strstr(line, ": ");
		if (!in_uid || !rule || sscanf(line, "Rule %u: ", &number) != 1 ||
		    number != ++n)
			return false;
		rule += 2;
		if (is_stress_uid(uid) &&
		    !append_rule(orders, uid, rule, strlen(rule)))
			return false;
	}
	return true;
}

static void check_own_list(struct worker *w, unsigned int slot)
{
	char orders[MAX_THREADS * UIDS_PER_THREAD][NR_RULE_NAMES + 1] = {};
	__u32 uid = uid_of(w->index, slot), len;
	int ret;

	ret = list(w->fd, 0, uid, w->buf, &len);
	if (ret) {
		fail(w, "LIST", uid, ret, 0);
		return;
	}
	if (!parse_records(w->buf, len, orders) ||
	    strcmp(orders[uid - STRESS_UID_BASE], w->model[slot].order)) {
		w->errors++;
		ksft_print_msg("thread %u: LIST of uid %u shows \"%s\", the model \"%s\"\n",
			       w->index, uid, orders[uid - STRESS_UID_BASE],
			       w->model[slot].order);
	}
}

/*
 * A view of every uid that @w took (@what: LIST of all, or read(2)), in
 * @orders, @parsed when it held no torn or foreign record: @w's own uids
 * must be exactly in the model's state, and the view is kept for the
 * check of every uid after the run.
 */
static void check_view(struct worker *w, const char *what,
		       char (*orders)[NR_RULE_NAMES + 1], bool parsed)
{
	unsigned int slot;

	if (!parsed) {
		w->errors++;
		ksft_print_msg("thread %u: %s has a torn or foreign record\n",
			       w->index, what);
	}
	for (slot = 0; slot < UIDS_PER_THREAD; slot++) {
		const char *seen = orders[w->index * UIDS_PER_THREAD + slot];

		if (strcmp(seen, w->model[slot].order)) {
			w->errors++;
			ksft_print_msg("thread %u: %s: uid %u \"%s\", model \"%s\"\n",
				       w->index, what, uid_of(w->index, slot),
				       seen, w->model[slot].order);
		}
	}
	if (w->nr_snaps == MAX_SNAPSHOTS) {
		free(orders);
		return;
	}
	w->snaps[w->nr_snaps].order = orders;
	w->snaps[w->nr_snaps].nr_uids = nr_threads * UIDS_PER_THREAD;
	w->nr_snaps++;
}

static void *alloc_orders(void)
{
	void *orders = calloc(nr_threads * UIDS_PER_THREAD,
			      NR_RULE_NAMES + 1);

	if (!orders)
		ksft_exit_fail_msg("out of memory\n");
	return orders;
}

static void take_snapshot(struct worker *w)
{
	char (*orders)[NR_RULE_NAMES + 1];
	__u32 len;
	int ret;

	ret = list(w->fd, RULESTORE_LIST_ALL, 0, w->buf, &len);
	if (ret) {
		fail(w, "LIST of all", 0, ret, 0);
		return;
	}
	orders = alloc_orders();
	check_view(w, "LIST of all", orders,
		   parse_records(w->buf, len, orders));
}

static void do_add(struct worker *w, unsigned int slot, unsigned int name)
{
	struct uid_state *m = &w->model[slot];
	__u32 uid = uid_of(w->index, slot);
	bool has = strchr(m->order, 'a' + name);
	char rule[RULE_LEN + 1];
	int ret, expected = has ? -EEXIST : 0;
	size_t n;

	rule_name(name, rule);
	ret = rule_ioctl(w->fd, RULESTORE_IOC_ADD, uid, rule);
	if (ret != expected)
		fail(w, "ADD", uid, ret, expected);
	if (!ret && !has) {
		n = strlen(m->order);
		m->order[n] = 'a' + name;
		m->order[n + 1] = '\0';
		record_state(&w->history[slot], m);
	}
}

static void do_del(struct worker *w, unsigned int slot, unsigned int name)
{
	struct uid_state *m = &w->model[slot];
	__u32 uid = uid_of(w->index, slot);
	char *at = strchr(m->order, 'a' + name);
	char rule[RULE_LEN + 1];
	int ret, expected = at ? 0 : -ENOENT;

	rule_name(name, rule);
	ret = rule_ioctl(w->fd, RULESTORE_IOC_DEL, uid, rule);
	if (ret != expected)
		fail(w, "DEL", uid, ret, expected);
	if (!ret && at) {
		memmove(at, at + 1, strlen(at));
		record_state(&w->history[slot], m);
	}
}

static void do_clear(struct worker *w, unsigned int slot)
{
	struct uid_state *m = &w->model[slot];
	struct rulestore_clear_arg arg = {
		.size = sizeof(arg),
		.uid = uid_of(w->index, slot),
	};
	int ret, expected = m->order[0] ? 0 : -ENOENT;

	ret = ioctl(w->fd, RULESTORE_IOC_CLEAR, &arg) ? -errno : 0;
	if (ret != expected)
		fail(w, "CLEAR", arg.uid, ret, expected);
	if (!ret && m->order[0]) {
		m->order[0] = '\0';
		record_state(&w->history[slot], m);
	}
}

/* read(2) of a new open, its text in @w's buffer, checked like LIST of all. */
static void do_read(struct worker *w)
{
	char *text = (char *)w->buf, (*orders)[NR_RULE_NAMES + 1];
	size_t len = 0;
	ssize_t n = 0;
	int fd;

	fd = open("/dev/rulestore", O_RDONLY);
	if (fd < 0) {
		fail(w, "open", 0, -errno, 0);
		return;
	}
	while (len < LIST_BUF_LEN - 1 &&
	       (n = read(fd, text + len, LIST_BUF_LEN - 1 - len)) > 0)
		len += n;
	if (n < 0)
		fail(w, "read", 0, -errno, 0);
	close(fd);
	if (n < 0)
		return;
	if (len == LIST_BUF_LEN - 1)
		ksft_exit_fail_msg("thread %u: read(2) gave more than %u bytes\n",
				   w->index, LIST_BUF_LEN - 1);
	text[len] = '\0';
	orders = alloc_orders();
	check_view(w, "read(2)", orders, parse_text(text, orders));
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	unsigned int i, slot;

	for (i = 0; i < ops_per_thread; i++) {
		__u64 r = next_random(&w->rng);
		unsigned int op = r % 100, name = (r >> 8) % NR_RULE_NAMES;

		slot = (r >> 16) % UIDS_PER_THREAD;
		if (op < 40)
			do_add(w, slot, name);
		else if (op < 70)
			do_del(w, slot, name);
		else if (op < 73)
			do_clear(w, slot);
		else if (op < 90)
			check_own_list(w, slot);
		else if (op < 97)
			take_snapshot(w);
		else
			do_read(w);
		w->ops++;
	}
	return NULL;
}

/* @order is a state that uid number @u went through. */
static bool was_state(unsigned int u, const char *order)
{
	const struct uid_history *h =
		&workers[u / UIDS_PER_THREAD].history[u % UIDS_PER_THREAD];
	unsigned int k;

	for (k = 0; k < h->nr; k++)
		if (!strcmp(h->states[k], order))
			return true;
	return false;
}

/* Every snapshot of a uid shows a state that uid was in. */
static unsigned long check_snapshots(void)
{
	unsigned int t, s, u;
	unsigned long bad = 0;

	for (t = 0; t < nr_threads; t++) {
		for (s = 0; s < workers[t].nr_snaps; s++) {
			struct snapshot *snap = &workers[t].snaps[s];

			for (u = 0; u < snap->nr_uids; u++) {
				if (was_state(u, snap->order[u]))
					continue;
				bad++;
				ksft_print_msg("thread %u saw uid %u as \"%s\", never its state\n",
					       t, STRESS_UID_BASE + u, snap->order[u]);
			}
		}
	}
	return bad;
}

/* The store after the run equals the models. */
static unsigned long check_final(int fd, __u64 *buf)
{
	char orders[MAX_THREADS * UIDS_PER_THREAD][NR_RULE_NAMES + 1] = {};
	unsigned int u;
	unsigned long bad = 0;
	__u32 len;

	if (list(fd, RULESTORE_LIST_ALL, 0, buf, &len) ||
	    !parse_records(buf, len, orders))
		ksft_exit_fail_msg("the final LIST of all failed or is torn\n");
	for (u = 0; u < nr_threads * UIDS_PER_THREAD; u++) {
		const char *model =
			workers[u / UIDS_PER_THREAD].model[u % UIDS_PER_THREAD].order;

		if (strcmp(orders[u], model)) {
			bad++;
			ksft_print_msg("uid %u ends with \"%s\", the model with \"%s\"\n",
				       STRESS_UID_BASE + u, orders[u], model);
		}
	}
	return bad;
}

static void clear_all(int fd)
{
	struct rulestore_clear_arg arg = { .size = sizeof(arg) };
	unsigned int u;

	for (u = 0; u < nr_threads * UIDS_PER_THREAD; u++) {
		arg.uid = STRESS_UID_BASE + u;
		if (ioctl(fd, RULESTORE_IOC_CLEAR, &arg) && errno != ENOENT)
			ksft_exit_fail_msg("CLEAR of uid %u: %s\n", arg.uid,
					   strerror(errno));
	}
}

int main(int argc, char **argv)
{
	unsigned long seed = 1, errors = 0, ops = 0, bad;
	struct timespec start, end;
	unsigned int t, slot;
	double secs;
	__u64 *buf;
	int opt, fd;

	nr_threads = 4 * sysconf(_SC_NPROCESSORS_ONLN);
	ops_per_thread = 2000;
	while ((opt = getopt(argc, argv, "s:n:t:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			ops_per_thread = strtoul(optarg, NULL, 0);
			break;
		case 't':
			nr_threads = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "Usage: %s [-s SEED] [-n OPS_PER_THREAD] [-t THREADS]\n",
				argv[0]);
			return KSFT_FAIL;
		}
	}
	if (nr_threads < 16)
		nr_threads = 16;
	if (nr_threads > MAX_THREADS)
		nr_threads = MAX_THREADS;

	ksft_print_header();
	ksft_set_plan(1);
	if (geteuid())
		ksft_exit_skip("needs root\n");
	fd = open("/dev/rulestore", O_RDWR);
	if (fd < 0)
		ksft_exit_skip("/dev/rulestore: %s\n", strerror(errno));
	buf = aligned_alloc(8, LIST_BUF_LEN);
	if (!buf)
		ksft_exit_fail_msg("out of memory\n");
	clear_all(fd);

	ksft_print_msg("seed %lu, %u threads on %ld CPUs, %u operations each\n",
		       seed, nr_threads, sysconf(_SC_NPROCESSORS_ONLN),
		       ops_per_thread);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (t = 0; t < nr_threads; t++) {
		struct worker *w = &workers[t];

		w->index = t;
		w->rng = (seed + 1) * 0x9E3779B97F4A7C15ULL + t;
		w->buf = aligned_alloc(8, LIST_BUF_LEN);
		w->fd = open("/dev/rulestore", O_RDWR);
		if (!w->buf || w->fd < 0)
			ksft_exit_fail_msg("thread %u: no buffer or no fd\n", t);
		for (slot = 0; slot < UIDS_PER_THREAD; slot++)
			record_state(&w->history[slot], &w->model[slot]);
		if (pthread_create(&w->thread, NULL, worker_run, w))
			ksft_exit_fail_msg("pthread_create failed\n");
	}
	for (t = 0; t < nr_threads; t++) {
		pthread_join(workers[t].thread, NULL);
		errors += workers[t].errors;
		ops += workers[t].ops;
		close(workers[t].fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	secs = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
	ksft_print_msg("%lu operations in %.1f s: %.0f per second\n", ops, secs,
		       ops / secs);

	bad = check_snapshots();
	bad += check_final(fd, buf);
	clear_all(fd);
	close(fd);
	ksft_test_result(!errors && !bad,
			 "%lu operations agree with the model (%lu wrong answers, %lu wrong snapshots or final states)\n",
			 ops, errors, bad);
	ksft_finished();
}
