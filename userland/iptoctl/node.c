// SPDX-License-Identifier: GPL-2.0
/*
 * node: "iptoctl node add", "node set", "node del" and "node failback":
 * the cluster table of an ipto device, its nodes with their home addresses,
 * state, failover and standby list (IPTO_CMD_NODE_ADD/SET/DEL), and manual
 * failback of a node (IPTO_CMD_NODE_FAILBACK).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <linux/ipto.h>

#include "args.h"
#include "lib/names.h"
#include "subcommands.h"

enum {
	KW_DEV, KW_ID, KW_STANDBY, KW_FAILOVER,
	KW_STATE,			/* node set only */
	KW_NAME, KW_ADDR, KW_SELF,	/* node add only */
	KW_COUNT
};

enum node_cmd { NODE_ADD, NODE_SET, NODE_DEL, NODE_FAILBACK };

static const struct {
	const char *name;	/* for messages: "node add" */
	uint8_t cmd;
} node_cmds[] = {
	[NODE_ADD] = { "node add", IPTO_CMD_NODE_ADD },
	[NODE_SET] = { "node set", IPTO_CMD_NODE_SET },
	[NODE_DEL] = { "node del", IPTO_CMD_NODE_DEL },
	[NODE_FAILBACK] = { "node failback", IPTO_CMD_NODE_FAILBACK },
};

/*
 * A netlink attribute's length is 16 bits, header included: the most the
 * nest IPTO_NODE_A_ADDRS can hold.
 */
#define ADDRS_NEST_MAX UINT16_MAX

struct node_request {
	const char *ifname;
	uint32_t id;
	const char *name;
	struct cli_addr *addrs;		/* allocated */
	size_t n_addrs;
	bool has_standby;
	struct cli_standby standby;
	bool has_failover;
	uint8_t failover;
	bool has_state;
	uint8_t state;
	bool self;
};

/* The size of the nest of addrs[0..n), header included. */
static size_t addrs_nest_size(const struct cli_addr *addrs, size_t n)
{
	size_t size = MNL_ATTR_HDRLEN, i;

	for (i = 0; i < n; i++)
		size += MNL_ATTR_HDRLEN +
			MNL_ALIGN(addrs[i].family == AF_INET ? 4 : 16);
	return size;
}

/* The addresses of "node add": as many as fit one attribute. */
static int parse_addrs(const char *cmd, const char *value,
		       struct node_request *req)
{
	int ret;

	ret = parse_address_list(cmd, "addr", value, IPTO_NODE_ADDRS_MAX,
				 &req->addrs, &req->n_addrs);
	if (ret == EXIT_OK &&
	    addrs_nest_size(req->addrs, req->n_addrs) > ADDRS_NEST_MAX)
		return usage_error("%s: addr: %zu addresses do not fit one netlink attribute (%u bytes: at most %zu IPv4 or %zu IPv6 addresses)",
				   cmd, req->n_addrs, (unsigned int)ADDRS_NEST_MAX,
				   (size_t)(ADDRS_NEST_MAX - MNL_ATTR_HDRLEN) / (MNL_ATTR_HDRLEN + 4),
				   (size_t)(ADDRS_NEST_MAX - MNL_ATTR_HDRLEN) / (MNL_ATTR_HDRLEN + 16));
	return ret;
}

/* What "node add" and "node set" may both give: standby and failover. */
static int parse_common_args(const char *cmd, const struct keyword *kws,
			     struct node_request *req)
{
	int ret = EXIT_OK;

	if (kws[KW_STANDBY].value) {
		req->has_standby = true;
		ret = parse_standby(cmd, kws[KW_STANDBY].value, &req->standby);
	}
	if (ret == EXIT_OK && kws[KW_FAILOVER].value) {
		req->has_failover = true;
		ret = parse_on_off(cmd, "failover", kws[KW_FAILOVER].value,
				   &req->failover);
	}
	return ret;
}

static int parse_node_args(enum node_cmd which, int argc, char **argv,
			   struct node_request *req)
{
	bool add = which == NODE_ADD, set = which == NODE_SET;
	struct keyword kws[KW_COUNT] = {
		[KW_DEV] = { .name = "dev", .needs = "a device name", .required = true },
		[KW_ID] = { .name = "id", .needs = "a node number", .required = true },
		[KW_STANDBY] = { .name = add || set ? "standby" : NULL,
				 .needs = "node numbers N[,N...] or none" },
		[KW_FAILOVER] = { .name = add || set ? "failover" : NULL,
				  .needs = "on or off" },
		[KW_STATE] = { .name = set ? "state" : NULL, .needs = NODE_STATE_WORDS },
		[KW_NAME] = { .name = add ? "name" : NULL, .needs = "a node name",
			      .required = true },
		[KW_ADDR] = { .name = add ? "addr" : NULL,
			      .needs = "addresses A[,A...]", .required = true },
		[KW_SELF] = { .name = add ? "self" : NULL, .flag = true },
	};
	const char *cmd = node_cmds[which].name;
	int ret;

