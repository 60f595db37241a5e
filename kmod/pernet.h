/* SPDX-License-Identifier: GPL-2.0 */
/* pernet.h - the state ipto keeps for each network namespace. */
#ifndef _IPTO_PERNET_H
#define _IPTO_PERNET_H

#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <net/net_namespace.h>

/**
 * struct ipto_net - per network namespace state
 * @devices: the ipto devices of this namespace, oldest first
 *	(struct ipto_dev.list); protected by RTNL
 * @devices_gen: bumped on every change of @devices, so that a dump split
 *	over several messages can tell it was interrupted; protected by RTNL
 * @addrs: adopted addresses and home entries of every ipto device of the
 *	namespace, by address (struct ipto_addr); read under RCU on the
 *	packet path
 * @naddrs: number of adopted entries in @addrs
 * @nhome: number of home entries in @addrs
 * @addrs_gen: bumped on every change of the table, for dump consistency
 * @hooks_on: the netfilter hooks are registered in this namespace; they
 *	are registered only while @addrs has an entry
 *
 * Everything here is written under RTNL; the packet path reads @addrs
 * under RCU.
 */
struct ipto_net {
	struct list_head devices;
	unsigned int devices_gen;

	struct rhashtable addrs;
	unsigned int naddrs;
	unsigned int nhome;
	unsigned int addrs_gen;
	bool hooks_on;
};

struct ipto_net *ipto_net(const struct net *net);
int ipto_pernet_init(void);
void ipto_pernet_uninit(void);

#endif /* _IPTO_PERNET_H */
