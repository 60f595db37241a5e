// SPDX-License-Identifier: GPL-2.0
/*
 * addr: "iptoctl adopt" and "iptoctl release": an address adopted on an ipto
 * device (IPTO_CMD_ADDR_ADD/DEL), and the same address as a local address
 * of that device over rtnetlink, which the serve action needs.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ipto.h>

#include "args.h"
#include "lib/ipto_rtnl.h"
#include "subcommands.h"

/* The keywords, in this order; "release" takes all but "from". */
enum { KW_DEV, KW_ADDR, KW_FROM };

/* What adopt and release are asked to do. */
struct addr_request {
	const char *ifname;
	struct cli_addr addr;
	bool has_node;
	uint32_t node;
};

/* The open sockets: the "ipto" family, and rtnetlink. */
struct addr_session {
	struct ipto_nl *nl;
	struct ipto_nl *rtnl;
};

static int parse_addr_args(const char *cmd, int argc, char **argv,
			   bool takes_from, struct addr_request *req)
{
	struct keyword kws[] = {
		[KW_DEV] = { .name = "dev", .needs = "a device name", .required = true },
		[KW_ADDR] = { .name = "addr", .needs = "an address", .required = true },
		[KW_FROM] = { .name = "from", .needs = "a node number" },
	};
	int ret;

	ret = parse_keywords(cmd, argc, argv, kws,
			     takes_from ? MNL_ARRAY_SIZE(kws) : KW_FROM);
	if (ret == EXIT_OK)
		ret = parse_ifname(cmd, kws[KW_DEV].value);
	if (ret == EXIT_OK)
		ret = parse_address(cmd, kws[KW_ADDR].value, &req->addr);
	if (ret == EXIT_OK && kws[KW_FROM].value) {
		req->has_node = true;
		ret = parse_u32(cmd, "from", kws[KW_FROM].value, &req->node);
	}
	req->ifname = kws[KW_DEV].value;
	return ret;
}

static int open_session(struct addr_session *s)
{
	char err[256];

	s->nl = open_ipto();
	if (!s->nl)
		return EXIT_FAILED;
	s->rtnl = ipto_nl_open_route(err, sizeof(err));
	if (!s->rtnl) {
		fprintf(stderr, PROG ": %s\n", err);
		ipto_nl_close(s->nl);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static void close_session(struct addr_session *s)
{
	ipto_nl_close(s->rtnl);
	ipto_nl_close(s->nl);
}

/* IPTO_CMD_ADDR_ADD or IPTO_CMD_ADDR_DEL for req. */
static int send_addr_cmd(struct ipto_nl *nl, uint8_t cmd,
			 const struct addr_request *req)
{
	struct nlmsghdr *nlh = ipto_nl_msg(nl, cmd, 0);
	const struct cli_addr *a = &req->addr;

	mnl_attr_put_strz(nlh, IPTO_ADDR_A_IFNAME, req->ifname);
	if (a->family == AF_INET)
		mnl_attr_put(nlh, IPTO_ADDR_A_IPV4, 4, a->bytes);
	else
		mnl_attr_put(nlh, IPTO_ADDR_A_IPV6, 16, a->bytes);
	if (a->has_prefixlen)
		mnl_attr_put_u8(nlh, IPTO_ADDR_A_PREFIXLEN, a->prefixlen);
	if (cmd == IPTO_CMD_ADDR_ADD && req->has_node)
		mnl_attr_put_u32(nlh, IPTO_ADDR_A_NODE, req->node);
	return ipto_nl_request(nl, nlh, NULL, NULL);
}

/* Prints a failed rtnetlink request: what failed, then the kernel's word. */
static int report_rtnl_failure(const struct ipto_nl *rtnl, int error,
			       const char *what, const char *ifname)
{
	const char *extack = ipto_nl_extack(rtnl);
	char detail[192];

	snprintf(detail, sizeof(detail), "%s %s%s%s", what, ifname,
		 extack ? ": " : "", extack ? extack : "");
	return report_failure(rtnl, error, detail);
}

/* Makes the adopted address a local address of the device, via rtnetlink. */
static int add_local(struct addr_session *s, const struct addr_request *req)
{
	unsigned int ifindex = if_nametoindex(req->ifname);
	int ret;

	ret = ifindex ? ipto_rtnl_addr_add(s->rtnl, ifindex, req->addr.family,
					   req->addr.bytes) : -ENODEV;
	if (ret == 0)
		return EXIT_OK;
	report_rtnl_failure(s->rtnl, ret, "cannot add the address to", req->ifname);

	ret = send_addr_cmd(s->nl, IPTO_CMD_ADDR_DEL, req);
	if (ret == -ENODEV) {
		/* Deleted meanwhile: its adoptions went with it. */
		fprintf(stderr, PROG ": %s is gone, and the adoption with it\n", req->ifname);
		return EXIT_FAILED;
	}
	if (ret < 0)
		report_failure(s->nl, ret, "");
	fprintf(stderr, PROG ": %s\n", ret < 0 ? "the address stays adopted" :
		"the adoption was undone");
	return EXIT_FAILED;
}

int cmd_adopt(const struct options *opts, int argc, char **argv)
{
	struct addr_request req = { .ifname = NULL };
	struct addr_session s;
	int ret;

	(void)opts;
	ret = parse_addr_args("adopt", argc, argv, true, &req);
	if (ret == EXIT_OK)
		ret = open_session(&s);
	if (ret != EXIT_OK)
		return ret;

	ret = send_addr_cmd(s.nl, IPTO_CMD_ADDR_ADD, &req);
	ret = ret < 0 ? report_failure(s.nl, ret, "") : add_local(&s, &req);
	close_session(&s);
	return ret;
}

/* Takes the released address off the device; it may not be there. */
static int del_local(struct addr_session *s, const struct addr_request *req)
{
	unsigned int ifindex = if_nametoindex(req->ifname);
	int ret;

	if (!ifindex)	/* the device is gone, and its addresses with it */
		return EXIT_OK;
	ret = ipto_rtnl_addr_del(s->rtnl, ifindex, req->addr.family,
				 req->addr.bytes);
	if (ret == 0)
		return EXIT_OK;
	return report_rtnl_failure(s->rtnl, ret,
				   "released, but cannot remove the address from",
				   req->ifname);
}

int cmd_release(const struct options *opts, int argc, char **argv)
{
	struct addr_request req = { .ifname = NULL };
	struct addr_session s;
	int ret;

	(void)opts;
	ret = parse_addr_args("release", argc, argv, false, &req);
	if (ret == EXIT_OK)
		ret = open_session(&s);
	if (ret != EXIT_OK)
		return ret;

	ret = send_addr_cmd(s.nl, IPTO_CMD_ADDR_DEL, &req);
	ret = ret < 0 ? report_failure(s.nl, ret, "") : del_local(&s, &req);
	close_session(&s);
	return ret;
}
