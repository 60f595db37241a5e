// SPDX-License-Identifier: GPL-2.0
/*
 * cluster.c - the cluster table of a device and the takeover engine.
 *
 * The table (nodes here, services in service.c) is changed only under
 * RTNL, by the generic netlink handlers, and after every change
 * ipto_cluster_run() evaluates decide.c's pure function and applies its
 * answer to this node: it adopts the addresses of nodes it now provides,
 * releases those it no longer does, switches services on or off, and
 * raises the cascade guard's marks and alerts.  While the device is fenced
 * it adopts nothing.  It also enters the self node's home addresses in
 * the address table (addr.c) while the device has a lease, so that the
 * packet path guards them with it, and silences them while the device is
 * fenced or the decision gives them to another node or to none.  The
 * packet path never reads the table; it sees only adopted and home
 * addresses and service flags, each switched atomically.
 */
#include <linux/bsearch.h>
#include <linux/mm.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "addr.h"
#include "cluster.h"
#include "device.h"
#include "family.h"
#include "service.h"

struct ipto_node *ipto_cluster_node(struct ipto_dev *ipto, u32 id)
{
	struct ipto_cluster *c = &ipto->cluster;
	unsigned int i;

	for (i = 0; i < c->nnodes; i++)
		if (c->nodes[i]->id == id)
			return c->nodes[i];
	return NULL;
}

static int ipto_key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct ipto_addr_key));
}

static bool ipto_node_has_addr(const struct ipto_node *node, const struct ipto_addr_key *key)
{
	return bsearch(key, node->addrs, node->naddrs, sizeof(*key), ipto_key_cmp);
}

int ipto_cluster_check_standby(struct ipto_dev *ipto, u32 home, const u32 *standby,
			       unsigned int n, struct netlink_ext_ack *extack)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		if (standby[i] == home) {
			NL_SET_ERR_MSG_MOD(extack, "a node cannot be its own standby");
			return -EINVAL;
		}
		if (!ipto_cluster_node(ipto, standby[i])) {
			NL_SET_ERR_MSG_MOD(extack, "the standby list names an unknown node");
			return -ENOENT;
		}
		for (j = 0; j < i; j++) {
			if (standby[j] == standby[i]) {
				NL_SET_ERR_MSG_MOD(extack, "the standby list names a node twice");
				return -EINVAL;
			}
		}
	}
	return 0;
}

static void ipto_node_free(struct ipto_node *node)
{
	kvfree(node->addrs);
	kfree(node);
}

/* Takes @node, whose @addrs the caller allocated, into the table. */
int ipto_cluster_node_add(struct ipto_dev *ipto, struct ipto_node *node,
			  struct netlink_ext_ack *extack)
{
	struct ipto_cluster *c = &ipto->cluster;
	unsigned int i, j;
	int ret;

	ASSERT_RTNL();
	if (c->nnodes >= IPTO_NODES_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "too many nodes (max 64)");
		return -ENOSPC;
	}
	for (i = 0; i < c->nnodes; i++) {
		if (c->nodes[i]->id == node->id) {
			NL_SET_ERR_MSG_MOD(extack, "a node with that id exists");
			return -EEXIST;
		}
		if (!strcmp(c->nodes[i]->name, node->name)) {
			NL_SET_ERR_MSG_MOD(extack, "a node with that name exists");
			return -EEXIST;
		}
		if (node->self && c->nodes[i]->self) {
			NL_SET_ERR_MSG_MOD(extack, "another node of the table is self");
			return -EEXIST;
		}
	}
	ret = ipto_cluster_check_standby(ipto, node->id, node->standby, node->nstandby, extack);
	if (ret)
		return ret;
	sort(node->addrs, node->naddrs, sizeof(node->addrs[0]), ipto_key_cmp, NULL);
	for (i = 0; i < node->naddrs; i++) {
		if (i && !ipto_key_cmp(&node->addrs[i - 1], &node->addrs[i])) {
			NL_SET_ERR_MSG_MOD(extack, "the node lists an address twice");
			return -EINVAL;
		}
		for (j = 0; j < c->nnodes; j++) {
			if (ipto_node_has_addr(c->nodes[j], &node->addrs[i])) {
				NL_SET_ERR_MSG_MOD(extack, "an address belongs to another node");
				return -EADDRINUSE;
			}
		}
	}
	c->nodes[c->nnodes++] = node;
	c->gen++;
	return 0;
}

