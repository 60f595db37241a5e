// SPDX-License-Identifier: GPL-2.0
/*
 * monitor: "iptoctl monitor [dev DEV]": the events of the ipto devices
 * (IPTO_CMD_EVENT messages of the "events" multicast group), one line each
 * as they come, as text or JSON, until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <json.h>
#include <linux/genetlink.h>
#include <linux/ipto.h>

#include "args.h"
#include "lib/names.h"
#include "subcommands.h"

/*
 * The receive buffer the monitor asks for: a node's takeover brings one
 * event per home address, thousands at once.
 */
#define MONITOR_RCVBUF (8 * 1024 * 1024)

/* What the monitor works with while it runs. */
struct monitor {
	const struct options *opts;
	uint32_t ifindex;	/* the device to show events of; 0: every one */
	bool output_failed;	/* stdout cannot be written: stop */
};

/* One IPTO_CMD_EVENT message. */
struct event {
	uint8_t type;			/* enum ipto_event */
	uint32_t ifindex;
	bool has_node;
	uint32_t node;
	int family;			/* AF_INET, AF_INET6, or 0: no address */
	unsigned char addr[16];
	const char *service;		/* NULL: the node's own unit */
	bool has_owner;
	uint32_t owner;
	bool has_reason;
	uint8_t reason;			/* FENCED: enum ipto_fence */
	bool has_drain_progress;	/* NODE_DRAIN, once reported */
	uint32_t drain_conns;
	uint32_t drain_left_ms;
};

static const enum mnl_attr_data_type event_types[IPTO_EVENT_A_MAX + 1] = {
	[IPTO_EVENT_A_TYPE] = MNL_TYPE_U8,
	[IPTO_EVENT_A_IFINDEX] = MNL_TYPE_U32,
	[IPTO_EVENT_A_NODE] = MNL_TYPE_U32,
	[IPTO_EVENT_A_IPV4] = MNL_TYPE_BINARY,
	[IPTO_EVENT_A_IPV6] = MNL_TYPE_BINARY,
	[IPTO_EVENT_A_SERVICE] = MNL_TYPE_NUL_STRING,
	[IPTO_EVENT_A_OWNER] = MNL_TYPE_U32,
	[IPTO_EVENT_A_REASON] = MNL_TYPE_U8,
	[IPTO_EVENT_A_DRAIN_CONNS] = MNL_TYPE_U32,
	[IPTO_EVENT_A_DRAIN_LEFT_MS] = MNL_TYPE_U32,
};

