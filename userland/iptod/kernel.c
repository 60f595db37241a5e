// SPDX-License-Identifier: GPL-2.0
/*
 * kernel.c - iptod's requests to the ipto module: the device, the table by
 * difference, node states, lease and fence, the held nodes, and the events
 * of the "events" group, on three netlink sockets (requests, events,
 * rtnetlink); and on the lower device, duplicate address detection again
 * for the home addresses that failed it.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "kernel.h"
#include "lib/ipto_nl.h"
#include "lib/ipto_rtnl.h"
#include "lib/snapshot.h"

/* Receive buffer of the events socket: a takeover brings an event per address. */
#define EVENTS_RCVBUF	(8 * 1024 * 1024)

struct iptod_kernel {
	struct ipto_nl *nl;		/* requests */
	struct ipto_nl *events;		/* the "events" group */
	struct ipto_nl *rtnl;
	char device[IF_NAMESIZE];
	unsigned int ifindex;
	unsigned int link_ifindex;	/* the lower device */
	char extack[256];
};

static void note_extack(struct iptod_kernel *k, struct ipto_nl *nl)
{
	const char *msg = ipto_nl_extack(nl);

	snprintf(k->extack, sizeof(k->extack), "%s", msg ? msg : "");
}

static int request(struct iptod_kernel *k, struct nlmsghdr *nlh)
{
	int ret = ipto_nl_request(k->nl, nlh, NULL, NULL);

	if (ret < 0)
		note_extack(k, k->nl);
	else
		k->extack[0] = '\0';
	return ret;
}

const char *iptod_kernel_extack(const struct iptod_kernel *k)
{
	return k->extack;
}

int iptod_kernel_events_fd(const struct iptod_kernel *k)
{
	return ipto_nl_fd(k->events);
}

unsigned int iptod_kernel_ifindex(const struct iptod_kernel *k)
{
	return k->ifindex;
}

/* Creates the ipto device on link and sets it up. */
static int create_device(struct iptod_kernel *k, unsigned int link_ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *info;
	int ret;

	nlh = ipto_nl_msg_raw(k->rtnl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, k->device);
	mnl_attr_put_u32(nlh, IFLA_LINK, link_ifindex);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, IPTO_LINK_KIND);
	mnl_attr_nest_end(nlh, info);
	ret = ipto_nl_request(k->rtnl, nlh, NULL, NULL);
	if (ret < 0) {
		note_extack(k, k->rtnl);
		return ret;
	}
	k->ifindex = if_nametoindex(k->device);
	if (!k->ifindex)
		return -errno;
	nlh = ipto_nl_msg_raw(k->rtnl, RTM_NEWLINK, 0);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)k->ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	ret = ipto_nl_request(k->rtnl, nlh, NULL, NULL);
	if (ret < 0)
		note_extack(k, k->rtnl);
	return ret;
}

/* Finds the device; it must be an ipto device on link. */
static int find_device(struct iptod_kernel *k, const char *link, char *err,
		       size_t errlen)
{
	unsigned int link_ifindex = if_nametoindex(link);
	struct snapshot snap = { 0 };
	int ret;

	if (!link_ifindex) {
		snprintf(err, errlen, "lower device %s: %s", link, strerror(errno));
		return -ENODEV;
	}
	k->link_ifindex = link_ifindex;
	ret = snapshot_read(k->nl, k->device, &snap);
	if (ret == -ENODEV || ret == -ENOENT) {
		snapshot_free(&snap);
		if (if_nametoindex(k->device)) {
			snprintf(err, errlen, "%s exists and is not an ipto device", k->device);
			return -EEXIST;
		}
		ret = create_device(k, link_ifindex);
		if (ret < 0)
			snprintf(err, errlen, "cannot create %s on %s: %s%s%s", k->device,
				 link, strerror(-ret), k->extack[0] ? ": " : "", k->extack);
		return ret;
	}
	if (ret < 0) {
		snprintf(err, errlen, "cannot read %s: %s%s%s", k->device, strerror(-ret),
			 snap.problem[0] ? ": " : "", snap.problem);
		snapshot_free(&snap);
		return ret;
	}
	k->ifindex = snap.devs[0].dev.ifindex;
	if (snap.devs[0].dev.link_ifindex != link_ifindex) {
		snprintf(err, errlen, "%s exists on another lower device than %s",
			 k->device, link);
		ret = -EEXIST;
	}
	snapshot_free(&snap);
	return ret;
}

