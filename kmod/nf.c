// SPDX-License-Identifier: GPL-2.0
/*
 * nf.c - the packet path.  Three hooks, registered in a namespace only
 * while its address table has an entry (adopted or home):
 *
 *   IPv4 and IPv6 PRE_ROUTING, after defragmentation and before raw and
 *   conntrack: a packet whose destination is adopted, arriving on the
 *   adopting device's lower device, is answered, dropped or passed per the
 *   service rules (uapi/linux/ipto.h), before routing could hand it to a
 *   local socket.  The adopted address need not be local for this.
 *   Neighbour solicitations for an adopted address are answered here too.
 *
 *   ARP IN: requests for an adopted address are answered.
 *
 * Packets, ARP requests and neighbour solicitations for an address of a
 * device whose lease has run out (fence.c), adopted or home, or for a
 * silenced home address (one the node must not answer now, see addr.c),
 * arriving on the lower device, are dropped and counted as rx_dropped of
 * the ipto device.  The lease is compared here, on every packet, so that
 * the node is silent when it runs out, not when the fence's work gets to
 * run.  While the node drains (IPTO_NODE_DRAIN), a new connection to a
 * home address is refused.  Other packets for a home address go on to the
 * stack.
 *
 * Any other packet costs one RCU hash lookup.
 */
#include <linux/err.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_arp.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>

#include "addr.h"
#include "announce.h"
#include "device.h"
#include "fence.h"
#include "nf.h"
#include "pernet.h"
#include "reply.h"
#include "service.h"

/* What to do with one packet to an adopted address. */
enum ipto_verdict {
	IPTO_PASS,
	IPTO_DROP,
	IPTO_RST,
	IPTO_PORT_UNREACH,
	IPTO_PROTO_UNREACH,
	IPTO_ADMIN_PROHIBITED,
	IPTO_ECHO_REPLY,
};

/*
 * The entry for @key on the device whose lower is @in, for a packet that
 * arrived there: the adopted address ipto answers, or for an IP packet
 * (@ip, not ARP or neighbour discovery) a home address of a draining node,
 * whose new connections ipto refuses; NULL when the packet is none of
 * ipto's (no entry, or a home address the stack answers); or
 * ERR_PTR(-EPERM) when the node must not answer it (the device's lease has
 * run out, or the home address is silenced), counted as rx_dropped of the
 * ipto device: the caller drops the packet.
 */
static struct ipto_addr *ipto_nf_lookup(const struct nf_hook_state *state,
					const struct ipto_addr_key *key, bool ip)
{
	struct ipto_addr *a = ipto_addr_lookup(ipto_net(state->net), key);

	if (!a || a->ipto->lower != state->in)
		return NULL;
	if ((a->home && READ_ONCE(a->ipto->silenced)) || ipto_lease_ran_out(a->ipto)) {
		DEV_STATS_INC(a->ipto->dev, rx_dropped);
		return ERR_PTR(-EPERM);
	}
	if (a->home)
		return ip && READ_ONCE(a->ipto->draining) ? a : NULL;
	return a;
}

/*
 * A packet to a home address of a draining node: a new connection is
 * refused (a TCP SYN with a reset, UDP with port unreachable), so that the
 * client tries its next address; everything else goes on to the stack,
 * which serves the connections the node has.
 */
static enum ipto_verdict ipto_drain_verdict(struct sk_buff *skb, u8 proto, unsigned int thoff,
					    bool fragment)
{
	struct tcphdr _th;
	const struct tcphdr *th;

	if (fragment)
		return IPTO_PASS;
	if (proto == IPPROTO_UDP)
		return IPTO_PORT_UNREACH;
	if (proto != IPPROTO_TCP)
		return IPTO_PASS;
	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	return th && th->syn && !th->ack && !th->rst ? IPTO_RST : IPTO_PASS;
}

