// SPDX-License-Identifier: GPL-2.0
/*
 * iptoctl: the command line interface to the ipto kernel module; it asks the
 * kernel over generic netlink and prints what it says, as text or JSON.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>
#include <linux/genetlink.h>

#include <linux/ipto.h>

#include "lib/ipto_nl.h"

#ifndef IPTO_VERSION
#define IPTO_VERSION "unknown"
#endif

#define PROG "iptoctl"

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* the kernel refused or something failed */
	EXIT_USAGE = 2,		/* bad command line */
};

struct options {
	bool json;
	bool pretty;
};

struct command {
	const char *name;
	int (*handler)(const struct options *opts, int argc, char **argv);
	const char *args;
	const char *help;
};

/* An ipto device as IPTO_CMD_DEV_GET reports it. */
struct ipto_dev {
	uint32_t ifindex;
	char ifname[IFNAMSIZ];
	uint32_t link_ifindex;
	uint32_t announce_count;
	uint32_t announce_interval_ms;
	uint32_t reply_rate;
	uint32_t reply_burst;
	uint32_t lease_ms;
	bool echo_reply;
	uint8_t default_action;
};

static const char *const action_names[] = {
	[IPTO_ACTION_REJECT] = "reject",
	[IPTO_ACTION_DROP] = "drop",
	[IPTO_ACTION_SERVE] = "serve",
};
_Static_assert(MNL_ARRAY_SIZE(action_names) == IPTO_ACTION_MAX + 1,
	       "every enum ipto_action needs a name");

static const enum mnl_attr_data_type dev_attr_types[IPTO_DEV_A_MAX + 1] = {
	[IPTO_DEV_A_IFINDEX] = MNL_TYPE_U32,
	[IPTO_DEV_A_IFNAME] = MNL_TYPE_NUL_STRING,
	[IPTO_DEV_A_LINK_IFINDEX] = MNL_TYPE_U32,
	[IPTO_DEV_A_ANNOUNCE_COUNT] = MNL_TYPE_U32,
	[IPTO_DEV_A_ANNOUNCE_INTERVAL_MS] = MNL_TYPE_U32,
	[IPTO_DEV_A_REPLY_RATE] = MNL_TYPE_U32,
	[IPTO_DEV_A_REPLY_BURST] = MNL_TYPE_U32,
	[IPTO_DEV_A_LEASE_MS] = MNL_TYPE_U32,
	[IPTO_DEV_A_ECHO_REPLY] = MNL_TYPE_U8,
	[IPTO_DEV_A_DEFAULT_ACTION] = MNL_TYPE_U8,
};

static const char usage_hint[] = "Try '" PROG " help' for more information.\n";

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage_hint, stderr);
	return EXIT_USAGE;
}

/* Prints a failed request: errno text, then the kernel's (or our) detail. */
static int report_failure(const struct ipto_nl *nl, int error,
			  const char *detail)
{
	uint32_t offset;

	if (!detail[0] && ipto_nl_extack(nl))
		detail = ipto_nl_extack(nl);
	if (detail[0])
		fprintf(stderr, PROG ": %s: %s\n", strerror(-error), detail);
	else if (ipto_nl_extack_offset(nl, &offset))
		fprintf(stderr, PROG ": %s: bad attribute at byte %u of the request\n",
			strerror(-error), offset);
	else
		fprintf(stderr, PROG ": %s\n", strerror(-error));
	return EXIT_FAILED;
}

static const char *action_name(uint8_t action)
{
	return action <= IPTO_ACTION_MAX ? action_names[action] : "unknown";
}

/* Checks and collects the attributes of a device answer. */
struct dev_attrs {
	const struct nlattr *tb[IPTO_DEV_A_MAX + 1];
	uint16_t bad_type;
};

static int on_dev_attr(const struct nlattr *attr, void *data)
{
	struct dev_attrs *attrs = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type == IPTO_DEV_A_UNSPEC || type > IPTO_DEV_A_MAX)
		return MNL_CB_OK;	/* not ours to show */
	if (mnl_attr_validate(attr, dev_attr_types[type]) < 0 ||
	    (type == IPTO_DEV_A_IFNAME &&
	     mnl_attr_get_payload_len(attr) > IFNAMSIZ)) {
		attrs->bad_type = type;
		return MNL_CB_ERROR;
	}
	attrs->tb[type] = attr;
	return MNL_CB_OK;
}

