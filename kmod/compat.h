/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - every difference between the supported kernels (6.1 LTS up to
 * current mainline) lives here and nowhere else.  Feature macros come from
 * header probes in Kbuild or from the kernel's own macros, never from the
 * version number alone: Debian's stable kernels carry many backports.
 */
#ifndef _IPTO_COMPAT_H
#define _IPTO_COMPAT_H

#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>

/*
 * Lockless transmit and "never moves to another namespace" were feature
 * bits until 6.12, then device fields (netns_local, renamed netns_immutable
 * in 6.15).
 */
static inline void ipto_compat_set_lltx_netns_local(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
#else
	dev->lltx = true;
#ifdef IPTO_HAVE_NETNS_IMMUTABLE
	dev->netns_immutable = true;
#else
	dev->netns_local = true;
#endif
#endif
}

/* The parsed attributes of a dump request moved into a genl_info in 6.6. */
static inline struct nlattr **ipto_compat_dump_attrs(struct netlink_callback *cb)
{
#ifdef IPTO_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* genl pre_doit and post_doit take the split op since 6.2. */
#ifdef IPTO_HAVE_GENL_SPLIT_OPS
#define ipto_compat_genl_hook_ops genl_split_ops
#else
#define ipto_compat_genl_hook_ops genl_ops
#endif

/*
 * rtnl_link_ops::newlink takes its netns and attributes in a struct
 * rtnl_newlink_params since 6.15.  IPTO_DEFINE_NEWLINK(prefix) defines
 * prefix_newlink(), the op for the kernel being built against, as a call
 * of prefix_create(link_net, dev, tb, extack), link_net being the netns
 * that IFLA_LINK is looked up in.
 */
#ifdef IPTO_HAVE_RTNL_NEWLINK_PARAMS
#define IPTO_DEFINE_NEWLINK(_prefix)					\
static int _prefix##_newlink(struct net_device *dev,			\
			     struct rtnl_newlink_params *params,	\
			     struct netlink_ext_ack *extack)		\
{									\
	return _prefix##_create(rtnl_newlink_link_net(params), dev,	\
				params->tb, extack);			\
}
#else
#define IPTO_DEFINE_NEWLINK(_prefix)					\
static int _prefix##_newlink(struct net *src_net,			\
			     struct net_device *dev,			\
			     struct nlattr *tb[], struct nlattr *data[],\
			     struct netlink_ext_ack *extack)		\
{									\
	return _prefix##_create(src_net, dev, tb, extack);		\
}
#endif

#endif /* _IPTO_COMPAT_H */
