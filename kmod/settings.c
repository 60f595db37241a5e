// SPDX-License-Identifier: GPL-2.0
/*
 * settings.c - the table of per-device tunables: ranges, parsing and
 * formatting shared by sysfs and netlink, and the module parameters that
 * hold the defaults for new devices.
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "settings.h"

static const char * const ipto_failback_names[] = {
	[IPTO_FAILBACK_AUTO] = "auto",
	[IPTO_FAILBACK_MANUAL] = "manual",
	NULL
};

static const char * const ipto_action_names[] = {
	[IPTO_ACTION_REJECT] = "reject",
	[IPTO_ACTION_DROP] = "drop",
	[IPTO_ACTION_SERVE] = "serve",
	NULL
};

#define IPTO_SETTING(_name, _attr, _type, _min, _max) {			\
	.name = #_name,							\
	.attr = _attr,							\
	.nla_type = _type,						\
	.offset = offsetof(struct ipto_settings, _name),		\
	.min = _min,							\
	.max = _max,							\
}

const struct ipto_setting ipto_settings_table[IPTO_SETTING_COUNT] = {
	[IPTO_SETTING_ANNOUNCE_COUNT] =
		IPTO_SETTING(announce_count, IPTO_DEV_A_ANNOUNCE_COUNT, NLA_U32,
			     IPTO_ANNOUNCE_COUNT_MIN, IPTO_ANNOUNCE_COUNT_MAX),
	[IPTO_SETTING_ANNOUNCE_INTERVAL_MS] =
		IPTO_SETTING(announce_interval_ms, IPTO_DEV_A_ANNOUNCE_INTERVAL_MS,
			     NLA_U32, IPTO_ANNOUNCE_INTERVAL_MS_MIN,
			     IPTO_ANNOUNCE_INTERVAL_MS_MAX),
	[IPTO_SETTING_REPLY_RATE] =
		IPTO_SETTING(reply_rate, IPTO_DEV_A_REPLY_RATE, NLA_U32,
			     IPTO_REPLY_RATE_MIN, IPTO_REPLY_RATE_MAX),
	[IPTO_SETTING_REPLY_BURST] =
		IPTO_SETTING(reply_burst, IPTO_DEV_A_REPLY_BURST, NLA_U32,
			     IPTO_REPLY_BURST_MIN, IPTO_REPLY_BURST_MAX),
	[IPTO_SETTING_LEASE_MS] = {
		.name = "lease_ms",
		.attr = IPTO_DEV_A_LEASE_MS,
		.nla_type = NLA_U32,
		.offset = offsetof(struct ipto_settings, lease_ms),
		.min = IPTO_LEASE_MS_MIN,
		.max = IPTO_LEASE_MS_MAX,
		.zero_is_off = true,
	},
	[IPTO_SETTING_ECHO_REPLY] =
		IPTO_SETTING(echo_reply, IPTO_DEV_A_ECHO_REPLY, NLA_U8, 0, 1),
	[IPTO_SETTING_DEFAULT_ACTION] = {
		.name = "default_action",
		.attr = IPTO_DEV_A_DEFAULT_ACTION,
		.nla_type = NLA_U8,
		.offset = offsetof(struct ipto_settings, default_action),
		.min = 0,
		.max = IPTO_ACTION_MAX,
		.names = ipto_action_names,
	},
	[IPTO_SETTING_FAILBACK] = {
		.name = "failback",
		.attr = IPTO_DEV_A_FAILBACK,
		.nla_type = NLA_U8,
		.offset = offsetof(struct ipto_settings, failback),
		.min = 0,
		.max = IPTO_FAILBACK_MANUAL,
		.names = ipto_failback_names,
	},
};

u32 ipto_setting_get(const struct ipto_settings *s, const struct ipto_setting *d)
{
	return READ_ONCE(*(const u32 *)((const u8 *)s + d->offset));
}

void ipto_setting_set(struct ipto_settings *s, const struct ipto_setting *d, u32 val)
{
	WRITE_ONCE(*(u32 *)((u8 *)s + d->offset), val);
}

/* Parses one value as written to sysfs or a module parameter. */
int ipto_setting_parse(const struct ipto_setting *d, const char *buf, u32 *val)
{
	int ret;

	if (d->names) {
		ret = __sysfs_match_string(d->names, -1, buf);
		if (ret < 0)
			return -EINVAL;
		*val = ret;
		return 0;
	}
	ret = kstrtou32(buf, 0, val);
	if (ret)
		return ret;
	if (d->zero_is_off && *val == 0)
		return 0;
	if (*val < d->min || *val > d->max)
		return -ERANGE;
	return 0;
}

