// SPDX-License-Identifier: GPL-2.0
/*
 * ipto_nl: the netlink client shared by the ipto tools (libmnl based): socket
 * setup, "ipto" family lookup with its multicast groups, the request/answer
 * loop, interrupted dumps, extended ACKs, and notifications from a joined
 * group.  Generic netlink for the family; rtnetlink for ipto_rtnl.
 */
#include "ipto_nl.h"

#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/ipto.h>

#define IPTO_NL_RX_SIZE		32768	/* the kernel's largest dump skb */
#define IPTO_NL_EXTACK_SIZE	256
#define IPTO_NL_GROUPS_MAX	8	/* multicast groups of the family kept */

/* A multicast group of the family, as the family lookup reported it. */
struct ipto_nl_group {
	char name[GENL_NAMSIZ];
	uint32_t id;
};

struct ipto_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	unsigned int n_groups;
	struct ipto_nl_group groups[IPTO_NL_GROUPS_MAX];
	char extack[IPTO_NL_EXTACK_SIZE];	/* "" when none */
	bool has_extack_offset;
	uint32_t extack_offset;
	alignas(struct nlmsghdr) char tx[IPTO_NL_MSG_MAX];
	alignas(struct nlmsghdr) char rx[IPTO_NL_RX_SIZE];
};

/* State of one request while its answer is read. */
struct answer {
	struct ipto_nl *nl;
	uint32_t seq;	/* the request's */
	mnl_cb_t cb;
	void *data;
	int error;	/* 0, or the first failure as a negative errno */
	bool ended;	/* the final message (ACK, error, NLMSG_DONE) came */
	bool interrupted;	/* a part was marked NLM_F_DUMP_INTR */
};

static int neg_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

static int on_extack_attr(const struct nlattr *attr, void *arg)
{
	struct ipto_nl *nl = arg;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(nl->extack, sizeof(nl->extack), "%s",
				 mnl_attr_get_str(attr));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			nl->extack_offset = mnl_attr_get_u32(attr);
			nl->has_extack_offset = true;
		}
		break;
	}
	return MNL_CB_OK;
}

/* Reads the extended ACK attributes found at offset in nlh's payload. */
static void read_extack(struct ipto_nl *nl, const struct nlmsghdr *nlh,
			size_t offset)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    offset > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_parse(nlh, offset, on_extack_attr, nl);
}

static void clear_extack(struct ipto_nl *nl)
{
	nl->extack[0] = '\0';
	nl->has_extack_offset = false;
}

/* NLMSG_ERROR: the ACK (error 0) or the failure of the request. */
static int on_error_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct answer *ans = arg;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t tlv_offset = sizeof(*err);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		ans->error = -EBADMSG;
		return MNL_CB_ERROR;
	}
	/* Without NETLINK_CAP_ACK in effect, our request is echoed first. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    err->msg.nlmsg_len > sizeof(err->msg))
		tlv_offset += err->msg.nlmsg_len - sizeof(err->msg);
	read_extack(ans->nl, nlh, tlv_offset);

	if (err->error == 0)
		return MNL_CB_STOP;
	ans->error = err->error < 0 ? err->error : -EPROTO;
	return MNL_CB_ERROR;
}

/* NLMSG_DONE: the end of a dump, carrying the dump's status. */
static int on_done_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct answer *ans = arg;
	int status;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(status))
		return MNL_CB_STOP;
	memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
	read_extack(ans->nl, nlh, sizeof(status));

	if (status >= 0)
		return MNL_CB_STOP;
	ans->error = status;
	return MNL_CB_ERROR;
}

/*
 * Data messages go to the caller's callback until it fails once;
 * notifications of a joined group (sequence number 0) are no answer.
 */
static int on_data_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct answer *ans = arg;

	if (nlh->nlmsg_seq != ans->seq)
		return MNL_CB_OK;
	if (ans->cb && !ans->error && ans->cb(nlh, ans->data) != MNL_CB_OK)
		ans->error = neg_errno();
	return MNL_CB_OK;
}

/*
 * Notes in ans whether buf holds the final message (ACK, error or NLMSG_DONE)
 * for seq, and whether a part of the answer was marked as interrupted.
 * libmnl refuses such a part before the callback can see its flags.
 */
static void scan_answer(struct answer *ans, const void *buf, size_t len,
			uint32_t seq)
{
	const struct nlmsghdr *nlh = buf;
	int rest = (int)len;

	for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
		if (nlh->nlmsg_seq != seq)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			ans->interrupted = true;
		if (nlh->nlmsg_type == NLMSG_ERROR ||
		    nlh->nlmsg_type == NLMSG_DONE)
			ans->ended = true;
	}
}

