// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c - the "ipto" generic netlink family's handlers, and its
 * pre_doit and post_doit (the family object and its events: family.c).
 * The protocol is documented in uapi/linux/ipto.h and described
 * machine-readably in uapi/ipto.yaml, from which the strict
 * per-command policies and the op table are generated (netlink-gen.c):
 * a request carries the attributes its command lists, and no others.
 *
 * Handlers run under RTNL, which protects the device list and serialises
 * them against device creation, deletion and sysfs writes.  A command that
 * names a device (IPTO_NL_DEV) gets it from ipto_nl_pre_doit(), RTNL held,
 * in info->user_ptr[0]; one that can change the table (IPTO_NL_RUN) has
 * the takeover engine run again in ipto_nl_post_doit() before RTNL goes.
 */
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "addr.h"
#include "cluster.h"
#include "compat.h"
#include "device.h"
#include "family.h"
#include "fence.h"
#include "netlink-gen.h"
#include "pernet.h"
#include "service.h"
#include "tickle.h"

/* A missing mandatory attribute: the extack names it, and says it in text. */
#define IPTO_REQUIRE(_info, _type, _what) ({					\
	struct genl_info *__req_info = (_info);				\
	bool __missing = GENL_REQ_ATTR_CHECK(__req_info, _type);		\
	if (__missing)								\
		NL_SET_ERR_MSG_MOD(__req_info->extack, "missing " _what);	\
	!__missing;								\
})

/*
 * Finds the ipto device a request names by exactly one of ifindex and
 * ifname (attributes 1 and 2 of every attribute set), in the requester's
 * namespace.  Caller holds RTNL, or, with @rcu, the RCU read lock: a device
 * then counts only while registered.
 */
static struct ipto_dev *ipto_find_dev(struct net *net, struct nlattr **attrs,
				      struct netlink_ext_ack *extack, bool rcu)
{
	struct nlattr *ifindex = attrs[IPTO_DEV_A_IFINDEX];
	struct nlattr *ifname = attrs[IPTO_DEV_A_IFNAME];
	struct net_device *dev;

	BUILD_BUG_ON((int)IPTO_ADDR_A_IFINDEX != (int)IPTO_DEV_A_IFINDEX ||
		     (int)IPTO_SVC_A_IFINDEX != (int)IPTO_DEV_A_IFINDEX ||
		     (int)IPTO_ADDR_A_IFNAME != (int)IPTO_DEV_A_IFNAME ||
		     (int)IPTO_SVC_A_IFNAME != (int)IPTO_DEV_A_IFNAME);
	if (!ifindex == !ifname) {
		NL_SET_ERR_MSG_MOD(extack, "name the device by exactly one of ifindex and ifname");
		return ERR_PTR(-EINVAL);
	}
	if (ifindex)
		dev = rcu ? dev_get_by_index_rcu(net, nla_get_u32(ifindex)) :
			    __dev_get_by_index(net, nla_get_u32(ifindex));
	else
		dev = rcu ? dev_get_by_name_rcu(net, nla_data(ifname)) :
			    __dev_get_by_name(net, nla_data(ifname));
	if (!dev || (rcu && READ_ONCE(dev->reg_state) != NETREG_REGISTERED)) {
		NL_SET_ERR_MSG_ATTR(extack, ifindex ?: ifname, "no such device");
		return ERR_PTR(-ENODEV);
	}
	if (!ipto_dev_is_ipto(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, ifindex ?: ifname, "not an ipto device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
}

static struct ipto_dev *ipto_lookup_dev(struct net *net, struct nlattr **attrs,
					struct netlink_ext_ack *extack)
{
	ASSERT_RTNL();
	return ipto_find_dev(net, attrs, extack, false);
}

/* Reads a standby list (an array of u32 node ids) into @out. */
static int ipto_parse_standby(struct nlattr *attr, u32 *out, u8 *n,
			      struct netlink_ext_ack *extack)
{
	if (nla_len(attr) % sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "a standby list is an array of u32 node ids");
		return -EINVAL;
	}
	*n = nla_len(attr) / sizeof(u32);
	memcpy(out, nla_data(attr), nla_len(attr));
	return 0;
}

/* The standby list of a request, checked against the table. */
static int ipto_standby_attr(struct ipto_dev *ipto, struct nlattr *attr, u32 home,
			     u32 *out, u8 *n, struct netlink_ext_ack *extack)
{
	int ret = ipto_parse_standby(attr, out, n, extack);

	if (!ret)
		ret = ipto_cluster_check_standby(ipto, home, out, *n, extack);
	if (ret)
		NL_SET_BAD_ATTR(extack, attr);
	return ret;
}

static int ipto_dev_fill(struct sk_buff *skb, const struct ipto_dev *ipto,
			 u32 portid, u32 seq, int flags, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ipto_genl_family, flags, IPTO_CMD_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, IPTO_DEV_A_IFINDEX, ipto->dev->ifindex) ||
	    nla_put_string(skb, IPTO_DEV_A_IFNAME, ipto->dev->name) ||
	    nla_put_u32(skb, IPTO_DEV_A_LINK_IFINDEX, ipto->lower->ifindex) ||
	    nla_put_u64_64bit(skb, IPTO_DEV_A_ALERTS, ipto->cluster.alerts, IPTO_DEV_A_PAD) ||
	    ipto_settings_fill(skb, &ipto->settings) ||
	    nla_put_u8(skb, IPTO_DEV_A_FENCED, ipto->fence) ||
	    nla_put_u32(skb, IPTO_DEV_A_LEASE_LEFT_MS, ipto_lease_left_ms(ipto))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int ipto_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipto_dev *ipto = info->user_ptr[0];
	struct sk_buff *msg;
	int ret;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = ipto_dev_fill(msg, ipto, info->snd_portid, info->snd_seq, 0, NULL);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* Dump cursor in cb->args: how many devices were sent so far. */
#define DUMP_SENT(cb) ((cb)->args[0])

int ipto_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = ipto_compat_dump_attrs(cb);
	struct ipto_net *in = ipto_net(sock_net(skb->sk));
	struct ipto_dev *ipto;
	unsigned long index = 0;
	int i;

