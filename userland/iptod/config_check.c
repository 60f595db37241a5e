// SPDX-License-Identifier: GPL-2.0
/*
 * config_check.c - the checks of iptod's configuration as a whole, once
 * config_parse.c has read every line: the required keys are there, names
 * resolve to nodes, ids, heartbeat and home addresses are unique, the
 * heartbeats are of one family, the witness fits the cluster and the lease
 * fits between interval_ms and interval_ms * misses; the defaults that
 * depend on other values are filled in.  What the kernel would refuse is
 * refused here, with the line to fix.
 */
#include "config_parser.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static int require(struct parser *p, const int *key_line, const char *const *keys, int k,
		   const char *section, int line, const char *what)
{
	if (key_line[k])
		return 0;
	return fail(p, 0, "%s (line %d) has no %s (%s)", section, line, keys[k], what);
}

static int find_node(const struct iptod_config *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->nnodes; i++) {
		if (!strcmp(c->nodes[i].name, name))
			return (int)i;
	}
	return -1;
}

/* Resolves a standby list of names to ids; home: the node whose units it is for. */
static int resolve_standby(struct parser *p, const struct name_list *l, int home,
			   bool service, uint32_t *ids, unsigned int *n)
{
	const struct iptod_config *c = p->cfg;
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		int at = find_node(c, l->name[i]);

		if (at < 0)
			return fail(p, l->line[i], "standby: %s names no [node NAME] section",
				    l->name[i]);
		if (at == home)
			return fail(p, l->line[i], service ?
				    "standby: %s is the service's own node, which cannot be its "
				    "standby" : "standby: node %s cannot be its own standby",
				    l->name[i]);
		ids[i] = c->nodes[at].id;
	}
	*n = l->n;
	return 0;
}

struct addr_ref {
	struct iptod_addr addr;
	int line;
	unsigned int node;
};

static int addr_cmp(const struct iptod_addr *a, const struct iptod_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->family == AF_INET)
		return memcmp(&a->v4, &b->v4, sizeof(a->v4));
	return memcmp(&a->v6, &b->v6, sizeof(a->v6));
}

static int addr_ref_cmp(const void *x, const void *y)
{
	const struct addr_ref *a = x, *b = y;
	int d = addr_cmp(&a->addr, &b->addr);

	if (d)
		return d;
	return (a->line > b->line) - (a->line < b->line);
}

static int addr_only_cmp(const void *x, const void *y)
{
	return addr_cmp(&((const struct addr_ref *)x)->addr, &((const struct addr_ref *)y)->addr);
}

/*
 * Every home address belongs to one node and is listed once; heartbeat
 * and witness addresses are nobody's home address (they must reach the
 * node itself while its home addresses are elsewhere).
 */