int ipto_nl_request(struct ipto_nl *nl, struct nlmsghdr *nlh,
		    mnl_cb_t cb, void *data)
{
	/* not const: libmnl 1.0.4's mnl_cb_run2() takes a plain pointer */
	static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = on_error_msg,
		[NLMSG_DONE] = on_done_msg,
	};
	struct answer ans = {
		.nl = nl, .seq = nlh->nlmsg_seq, .cb = cb, .data = data,
	};
	int ret = MNL_CB_OK;

	clear_extack(nl);
	/* A dump ends with NLMSG_DONE; anything else is made to end in an ACK. */
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return neg_errno();

	/* Read up to the final message even after a failure, so that the
	 * next request starts on a clean socket.
	 */
	while (!ans.ended) {
		ssize_t len = mnl_socket_recvfrom(nl->sock, nl->rx,
						  sizeof(nl->rx));

		if (len < 0)
			return neg_errno();
		scan_answer(&ans, nl->rx, len, nlh->nlmsg_seq);
		if (ret != MNL_CB_OK)
			continue;
		ret = mnl_cb_run2(nl->rx, len, nlh->nlmsg_seq, nl->portid,
				  on_data_msg, &ans, ctl_cbs,
				  MNL_ARRAY_SIZE(ctl_cbs));
		/* libmnl's own checks: sender, sequence, interrupted dump */
		if (ret == MNL_CB_ERROR && !ans.error)
			ans.error = neg_errno();
	}
	return ans.interrupted ? -EINTR : ans.error;
}

static uint32_t next_seq(struct ipto_nl *nl)
{
	if (++nl->seq == 0)	/* libmnl does not check sequence number 0 */
		++nl->seq;
	return nl->seq;
}

int ipto_nl_dump(struct ipto_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		 void (*restart)(void *data), void *data)
{
	int ret = ipto_nl_request(nl, nlh, cb, data);

	if (ret != -EINTR)
		return ret;
	restart(data);
	nlh->nlmsg_seq = next_seq(nl);
	return ipto_nl_request(nl, nlh, cb, data);
}

struct nlmsghdr *ipto_nl_msg_raw(struct ipto_nl *nl, uint16_t type,
				 uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->tx);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = next_seq(nl);
	return nlh;
}

/* Puts a generic netlink request header into the handle's buffer. */
static struct nlmsghdr *put_request(struct ipto_nl *nl, uint16_t family,
				    uint8_t cmd, uint8_t version,
				    uint16_t flags)
{
	struct nlmsghdr *nlh = ipto_nl_msg_raw(nl, family, flags);
	struct genlmsghdr *genl;

	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct nlmsghdr *ipto_nl_msg(struct ipto_nl *nl, uint8_t cmd, uint16_t flags)
{
	return put_request(nl, nl->family, cmd, IPTO_GENL_VERSION, flags);
}

/* A multicast group's name and id, while its nest is read. */
struct group_attrs {
	const struct nlattr *name;
	const struct nlattr *id;
};

static int on_group_attr(const struct nlattr *attr, void *data)
{
	struct group_attrs *g = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_MCAST_GRP_NAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0 &&
		    mnl_attr_get_payload_len(attr) <= GENL_NAMSIZ)
			g->name = attr;
		break;
	case CTRL_ATTR_MCAST_GRP_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			g->id = attr;
		break;
	}
	return MNL_CB_OK;
}

/* One multicast group (a nest); one without name and id is skipped. */
static int on_group(const struct nlattr *nest, void *data)
{
	struct ipto_nl *nl = data;
	struct group_attrs g = { .name = NULL };
	struct ipto_nl_group *group;

	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(nest, on_group_attr, &g) < 0 ||
	    !g.name || !g.id || nl->n_groups == IPTO_NL_GROUPS_MAX)
		return MNL_CB_OK;
	group = &nl->groups[nl->n_groups++];
	snprintf(group->name, sizeof(group->name), "%s", mnl_attr_get_str(g.name));
	group->id = mnl_attr_get_u32(g.id);
	return MNL_CB_OK;
}

/* The family's id, and its multicast groups (a nest of nests). */
static int on_family_attr(const struct nlattr *attr, void *data)
{
	struct ipto_nl *nl = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		nl->family = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		return mnl_attr_parse_nested(attr, on_group, nl);
	}
	return MNL_CB_OK;
}