	/* The op's one policy is its do's (genl_ops): the dump takes none. */
	for (i = 1; i <= IPTO_DEV_A_IFNAME; i++) {
		if (attrs[i]) {
			NL_SET_ERR_MSG_ATTR(cb->extack, attrs[i],
					    "a device dump takes no attributes");
			return -EINVAL;
		}
	}
	rtnl_lock();
	cb->seq = in->devices_gen;
	list_for_each_entry(ipto, &in->devices, list) {
		if (index++ < DUMP_SENT(cb))
			continue;
		if (ipto_dev_fill(skb, ipto, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, NLM_F_MULTI, cb))
			break;
		DUMP_SENT(cb)++;
	}
	rtnl_unlock();
	return skb->len;
}

int ipto_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *lease = info->attrs[IPTO_DEV_A_LEASE_MS];
	struct nlattr *fenced = info->attrs[IPTO_DEV_A_FENCED];
	struct nlattr *end = info->attrs[IPTO_DEV_A_LEASE_END_NS];
	u64 end_ns = end ? nla_get_u64(end) : U64_MAX;
	struct ipto_dev *ipto = info->user_ptr[0];
	u32 vals[IPTO_SETTING_COUNT];
	unsigned long which = 0;
	unsigned int i;

	if (lease && nla_get_u32(lease) && nla_get_u32(lease) < IPTO_LEASE_MS_MIN) {
		NL_SET_ERR_MSG_ATTR(info->extack, lease, "a lease is 0 (none) or at least 50 ms");
		return -ERANGE;
	}
	/* The policy checked every value: apply all or, above, none. */
	for (i = 0; i < IPTO_SETTING_COUNT; i++) {
		const struct ipto_setting *d = &ipto_settings_table[i];
		struct nlattr *attr = info->attrs[d->attr];

		if (!attr)
			continue;
		vals[i] = d->nla_type == NLA_U8 ? nla_get_u8(attr) : nla_get_u32(attr);
		which |= BIT(i);
	}
	if (fenced)
		ipto_fence_set(ipto, nla_get_u8(fenced) ? IPTO_FENCE_REQUEST : IPTO_FENCE_NONE,
			       end_ns);
	ipto_dev_settings_set(ipto, vals, which, end_ns);
	return 0;
}

/* Under RCU, not RTNL: see ipto_lease_renew(). */
int ipto_nl_lease_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *end = info->attrs[IPTO_DEV_A_LEASE_END_NS];
	struct ipto_dev *ipto;
	int ret;

	rcu_read_lock();
	ipto = ipto_find_dev(genl_info_net(info), info->attrs, info->extack, true);
	if (IS_ERR(ipto))
		ret = PTR_ERR(ipto);
	else
		ret = ipto_lease_renew(ipto, end ? nla_get_u64(end) : U64_MAX, info->extack);
	rcu_read_unlock();
	return ret;
}

