// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot: reading ipto devices, their cluster nodes, adopted addresses and
 * services from the kernel (IPTO_CMD_DEV_GET, IPTO_CMD_NODE_GET,
 * IPTO_CMD_ADDR_GET, IPTO_CMD_SERVICE_GET), checking every answer against
 * the protocol, into growing arrays.  A dump that raced with a change is
 * read again from scratch, once.
 */
#include "snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>

/* The device's attributes but its settings (dev_setting_type()). */
static const enum mnl_attr_data_type dev_types[IPTO_DEV_A_MAX + 1] = {
	[IPTO_DEV_A_IFINDEX] = MNL_TYPE_U32,
	[IPTO_DEV_A_IFNAME] = MNL_TYPE_NUL_STRING,
	[IPTO_DEV_A_LINK_IFINDEX] = MNL_TYPE_U32,
	[IPTO_DEV_A_ALERTS] = MNL_TYPE_U64,
	[IPTO_DEV_A_FENCED] = MNL_TYPE_U8,
	[IPTO_DEV_A_LEASE_LEFT_MS] = MNL_TYPE_U32,
};

static const enum mnl_attr_data_type addr_types[IPTO_ADDR_A_MAX + 1] = {
	[IPTO_ADDR_A_IFINDEX] = MNL_TYPE_U32,
	[IPTO_ADDR_A_IPV4] = MNL_TYPE_BINARY,
	[IPTO_ADDR_A_IPV6] = MNL_TYPE_BINARY,
	[IPTO_ADDR_A_NODE] = MNL_TYPE_U32,
	[IPTO_ADDR_A_AGE_MS] = MNL_TYPE_U64,
	[IPTO_ADDR_A_LOCAL] = MNL_TYPE_U8,
	[IPTO_ADDR_A_STATS] = MNL_TYPE_NESTED,
	[IPTO_ADDR_A_FIRST_REPLY_MS] = MNL_TYPE_U64,
};

/* Every counter the nest has; the padding is skipped. */
static const enum mnl_attr_data_type stats_types[IPTO_STATS_A_MAX + 1] = {
	[IPTO_STATS_A_MATCHED] = MNL_TYPE_U64,
	[IPTO_STATS_A_RST] = MNL_TYPE_U64,
	[IPTO_STATS_A_ICMP] = MNL_TYPE_U64,
	[IPTO_STATS_A_DROPPED] = MNL_TYPE_U64,
	[IPTO_STATS_A_PASSED] = MNL_TYPE_U64,
	[IPTO_STATS_A_SUPPRESSED] = MNL_TYPE_U64,
	[IPTO_STATS_A_TICKLES] = MNL_TYPE_U64,
};

/* The counters a module older than them lacks: 0 when absent. */
static const bool stats_optional[IPTO_STATS_A_MAX + 1] = {
	[IPTO_STATS_A_TICKLES] = true,
};

static const enum mnl_attr_data_type svc_types[IPTO_SVC_A_MAX + 1] = {
	[IPTO_SVC_A_NODE] = MNL_TYPE_U32,
	[IPTO_SVC_A_NAME] = MNL_TYPE_NUL_STRING,
	[IPTO_SVC_A_PROTO] = MNL_TYPE_U8,
	[IPTO_SVC_A_PORT_MIN] = MNL_TYPE_U16,
	[IPTO_SVC_A_PORT_MAX] = MNL_TYPE_U16,
	[IPTO_SVC_A_ACTION] = MNL_TYPE_U8,
	[IPTO_SVC_A_FAILOVER] = MNL_TYPE_U8,
	[IPTO_SVC_A_STANDBY] = MNL_TYPE_BINARY,
	[IPTO_SVC_A_OWNER] = MNL_TYPE_U32,
	[IPTO_SVC_A_GUARD] = MNL_TYPE_U8,
};

