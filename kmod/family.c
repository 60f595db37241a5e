// SPDX-License-Identifier: GPL-2.0
/*
 * family.c - the "ipto" generic netlink family as an object: its
 * registration, its "events" group, and the events multicast to it,
 * packed into few datagrams.  The engine's files report events here and
 * call nothing else of netlink; the op table and its policies are
 * generated from uapi/ipto.yaml (netlink-gen.c), the handlers are in
 * netlink.c.
 */
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "addr.h"
#include "family.h"
#include "netlink-gen.h"

/* Events go to the "events" group of the device's namespace. */
static const struct genl_multicast_group ipto_genl_mcgrps[] = {
	{
		.name = IPTO_MCGRP_EVENTS,
#ifdef GENL_MCAST_CAP_NET_ADMIN
		.flags = GENL_MCAST_CAP_NET_ADMIN,
#endif
	},
};

/* One event as one IPTO_CMD_EVENT message; -EMSGSIZE when @skb is full. */
static int ipto_nl_event_fill(struct sk_buff *skb, const struct net_device *dev,
			      const struct ipto_nl_event *ev)
{
	const struct ipto_addr_key *key = ev->key;
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &ipto_genl_family, 0, IPTO_CMD_EVENT);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u8(skb, IPTO_EVENT_A_TYPE, ev->type) ||
	    nla_put_u32(skb, IPTO_EVENT_A_IFINDEX, dev->ifindex) ||
	    (ev->node && nla_put_u32(skb, IPTO_EVENT_A_NODE, ev->node)) ||
	    (key && key->family == AF_INET && nla_put_in_addr(skb, IPTO_EVENT_A_IPV4, key->ip4)) ||
	    (key && key->family == AF_INET6 &&
	     nla_put_in6_addr(skb, IPTO_EVENT_A_IPV6, &key->ip6)) ||
	    (ev->service && nla_put_string(skb, IPTO_EVENT_A_SERVICE, ev->service)) ||
	    (ev->owner && nla_put_u32(skb, IPTO_EVENT_A_OWNER, ev->owner)) ||
	    (ev->type == IPTO_EVENT_FENCED && nla_put_u8(skb, IPTO_EVENT_A_REASON, ev->reason)) ||
	    (ev->progress &&
	     (nla_put_u32(skb, IPTO_EVENT_A_DRAIN_CONNS, ev->drain_conns) ||
	      nla_put_u32(skb, IPTO_EVENT_A_DRAIN_LEFT_MS, ev->drain_left_ms)))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Sends what @batch holds, as one datagram of the device's namespace. */
void ipto_nl_batch_send(struct ipto_nl_batch *batch)
{
	if (!batch->skb)
		return;
	genlmsg_multicast_netns(&ipto_genl_family, dev_net(batch->dev), batch->skb,
				0, 0, GFP_KERNEL);
	batch->skb = NULL;
}

/*
 * Adds an event to @batch; a full batch is sent first.  Whether anybody
 * listens is asked once per datagram: nothing is built when nobody does.
 * Events are lost only for want of memory, as a multicast can always lose
 * them at a slow receiver.
 */
void ipto_nl_batch_add(struct ipto_nl_batch *batch, const struct ipto_nl_event *ev)
{
	if (batch->skb && !ipto_nl_event_fill(batch->skb, batch->dev, ev))
		return;
	ipto_nl_batch_send(batch);
	if (!genl_has_listeners(&ipto_genl_family, dev_net(batch->dev), 0))
		return;
	batch->skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (batch->skb && ipto_nl_event_fill(batch->skb, batch->dev, ev)) {
		nlmsg_free(batch->skb);
		batch->skb = NULL;
	}
}

void ipto_nl_event(struct net_device *dev, const struct ipto_nl_event *ev)
{
	struct ipto_nl_batch batch = { .dev = dev };

	ipto_nl_batch_add(&batch, ev);
	ipto_nl_batch_send(&batch);
}

struct genl_family ipto_genl_family __ro_after_init = {
	.name = IPTO_GENL_NAME,
	.version = IPTO_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.pre_doit = ipto_nl_pre_doit,
	.post_doit = ipto_nl_post_doit,
	.ops = ipto_nl_ops,
	.n_ops = ARRAY_SIZE(ipto_nl_ops),
	.mcgrps = ipto_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ipto_genl_mcgrps),
};

int __init ipto_genl_init(void)
{
	return genl_register_family(&ipto_genl_family);
}

void ipto_genl_uninit(void)
{
	genl_unregister_family(&ipto_genl_family);
}