int ipto_cluster_node_del(struct ipto_dev *ipto, u32 id, struct netlink_ext_ack *extack)
{
	const struct ipto_services *set = rtnl_dereference(ipto->services);
	struct ipto_cluster *c = &ipto->cluster;
	struct ipto_node *node = NULL;
	unsigned int i, j, at = 0;

	ASSERT_RTNL();
	for (i = 0; i < c->nnodes; i++) {
		if (c->nodes[i]->id == id) {
			node = c->nodes[i];
			at = i;
		}
		for (j = 0; j < c->nodes[i]->nstandby; j++) {
			if (c->nodes[i]->standby[j] == id) {
				NL_SET_ERR_MSG_MOD(extack, "another node's standby list names it");
				return -EBUSY;
			}
		}
	}
	if (!node) {
		NL_SET_ERR_MSG_MOD(extack, "no node with that id");
		return -ENOENT;
	}
	for (i = 0; set && i < set->count; i++) {
		bool names = set->svc[i].node == id;

		for (j = 0; j < set->svc[i].nstandby; j++)
			names |= set->svc[i].standby[j] == id;
		if (names) {
			NL_SET_ERR_MSG_MOD(extack,
					   "a service of the node, or naming it as standby, exists");
			return -EBUSY;
		}
	}
	ipto_addr_release_engine(ipto, id);
	if (node->self && ipto->home_entered) {
		ipto_addr_home_remove(ipto);
		ipto->home_entered = false;
		WRITE_ONCE(ipto->silenced, false);
	}
	memmove(&c->nodes[at], &c->nodes[at + 1], (c->nnodes - at - 1) * sizeof(c->nodes[0]));
	c->nnodes--;
	c->gen++;
	ipto_node_free(node);
	return 0;
}

void ipto_cluster_set_state(struct ipto_dev *ipto, struct ipto_node *node,
			    enum ipto_node_state state)
{
	bool up = state != IPTO_NODE_DOWN, drain = state == IPTO_NODE_DRAIN;

	if (node->up == up && node->drain == drain)
		return;
	node->up = up;
	node->drain = drain;
	node->drain_reported = false;
	node->drain_conns = 0;
	node->drain_left_ms = 0;
	ipto->cluster.gen++;
	ipto_nl_event(ipto->dev, &(struct ipto_nl_event){
		.type = drain ? IPTO_EVENT_NODE_DRAIN :
			up ? IPTO_EVENT_NODE_UP : IPTO_EVENT_NODE_DOWN,
		.node = node->id });
}

/* A draining node's progress, as membership counts it: kept, and told. */
void ipto_cluster_set_drain_progress(struct ipto_dev *ipto, struct ipto_node *node, u32 conns,
				     u32 left_ms)
{
	if (node->drain_reported && node->drain_conns == conns && node->drain_left_ms == left_ms)
		return;
	node->drain_reported = true;
	node->drain_conns = conns;
	node->drain_left_ms = left_ms;
	ipto->cluster.gen++;
	ipto_nl_event(ipto->dev, &(struct ipto_nl_event){
		.type = IPTO_EVENT_NODE_DRAIN, .node = node->id, .progress = true,
		.drain_conns = conns, .drain_left_ms = left_ms });
}

/*
 * The home addresses of a NODE_ADD into @node: every IPTO_NODE_A_ADDRS
 * nest among the request's attributes (@head, @len; one nest holds at
 * most 64 KiB, so large nodes need several).  @first is the first nest,
 * named when the count is wrong.
 */
