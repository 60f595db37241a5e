/* SPDX-License-Identifier: GPL-2.0 */
/*
 * family.h - the "ipto" generic netlink family (uapi/linux/ipto.h), and the
 * events the engine reports to its "events" group.
 */
#ifndef _IPTO_FAMILY_H
#define _IPTO_FAMILY_H

#include <linux/ipto.h>
#include <linux/types.h>

struct genl_family;
struct ipto_addr_key;
struct net_device;
struct sk_buff;

extern struct genl_family ipto_genl_family;

/**
 * struct ipto_nl_event - one event for the "events" group (IPTO_CMD_EVENT)
 * @type: enum ipto_event
 * @node: the node it concerns, 0 for none
 * @key: the address it concerns, or NULL
 * @service: the service it concerns, or NULL
 * @owner: the node that provides the unit, 0 for none
 * @reason: enum ipto_fence, sent with IPTO_EVENT_FENCED only
 * @progress: @drain_conns and @drain_left_ms are sent (IPTO_EVENT_NODE_DRAIN)
 * @drain_conns: a draining node's connections left
 * @drain_left_ms: a draining node's time left
 */
struct ipto_nl_event {
	u8 type;
	u32 node;
	const struct ipto_addr_key *key;
	const char *service;
	u32 owner;
	u8 reason;
	bool progress;
	u32 drain_conns;
	u32 drain_left_ms;
};

/**
 * struct ipto_nl_batch - events of one change, sent packed in few datagrams
 * @dev: the ipto device they concern
 * @skb: the datagram being filled, or NULL
 */
struct ipto_nl_batch {
	struct net_device *dev;
	struct sk_buff *skb;
};

int ipto_genl_init(void);
void ipto_nl_event(struct net_device *dev, const struct ipto_nl_event *ev);
void ipto_nl_batch_add(struct ipto_nl_batch *batch, const struct ipto_nl_event *ev);
void ipto_nl_batch_send(struct ipto_nl_batch *batch);
void ipto_genl_uninit(void);

#endif /* _IPTO_FAMILY_H */