/* Reads the address of an ADDR request into @key. */
static int ipto_addr_parse(struct genl_info *info, struct ipto_addr_key *key)
{
	struct nlattr *ip4 = info->attrs[IPTO_ADDR_A_IPV4];
	struct nlattr *ip6 = info->attrs[IPTO_ADDR_A_IPV6];
	struct nlattr *prefix = info->attrs[IPTO_ADDR_A_PREFIXLEN];

	if (!ip4 == !ip6) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "give exactly one of IPTO_ADDR_A_IPV4 and IPTO_ADDR_A_IPV6");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, IPTO_ADDR_A_IPV4);
		return -EINVAL;
	}
	if (ip4)
		ipto_addr_key_set4(key, nla_get_in_addr(ip4));
	else
		ipto_addr_key_set6(key, nla_data(ip6));
	if (prefix && nla_get_u8(prefix) != (ip4 ? 32 : 128)) {
		NL_SET_ERR_MSG_ATTR(info->extack, prefix,
				    "prefix out of range: an adopted address is one host, /32 or /128");
		return -EINVAL;
	}
	return 0;
}

int ipto_nl_addr_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *addr = info->attrs[IPTO_ADDR_A_IPV4] ?: info->attrs[IPTO_ADDR_A_IPV6];
	struct nlattr *node = info->attrs[IPTO_ADDR_A_NODE];
	struct ipto_dev *ipto = info->user_ptr[0];
	struct ipto_addr_key key;
	int ret;

	ret = ipto_addr_parse(info, &key);
	if (!ret)
		ret = ipto_addr_adoptable(ipto, &key, addr, info->extack);
	if (!ret)
		ret = ipto_addr_adopt(ipto, &key, node ? nla_get_u32(node) : 0, info->extack);
	return ret;
}

int ipto_nl_addr_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipto_dev *ipto = info->user_ptr[0];
	struct ipto_addr_key key;
	u32 engine_node;
	int ret;

	ret = ipto_addr_parse(info, &key);
	if (ret)
		return ret;
	ret = ipto_addr_release(ipto, &key, &engine_node, info->extack);
	/* An operator's release of what the engine adopted: manual failback. */
	if (!ret && engine_node)
		ipto_cluster_forget(ipto, engine_node);
	return ret;
}

