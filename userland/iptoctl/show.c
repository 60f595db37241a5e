// SPDX-License-Identifier: GPL-2.0
/*
 * show: "iptoctl show [dev DEV]": ipto devices with their settings, cluster
 * nodes, adopted addresses and services, printed as text or JSON.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <sys/socket.h>

#include <json.h>

#include "args.h"
#include "lib/dev_settings.h"
#include "lib/names.h"
#include "lib/snapshot.h"
#include "subcommands.h"

/* The per-address counters, in the order they are shown. */
static const struct {
	uint16_t type;
	const char *name;
} counters[] = {
	{ IPTO_STATS_A_MATCHED, "matched" },
	{ IPTO_STATS_A_RST, "rst" },
	{ IPTO_STATS_A_ICMP, "icmp" },
	{ IPTO_STATS_A_DROPPED, "dropped" },
	{ IPTO_STATS_A_PASSED, "passed" },
	{ IPTO_STATS_A_SUPPRESSED, "suppressed" },
	{ IPTO_STATS_A_TICKLES, "tickles" },
};

/*
 * word, or else n in buf, after label if there is one ("proto 132"): a
 * value this version has no word for.
 */
static const char *word_or_number(const char *word, const char *label,
				  uint8_t n, char buf[16])
{
	if (word)
		return word;
	snprintf(buf, 16, "%s%s%u", label ? label : "", label ? " " : "", n);
	return buf;
}

/*
 * A device and its settings.  Announcements, replies and the lease each
 * join settings in one line; every other setting has a line of its own,
 * as the settings table labels it.
 */
static void print_dev_text(const struct snap_dev *dev)
{
	const uint32_t *set = dev->settings;
	char link[32], num[16];
	size_t i;

	if (!if_indextoname(dev->link_ifindex, link))
		snprintf(link, sizeof(link), "ifindex %u", dev->link_ifindex);
	printf("%s: link %s\n", dev->ifname, link);

	if (set[IPTO_DEV_A_ANNOUNCE_COUNT])
		printf("  announce: %u packet%s, %u ms apart\n",
		       set[IPTO_DEV_A_ANNOUNCE_COUNT],
		       set[IPTO_DEV_A_ANNOUNCE_COUNT] == 1 ? "" : "s",
		       set[IPTO_DEV_A_ANNOUNCE_INTERVAL_MS]);
	else
		printf("  announce: off\n");
	printf("  replies: %u/s, burst %u\n", set[IPTO_DEV_A_REPLY_RATE],
	       set[IPTO_DEV_A_REPLY_BURST]);
	if (set[IPTO_DEV_A_LEASE_MS] && dev->lease_left_ms)
		printf("  lease: %u ms, %u ms left\n", set[IPTO_DEV_A_LEASE_MS],
		       dev->lease_left_ms);
	else if (set[IPTO_DEV_A_LEASE_MS])
		printf("  lease: %u ms, run out\n", set[IPTO_DEV_A_LEASE_MS]);
	else
		printf("  lease: off\n");
	printf("  fenced: %s\n",
	       word_or_number(fence_name(dev->fenced), NULL, dev->fenced, num));
	for (i = 0; i < n_dev_settings; i++) {
		const struct dev_setting *ds = &dev_settings[i];
		uint32_t value = set[ds->attr];

		if (!ds->label)
			continue;
		if (dev_setting_word(ds, value))
			printf("  %s: %s\n", ds->label, dev_setting_word(ds, value));
		else
			printf("  %s: %u\n", ds->label, value);
	}
	printf("  alerts: %" PRIu64 "\n", dev->alerts);
}

/* "standby 2,3", or "standby none" for an empty list. */
static void print_standby_text(const struct snap_standby *sb)
{
	size_t i;

	printf("standby ");
	if (!sb->n)
		printf("none");
	for (i = 0; i < sb->n; i++)
		printf("%s%" PRIu32, i ? "," : "", sb->ids[i]);
}

/* ", provided by N" (or "nobody"), and ", guard" while the guard holds. */
static void print_provider_text(uint32_t owner, bool guard)
{
	if (owner)
		printf(", provided by %" PRIu32, owner);
	else
		printf(", provided by nobody");
	if (guard)
		printf(", guard");
}

