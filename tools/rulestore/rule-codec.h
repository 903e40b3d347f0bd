/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rulectl - how rules are written as text: the save format, the read(2)
 * text format and JSON strings.
 */
#ifndef RULE_CODEC_H
#define RULE_CODEC_H

#include <stddef.h>
#include <stdio.h>

void rule_print_saved(FILE *out, const unsigned char *rule, size_t len);
int rule_unescape_saved(char *text, size_t *len);
void rule_print_text(FILE *out, const unsigned char *rule, size_t len);
void rule_print_json(FILE *out, const unsigned char *rule, size_t len);

#endif /* RULE_CODEC_H */
