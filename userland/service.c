// SPDX-License-Identifier: GPL-2.0
/*
 * service: "iptoctl service add" and "iptoctl service del": the services of
 * a node on an ipto device (IPTO_CMD_SERVICE_ADD/DEL).
 */
#include <string.h>

#include <linux/ipto.h>

#include "args.h"
#include "names.h"
#include "subcommands.h"

/* The keywords, in this order; "service del" takes the first three. */
enum { KW_DEV, KW_NODE, KW_NAME, KW_PROTO, KW_PORT, KW_ACTION, KW_DEL_COUNT = KW_PROTO };

struct svc_request {
	const char *ifname;
	uint32_t node;
	const char *name;
	uint8_t proto;
	uint16_t port_min;
	uint16_t port_max;
	bool has_port_max;
	bool has_action;
	uint8_t action;
};

static int parse_name(const char *cmd, const char *value)
{
	if (strlen(value) >= IPTO_SERVICE_NAME_LEN)
		return usage_error("%s: name '%s' is too long (at most %d characters)",
				   cmd, value, IPTO_SERVICE_NAME_LEN - 1);
	return EXIT_OK;
}

/* The rest of "service add": protocol, ports, action. */
static int parse_add_args(const char *cmd, const struct keyword *kws,
			  struct svc_request *req)
{
	int ret;

	ret = parse_proto(cmd, kws[KW_PROTO].value, &req->proto);
	if (ret == EXIT_OK)
		ret = parse_port_range(cmd, kws[KW_PORT].value, &req->port_min,
				       &req->port_max, &req->has_port_max);
	if (ret == EXIT_OK && kws[KW_ACTION].value) {
		req->has_action = true;
		ret = parse_action(cmd, "action", kws[KW_ACTION].value,
				   &req->action);
	}
	return ret;
}

static int parse_svc_args(const char *cmd, int argc, char **argv, bool add,
			  struct svc_request *req)
{
	struct keyword kws[] = {
		[KW_DEV] = { .name = "dev", .needs = "a device name", .required = true },
		[KW_NODE] = { .name = "node", .needs = "a node number", .required = true },
		[KW_NAME] = { .name = "name", .needs = "a service name", .required = true },
		[KW_PROTO] = { .name = "proto", .needs = PROTO_WORDS, .required = true },
		[KW_PORT] = { .name = "port", .needs = "a port or a range P-Q", .required = true },
		[KW_ACTION] = { .name = "action", .needs = ACTION_WORDS },
	};
	int ret;

	ret = parse_keywords(cmd, argc, argv, kws,
			     add ? MNL_ARRAY_SIZE(kws) : KW_DEL_COUNT);
	if (ret == EXIT_OK)
		ret = parse_ifname(cmd, kws[KW_DEV].value);
	if (ret == EXIT_OK)
		ret = parse_u32(cmd, "node", kws[KW_NODE].value, &req->node);
	if (ret == EXIT_OK)
		ret = parse_name(cmd, kws[KW_NAME].value);
	if (ret == EXIT_OK && add)
		ret = parse_add_args(cmd, kws, req);
	req->ifname = kws[KW_DEV].value;
	req->name = kws[KW_NAME].value;
	return ret;
}

/* IPTO_CMD_SERVICE_ADD or IPTO_CMD_SERVICE_DEL for req. */
static int send_svc_cmd(uint8_t cmd, const struct svc_request *req)
{
	struct ipto_nl *nl = open_ipto();
	struct nlmsghdr *nlh;
	int ret;

	if (!nl)
		return EXIT_FAILED;
	nlh = ipto_nl_msg(nl, cmd, 0);
	mnl_attr_put_strz(nlh, IPTO_SVC_A_IFNAME, req->ifname);
	mnl_attr_put_u32(nlh, IPTO_SVC_A_NODE, req->node);
	mnl_attr_put_strz(nlh, IPTO_SVC_A_NAME, req->name);
	if (cmd == IPTO_CMD_SERVICE_ADD) {
		mnl_attr_put_u8(nlh, IPTO_SVC_A_PROTO, req->proto);
		mnl_attr_put_u16(nlh, IPTO_SVC_A_PORT_MIN, req->port_min);
		if (req->has_port_max)
			mnl_attr_put_u16(nlh, IPTO_SVC_A_PORT_MAX, req->port_max);
		if (req->has_action)
			mnl_attr_put_u8(nlh, IPTO_SVC_A_ACTION, req->action);
	}
	ret = ipto_nl_request(nl, nlh, NULL, NULL);
	ret = ret < 0 ? report_failure(nl, ret, "") : EXIT_OK;
	ipto_nl_close(nl);
	return ret;
}

int cmd_service_add(const struct options *opts, int argc, char **argv)
{
	struct svc_request req = { .ifname = NULL };
	int ret;

	(void)opts;
	ret = parse_svc_args("service add", argc, argv, true, &req);
	return ret != EXIT_OK ? ret : send_svc_cmd(IPTO_CMD_SERVICE_ADD, &req);
}

int cmd_service_del(const struct options *opts, int argc, char **argv)
{
	struct svc_request req = { .ifname = NULL };
	int ret;

	(void)opts;
	ret = parse_svc_args("service del", argc, argv, false, &req);
	return ret != EXIT_OK ? ret : send_svc_cmd(IPTO_CMD_SERVICE_DEL, &req);
}