static enum ipto_verdict ipto_action_verdict(int action, enum ipto_verdict reject)
{
	switch (action) {
	case IPTO_ACTION_SERVE:
		return IPTO_PASS;
	case IPTO_ACTION_DROP:
		return IPTO_DROP;
	default:
		return reject;
	}
}

/*
 * Decides by protocol, port and the address's node's services.  @thoff is
 * the transport header; @fragment is set for a non-first fragment, which
 * has no transport header to match.
 */
static enum ipto_verdict ipto_classify(const struct ipto_addr *a, struct sk_buff *skb,
				       u8 proto, unsigned int thoff, bool fragment)
{
	const struct ipto_dev *ipto = a->ipto;
	int fallback = READ_ONCE(ipto->settings.default_action);
	bool ipv6 = a->key.family == AF_INET6;
	int action;

	if (a->home)
		return ipto_drain_verdict(skb, proto, thoff, fragment);
	if (fragment)
		return ipto_action_verdict(fallback, IPTO_DROP);

	switch (proto) {
	case IPPROTO_TCP: {
		struct tcphdr _th;
		const struct tcphdr *th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);

		if (!th)
			return IPTO_DROP;
		action = ipto_service_action(ipto, a->from_node, proto, ntohs(th->dest));
		/* Never answer a reset. */
		return ipto_action_verdict(action < 0 ? fallback : action,
					   th->rst ? IPTO_DROP : IPTO_RST);
	}
	case IPPROTO_UDP: {
		struct udphdr _uh;
		const struct udphdr *uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);

		if (!uh)
			return IPTO_DROP;
		action = ipto_service_action(ipto, a->from_node, proto, ntohs(uh->dest));
		return ipto_action_verdict(action < 0 ? fallback : action, IPTO_PORT_UNREACH);
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		u8 _type;
		const u8 *type = skb_header_pointer(skb, thoff, sizeof(_type), &_type);
		bool echo;

		if (!type || proto != (ipv6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
			break;
		echo = *type == (ipv6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO);
		if (echo && READ_ONCE(ipto->settings.echo_reply))
			return IPTO_ECHO_REPLY;
		/* Only echo requests are ever answered with an error. */
		return ipto_action_verdict(fallback, echo ? IPTO_ADMIN_PROHIBITED : IPTO_DROP);
	}
	}
	return ipto_action_verdict(fallback, IPTO_PROTO_UNREACH);
}

static void ipto_reply4(enum ipto_verdict v, struct sk_buff *skb,
			const struct nf_hook_state *state)
{
	switch (v) {
	case IPTO_RST:
		nf_send_reset(state->net, state->sk, skb, state->hook);
		break;
	case IPTO_PORT_UNREACH:
		nf_send_unreach(skb, ICMP_PORT_UNREACH, state->hook);
		break;
	case IPTO_PROTO_UNREACH:
		nf_send_unreach(skb, ICMP_PROT_UNREACH, state->hook);
		break;
	case IPTO_ADMIN_PROHIBITED:
		nf_send_unreach(skb, ICMP_PKT_FILTERED, state->hook);
		break;
	case IPTO_ECHO_REPLY:
		ipto_reply_echo4(state->net, skb, state->hook);
		break;
	default:
		break;
	}
}

static void ipto_reply6(enum ipto_verdict v, struct sk_buff *skb, unsigned int thoff,
			const struct nf_hook_state *state)
{
	switch (v) {
	case IPTO_RST:
		nf_send_reset6(state->net, state->sk, skb, state->hook);
		break;
	case IPTO_PORT_UNREACH:
		nf_send_unreach6(state->net, skb, ICMPV6_PORT_UNREACH, state->hook);
		break;
	case IPTO_PROTO_UNREACH:
	case IPTO_ADMIN_PROHIBITED:
		nf_send_unreach6(state->net, skb, ICMPV6_ADM_PROHIBITED, state->hook);
		break;
	case IPTO_ECHO_REPLY:
		ipto_reply_echo6(state->net, skb, thoff, state->hook);
		break;
	default:
		break;
	}
}

