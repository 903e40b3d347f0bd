/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mentor: a dummy device with six 32-bit registers.
 *
 * See Documentation/misc-devices/mentor.rst.
 */
#ifndef _LINUX_MENTOR_H
#define _LINUX_MENTOR_H

#include <linux/types.h>

/* Number of registers; valid addresses are 0 to MENTOR_NR_REGS - 1. */
#define MENTOR_NR_REGS			6
/* Read-only register counting the successful writes to the others. */
#define MENTOR_TOTAL_WRITES_ADDR	5

int mentor_write(u8 addr, u32 value);
u32 __mentor_read(u8 addr);

/**
 * mentor_read() - read a mentor register
 * @addr: register address
 *
 * The same as __mentor_read(), which has the details.
 *
 * Return: the register's value, or U32_MAX if @addr is out of range.
 */
static inline u32 mentor_read(u8 addr)
{
	return __mentor_read(addr);
}

#if IS_ENABLED(CONFIG_KUNIT)
/* For the KUnit tests only: put every register back to its initial value. */
void mentor_reset(void);
/* For the KUnit tests only: parse a debugfs "ADDR VALUE" write. */
int mentor_parse_write_cmd(char *cmd, u8 *addr, u32 *value);
#endif

#endif /* _LINUX_MENTOR_H */
