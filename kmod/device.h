/* SPDX-License-Identifier: GPL-2.0 */
/* device.h - the ipto network device: one cluster on one LAN interface. */
#ifndef _IPTO_DEVICE_H
#define _IPTO_DEVICE_H

#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/workqueue.h>

#include "cluster.h"
#include "ratelimit.h"
#include "settings.h"

struct ipto_net;
struct ipto_services;

/**
 * struct ipto_dev - private part of an ipto net_device
 * @dev: the ipto device itself
 * @pernet: the state of the device's namespace, which the device never
 *	leaves (it is netns-local)
 * @lower: the LAN device on which addresses are announced; held for the
 *	lifetime of @dev, which is deleted when @lower goes away
 * @lower_tracker: reference tracker for @lower
 * @list: entry in struct ipto_net.devices; protected by RTNL
 * @settings: tunables; see struct ipto_settings for the locking
 * @addrs: addresses adopted on this device (struct ipto_addr.dev_list),
 *	oldest first; protected by RTNL
 * @services: the service rules; replaced whole under RTNL, read under RCU
 * @services_gen: bumped when @services is replaced, for dump consistency;
 *	protected by RTNL
 * @ratelimit: bounds the error replies sent for this device's addresses
 * @cluster: the cluster table; protected by RTNL
 * @fence: enum ipto_fence: whether, and why, the device is fenced; RTNL
 * @home_entered: the self node's home addresses are entered in the address
 *	table (struct ipto_addr.home, on @home_addrs): the device has a
 *	lease, or they are silenced; RTNL
 * @silenced: those entries are silenced: the device is fenced or the
 *	table gives the addresses to another node; written under RTNL,
 *	read by the packet path
 * @draining: the self node drains (IPTO_NODE_DRAIN): the packet path
 *	refuses new connections to those entries; written under RTNL, read
 *	by the packet path
 * @home_addrs: the home entries (struct ipto_addr.dev_list); protected by
 *	RTNL
 * @lease_on: the device has a lease (settings.lease_ms is not 0); written
 *	under RTNL after @lease_expires (release), read by the packet path
 *	(acquire)
 * @lease_expires: jiffies when the lease runs out, while @lease_on;
 *	written under RTNL, read by the packet path
 * @lease_work: runs when the lease may have run out (fence.c); holds a
 *	reference to @dev while queued
 */
struct ipto_dev {
	struct net_device *dev;
	struct ipto_net *pernet;
	struct net_device *lower;
	netdevice_tracker lower_tracker;
	struct list_head list;
	struct ipto_settings settings;
	struct list_head addrs;
	struct ipto_services __rcu *services;
	unsigned int services_gen;
	struct ipto_ratelimit ratelimit;
	struct ipto_cluster cluster;
	u8 fence;
	bool home_entered;
	bool silenced;
	bool draining;
	struct list_head home_addrs;
	bool lease_on;
	unsigned long lease_expires;
	struct delayed_work lease_work;
};

bool ipto_dev_is_ipto(const struct net_device *dev);
void ipto_dev_settings_set(struct ipto_dev *ipto, const u32 *vals, unsigned long which,
			   u64 lease_end_ns);
int ipto_device_init(void);
void ipto_device_uninit(void);

#endif /* _IPTO_DEVICE_H */
