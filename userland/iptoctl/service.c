// SPDX-License-Identifier: GPL-2.0
/*
 * service: "iptoctl service add", "service set" and "service del": the
 * services of a node on an ipto device, with their own failover and standby
 * (IPTO_CMD_SERVICE_ADD/SET/DEL).
 */
#include <linux/ipto.h>

#include "args.h"
#include "lib/names.h"
#include "subcommands.h"

/*
 * The keywords, in this order: "service del" takes the first three,
 * "service set" the first six, "service add" all.
 */
enum {
	KW_DEV, KW_NODE, KW_NAME, KW_DEL_COUNT,
	KW_ACTION = KW_DEL_COUNT, KW_STANDBY, KW_FAILOVER, KW_SET_COUNT,
	KW_PROTO = KW_SET_COUNT, KW_PORT, KW_ADD_COUNT,
};

enum svc_cmd { SVC_ADD, SVC_SET, SVC_DEL };

static const struct {
	const char *name;	/* for messages: "service add" */
	uint8_t cmd;
	size_t n_keywords;
} svc_cmds[] = {
	[SVC_ADD] = { "service add", IPTO_CMD_SERVICE_ADD, KW_ADD_COUNT },
	[SVC_SET] = { "service set", IPTO_CMD_SERVICE_SET, KW_SET_COUNT },
	[SVC_DEL] = { "service del", IPTO_CMD_SERVICE_DEL, KW_DEL_COUNT },
};

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
	bool has_standby;
	struct cli_standby standby;
	bool has_failover;
	uint8_t failover;
};

/* What "service add" and "service set" may change: action, standby, failover. */
static int parse_change_args(const char *cmd, const struct keyword *kws,
			     struct svc_request *req)
{
	int ret = EXIT_OK;

	if (kws[KW_ACTION].value) {
		req->has_action = true;
		ret = parse_action(cmd, "action", kws[KW_ACTION].value,
				   &req->action);
	}
	if (ret == EXIT_OK && kws[KW_STANDBY].value) {
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

/* The rest of "service add": protocol and ports. */
static int parse_add_args(const char *cmd, const struct keyword *kws,
			  struct svc_request *req)
{
	int ret;

	ret = parse_proto(cmd, kws[KW_PROTO].value, &req->proto);
	if (ret == EXIT_OK)
		ret = parse_port_range(cmd, kws[KW_PORT].value, &req->port_min,
				       &req->port_max, &req->has_port_max);
	return ret;
}

static int parse_svc_args(enum svc_cmd which, int argc, char **argv,
			  struct svc_request *req)
{
	struct keyword kws[] = {
		[KW_DEV] = { .name = "dev", .needs = "a device name", .required = true },
		[KW_NODE] = { .name = "node", .needs = "a node number", .required = true },
		[KW_NAME] = { .name = "name", .needs = "a service name", .required = true },
		[KW_ACTION] = { .name = "action", .needs = ACTION_WORDS },
		[KW_STANDBY] = { .name = "standby", .needs = "node numbers N[,N...] or none" },
		[KW_FAILOVER] = { .name = "failover", .needs = "on or off" },
		[KW_PROTO] = { .name = "proto", .needs = PROTO_WORDS, .required = true },
		[KW_PORT] = { .name = "port", .needs = "a port or a range P-Q", .required = true },
	};
	const char *cmd = svc_cmds[which].name;
	int ret;

	ret = parse_keywords(cmd, argc, argv, kws, svc_cmds[which].n_keywords);
	if (ret == EXIT_OK)
		ret = parse_ifname(cmd, kws[KW_DEV].value);
	if (ret == EXIT_OK)
		ret = parse_u32(cmd, "node", kws[KW_NODE].value, &req->node);
	if (ret == EXIT_OK)
		ret = parse_name(cmd, "name", kws[KW_NAME].value,
				 IPTO_SERVICE_NAME_LEN);
	if (ret == EXIT_OK && which == SVC_ADD)
		ret = parse_add_args(cmd, kws, req);
	if (ret == EXIT_OK && which != SVC_DEL)
		ret = parse_change_args(cmd, kws, req);
	if (ret == EXIT_OK && which == SVC_SET && !req->has_action &&
	    !req->has_standby && !req->has_failover)
		return usage_error("%s: nothing to set: give action, standby or failover",
				   cmd);
	req->ifname = kws[KW_DEV].value;
	req->name = kws[KW_NAME].value;
	return ret;
}

/* The request of svc_cmds[which] for req. */
static int send_svc_cmd(enum svc_cmd which, const struct svc_request *req)
{
	struct ipto_nl *nl = open_ipto();
	struct nlmsghdr *nlh;
	int ret;

	if (!nl)
		return EXIT_FAILED;
	nlh = ipto_nl_msg(nl, svc_cmds[which].cmd, 0);
	mnl_attr_put_strz(nlh, IPTO_SVC_A_IFNAME, req->ifname);
	mnl_attr_put_u32(nlh, IPTO_SVC_A_NODE, req->node);
	mnl_attr_put_strz(nlh, IPTO_SVC_A_NAME, req->name);
	if (which == SVC_ADD) {
		mnl_attr_put_u8(nlh, IPTO_SVC_A_PROTO, req->proto);
		mnl_attr_put_u16(nlh, IPTO_SVC_A_PORT_MIN, req->port_min);
		if (req->has_port_max)
			mnl_attr_put_u16(nlh, IPTO_SVC_A_PORT_MAX, req->port_max);
	}
	if (req->has_action)
		mnl_attr_put_u8(nlh, IPTO_SVC_A_ACTION, req->action);
	if (req->has_standby)
		mnl_attr_put(nlh, IPTO_SVC_A_STANDBY,
			     req->standby.n * sizeof(req->standby.ids[0]),
			     req->standby.ids);
	if (req->has_failover)
		mnl_attr_put_u8(nlh, IPTO_SVC_A_FAILOVER, req->failover);
	ret = ipto_nl_request(nl, nlh, NULL, NULL);
	ret = ret < 0 ? report_failure(nl, ret, "") : EXIT_OK;
	ipto_nl_close(nl);
	return ret;
}

static int run_svc_cmd(enum svc_cmd which, int argc, char **argv)
{
	struct svc_request req = { .ifname = NULL };
	int ret;

	ret = parse_svc_args(which, argc, argv, &req);
	return ret != EXIT_OK ? ret : send_svc_cmd(which, &req);
}

int cmd_service_add(const struct options *opts, int argc, char **argv)
{
	(void)opts;
	return run_svc_cmd(SVC_ADD, argc, argv);
}

int cmd_service_set(const struct options *opts, int argc, char **argv)
{
	(void)opts;
	return run_svc_cmd(SVC_SET, argc, argv);
}

int cmd_service_del(const struct options *opts, int argc, char **argv)
{
	(void)opts;
	return run_svc_cmd(SVC_DEL, argc, argv);
}