static int ipto_addr_fill_stats(struct sk_buff *skb, const struct ipto_addr_stats *stats)
{
	struct nlattr *nest = nla_nest_start(skb, IPTO_ADDR_A_STATS);

	if (!nest ||
	    nla_put_u64_64bit(skb, IPTO_STATS_A_MATCHED, atomic64_read(&stats->matched),
			      IPTO_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, IPTO_STATS_A_RST, atomic64_read(&stats->rst),
			      IPTO_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, IPTO_STATS_A_ICMP, atomic64_read(&stats->icmp),
			      IPTO_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, IPTO_STATS_A_DROPPED, atomic64_read(&stats->dropped),
			      IPTO_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, IPTO_STATS_A_PASSED, atomic64_read(&stats->passed),
			      IPTO_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, IPTO_STATS_A_SUPPRESSED, atomic64_read(&stats->suppressed),
			      IPTO_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, IPTO_STATS_A_TICKLES, atomic64_read(&stats->tickles),
			      IPTO_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Milliseconds from adoption to the first reply, if one was sent. */
static int ipto_addr_fill_first_reply(struct sk_buff *skb, const struct ipto_addr *a)
{
	u64 first = atomic64_read(&a->first_reply);

	if (!first)
		return 0;
	return nla_put_u64_64bit(skb, IPTO_ADDR_A_FIRST_REPLY_MS,
				 first > a->adopted_at ?
				 div_u64(first - a->adopted_at, NSEC_PER_MSEC) : 0,
				 IPTO_ADDR_A_PAD);
}

static int ipto_addr_fill(struct sk_buff *skb, struct net *net, const struct ipto_addr *a,
			  struct netlink_callback *cb)
{
	u64 age_ms = div_u64(ktime_get_boottime_ns() - a->adopted_at, NSEC_PER_MSEC);
	struct net_device *owner;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ipto_genl_family, NLM_F_MULTI, IPTO_CMD_ADDR_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, IPTO_ADDR_A_IFINDEX, a->ipto->dev->ifindex) ||
	    (a->key.family == AF_INET ?
	     nla_put_in_addr(skb, IPTO_ADDR_A_IPV4, a->key.ip4) :
	     nla_put_in6_addr(skb, IPTO_ADDR_A_IPV6, &a->key.ip6)) ||
	    nla_put_u32(skb, IPTO_ADDR_A_NODE, a->from_node) ||
	    nla_put_u64_64bit(skb, IPTO_ADDR_A_AGE_MS, age_ms, IPTO_ADDR_A_PAD) ||
	    nla_put_u8(skb, IPTO_ADDR_A_LOCAL, ipto_addr_is_local(net, &a->key, &owner)) ||
	    ipto_addr_fill_stats(skb, &a->stats) ||
	    ipto_addr_fill_first_reply(skb, a)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Resolves the device of a per-device dump and takes RTNL, which the caller
 * drops; on error RTNL is not held.
 */
static struct ipto_dev *ipto_dump_dev(struct netlink_callback *cb)
{
	struct nlattr **attrs = ipto_compat_dump_attrs(cb);
	struct ipto_dev *ipto;

	rtnl_lock();
	ipto = ipto_lookup_dev(sock_net(cb->skb->sk), attrs, cb->extack);
	if (IS_ERR(ipto))
		rtnl_unlock();
	return ipto;
}

int ipto_nl_addr_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct ipto_dev *ipto;
	struct ipto_addr *a;
	unsigned long index = 0;

	ipto = ipto_dump_dev(cb);
	if (IS_ERR(ipto))
		return PTR_ERR(ipto);
	cb->seq = ipto->pernet->addrs_gen;
	list_for_each_entry(a, &ipto->addrs, dev_list) {
		if (index++ < DUMP_SENT(cb))
			continue;
		if (ipto_addr_fill(skb, net, a, cb))
			break;
		DUMP_SENT(cb)++;
	}
	rtnl_unlock();
	return skb->len;
}

int ipto_nl_service_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipto_dev *ipto = info->user_ptr[0];
	struct nlattr **attrs = info->attrs;
	struct ipto_service svc = {};
	int ret;

	if (!IPTO_REQUIRE(info, IPTO_SVC_A_NODE, "IPTO_SVC_A_NODE (the service's node)") ||
	    !IPTO_REQUIRE(info, IPTO_SVC_A_NAME, "IPTO_SVC_A_NAME (the service's name)") ||
	    !IPTO_REQUIRE(info, IPTO_SVC_A_PROTO, "IPTO_SVC_A_PROTO (tcp or udp)") ||
	    !IPTO_REQUIRE(info, IPTO_SVC_A_PORT_MIN, "IPTO_SVC_A_PORT_MIN (the first port)"))
		return -EINVAL;
	svc.node = nla_get_u32(attrs[IPTO_SVC_A_NODE]);
	nla_strscpy(svc.name, attrs[IPTO_SVC_A_NAME], sizeof(svc.name));
	svc.proto = nla_get_u8(attrs[IPTO_SVC_A_PROTO]);
	svc.port_min = nla_get_u16(attrs[IPTO_SVC_A_PORT_MIN]);
	svc.port_max = attrs[IPTO_SVC_A_PORT_MAX] ?
		       nla_get_u16(attrs[IPTO_SVC_A_PORT_MAX]) : svc.port_min;
	svc.action = attrs[IPTO_SVC_A_ACTION] ?
		     nla_get_u8(attrs[IPTO_SVC_A_ACTION]) : IPTO_ACTION_REJECT;
	svc.failover = attrs[IPTO_SVC_A_FAILOVER] ? nla_get_u8(attrs[IPTO_SVC_A_FAILOVER]) : -1;
	if (!svc.name[0]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[IPTO_SVC_A_NAME],
				    "the service name is empty");
		return -EINVAL;
	}
	if (svc.proto != IPPROTO_TCP && svc.proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[IPTO_SVC_A_PROTO],
				    "the protocol must be TCP (6) or UDP (17)");
		return -EPROTONOSUPPORT;
	}
	if (svc.port_max < svc.port_min) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[IPTO_SVC_A_PORT_MAX],
				    "the port range is empty: IPTO_SVC_A_PORT_MAX < IPTO_SVC_A_PORT_MIN");
		return -EINVAL;
	}
	/* With a cluster table, a service belongs to a node of it. */
	if (ipto->cluster.nnodes && !ipto_cluster_node(ipto, svc.node)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[IPTO_SVC_A_NODE], "no node with that id");
		return -ENOENT;
	}
	if (attrs[IPTO_SVC_A_STANDBY]) {
		ret = ipto_standby_attr(ipto, attrs[IPTO_SVC_A_STANDBY], svc.node, svc.standby,
					&svc.nstandby, info->extack);
		if (ret)
			return ret;
		svc.has_standby = true;
	}
	return ipto_service_add(ipto, &svc, info->extack);
}

