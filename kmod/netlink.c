// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c - the "ipto" generic netlink family: strict per-command
 * policies, device lookup, and the handlers.  The protocol is documented in
 * uapi/linux/ipto.h and described machine-readably in uapi/ipto.yaml.
 *
 * Handlers run under RTNL, which protects the device list and serialises
 * them against device creation, deletion and sysfs writes.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "compat.h"
#include "device.h"
#include "netlink.h"
#include "pernet.h"

static struct genl_family ipto_genl_family;

static const struct nla_policy ipto_dev_get_policy[IPTO_DEV_A_MAX + 1] = {
	[IPTO_DEV_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_DEV_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

/*
 * Finds the ipto device a request names by exactly one of ifindex and
 * ifname, in the requester's namespace.  Caller holds RTNL.
 */
static struct ipto_dev *ipto_lookup_dev(struct net *net, struct nlattr **attrs,
					struct netlink_ext_ack *extack)
{
	struct nlattr *ifindex = attrs[IPTO_DEV_A_IFINDEX];
	struct nlattr *ifname = attrs[IPTO_DEV_A_IFNAME];
	struct net_device *dev;

	if (!ifindex == !ifname) {
		NL_SET_ERR_MSG_MOD(extack,
				   "name the device by exactly one of IPTO_DEV_A_IFINDEX and IPTO_DEV_A_IFNAME");
		return ERR_PTR(-EINVAL);
	}
	if (ifindex)
		dev = __dev_get_by_index(net, nla_get_u32(ifindex));
	else
		dev = __dev_get_by_name(net, nla_data(ifname));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, ifindex ?: ifname, "no such device");
		return ERR_PTR(-ENODEV);
	}
	if (!ipto_dev_is_ipto(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, ifindex ?: ifname, "not an ipto device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
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
	    ipto_settings_fill(skb, &ipto->settings)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int ipto_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipto_dev *ipto;
	struct sk_buff *msg;
	int ret;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rtnl_lock();
	ipto = ipto_lookup_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(ipto))
		ret = PTR_ERR(ipto);
	else
		ret = ipto_dev_fill(msg, ipto, info->snd_portid, info->snd_seq, 0, NULL);
	rtnl_unlock();

	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* Dump cursor in cb->args: how many devices were sent so far. */
#define DUMP_SENT(cb) ((cb)->args[0])

static int ipto_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = ipto_compat_dump_attrs(cb);
	struct ipto_net *in = ipto_net(sock_net(skb->sk));
	struct ipto_dev *ipto;
	unsigned long index = 0;
	int i;

	for (i = 1; i <= IPTO_DEV_A_MAX; i++) {
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

/*
 * On 6.1 a command's do and dump share one genl_ops entry and one policy;
 * unknown attributes are rejected because resv_start_op is left at 0.
 */
static const struct genl_ops ipto_genl_ops[] = {
	{
		.cmd = IPTO_CMD_DEV_GET,
		.doit = ipto_dev_get_doit,
		.dumpit = ipto_dev_get_dumpit,
		.policy = ipto_dev_get_policy,
		.maxattr = IPTO_DEV_A_MAX,
	},
};

static struct genl_family ipto_genl_family __ro_after_init = {
	.name = IPTO_GENL_NAME,
	.version = IPTO_GENL_VERSION,
	.maxattr = IPTO_DEV_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = ipto_genl_ops,
	.n_ops = ARRAY_SIZE(ipto_genl_ops),
};

int __init ipto_genl_init(void)
{
	return genl_register_family(&ipto_genl_family);
}

void ipto_genl_uninit(void)
{
	genl_unregister_family(&ipto_genl_family);
}