static const enum mnl_attr_data_type node_types[IPTO_NODE_A_MAX + 1] = {
	[IPTO_NODE_A_IFINDEX] = MNL_TYPE_U32,
	[IPTO_NODE_A_ID] = MNL_TYPE_U32,
	[IPTO_NODE_A_NAME] = MNL_TYPE_NUL_STRING,
	[IPTO_NODE_A_ADDRS] = MNL_TYPE_NESTED,
	[IPTO_NODE_A_STATE] = MNL_TYPE_U8,
	[IPTO_NODE_A_FAILOVER] = MNL_TYPE_U8,
	[IPTO_NODE_A_STANDBY] = MNL_TYPE_BINARY,
	[IPTO_NODE_A_SELF] = MNL_TYPE_U8,
	[IPTO_NODE_A_OWNER] = MNL_TYPE_U32,
	[IPTO_NODE_A_GUARD] = MNL_TYPE_U8,
	[IPTO_NODE_A_DRAIN_CONNS] = MNL_TYPE_U32,
	[IPTO_NODE_A_DRAIN_LEFT_MS] = MNL_TYPE_U32,
};

/* The attributes of one answer or nest, checked against types. */
struct attrs {
	const enum mnl_attr_data_type *types;	/* MNL_TYPE_UNSPEC: skipped */
	uint16_t max;
	const struct nlattr **tb;		/* [max + 1], filled in */
	uint16_t bad_type;			/* the attribute that failed */
};

/* What a dump callback works on. */
struct reader {
	struct snapshot *snap;
	struct dev_snapshot *ds;	/* the device whose lists are read */
};

static bool answer_problem(struct snapshot *snap, const char *what,
			   const char *issue, uint16_t type)
{
	snprintf(snap->problem, sizeof(snap->problem),
		 "kernel %s answer %s attribute %u", what, issue, type);
	return false;
}

static int on_attr(const struct nlattr *attr, void *data)
{
	struct attrs *a = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > a->max || a->types[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;	/* padding, or not ours to show */
	if (mnl_attr_validate(attr, a->types[type]) < 0) {
		a->bad_type = type;
		return MNL_CB_ERROR;
	}
	a->tb[type] = attr;
	return MNL_CB_OK;
}

/* Collects the attributes after nlh's generic netlink header. */
static bool collect(const struct nlmsghdr *nlh, struct attrs *a,
		    const char *what, struct snapshot *snap)
{
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN) {
		snprintf(snap->problem, sizeof(snap->problem),
			 "kernel %s answer too short", what);
		return false;
	}
	if (mnl_attr_parse(nlh, GENL_HDRLEN, on_attr, a) < 0)
		return answer_problem(snap, what, "has an invalid", a->bad_type);
	return true;
}

/* Whether tb holds every type in required[0..n). */
static bool require(const struct nlattr *const *tb, const uint16_t *required,
		    size_t n, const char *what, struct snapshot *snap)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!tb[required[i]])
			return answer_problem(snap, what, "lacks", required[i]);
	}
	return true;
}

/* A string attribute no longer than size, terminator included, into buf. */
static bool copy_str(const struct nlattr *attr, char *buf, size_t size)
{
	if (mnl_attr_get_payload_len(attr) > size)
		return false;
	snprintf(buf, size, "%s", mnl_attr_get_str(attr));
	return true;
}

/*
 * Returns items (n used, *cap allocated, of size each) with room for one
 * more, which is zeroed; NULL when out of memory.
 */
static void *grow(void *items, size_t n, size_t *cap, size_t size)
{
	size_t want = *cap ? *cap * 2 : 16;
	char *grown = items;

	if (n >= *cap) {
		grown = reallocarray(items, want, size);
		if (!grown)
			return NULL;
		*cap = want;
	}
	memset(grown + n * size, 0, size);
	return grown;
}

static int cb_failed(int error)
{
	errno = error;
	return MNL_CB_ERROR;
}

/* A standby list: an array of u32 node ids, at most IPTO_STANDBY_MAX. */
static bool parse_standby(const struct nlattr *attr, struct snap_standby *out,
			  const char *what, struct snapshot *snap)
{
	size_t len = mnl_attr_get_payload_len(attr);

	if (len % sizeof(out->ids[0]) || len > sizeof(out->ids))
		return answer_problem(snap, what, "has an invalid standby",
				      mnl_attr_get_type(attr));
	memcpy(out->ids, mnl_attr_get_payload(attr), len);
	out->n = len / sizeof(out->ids[0]);
	return true;
}

/* A setting's type: a number is a u32, a word a u8. */
static enum mnl_attr_data_type dev_setting_type(const struct dev_setting *s)
{
	return s->kind == SETTING_NUMBER ? MNL_TYPE_U32 : MNL_TYPE_U8;
}

