// SPDX-License-Identifier: GPL-2.0
/*
 * tickle.c - the ACKs of IPTO_CMD_CONN_RESET.  A client that only waits
 * on a connection to a node that went away (an idle pooled connection, a
 * long query, a request in flight at the cut) sends nothing the packet
 * path could answer.  Its TCP does answer a segment outside its window,
 * with an ACK that carries its own sequence numbers (RFC 793, RFC 5961);
 * the packet path answers that ACK, to an adopted address and no socket,
 * with a reset whose sequence number is the client's rcv_nxt, which the
 * client accepts.  So one ACK from the adopted address, with numbers
 * outside any window, ends the connection within a round trip.
 *
 * Runs under RTNL, in process context, from the genl handler.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/route.h>
#include <net/tcp.h>

#include "addr.h"
#include "device.h"
#include "fence.h"
#include "netlink-gen.h"
#include "reply.h"
#include "tickle.h"

/* The address of @tb's attribute @v4 or @v6 (exactly one); NULL if not. */
static const struct nlattr *ipto_conn_addr(struct nlattr **tb, int v4, int v6)
{
	if (!tb[v4] == !tb[v6])
		return NULL;
	return tb[v4] ?: tb[v6];
}

/*
 * One IPTO_RESET_A_CONN nest into @conn: its local address must be one
 * @ipto has adopted, its client a unicast host of the same family.
 */
int ipto_conn_parse(struct ipto_dev *ipto, const struct nlattr *nest, struct ipto_conn *conn,
		    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPTO_CONN_A_MAX + 1];
	const struct nlattr *local, *remote;
	struct ipto_addr_key key;
	struct ipto_addr *a;
	bool ok;
	int ret;

	ret = nla_parse_nested(tb, IPTO_CONN_A_MAX, nest, ipto_conn_nl_policy, extack);
	if (ret)
		return ret;
	local = ipto_conn_addr(tb, IPTO_CONN_A_LOCAL_IPV4, IPTO_CONN_A_LOCAL_IPV6);
	remote = ipto_conn_addr(tb, IPTO_CONN_A_REMOTE_IPV4, IPTO_CONN_A_REMOTE_IPV6);
	if (!local || !remote) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a connection has one local and one remote address");
		return -EINVAL;
	}
	if (nla_type(local) == IPTO_CONN_A_LOCAL_IPV4 ?
	    nla_type(remote) != IPTO_CONN_A_REMOTE_IPV4 :
	    nla_type(remote) != IPTO_CONN_A_REMOTE_IPV6) {
		NL_SET_ERR_MSG_ATTR(extack, remote,
				    "local and remote address of a connection differ in family");
		return -EINVAL;
	}
	if (!tb[IPTO_CONN_A_LOCAL_PORT] || !tb[IPTO_CONN_A_REMOTE_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "a connection has a local and a remote port");
		return -EINVAL;
	}

	if (nla_type(local) == IPTO_CONN_A_LOCAL_IPV4) {
		ipto_addr_key_set4(&key, nla_get_in_addr(local));
		conn->remote.ip4 = nla_get_in_addr(remote);
		ok = ipto_reply_source_ok4(conn->remote.ip4);
	} else {
		ipto_addr_key_set6(&key, nla_data(local));
		conn->remote.ip6 = nla_get_in6_addr(remote);
		ok = ipto_reply_source_ok6(&conn->remote.ip6);
	}
	if (!ok) {
		NL_SET_ERR_MSG_ATTR(extack, remote, "the remote address is not a unicast host");
		return -EINVAL;
	}

	/* Entries are freed after an RCU grace period, and removed under RTNL. */
	rcu_read_lock();
	a = ipto_addr_lookup(ipto->pernet, &key);
	rcu_read_unlock();
	if (!a || a->ipto != ipto || a->home) {
		NL_SET_ERR_MSG_ATTR(extack, local,
				    "the local address is not adopted by this device");
		return -EADDRNOTAVAIL;
	}
	conn->local = a;
	conn->lport = htons(nla_get_u16(tb[IPTO_CONN_A_LOCAL_PORT]));
	conn->rport = htons(nla_get_u16(tb[IPTO_CONN_A_REMOTE_PORT]));
	return 0;
}

