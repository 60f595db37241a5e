// SPDX-License-Identifier: GPL-2.0
/*
 * corosync.c - membership through corosync ([cluster] membership =
 * corosync), for sites that already run it: one membership, not two.
 *
 *   Liveness  every iptod joins the CPG group "iptod:DEVICE" and multicasts
 *             its heartbeat there each interval (heartbeat.h, authenticated
 *             with the cluster key, in agreed order).  A peer is alive while
 *             it is a member of the group and its heartbeats keep coming:
 *             it is silent when this node's own heartbeats came back for
 *             token + consensus after its last one.  Measured so, silence
 *             is the peer's, never the ring's: while corosync forms a new
 *             ring it delivers nothing to anyone, and a peer left out of
 *             it leaves the group.
 *   Quorum    corosync's quorum service (libquorum), which votequorum
 *             provides with its two_node, wait_for_all and qdevice.
 *   Timing    the totem token timeout and consensus, read from cmap.
 *   Node ids  corosync's node id of each node is its [node] id.
 *
 * The quorum lease.  Let M be a heartbeat of this node, sent at time s and
 * delivered back to it at d, and M' a later one, sent after d and
 * delivered in the same ring R, which the quorum service says is quorate.
 * M was ordered when this node held the token, at or after s and by d; M'
 * could only be ordered at a later visit of the token, so between the two
 * the token went round the whole ring: every member of R held it after s.
 * A member finds the token lost only token ms after it last held it, and
 * it can leave this node out of a new ring only once consensus ms more
 * have passed without this node's join messages (totem's gather).  So no
 * partition without this node forms a ring, and adopts its addresses,
 * before s + token + consensus.  A peer finds this node silent when its
 * own heartbeats came back for token + consensus after this node's last
 * one, which it delivered after s: no earlier either.  This node answers
 * until s + token + consensus, less a quarter interval and 1/32 for the
 * clocks' rates and the kernel's rounding; the kernel enforces that end.
 * While corosync forms a new ring it delivers nothing; survivors keep
 * answering on the lease they hold, which lasts until the new ring
 * (token + consensus later) has delivered two of their heartbeats, or
 * nearly.  (This rests on corosync ordering a message only at a visit of
 * the token, and a visit ordering only what was queued when it came.)
 *
 * Losing corosync (it stops, or the connection breaks) is losing quorum:
 * the node fences itself at once, says why, and connects again every
 * second.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <corosync/cmap.h>
#include <corosync/corotypes.h>
#include <corosync/cpg.h>
#include <corosync/quorum.h>
#include <corosync/votequorum.h>

#include "corosync.h"
#include "iptod.h"
#include "log.h"

#define RETRY_MS	1000	/* between two attempts to connect */
#define OWN_KEPT	8	/* own heartbeats remembered, delivered */

struct iptod_corosync {
	struct iptod *d;
	bool connected;
	cpg_handle_t cpg;
	quorum_handle_t quorum;
	votequorum_handle_t votequorum;
	struct cpg_name group;
	uint32_t nodeid;
	uint32_t pid;		/* this daemon's: its own messages come back with it */
	uint32_t token_ms, consensus_ms;	/* totem's, as running */
	struct cpg_ring_id ring;		/* the ring the group is in */
	struct quorum_ring_id quorum_ring;	/* the ring the quorum is of */
	bool quorate;
	uint32_t members[CPG_MEMBERS_MAX];	/* node ids of the group's members */
	unsigned int nmembers;
	uint64_t lease_from_ms;	/* s of the newest M with an M' (the header's
				 * quorum lease); 0: none */
	uint64_t self_rx_ms;	/* when an own heartbeat was last delivered */
	struct own_delivery {	/* the last own heartbeats delivered */
		uint64_t sent_ms, delivered_ms;
		struct cpg_ring_id ring;
	} own[OWN_KEPT];
	unsigned int nown;	/* own[nown % OWN_KEPT] is the next slot */
	unsigned int votes, expected;
	unsigned int vq_flags;	/* VOTEQUORUM_INFO_* */
	uint64_t retry_ms;
	uint64_t votes_ms;	/* when the votes were last read */
	bool changed;		/* by the callbacks of one dispatch */
	uint64_t now_ms;	/* of that dispatch */
	bool down_logged;	/* the outage is logged once */
	unsigned long connects, losses, send_errors;
};

static struct iptod_corosync *of_cpg(cpg_handle_t h)
{
	void *ctx = NULL;

	cpg_context_get(h, &ctx);
	return ctx;
}