int ipto_node_parse_addrs(struct ipto_node *node, const struct nlattr *head, int len,
			  const struct nlattr *first, struct netlink_ext_ack *extack)
{
	const struct nlattr *nest, *attr;
	unsigned int n = 0;
	int rem, nrem;

	nla_for_each_attr(nest, head, len, rem)
		if (nla_type(nest) == IPTO_NODE_A_ADDRS)
			nla_for_each_nested(attr, nest, nrem)
				n++;
	if (!n || n > IPTO_NODE_ADDRS_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, first, "a node has 1 to 16384 home addresses");
		return -EINVAL;
	}
	node->addrs = kvcalloc(n, sizeof(*node->addrs), GFP_KERNEL_ACCOUNT);
	if (!node->addrs)
		return -ENOMEM;
	nla_for_each_attr(nest, head, len, rem) {
		if (nla_type(nest) != IPTO_NODE_A_ADDRS)
			continue;
		nla_for_each_nested(attr, nest, nrem) {
			struct ipto_addr_key *key = &node->addrs[node->naddrs++];

			if (nla_type(attr) == IPTO_NODE_ADDR_A_IPV4)
				ipto_addr_key_set4(key, nla_get_in_addr(attr));
			else
				ipto_addr_key_set6(key, nla_data(attr));
			if (!ipto_addr_valid(key, attr, extack))
				return -EINVAL;
		}
	}
	return 0;
}

/*
 * Manual failback of @from_node (IPTO_CMD_NODE_FAILBACK, or an operator's
 * release of an address the engine adopted from it): the stickiness of its
 * decisions goes, so the next engine run gives its addresses home.
 */
void ipto_cluster_forget(struct ipto_dev *ipto, u32 from_node)
{
	struct ipto_node *node = ipto_cluster_node(ipto, from_node);
	struct ipto_services *set;
	unsigned int i;

	if (!node)
		return;
	node->decision.owner = 0;
	set = ipto_services_copy(ipto);
	if (!set)
		return;
	for (i = 0; i < set->count; i++)
		if (set->svc[i].node == from_node)
			set->svc[i].decision.owner = 0;
	ipto_services_replace(ipto, set);
}

/*
 * The cascade guard's mark of a unit, raised (with an alert) or lifted on
 * this node: raised while the guard holds a unit this node provides and
 * the device is not fenced.  A fenced node provides nothing, so the guard
 * it computes then (at start-up, before its peers are heard, each looks
 * down) is no alert.  Returns the mark now; @was is the mark before.
 */
static bool ipto_cluster_guard_event(struct ipto_dev *ipto, u32 self, bool was,
				     const struct ipto_decision *new, u32 home,
				     const char *service)
{
	bool is = self && ipto->fence == IPTO_FENCE_NONE && new->owner == self && new->guard;
	struct ipto_nl_event ev = { .node = home, .service = service, .owner = self };

	if (is && !was) {
		ipto->cluster.alerts++;
		ev.type = IPTO_EVENT_GUARD_MARK;
		ipto_nl_event(ipto->dev, &ev);
		ev.type = IPTO_EVENT_ALERT;
		ipto_nl_event(ipto->dev, &ev);
		netdev_warn(ipto->dev, "node %u %s%s has no fallback left: failover disallowed\n",
			    home, service ? "service " : "unit", service ?: "");
	} else if (was && !is) {
		ev.type = IPTO_EVENT_GUARD_LIFT;
		ipto_nl_event(ipto->dev, &ev);
	}
	return is;
}

static bool ipto_service_has_unit(const struct ipto_service *svc)
{
	return svc->failover >= 0 || svc->has_standby;
}

static u32 ipto_cluster_self(const struct ipto_cluster *c)
{
	unsigned int i;

	for (i = 0; i < c->nnodes; i++)
		if (c->nodes[i]->self)
			return c->nodes[i]->id;
	return 0;
}

/* The arrays one evaluation needs, sized for the table. */
struct ipto_eval {
	struct ipto_decide_input in;
	struct ipto_decide_node *nodes;
	struct ipto_unit *units;
	struct ipto_decision *prev;
	struct ipto_decision *out;
	int *svc_unit;		/* unit of each service */
};

