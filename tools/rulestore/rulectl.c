// SPDX-License-Identifier: GPL-2.0
/*
 * rulectl - manage the per-uid rules of /dev/rulestore
 *
 * One verb per invocation: add, del, list, clear, info, save, restore,
 * and the original sec_tool's print, rmv and man as aliases. Exit
 * status: 0 on success, 1 if an operation failed, 2 for a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rule-codec.h"
#include "rulestore-utils.h"

#define PROG		"rulectl"
#define DEFAULT_DEVICE	"/dev/rulestore"

#define EXIT_OK		0
#define EXIT_FAILED	1
#define EXIT_USAGE	2

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The options a verb accepts, besides --device and --help. */
enum {
	TAKES_ALL = 1,
	TAKES_JSON = 2,
};

struct options {
	const char *device;
	bool all;
	bool json;
};

struct invocation;

struct verb {
	const char *name;
	/* The verb of the messages: aliases report as the verb they are. */
	const char *canonical;
	int (*run)(const struct invocation *inv);
	int min_args;
	int max_args;
	unsigned int takes;
};

/* A verb, its options and the arguments after it. */
struct invocation {
	const struct verb *verb;
	struct options opts;
	int argc;
	char **argv;
};

static const char usage_text[] =
"Usage: " PROG " [--device PATH] VERB [ARGS]\n"
"\n"
"Manage the per-uid access-control rules of /dev/rulestore.\n"
"\n"
"Verbs:\n"
"  add UID RULE          add RULE to the rules of UID\n"
"  del UID RULE          delete RULE from the rules of UID\n"
"  list [UID | --all]    list the rules of UID (default: your own uid),\n"
"                        or of every uid\n"
"  clear UID             delete every rule of UID\n"
"  info                  show the version, limits and counts of the store\n"
"  save [FILE]           write every rule you may see to FILE (default:\n"
"                        standard output), one UID<TAB>RULE per line\n"
"  restore [FILE]        add every rule of a saved FILE (default: standard\n"
"                        input); rules already present are not errors\n"
"  print [UID]           the original sec_tool's name for list\n"
"  rmv UID RULE          the original sec_tool's name for del\n"
"  man                   show this text\n"
"\n"
"Options:\n"
"  --device PATH         the device (default: " DEFAULT_DEVICE ")\n"
"  --all                 list: every uid's rules (needs CAP_SYS_ADMIN)\n"
"  -j, --json            list, info: write JSON\n"
"  -V, --version         show the rulestore API version rulectl was built for\n"
"  -h, --help            show this text\n"
"\n"
"A UID is a number or a user name. A RULE is 1 to 255 bytes of UTF-8\n"
"without NUL; put \"--\" before one that starts with \"-\". add, del and\n"
"clear need CAP_SYS_ADMIN.\n"
"\n"
"Saved rules: one \"UID<TAB>RULE\" per line, with backslash, tab and\n"
"newline in RULE written as \\\\, \\t and \\n and other control characters\n"
"as \\xHH; lines starting with \"#\" and blank lines are ignored.\n"
"FILE \"-\" is standard input or output.\n"
"\n"
"Exit status: 0 success, 1 an operation failed, 2 a usage error.\n"
"See rulectl(8).\n";

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" PROG " --help' for more information.\n");
	return EXIT_USAGE;
}

/* Report that an operation failed: "rulectl: <what>: <strerror>". */
static int op_failed(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	return EXIT_FAILED;
}

static bool is_all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/*
 * A uid is all digits, or else a user name. strtoul() alone would take
 * "-1", " 7" and "12abc", hence the digit check first; a number that
 * does not fit in 32 bits is an error, not a wrapped uid. Returns NULL,
 * or what is wrong with @arg.
 */
static const char *parse_uid(const char *arg, __u32 *uid)
{
	unsigned long long value;
	struct passwd *pw;
	char *end;

	if (is_all_digits(arg)) {
		errno = 0;
		value = strtoull(arg, &end, 10);
		if (errno || *end || value > UINT32_MAX)
			return "uid out of range";
		*uid = value;
		return NULL;
	}
	pw = getpwnam(arg);
	if (!pw)
		return "neither a uid nor a user name";
	*uid = pw->pw_uid;
	return NULL;
}

static int parse_uid_arg(const char *arg, __u32 *uid)
{
	const char *problem = parse_uid(arg, uid);

	if (problem)
		return usage_error("'%s': %s", arg, problem);
	return 0;
}

