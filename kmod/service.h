/* SPDX-License-Identifier: GPL-2.0 */
/*
 * service.h - the services of a device's nodes: protocol and port ranges
 * that decide what an adopted address does with a packet.
 */
#ifndef _IPTO_SERVICE_H
#define _IPTO_SERVICE_H

#include <linux/rcupdate.h>
#include <linux/ipto.h>

struct ipto_dev;
struct netlink_ext_ack;

struct ipto_service {
	u32 node;
	char name[IPTO_SERVICE_NAME_LEN];
	u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	u8 action;		/* enum ipto_action */
	u16 port_min;
	u16 port_max;
};

/* An immutable set, replaced as a whole under RTNL; read under RCU. */
struct ipto_services {
	struct rcu_head rcu;
	unsigned int count;
	struct ipto_service svc[];
};

int ipto_service_add(struct ipto_dev *ipto, const struct ipto_service *svc,
		     struct netlink_ext_ack *extack);
int ipto_service_del(struct ipto_dev *ipto, u32 node, const char *name,
		     struct netlink_ext_ack *extack);
int ipto_service_action(const struct ipto_dev *ipto, u32 node, u8 proto, u16 port);
void ipto_services_free(struct ipto_dev *ipto);

#endif /* _IPTO_SERVICE_H */