struct iptod_kernel *iptod_kernel_open(const char *device, const char *link,
				       char *err, size_t errlen)
{
	struct iptod_kernel *k = calloc(1, sizeof(*k));
	int ret, fd, rcvbuf = EVENTS_RCVBUF;

	if (!k) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(k->device, sizeof(k->device), "%s", device);
	k->nl = ipto_nl_open(err, errlen);
	if (!k->nl)
		goto fail;
	k->events = ipto_nl_open(err, errlen);
	if (!k->events)
		goto fail;
	k->rtnl = ipto_nl_open_route(err, errlen);
	if (!k->rtnl)
		goto fail;
	fd = ipto_nl_fd(k->events);
	/* FORCE needs CAP_NET_ADMIN, which iptod has; the plain one is capped. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	ret = ipto_nl_subscribe(k->events, IPTO_MCGRP_EVENTS);
	if (ret < 0) {
		snprintf(err, errlen, "cannot join the ipto events group: %s", strerror(-ret));
		goto fail;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (find_device(k, link, err, errlen) < 0)
		goto fail;
	return k;
fail:
	iptod_kernel_close(k);
	return NULL;
}

void iptod_kernel_close(struct iptod_kernel *k)
{
	if (!k)
		return;
	if (k->nl)
		ipto_nl_close(k->nl);
	if (k->events)
		ipto_nl_close(k->events);
	if (k->rtnl)
		ipto_nl_close(k->rtnl);
	free(k);
}

static struct nlmsghdr *dev_msg(struct iptod_kernel *k, uint8_t cmd,
				uint16_t ifindex_attr)
{
	struct nlmsghdr *nlh = ipto_nl_msg(k->nl, cmd, 0);

	mnl_attr_put_u32(nlh, ifindex_attr, k->ifindex);
	return nlh;
}

static void put_standby(struct nlmsghdr *nlh, uint16_t type, const uint32_t *ids,
			unsigned int n)
{
	mnl_attr_put(nlh, type, n * sizeof(uint32_t), ids);
}

static int node_add(struct iptod_kernel *k, const struct iptod_node *n, bool self, bool up)
{
	struct nlmsghdr *nlh = dev_msg(k, IPTO_CMD_NODE_ADD, IPTO_NODE_A_IFINDEX);
	struct nlattr *nest = NULL;

	mnl_attr_put_u32(nlh, IPTO_NODE_A_ID, n->id);
	mnl_attr_put_strz(nlh, IPTO_NODE_A_NAME, n->name);
	mnl_attr_put_u8(nlh, IPTO_NODE_A_FAILOVER, n->failover);
	mnl_attr_put_u8(nlh, IPTO_NODE_A_STATE, up ? IPTO_NODE_UP : IPTO_NODE_DOWN);
	if (self)
		mnl_attr_put_u8(nlh, IPTO_NODE_A_SELF, 1);
	for (unsigned int i = 0; i < n->naddrs; i++) {
		const struct iptod_addr *a = &n->addrs[i];
		bool v4 = a->family == AF_INET;
		uint16_t type = v4 ? IPTO_NODE_ADDR_A_IPV4 : IPTO_NODE_ADDR_A_IPV6;
		size_t len = v4 ? sizeof(a->v4) : sizeof(a->v6);

		/* An attribute holds at most 64 KiB: start another nest. */
		if (nest && (size_t)((char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nest) +
			    MNL_ATTR_HDRLEN + len > UINT16_MAX) {
			mnl_attr_nest_end(nlh, nest);
			nest = NULL;
		}
		if (!nest)
			nest = mnl_attr_nest_start_check(nlh, IPTO_NL_MSG_MAX, IPTO_NODE_A_ADDRS);
		if (!nest || !mnl_attr_put_check(nlh, IPTO_NL_MSG_MAX, type, len,
						 v4 ? (const void *)&a->v4 : (const void *)&a->v6))
			return -EMSGSIZE;
	}
	if (nest)
		mnl_attr_nest_end(nlh, nest);
	return request(k, nlh);
}