static int open_device(const struct invocation *inv, int flags)
{
	int fd = open(inv->opts.device, flags | O_CLOEXEC);
	int err = errno;

	if (fd >= 0)
		return fd;
	op_failed(err, "%s", inv->opts.device);
	/* The usual reason, on a kernel that has the driver as a module. */
	if ((err == ENOENT || err == ENXIO || err == ENODEV) &&
	    !strcmp(inv->opts.device, DEFAULT_DEVICE))
		fputs(PROG ": is the rulestore module loaded? Try 'modprobe rulestore'.\n",
		      stderr);
	return fd;
}

/* add and del: UID RULE. */
static int run_rule_verb(const struct invocation *inv,
			 int (*op)(int fd, __u32 uid, const void *rule,
				   size_t len))
{
	const char *rule = inv->argv[1];
	__u32 uid;
	int fd, ret;

	if (parse_uid_arg(inv->argv[0], &uid))
		return EXIT_USAGE;
	fd = open_device(inv, O_RDWR);
	if (fd < 0)
		return EXIT_FAILED;
	ret = op(fd, uid, rule, strlen(rule));
	close(fd);
	if (ret)
		return op_failed(-ret, "%s uid %u", inv->verb->canonical, uid);
	return EXIT_OK;
}

static int cmd_add(const struct invocation *inv)
{
	return run_rule_verb(inv, rs_add);
}

static int cmd_del(const struct invocation *inv)
{
	return run_rule_verb(inv, rs_del);
}

static int cmd_clear(const struct invocation *inv)
{
	__u32 uid;
	int fd, ret;

	if (parse_uid_arg(inv->argv[0], &uid))
		return EXIT_USAGE;
	fd = open_device(inv, O_RDWR);
	if (fd < 0)
		return EXIT_FAILED;
	ret = rs_clear(fd, uid);
	close(fd);
	if (ret)
		return op_failed(-ret, "clear uid %u", uid);
	return EXIT_OK;
}

/* The text read(2) on the device gives, for the rules of the snapshot. */
static void print_rules_text(const struct rs_snapshot *snap)
{
	const struct rulestore_record *rec;
	bool first = true;
	__u32 uid = 0, n = 0;

	for (rec = rs_record_next(snap, NULL); rec;
	     rec = rs_record_next(snap, rec)) {
		if (first || rec->uid != uid) {
			printf("---- UID: %u ----\n", rec->uid);
			uid = rec->uid;
			n = 0;
			first = false;
		}
		printf("Rule %u: ", ++n);
		rule_print_text(stdout, rec->rule, rec->len);
		putchar('\n');
	}
}

static void print_rules_json(const struct rs_snapshot *snap)
{
	const struct rulestore_record *rec;
	const char *sep = "";

	printf("{\n  \"generation\": %llu,\n  \"rules\": [",
	       (unsigned long long)snap->generation);
	for (rec = rs_record_next(snap, NULL); rec;
	     rec = rs_record_next(snap, rec)) {
		printf("%s\n    {\"uid\": %u, \"rule\": ", sep, rec->uid);
		rule_print_json(stdout, rec->rule, rec->len);
		putchar('}');
		sep = ",";
	}
	printf("%s]\n}\n", *sep ? "\n  " : "");
}

static int cmd_list(const struct invocation *inv)
{
	bool all = inv->opts.all;
	struct rs_snapshot snap;
	__u32 uid = geteuid();
	int fd, ret;

	if (all && inv->argc)
		return usage_error("%s: --all and a UID exclude each other",
				   inv->verb->name);
	if (inv->argc && parse_uid_arg(inv->argv[0], &uid))
		return EXIT_USAGE;
	fd = open_device(inv, O_RDONLY);
	if (fd < 0)
		return EXIT_FAILED;
	if (all)
		ret = rs_list(fd, RULESTORE_LIST_ALL, 0, &snap);
	else
		ret = rs_list(fd, 0, uid, &snap);
	close(fd);
	if (ret && all)
		return op_failed(-ret, "list all uids");
	if (ret)
		return op_failed(-ret, "list uid %u", uid);

	if (inv->opts.json)
		print_rules_json(&snap);
	else
		print_rules_text(&snap);
	rs_snapshot_free(&snap);
	return EXIT_OK;
}

static void print_info(const struct rulestore_info *info, bool json)
{
	const struct {
		const char *name;
		unsigned long long value;
	} fields[] = {
		{ "api_version", info->api_version },
		{ "rule_max", info->rule_max },
		{ "max_rules_per_uid", info->max_rules_per_uid },
		{ "max_rules", info->max_rules },
		{ "nr_rules", info->nr_rules },
		{ "nr_uids", info->nr_uids },
		{ "generation", info->generation },
	};
	size_t i, n = ARRAY_SIZE(fields);

	if (!json) {
		for (i = 0; i < n; i++)
			printf("%s: %llu\n", fields[i].name, fields[i].value);
		return;
	}
	puts("{");
	for (i = 0; i < n; i++)
		printf("  \"%s\": %llu%s\n", fields[i].name, fields[i].value,
		       i + 1 < n ? "," : "");
	puts("}");
}