static int on_family_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, GENL_HDRLEN, on_family_attr, data);
}

/* Looks up the "ipto" family and its groups; -ENOENT if there is none. */
static int resolve_family(struct ipto_nl *nl)
{
	struct nlmsghdr *nlh;
	int ret;

	nl->family = 0;
	nl->n_groups = 0;
	nlh = put_request(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, IPTO_GENL_NAME);
	ret = ipto_nl_request(nl, nlh, on_family_msg, nl);
	if (ret < 0)
		return ret;
	return nl->family ? 0 : -EBADMSG;
}

/* Opens a socket on bus (NETLINK_GENERIC, NETLINK_ROUTE) with extended ACKs. */
static int open_socket(struct ipto_nl *nl, int bus)
{
	int one = 1;

	nl->sock = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!nl->sock)
		return neg_errno();
	if (mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK,
				  &one, sizeof(one)) < 0 ||
	    mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK,
				  &one, sizeof(one)) < 0 ||
	    mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return neg_errno();
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

/*
 * A handle with its socket open on bus; on failure NULL, errno set and a
 * message in err that starts with who.
 */
static struct ipto_nl *open_handle(int bus, const char *who, char *err,
				   size_t errlen)
{
	struct ipto_nl *nl = calloc(1, sizeof(*nl));
	int ret;

	if (!nl) {
		snprintf(err, errlen, "%s: %s", who, strerror(errno));
		return NULL;
	}
	ret = open_socket(nl, bus);
	if (ret < 0) {
		snprintf(err, errlen, "%s: cannot open a netlink socket: %s",
			 who, strerror(-ret));
		ipto_nl_close(nl);
		errno = -ret;
		return NULL;
	}
	return nl;
}

struct ipto_nl *ipto_nl_open(char *err, size_t errlen)
{
	struct ipto_nl *nl = open_handle(NETLINK_GENERIC, "ipto", err, errlen);
	int ret;

	if (!nl)
		return NULL;

	ret = resolve_family(nl);
	if (ret == -ENOENT) {
		snprintf(err, errlen, "ipto: generic netlink family not found (is the ipto module loaded?)");
		goto fail;
	}
	if (ret < 0) {
		snprintf(err, errlen, "ipto: cannot look up the generic netlink family: %s%s%s",
			 strerror(-ret), nl->extack[0] ? ": " : "", nl->extack);
		goto fail;
	}
	return nl;

fail:
	ipto_nl_close(nl);
	errno = -ret;
	return NULL;
}

struct ipto_nl *ipto_nl_open_route(char *err, size_t errlen)
{
	return open_handle(NETLINK_ROUTE, "rtnetlink", err, errlen);
}

void ipto_nl_close(struct ipto_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
}

int ipto_nl_u32_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ipto_nl_u32 *want = data;
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) == want->type &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			want->value = mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

const char *ipto_nl_extack(const struct ipto_nl *nl)
{
	return nl->extack[0] ? nl->extack : NULL;
}

bool ipto_nl_extack_offset(const struct ipto_nl *nl, uint32_t *offset)
{
	if (nl->has_extack_offset)
		*offset = nl->extack_offset;
	return nl->has_extack_offset;
}

int ipto_nl_mcast_group(const struct ipto_nl *nl, const char *name,
			uint32_t *id)
{
	unsigned int i;

	for (i = 0; i < nl->n_groups; i++) {
		if (strcmp(nl->groups[i].name, name) == 0) {
			*id = nl->groups[i].id;
			return 0;
		}
	}
	return -ENOENT;
}

int ipto_nl_subscribe(struct ipto_nl *nl, const char *name)
{
	uint32_t id;
	int group, ret;

	ret = ipto_nl_mcast_group(nl, name, &id);
	if (ret < 0)
		return ret;
	group = (int)id;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP,
				  &group, sizeof(group)) < 0)
		return neg_errno();
	return 0;
}

int ipto_nl_fd(const struct ipto_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

int ipto_nl_recv_notifications(struct ipto_nl *nl, mnl_cb_t cb, void *data)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->rx;
	ssize_t len = mnl_socket_recvfrom(nl->sock, nl->rx, sizeof(nl->rx));
	int rest = (int)len;

	if (len < 0)
		return neg_errno();
	for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
		if (nlh->nlmsg_type != nl->family || nlh->nlmsg_seq != 0 ||
		    mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
			continue;
		if (cb(nlh, data) != MNL_CB_OK)
			return neg_errno();
	}
	return 0;
}