int ipto_nl_service_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipto_dev *ipto = info->user_ptr[0];
	struct nlattr **attrs = info->attrs;

	if (!IPTO_REQUIRE(info, IPTO_SVC_A_NODE, "IPTO_SVC_A_NODE (the service's node)") ||
	    !IPTO_REQUIRE(info, IPTO_SVC_A_NAME, "IPTO_SVC_A_NAME (the service's name)"))
		return -EINVAL;
	return ipto_service_del(ipto, nla_get_u32(attrs[IPTO_SVC_A_NODE]),
				nla_data(attrs[IPTO_SVC_A_NAME]), info->extack);
}

static int ipto_svc_fill(struct sk_buff *skb, const struct ipto_dev *ipto,
			 const struct ipto_service *svc, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ipto_genl_family, NLM_F_MULTI, IPTO_CMD_SERVICE_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, IPTO_SVC_A_IFINDEX, ipto->dev->ifindex) ||
	    nla_put_u32(skb, IPTO_SVC_A_NODE, svc->node) ||
	    nla_put_string(skb, IPTO_SVC_A_NAME, svc->name) ||
	    nla_put_u8(skb, IPTO_SVC_A_PROTO, svc->proto) ||
	    nla_put_u16(skb, IPTO_SVC_A_PORT_MIN, svc->port_min) ||
	    nla_put_u16(skb, IPTO_SVC_A_PORT_MAX, svc->port_max) ||
	    nla_put_u8(skb, IPTO_SVC_A_ACTION, svc->action) ||
	    (svc->failover >= 0 && nla_put_u8(skb, IPTO_SVC_A_FAILOVER, svc->failover)) ||
	    (svc->has_standby &&
	     nla_put(skb, IPTO_SVC_A_STANDBY, svc->nstandby * sizeof(u32), svc->standby)) ||
	    nla_put_u32(skb, IPTO_SVC_A_OWNER, svc->decision.owner) ||
	    nla_put_u8(skb, IPTO_SVC_A_GUARD, svc->decision.guard)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int ipto_nl_service_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct ipto_services *set;
	struct ipto_dev *ipto;

	ipto = ipto_dump_dev(cb);
	if (IS_ERR(ipto))
		return PTR_ERR(ipto);
	set = rtnl_dereference(ipto->services);
	cb->seq = ipto->services_gen;
	while (set && DUMP_SENT(cb) < set->count) {
		if (ipto_svc_fill(skb, ipto, &set->svc[DUMP_SENT(cb)], cb))
			break;
		DUMP_SENT(cb)++;
	}
	rtnl_unlock();
	return skb->len;
}

int ipto_nl_node_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipto_dev *ipto = info->user_ptr[0];
	struct nlattr **attrs = info->attrs;
	struct ipto_node *node;
	int ret;

	if (!IPTO_REQUIRE(info, IPTO_NODE_A_ID, "IPTO_NODE_A_ID (the node's id)") ||
	    !IPTO_REQUIRE(info, IPTO_NODE_A_NAME, "IPTO_NODE_A_NAME (the node's name)") ||
	    !IPTO_REQUIRE(info, IPTO_NODE_A_ADDRS, "IPTO_NODE_A_ADDRS (its home addresses)"))
		return -EINVAL;
	node = kzalloc(sizeof(*node), GFP_KERNEL_ACCOUNT);
	if (!node)
		return -ENOMEM;
	node->id = nla_get_u32(attrs[IPTO_NODE_A_ID]);
	nla_strscpy(node->name, attrs[IPTO_NODE_A_NAME], sizeof(node->name));
	node->up = !attrs[IPTO_NODE_A_STATE] || nla_get_u8(attrs[IPTO_NODE_A_STATE]);
	node->drain = attrs[IPTO_NODE_A_STATE] &&
		      nla_get_u8(attrs[IPTO_NODE_A_STATE]) == IPTO_NODE_DRAIN;
	node->failover = !attrs[IPTO_NODE_A_FAILOVER] || nla_get_u8(attrs[IPTO_NODE_A_FAILOVER]);
	node->self = attrs[IPTO_NODE_A_SELF] && nla_get_u8(attrs[IPTO_NODE_A_SELF]);
	if (!node->name[0]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[IPTO_NODE_A_NAME],
				    "the node name is empty");
		ret = -EINVAL;
		goto err;
	}
	ret = ipto_node_parse_addrs(node, (struct nlattr *)((u8 *)info->genlhdr + GENL_HDRLEN),
				    genlmsg_len(info->genlhdr), info->attrs[IPTO_NODE_A_ADDRS],
				    info->extack);
	if (ret)
		goto err;
	if (attrs[IPTO_NODE_A_STANDBY]) {
		ret = ipto_parse_standby(attrs[IPTO_NODE_A_STANDBY], node->standby,
					 &node->nstandby, info->extack);
		if (ret)
			goto err;
	}
	ret = ipto_cluster_node_add(ipto, node, info->extack);
	if (!ret)
		return 0;