/* Fills dev from an answer, or says in problem what is wrong with it. */
static int parse_dev(const struct nlmsghdr *nlh, struct ipto_dev *dev,
		     char *problem, size_t len)
{
	struct dev_attrs attrs = { .bad_type = 0 };
	const struct nlattr **tb = attrs.tb;
	uint16_t type;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN) {
		snprintf(problem, len, "kernel answer too short");
		return -1;
	}
	if (mnl_attr_parse(nlh, GENL_HDRLEN, on_dev_attr, &attrs) < 0) {
		snprintf(problem, len, "kernel answer has an invalid attribute %u",
			 attrs.bad_type);
		return -1;
	}
	/* The contract: every answer carries every attribute. */
	for (type = IPTO_DEV_A_UNSPEC + 1; type <= IPTO_DEV_A_MAX; type++) {
		if (!tb[type]) {
			snprintf(problem, len, "kernel answer lacks attribute %u",
				 type);
			return -1;
		}
	}

	dev->ifindex = mnl_attr_get_u32(tb[IPTO_DEV_A_IFINDEX]);
	snprintf(dev->ifname, sizeof(dev->ifname), "%s",
		 mnl_attr_get_str(tb[IPTO_DEV_A_IFNAME]));
	dev->link_ifindex = mnl_attr_get_u32(tb[IPTO_DEV_A_LINK_IFINDEX]);
	dev->announce_count = mnl_attr_get_u32(tb[IPTO_DEV_A_ANNOUNCE_COUNT]);
	dev->announce_interval_ms =
		mnl_attr_get_u32(tb[IPTO_DEV_A_ANNOUNCE_INTERVAL_MS]);
	dev->reply_rate = mnl_attr_get_u32(tb[IPTO_DEV_A_REPLY_RATE]);
	dev->reply_burst = mnl_attr_get_u32(tb[IPTO_DEV_A_REPLY_BURST]);
	dev->lease_ms = mnl_attr_get_u32(tb[IPTO_DEV_A_LEASE_MS]);
	dev->echo_reply = mnl_attr_get_u8(tb[IPTO_DEV_A_ECHO_REPLY]) != 0;
	dev->default_action = mnl_attr_get_u8(tb[IPTO_DEV_A_DEFAULT_ACTION]);
	return 0;
}

static void print_dev_text(const struct ipto_dev *dev)
{
	char link[32];

	if (!if_indextoname(dev->link_ifindex, link))
		snprintf(link, sizeof(link), "ifindex %u", dev->link_ifindex);
	printf("%s: link %s\n", dev->ifname, link);

	if (dev->announce_count)
		printf("  announce: %u packet%s, %u ms apart\n",
		       dev->announce_count, dev->announce_count == 1 ? "" : "s",
		       dev->announce_interval_ms);
	else
		printf("  announce: off\n");
	printf("  replies: %u/s, burst %u\n", dev->reply_rate, dev->reply_burst);
	if (dev->lease_ms)
		printf("  lease: %u ms\n", dev->lease_ms);
	else
		printf("  lease: off\n");
	printf("  echo reply: %s\n", dev->echo_reply ? "on" : "off");
	printf("  default action: %s\n", action_name(dev->default_action));
}

static json_object *dev_to_json(const struct ipto_dev *dev)
{
	json_object *obj = json_object_new_object();
	char link[IF_NAMESIZE];

	if (!obj)
		return NULL;
	json_object_object_add(obj, "ifname", json_object_new_string(dev->ifname));
	json_object_object_add(obj, "ifindex", json_object_new_int64(dev->ifindex));
	json_object_object_add(obj, "link",
			       if_indextoname(dev->link_ifindex, link) ?
			       json_object_new_string(link) : NULL);
	json_object_object_add(obj, "link_ifindex",
			       json_object_new_int64(dev->link_ifindex));
	json_object_object_add(obj, "announce_count",
			       json_object_new_int64(dev->announce_count));
	json_object_object_add(obj, "announce_interval_ms",
			       json_object_new_int64(dev->announce_interval_ms));
	json_object_object_add(obj, "reply_rate",
			       json_object_new_int64(dev->reply_rate));
	json_object_object_add(obj, "reply_burst",
			       json_object_new_int64(dev->reply_burst));
	json_object_object_add(obj, "lease_ms",
			       json_object_new_int64(dev->lease_ms));
	json_object_object_add(obj, "echo_reply",
			       json_object_new_boolean(dev->echo_reply));
	json_object_object_add(obj, "default_action",
			       json_object_new_string(action_name(dev->default_action)));
	return obj;
}

static int print_json(json_object *obj, const struct options *opts)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (opts->pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
				 JSON_C_TO_STRING_PLAIN);
	const char *text = json_object_to_json_string_ext(obj, flags);

	if (!text)
		return -ENOMEM;
	puts(text);
	return 0;
}

/* What "show" gathers while the answer comes in. */
struct show_ctx {
	json_object *devs;	/* JSON mode: the array being built */
	unsigned int shown;	/* text mode: devices printed so far */
	char problem[96];	/* what was wrong with a bad answer */
};