static bool parse_dev(const struct nlmsghdr *nlh, struct snap_dev *dev,
		      struct snapshot *snap)
{
	static const uint16_t required[] = {
		IPTO_DEV_A_IFINDEX, IPTO_DEV_A_IFNAME, IPTO_DEV_A_LINK_IFINDEX,
		IPTO_DEV_A_ALERTS, IPTO_DEV_A_FENCED, IPTO_DEV_A_LEASE_LEFT_MS,
	};
	enum mnl_attr_data_type types[IPTO_DEV_A_MAX + 1];
	const struct nlattr *tb[IPTO_DEV_A_MAX + 1] = { NULL };
	struct attrs a = { .types = types, .max = IPTO_DEV_A_MAX, .tb = tb };
	size_t i;

	memcpy(types, dev_types, sizeof(types));
	for (i = 0; i < n_dev_settings; i++)
		types[dev_settings[i].attr] = dev_setting_type(&dev_settings[i]);
	if (!collect(nlh, &a, "device", snap) ||
	    !require(tb, required, MNL_ARRAY_SIZE(required), "device", snap))
		return false;
	for (i = 0; i < n_dev_settings; i++) {
		const struct nlattr *attr = tb[dev_settings[i].attr];

		if (!attr)
			return answer_problem(snap, "device", "lacks", dev_settings[i].attr);
		dev->settings[dev_settings[i].attr] =
			dev_settings[i].kind == SETTING_NUMBER ?
			mnl_attr_get_u32(attr) : mnl_attr_get_u8(attr);
	}
	if (!copy_str(tb[IPTO_DEV_A_IFNAME], dev->ifname, sizeof(dev->ifname)))
		return answer_problem(snap, "device", "has an invalid",
				      IPTO_DEV_A_IFNAME);

	dev->ifindex = mnl_attr_get_u32(tb[IPTO_DEV_A_IFINDEX]);
	dev->link_ifindex = mnl_attr_get_u32(tb[IPTO_DEV_A_LINK_IFINDEX]);
	dev->alerts = mnl_attr_get_u64(tb[IPTO_DEV_A_ALERTS]);
	dev->fenced = mnl_attr_get_u8(tb[IPTO_DEV_A_FENCED]);
	dev->lease_left_ms = mnl_attr_get_u32(tb[IPTO_DEV_A_LEASE_LEFT_MS]);
	return true;
}

static bool parse_stats(const struct nlattr *nest, uint64_t *stats,
			struct snapshot *snap)
{
	const struct nlattr *tb[IPTO_STATS_A_MAX + 1] = { NULL };
	struct attrs a = { .types = stats_types, .max = IPTO_STATS_A_MAX, .tb = tb };
	uint16_t type;

	if (mnl_attr_parse_nested(nest, on_attr, &a) < 0)
		return answer_problem(snap, "stats", "has an invalid", a.bad_type);
	for (type = 1; type <= IPTO_STATS_A_MAX; type++) {
		if (stats_types[type] == MNL_TYPE_UNSPEC)
			continue;
		if (!tb[type] && !stats_optional[type])
			return answer_problem(snap, "stats", "lacks", type);
		stats[type] = tb[type] ? mnl_attr_get_u64(tb[type]) : 0;
	}
	return true;
}

/* The address: exactly one of IPTO_ADDR_A_IPV4 and IPTO_ADDR_A_IPV6. */
static bool parse_ip(const struct nlattr *const *tb, struct snap_adopted *out,
		     struct snapshot *snap)
{
	const struct nlattr *v4 = tb[IPTO_ADDR_A_IPV4];
	const struct nlattr *attr = v4 ? v4 : tb[IPTO_ADDR_A_IPV6];
	uint16_t type = v4 ? IPTO_ADDR_A_IPV4 : IPTO_ADDR_A_IPV6;
	size_t len = v4 ? 4 : 16;

	if (!attr || (v4 && tb[IPTO_ADDR_A_IPV6])) {
		snprintf(snap->problem, sizeof(snap->problem),
			 "kernel address answer needs exactly one of attributes %d and %d",
			 IPTO_ADDR_A_IPV4, IPTO_ADDR_A_IPV6);
		return false;
	}
	if (mnl_attr_get_payload_len(attr) != len)
		return answer_problem(snap, "address", "has an invalid", type);
	out->family = v4 ? AF_INET : AF_INET6;
	memcpy(out->addr, mnl_attr_get_payload(attr), len);
	return true;
}