static int node_set_standby(struct iptod_kernel *k, uint32_t id, const uint32_t *ids,
			    unsigned int n, int failover)
{
	struct nlmsghdr *nlh = dev_msg(k, IPTO_CMD_NODE_SET, IPTO_NODE_A_IFINDEX);

	mnl_attr_put_u32(nlh, IPTO_NODE_A_ID, id);
	put_standby(nlh, IPTO_NODE_A_STANDBY, ids, n);
	if (failover >= 0)
		mnl_attr_put_u8(nlh, IPTO_NODE_A_FAILOVER, (uint8_t)failover);
	return request(k, nlh);
}

static int node_del(struct iptod_kernel *k, uint32_t id)
{
	struct nlmsghdr *nlh = dev_msg(k, IPTO_CMD_NODE_DEL, IPTO_NODE_A_IFINDEX);

	mnl_attr_put_u32(nlh, IPTO_NODE_A_ID, id);
	return request(k, nlh);
}

static int service_add(struct iptod_kernel *k, const struct iptod_service *s)
{
	struct nlmsghdr *nlh = dev_msg(k, IPTO_CMD_SERVICE_ADD, IPTO_SVC_A_IFINDEX);

	mnl_attr_put_u32(nlh, IPTO_SVC_A_NODE, s->node);
	mnl_attr_put_strz(nlh, IPTO_SVC_A_NAME, s->name);
	mnl_attr_put_u8(nlh, IPTO_SVC_A_PROTO, s->proto);
	mnl_attr_put_u16(nlh, IPTO_SVC_A_PORT_MIN, s->port_min);
	mnl_attr_put_u16(nlh, IPTO_SVC_A_PORT_MAX, s->port_max);
	mnl_attr_put_u8(nlh, IPTO_SVC_A_ACTION, s->action);
	if (s->has_failover)
		mnl_attr_put_u8(nlh, IPTO_SVC_A_FAILOVER, s->failover);
	if (s->has_standby)
		put_standby(nlh, IPTO_SVC_A_STANDBY, s->standby, s->nstandby);
	return request(k, nlh);
}

static int service_del(struct iptod_kernel *k, uint32_t node, const char *name)
{
	struct nlmsghdr *nlh = dev_msg(k, IPTO_CMD_SERVICE_DEL, IPTO_SVC_A_IFINDEX);

	mnl_attr_put_u32(nlh, IPTO_SVC_A_NODE, node);
	mnl_attr_put_strz(nlh, IPTO_SVC_A_NAME, name);
	return request(k, nlh);
}

/* An address as 17 bytes that sort: family, then the address. */
struct addr_key {
	uint8_t b[17];
};

static int addr_key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct addr_key));
}

