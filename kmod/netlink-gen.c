// SPDX-License-Identifier: GPL-2.0
/* Do not edit: generated from uapi/ipto.yaml by uapi/ynl-gen-kmod.py. */
/* netlink-gen.c - the family's policies and op table. */

#include "netlink-gen.h"

/* Not const: 6.1's NLA_POLICY_FULL_RANGE() takes a plain pointer. */
static struct netlink_range_validation ipto_dev_announce_count_range __ro_after_init = {
	.min = 0,
	.max = 100,
};

static struct netlink_range_validation ipto_dev_announce_interval_ms_range __ro_after_init = {
	.min = 10,
	.max = 10000,
};

static struct netlink_range_validation ipto_dev_reply_rate_range __ro_after_init = {
	.min = 1,
	.max = 1000000,
};

static struct netlink_range_validation ipto_dev_reply_burst_range __ro_after_init = {
	.min = 1,
	.max = 1000000,
};

static struct netlink_range_validation ipto_dev_lease_ms_range __ro_after_init = {
	.min = 0,
	.max = 600000,
};

static struct netlink_range_validation ipto_addr_node_range __ro_after_init = {
	.min = 0,
	.max = 65535,
};

static struct netlink_range_validation ipto_svc_node_range __ro_after_init = {
	.min = 1,
	.max = 65535,
};

static struct netlink_range_validation ipto_node_id_range __ro_after_init = {
	.min = 1,
	.max = 65535,
};