/* Whether the answer's ifindex attribute names the device asked about. */
static bool same_ifindex(const struct nlattr *attr, uint32_t ifindex,
			 const char *what, struct snapshot *snap)
{
	if (mnl_attr_get_u32(attr) == ifindex)
		return true;
	snprintf(snap->problem, sizeof(snap->problem),
		 "kernel %s answer is for ifindex %u, not %u",
		 what, mnl_attr_get_u32(attr), ifindex);
	return false;
}

static bool parse_adopted(const struct nlmsghdr *nlh, uint32_t ifindex,
			  struct snap_adopted *out, struct snapshot *snap)
{
	static const uint16_t required[] = {
		IPTO_ADDR_A_IFINDEX, IPTO_ADDR_A_NODE, IPTO_ADDR_A_AGE_MS,
		IPTO_ADDR_A_LOCAL, IPTO_ADDR_A_STATS,
	};
	const struct nlattr *tb[IPTO_ADDR_A_MAX + 1] = { NULL };
	struct attrs a = { .types = addr_types, .max = IPTO_ADDR_A_MAX, .tb = tb };

	if (!collect(nlh, &a, "address", snap) ||
	    !require(tb, required, MNL_ARRAY_SIZE(required), "address", snap) ||
	    !parse_ip(tb, out, snap) ||
	    !parse_stats(tb[IPTO_ADDR_A_STATS], out->stats, snap))
		return false;
	if (!same_ifindex(tb[IPTO_ADDR_A_IFINDEX], ifindex, "address", snap))
		return false;

	out->node = mnl_attr_get_u32(tb[IPTO_ADDR_A_NODE]);
	out->age_ms = mnl_attr_get_u64(tb[IPTO_ADDR_A_AGE_MS]);
	out->local = mnl_attr_get_u8(tb[IPTO_ADDR_A_LOCAL]) != 0;
	out->has_first_reply = tb[IPTO_ADDR_A_FIRST_REPLY_MS] != NULL;
	if (out->has_first_reply)
		out->first_reply_ms = mnl_attr_get_u64(tb[IPTO_ADDR_A_FIRST_REPLY_MS]);
	return true;
}

static bool parse_service(const struct nlmsghdr *nlh, struct snap_service *out,
			  struct snapshot *snap)
{
	static const uint16_t required[] = {
		IPTO_SVC_A_NODE, IPTO_SVC_A_NAME, IPTO_SVC_A_PROTO,
		IPTO_SVC_A_PORT_MIN, IPTO_SVC_A_ACTION, IPTO_SVC_A_OWNER,
		IPTO_SVC_A_GUARD,
	};
	const struct nlattr *tb[IPTO_SVC_A_MAX + 1] = { NULL };
	struct attrs a = { .types = svc_types, .max = IPTO_SVC_A_MAX, .tb = tb };

	if (!collect(nlh, &a, "service", snap) ||
	    !require(tb, required, MNL_ARRAY_SIZE(required), "service", snap))
		return false;
	if (!copy_str(tb[IPTO_SVC_A_NAME], out->name, sizeof(out->name)))
		return answer_problem(snap, "service", "has an invalid",
				      IPTO_SVC_A_NAME);

	out->node = mnl_attr_get_u32(tb[IPTO_SVC_A_NODE]);
	out->proto = mnl_attr_get_u8(tb[IPTO_SVC_A_PROTO]);
	out->port_min = mnl_attr_get_u16(tb[IPTO_SVC_A_PORT_MIN]);
	out->port_max = tb[IPTO_SVC_A_PORT_MAX] ?
			mnl_attr_get_u16(tb[IPTO_SVC_A_PORT_MAX]) : out->port_min;
	out->action = mnl_attr_get_u8(tb[IPTO_SVC_A_ACTION]);
	out->owner = mnl_attr_get_u32(tb[IPTO_SVC_A_OWNER]);
	out->guard = mnl_attr_get_u8(tb[IPTO_SVC_A_GUARD]) != 0;
	out->has_failover = tb[IPTO_SVC_A_FAILOVER] != NULL;
	out->failover = out->has_failover &&
			mnl_attr_get_u8(tb[IPTO_SVC_A_FAILOVER]) != 0;
	out->has_standby = tb[IPTO_SVC_A_STANDBY] != NULL;
	return !out->has_standby ||
	       parse_standby(tb[IPTO_SVC_A_STANDBY], &out->standby, "service", snap);
}