/* The attributes of an event, each checked against event_types. */
static int on_event_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);
	size_t len = mnl_attr_get_payload_len(attr);

	if (type > IPTO_EVENT_A_MAX || event_types[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;	/* not ours to show */
	if (mnl_attr_validate(attr, event_types[type]) < 0 ||
	    (type == IPTO_EVENT_A_IPV4 && len != 4) ||
	    (type == IPTO_EVENT_A_IPV6 && len != 16)) {
		fprintf(stderr, PROG ": monitor: ignoring an event with an invalid attribute %u\n",
			type);
		return MNL_CB_ERROR;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

/* Whether nlh is an event this version can show; fills in ev. */
static bool parse_event(const struct nlmsghdr *nlh, struct event *ev)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IPTO_EVENT_A_MAX + 1] = { NULL };
	const struct nlattr *ip;

	if (genl->cmd != IPTO_CMD_EVENT ||
	    mnl_attr_parse(nlh, GENL_HDRLEN, on_event_attr, tb) < 0)
		return false;
	if (!tb[IPTO_EVENT_A_TYPE] || !tb[IPTO_EVENT_A_IFINDEX]) {
		fprintf(stderr, PROG ": monitor: ignoring an event without type or ifindex\n");
		return false;
	}
	memset(ev, 0, sizeof(*ev));
	ev->type = mnl_attr_get_u8(tb[IPTO_EVENT_A_TYPE]);
	ev->ifindex = mnl_attr_get_u32(tb[IPTO_EVENT_A_IFINDEX]);
	ev->has_node = tb[IPTO_EVENT_A_NODE] != NULL;
	if (ev->has_node)
		ev->node = mnl_attr_get_u32(tb[IPTO_EVENT_A_NODE]);
	ip = tb[IPTO_EVENT_A_IPV4] ? tb[IPTO_EVENT_A_IPV4] : tb[IPTO_EVENT_A_IPV6];
	if (ip) {
		ev->family = ip == tb[IPTO_EVENT_A_IPV4] ? AF_INET : AF_INET6;
		memcpy(ev->addr, mnl_attr_get_payload(ip),
		       mnl_attr_get_payload_len(ip));
	}
	if (tb[IPTO_EVENT_A_SERVICE])
		ev->service = mnl_attr_get_str(tb[IPTO_EVENT_A_SERVICE]);
	ev->has_owner = tb[IPTO_EVENT_A_OWNER] != NULL;
	if (ev->has_owner)
		ev->owner = mnl_attr_get_u32(tb[IPTO_EVENT_A_OWNER]);
	ev->has_reason = tb[IPTO_EVENT_A_REASON] != NULL;
	if (ev->has_reason)
		ev->reason = mnl_attr_get_u8(tb[IPTO_EVENT_A_REASON]);
	ev->has_drain_progress = tb[IPTO_EVENT_A_DRAIN_CONNS] && tb[IPTO_EVENT_A_DRAIN_LEFT_MS];
	if (ev->has_drain_progress) {
		ev->drain_conns = mnl_attr_get_u32(tb[IPTO_EVENT_A_DRAIN_CONNS]);
		ev->drain_left_ms = mnl_attr_get_u32(tb[IPTO_EVENT_A_DRAIN_LEFT_MS]);
	}
	return true;
}

/* " 10.0.0.11" when the event has an address. */
static void print_address(const struct event *ev)
{
	char ip[INET6_ADDRSTRLEN];

	if (ev->family && inet_ntop(ev->family, ev->addr, ip, sizeof(ip)))
		printf(" %s", ip);
}

/* The unit concerned: " node 2 service web", or " node 2 unit -" for its own. */
static void print_unit(const struct event *ev)
{
	if (ev->has_node)
		printf(" node %" PRIu32, ev->node);
	if (ev->service)
		printf(" service %s", ev->service);
	else
		printf(" unit -");
}

static void print_provider(const struct event *ev)
{
	if (ev->has_owner)
		printf(" (provided by %" PRIu32 ")", ev->owner);
}

/* " (lease)": why the device was fenced, as a word when there is one. */
static void print_reason(const struct event *ev)
{
	const char *word = fence_name(ev->reason);

	if (!ev->has_reason)
		return;
	if (word)
		printf(" (%s)", word);
	else
		printf(" (reason %u)", ev->reason);
}

static void print_event_text(const struct event *ev, const char *ifname)
{
	if (ifname)
		printf("%s:", ifname);
	else
		printf("ifindex %" PRIu32 ":", ev->ifindex);

	switch (ev->type) {
	case IPTO_EVENT_NODE_UP:
	case IPTO_EVENT_NODE_DOWN:
		printf(" node");
		if (ev->has_node)
			printf(" %" PRIu32, ev->node);
		printf(" %s", ev->type == IPTO_EVENT_NODE_UP ? "up" : "down");
		break;
	case IPTO_EVENT_NODE_DRAIN:
		printf(" node");
		if (ev->has_node)
			printf(" %" PRIu32, ev->node);
		printf(" drain");
		if (ev->has_drain_progress)
			printf(": connections left %" PRIu32 ", hands over in %" PRIu32
			       " ms at most", ev->drain_conns, ev->drain_left_ms);
		break;
	case IPTO_EVENT_ADOPTED:
		printf(" adopted");
		print_address(ev);
		if (ev->has_node)
			printf(" from node %" PRIu32, ev->node);
		break;
	case IPTO_EVENT_RELEASED:
		printf(" released");
		print_address(ev);
		if (ev->has_node)
			printf(" (node %" PRIu32 ")", ev->node);
		break;
	case IPTO_EVENT_GUARD_MARK:
	case IPTO_EVENT_GUARD_LIFT:
		printf(" guard %s", ev->type == IPTO_EVENT_GUARD_MARK ? "mark" : "lift");
		print_unit(ev);
		print_provider(ev);
		break;
	case IPTO_EVENT_ALERT:
		printf(" ALERT");
		print_unit(ev);
		printf(" has no fallback left");
		print_provider(ev);
		break;
	case IPTO_EVENT_FENCED:
		printf(" fenced");
		print_reason(ev);
		break;
	case IPTO_EVENT_UNFENCED:
		printf(" unfenced");
		break;
	default:	/* newer than this version: what it carries */
		printf(" event %u", ev->type);
		if (ev->has_node)
			printf(" node %" PRIu32, ev->node);
		print_address(ev);
		if (ev->service)
			printf(" service %s", ev->service);
		if (ev->has_owner)
			printf(" owner %" PRIu32, ev->owner);
		if (ev->has_reason)
			printf(" reason %u", ev->reason);
		break;
	}
	putchar('\n');
}

/* The event as one JSON object; absent fields are left out. */
static json_object *event_to_json(const struct event *ev, const char *ifname)
{
	json_object *obj = json_object_new_object();
	const char *name = event_name(ev->type);
	char ip[INET6_ADDRSTRLEN];

	if (!obj)
		return NULL;
	json_object_object_add(obj, "event", name ? json_object_new_string(name) :
			       json_object_new_int(ev->type));
	if (ifname)
		json_object_object_add(obj, "ifname", json_object_new_string(ifname));
	json_object_object_add(obj, "ifindex", json_object_new_int64(ev->ifindex));
	if (ev->has_node)
		json_object_object_add(obj, "node", json_object_new_int64(ev->node));
	if (ev->family && inet_ntop(ev->family, ev->addr, ip, sizeof(ip)))
		json_object_object_add(obj, "address", json_object_new_string(ip));
	if (ev->service)
		json_object_object_add(obj, "service",
				       json_object_new_string(ev->service));
	if (ev->has_owner)
		json_object_object_add(obj, "owner", json_object_new_int64(ev->owner));
	if (ev->has_drain_progress) {
		json_object_object_add(obj, "drain_connections",
				       json_object_new_int64(ev->drain_conns));
		json_object_object_add(obj, "drain_left_ms",
				       json_object_new_int64(ev->drain_left_ms));
	}
	if (ev->has_reason) {
		const char *reason = fence_name(ev->reason);

		json_object_object_add(obj, "reason",
				       reason ? json_object_new_string(reason) :
				       json_object_new_int(ev->reason));
	}
	return obj;
}

static int print_event_json(const struct event *ev, const char *ifname,
			    const struct options *opts)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (opts->pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
				 JSON_C_TO_STRING_PLAIN);
	json_object *obj = event_to_json(ev, ifname);
	const char *text = obj ? json_object_to_json_string_ext(obj, flags) : NULL;

	if (text)
		puts(text);
	json_object_put(obj);
	return text ? 0 : -ENOMEM;
}