/* Counts, rate-limits and answers; at most one reply per packet. */
static unsigned int ipto_act(struct ipto_addr *a, enum ipto_verdict v, struct sk_buff *skb,
			     unsigned int thoff, const struct nf_hook_state *state)
{
	struct ipto_dev *ipto = a->ipto;

	atomic64_inc(&a->stats.matched);
	if (v == IPTO_PASS) {
		atomic64_inc(&a->stats.passed);
		return NF_ACCEPT;
	}
	if (v == IPTO_DROP) {
		atomic64_inc(&a->stats.dropped);
		return NF_DROP;
	}
	if (!ipto_ratelimit_allow(&ipto->ratelimit, READ_ONCE(ipto->settings.reply_rate),
				  READ_ONCE(ipto->settings.reply_burst))) {
		atomic64_inc(&a->stats.suppressed);
		return NF_DROP;
	}
	atomic64_inc(v == IPTO_RST ? &a->stats.rst : &a->stats.icmp);
	/* Adoption to first reply: the first one sets it, once. */
	if (!atomic64_read(&a->first_reply))
		atomic64_cmpxchg(&a->first_reply, 0, ktime_get_boottime_ns());
	if (a->key.family == AF_INET)
		ipto_reply4(v, skb, state);
	else
		ipto_reply6(v, skb, thoff, state);
	return NF_DROP;
}

static unsigned int ipto_nf_ipv4(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct ipto_addr_key key;
	struct ipto_addr *a;

	ipto_addr_key_set4(&key, iph->daddr);
	a = ipto_nf_lookup(state, &key, true);
	if (!a)
		return NF_ACCEPT;
	if (IS_ERR(a))
		return NF_DROP;
	return ipto_act(a, ipto_classify(a, skb, iph->protocol, ip_hdrlen(skb),
					 !!(iph->frag_off & htons(IP_OFFSET))),
			skb, ip_hdrlen(skb), state);
}

/*
 * A neighbour solicitation for an adopted address: answer it and consume
 * it; for an address the node must not answer: consume it.  Returns false
 * for anything else, a home address answered by the stack included.
 */
static bool ipto_nf_ndisc(struct sk_buff *skb, const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct ipto_addr_key key;
	const struct nd_msg *ns;
	struct ipto_addr *a;
	struct nd_msg _ns;
	u8 dest_hw[MAX_ADDR_LEN];
	const u8 *hw;

	ns = skb_header_pointer(skb, sizeof(*ip6h), sizeof(_ns), &_ns);
	if (!ns || ns->icmph.icmp6_type != NDISC_NEIGHBOUR_SOLICITATION ||
	    ns->icmph.icmp6_code || ip6h->hop_limit != 255 || ipv6_addr_is_multicast(&ns->target))
		return false;
	ipto_addr_key_set6(&key, &ns->target);
	a = ipto_nf_lookup(state, &key, false);
	if (!a)
		return false;
	if (IS_ERR(a))
		return true;

	if (ipv6_addr_any(&ip6h->saddr)) {
		/*
		 * Duplicate address detection by someone else, the owner
		 * coming back included: defend, so that the owner's address
		 * stays silent (dadfailed) while this node holds it.  At
		 * failback the owner's daemon runs detection again (iptod(8)).
		 */
		if (ndisc_mc_map(&in6addr_linklocal_allnodes, dest_hw, state->in, 0))
			return true;
		ipto_ndisc_send_na(state->in, &ns->target, &in6addr_linklocal_allnodes,
				   dest_hw, false);
		return true;
	}
	if (!skb_mac_header_was_set(skb) || state->in->type != ARPHRD_ETHER)
		return true;
	hw = eth_hdr(skb)->h_source;
	ipto_ndisc_send_na(state->in, &ns->target, &ip6h->saddr, hw, true);
	return true;
}

