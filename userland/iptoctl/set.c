// SPDX-License-Identifier: GPL-2.0
/*
 * set: the commands on an ipto device as a whole: "iptoctl set" changes its
 * settings and "iptoctl fence" fences it or lifts the fence (both
 * IPTO_CMD_DEV_SET), "iptoctl lease" renews its lease (IPTO_CMD_LEASE).
 * The values are only parsed here; their ranges are the kernel's to check.
 */
#include <linux/ipto.h>

#include "args.h"
#include "lib/dev_settings.h"
#include "lib/names.h"
#include "subcommands.h"

#define N_SETTINGS n_dev_settings

/* What "set" was given: the device and, per setting, a value or none. */
struct set_request {
	const char *ifname;
	bool given[IPTO_DEV_A_MAX];
	uint32_t value[IPTO_DEV_A_MAX];
};

/* What a value of each kind is, in words and as the usage writes it. */
static const struct {
	const char *needs;
	const char *usage;
} kinds[] = {
	[SETTING_NUMBER] = { "a number", "N" },
	[SETTING_ON_OFF] = { "on or off", "on|off" },
	[SETTING_ACTION] = { ACTION_WORDS, "reject|drop|serve" },
	[SETTING_FAILBACK] = { FAILBACK_WORDS, "auto|manual" },
};
_Static_assert(MNL_ARRAY_SIZE(kinds) == SETTING_FAILBACK + 1,
	       "every kind of setting needs its words");

static int parse_value(const struct dev_setting *s, const char *text,
		       uint32_t *value)
{
	uint8_t small = 0;
	int ret;

	switch (s->kind) {
	case SETTING_ON_OFF:
		ret = parse_on_off("set", s->name, text, &small);
		break;
	case SETTING_ACTION:
		ret = parse_action("set", s->name, text, &small);
		break;
	case SETTING_FAILBACK:
		ret = parse_failback("set", s->name, text, &small);
		break;
	default:
		return parse_u32("set", s->name, text, value);
	}
	*value = small;
	return ret;
}

/*
 * "dev DEV [announce_count N] ...": the arguments of "set" as help shows
 * them, one bracket per row of the settings table, wrapped.
 */
const char *set_usage(void)
{
	static char usage[1024];
	size_t len, line, i;

	len = line = (size_t)snprintf(usage, sizeof(usage), "dev DEV");
	for (i = 0; i < N_SETTINGS && len < sizeof(usage); i++) {
		char item[128];
		size_t n;

		n = (size_t)snprintf(item, sizeof(item), " [%s %s]", dev_settings[i].name,
				     kinds[dev_settings[i].kind].usage);
		if (line + n > 56) {
			len += (size_t)snprintf(usage + len, sizeof(usage) - len,
						"\n               ");
			line = 0;
		}
		if (len < sizeof(usage))
			len += (size_t)snprintf(usage + len, sizeof(usage) - len, "%s", item);
		line += n;
	}
	return usage;
}

static int parse_set_args(int argc, char **argv, struct set_request *req)
{
	struct keyword kws[1 + IPTO_DEV_A_MAX] = {
		{ .name = "dev", .needs = "a device name", .required = true },
	};
	bool any = false;
	size_t i;
	int ret;

	for (i = 0; i < N_SETTINGS; i++) {
		kws[1 + i].name = dev_settings[i].name;
		kws[1 + i].needs = kinds[dev_settings[i].kind].needs;
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
		ret = parse_value(&dev_settings[i], text, &req->value[i]);
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
		if (dev_settings[i].kind == SETTING_NUMBER)
			mnl_attr_put_u32(nlh, dev_settings[i].attr, req.value[i]);
		else
			mnl_attr_put_u8(nlh, dev_settings[i].attr, (uint8_t)req.value[i]);
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