/* Shows one notification, if it is an event of the device watched. */
static int on_event(const struct nlmsghdr *nlh, void *data)
{
	struct monitor *mon = data;
	char name[IF_NAMESIZE];
	const char *ifname;
	struct event ev;

	if (!parse_event(nlh, &ev) || (mon->ifindex && ev.ifindex != mon->ifindex))
		return MNL_CB_OK;
	ifname = if_indextoname(ev.ifindex, name);
	if (!mon->opts->json)
		print_event_text(&ev, ifname);
	else if (print_event_json(&ev, ifname, mon->opts) < 0)
		fprintf(stderr, PROG ": monitor: out of memory, an event is not shown\n");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		mon->output_failed = true;
		errno = EPIPE;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int on_dev_attr(const struct nlattr *attr, void *data)
{
	uint32_t *ifindex = data;

	if (mnl_attr_get_type(attr) == IPTO_DEV_A_IFINDEX &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		*ifindex = mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static int on_dev_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, GENL_HDRLEN, on_dev_attr, data);
}

/* The ifindex of the ipto device ifname, as the kernel says (IPTO_CMD_DEV_GET). */
static int lookup_dev(struct ipto_nl *nl, const char *ifname, uint32_t *ifindex)
{
	struct nlmsghdr *nlh = ipto_nl_msg(nl, IPTO_CMD_DEV_GET, 0);
	int ret;

	*ifindex = 0;
	mnl_attr_put_strz(nlh, IPTO_DEV_A_IFNAME, ifname);
	ret = ipto_nl_request(nl, nlh, on_dev_msg, ifindex);
	if (ret < 0)
		return report_failure(nl, ret, "");
	if (*ifindex == 0)
		return report_failure(nl, -EBADMSG,
				      "kernel device answer lacks its ifindex");
	return EXIT_OK;
}

/*
 * Blocks SIGINT and SIGTERM and returns a descriptor that becomes readable
 * when one comes, or -1 with errno set.
 */
static int open_signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -1;
	return signalfd(-1, &mask, SFD_CLOEXEC);
}