static int cmd_info(const struct invocation *inv)
{
	struct rulestore_info info;
	int fd, ret;

	fd = open_device(inv, O_RDONLY);
	if (fd < 0)
		return EXIT_FAILED;
	ret = rs_info(fd, &info);
	close(fd);
	if (ret)
		return op_failed(-ret, "info");
	print_info(&info, inv->opts.json);
	return EXIT_OK;
}

/*
 * Every rule the caller may see: all of them with CAP_SYS_ADMIN, else
 * those of its own uid.
 */
static int list_visible_rules(int fd, struct rs_snapshot *snap)
{
	int ret = rs_list(fd, RULESTORE_LIST_ALL, 0, snap);

	if (ret == -EPERM)
		ret = rs_list(fd, 0, geteuid(), snap);
	return ret;
}

static int write_saved_rules(FILE *out, const struct rs_snapshot *snap)
{
	const struct rulestore_record *rec;

	fprintf(out, "# rulestore rules: UID<TAB>RULE, see rulectl(8)\n");
	for (rec = rs_record_next(snap, NULL); rec;
	     rec = rs_record_next(snap, rec)) {
		fprintf(out, "%u\t", rec->uid);
		rule_print_saved(out, rec->rule, rec->len);
		putc('\n', out);
	}
	if (fflush(out))
		return -errno;
	return ferror(out) ? -EIO : 0;
}

/* No FILE, or "-": standard input or output. */
static bool is_std_stream(const char *path)
{
	return !path || !strcmp(path, "-");
}

static int cmd_save(const struct invocation *inv)
{
	const char *path = inv->argc ? inv->argv[0] : NULL;
	struct rs_snapshot snap;
	FILE *out = stdout;
	int fd, ret;

	fd = open_device(inv, O_RDONLY);
	if (fd < 0)
		return EXIT_FAILED;
	ret = list_visible_rules(fd, &snap);
	close(fd);
	if (ret)
		return op_failed(-ret, "save: list");

	/* Only now: a failed list must not truncate an earlier save. */
	if (!is_std_stream(path)) {
		out = fopen(path, "w");
		if (!out) {
			ret = op_failed(errno, "save: %s", path);
			goto out_free;
		}
	}
	ret = write_saved_rules(out, &snap);
	if (out != stdout && fclose(out) && !ret)
		ret = -errno;
	if (ret)
		ret = op_failed(-ret, "save: %s", is_std_stream(path) ?
				"standard output" : path);
out_free:
	rs_snapshot_free(&snap);
	return ret;
}

struct restore_stats {
	unsigned int added;
	unsigned int present;
	unsigned int failed;
};

static bool is_blank_or_comment(const char *line, size_t len)
{
	size_t i;

	if (len && line[0] == '#')
		return true;
	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return false;
	return true;
}

/* Add the rule of one "UID<TAB>RULE" line, given without its newline. */
static void restore_line(int fd, char *line, size_t len,
			 unsigned long lineno, struct restore_stats *stats)
{
	char *tab = memchr(line, '\t', len);
	const char *problem;
	size_t rule_len;
	__u32 uid;
	int ret;

	if (!tab) {
		fprintf(stderr, PROG ": restore: line %lu: no tab after the uid\n",
			lineno);
		stats->failed++;
		return;
	}
	*tab = '\0';
	problem = parse_uid(line, &uid);
	if (problem) {
		fprintf(stderr, PROG ": restore: line %lu: '%s': %s\n",
			lineno, line, problem);
		stats->failed++;
		return;
	}
	rule_len = len - (tab + 1 - line);
	if (rule_unescape_saved(tab + 1, &rule_len) || !rule_len) {
		fprintf(stderr, PROG ": restore: line %lu: %s rule\n",
			lineno, rule_len ? "bad escape in the" : "empty");
		stats->failed++;
		return;
	}
	ret = rs_add(fd, uid, tab + 1, rule_len);
	if (!ret) {
		stats->added++;
	} else if (ret == -EEXIST) {
		/* Restoring into a store that has the rule is no failure. */
		stats->present++;
	} else {
		op_failed(-ret, "restore: line %lu: add uid %u", lineno, uid);
		stats->failed++;
	}
}