static void print_node_text(const struct snap_node *n)
{
	char state[16], ip[INET6_ADDRSTRLEN];
	size_t i;

	printf("  node %" PRIu32 " %s: %s", n->id, n->name,
	       word_or_number(node_state_name(n->state), "state", n->state,
			      state));
	if (n->has_drain_progress)
		printf(" (connections left %" PRIu32 ", hands over in %" PRIu32 " ms at most)",
		       n->drain_conns, n->drain_left_ms);
	if (n->self)
		printf(", self");
	printf(", failover %s, ", n->failover ? "on" : "off");
	print_standby_text(&n->standby);
	print_provider_text(n->owner, n->guard);
	putchar('\n');
	for (i = 0; i < n->n_addrs; i++) {
		inet_ntop(n->addrs[i].family, n->addrs[i].addr, ip, sizeof(ip));
		printf("%s%s", i ? ", " : "    addresses ", ip);
	}
	if (n->n_addrs)
		putchar('\n');
}

static void print_addr_text(const struct snap_adopted *a)
{
	char ip[INET6_ADDRSTRLEN];
	size_t i;

	inet_ntop(a->family, a->addr, ip, sizeof(ip));
	printf("  address %s from ", ip);
	if (a->node)
		printf("node %" PRIu32, a->node);
	else
		printf("no node");
	printf(", adopted %" PRIu64 ".%" PRIu64 " s ago, %s",
	       a->age_ms / 1000, a->age_ms % 1000 / 100,
	       a->local ? "local" : "not local");
	if (a->has_first_reply)
		printf(", first reply %" PRIu64 ".%03" PRIu64 " s after",
		       a->first_reply_ms / 1000, a->first_reply_ms % 1000);
	putchar('\n');
	for (i = 0; i < MNL_ARRAY_SIZE(counters); i++)
		printf("%s%s %" PRIu64, i ? ", " : "    ", counters[i].name,
		       a->stats[counters[i].type]);
	putchar('\n');
}

static void print_service_text(const struct snap_service *s)
{
	char proto[16], action[16];

	printf("  service %s: node %" PRIu32 " %s %u", s->name, s->node,
	       word_or_number(proto_name(s->proto), "proto", s->proto, proto),
	       s->port_min);
	if (s->port_max != s->port_min)
		printf("-%u", s->port_max);
	printf(" %s, failover %s, ",
	       word_or_number(action_name(s->action), "action", s->action, action),
	       !s->has_failover ? "node" : s->failover ? "on" : "off");
	if (s->has_standby)
		print_standby_text(&s->standby);
	else
		printf("standby node");
	print_provider_text(s->owner, s->guard);
	putchar('\n');
}

static void print_text(const struct snapshot *snap)
{
	size_t i, j;

	for (i = 0; i < snap->n_devs; i++) {
		const struct dev_snapshot *ds = &snap->devs[i];

		if (i)
			putchar('\n');
		print_dev_text(&ds->dev);
		for (j = 0; j < ds->n_nodes; j++)
			print_node_text(&ds->nodes[j]);
		for (j = 0; j < ds->n_addrs; j++)
			print_addr_text(&ds->addrs[j]);
		for (j = 0; j < ds->n_svcs; j++)
			print_service_text(&ds->svcs[j]);
	}
}

/* A value as its word, or as a number when this version has no word. */
static json_object *json_word(const char *word, uint8_t n)
{
	return word ? json_object_new_string(word) : json_object_new_int(n);
}

/* A number as a number, on/off as a boolean, other words as words. */
static json_object *setting_to_json(const struct dev_setting *s, uint32_t value)
{
	if (s->kind == SETTING_NUMBER)
		return json_object_new_int64(value);
	if (s->kind == SETTING_ON_OFF)
		return json_object_new_boolean(value != 0);
	return json_word(dev_setting_word(s, value), (uint8_t)value);
}