/* What the callback over a node's home addresses works on. */
struct node_addrs {
	struct snap_node *node;
	struct snapshot *snap;
	int error;			/* -EBADMSG or -ENOMEM when it failed */
};

/* A home address of a node: IPTO_NODE_ADDR_A_IPV4 or _IPV6. */
static int on_node_addr(const struct nlattr *attr, void *data)
{
	struct node_addrs *na = data;
	struct snap_node *node = na->node;
	uint16_t type = mnl_attr_get_type(attr);
	size_t len = type == IPTO_NODE_ADDR_A_IPV4 ? 4 : 16;
	struct snap_node_addr *addrs;

	if (type != IPTO_NODE_ADDR_A_IPV4 && type != IPTO_NODE_ADDR_A_IPV6)
		return MNL_CB_OK;	/* not ours to show */
	if (mnl_attr_get_payload_len(attr) != len) {
		answer_problem(na->snap, "node address", "has an invalid", type);
		na->error = -EBADMSG;
		return MNL_CB_ERROR;
	}
	addrs = grow(node->addrs, node->n_addrs, &node->addrs_cap, sizeof(*addrs));
	if (!addrs) {
		na->error = -ENOMEM;
		return MNL_CB_ERROR;
	}
	node->addrs = addrs;
	addrs[node->n_addrs].family = len == 4 ? AF_INET : AF_INET6;
	memcpy(addrs[node->n_addrs].addr, mnl_attr_get_payload(attr), len);
	node->n_addrs++;
	return MNL_CB_OK;
}

/* Returns 0, -EBADMSG (snap->problem says why) or -ENOMEM. */
static int parse_node(const struct nlmsghdr *nlh, uint32_t ifindex,
		      struct snap_node *out, struct snapshot *snap)
{
	static const uint16_t required[] = {
		IPTO_NODE_A_IFINDEX, IPTO_NODE_A_ID, IPTO_NODE_A_NAME,
		IPTO_NODE_A_ADDRS, IPTO_NODE_A_STATE, IPTO_NODE_A_FAILOVER,
		IPTO_NODE_A_STANDBY, IPTO_NODE_A_SELF, IPTO_NODE_A_OWNER,
		IPTO_NODE_A_GUARD,
	};
	const struct nlattr *tb[IPTO_NODE_A_MAX + 1] = { NULL };
	struct attrs a = { .types = node_types, .max = IPTO_NODE_A_MAX, .tb = tb };
	struct node_addrs na = { .error = 0 };

	if (!collect(nlh, &a, "node", snap) ||
	    !require(tb, required, MNL_ARRAY_SIZE(required), "node", snap) ||
	    !same_ifindex(tb[IPTO_NODE_A_IFINDEX], ifindex, "node", snap) ||
	    !parse_standby(tb[IPTO_NODE_A_STANDBY], &out->standby, "node", snap))
		return -EBADMSG;
	if (!copy_str(tb[IPTO_NODE_A_NAME], out->name, sizeof(out->name))) {
		answer_problem(snap, "node", "has an invalid", IPTO_NODE_A_NAME);
		return -EBADMSG;
	}

	out->id = mnl_attr_get_u32(tb[IPTO_NODE_A_ID]);
	out->state = mnl_attr_get_u8(tb[IPTO_NODE_A_STATE]);
	out->self = mnl_attr_get_u8(tb[IPTO_NODE_A_SELF]) != 0;
	out->failover = mnl_attr_get_u8(tb[IPTO_NODE_A_FAILOVER]) != 0;
	out->owner = mnl_attr_get_u32(tb[IPTO_NODE_A_OWNER]);
	out->guard = mnl_attr_get_u8(tb[IPTO_NODE_A_GUARD]) != 0;
	out->has_drain_progress = tb[IPTO_NODE_A_DRAIN_CONNS] && tb[IPTO_NODE_A_DRAIN_LEFT_MS];
	if (out->has_drain_progress) {
		out->drain_conns = mnl_attr_get_u32(tb[IPTO_NODE_A_DRAIN_CONNS]);
		out->drain_left_ms = mnl_attr_get_u32(tb[IPTO_NODE_A_DRAIN_LEFT_MS]);
	}
	na.node = out;
	na.snap = snap;
	if (mnl_attr_parse_nested(tb[IPTO_NODE_A_ADDRS], on_node_addr, &na) < 0)
		return na.error ? na.error : -EBADMSG;
	return 0;
}