static int check_addresses(struct parser *p)
{
	const struct iptod_config *c = p->cfg;
	const struct addr_ref *dup = NULL, *first = NULL;
	struct addr_ref *refs, key, *hit;
	char buf[INET6_ADDRSTRLEN];
	size_t n = 0, i, j;

	for (i = 0; i < c->nnodes; i++)
		n += c->nodes[i].naddrs;
	refs = calloc(n ? n : 1, sizeof(*refs));
	if (!refs)
		return fail(p, 0, "out of memory");
	n = 0;
	for (i = 0; i < c->nnodes; i++) {
		for (j = 0; j < c->nodes[i].naddrs; j++) {
			refs[n].addr = c->nodes[i].addrs[j];
			refs[n].line = p->nodes[i].addr_line[j];
			refs[n++].node = (unsigned int)i;
		}
	}
	qsort(refs, n, sizeof(*refs), addr_ref_cmp);
	/* Of the addresses written twice, the one whose second time comes first. */
	for (i = 1; i < n; i++) {
		if (!addr_cmp(&refs[i - 1].addr, &refs[i].addr) &&
		    (!dup || refs[i].line < dup->line)) {
			dup = &refs[i];
			first = &refs[i - 1];
		}
	}
	if (dup) {
		iptod_addr_str(&dup->addr, buf, sizeof(buf));
		if (dup->node == first->node)
			fail(p, dup->line, "addresses: %s is listed twice (first on line %d)", buf,
			     first->line);
		else
			fail(p, dup->line, "addresses: %s is also an address of node %s (line %d): "
			     "no address may belong to two nodes", buf,
			     c->nodes[first->node].name, first->line);
		goto out;
	}
	for (i = 0; i <= c->nnodes; i++) {
		const struct iptod_addr *a = i < c->nnodes ? &c->nodes[i].heartbeat : &c->witness;
		int line = i < c->nnodes ? p->nodes[i].key_line[NK_HEARTBEAT] :
					   p->cluster_key_line[CK_WITNESS];

		if (i == c->nnodes && !c->has_witness)
			break;
		key.addr = *a;
		hit = bsearch(&key, refs, n, sizeof(*refs), addr_only_cmp);
		if (hit) {
			fail(p, line, "%s: %s is a home address of node %s (line %d), which "
			     "another node takes over when %s is down", i < c->nnodes ?
			     "heartbeat" : "witness", iptod_addr_str(a, buf, sizeof(buf)),
			     c->nodes[hit->node].name, hit->line, c->nodes[hit->node].name);
			goto out;
		}
	}
out:
	free(refs);
	return p->failed ? -1 : 0;
}

static int check_nodes(struct parser *p)
{
	struct iptod_config *c = p->cfg;
	char buf[INET6_ADDRSTRLEN];
	unsigned int i, j;
	int self;

	self = find_node(c, p->self);
	if (self < 0)
		return fail(p, p->cluster_key_line[CK_NODE], "node: %s names no [node NAME] "
			    "section (this node's own section)", p->self);
	c->self = c->nodes[self].id;
	/* One heartbeat socket, bound to this node's heartbeat address. */
	for (i = 0; i < c->nnodes; i++) {
		int family = c->nodes[self].heartbeat.family;

		if (c->nodes[i].heartbeat.family != family)
			return fail(p, p->nodes[i].key_line[NK_HEARTBEAT], "heartbeat: node %s's "
				    "address is %s, this node's %s: every heartbeat address must "
				    "be of one family", c->nodes[i].name,
				    c->nodes[i].heartbeat.family == AF_INET ? "IPv4" : "IPv6",
				    family == AF_INET ? "IPv4" : "IPv6");
	}
	for (j = 1; j < c->nnodes; j++) {
		const struct iptod_node *b = &c->nodes[j];
		const int *bl = p->nodes[j].key_line;

		for (i = 0; i < j; i++) {
			const struct iptod_node *a = &c->nodes[i];
			const int *al = p->nodes[i].key_line;

			if (a->id == b->id)
				return fail(p, bl[NK_ID], "id: %u is also the id of node %s "
					    "(line %d)", b->id, a->name, al[NK_ID]);
			if (iptod_addr_equal(&a->heartbeat, &b->heartbeat))
				return fail(p, bl[NK_HEARTBEAT], "heartbeat: %s is also the "
					    "heartbeat address of node %s (line %d)",
					    iptod_addr_str(&b->heartbeat, buf, sizeof(buf)),
					    a->name, al[NK_HEARTBEAT]);
		}
	}
	for (i = 0; c->has_witness && i < c->nnodes; i++) {
		if (iptod_addr_equal(&c->witness, &c->nodes[i].heartbeat))
			return fail(p, p->cluster_key_line[CK_WITNESS], "witness: %s is the "
				    "heartbeat address of node %s (line %d): the witness must "
				    "be another host",
				    iptod_addr_str(&c->witness, buf, sizeof(buf)),
				    c->nodes[i].name, p->nodes[i].key_line[NK_HEARTBEAT]);
	}
	if (check_addresses(p))
		return -1;
	if (c->has_witness && c->membership == IPTOD_MEMBERSHIP_COROSYNC)
		return fail(p, p->cluster_key_line[CK_WITNESS], "witness: with membership = "
			    "corosync, corosync's quorum decides: a two-node cluster takes "
			    "corosync-qdevice as its arbiter, not a witness");
	if (c->has_witness && c->nnodes != 2)
		return fail(p, p->cluster_key_line[CK_WITNESS], "witness: only a two-node cluster "
			    "takes a witness (this one has %u node%s)", c->nnodes,
			    c->nnodes > 2 ? "s: its majority decides" : "");
	if (c->has_witness && c->witness.family != c->nodes[0].heartbeat.family)
		return fail(p, p->cluster_key_line[CK_WITNESS], "witness: %s is not of the "
			    "heartbeats' family (%s), over which the peer is pinged too",
			    iptod_addr_str(&c->witness, buf, sizeof(buf)),
			    c->nodes[0].heartbeat.family == AF_INET ? "IPv4" : "IPv6");
	for (i = 0; i < c->nnodes; i++) {
		if (resolve_standby(p, &p->nodes[i].standby, (int)i, false, c->nodes[i].standby,
				    &c->nodes[i].nstandby))
			return -1;
	}
	return 0;
}