static json_object *dev_to_json(const struct snap_dev *dev)
{
	json_object *obj = json_object_new_object();
	char link[IF_NAMESIZE];
	size_t i;

	if (!obj)
		return NULL;
	json_object_object_add(obj, "ifname", json_object_new_string(dev->ifname));
	json_object_object_add(obj, "ifindex", json_object_new_int64(dev->ifindex));
	json_object_object_add(obj, "link",
			       if_indextoname(dev->link_ifindex, link) ?
			       json_object_new_string(link) : NULL);
	json_object_object_add(obj, "link_ifindex",
			       json_object_new_int64(dev->link_ifindex));
	for (i = 0; i < n_dev_settings; i++)
		json_object_object_add(obj, dev_settings[i].name,
				       setting_to_json(&dev_settings[i],
						       dev->settings[dev_settings[i].attr]));
	json_object_object_add(obj, "lease_left_ms",
			       json_object_new_int64(dev->lease_left_ms));
	json_object_object_add(obj, "fenced",
			       json_word(fence_name(dev->fenced), dev->fenced));
	json_object_object_add(obj, "alerts", json_object_new_uint64(dev->alerts));
	return obj;
}

/* Adds item to array; on failure drops item and returns false. */
static bool array_add(json_object *array, json_object *item)
{
	if (item && json_object_array_add(array, item) == 0)
		return true;
	json_object_put(item);
	return false;
}

/* A node id, or null for 0 (none). */
static json_object *json_node_id(uint32_t id)
{
	return id ? json_object_new_int64(id) : NULL;
}

static json_object *standby_to_json(const struct snap_standby *sb)
{
	json_object *array = json_object_new_array();
	size_t i;

	for (i = 0; array && i < sb->n; i++) {
		if (!array_add(array, json_object_new_int64(sb->ids[i]))) {
			json_object_put(array);
			return NULL;
		}
	}
	return array;
}

static json_object *node_addrs_to_json(const struct snap_node *n)
{
	json_object *array = json_object_new_array();
	char ip[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; array && i < n->n_addrs; i++) {
		inet_ntop(n->addrs[i].family, n->addrs[i].addr, ip, sizeof(ip));
		if (!array_add(array, json_object_new_string(ip))) {
			json_object_put(array);
			return NULL;
		}
	}
	return array;
}

static json_object *node_to_json(const struct snap_node *n)
{
	json_object *obj = json_object_new_object();
	json_object *standby = standby_to_json(&n->standby);
	json_object *addrs = node_addrs_to_json(n);

	if (!obj || !standby || !addrs) {
		json_object_put(obj);
		json_object_put(standby);
		json_object_put(addrs);
		return NULL;
	}
	json_object_object_add(obj, "id", json_object_new_int64(n->id));
	json_object_object_add(obj, "name", json_object_new_string(n->name));
	json_object_object_add(obj, "state",
			       json_word(node_state_name(n->state), n->state));
	if (n->has_drain_progress) {
		json_object_object_add(obj, "drain_connections",
				       json_object_new_int64(n->drain_conns));
		json_object_object_add(obj, "drain_left_ms",
				       json_object_new_int64(n->drain_left_ms));
	}
	json_object_object_add(obj, "self", json_object_new_boolean(n->self));
	json_object_object_add(obj, "failover",
			       json_object_new_boolean(n->failover));
	json_object_object_add(obj, "standby", standby);
	json_object_object_add(obj, "addresses", addrs);
	json_object_object_add(obj, "owner", json_node_id(n->owner));
	json_object_object_add(obj, "guard", json_object_new_boolean(n->guard));
	return obj;
}

static json_object *addr_to_json(const struct snap_adopted *a)
{
	json_object *obj = json_object_new_object();
	json_object *stats = json_object_new_object();
	char ip[INET6_ADDRSTRLEN];
	size_t i;

	if (!obj || !stats) {
		json_object_put(obj);
		json_object_put(stats);
		return NULL;
	}
	inet_ntop(a->family, a->addr, ip, sizeof(ip));
	json_object_object_add(obj, "address", json_object_new_string(ip));
	json_object_object_add(obj, "family",
			       json_object_new_string(a->family == AF_INET ?
						      "inet" : "inet6"));
	json_object_object_add(obj, "node",
			       a->node ? json_object_new_int64(a->node) : NULL);
	json_object_object_add(obj, "age_ms", json_object_new_uint64(a->age_ms));
	json_object_object_add(obj, "local", json_object_new_boolean(a->local));
	json_object_object_add(obj, "first_reply_ms", a->has_first_reply ?
			       json_object_new_uint64(a->first_reply_ms) : NULL);
	for (i = 0; i < MNL_ARRAY_SIZE(counters); i++)
		json_object_object_add(stats, counters[i].name,
				       json_object_new_uint64(a->stats[counters[i].type]));
	json_object_object_add(obj, "stats", stats);
	return obj;
}