static int on_dev_msg(const struct nlmsghdr *nlh, void *data)
{
	struct snapshot *snap = data;
	struct dev_snapshot *devs;

	devs = grow(snap->devs, snap->n_devs, &snap->devs_cap, sizeof(*devs));
	if (!devs)
		return cb_failed(ENOMEM);
	snap->devs = devs;
	if (!parse_dev(nlh, &devs[snap->n_devs].dev, snap))
		return cb_failed(EBADMSG);
	snap->n_devs++;
	return MNL_CB_OK;
}

/* Before the device dump runs again: no device has lists yet. */
static void restart_devs(void *data)
{
	struct snapshot *snap = data;

	snap->n_devs = 0;
}

static int on_addr_msg(const struct nlmsghdr *nlh, void *data)
{
	struct reader *r = data;
	struct dev_snapshot *ds = r->ds;
	struct snap_adopted *addrs;

	addrs = grow(ds->addrs, ds->n_addrs, &ds->addrs_cap, sizeof(*addrs));
	if (!addrs)
		return cb_failed(ENOMEM);
	ds->addrs = addrs;
	if (!parse_adopted(nlh, ds->dev.ifindex, &addrs[ds->n_addrs], r->snap))
		return cb_failed(EBADMSG);
	ds->n_addrs++;
	return MNL_CB_OK;
}

static void restart_addrs(void *data)
{
	struct reader *r = data;

	r->ds->n_addrs = 0;
}

static void free_nodes(struct dev_snapshot *ds)
{
	size_t i;

	for (i = 0; i < ds->n_nodes; i++)
		free(ds->nodes[i].addrs);
	ds->n_nodes = 0;
}

/*
 * A node with more home addresses than one message holds continues in the
 * next messages: IPTO_NODE_A_ID and more IPTO_NODE_A_ADDRS, no name.
 */
static int parse_node_more(const struct nlmsghdr *nlh, struct snap_node *node,
			   struct snapshot *snap)
{
	const struct nlattr *tb[IPTO_NODE_A_MAX + 1] = { NULL };
	struct attrs a = { .types = node_types, .max = IPTO_NODE_A_MAX, .tb = tb };
	struct node_addrs na = { .node = node, .snap = snap, .error = 0 };

	if (!collect(nlh, &a, "node", snap))
		return -EBADMSG;
	if (!tb[IPTO_NODE_A_ID] || mnl_attr_get_u32(tb[IPTO_NODE_A_ID]) != node->id ||
	    !tb[IPTO_NODE_A_ADDRS]) {
		answer_problem(snap, "node", "continues without", IPTO_NODE_A_ID);
		return -EBADMSG;
	}
	if (mnl_attr_parse_nested(tb[IPTO_NODE_A_ADDRS], on_node_addr, &na) < 0)
		return na.error ? na.error : -EBADMSG;
	return 0;
}

static bool is_continuation(const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == IPTO_NODE_A_NAME)
			return false;
	return true;
}

static int on_node_msg(const struct nlmsghdr *nlh, void *data)
{
	struct reader *r = data;
	struct dev_snapshot *ds = r->ds;
	struct snap_node *nodes;
	int ret;

	if (is_continuation(nlh)) {
		ret = ds->n_nodes ? parse_node_more(nlh, &ds->nodes[ds->n_nodes - 1], r->snap) :
				    -EBADMSG;
		return ret < 0 ? cb_failed(-ret) : MNL_CB_OK;
	}

	nodes = grow(ds->nodes, ds->n_nodes, &ds->nodes_cap, sizeof(*nodes));
	if (!nodes)
		return cb_failed(ENOMEM);
	ds->nodes = nodes;
	ret = parse_node(nlh, ds->dev.ifindex, &nodes[ds->n_nodes], r->snap);
	ds->n_nodes++;		/* for free_nodes(), also when it failed */
	return ret < 0 ? cb_failed(-ret) : MNL_CB_OK;
}

