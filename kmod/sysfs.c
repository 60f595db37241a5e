// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs.c - the per-device attribute group /sys/class/net/<dev>/ipto/, one
 * file per row of the settings table (settings.c), made from the table.
 * Reading needs no privilege; writing needs CAP_NET_ADMIN over the
 * device's network namespace, goes through the same setter as
 * IPTO_CMD_DEV_SET (ipto_dev_settings_set(), under RTNL, which runs the
 * engine), and leaves the value unchanged when refused.
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

/* One file per row of the settings table, made at module load. */
static struct ipto_dev_attribute ipto_setting_attrs[IPTO_SETTING_COUNT] __ro_after_init;
static struct attribute *ipto_attrs[IPTO_SETTING_COUNT + 1] __ro_after_init;

static const struct attribute_group ipto_attr_group = {
	.name = "ipto",
	.attrs = ipto_attrs,
};

/* Before the link type is registered: no device has the files yet. */
void __init ipto_sysfs_init(void)
{
	unsigned int i;

	for (i = 0; i < IPTO_SETTING_COUNT; i++) {
		struct ipto_dev_attribute *a = &ipto_setting_attrs[i];

		sysfs_attr_init(&a->attr.attr);
		a->attr.attr.name = ipto_settings_table[i].name;
		a->attr.attr.mode = 0644;
		a->attr.show = ipto_setting_show;
		a->attr.store = ipto_setting_store;
		a->setting = &ipto_settings_table[i];
		ipto_attrs[i] = &a->attr.attr;
	}
}

/* Must run before register_netdevice(), which creates the files. */
void ipto_sysfs_attach(struct net_device *dev)
{
	dev->sysfs_groups[0] = &ipto_attr_group;
}
