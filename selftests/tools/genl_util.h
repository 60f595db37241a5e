/* SPDX-License-Identifier: GPL-2.0 */
/*
 * genl_util.h - the generic netlink pieces, with libmnl, that ipto-nlraw
 * and selftests/fuzz/nlfuzz share: the socket with extended ACKs, and the
 * nlctrl request and answer parsing that look up a family's id, version
 * and one of its multicast groups.  Include tool_util.h first.
 */
#ifndef IPTO_SELFTEST_GENL_UTIL_H
#define IPTO_SELFTEST_GENL_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

/* What CTRL_CMD_GETFAMILY answered. */
struct genl_family {
	const char *group;	/* in: a multicast group to look up, or NULL */
	uint16_t id;
	bool found_id;
	uint8_t version;
	uint32_t group_id;	/* 0: group not found */
};

/*
 * A bound NETLINK_GENERIC socket (flags: SOCK_NONBLOCK, SOCK_CLOEXEC or 0)
 * with extended and capped ACKs; fails the tool if it cannot be had.
 */
static inline struct mnl_socket *genl_socket_open(int flags)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_GENERIC, flags);
	int on = 1;

	if (!nl)
		fail("netlink socket: %s", strerror(errno));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		fail("netlink bind: %s", strerror(errno));
	if (mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &on, sizeof(on)) < 0 ||
	    mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &on, sizeof(on)) < 0)
		fail("netlink socket options: %s", strerror(errno));
	return nl;
}

/* Builds in buf (MNL_SOCKET_BUFFER_SIZE is plenty) the lookup of name. */
static inline struct nlmsghdr *genl_family_request(void *buf, const char *name,
						   uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	return nlh;
}

struct genl_mcast_group {
	const char *name;
	uint32_t id;
};

static inline int genl_mcast_group_attr_cb(const struct nlattr *attr, void *data)
{
	struct genl_mcast_group *g = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_NAME &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		g->name = mnl_attr_get_str(attr);
	if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		g->id = mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static inline int genl_mcast_groups_cb(const struct nlattr *attr, void *data)
{
	struct genl_family *fam = data;
	struct genl_mcast_group g = { 0 };

	if (mnl_attr_parse_nested(attr, genl_mcast_group_attr_cb, &g) == MNL_CB_OK &&
	    g.name && !strcmp(g.name, fam->group))
		fam->group_id = g.id;
	return MNL_CB_OK;
}

static inline int genl_family_attr_cb(const struct nlattr *attr, void *data)
{
	struct genl_family *fam = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) == 0) {
			fam->id = mnl_attr_get_u16(attr);
			fam->found_id = true;
		}
		break;
	case CTRL_ATTR_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			fam->version = (uint8_t)mnl_attr_get_u32(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		if (fam->group)
			mnl_attr_parse_nested(attr, genl_mcast_groups_cb, fam);
		break;
	}
	return MNL_CB_OK;
}

/* The mnl_cb_run() callback for the answer; data: a struct genl_family. */
static inline int genl_family_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), genl_family_attr_cb, data);
}

#endif /* IPTO_SELFTEST_GENL_UTIL_H */
