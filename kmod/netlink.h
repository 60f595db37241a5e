/* SPDX-License-Identifier: GPL-2.0 */
/* netlink.h - the "ipto" generic netlink family (uapi/linux/ipto.h). */
#ifndef _IPTO_NETLINK_H
#define _IPTO_NETLINK_H

#include <linux/ipto.h>
#include <linux/types.h>

struct ipto_addr_key;
struct ipto_dev;
struct sk_buff;

/**
 * struct ipto_nl_event - one event for the "events" group (IPTO_CMD_EVENT)
 * @type: enum ipto_event
 * @node: the node it concerns, 0 for none
 * @key: the address it concerns, or NULL
 * @service: the service it concerns, or NULL
 * @owner: the node that provides the unit, 0 for none
 * @reason: enum ipto_fence, sent with IPTO_EVENT_FENCED only
 */
struct ipto_nl_event {
	u8 type;
	u32 node;
	const struct ipto_addr_key *key;
	const char *service;
	u32 owner;
	u8 reason;
};

/**
 * struct ipto_nl_batch - events of one change, sent packed in few datagrams
 * @ipto: the device they concern
 * @skb: the datagram being filled, or NULL
 */
struct ipto_nl_batch {
	struct ipto_dev *ipto;
	struct sk_buff *skb;
};

int ipto_genl_init(void);
void ipto_nl_event(struct ipto_dev *ipto, const struct ipto_nl_event *ev);
void ipto_nl_batch_add(struct ipto_nl_batch *batch, const struct ipto_nl_event *ev);
void ipto_nl_batch_send(struct ipto_nl_batch *batch);
void ipto_genl_uninit(void);

#endif /* _IPTO_NETLINK_H */