/* Whether the kernel's node has exactly the configured node's addresses. */
static bool same_addrs(const struct snap_node *kn, const struct iptod_node *cn)
{
	struct addr_key *a, *b;
	bool same = false;

	if (kn->n_addrs != cn->naddrs)
		return false;
	a = calloc(cn->naddrs, sizeof(*a));
	b = calloc(cn->naddrs, sizeof(*b));
	if (a && b) {
		for (unsigned int i = 0; i < cn->naddrs; i++) {
			a[i].b[0] = (uint8_t)kn->addrs[i].family;
			memcpy(a[i].b + 1, kn->addrs[i].addr,
			       kn->addrs[i].family == AF_INET ? 4 : 16);
			b[i].b[0] = (uint8_t)cn->addrs[i].family;
			memcpy(b[i].b + 1, &cn->addrs[i].v6, cn->addrs[i].family == AF_INET ? 4 : 16);
		}
		qsort(a, cn->naddrs, sizeof(*a), addr_key_cmp);
		qsort(b, cn->naddrs, sizeof(*b), addr_key_cmp);
		same = !memcmp(a, b, cn->naddrs * sizeof(*a));
	}
	free(a);
	free(b);
	return same;
}

/*
 * Empties the table: standby lists, services, nodes; except the self node
 * when it is already the configured one (same id, name and addresses):
 * removing it would let this node answer its own addresses, for a moment,
 * while a standby may hold them (a restarted iptod).  Returns 1 when the
 * self node was kept, 0, or a negative errno.
 */
static int flush(struct iptod_kernel *k, const struct iptod_config *cfg, char *err,
		 size_t errlen)
{
	const struct iptod_node *self = iptod_config_node(cfg, cfg->self);
	struct snapshot snap = { 0 };
	struct dev_snapshot *d;
	uint32_t keep = 0;
	int ret;

	ret = snapshot_read(k->nl, k->device, &snap);
	if (ret < 0) {
		snprintf(err, errlen, "reading the table of %s: %s", k->device, strerror(-ret));
		goto out;
	}
	d = &snap.devs[0];
	for (size_t i = 0; i < d->n_nodes; i++)
		if (d->nodes[i].self && d->nodes[i].id == self->id &&
		    !strcmp(d->nodes[i].name, self->name) && same_addrs(&d->nodes[i], self))
			keep = self->id;
	for (size_t i = 0; i < d->n_svcs; i++) {
		ret = service_del(k, d->svcs[i].node, d->svcs[i].name);
		if (ret < 0) {
			snprintf(err, errlen, "removing service %s: %s", d->svcs[i].name,
				 strerror(-ret));
			goto out;
		}
	}
	for (size_t i = 0; i < d->n_nodes; i++) {
		ret = node_set_standby(k, d->nodes[i].id, NULL, 0, -1);
		if (ret < 0) {
			snprintf(err, errlen, "clearing node %u's standby: %s", d->nodes[i].id,
				 strerror(-ret));
			goto out;
		}
	}
	for (size_t i = 0; i < d->n_nodes; i++) {
		if (d->nodes[i].id == keep)
			continue;
		ret = node_del(k, d->nodes[i].id);
		if (ret < 0) {
			snprintf(err, errlen, "removing node %u: %s", d->nodes[i].id,
				 strerror(-ret));
			goto out;
		}
	}
	ret = keep != 0;
out:
	snapshot_free(&snap);
	return ret;
}

static const struct iptod_node *find_node(const struct iptod_config *cfg, uint32_t id)
{
	return cfg ? iptod_config_node(cfg, id) : NULL;
}

static const struct iptod_service *find_service(const struct iptod_config *cfg,
						const struct iptod_service *s)
{
	for (unsigned int i = 0; cfg && i < cfg->nservices; i++)
		if (cfg->services[i].node == s->node && !strcmp(cfg->services[i].name, s->name))
			return &cfg->services[i];
	return NULL;
}

static bool names_any(const uint32_t *ids, unsigned int n, const bool *gone,
		      const struct iptod_config *cfg)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = 0; j < cfg->nnodes; j++)
			if (gone[j] && cfg->nodes[j].id == ids[i])
				return true;
	return false;
}

/*
 * A node stays in the table when its id, name, addresses and selfness are
 * the same in both configs; standby and failover are changed in place.
 */