err:
	kvfree(node->addrs);
	kfree(node);
	return ret;
}

int ipto_nl_node_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipto_dev *ipto = info->user_ptr[0];
	struct nlattr **attrs = info->attrs;
	u32 standby[IPTO_STANDBY_MAX];
	struct ipto_node *node;
	u8 nstandby = 0;
	int ret;

	if (!IPTO_REQUIRE(info, IPTO_NODE_A_ID, "IPTO_NODE_A_ID (the node's id)"))
		return -EINVAL;
	node = ipto_cluster_node(ipto, nla_get_u32(attrs[IPTO_NODE_A_ID]));
	if (!node) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[IPTO_NODE_A_ID], "no node with that id");
		return -ENOENT;
	}
	if ((attrs[IPTO_NODE_A_DRAIN_CONNS] || attrs[IPTO_NODE_A_DRAIN_LEFT_MS]) &&
	    (attrs[IPTO_NODE_A_STATE] ? nla_get_u8(attrs[IPTO_NODE_A_STATE]) != IPTO_NODE_DRAIN :
					!node->drain)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[IPTO_NODE_A_DRAIN_CONNS] ?:
				    attrs[IPTO_NODE_A_DRAIN_LEFT_MS],
				    "drain progress is for a draining node only");
		return -EINVAL;
	}
	if (attrs[IPTO_NODE_A_STANDBY]) {
		ret = ipto_standby_attr(ipto, attrs[IPTO_NODE_A_STANDBY], node->id, standby,
					&nstandby, info->extack);
		if (ret)
			return ret;
		memcpy(node->standby, standby, sizeof(standby));
		node->nstandby = nstandby;
	}
	if (attrs[IPTO_NODE_A_FAILOVER])
		node->failover = nla_get_u8(attrs[IPTO_NODE_A_FAILOVER]);
	if (attrs[IPTO_NODE_A_STATE])
		ipto_cluster_set_state(ipto, node, nla_get_u8(attrs[IPTO_NODE_A_STATE]));
	if (attrs[IPTO_NODE_A_DRAIN_CONNS] || attrs[IPTO_NODE_A_DRAIN_LEFT_MS])
		ipto_cluster_set_drain_progress(ipto, node,
						attrs[IPTO_NODE_A_DRAIN_CONNS] ?
						nla_get_u32(attrs[IPTO_NODE_A_DRAIN_CONNS]) :
						node->drain_conns,
						attrs[IPTO_NODE_A_DRAIN_LEFT_MS] ?
						nla_get_u32(attrs[IPTO_NODE_A_DRAIN_LEFT_MS]) :
						node->drain_left_ms);
	ipto->cluster.gen++;
	return 0;
}

int ipto_nl_node_failback_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipto_dev *ipto = info->user_ptr[0];
	struct nlattr *id = info->attrs[IPTO_NODE_A_ID];
	struct ipto_node *node;

	if (!IPTO_REQUIRE(info, IPTO_NODE_A_ID, "IPTO_NODE_A_ID (the node's id)"))
		return -EINVAL;
	node = ipto_cluster_node(ipto, nla_get_u32(id));
	if (!node) {
		NL_SET_ERR_MSG_ATTR(info->extack, id, "no node with that id");
		return -ENOENT;
	}
	if (!node->up) {
		NL_SET_ERR_MSG_ATTR(info->extack, id, "the node is down: nothing goes back to it");
		return -ENETDOWN;
	}
	ipto_cluster_forget(ipto, node->id);
	return 0;
}

