/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit: generated from uapi/ipto.yaml by uapi/ynl-gen-kmod.py. */
/* netlink-gen.h - the family's policies, op table and handlers. */
#ifndef _IPTO_NETLINK_GEN_H
#define _IPTO_NETLINK_GEN_H

#include <net/genetlink.h>
#include <net/netlink.h>

#include <linux/ipto.h>

#include "compat.h"

/* genl_ops.internal_flags, acted on by ipto_nl_pre_doit() and _post_doit(). */
#define IPTO_NL_DEV	BIT(0)	/* RTNL, and the device in info->user_ptr[0] */
#define IPTO_NL_RUN	BIT(1)	/* the engine runs again after the handler */

extern const struct nla_policy ipto_conn_nl_policy[IPTO_CONN_A_REMOTE_PORT + 1];
extern const struct nla_policy ipto_node_addr_nl_policy[IPTO_NODE_ADDR_A_IPV6 + 1];
extern const struct nla_policy ipto_dev_get_nl_policy[IPTO_DEV_A_IFNAME + 1];
int ipto_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int ipto_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
extern const struct nla_policy ipto_dev_set_nl_policy[IPTO_DEV_A_LEASE_END_NS + 1];
int ipto_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy ipto_addr_add_nl_policy[IPTO_ADDR_A_NODE + 1];
int ipto_nl_addr_add_doit(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy ipto_addr_del_nl_policy[IPTO_ADDR_A_PREFIXLEN + 1];
int ipto_nl_addr_del_doit(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy ipto_addr_get_nl_policy[IPTO_ADDR_A_IFNAME + 1];
int ipto_nl_addr_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
extern const struct nla_policy ipto_service_add_nl_policy[IPTO_SVC_A_STANDBY + 1];
int ipto_nl_service_add_doit(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy ipto_service_del_nl_policy[IPTO_SVC_A_NAME + 1];
int ipto_nl_service_del_doit(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy ipto_service_get_nl_policy[IPTO_SVC_A_IFNAME + 1];
int ipto_nl_service_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
extern const struct nla_policy ipto_service_set_nl_policy[IPTO_SVC_A_STANDBY + 1];
int ipto_nl_service_set_doit(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy ipto_node_add_nl_policy[IPTO_NODE_A_SELF + 1];
int ipto_nl_node_add_doit(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy ipto_node_set_nl_policy[IPTO_NODE_A_DRAIN_LEFT_MS + 1];
int ipto_nl_node_set_doit(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy ipto_node_del_nl_policy[IPTO_NODE_A_ID + 1];
int ipto_nl_node_del_doit(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy ipto_node_get_nl_policy[IPTO_NODE_A_IFNAME + 1];
int ipto_nl_node_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
extern const struct nla_policy ipto_lease_nl_policy[IPTO_DEV_A_LEASE_END_NS + 1];
int ipto_nl_lease_doit(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy ipto_node_failback_nl_policy[IPTO_NODE_A_ID + 1];
int ipto_nl_node_failback_doit(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy ipto_conn_reset_nl_policy[IPTO_RESET_A_CONN + 1];
int ipto_nl_conn_reset_doit(struct sk_buff *skb, struct genl_info *info);

extern const struct genl_ops ipto_nl_ops[16];

int ipto_nl_pre_doit(const struct ipto_compat_genl_hook_ops *ops, struct sk_buff *skb,
		     struct genl_info *info);
void ipto_nl_post_doit(const struct ipto_compat_genl_hook_ops *ops, struct sk_buff *skb,
		       struct genl_info *info);

#endif /* _IPTO_NETLINK_GEN_H */
