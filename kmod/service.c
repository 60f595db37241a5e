// SPDX-License-Identifier: GPL-2.0
/*
 * service.c - a device's service rules.  The set is copied on every change
 * and swapped in with one pointer store under RTNL, so the packet path sees
 * either the old set or the new one, never a half-made change.  Each set
 * carries its own lookup index (spans), so a packet costs one binary
 * search whatever the number of services.
 */
#include <linux/overflow.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "device.h"
#include "service.h"

static struct ipto_services *ipto_services_alloc(unsigned int count)
{
	struct ipto_services *set;
	size_t size;

	size = size_add(struct_size(set, svc, count),
			array_size(2 * count, sizeof(set->spans[0])));
	set = kzalloc(size, GFP_KERNEL_ACCOUNT);
	if (set) {
		set->count = count;
		set->spans = (struct ipto_service_span *)&set->svc[count];
	}
	return set;
}

/* Orders spans (and edges) by node, protocol and first port. */
static int ipto_span_cmp(u32 node, u8 proto, u32 port, const struct ipto_service_span *s)
{
	if (node != s->node)
		return node < s->node ? -1 : 1;
	if (proto != s->proto)
		return proto < s->proto ? -1 : 1;
	if (port != s->port_min)
		return port < s->port_min ? -1 : 1;
	return 0;
}

static int ipto_edge_cmp(const void *a, const void *b)
{
	const struct ipto_service_span *e = a;

	return ipto_span_cmp(e->node, e->proto, e->port_min, b);
}

/* The number of spans (or edges) ordered at or before @node, @proto, @port. */
static unsigned int ipto_span_floor(const struct ipto_service_span *spans, unsigned int n,
				    u32 node, u8 proto, u32 port)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (ipto_span_cmp(node, proto, port, &spans[mid]) >= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#define IPTO_SPAN_UNCOVERED	U8_MAX

/*
 * Builds @set->spans in three passes over the same array:
 * 1. each active service adds its two edges (its first port and the port
 *    after its last); sorted and made unique, edge k starts a piece that
 *    ends before edge k + 1;
 * 2. the services, last to first, paint their action on the pieces they
 *    cover, so each piece keeps the action of the first service covering
 *    it (the last edge of a node's protocol is never painted);
 * 3. the painted pieces become spans, neighbours with one action merged,
 *    written over the edges: span j is written only after edges up to
 *    k + 1 >= j + 1 were read, and edges are read forwards.
 * A service paints only the pieces inside it, so disjoint services cost
 * n log n; nested ones up to 2048 x 1024 steps, paid under RTNL when the
 * set changes, never by a packet.
 */
static void ipto_services_index(struct ipto_services *set)
{
	struct ipto_service_span *e = set->spans;
	unsigned int i, k, n = 0, nspans = 0;

	for (i = 0; i < set->count; i++) {
		const struct ipto_service *svc = &set->svc[i];
		struct ipto_service_span edge = { .node = svc->node, .proto = svc->proto,
						  .action = IPTO_SPAN_UNCOVERED };

		if (!svc->active)
			continue;
		edge.port_min = svc->port_min;
		e[n++] = edge;
		edge.port_min = svc->port_max + 1U;
		e[n++] = edge;
	}
	sort(e, n, sizeof(*e), ipto_edge_cmp, NULL);
	for (i = 0, k = 0; i < n; i++)
		if (!k || ipto_edge_cmp(&e[i], &e[k - 1]))
			e[k++] = e[i];
	n = k;

	for (i = set->count; i--;) {
		const struct ipto_service *svc = &set->svc[i];

		if (!svc->active)
			continue;
		/* Its first edge is there: the floor is at least 1. */
		k = ipto_span_floor(e, n, svc->node, svc->proto, svc->port_min) - 1;
		while (k < n && e[k].node == svc->node && e[k].proto == svc->proto &&
		       e[k].port_min <= svc->port_max)
			e[k++].action = svc->action;
	}

	for (i = 0; i + 1 < n; i++) {
		struct ipto_service_span piece = e[i];
		struct ipto_service_span *last = nspans ? &e[nspans - 1] : NULL;

		if (piece.action == IPTO_SPAN_UNCOVERED)
			continue;
		piece.port_max = e[i + 1].port_min - 1;
		if (last && last->node == piece.node && last->proto == piece.proto &&
		    last->action == piece.action && last->port_max + 1 == piece.port_min)
			last->port_max = piece.port_max;
		else
			e[nspans++] = piece;
	}
	set->nspans = nspans;
}

int ipto_service_find(const struct ipto_services *set, u32 node, const char *name)
{
	unsigned int i;

	for (i = 0; set && i < set->count; i++)
		if (set->svc[i].node == node && !strcmp(set->svc[i].name, name))
			return i;
	return -1;
}

/* A private copy of the current set, to change and swap in; NULL if none. */
struct ipto_services *ipto_services_copy(const struct ipto_dev *ipto)
{
	const struct ipto_services *old = rtnl_dereference(ipto->services);
	struct ipto_services *set;

	if (!old)
		return NULL;
	set = ipto_services_alloc(old->count);
	if (set)
		memcpy(set->svc, old->svc, old->count * sizeof(old->svc[0]));
	return set;
}

/* Whether the engine's output differs between two sets of the same services. */
bool ipto_services_same(const struct ipto_services *a, const struct ipto_services *b)
{
	unsigned int i;

	if (!a || !b || a->count != b->count)
		return a == b;
	for (i = 0; i < a->count; i++) {
		const struct ipto_service *x = &a->svc[i], *y = &b->svc[i];

		if (x->active != y->active || x->marked != y->marked ||
		    x->decision.owner != y->decision.owner ||
		    x->decision.guard != y->decision.guard)
			return false;
	}
	return true;
}

/* Publishes @set (indexed here) in place of the current one. */
void ipto_services_replace(struct ipto_dev *ipto, struct ipto_services *set)
{
	struct ipto_services *old = rtnl_dereference(ipto->services);

	if (set)
		ipto_services_index(set);
	rcu_assign_pointer(ipto->services, set);
	ipto->services_gen++;
	if (old)
		kfree_rcu(old, rcu);
}

int ipto_service_add(struct ipto_dev *ipto, const struct ipto_service *svc,
		     struct netlink_ext_ack *extack)
{
	struct ipto_services *old = rtnl_dereference(ipto->services);
	unsigned int count = old ? old->count : 0;
	struct ipto_services *set;

	ASSERT_RTNL();
	if (ipto_service_find(old, svc->node, svc->name) >= 0) {
		NL_SET_ERR_MSG_MOD(extack, "the node already has a service of that name");
		return -EEXIST;
	}
	if (count >= IPTO_SERVICES_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "too many services on this device (max 1024)");
		return -ENOSPC;
	}
	set = ipto_services_alloc(count + 1);
	if (!set)
		return -ENOMEM;
	if (count)
		memcpy(set->svc, old->svc, count * sizeof(*svc));
	set->svc[count] = *svc;
	ipto_services_replace(ipto, set);
	return 0;
}

