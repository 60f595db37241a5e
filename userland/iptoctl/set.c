// SPDX-License-Identifier: GPL-2.0
/*
 * set: the commands on an ipto device as a whole: "iptoctl set" changes its
 * settings and "iptoctl fence" fences it or lifts the fence (both
 * IPTO_CMD_DEV_SET), "iptoctl lease" renews its lease (IPTO_CMD_LEASE).
 * The values are only parsed here; their ranges are the kernel's to check.
 */
#include <linux/ipto.h>

#include "args.h"
#include "lib/names.h"
#include "subcommands.h"

enum value_kind { VALUE_U32, VALUE_ON_OFF, VALUE_ACTION, VALUE_FAILBACK };

/* A setting: its keyword, its attribute, and what its value is. */
static const struct setting {
	const char *name;
	uint16_t attr;
	enum value_kind kind;
} settings[] = {
	{ "announce_count", IPTO_DEV_A_ANNOUNCE_COUNT, VALUE_U32 },
	{ "announce_interval_ms", IPTO_DEV_A_ANNOUNCE_INTERVAL_MS, VALUE_U32 },
	{ "reply_rate", IPTO_DEV_A_REPLY_RATE, VALUE_U32 },
	{ "reply_burst", IPTO_DEV_A_REPLY_BURST, VALUE_U32 },
	{ "lease_ms", IPTO_DEV_A_LEASE_MS, VALUE_U32 },
	{ "echo_reply", IPTO_DEV_A_ECHO_REPLY, VALUE_ON_OFF },
	{ "default_action", IPTO_DEV_A_DEFAULT_ACTION, VALUE_ACTION },
	{ "failback", IPTO_DEV_A_FAILBACK, VALUE_FAILBACK },
};

#define N_SETTINGS MNL_ARRAY_SIZE(settings)

/* What "set" was given: the device and, per setting, a value or none. */
struct set_request {
	const char *ifname;
	bool given[N_SETTINGS];
	uint32_t value[N_SETTINGS];
};

static const char *const kind_needs[] = {
	[VALUE_U32] = "a number",
	[VALUE_ON_OFF] = "on or off",
	[VALUE_ACTION] = ACTION_WORDS,
	[VALUE_FAILBACK] = FAILBACK_WORDS,
};

static int parse_value(const struct setting *s, const char *text,
		       uint32_t *value)
{
	uint8_t small = 0;
	int ret;

	switch (s->kind) {
	case VALUE_ON_OFF:
		ret = parse_on_off("set", s->name, text, &small);
		break;
	case VALUE_ACTION:
		ret = parse_action("set", s->name, text, &small);
		break;
	case VALUE_FAILBACK:
		ret = parse_failback("set", s->name, text, &small);
		break;
	default:
		return parse_u32("set", s->name, text, value);
	}
	*value = small;
	return ret;
}

static int parse_set_args(int argc, char **argv, struct set_request *req)
{
	struct keyword kws[1 + N_SETTINGS] = {
		{ .name = "dev", .needs = "a device name", .required = true },
	};
	bool any = false;
	size_t i;
	int ret;

	for (i = 0; i < N_SETTINGS; i++) {
		kws[1 + i].name = settings[i].name;
		kws[1 + i].needs = kind_needs[settings[i].kind];
	}
	ret = parse_keywords("set", argc, argv, kws, MNL_ARRAY_SIZE(kws));
	if (ret == EXIT_OK)
		ret = parse_ifname("set", kws[0].value);
	for (i = 0; ret == EXIT_OK && i < N_SETTINGS; i++) {
		const char *text = kws[1 + i].value;

		if (!text)
			continue;
		req->given[i] = true;
		any = true;
		ret = parse_value(&settings[i], text, &req->value[i]);
	}
	if (ret == EXIT_OK && !any)
		return usage_error("set: nothing to set: give at least one setting");
	req->ifname = kws[0].value;
	return ret;
}

int cmd_set(const struct options *opts, int argc, char **argv)
{
	struct set_request req = { .ifname = NULL };
	struct nlmsghdr *nlh;
	struct ipto_nl *nl;
	size_t i;
	int ret;

	(void)opts;
	ret = parse_set_args(argc, argv, &req);
	if (ret != EXIT_OK)
		return ret;
	nl = open_ipto();
	if (!nl)
		return EXIT_FAILED;

	nlh = ipto_nl_msg(nl, IPTO_CMD_DEV_SET, 0);
	mnl_attr_put_strz(nlh, IPTO_DEV_A_IFNAME, req.ifname);
	for (i = 0; i < N_SETTINGS; i++) {
		if (!req.given[i])
			continue;
		if (settings[i].kind == VALUE_U32)
			mnl_attr_put_u32(nlh, settings[i].attr, req.value[i]);
		else
			mnl_attr_put_u8(nlh, settings[i].attr, (uint8_t)req.value[i]);
	}
	ret = ipto_nl_request(nl, nlh, NULL, NULL);
	ret = ret < 0 ? report_failure(nl, ret, "") : EXIT_OK;
	ipto_nl_close(nl);
	return ret;
}

/* Sends a request on the device named ifname, with nothing or a u8 more. */
static int send_dev_cmd(uint8_t cmd, const char *ifname, uint16_t attr,
			uint8_t value)
{
	struct nlmsghdr *nlh;
	struct ipto_nl *nl;
	int ret;

	nl = open_ipto();
	if (!nl)
		return EXIT_FAILED;
	nlh = ipto_nl_msg(nl, cmd, 0);
	mnl_attr_put_strz(nlh, IPTO_DEV_A_IFNAME, ifname);
	if (attr)
		mnl_attr_put_u8(nlh, attr, value);
	ret = ipto_nl_request(nl, nlh, NULL, NULL);
	ret = ret < 0 ? report_failure(nl, ret, "") : EXIT_OK;
	ipto_nl_close(nl);
	return ret;
}

int cmd_fence(const struct options *opts, int argc, char **argv)
{
	enum { KW_DEV, KW_ON, KW_OFF };
	struct keyword kws[] = {
		[KW_DEV] = { .name = "dev", .needs = "a device name", .required = true },
		[KW_ON] = { .name = "on", .flag = true },
		[KW_OFF] = { .name = "off", .flag = true },
	};
	int ret;

	(void)opts;
	ret = parse_keywords("fence", argc, argv, kws, MNL_ARRAY_SIZE(kws));
	if (ret == EXIT_OK)
		ret = parse_ifname("fence", kws[KW_DEV].value);
	if (ret != EXIT_OK)
		return ret;
	if (!kws[KW_ON].value == !kws[KW_OFF].value)
		return usage_error("fence: give one of 'on' and 'off'");
	return send_dev_cmd(IPTO_CMD_DEV_SET, kws[KW_DEV].value, IPTO_DEV_A_FENCED,
			    kws[KW_ON].value ? IPTO_FENCE_REQUEST : IPTO_FENCE_NONE);
}

int cmd_lease(const struct options *opts, int argc, char **argv)
{
	struct keyword kws[] = {
		{ .name = "dev", .needs = "a device name", .required = true },
	};
	int ret;

	(void)opts;
	ret = parse_keywords("lease", argc, argv, kws, MNL_ARRAY_SIZE(kws));
	if (ret == EXIT_OK)
		ret = parse_ifname("lease", kws[0].value);
	if (ret != EXIT_OK)
		return ret;
	return send_dev_cmd(IPTO_CMD_LEASE, kws[0].value, 0, 0);
}