static void restart_nodes(void *data)
{
	struct reader *r = data;

	free_nodes(r->ds);
}

static int on_svc_msg(const struct nlmsghdr *nlh, void *data)
{
	struct reader *r = data;
	struct dev_snapshot *ds = r->ds;
	struct snap_service *svcs;

	svcs = grow(ds->svcs, ds->n_svcs, &ds->svcs_cap, sizeof(*svcs));
	if (!svcs)
		return cb_failed(ENOMEM);
	ds->svcs = svcs;
	if (!parse_service(nlh, &svcs[ds->n_svcs], r->snap))
		return cb_failed(EBADMSG);
	ds->n_svcs++;
	return MNL_CB_OK;
}

static void restart_svcs(void *data)
{
	struct reader *r = data;

	r->ds->n_svcs = 0;
}

static int read_devs(struct ipto_nl *nl, const char *ifname,
		     struct snapshot *snap)
{
	struct nlmsghdr *nlh;

	if (ifname) {
		nlh = ipto_nl_msg(nl, IPTO_CMD_DEV_GET, 0);
		mnl_attr_put_strz(nlh, IPTO_DEV_A_IFNAME, ifname);
		return ipto_nl_request(nl, nlh, on_dev_msg, snap);
	}
	nlh = ipto_nl_msg(nl, IPTO_CMD_DEV_GET, NLM_F_DUMP);
	return ipto_nl_dump(nl, nlh, on_dev_msg, restart_devs, snap);
}

/* A dump of one device's list: its command, device attribute, callbacks. */
struct list_dump {
	uint8_t cmd;
	uint16_t ifindex_attr;
	mnl_cb_t cb;
	void (*restart)(void *data);
};

static const struct list_dump list_dumps[] = {
	{ IPTO_CMD_NODE_GET, IPTO_NODE_A_IFINDEX, on_node_msg, restart_nodes },
	{ IPTO_CMD_ADDR_GET, IPTO_ADDR_A_IFINDEX, on_addr_msg, restart_addrs },
	{ IPTO_CMD_SERVICE_GET, IPTO_SVC_A_IFINDEX, on_svc_msg, restart_svcs },
};

static int read_lists(struct ipto_nl *nl, struct snapshot *snap,
		      struct dev_snapshot *ds)
{
	struct reader r = { .snap = snap, .ds = ds };
	size_t i;

	for (i = 0; i < MNL_ARRAY_SIZE(list_dumps); i++) {
		const struct list_dump *d = &list_dumps[i];
		struct nlmsghdr *nlh = ipto_nl_msg(nl, d->cmd, NLM_F_DUMP);
		int ret;

		mnl_attr_put_u32(nlh, d->ifindex_attr, ds->dev.ifindex);
		ret = ipto_nl_dump(nl, nlh, d->cb, d->restart, &r);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void free_lists(struct dev_snapshot *ds)
{
	free_nodes(ds);
	free(ds->nodes);
	free(ds->addrs);
	free(ds->svcs);
}

/* Forgets device i: it was deleted after the device dump listed it. */
static void drop_dev(struct snapshot *snap, size_t i)
{
	free_lists(&snap->devs[i]);
	memmove(&snap->devs[i], &snap->devs[i + 1],
		(snap->n_devs - i - 1) * sizeof(snap->devs[0]));
	snap->n_devs--;
}

int snapshot_read(struct ipto_nl *nl, const char *ifname,
		  struct snapshot *snap)
{
	size_t i = 0;
	int ret;

	memset(snap, 0, sizeof(*snap));
	ret = read_devs(nl, ifname, snap);
	while (ret == 0 && i < snap->n_devs) {
		ret = read_lists(nl, snap, &snap->devs[i]);
		if (ret == -ENODEV && !ifname) {
			drop_dev(snap, i);
			ret = 0;
		} else if (ret == 0) {
			i++;
		}
	}
	if (ret == -EINTR)
		snprintf(snap->problem, sizeof(snap->problem),
			 "the kernel's table changed while it was read, twice in a row; try again");
	return ret;
}

void snapshot_free(struct snapshot *snap)
{
	size_t i;

	for (i = 0; i < snap->n_devs; i++)
		free_lists(&snap->devs[i]);
	free(snap->devs);
	memset(snap, 0, sizeof(*snap));
}