static struct iptod_corosync *of_quorum(quorum_handle_t h)
{
	const void *ctx = NULL;

	quorum_context_get(h, &ctx);
	return (struct iptod_corosync *)ctx;
}

static struct iptod_peer *peer_of(struct iptod *d, uint32_t id)
{
	for (unsigned int i = 0; i < d->npeers; i++)
		if (d->peers[i].id == id)
			return &d->peers[i];
	return NULL;
}

static bool same_ring(struct cpg_ring_id a, struct cpg_ring_id b)
{
	return a.nodeid == b.nodeid && a.seq == b.seq;
}

/*
 * Own heartbeat M', sent at sent_ms, came back: the newest M delivered in
 * the same quorate ring before M' was sent starts the lease (the header).
 */
static void own_delivered(struct iptod_corosync *c, uint64_t sent_ms)
{
	bool quorate = c->quorate && c->ring.nodeid == c->quorum_ring.nodeid &&
		       c->ring.seq == c->quorum_ring.seq;

	for (unsigned int i = 0; quorate && i < OWN_KEPT && i < c->nown; i++) {
		const struct own_delivery *m = &c->own[i];

		if (same_ring(m->ring, c->ring) && m->delivered_ms < sent_ms &&
		    m->sent_ms > c->lease_from_ms)
			c->lease_from_ms = m->sent_ms;
	}
	c->own[c->nown++ % OWN_KEPT] = (struct own_delivery){ sent_ms, c->now_ms, c->ring };
	c->self_rx_ms = c->now_ms;
}

static bool is_member(const struct iptod_corosync *c, uint32_t nodeid)
{
	for (unsigned int i = 0; i < c->nmembers; i++)
		if (c->members[i] == nodeid)
			return true;
	return false;
}

/* One heartbeat delivered by CPG: a peer's, or this node's own coming back. */
static void deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
		    uint32_t pid, void *msg, size_t len)
{
	struct iptod_corosync *c = of_cpg(h);
	struct iptod *d = c->d;
	struct iptod_heartbeat hb;
	struct iptod_peer *p;
	enum iptod_hb_verdict v;
	char from[48];

	(void)group;
	snprintf(from, sizeof(from), "corosync node %u", nodeid);
	v = iptod_hb_decode(msg, len, &d->key, &hb);
	if (v == IPTOD_HB_OK && nodeid == c->nodeid && pid == c->pid) {
		const struct iptod_sent *sent = &d->sent[hb.seq % IPTOD_SENT];

		if (hb.node == d->cfg.self && hb.boot == d->boot && sent->seq == hb.seq)
			own_delivered(c, sent->ms);
		return;
	}
	if (v == IPTOD_HB_OK) {
		p = peer_of(d, hb.node);
		if (!p)
			v = IPTOD_HB_UNKNOWN_NODE;
		else if (hb.node != nodeid)	/* the ids are corosync's */
			v = IPTOD_HB_WRONG_SOURCE;
		else
			v = iptod_hb_window_accept(&p->window, &hb);
	}
	if (v != IPTOD_HB_OK) {
		iptod_membership_bad(d, v, from, c->now_ms);
		return;
	}
	c->changed |= iptod_membership_take(d, p, &hb, c->now_ms);
}

/* The group's members changed: one that left is not heard any more. */
static void confchg(cpg_handle_t h, const struct cpg_name *group,
		    const struct cpg_address *members, size_t nmembers,
		    const struct cpg_address *left, size_t nleft,
		    const struct cpg_address *joined, size_t njoined)
{
	struct iptod_corosync *c = of_cpg(h);

	(void)group;
	(void)joined;
	(void)njoined;
	c->nmembers = 0;
	for (size_t i = 0; i < nmembers && c->nmembers < CPG_MEMBERS_MAX; i++)
		c->members[c->nmembers++] = members[i].nodeid;
	for (size_t i = 0; i < nleft; i++) {
		struct iptod_peer *p = peer_of(c->d, left[i].nodeid);

		if (p && !is_member(c, p->id)) {
			p->heard = false;
			c->changed = true;
		}
	}
}

static void totem_confchg(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n,
			  const uint32_t *members)
{
	struct iptod_corosync *c = of_cpg(h);

	(void)n;
	(void)members;
	c->ring = ring;
	c->changed = true;
}

static void read_votes(struct iptod_corosync *c)
{
	struct votequorum_info info;

	if (votequorum_getinfo(c->votequorum, c->nodeid, &info) != CS_OK)
		return;
	c->votes = info.total_votes;
	c->expected = info.highest_expected;
	c->vq_flags = info.flags;
}