static json_object *service_to_json(const struct snap_service *s)
{
	json_object *obj = json_object_new_object();
	json_object *standby = NULL;

	if (s->has_standby)
		standby = standby_to_json(&s->standby);
	if (!obj || (s->has_standby && !standby)) {
		json_object_put(obj);
		json_object_put(standby);
		return NULL;
	}
	json_object_object_add(obj, "node", json_object_new_int64(s->node));
	json_object_object_add(obj, "name", json_object_new_string(s->name));
	json_object_object_add(obj, "proto",
			       json_word(proto_name(s->proto), s->proto));
	json_object_object_add(obj, "port_min", json_object_new_int(s->port_min));
	json_object_object_add(obj, "port_max", json_object_new_int(s->port_max));
	json_object_object_add(obj, "action",
			       json_word(action_name(s->action), s->action));
	json_object_object_add(obj, "failover",
			       s->has_failover ?
			       json_object_new_boolean(s->failover) : NULL);
	json_object_object_add(obj, "standby", standby);
	json_object_object_add(obj, "owner", json_node_id(s->owner));
	json_object_object_add(obj, "guard", json_object_new_boolean(s->guard));
	return obj;
}

static json_object *dev_snapshot_to_json(const struct dev_snapshot *ds)
{
	json_object *obj = dev_to_json(&ds->dev);
	json_object *nodes = json_object_new_array();
	json_object *addrs = json_object_new_array();
	json_object *svcs = json_object_new_array();
	bool ok = obj && nodes && addrs && svcs;
	size_t i;

	for (i = 0; ok && i < ds->n_nodes; i++)
		ok = array_add(nodes, node_to_json(&ds->nodes[i]));
	for (i = 0; ok && i < ds->n_addrs; i++)
		ok = array_add(addrs, addr_to_json(&ds->addrs[i]));
	for (i = 0; ok && i < ds->n_svcs; i++)
		ok = array_add(svcs, service_to_json(&ds->svcs[i]));
	if (!ok) {
		json_object_put(obj);
		json_object_put(nodes);
		json_object_put(addrs);
		json_object_put(svcs);
		return NULL;
	}
	json_object_object_add(obj, "nodes", nodes);
	json_object_object_add(obj, "addresses", addrs);
	json_object_object_add(obj, "services", svcs);
	return obj;
}

static int print_json(const struct snapshot *snap, const struct options *opts)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (opts->pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
				 JSON_C_TO_STRING_PLAIN);
	json_object *devs = json_object_new_array();
	const char *text = NULL;
	bool ok = devs;
	size_t i;

	for (i = 0; ok && i < snap->n_devs; i++)
		ok = array_add(devs, dev_snapshot_to_json(&snap->devs[i]));
	if (ok)
		text = json_object_to_json_string_ext(devs, flags);
	if (text)
		puts(text);
	json_object_put(devs);
	return text ? 0 : -ENOMEM;
}

int cmd_show(const struct options *opts, int argc, char **argv)
{
	struct keyword kws[] = {
		{ .name = "dev", .needs = "a device name" },
	};
	const char *ifname;
	struct snapshot snap;
	struct ipto_nl *nl;
	int ret;

	ret = parse_keywords("show", argc, argv, kws, MNL_ARRAY_SIZE(kws));
	ifname = kws[0].value;
	if (ret == EXIT_OK && ifname)
		ret = parse_ifname("show", ifname);
	if (ret != EXIT_OK)
		return ret;

	nl = open_ipto();
	if (!nl)
		return EXIT_FAILED;
	ret = snapshot_read(nl, ifname, &snap);
	if (ret == 0 && opts->json)
		ret = print_json(&snap, opts);
	else if (ret == 0)
		print_text(&snap);
	ret = ret < 0 ? report_failure(nl, ret, snap.problem) : EXIT_OK;

	snapshot_free(&snap);
	ipto_nl_close(nl);
	return ret;
}