static void ipto_eval_free(struct ipto_eval *e)
{
	kvfree(e->nodes);
	kvfree(e->units);
	kvfree(e->prev);
	kvfree(e->out);
	kvfree(e->svc_unit);
}

static int ipto_eval_alloc(struct ipto_eval *e, unsigned int nnodes, unsigned int nunits,
			   unsigned int nsvc)
{
	e->nodes = kvcalloc(nnodes, sizeof(*e->nodes), GFP_KERNEL);
	e->units = kvcalloc(nunits, sizeof(*e->units), GFP_KERNEL);
	e->prev = kvcalloc(nunits, sizeof(*e->prev), GFP_KERNEL);
	e->out = kvcalloc(nunits, sizeof(*e->out), GFP_KERNEL);
	e->svc_unit = kvcalloc(max(nsvc, 1U), sizeof(*e->svc_unit), GFP_KERNEL);
	if (e->nodes && e->units && e->prev && e->out && e->svc_unit)
		return 0;
	ipto_eval_free(e);
	return -ENOMEM;
}

/* Fills the decision's input from the table; services may be NULL. */
static void ipto_eval_fill(struct ipto_eval *e, struct ipto_dev *ipto,
			   const struct ipto_services *set)
{
	struct ipto_cluster *c = &ipto->cluster;
	unsigned int i, n = 0;

	for (i = 0; i < c->nnodes; i++) {
		const struct ipto_node *node = c->nodes[i];
		struct ipto_unit *u = &e->units[n];

		e->nodes[i].id = node->id;
		e->nodes[i].up = node->up;
		u->home = node->id;
		u->failover = node->failover;
		u->nstandby = node->nstandby;
		memcpy(u->standby, node->standby, sizeof(u->standby));
		e->prev[n++] = node->decision;
	}
	for (i = 0; set && i < set->count; i++) {
		const struct ipto_service *svc = &set->svc[i];
		const struct ipto_node *node = ipto_cluster_node(ipto, svc->node);
		struct ipto_unit *u = &e->units[n];
		unsigned int k;

		e->svc_unit[i] = -1;
		if (!ipto_service_has_unit(svc)) {
			for (k = 0; k < c->nnodes; k++)
				if (c->nodes[k]->id == svc->node)
					e->svc_unit[i] = k;
			continue;
		}
		u->home = svc->node;
		u->failover = svc->failover >= 0 ? svc->failover : node && node->failover;
		if (svc->has_standby) {
			u->nstandby = svc->nstandby;
			memcpy(u->standby, svc->standby, sizeof(u->standby));
		} else if (node) {
			u->nstandby = node->nstandby;
			memcpy(u->standby, node->standby, sizeof(u->standby));
		}
		e->prev[n] = svc->decision;
		e->svc_unit[i] = n++;
	}
	e->in.nodes = e->nodes;
	e->in.nnodes = c->nnodes;
	e->in.units = e->units;
	e->in.nunits = n;
	e->in.failback_manual =
		READ_ONCE(ipto->settings.failback) == IPTO_FAILBACK_MANUAL;
}

/*
 * Adopts or releases another node's addresses as its new address owner
 * says: this node holds them while it is the owner and not fenced.
 */
static void ipto_cluster_apply_node(struct ipto_dev *ipto, struct ipto_node *node,
				    u32 self, u32 owner)
{
	bool hold = self && node->id != self && owner == self && !ipto->fence;

	if (hold && !node->held)
		ipto_addr_adopt_node(ipto, node->addrs, node->naddrs, node->id);
	else if (!hold && node->held)
		ipto_addr_release_engine(ipto, node->id);
	node->held = hold;
	node->addr_owner = owner;
}

/*
 * The self node's home addresses are in the address table while the device
 * has a lease (the packet path silences them when it runs out) or while
 * they are silenced: the device is fenced or the table gives them to
 * another node, or to none.
 */