static void quorum_notify(quorum_handle_t h, uint32_t quorate, struct quorum_ring_id ring,
			  uint32_t n, const uint32_t *members)
{
	struct iptod_corosync *c = of_quorum(h);

	(void)n;
	(void)members;
	c->quorate = quorate;
	c->quorum_ring = ring;
	read_votes(c);
	c->changed = true;
}

static void nodelist_notify(quorum_handle_t h, struct quorum_ring_id ring, uint32_t n,
			    const uint32_t *members, uint32_t njoined, const uint32_t *joined,
			    uint32_t nleft, const uint32_t *left)
{
	(void)h;
	(void)ring;
	(void)n;
	(void)members;
	(void)njoined;
	(void)joined;
	(void)nleft;
	(void)left;
}

static void disconnect(struct iptod_corosync *c)
{
	if (c->cpg)
		cpg_finalize(c->cpg);
	if (c->quorum)
		quorum_finalize(c->quorum);
	if (c->votequorum)
		votequorum_finalize(c->votequorum);
	c->cpg = c->quorum = c->votequorum = 0;
	c->connected = c->quorate = false;
	c->nmembers = 0;
	c->lease_from_ms = 0;
	c->nown = 0;
	for (unsigned int i = 0; i < c->d->npeers; i++)
		c->d->peers[i].heard = false;
}