const struct nla_policy ipto_conn_nl_policy[IPTO_CONN_A_REMOTE_PORT + 1] = {
	[IPTO_CONN_A_LOCAL_IPV4] = NLA_POLICY_EXACT_LEN(4),
	[IPTO_CONN_A_LOCAL_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[IPTO_CONN_A_LOCAL_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[IPTO_CONN_A_REMOTE_IPV4] = NLA_POLICY_EXACT_LEN(4),
	[IPTO_CONN_A_REMOTE_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[IPTO_CONN_A_REMOTE_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

const struct nla_policy ipto_node_addr_nl_policy[IPTO_NODE_ADDR_A_IPV6 + 1] = {
	[IPTO_NODE_ADDR_A_IPV4] = NLA_POLICY_EXACT_LEN(4),
	[IPTO_NODE_ADDR_A_IPV6] = NLA_POLICY_EXACT_LEN(16),
};

const struct nla_policy ipto_dev_get_nl_policy[IPTO_DEV_A_IFNAME + 1] = {
	[IPTO_DEV_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_DEV_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

const struct nla_policy ipto_dev_set_nl_policy[IPTO_DEV_A_LEASE_END_NS + 1] = {
	[IPTO_DEV_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_DEV_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[IPTO_DEV_A_ANNOUNCE_COUNT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ipto_dev_announce_count_range),
	[IPTO_DEV_A_ANNOUNCE_INTERVAL_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ipto_dev_announce_interval_ms_range),
	[IPTO_DEV_A_REPLY_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipto_dev_reply_rate_range),
	[IPTO_DEV_A_REPLY_BURST] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipto_dev_reply_burst_range),
	[IPTO_DEV_A_LEASE_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipto_dev_lease_ms_range),
	[IPTO_DEV_A_ECHO_REPLY] = NLA_POLICY_MAX(NLA_U8, 1),
	[IPTO_DEV_A_DEFAULT_ACTION] = NLA_POLICY_MAX(NLA_U8, IPTO_ACTION_MAX),
	[IPTO_DEV_A_FAILBACK] = NLA_POLICY_MAX(NLA_U8, IPTO_FAILBACK_MANUAL),
	[IPTO_DEV_A_FENCED] = NLA_POLICY_MAX(NLA_U8, 1),
	[IPTO_DEV_A_LEASE_END_NS] = { .type = NLA_U64, },
};

const struct nla_policy ipto_addr_add_nl_policy[IPTO_ADDR_A_NODE + 1] = {
	[IPTO_ADDR_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_ADDR_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[IPTO_ADDR_A_IPV4] = NLA_POLICY_EXACT_LEN(4),
	[IPTO_ADDR_A_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[IPTO_ADDR_A_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[IPTO_ADDR_A_NODE] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipto_addr_node_range),
};

const struct nla_policy ipto_addr_del_nl_policy[IPTO_ADDR_A_PREFIXLEN + 1] = {
	[IPTO_ADDR_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_ADDR_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[IPTO_ADDR_A_IPV4] = NLA_POLICY_EXACT_LEN(4),
	[IPTO_ADDR_A_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[IPTO_ADDR_A_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

const struct nla_policy ipto_addr_get_nl_policy[IPTO_ADDR_A_IFNAME + 1] = {
	[IPTO_ADDR_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_ADDR_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

const struct nla_policy ipto_service_add_nl_policy[IPTO_SVC_A_STANDBY + 1] = {
	[IPTO_SVC_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_SVC_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[IPTO_SVC_A_NODE] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipto_svc_node_range),
	[IPTO_SVC_A_NAME] = { .type = NLA_NUL_STRING, .len = IPTO_SERVICE_NAME_LEN - 1, },
	[IPTO_SVC_A_PROTO] = { .type = NLA_U8, },
	[IPTO_SVC_A_PORT_MIN] = NLA_POLICY_MIN(NLA_U16, 1),
	[IPTO_SVC_A_PORT_MAX] = NLA_POLICY_MIN(NLA_U16, 1),
	[IPTO_SVC_A_ACTION] = NLA_POLICY_MAX(NLA_U8, IPTO_ACTION_MAX),
	[IPTO_SVC_A_FAILOVER] = NLA_POLICY_MAX(NLA_U8, 1),
	[IPTO_SVC_A_STANDBY] = { .type = NLA_BINARY, .len = 64, },
};

const struct nla_policy ipto_service_del_nl_policy[IPTO_SVC_A_NAME + 1] = {
	[IPTO_SVC_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_SVC_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[IPTO_SVC_A_NODE] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipto_svc_node_range),
	[IPTO_SVC_A_NAME] = { .type = NLA_NUL_STRING, .len = IPTO_SERVICE_NAME_LEN - 1, },
};

const struct nla_policy ipto_service_get_nl_policy[IPTO_SVC_A_IFNAME + 1] = {
	[IPTO_SVC_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_SVC_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

const struct nla_policy ipto_service_set_nl_policy[IPTO_SVC_A_STANDBY + 1] = {
	[IPTO_SVC_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_SVC_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[IPTO_SVC_A_NODE] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipto_svc_node_range),
	[IPTO_SVC_A_NAME] = { .type = NLA_NUL_STRING, .len = IPTO_SERVICE_NAME_LEN - 1, },
	[IPTO_SVC_A_ACTION] = NLA_POLICY_MAX(NLA_U8, IPTO_ACTION_MAX),
	[IPTO_SVC_A_FAILOVER] = NLA_POLICY_MAX(NLA_U8, 1),
	[IPTO_SVC_A_STANDBY] = { .type = NLA_BINARY, .len = 64, },
};

const struct nla_policy ipto_node_add_nl_policy[IPTO_NODE_A_SELF + 1] = {
	[IPTO_NODE_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_NODE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[IPTO_NODE_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipto_node_id_range),
	[IPTO_NODE_A_NAME] = { .type = NLA_NUL_STRING, .len = IPTO_NODE_NAME_LEN - 1, },
	[IPTO_NODE_A_ADDRS] = NLA_POLICY_NESTED(ipto_node_addr_nl_policy),
	[IPTO_NODE_A_STATE] = NLA_POLICY_MAX(NLA_U8, IPTO_NODE_DRAIN),
	[IPTO_NODE_A_FAILOVER] = NLA_POLICY_MAX(NLA_U8, 1),
	[IPTO_NODE_A_STANDBY] = { .type = NLA_BINARY, .len = 64, },
	[IPTO_NODE_A_SELF] = NLA_POLICY_MAX(NLA_U8, 1),
};

const struct nla_policy ipto_node_set_nl_policy[IPTO_NODE_A_DRAIN_LEFT_MS + 1] = {
	[IPTO_NODE_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_NODE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[IPTO_NODE_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipto_node_id_range),
	[IPTO_NODE_A_STATE] = NLA_POLICY_MAX(NLA_U8, IPTO_NODE_DRAIN),
	[IPTO_NODE_A_FAILOVER] = NLA_POLICY_MAX(NLA_U8, 1),
	[IPTO_NODE_A_STANDBY] = { .type = NLA_BINARY, .len = 64, },
	[IPTO_NODE_A_DRAIN_CONNS] = { .type = NLA_U32, },
	[IPTO_NODE_A_DRAIN_LEFT_MS] = { .type = NLA_U32, },
};

const struct nla_policy ipto_node_del_nl_policy[IPTO_NODE_A_ID + 1] = {
	[IPTO_NODE_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_NODE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[IPTO_NODE_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipto_node_id_range),
};

const struct nla_policy ipto_node_get_nl_policy[IPTO_NODE_A_IFNAME + 1] = {
	[IPTO_NODE_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_NODE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

const struct nla_policy ipto_lease_nl_policy[IPTO_DEV_A_LEASE_END_NS + 1] = {
	[IPTO_DEV_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_DEV_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[IPTO_DEV_A_LEASE_END_NS] = { .type = NLA_U64, },
};

const struct nla_policy ipto_node_failback_nl_policy[IPTO_NODE_A_ID + 1] = {
	[IPTO_NODE_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_NODE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[IPTO_NODE_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipto_node_id_range),
};

const struct nla_policy ipto_conn_reset_nl_policy[IPTO_RESET_A_CONN + 1] = {
	[IPTO_RESET_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPTO_RESET_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[IPTO_RESET_A_CONN] = NLA_POLICY_NESTED(ipto_conn_nl_policy),
};

const struct genl_ops ipto_nl_ops[16] = {
	{
		.cmd = IPTO_CMD_DEV_GET,
		.doit = ipto_nl_dev_get_doit,
		.dumpit = ipto_nl_dev_get_dumpit,
		.policy = ipto_dev_get_nl_policy,
		.maxattr = IPTO_DEV_A_IFNAME,
		.internal_flags = IPTO_NL_DEV,
	},
	{
		.cmd = IPTO_CMD_DEV_SET,
		.doit = ipto_nl_dev_set_doit,
		.policy = ipto_dev_set_nl_policy,
		.maxattr = IPTO_DEV_A_LEASE_END_NS,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = IPTO_NL_DEV,
	},
	{
		.cmd = IPTO_CMD_ADDR_ADD,
		.doit = ipto_nl_addr_add_doit,
		.policy = ipto_addr_add_nl_policy,
		.maxattr = IPTO_ADDR_A_NODE,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = IPTO_NL_DEV | IPTO_NL_RUN,
	},
	{
		.cmd = IPTO_CMD_ADDR_DEL,
		.doit = ipto_nl_addr_del_doit,
		.policy = ipto_addr_del_nl_policy,
		.maxattr = IPTO_ADDR_A_PREFIXLEN,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = IPTO_NL_DEV | IPTO_NL_RUN,
	},
	{
		.cmd = IPTO_CMD_ADDR_GET,
		.dumpit = ipto_nl_addr_get_dumpit,
		.policy = ipto_addr_get_nl_policy,
		.maxattr = IPTO_ADDR_A_IFNAME,
	},
	{
		.cmd = IPTO_CMD_SERVICE_ADD,
		.doit = ipto_nl_service_add_doit,
		.policy = ipto_service_add_nl_policy,
		.maxattr = IPTO_SVC_A_STANDBY,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = IPTO_NL_DEV | IPTO_NL_RUN,
	},
	{
		.cmd = IPTO_CMD_SERVICE_DEL,
		.doit = ipto_nl_service_del_doit,
		.policy = ipto_service_del_nl_policy,
		.maxattr = IPTO_SVC_A_NAME,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = IPTO_NL_DEV | IPTO_NL_RUN,
	},
	{
		.cmd = IPTO_CMD_SERVICE_GET,
		.dumpit = ipto_nl_service_get_dumpit,
		.policy = ipto_service_get_nl_policy,
		.maxattr = IPTO_SVC_A_IFNAME,
	},
	{
		.cmd = IPTO_CMD_SERVICE_SET,
		.doit = ipto_nl_service_set_doit,
		.policy = ipto_service_set_nl_policy,
		.maxattr = IPTO_SVC_A_STANDBY,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = IPTO_NL_DEV | IPTO_NL_RUN,
	},
	{
		.cmd = IPTO_CMD_NODE_ADD,
		.doit = ipto_nl_node_add_doit,
		.policy = ipto_node_add_nl_policy,
		.maxattr = IPTO_NODE_A_SELF,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = IPTO_NL_DEV | IPTO_NL_RUN,
	},
	{
		.cmd = IPTO_CMD_NODE_SET,
		.doit = ipto_nl_node_set_doit,
		.policy = ipto_node_set_nl_policy,
		.maxattr = IPTO_NODE_A_DRAIN_LEFT_MS,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = IPTO_NL_DEV | IPTO_NL_RUN,
	},
	{
		.cmd = IPTO_CMD_NODE_DEL,
		.doit = ipto_nl_node_del_doit,
		.policy = ipto_node_del_nl_policy,
		.maxattr = IPTO_NODE_A_ID,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = IPTO_NL_DEV | IPTO_NL_RUN,
	},
	{
		.cmd = IPTO_CMD_NODE_GET,
		.dumpit = ipto_nl_node_get_dumpit,
		.policy = ipto_node_get_nl_policy,
		.maxattr = IPTO_NODE_A_IFNAME,
	},
	{
		.cmd = IPTO_CMD_LEASE,
		.doit = ipto_nl_lease_doit,
		.policy = ipto_lease_nl_policy,
		.maxattr = IPTO_DEV_A_LEASE_END_NS,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = IPTO_CMD_NODE_FAILBACK,
		.doit = ipto_nl_node_failback_doit,
		.policy = ipto_node_failback_nl_policy,
		.maxattr = IPTO_NODE_A_ID,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = IPTO_NL_DEV | IPTO_NL_RUN,
	},
	{
		.cmd = IPTO_CMD_CONN_RESET,
		.doit = ipto_nl_conn_reset_doit,
		.policy = ipto_conn_reset_nl_policy,
		.maxattr = IPTO_RESET_A_CONN,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = IPTO_NL_DEV,
	},
};
