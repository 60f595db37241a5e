/* SPDX-License-Identifier: GPL-2.0 */
/*
 * settings.h - the per-device tunables, their ranges, and the module-wide
 * defaults new devices start from.
 */
#ifndef _IPTO_SETTINGS_H
#define _IPTO_SETTINGS_H

#include <linux/types.h>
#include <linux/ipto.h>

struct sk_buff;

/*
 * Writers hold RTNL and use WRITE_ONCE(); the packet path reads single
 * fields with READ_ONCE() and needs no lock.
 */
struct ipto_settings {
	u32 announce_count;
	u32 announce_interval_ms;
	u32 reply_rate;
	u32 reply_burst;
	u32 lease_ms;
	u32 echo_reply;
	u32 default_action;	/* enum ipto_action */
	u32 failback;		/* enum ipto_failback */
};

/**
 * struct ipto_setting - one tunable, described once for sysfs, module
 *	parameters and generic netlink alike
 * @name: sysfs file and module parameter name
 * @attr: generic netlink attribute (enum ipto_dev_attr)
 * @nla_type: NLA_U8 or NLA_U32
 * @offset: of the u32 field in struct ipto_settings
 * @min: smallest valid value
 * @max: largest valid value
 * @zero_is_off: 0 is valid too and means "disabled"
 * @names: when set, values are written and shown as these words
 */
struct ipto_setting {
	const char *name;
	int attr;
	int nla_type;
	size_t offset;
	u32 min;
	u32 max;
	bool zero_is_off;
	const char * const *names;
};

/* Indexes into ipto_settings_table. */
enum ipto_setting_index {
	IPTO_SETTING_ANNOUNCE_COUNT,
	IPTO_SETTING_ANNOUNCE_INTERVAL_MS,
	IPTO_SETTING_REPLY_RATE,
	IPTO_SETTING_REPLY_BURST,
	IPTO_SETTING_LEASE_MS,
	IPTO_SETTING_ECHO_REPLY,
	IPTO_SETTING_DEFAULT_ACTION,
	IPTO_SETTING_FAILBACK,
	IPTO_SETTING_COUNT
};

extern const struct ipto_setting ipto_settings_table[IPTO_SETTING_COUNT];

u32 ipto_setting_get(const struct ipto_settings *s, const struct ipto_setting *d);
void ipto_setting_set(struct ipto_settings *s, const struct ipto_setting *d, u32 val);
int ipto_setting_parse(const struct ipto_setting *d, const char *buf, u32 *val);
int ipto_setting_format(const struct ipto_setting *d, u32 val, char *buf, size_t size);
void ipto_settings_load_defaults(struct ipto_settings *s);
int ipto_settings_fill(struct sk_buff *skb, const struct ipto_settings *s);

#endif /* _IPTO_SETTINGS_H */