static unsigned int ipto_nf_ipv6(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct ipto_addr_key key;
	struct ipto_addr *a;
	__be16 frag_off = 0;
	u8 proto;
	int thoff;

	if (ip6h->nexthdr == IPPROTO_ICMPV6 && ipto_nf_ndisc(skb, state))
		return NF_DROP;

	ipto_addr_key_set6(&key, &ip6h->daddr);
	a = ipto_nf_lookup(state, &key, true);
	if (!a)
		return NF_ACCEPT;
	if (IS_ERR(a))
		return NF_DROP;
	proto = ip6h->nexthdr;
	thoff = ipv6_skip_exthdr(skb, sizeof(*ip6h), &proto, &frag_off);
	if (thoff < 0)
		return ipto_act(a, IPTO_DROP, skb, 0, state);
	return ipto_act(a, ipto_classify(a, skb, proto, thoff, !!(frag_off & htons(IP6_OFFSET))),
			skb, thoff, state);
}

static unsigned int ipto_nf_arp(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct net_device *dev = state->in;
	const struct arphdr *arp;
	struct ipto_addr_key key;
	struct ipto_addr *a;
	const u8 *sha, *p;
	__be32 sip, tip;

	if (!pskb_may_pull(skb, arp_hdr_len(dev)))
		return NF_ACCEPT;
	arp = arp_hdr(skb);
	if (arp->ar_op != htons(ARPOP_REQUEST) || arp->ar_pro != htons(ETH_P_IP) ||
	    arp->ar_pln != 4 || arp->ar_hln != dev->addr_len)
		return NF_ACCEPT;
	p = (const u8 *)(arp + 1);
	sha = p;
	p += dev->addr_len;
	memcpy(&sip, p, 4);
	p += 4 + dev->addr_len;
	memcpy(&tip, p, 4);

	ipto_addr_key_set4(&key, tip);
	a = ipto_nf_lookup(state, &key, false);
	if (!a)
		return NF_ACCEPT;
	if (IS_ERR(a))
		return NF_DROP;
	/* Someone announcing the address itself (its owner back): let it be. */
	if (sip == tip)
		return NF_ACCEPT;
	/*
	 * A probe (RFC 5227 conflict detection, sender 0.0.0.0), most likely
	 * from the owner coming back: not defended, so that its address comes
	 * up as it would without conflict detection (IPv4 has no duplicate
	 * address detection in the kernel that would hold it back anyway).
	 * Consumed, so that the local stack does not answer it either.
	 */
	if (!sip)
		return NF_DROP;
	ipto_arp_reply(dev, sip, sha, tip);
	return NF_DROP;
}

/*
 * The ARP hook needs the kernel's ARP netfilter family, which is built when
 * nf_tables' arp family or arptables is: without it the hook's registration
 * fails, and every adoption with it.  Say so at build time.
 */
#if !IS_ENABLED(CONFIG_NETFILTER_FAMILY_ARP)
#error "ipto needs CONFIG_NETFILTER_FAMILY_ARP (CONFIG_NF_TABLES_ARP or CONFIG_IP_NF_ARPTABLES)"
#endif

static const struct nf_hook_ops ipto_nf_ops[] = {
	{
		.hook = ipto_nf_ipv4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_RAW - 1,
	},
	{
		.hook = ipto_nf_ipv6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_RAW - 1,
	},
	{
		.hook = ipto_nf_arp,
		.pf = NFPROTO_ARP,
		.hooknum = NF_ARP_IN,
		.priority = 0,
	},
};

int ipto_nf_register(struct net *net)
{
	return nf_register_net_hooks(net, ipto_nf_ops, ARRAY_SIZE(ipto_nf_ops));
}

void ipto_nf_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, ipto_nf_ops, ARRAY_SIZE(ipto_nf_ops));
}
