/* SPDX-License-Identifier: GPL-2.0 */
/* pernet.h - the state ipto keeps for each network namespace. */
#ifndef _IPTO_PERNET_H
#define _IPTO_PERNET_H

#include <linux/list.h>
#include <net/net_namespace.h>

/**
 * struct ipto_net - per network namespace state
 * @devices: the ipto devices of this namespace, oldest first
 *	(struct ipto_dev.list); protected by RTNL
 * @devices_gen: bumped on every change of @devices, so that a dump split
 *	over several messages can tell it was interrupted; protected by RTNL
 */
struct ipto_net {
	struct list_head devices;
	unsigned int devices_gen;
};

struct ipto_net *ipto_net(const struct net *net);
int ipto_pernet_init(void);
void ipto_pernet_uninit(void);

#endif /* _IPTO_PERNET_H */