static int check_services(struct parser *p)
{
	struct iptod_config *c = p->cfg;
	unsigned int i;

	for (i = 0; i < c->nservices; i++) {
		struct iptod_service *s = &c->services[i];
		struct service_src *src = &p->services[i];
		struct iptod_check *chk = &s->check;
		int home = find_node(c, src->node), k;

		if (home < 0)
			return fail(p, src->key_line[SK_NODE], "node: %s names no [node NAME] "
				    "section", src->node);
		s->node = c->nodes[home].id;
		if (s->has_standby &&
		    resolve_standby(p, &src->standby, home, true, s->standby, &s->nstandby))
			return -1;
		if (chk->kind == IPTOD_CHECK_NONE) {
			for (k = SK_CHECK_INTERVAL; k <= SK_RISE; k++) {
				if (src->key_line[k])
					return fail(p, src->key_line[k], "%s: service %s has no "
						    "check (check = ...)", config_service_keys[k],
						    s->name);
			}
		}
		if (!src->key_line[SK_CHECK_INTERVAL])
			chk->interval_ms = CHECK_INTERVAL_MS_DEFAULT;
		if (!src->key_line[SK_CHECK_TIMEOUT]) {
			chk->timeout_ms = chk->interval_ms / 2;
			if (chk->timeout_ms > CHECK_TIMEOUT_MS_DEFAULT)
				chk->timeout_ms = CHECK_TIMEOUT_MS_DEFAULT;
		} else if (chk->timeout_ms >= chk->interval_ms) {
			return fail(p, src->key_line[SK_CHECK_TIMEOUT], "check_timeout_ms: %u must "
				    "be below check_interval_ms (%u)", chk->timeout_ms,
				    chk->interval_ms);
		}
		if (!src->key_line[SK_FALL])
			chk->fall = FALL_DEFAULT;
		if (!src->key_line[SK_RISE])
			chk->rise = RISE_DEFAULT;
	}
	return 0;
}

/*
 * The lease runs out before the peers declare this node dead (interval_ms
 * * misses) and outlasts one renewal (interval_ms); by default two thirds
 * of the former, within the kernel's bounds.
 */
