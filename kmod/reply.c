// SPDX-License-Identifier: GPL-2.0
/*
 * reply.c - ICMP and ICMPv6 echo replies from an adopted address.  Errors
 * (TCP RST, unreachables) use the kernel's nf_reject helpers; an echo
 * reply has no such helper, so it is built here, headers included: the
 * request's payload returned from the adopted address, routed like the
 * helpers route theirs, and never to a source that is not one host's.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "reply.h"

/* The IPv4 header of a reply to oldskb; ip_local_out() sets length and checksum. */
static void ipto_reply_iphdr_put(struct sk_buff *nskb, const struct iphdr *oiph,
				 u8 protocol, u8 ttl)
{
	struct iphdr *iph;

	skb_reset_network_header(nskb);
	iph = skb_put_zero(nskb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->frag_off = htons(IP_DF);
	iph->ttl = ttl;
	iph->protocol = protocol;
	iph->saddr = oiph->daddr;
	iph->daddr = oiph->saddr;
	nskb->protocol = htons(ETH_P_IP);
}

/*
 * Whether a request from saddr may be answered: never to a multicast,
 * broadcast, zero or loopback source (the hook runs before routing, which
 * would drop such martians), so that ipto cannot be made to send a reply
 * to a whole segment.  A subnet's broadcast address is caught by the route
 * back (ipto_reply_echo4()).
 */
bool ipto_reply_source_ok4(__be32 saddr)
{
	return !ipv4_is_multicast(saddr) && !ipv4_is_lbcast(saddr) &&
	       !ipv4_is_zeronet(saddr) && !ipv4_is_loopback(saddr);
}

bool ipto_reply_source_ok6(const struct in6_addr *saddr)
{
	return !ipv6_addr_is_multicast(saddr) && !ipv6_addr_any(saddr) &&
	       !ipv6_addr_loopback(saddr);
}

void ipto_reply_echo4(struct net *net, struct sk_buff *oldskb, int hook)
{
	const struct iphdr *oiph = ip_hdr(oldskb);
	unsigned int thoff = ip_hdrlen(oldskb);
	unsigned int len = ntohs(oiph->tot_len) - thoff;
	struct flowi4 fl4 = {};
	struct icmphdr *icmph;
	struct sk_buff *nskb;
	struct rtable *rt;

	if (ip_is_fragment(oiph) || len < sizeof(*icmph) || thoff + len > oldskb->len ||
	    !ipto_reply_source_ok4(oiph->saddr) || nf_ip_checksum(oldskb, hook, thoff, 0))
		return;

	nskb = alloc_skb(LL_MAX_HEADER + sizeof(struct iphdr) + len, GFP_ATOMIC);
	if (!nskb)
		return;
	skb_reserve(nskb, LL_MAX_HEADER);
	ipto_reply_iphdr_put(nskb, oiph, IPPROTO_ICMP,
			     READ_ONCE(net->ipv4.sysctl_ip_default_ttl));
	skb_set_transport_header(nskb, nskb->len);
	icmph = skb_put(nskb, len);
	if (skb_copy_bits(oldskb, thoff, icmph, len))
		goto free;
	icmph->type = ICMP_ECHOREPLY;
	icmph->code = 0;
	icmph->checksum = 0;
	icmph->checksum = ip_compute_csum(icmph, len);

	fl4.daddr = oiph->saddr;
	fl4.saddr = oiph->daddr;
	fl4.flowi4_proto = IPPROTO_ICMP;
	fl4.flowi4_flags = FLOWI_FLAG_ANYSRC;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		goto free;
	/* The source is a subnet's broadcast address: no reply either. */
	if (rt->rt_type != RTN_UNICAST) {
		ip_rt_put(rt);
		goto free;
	}
	skb_dst_set(nskb, &rt->dst);
	ip_local_out(net, NULL, nskb);
	return;
free:
	kfree_skb(nskb);
}

void ipto_reply_echo6(struct net *net, struct sk_buff *oldskb, unsigned int thoff, int hook)
{
	const struct ipv6hdr *oip6h = ipv6_hdr(oldskb);
	unsigned int len = oldskb->len - thoff;
	struct flowi6 fl6 = {};
	struct icmp6hdr *icmp6h;
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	struct sk_buff *nskb;

	if (len < sizeof(*icmp6h) || !ipto_reply_source_ok6(&oip6h->saddr) ||
	    nf_ip6_checksum(oldskb, hook, thoff, IPPROTO_ICMPV6))
		return;

	fl6.saddr = oip6h->daddr;
	fl6.daddr = oip6h->saddr;
	fl6.flowi6_proto = IPPROTO_ICMPV6;
	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error) {
		dst_release(dst);
		return;
	}

	nskb = alloc_skb(LL_MAX_HEADER + sizeof(*ip6h) + len, GFP_ATOMIC);
	if (!nskb) {
		dst_release(dst);
		return;
	}
	skb_reserve(nskb, LL_MAX_HEADER);
	skb_dst_set(nskb, dst);
	nskb->protocol = htons(ETH_P_IPV6);
	skb_reset_network_header(nskb);
	ip6h = skb_put(nskb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->payload_len = htons(len);
	ip6h->nexthdr = IPPROTO_ICMPV6;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = fl6.saddr;
	ip6h->daddr = fl6.daddr;

	skb_set_transport_header(nskb, nskb->len);
	icmp6h = skb_put(nskb, len);
	if (skb_copy_bits(oldskb, thoff, icmp6h, len)) {
		kfree_skb(nskb);
		return;
	}
	icmp6h->icmp6_type = ICMPV6_ECHO_REPLY;
	icmp6h->icmp6_code = 0;
	icmp6h->icmp6_cksum = 0;
	icmp6h->icmp6_cksum = csum_ipv6_magic(&fl6.saddr, &fl6.daddr, len, IPPROTO_ICMPV6,
					      csum_partial(icmp6h, len, 0));
	ip6_local_out(net, NULL, nskb);
}
