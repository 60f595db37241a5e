// SPDX-License-Identifier: GPL-2.0
/*
 * announce.c - link-layer announcements and answers for adopted addresses,
 * sent on the lower device with its hardware address: gratuitous ARP and
 * ARP replies through the kernel's arp_send(); neighbour advertisements
 * built here, because the kernel's own sender only speaks for addresses
 * configured on the device.
 */
#include <linux/etherdevice.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/addrconf.h>
#include <net/arp.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

#include "addr.h"
#include "announce.h"
#include "device.h"

void ipto_arp_reply(struct net_device *lower, __be32 sip, const u8 *sha, __be32 tip)
{
	arp_send(ARPOP_REPLY, ETH_P_ARP, sip, lower, tip, sha, lower->dev_addr, sha);
}

/* An advertisement of @target, overriding caches, from @target to @daddr. */
void ipto_ndisc_send_na(struct net_device *lower, const struct in6_addr *target,
			const struct in6_addr *daddr, const u8 *dest_hw, bool solicited)
{
	int optlen = ndisc_opt_addr_space(lower, NDISC_NEIGHBOUR_ADVERTISEMENT);
	int len = sizeof(struct nd_msg) + optlen;
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	struct nd_msg *msg;

	skb = alloc_skb(LL_RESERVED_SPACE(lower) + sizeof(*ip6h) + len + lower->needed_tailroom,
			GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, LL_RESERVED_SPACE(lower) + sizeof(*ip6h));
	skb_reset_transport_header(skb);
	msg = skb_put_zero(skb, sizeof(*msg));
	msg->icmph.icmp6_type = NDISC_NEIGHBOUR_ADVERTISEMENT;
	msg->icmph.icmp6_solicited = solicited;
	msg->icmph.icmp6_override = 1;
	msg->target = *target;
	if (optlen)
		__ndisc_fill_addr_option(skb, ND_OPT_TARGET_LL_ADDR, lower->dev_addr,
					 lower->addr_len, ndisc_addr_option_pad(lower->type));
	msg->icmph.icmp6_cksum = csum_ipv6_magic(target, daddr, len, IPPROTO_ICMPV6,
						 csum_partial(msg, len, 0));

	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->payload_len = htons(len);
	ip6h->nexthdr = IPPROTO_ICMPV6;
	ip6h->hop_limit = 255;	/* RFC 4861: neighbour discovery is link-local */
	ip6h->saddr = *target;
	ip6h->daddr = *daddr;

	skb->protocol = htons(ETH_P_IPV6);
	skb->dev = lower;
	if (dev_hard_header(skb, lower, ETH_P_IPV6, dest_hw, lower->dev_addr, skb->len) < 0) {
		kfree_skb(skb);
		return;
	}
	dev_queue_xmit(skb);
}

/* One round of announcement: every LAN cache that knows the address moves. */
void ipto_announce(const struct ipto_addr *a)
{
	struct net_device *lower = a->ipto->lower;
	u8 allnodes_hw[MAX_ADDR_LEN];

	if (!netif_running(lower))
		return;
	if (a->key.family == AF_INET) {
		arp_send(ARPOP_REQUEST, ETH_P_ARP, a->key.ip4, lower, a->key.ip4, NULL,
			 lower->dev_addr, NULL);
		return;
	}
	if (ndisc_mc_map(&in6addr_linklocal_allnodes, allnodes_hw, lower, 0))
		return;
	ipto_ndisc_send_na(lower, &a->key.ip6, &in6addr_linklocal_allnodes, allnodes_hw, false);
}