int ipto_nl_node_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (!IPTO_REQUIRE(info, IPTO_NODE_A_ID, "IPTO_NODE_A_ID (the node's id)"))
		return -EINVAL;
	return ipto_cluster_node_del(info->user_ptr[0],
				     nla_get_u32(info->attrs[IPTO_NODE_A_ID]), info->extack);
}

/* A draining node's progress, once its membership reported it. */
static int ipto_node_put_drain(struct sk_buff *skb, const struct ipto_node *node)
{
	if (!node->drain_reported)
		return 0;
	return nla_put_u32(skb, IPTO_NODE_A_DRAIN_CONNS, node->drain_conns) ?:
	       nla_put_u32(skb, IPTO_NODE_A_DRAIN_LEFT_MS, node->drain_left_ms);
}

/*
 * One node, from its address number *@next on: the first message of a node
 * carries all its attributes, continuations (when the addresses do not fit)
 * only IPTO_NODE_A_IFINDEX, IPTO_NODE_A_ID and more IPTO_NODE_A_ADDRS.
 * A message that would carry none of the addresses left is not sent: the
 * next skb starts it again, so that no node's first message goes twice.
 * Returns 0 when the node is complete, -EMSGSIZE when @skb is full.
 */
static int ipto_node_fill(struct sk_buff *skb, const struct ipto_dev *ipto,
			  const struct ipto_node *node, struct netlink_callback *cb,
			  unsigned long *next)
{
	unsigned long from = *next;
	bool first = !from;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ipto_genl_family, NLM_F_MULTI, IPTO_CMD_NODE_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, IPTO_NODE_A_IFINDEX, ipto->dev->ifindex) ||
	    nla_put_u32(skb, IPTO_NODE_A_ID, node->id))
		goto cancel;
	if (first &&
	    (nla_put_string(skb, IPTO_NODE_A_NAME, node->name) ||
	     nla_put_u8(skb, IPTO_NODE_A_STATE, node->drain ? IPTO_NODE_DRAIN :
			node->up ? IPTO_NODE_UP : IPTO_NODE_DOWN) ||
	     ipto_node_put_drain(skb, node) ||
	     nla_put_u8(skb, IPTO_NODE_A_FAILOVER, node->failover) ||
	     nla_put(skb, IPTO_NODE_A_STANDBY, node->nstandby * sizeof(u32), node->standby) ||
	     nla_put_u8(skb, IPTO_NODE_A_SELF, node->self) ||
	     nla_put_u32(skb, IPTO_NODE_A_OWNER, node->addr_owner) ||
	     nla_put_u8(skb, IPTO_NODE_A_GUARD, node->decision.guard)))
		goto cancel;
	nest = nla_nest_start(skb, IPTO_NODE_A_ADDRS);
	if (!nest)
		goto cancel;
	for (; *next < node->naddrs; (*next)++) {
		const struct ipto_addr_key *key = &node->addrs[*next];

		if (key->family == AF_INET ?
		    nla_put_in_addr(skb, IPTO_NODE_ADDR_A_IPV4, key->ip4) :
		    nla_put_in6_addr(skb, IPTO_NODE_ADDR_A_IPV6, &key->ip6))
			break;
	}
	if (*next == from && from < node->naddrs)
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return *next < node->naddrs ? -EMSGSIZE : 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Dump cursor: cb->args[0] nodes sent, cb->args[1] addresses of the next. */
int ipto_nl_node_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ipto_dev *ipto;
	int ret = 0;

	ipto = ipto_dump_dev(cb);
	if (IS_ERR(ipto))
		return PTR_ERR(ipto);
	cb->seq = ipto->cluster.gen;
	while (DUMP_SENT(cb) < ipto->cluster.nnodes) {
		ret = ipto_node_fill(skb, ipto, ipto->cluster.nodes[DUMP_SENT(cb)], cb,
				     &cb->args[1]);
		if (ret)
			break;
		DUMP_SENT(cb)++;
		cb->args[1] = 0;
	}
	rtnl_unlock();
	return skb->len;
}

