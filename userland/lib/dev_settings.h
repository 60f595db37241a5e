/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dev_settings: the settings of an ipto device (IPTO_CMD_DEV_SET) as the
 * tools know them: one row each, from which "iptoctl set" takes its
 * keywords, "iptoctl help" its usage, "iptoctl show" its lines and keys,
 * and the snapshot the attributes it reads.  A new setting is a new row.
 */
#ifndef IPTO_DEV_SETTINGS_H
#define IPTO_DEV_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

/* What a value is: a number (u32 on the wire), or a word (u8). */
enum dev_setting_kind {
	SETTING_NUMBER,
	SETTING_ON_OFF,
	SETTING_ACTION,		/* enum ipto_action */
	SETTING_FAILBACK,	/* enum ipto_failback */
};

/**
 * struct dev_setting - one setting of an ipto device
 * @name: keyword of "iptoctl set", key of "iptoctl -j show" (the same as
 *	the module's sysfs file and parameter)
 * @attr: its attribute (enum ipto_dev_attr)
 * @kind: what its value is
 * @label: its line in "iptoctl show", or NULL when show prints it in a
 *	line that joins several (announce, replies, lease)
 */
struct dev_setting {
	const char *name;
	uint16_t attr;
	enum dev_setting_kind kind;
	const char *label;
};

/* The rows, n_dev_settings of them: fewer than IPTO_DEV_A_MAX. */
extern const struct dev_setting dev_settings[];
extern const size_t n_dev_settings;

/*
 * The word for a value ("on", "reject", "manual"), or NULL for a number
 * and for a value this version has no word for.
 */
const char *dev_setting_word(const struct dev_setting *s, uint32_t value);

#endif /* IPTO_DEV_SETTINGS_H */
