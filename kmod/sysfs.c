// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs.c - the per-device attribute group /sys/class/net/<dev>/ipto/, one
 * file per tunable of settings.c.  Reading needs no privilege; writing needs
 * CAP_NET_ADMIN over the device's network namespace, goes through the same
 * setter as IPTO_CMD_DEV_SET (ipto_dev_settings_set(), under RTNL), and
 * leaves the value unchanged when refused.
 */
#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/device.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/sysfs.h>

#include "device.h"
#include "sysfs.h"

struct ipto_dev_attribute {
	struct device_attribute attr;
	const struct ipto_setting *setting;
};

static const struct ipto_setting *to_setting(struct device_attribute *attr)
{
	return container_of(attr, struct ipto_dev_attribute, attr)->setting;
}

static ssize_t ipto_setting_show(struct device *d, struct device_attribute *attr, char *buf)
{
	const struct ipto_dev *ipto = netdev_priv(to_net_dev(d));
	const struct ipto_setting *setting = to_setting(attr);

	return ipto_setting_format(setting, ipto_setting_get(&ipto->settings, setting),
				   buf, PAGE_SIZE);
}

static ssize_t ipto_setting_store(struct device *d, struct device_attribute *attr,
				  const char *buf, size_t len)
{
	struct net_device *dev = to_net_dev(d);
	struct ipto_dev *ipto = netdev_priv(dev);
	const struct ipto_setting *setting = to_setting(attr);
	unsigned int index = setting - ipto_settings_table;
	u32 vals[IPTO_SETTING_COUNT];
	int ret;

	if (!ns_capable(dev_net(dev)->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	ret = ipto_setting_parse(setting, buf, &vals[index]);
	if (ret)
		return ret;
	if (!rtnl_trylock())
		return restart_syscall();
	if (dev->reg_state == NETREG_REGISTERED)
		ipto_dev_settings_set(ipto, vals, BIT(index), U64_MAX);
	else
		ret = -ENODEV;
	rtnl_unlock();
	return ret ?: len;
}

#define IPTO_ATTR(_name, _index)						\
	static struct ipto_dev_attribute ipto_attr_##_name = {		\
		.attr = __ATTR(_name, 0644, ipto_setting_show,		\
			       ipto_setting_store),			\
		.setting = &ipto_settings_table[_index],		\
	}

IPTO_ATTR(announce_count, IPTO_SETTING_ANNOUNCE_COUNT);
IPTO_ATTR(announce_interval_ms, IPTO_SETTING_ANNOUNCE_INTERVAL_MS);
IPTO_ATTR(reply_rate, IPTO_SETTING_REPLY_RATE);
IPTO_ATTR(reply_burst, IPTO_SETTING_REPLY_BURST);
IPTO_ATTR(lease_ms, IPTO_SETTING_LEASE_MS);
IPTO_ATTR(echo_reply, IPTO_SETTING_ECHO_REPLY);
IPTO_ATTR(default_action, IPTO_SETTING_DEFAULT_ACTION);
IPTO_ATTR(failback, IPTO_SETTING_FAILBACK);

static struct attribute *ipto_attrs[] = {
	&ipto_attr_announce_count.attr.attr,
	&ipto_attr_announce_interval_ms.attr.attr,
	&ipto_attr_reply_rate.attr.attr,
	&ipto_attr_reply_burst.attr.attr,
	&ipto_attr_lease_ms.attr.attr,
	&ipto_attr_echo_reply.attr.attr,
	&ipto_attr_default_action.attr.attr,
	&ipto_attr_failback.attr.attr,
	NULL
};

static const struct attribute_group ipto_attr_group = {
	.name = "ipto",
	.attrs = ipto_attrs,
};

/* Must run before register_netdevice(), which creates the files. */
void ipto_sysfs_attach(struct net_device *dev)
{
	dev->sysfs_groups[0] = &ipto_attr_group;
}