int ipto_setting_format(const struct ipto_setting *d, u32 val, char *buf, size_t size)
{
	if (d->names)
		return scnprintf(buf, size, "%s\n", d->names[val]);
	return scnprintf(buf, size, "%u\n", val);
}

int ipto_settings_fill(struct sk_buff *skb, const struct ipto_settings *s)
{
	const struct ipto_setting *d;
	int ret;

	for (d = ipto_settings_table; d < ipto_settings_table + IPTO_SETTING_COUNT; d++) {
		u32 val = ipto_setting_get(s, d);

		if (d->nla_type == NLA_U8)
			ret = nla_put_u8(skb, d->attr, val);
		else
			ret = nla_put_u32(skb, d->attr, val);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Module parameters: the defaults a new device starts from.  Writing one
 * changes no existing device.  The parameter lock serialises writers and
 * the copy taken when a device is created.
 */
static struct ipto_settings ipto_defaults = {
	.announce_count = 3,
	.announce_interval_ms = 200,
	.reply_rate = 1000,
	.reply_burst = 200,
	.lease_ms = 0,
	.echo_reply = 1,
	.default_action = IPTO_ACTION_REJECT,
	.failback = IPTO_FAILBACK_AUTO,
};

void ipto_settings_load_defaults(struct ipto_settings *s)
{
	kernel_param_lock(THIS_MODULE);
	*s = ipto_defaults;
	kernel_param_unlock(THIS_MODULE);
}

static int ipto_param_set(const char *val, const struct kernel_param *kp)
{
	const struct ipto_setting *d = kp->arg;
	u32 v;
	int ret;

	ret = ipto_setting_parse(d, val, &v);
	if (ret) {
		pr_err("parameter %s: invalid value '%s'\n", d->name, val);
		return ret;
	}
	ipto_setting_set(&ipto_defaults, d, v);
	return 0;
}

static int ipto_param_get(char *buf, const struct kernel_param *kp)
{
	const struct ipto_setting *d = kp->arg;

	return ipto_setting_format(d, ipto_setting_get(&ipto_defaults, d), buf, PAGE_SIZE);
}

static const struct kernel_param_ops ipto_param_ops = {
	.set = ipto_param_set,
	.get = ipto_param_get,
};

/* The parameter's argument is its row in the (read-only) settings table. */
#define IPTO_PARAM_ARG(_index) ((void *)&ipto_settings_table[_index])

module_param_cb(announce_count, &ipto_param_ops,
		IPTO_PARAM_ARG(IPTO_SETTING_ANNOUNCE_COUNT), 0644);
MODULE_PARM_DESC(announce_count,
		 "gratuitous ARP / unsolicited NA packets per adoption, 0-100 (default 3)");
module_param_cb(announce_interval_ms, &ipto_param_ops,
		IPTO_PARAM_ARG(IPTO_SETTING_ANNOUNCE_INTERVAL_MS), 0644);
MODULE_PARM_DESC(announce_interval_ms,
		 "milliseconds between announcements, 10-10000 (default 200)");
module_param_cb(reply_rate, &ipto_param_ops,
		IPTO_PARAM_ARG(IPTO_SETTING_REPLY_RATE), 0644);
MODULE_PARM_DESC(reply_rate,
		 "error replies per second per device, 1-1000000 (default 1000)");
module_param_cb(reply_burst, &ipto_param_ops,
		IPTO_PARAM_ARG(IPTO_SETTING_REPLY_BURST), 0644);
MODULE_PARM_DESC(reply_burst,
		 "error reply burst per device, 1-1000000 (default 200)");
module_param_cb(lease_ms, &ipto_param_ops,
		IPTO_PARAM_ARG(IPTO_SETTING_LEASE_MS), 0644);
MODULE_PARM_DESC(lease_ms,
		 "daemon lease in milliseconds, 0 (none) or 50-600000 (default 0)");
module_param_cb(echo_reply, &ipto_param_ops,
		IPTO_PARAM_ARG(IPTO_SETTING_ECHO_REPLY), 0644);
MODULE_PARM_DESC(echo_reply,
		 "answer ICMP echo to adopted addresses, 0 or 1 (default 1)");
module_param_cb(default_action, &ipto_param_ops,
		IPTO_PARAM_ARG(IPTO_SETTING_DEFAULT_ACTION), 0644);
MODULE_PARM_DESC(default_action,
		 "action when no service matches: reject, drop or serve (default reject)");
module_param_cb(failback, &ipto_param_ops,
		IPTO_PARAM_ARG(IPTO_SETTING_FAILBACK), 0644);
MODULE_PARM_DESC(failback,
		 "when a node returns: auto (it takes its addresses back) or manual (default auto)");