static void ipto_cluster_silence(struct ipto_dev *ipto)
{
	struct ipto_cluster *c = &ipto->cluster;
	struct ipto_node *self = NULL;
	unsigned int i, failed;
	bool silence, enter;

	for (i = 0; i < c->nnodes; i++)
		if (c->nodes[i]->self)
			self = c->nodes[i];
	silence = self && (ipto->fence || self->addr_owner != self->id);
	WRITE_ONCE(ipto->draining, self && self->drain);
	enter = silence || (self && (ipto->lease_on || self->drain));
	if (enter && !ipto->home_entered) {
		/* Silenced, if so, before the packet path can see them. */
		WRITE_ONCE(ipto->silenced, silence);
		failed = ipto_addr_home_enter(ipto, self->addrs, self->naddrs);
		if (failed)
			netdev_err(ipto->dev,
				   "out of memory: %u of this node's addresses not guarded\n",
				   failed);
		ipto->home_entered = true;
		return;
	}
	if (ipto->home_entered && silence != ipto->silenced) {
		WRITE_ONCE(ipto->silenced, silence);
		if (!silence)
			ipto_addr_home_announce(ipto);
	}
	if (!enter && ipto->home_entered) {
		ipto_addr_home_remove(ipto);
		ipto->home_entered = false;
	}
}

/*
 * The device is fenced: everything adopted goes, the engine's and the
 * operators' adoptions alike, each with its RELEASED event.
 */
void ipto_cluster_release_all(struct ipto_dev *ipto)
{
	struct ipto_cluster *c = &ipto->cluster;
	unsigned int i;

	ASSERT_RTNL();
	ipto_addr_release_all(ipto, true);
	for (i = 0; i < c->nnodes; i++)
		c->nodes[i]->held = false;
}

void ipto_cluster_run(struct ipto_dev *ipto)
{
	struct ipto_cluster *c = &ipto->cluster;
	struct ipto_services *set = ipto_services_copy(ipto);
	unsigned int i, nunits = c->nnodes;
	struct ipto_eval e = {};
	u32 self;

	ASSERT_RTNL();
	if (!c->nnodes) {
		/* No table: services apply as configured (manual adoption). */
		for (i = 0; set && i < set->count; i++)
			set->svc[i].active = true;
		goto replace;
	}
	for (i = 0; set && i < set->count; i++)
		nunits += ipto_service_has_unit(&set->svc[i]);
	if (ipto_eval_alloc(&e, c->nnodes, nunits, set ? set->count : 0)) {
		netdev_err(ipto->dev, "out of memory: takeover decision not applied\n");
		kfree(set);
		ipto_cluster_silence(ipto);
		return;
	}
	ipto_eval_fill(&e, ipto, set);
	ipto_decide(&e.in, e.prev, e.out);
	self = ipto_cluster_self(c);

	for (i = 0; i < c->nnodes; i++) {
		struct ipto_node *node = c->nodes[i];

		node->marked = ipto_cluster_guard_event(ipto, self, node->marked, &e.out[i],
							node->id, NULL);
		node->decision = e.out[i];
		ipto_cluster_apply_node(ipto, node, self,
					ipto_decide_addr_owner(&e.in, e.out, node->id));
	}
	for (i = 0; set && i < set->count; i++) {
		struct ipto_service *svc = &set->svc[i];
		struct ipto_decision none = {}, *d;

		d = e.svc_unit[i] < 0 ? &none : &e.out[e.svc_unit[i]];
		if (ipto_service_has_unit(svc))
			svc->marked = ipto_cluster_guard_event(ipto, self, svc->marked, d,
							       svc->node, svc->name);
		svc->decision = *d;
		svc->active = self && d->owner == self;
	}
	ipto_eval_free(&e);
replace:
	/* The packet path's set is republished only when the output changed. */
	if (ipto_services_same(set, rtnl_dereference(ipto->services)))
		kfree(set);
	else if (set)
		ipto_services_replace(ipto, set);
	ipto_cluster_silence(ipto);
}

void ipto_cluster_free(struct ipto_dev *ipto)
{
	struct ipto_cluster *c = &ipto->cluster;

	while (c->nnodes)
		ipto_node_free(c->nodes[--c->nnodes]);
}