static int check_lease(struct parser *p)
{
	struct iptod_config *c = p->cfg;
	unsigned int dead = c->interval_ms * c->misses;
	int line = p->cluster_key_line[CK_LEASE];

	if (line) {
		if (c->lease_ms <= c->interval_ms)
			return fail(p, line, "lease_ms: %u must be above interval_ms (%u): iptod "
				    "renews the lease once an interval", c->lease_ms,
				    c->interval_ms);
		if (c->lease_ms >= dead)
			return fail(p, line, "lease_ms: %u must be below interval_ms * misses "
				    "(%u * %u = %u), when the peers declare this node dead",
				    c->lease_ms, c->interval_ms, c->misses, dead);
		return 0;
	}
	c->lease_ms = dead * 2 / 3;
	if (c->lease_ms < IPTO_LEASE_MS_MIN)
		c->lease_ms = IPTO_LEASE_MS_MIN;
	if (c->lease_ms > IPTO_LEASE_MS_MAX)
		c->lease_ms = IPTO_LEASE_MS_MAX;
	if (c->lease_ms > c->interval_ms && c->lease_ms < dead)
		return 0;
	line = p->cluster_key_line[CK_MISSES] ? p->cluster_key_line[CK_MISSES] :
						p->cluster_key_line[CK_INTERVAL];
	return fail(p, line, "%s: interval_ms * misses = %u * %u = %u ms leaves no room for "
		    "the lease, which must be above interval_ms, below that and at least %d ms",
		    p->cluster_key_line[CK_MISSES] ? "misses" : "interval_ms", c->interval_ms,
		    c->misses, dead, IPTO_LEASE_MS_MIN);
}

int config_check(struct parser *p, bool allow_no_key)
{
	struct iptod_config *c = p->cfg;
	const int *ck = p->cluster_key_line;
	char label[IPTO_SERVICE_NAME_LEN + 16];
	unsigned int i;

	if (!p->cluster_seen)
		return fail(p, 0, "no [cluster] section");
	if (require(p, ck, config_cluster_keys, CK_DEVICE, "[cluster]", p->cluster_line,
		    "the ipto device, e.g. device = ipto0") ||
	    require(p, ck, config_cluster_keys, CK_LINK, "[cluster]", p->cluster_line,
		    "the LAN device under it, e.g. link = eth0") ||
	    require(p, ck, config_cluster_keys, CK_NODE, "[cluster]", p->cluster_line,
		    "the name of this node's [node NAME] section"))
		return -1;
	if (!allow_no_key &&
	    require(p, ck, config_cluster_keys, CK_KEY_FILE, "[cluster]", p->cluster_line,
		    "the file of the heartbeat key; iptod --insecure runs without one"))
		return -1;
	if (!c->nnodes)
		return fail(p, 0, "no [node NAME] section");
	for (i = 0; i < c->nnodes; i++) {
		const int *kl = p->nodes[i].key_line;

		snprintf(label, sizeof(label), "[node %s]", c->nodes[i].name);
		if (require(p, kl, config_node_keys, NK_ID, label, c->nodes[i].line,
			    "its number, 1..65535") ||
		    require(p, kl, config_node_keys, NK_HEARTBEAT, label, c->nodes[i].line,
			    "the address its heartbeats are sent to") ||
		    require(p, kl, config_node_keys, NK_ADDRESSES, label, c->nodes[i].line,
			    "its home addresses"))
			return -1;
	}
	for (i = 0; i < c->nservices; i++) {
		const int *kl = p->services[i].key_line;

		snprintf(label, sizeof(label), "[service %s]", c->services[i].name);
		if (require(p, kl, config_service_keys, SK_NODE, label, c->services[i].line,
			    "the node providing it") ||
		    require(p, kl, config_service_keys, SK_PROTO, label, c->services[i].line,
			    "tcp or udp") ||
		    require(p, kl, config_service_keys, SK_PORT, label, c->services[i].line,
			    "a port or a port range"))
			return -1;
	}
	if (!strcmp(c->device, c->link))
		return fail(p, ck[CK_LINK], "link: %s is the ipto device itself; link is the LAN "
			    "device under it", c->link);
	if (check_lease(p) || check_nodes(p) || check_services(p))
		return -1;
	return 0;
}