/* Why this node is out of corosync's membership: logged once per outage. */
static void down(struct iptod_corosync *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void down(struct iptod_corosync *c, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (c->connected)
		c->losses++;
	if (c->connected || !c->down_logged)
		iptod_event(c->d, LOG_ERR, (const char *[]){ "EVENT=corosync_down", NULL },
			    "corosync: %s: no quorum, this node is fenced; connecting again "
			    "every %u ms", why, RETRY_MS);
	c->down_logged = true;
	disconnect(c);
	c->changed = true;
}

/* The totem timing as corosync runs it; both are needed for the lease. */
static cs_error_t read_timing(struct iptod_corosync *c)
{
	cmap_handle_t cmap;
	cs_error_t err;

	err = cmap_initialize(&cmap);
	if (err != CS_OK)
		return err;
	err = cmap_get_uint32(cmap, "runtime.config.totem.token", &c->token_ms);
	if (err == CS_OK)
		err = cmap_get_uint32(cmap, "runtime.config.totem.consensus", &c->consensus_ms);
	cmap_finalize(cmap);
	return err;
}

/* Connects, joins and tracks; on failure down() says why and undoes it all. */
static void connect_corosync(struct iptod_corosync *c)
{
	cpg_model_v1_data_t cpg_model = {
		.model = CPG_MODEL_V1,
		.cpg_deliver_fn = deliver,
		.cpg_confchg_fn = confchg,
		.cpg_totem_confchg_fn = totem_confchg,
		.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF,
	};
	quorum_model_v1_data_t quorum_model = {
		.model = QUORUM_MODEL_V1,
		.quorum_notify_fn = quorum_notify,
		.nodelist_notify_fn = nodelist_notify,
	};
	unsigned int nodeid = 0;
	uint32_t quorum_type = 0;
	cs_error_t err;

	err = read_timing(c);
	if (err != CS_OK) {
		down(c, "cannot read the totem timing from cmap (%s)%s", cs_strerror(err),
		     err == CS_ERR_LIBRARY ? ": is corosync running?" : "");
		return;
	}
	err = cpg_model_initialize(&c->cpg, CPG_MODEL_V1, (cpg_model_data_t *)&cpg_model, c);
	if (err != CS_OK) {
		down(c, "cannot connect to CPG (%s)", cs_strerror(err));
		return;
	}
	err = cpg_local_get(c->cpg, &nodeid);
	if (err != CS_OK) {
		down(c, "cannot read the local node id (%s)", cs_strerror(err));
		return;
	}
	if (nodeid != c->d->cfg.self) {
		down(c, "corosync's node id here is %u, this node's id is %u: they must "
		     "be equal (iptod.conf(5), membership)", nodeid, c->d->cfg.self);
		return;
	}
	c->nodeid = nodeid;
	err = quorum_model_initialize(&c->quorum, QUORUM_MODEL_V1,
				      (quorum_model_data_t *)&quorum_model, &quorum_type, c);
	if (err != CS_OK) {
		down(c, "cannot connect to the quorum service (%s)", cs_strerror(err));
		return;
	}
	if (quorum_type != QUORUM_SET) {
		down(c, "corosync has no quorum provider: set quorum { provider: "
		     "corosync_votequorum } in corosync.conf");
		return;
	}
	err = votequorum_initialize(&c->votequorum, NULL);
	if (err != CS_OK) {
		down(c, "cannot connect to votequorum (%s)", cs_strerror(err));
		return;
	}
	err = cpg_join(c->cpg, &c->group);
	if (err != CS_OK) {
		down(c, "cannot join the CPG group %s (%s)", c->group.value,
		     cs_strerror(err));
		return;
	}
	err = quorum_trackstart(c->quorum, CS_TRACK_CHANGES | CS_TRACK_CURRENT);
	if (err != CS_OK) {
		down(c, "cannot track the quorum (%s)", cs_strerror(err));
		return;
	}
	read_votes(c);
	c->connected = true;
	c->down_logged = false;
	c->connects++;
	c->changed = true;
	iptod_event(c->d, LOG_NOTICE, (const char *[]){ "EVENT=corosync_up", NULL },
		    "corosync: node %u in group %s; token %u ms, consensus %u ms: a node is "
		    "found gone after %u ms at most%s", nodeid, c->group.value, c->token_ms,
		    c->consensus_ms, c->token_ms + c->consensus_ms,
		    (c->vq_flags & VOTEQUORUM_INFO_TWONODE) &&
		    !(c->vq_flags & VOTEQUORUM_INFO_QDEVICE_REGISTERED) ?
		    "; two_node without a qdevice: a partition makes both nodes answer the same "
		    "addresses (add corosync-qdevice)" : "");
}

int iptod_corosync_open(struct iptod *d)
{
	struct iptod_corosync *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->d = d;
	c->pid = (uint32_t)getpid();
	c->group.length = (uint32_t)snprintf(c->group.value, sizeof(c->group.value), "iptod:%s",
					     d->cfg.device);
	d->corosync = c;
	c->now_ms = iptod_now_ms();
	connect_corosync(c);
	c->retry_ms = c->now_ms + RETRY_MS;
	return 0;
}

void iptod_corosync_close(struct iptod *d)
{
	struct iptod_corosync *c = d->corosync;

	if (!c)
		return;
	if (c->connected)
		cpg_leave(c->cpg, &c->group);
	disconnect(c);
	free(c);
	d->corosync = NULL;
}

void iptod_corosync_tick(struct iptod *d, uint64_t now_ms)
{
	struct iptod_corosync *c = d->corosync;

	/* A qdevice's vote comes and goes without a quorum notification. */
	if (c->connected && now_ms - c->votes_ms >= RETRY_MS) {
		c->votes_ms = now_ms;
		read_votes(c);
	}
	if (c->connected || now_ms < c->retry_ms)
		return;
	c->now_ms = now_ms;
	c->retry_ms = now_ms + RETRY_MS;
	connect_corosync(c);
}

unsigned int iptod_corosync_pollfds(const struct iptod *d, struct pollfd *fds, unsigned int max)
{
	const struct iptod_corosync *c = d->corosync;
	unsigned int n = 0;
	int fd;

	if (!c || !c->connected || max < 2)
		return 0;
	if (cpg_fd_get(c->cpg, &fd) == CS_OK)
		fds[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (quorum_fd_get(c->quorum, &fd) == CS_OK)
		fds[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	return n;
}

bool iptod_corosync_receive(struct iptod *d, const struct pollfd *fds, unsigned int n,
			    uint64_t now_ms)
{
	struct iptod_corosync *c = d->corosync;
	cs_error_t err = CS_OK;

	c->changed = false;
	c->now_ms = now_ms;
	/* fds[0] is CPG's, fds[1] the quorum service's (iptod_corosync_pollfds). */
	if (n > 0 && fds[0].revents)
		err = cpg_dispatch(c->cpg, CS_DISPATCH_ALL);
	if (err != CS_OK && err != CS_ERR_TRY_AGAIN) {
		down(c, "the CPG connection broke (%s)", cs_strerror(err));
		return true;
	}
	if (n > 1 && fds[1].revents)
		err = quorum_dispatch(c->quorum, CS_DISPATCH_ALL);
	if (err != CS_OK && err != CS_ERR_TRY_AGAIN)
		down(c, "the quorum service's connection broke (%s)", cs_strerror(err));
	return c->changed;
}

void iptod_corosync_send(struct iptod *d, const uint8_t *hb, size_t len)
{
	struct iptod_corosync *c = d->corosync;
	struct iovec iov = { .iov_base = (void *)hb, .iov_len = len };
	cs_error_t err;

	if (!c->connected)
		return;
	err = cpg_mcast_joined(c->cpg, CPG_TYPE_AGREED, &iov, 1);
	if (err == CS_OK) {
		d->tx++;
	} else {
		d->tx_errors++;
		c->send_errors++;
	}
}

bool iptod_corosync_quorum(const struct iptod *d, unsigned int *votes, unsigned int *expected)
{
	const struct iptod_corosync *c = d->corosync;

	*votes = c->votes;
	*expected = c->expected;
	return c->connected && c->quorate;
}

/* How long a member may go unheard before it is silent: corosync's own time. */
static uint64_t silence_ms(const struct iptod_corosync *c)
{
	return (uint64_t)c->token_ms + c->consensus_ms;
}

bool iptod_corosync_alive(const struct iptod *d, const struct iptod_peer *p)
{
	const struct iptod_corosync *c = d->corosync;

	return c->connected && is_member(c, p->id) && p->heard &&
	       (c->self_rx_ms <= p->last_rx_ms || c->self_rx_ms - p->last_rx_ms < silence_ms(c));
}

uint64_t iptod_corosync_lease_end(const struct iptod *d)
{
	const struct iptod_corosync *c = d->corosync;
	uint64_t span = silence_ms(c);

	if (!c->connected || !c->quorate || !c->lease_from_ms)
		return 0;
	return c->lease_from_ms + span - d->cfg.interval_ms / 4 - span / 32;
}

void iptod_corosync_status(const struct iptod *d, char *buf, size_t size, size_t *len)
{
	const struct iptod_corosync *c = d->corosync;

#define PUT(...) (*len += (size_t)snprintf(buf + *len, *len < size ? size - *len : 0, \
					   __VA_ARGS__))
	PUT("membership=corosync\ncorosync=%s\n", c->connected ? "up" : "down");
	PUT("corosync.ring=%u.%llu\ncorosync.quorate=%d\ncorosync.votes=%u/%u\n",
	    c->ring.nodeid, (unsigned long long)c->ring.seq, c->connected && c->quorate,
	    c->votes, c->expected);
	PUT("corosync.token_ms=%u\ncorosync.consensus_ms=%u\ncorosync.members=",
	    c->token_ms, c->consensus_ms);
	for (unsigned int i = 0; i < c->nmembers; i++)
		PUT("%s%u", i ? "," : "", c->members[i]);
	PUT("\ncorosync.connects=%lu\ncorosync.losses=%lu\ncorosync.send_errors=%lu\n",
	    c->connects, c->losses, c->send_errors);
#undef PUT
}

int iptod_corosync_check(const struct iptod_config *cfg, char *msg, size_t len)
{
	bool listed[IPTO_NODE_ID_MAX + 1] = { false };
	cmap_iter_handle_t iter;
	cmap_handle_t cmap;
	char key[CMAP_KEYNAME_MAXLEN + 1];
	uint32_t local = 0, id;
	cs_error_t err;
	int ret = 0;

	err = cmap_initialize(&cmap);
	if (err != CS_OK) {
		snprintf(msg, len, "corosync is not reachable (%s): node ids not checked against "
			 "its nodelist", cs_strerror(err));
		return 1;
	}
	if (cmap_iter_init(cmap, "nodelist.node.", &iter) == CS_OK) {
		size_t vlen;
		cmap_value_types_t type;

		while (cmap_iter_next(cmap, iter, key, &vlen, &type) == CS_OK) {
			size_t kl = strlen(key);

			if (kl < 7 || strcmp(key + kl - 7, ".nodeid"))
				continue;
			if (cmap_get_uint32(cmap, key, &id) == CS_OK && id <= IPTO_NODE_ID_MAX)
				listed[id] = true;
		}
		cmap_iter_finalize(cmap, iter);
	}
	cmap_get_uint32(cmap, "runtime.votequorum.this_node_id", &local);
	cmap_finalize(cmap);
	for (unsigned int i = 0; i < cfg->nnodes && !ret; i++) {
		if (!listed[cfg->nodes[i].id]) {
			snprintf(msg, len, "node %s: id %u is no node id in corosync's nodelist: "
				 "the ids must be equal", cfg->nodes[i].name, cfg->nodes[i].id);
			ret = -1;
		}
	}
	if (!ret && local && local != cfg->self) {
		snprintf(msg, len, "this node's id is %u, corosync's node id here is %u: they must "
			 "be equal", cfg->self, local);
		ret = -1;
	}
	if (!ret)
		snprintf(msg, len, "node ids equal corosync's (this node %u)", cfg->self);
	return ret;
}