static int on_dev_msg(const struct nlmsghdr *nlh, void *data)
{
	struct show_ctx *ctx = data;
	struct ipto_dev dev;
	json_object *obj;

	if (parse_dev(nlh, &dev, ctx->problem, sizeof(ctx->problem)) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!ctx->devs) {
		if (ctx->shown++)
			putchar('\n');
		print_dev_text(&dev);
		return MNL_CB_OK;
	}
	obj = dev_to_json(&dev);
	if (!obj || json_object_array_add(ctx->devs, obj) < 0) {
		json_object_put(obj);
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* show [dev DEV]: sets *ifname to DEV, or leaves it NULL for all devices. */
static int parse_show_args(int argc, char **argv, const char **ifname)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "dev") != 0)
			return usage_error("show: unknown argument '%s'", argv[i]);
		if (*ifname)
			return usage_error("show: 'dev' given twice");
		if (++i == argc || !argv[i][0])
			return usage_error("show: 'dev' needs a device name");
		if (strlen(argv[i]) >= IFNAMSIZ)
			return usage_error("show: device name '%s' is too long (at most %d characters)",
					   argv[i], IFNAMSIZ - 1);
		*ifname = argv[i];
	}
	return EXIT_OK;
}

static int cmd_show(const struct options *opts, int argc, char **argv)
{
	struct show_ctx ctx = { .devs = NULL };
	const char *ifname = NULL;
	char err[256];
	struct ipto_nl *nl;
	struct nlmsghdr *nlh;
	int ret;

	ret = parse_show_args(argc, argv, &ifname);
	if (ret != EXIT_OK)
		return ret;

	nl = ipto_nl_open(err, sizeof(err));
	if (!nl) {
		fprintf(stderr, PROG ": %s\n", err);
		return EXIT_FAILED;
	}
	nlh = ipto_nl_msg(nl, IPTO_CMD_DEV_GET, ifname ? 0 : NLM_F_DUMP);
	if (ifname)
		mnl_attr_put_strz(nlh, IPTO_DEV_A_IFNAME, ifname);

	if (opts->json && !(ctx.devs = json_object_new_array()))
		ret = -ENOMEM;
	else
		ret = ipto_nl_request(nl, nlh, on_dev_msg, &ctx);
	if (ret == 0 && ctx.devs)
		ret = print_json(ctx.devs, opts);
	ret = ret < 0 ? report_failure(nl, ret, ctx.problem) : EXIT_OK;

	json_object_put(ctx.devs);
	ipto_nl_close(nl);
	return ret;
}

static int cmd_help(const struct options *opts, int argc, char **argv);

static const struct command commands[] = {
	{ "show", cmd_show, "[dev DEV]",
	  "show the settings of one ipto device, or of all" },
	{ "help", cmd_help, "", "show this help" },
};

static void print_usage(void)
{
	size_t i;

	printf("Usage: " PROG " [-j|--json] [-p|--pretty] COMMAND [ARGS]\n"
	       "       " PROG " -h|--help | -V|--version\n"
	       "\n"
	       "Options:\n"
	       "  -j, --json     print JSON\n"
	       "  -p, --pretty   print indented JSON (implies -j)\n"
	       "  -h, --help     show this help\n"
	       "  -V, --version  print the version\n"
	       "\n"
	       "Commands:\n");
	for (i = 0; i < MNL_ARRAY_SIZE(commands); i++) {
		char synopsis[64];

		snprintf(synopsis, sizeof(synopsis), "%s %s",
			 commands[i].name, commands[i].args);
		printf("  %-20s %s\n", synopsis, commands[i].help);
	}
}

static int cmd_help(const struct options *opts, int argc, char **argv)
{
	(void)opts;
	if (argc > 1)
		return usage_error("help: unknown argument '%s'", argv[1]);
	print_usage();
	return EXIT_OK;
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < MNL_ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

/* Makes a failed write to stdout (full disk, closed pipe) a failure. */
static int finish_output(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	fprintf(stderr, PROG ": cannot write output: %s\n", strerror(errno));
	return EXIT_FAILED;
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opts = { .json = false };
	const struct command *cmd;
	int opt;

	if (argc > 0)
		argv[0] = PROG;	/* the name getopt puts in its messages */
	while ((opt = getopt_long(argc, argv, "+jphV", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			opts.json = true;
			break;
		case 'p':
			opts.json = true;
			opts.pretty = true;
			break;
		case 'h':
			print_usage();
			return finish_output(EXIT_OK);
		case 'V':
			printf(PROG " %s\n", IPTO_VERSION);
			return finish_output(EXIT_OK);
		default:	/* getopt has said what is wrong */
			fputs(usage_hint, stderr);
			return EXIT_USAGE;
		}
	}

	if (optind >= argc)
		return usage_error("no command given");
	cmd = find_command(argv[optind]);
	if (!cmd)
		return usage_error("unknown command '%s'", argv[optind]);
	return finish_output(cmd->handler(&opts, argc - optind, argv + optind));
}
