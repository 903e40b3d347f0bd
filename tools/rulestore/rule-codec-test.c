// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of rule-codec.c, run by "make check": every rule must come
 * back byte for byte from the save format, which must keep a rule on one
 * line; the read(2) text and JSON encodings give exactly what they say.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule-codec.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static unsigned int checks, failures;

static void check(bool ok, const char *what)
{
	checks++;
	if (!ok)
		failures++;
	printf("%sok %u - %s\n", ok ? "" : "not ", checks, what);
}

/* What @print writes for the rule, as a string the caller frees. */
static char *encode(void (*print)(FILE *, const unsigned char *, size_t),
		    const void *rule, size_t len, size_t *out_len)
{
	char *text = NULL;
	FILE *out;

	out = open_memstream(&text, out_len);
	if (!out) {
		perror("open_memstream");
		exit(2);
	}
	print(out, rule, len);
	fclose(out);
	return text;
}

/* Save and decode @rule; true if it came back whole, on one line. */
static bool round_trips(const void *rule, size_t len)
{
	size_t text_len;
	char *text = encode(rule_print_saved, rule, len, &text_len);
	bool ok;

	ok = !memchr(text, '\n', text_len) && !memchr(text, '\t', text_len) &&
	     !rule_unescape_saved(text, &text_len) && text_len == len &&
	     !memcmp(text, rule, len);
	free(text);
	return ok;
}

static bool encodes_as(void (*print)(FILE *, const unsigned char *, size_t),
		       const char *rule, const char *want)
{
	size_t len;
	char *text = encode(print, rule, strlen(rule), &len);
	bool ok = len == strlen(want) && !memcmp(text, want, len);

	if (!ok)
		printf("# '%s': got '%.*s', want '%s'\n", rule, (int)len, text,
		       want);
	free(text);
	return ok;
}

static bool decodes_as(const char *saved, const char *want)
{
	char buf[64];
	size_t len = strlen(saved);

	memcpy(buf, saved, len);
	if (rule_unescape_saved(buf, &len))
		return false;
	return len == strlen(want) && !memcmp(buf, want, len);
}

static bool is_refused(const char *saved)
{
	char buf[64];
	size_t len = strlen(saved);

	memcpy(buf, saved, len);
	return rule_unescape_saved(buf, &len) == -EINVAL;
}

static void check_tricky_rules(void)
{
	static const char *const rules[] = {
		"allow read /etc",
		"  leading and trailing spaces  ",
		"tab\there",
		"new\nline",
		"back\\slash",
		"trailing backslash\\",
		"\\t and \\x41 as text",
		"# not a comment",
		"control \x01\x1f\x7f\r",
		"UTF-8: \xc3\xbc \xe2\x82\xac \xf0\x9f\x98\x80",
	};
	char what[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		snprintf(what, sizeof(what), "save round trip of rule %zu", i);
		check(round_trips(rules[i], strlen(rules[i])), what);
	}
}

static void check_every_byte(void)
{
	unsigned char rule[255];
	unsigned int seed = 1;
	bool ok = true;
	int i, n;

	for (i = 0; i < 255; i++)
		rule[i] = i + 1;
	check(round_trips(rule, sizeof(rule)),
	      "save round trip of bytes 0x01 to 0xff");

	/* A fixed seed: the same strings every run. */
	for (n = 0; n < 20000 && ok; n++) {
		size_t len = 1 + rand_r(&seed) % 255;

		for (i = 0; i < (int)len; i++)
			rule[i] = 1 + rand_r(&seed) % 255;
		ok = round_trips(rule, len);
	}
	check(ok, "save round trip of 20000 random rules");
}

int main(void)
{
	check_tricky_rules();
	check_every_byte();

	check(encodes_as(rule_print_saved, "a\tb\nc\\d\x01\x7f e#\xc3\xbc",
			 "a\\tb\\nc\\\\d\\x01\\x7f e#\xc3\xbc"),
	      "save format escapes exactly tab, newline, backslash, controls");
	check(decodes_as("\\x4A\\x4a\\\\x", "JJ\\x"),
	      "save format \\xHH takes either case");
	check(is_refused("trailing\\"), "a backslash at the end is refused");
	check(is_refused("a\\q"), "an unknown escape is refused");
	check(is_refused("\\x4"), "a short \\x escape is refused");
	check(is_refused("\\xg0"), "a \\x escape without hex is refused");

	check(encodes_as(rule_print_text, "a\\b\x01\x7f\n\t \xc3\xbc",
			 "a\\134b\\001\\177\\012\\011 \xc3\xbc"),
	      "read(2) text escapes in three octal digits");
	check(encodes_as(rule_print_json, "q\"b\\\x01\n\x7f/\xc3\xbc",
			 "\"q\\\"b\\\\\\u0001\\u000a\\u007f/\xc3\xbc\""),
	      "JSON string escapes quote, backslash and controls");

	printf("1..%u\n", checks);
	return failures ? 1 : 0;
}