static bool node_kept(const struct iptod_config *old, const struct iptod_node *o,
		      const struct iptod_config *new)
{
	const struct iptod_node *n = find_node(new, o->id);

	if (!n || strcmp(n->name, o->name) || n->naddrs != o->naddrs ||
	    (old->self == o->id) != (new->self == n->id))
		return false;
	for (unsigned int i = 0; i < n->naddrs; i++)
		if (n->addrs[i].family != o->addrs[i].family ||
		    memcmp(&n->addrs[i].v6, &o->addrs[i].v6,
			   n->addrs[i].family == AF_INET ? 4 : 16))
			return false;
	return true;
}

static bool same_standby(const uint32_t *a, unsigned int na, const uint32_t *b,
			 unsigned int nb)
{
	return na == nb && !memcmp(a, b, na * sizeof(*a));
}

#define FAIL(fmt, ...) do { \
	snprintf(err, errlen, fmt ": %s%s%s", __VA_ARGS__, strerror(-ret), \
		 k->extack[0] ? ": " : "", k->extack); \
	goto out; \
} while (0)

int iptod_kernel_apply(struct iptod_kernel *k, const struct iptod_config *old,
		       const struct iptod_config *new,
		       bool (*node_up)(void *ctx, uint32_t id), void *ctx,
		       char *err, size_t errlen)
{
	unsigned int nold = old ? old->nnodes : 0;
	bool *gone = calloc(nold + 1, sizeof(*gone));
	bool *cleared = calloc(nold + 1, sizeof(*cleared));
	bool kept_self = false;
	int ret = -ENOMEM;

	if (!gone || !cleared) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (!old) {
		ret = flush(k, new, err, errlen);
		if (ret < 0)
			goto out;
		kept_self = ret;
	}
	for (unsigned int i = 0; i < nold; i++)
		gone[i] = !node_kept(old, &old->nodes[i], new);

	/* Services that change or go, or that name a node going, go first. */
	for (unsigned int i = 0; old && i < old->nservices; i++) {
		const struct iptod_service *o = &old->services[i];
		const struct iptod_service *n = find_service(new, o);

		if (n && iptod_service_equal(o, n) && !names_any(&o->node, 1, gone, old) &&
		    !(o->has_standby && names_any(o->standby, o->nstandby, gone, old)))
			continue;
		ret = service_del(k, o->node, o->name);
		if (ret < 0)
			FAIL("removing service %s", o->name);
	}
	/* Standby lists of staying nodes that name a going node are emptied. */
	for (unsigned int i = 0; i < nold; i++) {
		const struct iptod_node *o = &old->nodes[i];

		if (gone[i] || !names_any(o->standby, o->nstandby, gone, old))
			continue;
		ret = node_set_standby(k, o->id, NULL, 0, -1);
		if (ret < 0)
			FAIL("clearing node %s's standby", o->name);
		cleared[i] = true;
	}
	for (unsigned int i = 0; i < nold; i++) {
		if (!gone[i])
			continue;
		ret = node_set_standby(k, old->nodes[i].id, NULL, 0, -1);
		if (ret < 0)
			FAIL("clearing node %s's standby", old->nodes[i].name);
	}
	for (unsigned int i = 0; i < nold; i++) {
		if (!gone[i])
			continue;
		ret = node_del(k, old->nodes[i].id);
		if (ret < 0)
			FAIL("removing node %s", old->nodes[i].name);
	}
	/* New nodes, without standby lists: they may name each other. */
	for (unsigned int i = 0; i < new->nnodes; i++) {
		const struct iptod_node *n = &new->nodes[i];
		const struct iptod_node *o = find_node(old, n->id);

		if ((o && !gone[o - old->nodes]) || (kept_self && n->id == new->self))
			continue;
		ret = node_add(k, n, n->id == new->self, node_up(ctx, n->id));
		if (ret < 0)
			FAIL("adding node %s", n->name);
	}
	for (unsigned int i = 0; i < new->nnodes; i++) {
		const struct iptod_node *n = &new->nodes[i];
		const struct iptod_node *o = find_node(old, n->id);

		if (o && !gone[o - old->nodes] && !cleared[o - old->nodes] &&
		    o->failover == n->failover &&
		    same_standby(o->standby, o->nstandby, n->standby, n->nstandby))
			continue;
		if (!o && !n->nstandby && !(kept_self && n->id == new->self))
			continue;
		ret = node_set_standby(k, n->id, n->standby, n->nstandby, n->failover);
		if (ret < 0)
			FAIL("setting node %s's standby", n->name);
	}
	for (unsigned int i = 0; i < new->nservices; i++) {
		const struct iptod_service *n = &new->services[i];
		const struct iptod_service *o = find_service(old, n);
		const struct iptod_node *on = o ? find_node(old, o->node) : NULL;

		if (o && iptod_service_equal(o, n) && on && !gone[on - old->nodes] &&
		    !(o->has_standby && names_any(o->standby, o->nstandby, gone, old)))
			continue;
		ret = service_add(k, n);
		if (ret < 0)
			FAIL("adding service %s", n->name);
	}
	{
		struct nlmsghdr *nlh = dev_msg(k, IPTO_CMD_DEV_SET, IPTO_DEV_A_IFINDEX);

		mnl_attr_put_u8(nlh, IPTO_DEV_A_FAILBACK, new->failback);
		ret = request(k, nlh);
		if (ret < 0)
			FAIL("setting failback on %s", k->device);
	}
	ret = 0;
out:
	free(gone);
	free(cleared);
	return ret;
}

