/* SPDX-License-Identifier: GPL-2.0 */
/*
 * service.h - the services of a device's nodes: protocol and port ranges
 * that decide what an adopted address does with a packet.
 */
#ifndef _IPTO_SERVICE_H
#define _IPTO_SERVICE_H

#include <linux/rcupdate.h>
#include <linux/ipto.h>

#include "decide.h"

struct ipto_dev;
struct netlink_ext_ack;

/**
 * struct ipto_service - one service rule
 * @node: the node whose service it is
 * @name: unique per node
 * @proto: IPPROTO_TCP or IPPROTO_UDP
 * @action: enum ipto_action
 * @port_min: first port
 * @port_max: last port
 * @failover: -1 to follow the node, else 0 or 1 (an override)
 * @has_standby: @standby overrides the node's standby list
 * @nstandby: entries in @standby
 * @standby: the service's own standby order
 * @decision: the takeover decision for the service (cluster.c)
 * @marked: this node raised the cascade guard's mark of the service
 * @active: this node provides the service: its action applies to packets;
 *	otherwise the device's default action does
 */
struct ipto_service {
	u32 node;
	char name[IPTO_SERVICE_NAME_LEN];
	u8 proto;
	u8 action;
	u16 port_min;
	u16 port_max;
	s8 failover;
	bool has_standby;
	u8 nstandby;
	u32 standby[IPTO_STANDBY_MAX];
	struct ipto_decision decision;
	bool marked;
	bool active;
};

/**
 * struct ipto_service_span - ports of one node and protocol that get one
 *	answer: the action of the first active service covering them
 * @node: the services' node
 * @port_min: first port
 * @port_max: last port
 * @proto: IPPROTO_TCP or IPPROTO_UDP
 * @action: enum ipto_action
 *
 * While the spans are built, an entry holds one edge (the first port of
 * a service, or the port after its last) in @port_min, which can be 65536.
 */
struct ipto_service_span {
	u32 node;
	u32 port_min;
	u32 port_max;
	u8 proto;
	u8 action;
};

/**
 * struct ipto_services - an immutable set, replaced as a whole under RTNL
 *	and read under RCU
 * @rcu: frees the set after a grace period
 * @count: entries in @svc
 * @nspans: entries in @spans
 * @spans: what the packet path looks up: the active services as
 *	disjoint spans sorted by node, protocol and port, rebuilt whenever
 *	the set is replaced (room for 2 * @count, in the same allocation)
 * @svc: the services, in the order they were added (the first that
 *	matches applies)
 */
struct ipto_services {
	struct rcu_head rcu;
	unsigned int count;
	unsigned int nspans;
	struct ipto_service_span *spans;
	struct ipto_service svc[];
};

int ipto_service_add(struct ipto_dev *ipto, const struct ipto_service *svc,
		     struct netlink_ext_ack *extack);
int ipto_service_del(struct ipto_dev *ipto, u32 node, const char *name,
		     struct netlink_ext_ack *extack);
struct ipto_services *ipto_services_copy(const struct ipto_dev *ipto);
void ipto_services_replace(struct ipto_dev *ipto, struct ipto_services *set);
bool ipto_services_same(const struct ipto_services *a, const struct ipto_services *b);
int ipto_service_find(const struct ipto_services *set, u32 node, const char *name);
int ipto_service_action(const struct ipto_dev *ipto, u32 node, u8 proto, u16 port);
void ipto_services_free(struct ipto_dev *ipto);

#endif /* _IPTO_SERVICE_H */