int ipto_nl_service_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipto_dev *ipto = info->user_ptr[0];
	struct nlattr **attrs = info->attrs;
	struct ipto_services *set;
	struct ipto_service *svc;
	int i, ret;

	if (!IPTO_REQUIRE(info, IPTO_SVC_A_NODE, "IPTO_SVC_A_NODE (the service's node)") ||
	    !IPTO_REQUIRE(info, IPTO_SVC_A_NAME, "IPTO_SVC_A_NAME (the service's name)"))
		return -EINVAL;
	set = ipto_services_copy(ipto);
	i = set ? ipto_service_find(set, nla_get_u32(attrs[IPTO_SVC_A_NODE]),
				    nla_data(attrs[IPTO_SVC_A_NAME])) : -1;
	if (i < 0) {
		NL_SET_ERR_MSG_MOD(info->extack, "the node has no service of that name");
		ret = set ? -ENOENT : -ENOMEM;
		kfree(set);
		return ret;
	}
	svc = &set->svc[i];
	if (attrs[IPTO_SVC_A_STANDBY]) {
		ret = ipto_standby_attr(ipto, attrs[IPTO_SVC_A_STANDBY], svc->node,
					svc->standby, &svc->nstandby, info->extack);
		if (ret) {
			kfree(set);
			return ret;
		}
		svc->has_standby = true;
	}
	if (attrs[IPTO_SVC_A_ACTION])
		svc->action = nla_get_u8(attrs[IPTO_SVC_A_ACTION]);
	if (attrs[IPTO_SVC_A_FAILOVER])
		svc->failover = nla_get_u8(attrs[IPTO_SVC_A_FAILOVER]);
	ipto_services_replace(ipto, set);
	return 0;
}

/*
 * Every connection is checked before the first ACK goes out: a request
 * with one bad connection sends nothing.
 */
/* The reply of IPTO_CMD_CONN_RESET: how many were tickled. */
static int ipto_nl_conn_reset_reply(struct genl_info *info, u32 sent)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ipto_genl_family, 0, IPTO_CMD_CONN_RESET);
	if (!hdr || nla_put_u32(msg, IPTO_RESET_A_SENT, sent)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int ipto_nl_conn_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *head = genlmsg_data(info->genlhdr), *attr;
	int len = genlmsg_len(info->genlhdr), rem, ret = 0;
	struct ipto_dev *ipto = info->user_ptr[0];
	struct ipto_conn *conns;
	unsigned int n = 0, i;

	if (!IPTO_REQUIRE(info, IPTO_RESET_A_CONN, "IPTO_RESET_A_CONN (a connection)"))
		return -EINVAL;
	nla_for_each_attr(attr, head, len, rem)
		n += nla_type(attr) == IPTO_RESET_A_CONN;
	if (n > IPTO_CONN_RESET_MAX) {
		NL_SET_ERR_MSG_MOD(info->extack, "at most 1024 connections per request");
		return -E2BIG;
	}
	if (ipto_lease_ran_out(ipto)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the device's lease has run out: it speaks for no address");
		return -EPERM;
	}
	conns = kvcalloc(n, sizeof(*conns), GFP_KERNEL);
	if (!conns)
		return -ENOMEM;
	i = 0;
	nla_for_each_attr(attr, head, len, rem) {
		if (nla_type(attr) != IPTO_RESET_A_CONN)
			continue;
		ret = ipto_conn_parse(ipto, attr, &conns[i++], info->extack);
		if (ret)
			goto out;
	}
	for (i = 0; i < n; i++)
		if (!ipto_tickle(ipto, &conns[i]))
			break;
	ret = ipto_nl_conn_reset_reply(info, i);
out:
	kvfree(conns);
	return ret;
}

/*
 * IPTO_NL_DEV: RTNL, and the device the request names, for the handler.
 * A request naming no ipto device ends here, and post_doit does not run.
 */
int ipto_nl_pre_doit(const struct ipto_compat_genl_hook_ops *ops, struct sk_buff *skb,
		     struct genl_info *info)
{
	struct ipto_dev *ipto;

	if (!(ops->internal_flags & IPTO_NL_DEV))
		return 0;
	rtnl_lock();
	ipto = ipto_lookup_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(ipto)) {
		rtnl_unlock();
		return PTR_ERR(ipto);
	}
	info->user_ptr[0] = ipto;
	return 0;
}

/*
 * IPTO_NL_RUN: whatever the handler did or refused, the engine applies the
 * table as it now is (a run changes nothing when nothing changed).
 */
void ipto_nl_post_doit(const struct ipto_compat_genl_hook_ops *ops, struct sk_buff *skb,
		       struct genl_info *info)
{
	if (!(ops->internal_flags & IPTO_NL_DEV))
		return;
	if (ops->internal_flags & IPTO_NL_RUN)
		ipto_cluster_run(info->user_ptr[0]);
	rtnl_unlock();
}