int iptod_kernel_node_state(struct iptod_kernel *k, uint32_t id, uint8_t state)
{
	struct nlmsghdr *nlh = dev_msg(k, IPTO_CMD_NODE_SET, IPTO_NODE_A_IFINDEX);

	mnl_attr_put_u32(nlh, IPTO_NODE_A_ID, id);
	mnl_attr_put_u8(nlh, IPTO_NODE_A_STATE, state);
	return request(k, nlh);
}

int iptod_kernel_drain_progress(struct iptod_kernel *k, uint32_t id, uint32_t conns,
				uint32_t left_ms)
{
	struct nlmsghdr *nlh = dev_msg(k, IPTO_CMD_NODE_SET, IPTO_NODE_A_IFINDEX);

	mnl_attr_put_u32(nlh, IPTO_NODE_A_ID, id);
	mnl_attr_put_u32(nlh, IPTO_NODE_A_DRAIN_CONNS, conns);
	mnl_attr_put_u32(nlh, IPTO_NODE_A_DRAIN_LEFT_MS, left_ms);
	return request(k, nlh);
}

int iptod_kernel_node_get_state(struct iptod_kernel *k, uint32_t id, uint8_t *state)
{
	struct snapshot snap = { 0 };
	int ret;

	ret = snapshot_read(k->nl, k->device, &snap);
	if (ret == 0) {
		const struct dev_snapshot *d = &snap.devs[0];

		ret = -ENOENT;
		for (size_t i = 0; i < d->n_nodes; i++) {
			if (d->nodes[i].id == id) {
				*state = d->nodes[i].state;
				ret = 0;
			}
		}
	}
	snapshot_free(&snap);
	return ret;
}

static void put_lease_end(struct nlmsghdr *nlh, uint64_t end_ms)
{
	if (end_ms != UINT64_MAX)
		mnl_attr_put_u64(nlh, IPTO_DEV_A_LEASE_END_NS,
				 end_ms < UINT64_MAX / 1000000 ? end_ms * 1000000 : UINT64_MAX);
}

int iptod_kernel_renew_lease(struct iptod_kernel *k, uint64_t end_ms)
{
	struct nlmsghdr *nlh = dev_msg(k, IPTO_CMD_LEASE, IPTO_DEV_A_IFINDEX);

	put_lease_end(nlh, end_ms);
	return request(k, nlh);
}