static int restore_stream(int fd, FILE *in, const char *name)
{
	struct restore_stats stats = { 0 };
	unsigned long lineno = 0;
	int ret = EXIT_OK;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!is_blank_or_comment(line, len))
			restore_line(fd, line, len, lineno, &stats);
	}
	if (ferror(in))
		ret = op_failed(errno, "restore: %s", name);
	free(line);

	if (stats.failed) {
		fprintf(stderr,
			PROG ": restore: %u of %u rules failed (%u added, %u already present)\n",
			stats.failed,
			stats.failed + stats.added + stats.present,
			stats.added, stats.present);
		ret = EXIT_FAILED;
	}
	return ret;
}

static int cmd_restore(const struct invocation *inv)
{
	const char *path = inv->argc ? inv->argv[0] : NULL;
	FILE *in = stdin;
	int fd, ret;

	if (!is_std_stream(path)) {
		in = fopen(path, "r");
		if (!in)
			return op_failed(errno, "restore: %s", path);
	}
	fd = open_device(inv, O_RDWR);
	if (fd < 0) {
		ret = EXIT_FAILED;
		goto out_close;
	}
	ret = restore_stream(fd, in, is_std_stream(path) ?
			     "standard input" : path);
	close(fd);
out_close:
	if (in != stdin)
		fclose(in);
	return ret;
}

static int cmd_man(const struct invocation *inv)
{
	(void)inv;	/* takes no arguments */
	fputs(usage_text, stdout);
	return EXIT_OK;
}

static const struct verb verbs[] = {
	{ "add",     "add",     cmd_add,     2, 2, 0 },
	{ "del",     "del",     cmd_del,     2, 2, 0 },
	{ "list",    "list",    cmd_list,    0, 1, TAKES_ALL | TAKES_JSON },
	{ "clear",   "clear",   cmd_clear,   1, 1, 0 },
	{ "info",    "info",    cmd_info,    0, 0, TAKES_JSON },
	{ "save",    "save",    cmd_save,    0, 1, 0 },
	{ "restore", "restore", cmd_restore, 0, 1, 0 },
	/* The original sec_tool's verbs. */
	{ "print",   "list",    cmd_list,    0, 1, TAKES_ALL | TAKES_JSON },
	{ "rmv",     "del",     cmd_del,     2, 2, 0 },
	{ "man",     "man",     cmd_man,     0, 0, 0 },
};

static const struct verb *find_verb(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

static int check_verb_usage(const struct invocation *inv)
{
	const struct verb *verb = inv->verb;

	if (inv->opts.all && !(verb->takes & TAKES_ALL))
		return usage_error("%s: no --all here", verb->name);
	if (inv->opts.json && !(verb->takes & TAKES_JSON))
		return usage_error("%s: no --json here", verb->name);
	if (inv->argc < verb->min_args)
		return usage_error("%s: missing arguments", verb->name);
	if (inv->argc > verb->max_args)
		return usage_error("%s: too many arguments", verb->name);
	return 0;
}

enum { OPT_DEVICE = 256, OPT_ALL };

static const struct option long_options[] = {
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "all",    no_argument,       NULL, OPT_ALL },
	{ "json",   no_argument,       NULL, 'j' },
	{ "version", no_argument,      NULL, 'V' },
	{ "help",   no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/*
 * Options may come before or after the verb (getopt_long() permutes);
 * "--" ends them, for a RULE that starts with "-". Returns -1 to go on,
 * else the exit status.
 */
static int parse_options(int argc, char **argv, struct options *opts)
{
	int c;

	opterr = 0;	/* our messages, with our program name */
	while ((c = getopt_long(argc, argv, ":hjV", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_DEVICE:
			opts->device = optarg;
			break;
		case OPT_ALL:
			opts->all = true;
			break;
		case 'j':
			opts->json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		case 'V':
			printf(PROG " for rulestore API version %d\n",
			       RULESTORE_API_VERSION);
			return EXIT_OK;
		case ':':
			return usage_error("option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'",
						   optopt);
			return usage_error("unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct invocation inv = { .opts.device = DEFAULT_DEVICE };
	int ret;

	ret = parse_options(argc, argv, &inv.opts);
	if (ret >= 0)
		return ret;
	if (optind == argc)
		return usage_error("no verb given");
	inv.verb = find_verb(argv[optind]);
	if (!inv.verb)
		return usage_error("unknown verb '%s'", argv[optind]);
	inv.argc = argc - optind - 1;
	inv.argv = argv + optind + 1;
	ret = check_verb_usage(&inv);
	if (ret)
		return ret;

	ret = inv.verb->run(&inv);
	/* Output that did not get out is a failure too (e.g. a full disk). */
	if (fflush(stdout) && ret == EXIT_OK)
		ret = op_failed(errno, "write to standard output");
	else if (ferror(stdout) && ret == EXIT_OK)
		ret = op_failed(EIO, "write to standard output");
	return ret;
}
