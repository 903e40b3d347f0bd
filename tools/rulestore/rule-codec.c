// SPDX-License-Identifier: GPL-2.0
/*
 * rulectl - how rules are written as text
 *
 * A rule is 1 to RULESTORE_RULE_MAX bytes of UTF-8 and may hold any
 * character but NUL: tabs, newlines and backslashes included. It is
 * written three ways:
 *
 * - The save format: one rule per line, so that a file of rules can be
 *   read back line by line and every rule comes back byte for byte.
 *   Backslash, tab and newline are written as \\, \t and \n, the other
 *   control bytes (below 0x20, and 0x7f) as \xHH; every other byte,
 *   UTF-8 sequences included, as it is.
 * - The text of read(2) on /dev/rulestore: control bytes, 0x7f and
 *   backslash as a backslash and three octal digits, so that "rulectl
 *   list" prints what "cat /dev/rulestore" does.
 * - JSON strings.
 */
#include <errno.h>
#include <stdbool.h>
#include "rule-codec.h"

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/**
 * rule_print_saved() - write a rule in the save format
 * @out:	where to write
 * @rule:	the rule's bytes
 * @len:	the rule's length
 *
 * Writes no newline: the caller ends the line.
 */
void rule_print_saved(FILE *out, const unsigned char *rule, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = rule[i];

		if (c == '\\')
			fputs("\\\\", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '\n')
			fputs("\\n", out);
		else if (is_control(c))
			fprintf(out, "\\x%02x", c);
		else
			putc(c, out);
	}
}

static int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode the escape whose letter is at @text[*pos] (the backslash was
 * just before it) and leave *pos on its last character.
 */
static int unescape_one(const char *text, size_t len, size_t *pos)
{
	size_t i = *pos;
	int high, low;

	switch (text[i]) {
	case '\\':
		return '\\';
	case 't':
		return '\t';
	case 'n':
		return '\n';
	case 'x':
		if (len - i < 3)
			return -EINVAL;
		high = hex_digit_value(text[i + 1]);
		low = hex_digit_value(text[i + 2]);
		if (high < 0 || low < 0)
			return -EINVAL;
		*pos = i + 2;
		return high << 4 | low;
	default:
		return -EINVAL;
	}
}

/**
 * rule_unescape_saved() - decode a rule of the save format in place
 * @text:	the rule as saved; replaced by the decoded bytes
 * @len:	in: the length of @text; out: the length of the rule
 *
 * Bytes other than a backslash are taken as they are. The decoded rule
 * is never longer than its text, hence in place.
 *
 * Return: 0, or -EINVAL if a backslash is not followed by \, t, n or x
 * and two hex digits.
 */
int rule_unescape_saved(char *text, size_t *len)
{
	size_t in, out = 0;
	int c;

	for (in = 0; in < *len; in++) {
		if (text[in] != '\\') {
			text[out++] = text[in];
			continue;
		}
		if (++in == *len)
			return -EINVAL;
		c = unescape_one(text, *len, &in);
		if (c < 0)
			return c;
		text[out++] = c;
	}
	*len = out;
	return 0;
}

/**
 * rule_print_text() - write a rule as read(2) on /dev/rulestore does
 * @out:	where to write
 * @rule:	the rule's bytes
 * @len:	the rule's length
 */
void rule_print_text(FILE *out, const unsigned char *rule, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (is_control(rule[i]) || rule[i] == '\\')
			fprintf(out, "\\%03o", rule[i]);
		else
			putc(rule[i], out);
	}
}

/**
 * rule_print_json() - write a rule as a JSON string, quotes included
 * @out:	where to write
 * @rule:	the rule's bytes, UTF-8 as the kernel guarantees
 * @len:	the rule's length
 *
 * Quote and backslash are escaped, control characters (and 0x7f, which
 * JSON allows raw but a terminal does not show) written as \u00XX, and
 * everything else, UTF-8 included, as it is.
 */
void rule_print_json(FILE *out, const unsigned char *rule, size_t len)
{
	size_t i;

	putc('"', out);
	for (i = 0; i < len; i++) {
		unsigned char c = rule[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (is_control(c))
			fprintf(out, "\\u%04x", c);
		else
			putc(c, out);
	}
	putc('"', out);
}