int iptod_kernel_set_lease(struct iptod_kernel *k, unsigned int lease_ms)
{
	struct nlmsghdr *nlh = dev_msg(k, IPTO_CMD_DEV_SET, IPTO_DEV_A_IFINDEX);

	mnl_attr_put_u32(nlh, IPTO_DEV_A_LEASE_MS, lease_ms);
	return request(k, nlh);
}

int iptod_kernel_fence(struct iptod_kernel *k, bool on, uint64_t end_ms)
{
	struct nlmsghdr *nlh = dev_msg(k, IPTO_CMD_DEV_SET, IPTO_DEV_A_IFINDEX);

	mnl_attr_put_u8(nlh, IPTO_DEV_A_FENCED, on ? IPTO_FENCE_REQUEST : IPTO_FENCE_NONE);
	put_lease_end(nlh, end_ms);
	return request(k, nlh);
}

int iptod_kernel_held(struct iptod_kernel *k, uint32_t self, uint32_t *held,
		      uint32_t *self_owner)
{
	struct snapshot snap = { 0 };
	int ret, n = 0;

	ret = snapshot_read(k->nl, k->device, &snap);
	if (ret == 0) {
		struct dev_snapshot *d = &snap.devs[0];

		*self_owner = 0;
		for (size_t i = 0; i < d->n_nodes && n < IPTO_NODES_MAX; i++) {
			if (d->nodes[i].id == self)
				*self_owner = d->nodes[i].owner;
			else if (d->nodes[i].owner == self)
				held[n++] = d->nodes[i].id;
		}
		ret = n;
	}
	snapshot_free(&snap);
	return ret;
}

int iptod_kernel_snapshot(struct iptod_kernel *k, struct snapshot *snap)
{
	return snapshot_read(k->nl, k->device, snap);
}

int iptod_kernel_take_back(struct iptod_kernel *k, uint32_t self)
{
	struct nlmsghdr *nlh = dev_msg(k, IPTO_CMD_NODE_FAILBACK, IPTO_NODE_A_IFINDEX);

	mnl_attr_put_u32(nlh, IPTO_NODE_A_ID, self);
	return request(k, nlh);
}

int iptod_kernel_conn_reset(struct iptod_kernel *k, const struct conn_sync_conn *conns,
			    size_t n, size_t *sent)
{
	size_t count = n < IPTO_CONN_RESET_MAX ? n : IPTO_CONN_RESET_MAX;
	struct nlmsghdr *nlh;
	struct ipto_nl_u32 done = { .type = IPTO_RESET_A_SENT };
	int ret;

	*sent = 0;
	if (!n)
		return 0;
	nlh = dev_msg(k, IPTO_CMD_CONN_RESET, IPTO_RESET_A_IFINDEX);
	for (size_t i = 0; i < count; i++) {
		const struct conn_sync_conn *c = &conns[i];
		bool v4 = c->family == 4;
		struct nlattr *nest = mnl_attr_nest_start(nlh, IPTO_RESET_A_CONN);

		mnl_attr_put(nlh, v4 ? IPTO_CONN_A_LOCAL_IPV4 : IPTO_CONN_A_LOCAL_IPV6,
			     v4 ? 4 : 16, c->local);
		mnl_attr_put_u16(nlh, IPTO_CONN_A_LOCAL_PORT, c->lport);
		mnl_attr_put(nlh, v4 ? IPTO_CONN_A_REMOTE_IPV4 : IPTO_CONN_A_REMOTE_IPV6,
			     v4 ? 4 : 16, c->remote);
		mnl_attr_put_u16(nlh, IPTO_CONN_A_REMOTE_PORT, c->rport);
		mnl_attr_nest_end(nlh, nest);
	}
	ret = ipto_nl_request(k->nl, nlh, ipto_nl_u32_cb, &done);
	if (ret < 0) {
		note_extack(k, k->nl);
		return ret;
	}
	k->extack[0] = '\0';
	*sent = done.value < count ? done.value : count;
	return 0;
}