int ipto_service_del(struct ipto_dev *ipto, u32 node, const char *name,
		     struct netlink_ext_ack *extack)
{
	struct ipto_services *old = rtnl_dereference(ipto->services);
	struct ipto_services *set = NULL;
	int i;

	ASSERT_RTNL();
	i = ipto_service_find(old, node, name);
	if (i < 0) {
		NL_SET_ERR_MSG_MOD(extack, "the node has no service of that name");
		return -ENOENT;
	}
	if (old->count > 1) {
		set = ipto_services_alloc(old->count - 1);
		if (!set)
			return -ENOMEM;
		memcpy(set->svc, old->svc, i * sizeof(old->svc[0]));
		memcpy(set->svc + i, old->svc + i + 1, (old->count - i - 1) * sizeof(old->svc[0]));
	}
	ipto_services_replace(ipto, set);
	return 0;
}

/*
 * The action of the first service of @node this node provides that matches
 * @proto and @port, or -1 when none matches: one binary search of the
 * spans.  Caller holds rcu_read_lock().
 */
int ipto_service_action(const struct ipto_dev *ipto, u32 node, u8 proto, u16 port)
{
	const struct ipto_services *set = rcu_dereference(ipto->services);
	const struct ipto_service_span *s;
	unsigned int i;

	if (!node || !set)
		return -1;
	i = ipto_span_floor(set->spans, set->nspans, node, proto, port);
	if (!i)
		return -1;
	s = &set->spans[i - 1];
	if (s->node != node || s->proto != proto || port > s->port_max)
		return -1;
	return s->action;
}

void ipto_services_free(struct ipto_dev *ipto)
{
	ipto_services_replace(ipto, NULL);
}