/*
 * Enlarges the socket's receive buffer, beyond net.core.rmem_max when
 * privileged; best effort: a burst too large for it is reported as lost.
 */
static void enlarge_rcvbuf(struct ipto_nl *nl)
{
	int fd = ipto_nl_fd(nl), size = MONITOR_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/* Joins the events group and says so on stderr. */
static int subscribe(struct ipto_nl *nl)
{
	int ret;

	enlarge_rcvbuf(nl);
	ret = ipto_nl_subscribe(nl, IPTO_MCGRP_EVENTS);

	if (ret == -ENOENT) {
		fprintf(stderr, PROG ": monitor: the ipto family has no \"%s\" group (is the module older than iptoctl?)\n",
			IPTO_MCGRP_EVENTS);
		return EXIT_FAILED;
	}
	if (ret < 0) {
		fprintf(stderr, PROG ": monitor: cannot join the \"%s\" group: %s\n",
			IPTO_MCGRP_EVENTS, strerror(-ret));
		return EXIT_FAILED;
	}
	fputs("monitor: listening\n", stderr);
	return EXIT_OK;
}

/* Shows events until a signal comes (EXIT_OK) or something fails. */
static int listen_events(struct ipto_nl *nl, int sigfd, struct monitor *mon)
{
	struct pollfd fds[] = {
		{ .fd = sigfd, .events = POLLIN },
		{ .fd = ipto_nl_fd(nl), .events = POLLIN },
	};
	int ret;

	for (;;) {
		if (poll(fds, MNL_ARRAY_SIZE(fds), -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": monitor: %s\n", strerror(errno));
			return EXIT_FAILED;
		}
		if (fds[0].revents)
			return EXIT_OK;
		if (!fds[1].revents)
			continue;
		ret = ipto_nl_recv_notifications(nl, on_event, mon);
		if (mon->output_failed)
			return EXIT_FAILED;	/* main() says why */
		if (ret == -ENOBUFS)
			fprintf(stderr, PROG ": monitor: events were lost (the receive buffer overran)\n");
		else if (ret < 0 && ret != -EINTR && ret != -EAGAIN) {
			fprintf(stderr, PROG ": monitor: %s\n", strerror(-ret));
			return EXIT_FAILED;
		}
	}
}

int cmd_monitor(const struct options *opts, int argc, char **argv)
{
	struct keyword kws[] = {
		{ .name = "dev", .needs = "a device name" },
	};
	struct monitor mon = { .opts = opts };
	const char *ifname;
	struct ipto_nl *nl;
	int ret, sigfd;

	ret = parse_keywords("monitor", argc, argv, kws, MNL_ARRAY_SIZE(kws));
	ifname = kws[0].value;
	if (ret == EXIT_OK && ifname)
		ret = parse_ifname("monitor", ifname);
	if (ret != EXIT_OK)
		return ret;

	nl = open_ipto();
	if (!nl)
		return EXIT_FAILED;
	ret = ifname ? lookup_dev(nl, ifname, &mon.ifindex) : EXIT_OK;
	sigfd = ret == EXIT_OK ? open_signals() : -1;
	if (ret == EXIT_OK && sigfd < 0) {
		fprintf(stderr, PROG ": monitor: cannot catch signals: %s\n",
			strerror(errno));
		ret = EXIT_FAILED;
	}
	if (ret == EXIT_OK)
		ret = subscribe(nl);
	if (ret == EXIT_OK)
		ret = listen_events(nl, sigfd, &mon);
	if (sigfd >= 0)
		close(sigfd);
	ipto_nl_close(nl);
	return ret;
}