int iptod_kernel_local_addr(struct iptod_kernel *k, const struct iptod_addr *a, bool add)
{
	const void *bytes = a->family == AF_INET ? (const void *)&a->v4 : (const void *)&a->v6;

	if (add)
		return ipto_rtnl_addr_add(k->rtnl, k->ifindex, a->family, bytes);
	return ipto_rtnl_addr_del(k->rtnl, k->ifindex, a->family, bytes);
}

int iptod_kernel_redo_dad(struct iptod_kernel *k,
			  bool (*wanted)(const struct in6_addr *addr, void *ctx),
			  void (*redone)(const struct in6_addr *addr, int err, void *ctx),
			  void *ctx)
{
	return ipto_rtnl_redo_dad(k->rtnl, k->link_ifindex, wanted, redone, ctx);
}

struct event_ctx {
	struct iptod_kernel *k;
	void (*cb)(void *ctx, const struct iptod_event *ev);
	void *ctx;
};

static int on_event(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *tb[IPTO_EVENT_A_MAX + 1] = { 0 };
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct event_ctx *e = data;
	struct iptod_event ev = { 0 };
	const struct nlattr *attr;

	if (genl->cmd != IPTO_CMD_EVENT)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*genl)) {
		uint16_t type = mnl_attr_get_type(attr);

		if (type <= IPTO_EVENT_A_MAX)
			tb[type] = (struct nlattr *)attr;
	}
	if (!tb[IPTO_EVENT_A_TYPE] || !tb[IPTO_EVENT_A_IFINDEX] ||
	    mnl_attr_get_u32(tb[IPTO_EVENT_A_IFINDEX]) != e->k->ifindex)
		return MNL_CB_OK;
	ev.type = mnl_attr_get_u8(tb[IPTO_EVENT_A_TYPE]);
	if (tb[IPTO_EVENT_A_NODE])
		ev.node = mnl_attr_get_u32(tb[IPTO_EVENT_A_NODE]);
	if (tb[IPTO_EVENT_A_OWNER])
		ev.owner = mnl_attr_get_u32(tb[IPTO_EVENT_A_OWNER]);
	if (tb[IPTO_EVENT_A_REASON])
		ev.reason = mnl_attr_get_u8(tb[IPTO_EVENT_A_REASON]);
	if (tb[IPTO_EVENT_A_IPV4] && mnl_attr_get_payload_len(tb[IPTO_EVENT_A_IPV4]) == 4) {
		ev.addr.family = AF_INET;
		memcpy(&ev.addr.v4, mnl_attr_get_payload(tb[IPTO_EVENT_A_IPV4]), 4);
	} else if (tb[IPTO_EVENT_A_IPV6] &&
		   mnl_attr_get_payload_len(tb[IPTO_EVENT_A_IPV6]) == 16) {
		ev.addr.family = AF_INET6;
		memcpy(&ev.addr.v6, mnl_attr_get_payload(tb[IPTO_EVENT_A_IPV6]), 16);
	}
	if (tb[IPTO_EVENT_A_SERVICE])
		snprintf(ev.service, sizeof(ev.service), "%s",
			 mnl_attr_get_str(tb[IPTO_EVENT_A_SERVICE]));
	e->cb(e->ctx, &ev);
	return MNL_CB_OK;
}

int iptod_kernel_read_events(struct iptod_kernel *k,
			     void (*cb)(void *ctx, const struct iptod_event *ev),
			     void *ctx)
{
	struct event_ctx e = { k, cb, ctx };
	int ret;

	for (;;) {
		ret = ipto_nl_recv_notifications(k->events, on_event, &e);
		if (ret == -EAGAIN || ret == -EWOULDBLOCK)
			return 0;
		if (ret < 0)
			return ret;
	}
}
