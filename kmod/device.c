// SPDX-License-Identifier: GPL-2.0
/*
 * device.c - the "ipto" rtnl link type: creation on top of a lower (LAN)
 * device, the device's life cycle, and following the lower device.
 *
 * An ipto device carries no traffic of its own: it is the handle of one
 * cluster in a namespace, the place its settings and counters live, and it
 * names the lower device on which adopted addresses are announced.  It
 * follows its lower device: its operational state mirrors the lower's, and
 * it is deleted when the lower device is deleted or leaves the namespace,
 * releasing what it adopted.  Unloading the module deletes every ipto
 * device in every namespace.
 */
#include <linux/bitops.h>
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>

#include "addr.h"
#include "compat.h"
#include "device.h"
#include "fence.h"
#include "pernet.h"
#include "service.h"
#include "sysfs.h"

static struct rtnl_link_ops ipto_link_ops;

static const struct device_type ipto_device_type = {
	.name = KBUILD_MODNAME,
};

bool ipto_dev_is_ipto(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &ipto_link_ops;
}

/*
 * The one setter of a device's settings, for IPTO_CMD_DEV_SET and sysfs
 * alike.  For each setting whose index is set in @which, @vals holds its
 * new value, already checked against the setting's range.  All are stored;
 * a lease length written starts a lease of that length (0 ends the
 * lease), ending no later than @lease_end_ns (CLOCK_MONOTONIC; U64_MAX: no
 * limit); then the engine runs once, so that a new failback, default
 * action or echo_reply applies now, as it would after a table change.
 * Caller holds RTNL.
 */
void ipto_dev_settings_set(struct ipto_dev *ipto, const u32 *vals, unsigned long which,
			   u64 lease_end_ns)
{
	unsigned int i;

	ASSERT_RTNL();
	for_each_set_bit(i, &which, IPTO_SETTING_COUNT)
		ipto_setting_set(&ipto->settings, &ipto_settings_table[i], vals[i]);
	if (which & BIT(IPTO_SETTING_LEASE_MS))
		ipto_lease_start(ipto, lease_end_ns);
	ipto_cluster_run(ipto);
}

/* Nothing is routed through the device itself; count and drop. */
static netdev_tx_t ipto_xmit(struct sk_buff *skb, struct net_device *dev)
{
	DEV_STATS_INC(dev, tx_dropped);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int ipto_get_iflink(const struct net_device *dev)
{
	const struct ipto_dev *ipto = netdev_priv(dev);

	return READ_ONCE(ipto->lower->ifindex);
}

/*
 * The core calls ndo_init and ndo_uninit under RTNL around the device's
 * registration, failed registrations included: the namespace's device list
 * and the reference to the lower device follow exactly that span.
 */
static int ipto_init(struct net_device *dev)
{
	struct ipto_dev *ipto = netdev_priv(dev);
	struct ipto_net *in = ipto_net(dev_net(dev));

	ipto->pernet = in;
	netdev_hold(ipto->lower, &ipto->lower_tracker, GFP_KERNEL);
	list_add_tail(&ipto->list, &in->devices);
	in->devices_gen++;
	return 0;
}

static void ipto_uninit(struct net_device *dev)
{
	struct ipto_dev *ipto = netdev_priv(dev);

	ipto_lease_stop(ipto);
	ipto_addr_release_all(ipto, false);
	ipto_addr_home_remove(ipto);
	ipto_services_free(ipto);
	ipto_cluster_free(ipto);
	list_del(&ipto->list);
	ipto->pernet->devices_gen++;
	netdev_put(ipto->lower, &ipto->lower_tracker);
}

static const struct net_device_ops ipto_netdev_ops = {
	.ndo_init = ipto_init,
	.ndo_uninit = ipto_uninit,
	.ndo_start_xmit = ipto_xmit,
	.ndo_get_iflink = ipto_get_iflink,
};

static void ipto_setup(struct net_device *dev)
{
	dev->netdev_ops = &ipto_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = ETH_DATA_LEN;
	dev->min_mtu = 0;
	dev->max_mtu = ETH_MAX_MTU;
	dev->needs_free_netdev = true;
	ipto_compat_set_lltx_netns_local(dev);
	SET_NETDEV_DEVTYPE(dev, &ipto_device_type);
}

static int ipto_validate(struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	if (!tb[IFLA_LINK]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "lower device required: ip link add NAME link DEV type ipto");
		return -EINVAL;
	}
	if (tb[IFLA_ADDRESS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "ipto devices have no link-layer address");
		return -EINVAL;
	}
	return 0;
}