/*
 * The ACK: sequence and acknowledgment numbers 0, which a connection's
 * window holds only by a chance of its size in 2^32; even then the
 * acknowledgment is one the client's TCP answers (RFC 5961, 5.2).  No
 * options, so no timestamp for PAWS to judge.
 */
static void ipto_tickle_tcphdr_put(struct sk_buff *skb, const struct ipto_conn *conn)
{
	struct tcphdr *th;

	skb_set_transport_header(skb, skb->len);
	th = skb_put_zero(skb, sizeof(*th));
	th->source = conn->lport;
	th->dest = conn->rport;
	th->doff = sizeof(*th) / 4;
	th->ack = 1;
	th->window = htons(1024);
}

static void ipto_tickle4(struct net *net, const struct ipto_conn *conn)
{
	__be32 saddr = conn->local->key.ip4, daddr = conn->remote.ip4;
	struct flowi4 fl4 = {
		.daddr = daddr,
		.saddr = saddr,
		.flowi4_proto = IPPROTO_TCP,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
	};
	struct sk_buff *skb;
	struct iphdr *iph;
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return;
	/* A subnet's broadcast address is no client either. */
	if (rt->rt_type != RTN_UNICAST)
		goto put;
	skb = alloc_skb(LL_MAX_HEADER + sizeof(*iph) + sizeof(struct tcphdr), GFP_KERNEL);
	if (!skb)
		goto put;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->frag_off = htons(IP_DF);
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_TCP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	skb->protocol = htons(ETH_P_IP);
	ipto_tickle_tcphdr_put(skb, conn);
	tcp_hdr(skb)->check = tcp_v4_check(sizeof(struct tcphdr), saddr, daddr,
					   csum_partial(tcp_hdr(skb), sizeof(struct tcphdr), 0));
	skb_dst_set(skb, &rt->dst);
	ip_local_out(net, NULL, skb);
	return;
put:
	ip_rt_put(rt);
}

static void ipto_tickle6(struct net *net, const struct ipto_conn *conn)
{
	struct flowi6 fl6 = {
		.daddr = conn->remote.ip6,
		.saddr = conn->local->key.ip6,
		.flowi6_proto = IPPROTO_TCP,
	};
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;

	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error)
		goto release;
	skb = alloc_skb(LL_MAX_HEADER + sizeof(*ip6h) + sizeof(struct tcphdr), GFP_KERNEL);
	if (!skb)
		goto release;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_dst_set(skb, dst);
	skb->protocol = htons(ETH_P_IPV6);
	skb_reset_network_header(skb);
	ip6h = skb_put(skb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->payload_len = htons(sizeof(struct tcphdr));
	ip6h->nexthdr = IPPROTO_TCP;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = fl6.saddr;
	ip6h->daddr = fl6.daddr;
	ipto_tickle_tcphdr_put(skb, conn);
	tcp_hdr(skb)->check = tcp_v6_check(sizeof(struct tcphdr), &fl6.saddr, &fl6.daddr,
					   csum_partial(tcp_hdr(skb), sizeof(struct tcphdr), 0));
	ip6_local_out(net, NULL, skb);
	return;
release:
	dst_release(dst);
}

/*
 * Sends @conn's client one ACK from the adopted address and counts it on
 * the address; false, and nothing sent, when the device's reply limit
 * would keep less than half its burst after it: that half is for the
 * resets the ACKs draw, and for the packet path's other replies.
 */
bool ipto_tickle(struct ipto_dev *ipto, const struct ipto_conn *conn)
{
	struct ipto_addr *a = conn->local;
	u32 burst = READ_ONCE(ipto->settings.reply_burst);
	bool allowed;

	ASSERT_RTNL();
	/* The packet path takes the bucket's lock in softirq context. */
	local_bh_disable();
	allowed = ipto_ratelimit_allow_keep(&ipto->ratelimit,
					    READ_ONCE(ipto->settings.reply_rate), burst,
					    burst / 2);
	local_bh_enable();
	if (!allowed)
		return false;
	atomic64_inc(&a->stats.tickles);
	if (a->key.family == AF_INET)
		ipto_tickle4(dev_net(ipto->dev), conn);
	else
		ipto_tickle6(dev_net(ipto->dev), conn);
	return true;
}