	ret = parse_keywords(cmd, argc, argv, kws, KW_COUNT);
	if (ret == EXIT_OK)
		ret = parse_ifname(cmd, kws[KW_DEV].value);
	if (ret == EXIT_OK)
		ret = parse_u32(cmd, "id", kws[KW_ID].value, &req->id);
	if (ret == EXIT_OK && add)
		ret = parse_name(cmd, "name", kws[KW_NAME].value,
				 IPTO_NODE_NAME_LEN);
	if (ret == EXIT_OK && add)
		ret = parse_addrs(cmd, kws[KW_ADDR].value, req);
	if (ret == EXIT_OK && kws[KW_STATE].value) {
		req->has_state = true;
		ret = parse_node_state(cmd, kws[KW_STATE].value, &req->state);
	}
	if (ret == EXIT_OK)
		ret = parse_common_args(cmd, kws, req);
	if (ret == EXIT_OK && set && !req->has_state && !req->has_standby &&
	    !req->has_failover)
		return usage_error("%s: nothing to set: give state, standby or failover",
				   cmd);
	req->ifname = kws[KW_DEV].value;
	req->name = kws[KW_NAME].value;
	req->self = kws[KW_SELF].value != NULL;
	return ret;
}

/* IPTO_NODE_A_ADDRS; false if the request has no room for it. */
static bool put_addrs(struct nlmsghdr *nlh, const struct node_request *req)
{
	struct nlattr *nest;
	size_t i;

	nest = mnl_attr_nest_start_check(nlh, IPTO_NL_MSG_MAX, IPTO_NODE_A_ADDRS);
	if (!nest)
		return false;
	for (i = 0; i < req->n_addrs; i++) {
		const struct cli_addr *a = &req->addrs[i];
		bool v4 = a->family == AF_INET;

		if (!mnl_attr_put_check(nlh, IPTO_NL_MSG_MAX,
					v4 ? IPTO_NODE_ADDR_A_IPV4 : IPTO_NODE_ADDR_A_IPV6,
					v4 ? 4 : 16, a->bytes)) {
			mnl_attr_nest_cancel(nlh, nest);
			return false;
		}
	}
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/* The request of node_cmds[which] for req; false if it does not fit. */
static bool build_request(struct nlmsghdr *nlh, enum node_cmd which,
			  const struct node_request *req)
{
	mnl_attr_put_strz(nlh, IPTO_NODE_A_IFNAME, req->ifname);
	mnl_attr_put_u32(nlh, IPTO_NODE_A_ID, req->id);
	if (which == NODE_ADD) {
		mnl_attr_put_strz(nlh, IPTO_NODE_A_NAME, req->name);
		if (req->self)
			mnl_attr_put_u8(nlh, IPTO_NODE_A_SELF, 1);
	}
	if (req->has_state)
		mnl_attr_put_u8(nlh, IPTO_NODE_A_STATE, req->state);
	if (req->has_standby)
		mnl_attr_put(nlh, IPTO_NODE_A_STANDBY,
			     req->standby.n * sizeof(req->standby.ids[0]),
			     req->standby.ids);
	if (req->has_failover)
		mnl_attr_put_u8(nlh, IPTO_NODE_A_FAILOVER, req->failover);
	return which != NODE_ADD || put_addrs(nlh, req);
}

static int send_node_cmd(enum node_cmd which, const struct node_request *req)
{
	struct ipto_nl *nl = open_ipto();
	struct nlmsghdr *nlh;
	int ret;

	if (!nl)
		return EXIT_FAILED;
	nlh = ipto_nl_msg(nl, node_cmds[which].cmd, 0);
	if (!build_request(nlh, which, req)) {
		fprintf(stderr, PROG ": %s: the request is too large\n",
			node_cmds[which].name);
		ret = EXIT_FAILED;
	} else {
		ret = ipto_nl_request(nl, nlh, NULL, NULL);
		ret = ret < 0 ? report_failure(nl, ret, "") : EXIT_OK;
	}
	ipto_nl_close(nl);
	return ret;
}

static int run_node_cmd(enum node_cmd which, int argc, char **argv)
{
	struct node_request req = { .ifname = NULL };
	int ret;

	ret = parse_node_args(which, argc, argv, &req);
	if (ret == EXIT_OK)
		ret = send_node_cmd(which, &req);
	free(req.addrs);
	return ret;
}

int cmd_node_add(const struct options *opts, int argc, char **argv)
{
	(void)opts;
	return run_node_cmd(NODE_ADD, argc, argv);
}

int cmd_node_set(const struct options *opts, int argc, char **argv)
{
	(void)opts;
	return run_node_cmd(NODE_SET, argc, argv);
}

int cmd_node_del(const struct options *opts, int argc, char **argv)
{
	(void)opts;
	return run_node_cmd(NODE_DEL, argc, argv);
}

int cmd_node_failback(const struct options *opts, int argc, char **argv)
{
	(void)opts;
	return run_node_cmd(NODE_FAILBACK, argc, argv);
}