/* Creates an ipto device on the lower device IFLA_LINK names in link_net. */
static int ipto_create(struct net *link_net, struct net_device *dev,
		       struct nlattr *tb[], struct netlink_ext_ack *extack)
{
	struct ipto_dev *ipto = netdev_priv(dev);
	struct net_device *lower;
	int ret;

	lower = __dev_get_by_index(link_net, nla_get_u32(tb[IFLA_LINK]));
	if (!lower) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK], "lower device not found");
		return -ENODEV;
	}
	if (ipto_dev_is_ipto(lower)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK],
				    "lower device is itself an ipto device");
		return -EINVAL;
	}
	if (!net_eq(dev_net(lower), dev_net(dev))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK],
				    "lower device must be in the ipto device's network namespace");
		return -EINVAL;
	}
	if (lower->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK],
				    "lower device cannot be a loopback device");
		return -EINVAL;
	}
	/* ARP, neighbour discovery and announcements speak Ethernet. */
	if (lower->type != ARPHRD_ETHER || lower->addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK], "lower device must be Ethernet");
		return -EINVAL;
	}
	/* A port's packets are received on its bridge or bond, never on it. */
	if (netif_is_bridge_port(lower) || netif_is_lag_port(lower)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK],
				    "lower device is a bridge or bond port: use the bridge or bond");
		return -EINVAL;
	}

	ipto->dev = dev;
	ipto->lower = lower;
	ipto_settings_load_defaults(&ipto->settings);
	INIT_LIST_HEAD(&ipto->addrs);
	INIT_LIST_HEAD(&ipto->home_addrs);
	ipto_lease_dev_init(ipto);
	RCU_INIT_POINTER(ipto->services, NULL);
	ipto_ratelimit_init(&ipto->ratelimit);
	ipto_sysfs_attach(dev);

	ret = register_netdevice(dev);
	if (ret)
		return ret;
	netif_stacked_transfer_operstate(lower, dev);
	/* A lease from the module parameter starts with the device. */
	ipto_lease_start(ipto, U64_MAX);
	netdev_dbg(dev, "created on %s\n", lower->name);
	return 0;
}

IPTO_DEFINE_NEWLINK(ipto)

static struct rtnl_link_ops ipto_link_ops __read_mostly = {
	.kind = IPTO_LINK_KIND,
	.priv_size = sizeof(struct ipto_dev),
	.setup = ipto_setup,
	.validate = ipto_validate,
	.newlink = ipto_newlink,
};

/*
 * The lower device changed: carry its state over, or delete the ipto
 * devices on top of it when it is unregistered or moves to another
 * namespace (the core sends NETDEV_UNREGISTER for both).
 */
static int ipto_lower_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *lower = netdev_notifier_info_to_dev(ptr);
	struct ipto_net *in = ipto_net(dev_net(lower));
	struct ipto_dev *ipto, *tmp;
	LIST_HEAD(kill_list);

	switch (event) {
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		list_for_each_entry(ipto, &in->devices, list)
			if (ipto->lower == lower)
				netif_stacked_transfer_operstate(lower, ipto->dev);
		break;
	case NETDEV_UNREGISTER:
		list_for_each_entry_safe(ipto, tmp, &in->devices, list) {
			/* A device already being unregistered is on its way. */
			if (ipto->lower != lower || ipto->dev->reg_state != NETREG_REGISTERED)
				continue;
			netdev_dbg(ipto->dev, "lower device %s left, deleting\n", lower->name);
			unregister_netdevice_queue(ipto->dev, &kill_list);
		}
		unregister_netdevice_many(&kill_list);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block ipto_lower_notifier = {
	.notifier_call = ipto_lower_event,
};

int __init ipto_device_init(void)
{
	int ret;

	ipto_sysfs_init();
	ret = register_netdevice_notifier(&ipto_lower_notifier);
	if (ret)
		return ret;
	ret = rtnl_link_register(&ipto_link_ops);
	if (ret) {
		unregister_netdevice_notifier(&ipto_lower_notifier);
		return ret;
	}
	return 0;
}

/* Deletes every ipto device in every namespace. */
void ipto_device_uninit(void)
{
	rtnl_link_unregister(&ipto_link_ops);
	unregister_netdevice_notifier(&ipto_lower_notifier);
}
