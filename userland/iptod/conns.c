// SPDX-License-Identifier: GPL-2.0
/*
 * conns.c - iptod's side of connection sync and of the reset at takeover:
 * the timers, the datagrams and the kernel requests around conn_diag.c
 * (which connections this node has) and conn_sync.c (the protocol).
 *
 * Sender.  Every conn_sync_ms the established TCP connections on this
 * node's home addresses are read from the kernel (sock_diag) and given to
 * one conn_sync_tx per node of this node's standby chain (its standby list
 * and its services' lists): the nodes that may adopt those addresses.
 * What is due goes out at once from the heartbeat socket to the peer's
 * heartbeat address and port; what is not acknowledged goes again after
 * conn_sync_ms.  An idle stream sends an empty message every round, so a
 * receiver that lost the list (it restarted, or dropped it) gets it again
 * within a round or two.  A peer heard again after it was dead gets a new
 * stream: the whole list.
 *
 * Receiver.  A datagram on a heartbeat socket that starts with "IPTC" is
 * sync, not a heartbeat (membership.c tells them apart and checks that it
 * came from the peer's heartbeat address); it goes to that peer's
 * conn_sync_rx, bounded by conn_sync_max.  A list is dropped when the
 * kernel releases an address of its node while that node is heard (the
 * addresses went home, or to another standby); the node's next message
 * then brings the current one.
 *
 * Reset.  When the kernel reports that this node adopted an address of
 * node N (IPTO_EVENT_ADOPTED), the connections N synced on that address
 * are tickled (IPTO_CMD_CONN_RESET) at once, and the whole list once more
 * TICKLE_PACE_MS later, for ACKs or answers that were lost; the pace is
 * above the client kernel's tcp_invalid_ratelimit (500 ms by default),
 * which lets a connection answer one out-of-window segment per period.
 * The kernel sends while the device's reply limit keeps half its burst for
 * the resets the tickles draw and says how many went; the rest go again
 * TICKLE_RETRY_MS later, so a large list is paced by the reply limit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <syslog.h>

#include "conn_diag.h"
#include "conn_sync.h"
#include "iptod.h"

#define TICKLE_ROUNDS		2
#define TICKLE_PACE_MS		600
#define TICKLE_RETRY_MS		100
#define SEND_BATCH		CONN_SYNC_WINDOW
#define BAD_LOG_INTERVAL_MS	1000

/* A takeover whose connections are being tickled. */
struct iptod_tickle {
	uint32_t node;			/* whose address it is */
	struct iptod_addr addr;
	unsigned int round;		/* 0 .. TICKLE_ROUNDS - 1 */
	size_t next;			/* this round's first not yet sent */
	size_t sent;			/* in all rounds */
	uint64_t round_ms;		/* when this round began */
	uint64_t due_ms;
};

static struct iptod_peer *peer_of(struct iptod *d, uint32_t id)
{
	for (unsigned int i = 0; i < d->npeers; i++)
		if (d->peers[i].id == id)
			return &d->peers[i];
	return NULL;
}

/* Whether peer is in this node's standby chain: it may adopt our addresses. */
static bool standby_of_self(const struct iptod *d, uint32_t peer)
{
	const struct iptod_node *self = iptod_config_node(&d->cfg, d->cfg.self);

	for (unsigned int i = 0; self && i < self->nstandby; i++)
		if (self->standby[i] == peer)
			return true;
	for (unsigned int i = 0; i < d->cfg.nservices; i++) {
		const struct iptod_service *s = &d->cfg.services[i];

		if (s->node != d->cfg.self || !s->has_standby)
			continue;
		for (unsigned int j = 0; j < s->nstandby; j++)
			if (s->standby[j] == peer)
				return true;
	}
	return false;
}

int iptod_conns_peers(struct iptod *d)
{
	bool new_max = d->sync_max != d->cfg.conn_sync_max;

	d->sync_max = d->cfg.conn_sync_max;
	for (unsigned int i = 0; i < d->npeers; i++) {
		struct iptod_peer *p = &d->peers[i];
		bool wanted = d->cfg.conn_sync_ms && standby_of_self(d, p->id);

		if (!wanted && p->sync_tx) {
			conn_sync_tx_free(p->sync_tx);
			p->sync_tx = NULL;
		} else if (wanted && !p->sync_tx) {
			p->sync_tx = conn_sync_tx_new(d->cfg.self, p->id, d->boot);
			if (!p->sync_tx)
				return -ENOMEM;
		}
		if (new_max && p->sync_rx) {
			conn_sync_rx_free(p->sync_rx);
			p->sync_rx = NULL;
		}
		if (!p->sync_rx) {
			p->sync_rx = conn_sync_rx_new(d->cfg.self, p->id, d->cfg.conn_sync_max);
			if (!p->sync_rx)
				return -ENOMEM;
		}
	}
	return 0;
}

void iptod_conns_peer_free(struct iptod_peer *p)
{
	conn_sync_tx_free(p->sync_tx);
	conn_sync_rx_free(p->sync_rx);
	p->sync_tx = NULL;
	p->sync_rx = NULL;
}

/* Sends what p's stream has due, from the heartbeat socket. */
static void sync_send(struct iptod *d, struct iptod_peer *p, uint64_t now_ms)
{
	static uint8_t bufs[SEND_BATCH][CONN_SYNC_MAX_LEN];
	size_t lens[SEND_BATCH], n;

	n = conn_sync_tx_pending(p->sync_tx, &d->key, now_ms, d->cfg.conn_sync_ms, bufs, lens,
				 SEND_BATCH);
	for (size_t i = 0; i < n; i++) {
		if (sendto(d->hb_fd, bufs[i], lens[i], 0, (struct sockaddr *)&p->sa, p->salen) < 0) {
			d->sync.tx_errors++;
			continue;
		}
		d->sync.tx_msgs++;
		d->sync.tx_bytes += lens[i];
	}
}

/* This node's home addresses, as conn_diag takes them; *n of them. */
/* This node's home addresses; NULL with *n 0 for none, NULL with *n 1: no memory. */
static struct conn_diag_addr *home_addrs(const struct iptod *d, size_t *n)
{
	const struct iptod_node *self = iptod_config_node(&d->cfg, d->cfg.self);
	struct conn_diag_addr *addrs;

	*n = 0;
	if (!self)
		return NULL;
	addrs = calloc(self->naddrs, sizeof(*addrs));
	if (!addrs) {
		*n = self->naddrs != 0;
		return NULL;
	}
	for (unsigned int i = 0; i < self->naddrs; i++) {
		addrs[i].family = self->addrs[i].family;
		memcpy(addrs[i].addr, &self->addrs[i].v6,
		       self->addrs[i].family == AF_INET ? 4 : 16);
	}
	*n = self->naddrs;
	return addrs;
}

/*
 * The established connections on addrs[0..naddrs), at most max, in the
 * protocol's form: listed CONN_DIAG_ADDRS_MAX addresses at a time.
 */
static int list_conns(const struct conn_diag_addr *addrs, size_t naddrs, size_t max,
		      struct conn_sync_conn **out, size_t *n)
{
	struct conn_sync_conn *all = NULL;
	size_t count = 0;

	for (size_t at = 0; at < naddrs; at += CONN_DIAG_ADDRS_MAX) {
		size_t part = naddrs - at < CONN_DIAG_ADDRS_MAX ? naddrs - at : CONN_DIAG_ADDRS_MAX;
		struct conn_diag_conn *conns;
		struct conn_sync_conn *grown;
		size_t got;
		int ret;

		ret = conn_diag_list(addrs + at, part, max - count, &conns, &got);
		if (ret < 0) {
			free(all);
			return ret;
		}
		grown = got ? realloc(all, (count + got) * sizeof(*all)) : all;
		if (got && !grown) {
			free(conns);
			free(all);
			return -ENOMEM;
		}
		all = grown;
		for (size_t i = 0; i < got; i++) {
			struct conn_sync_conn *c = &all[count + i];

			memset(c, 0, sizeof(*c));
			c->family = conns[i].family == AF_INET ? 4 : 6;
			memcpy(c->local, conns[i].local, sizeof(c->local));
			memcpy(c->remote, conns[i].remote, sizeof(c->remote));
			c->lport = conns[i].lport;
			c->rport = conns[i].rport;
		}
		count += got;
		free(conns);
	}
	*out = all;
	*n = count;
	return 0;
}

int iptod_conns_count(const struct iptod *d, size_t *n)
{
	struct conn_sync_conn *conns = NULL;
	struct conn_diag_addr *addrs;
	size_t naddrs;
	int ret;

	addrs = home_addrs(d, &naddrs);
	if (naddrs && !addrs)
		return -ENOMEM;
	ret = list_conns(addrs, naddrs, SIZE_MAX, &conns, n);
	free(addrs);
	free(conns);
	return ret;
}

void iptod_conns_sync(struct iptod *d, uint64_t now_ms)
{
	struct conn_sync_conn *conns = NULL;
	struct conn_diag_addr *addrs;
	bool any = false;
	size_t naddrs, n;
	uint64_t t0;
	int ret;

	for (unsigned int i = 0; i < d->npeers; i++)
		any |= d->peers[i].sync_tx != NULL;
	if (!any)
		return;
	addrs = home_addrs(d, &naddrs);
	t0 = iptod_now_ms();
	ret = naddrs && !addrs ? -ENOMEM : list_conns(addrs, naddrs, CONN_SYNC_TX_MAX, &conns, &n);
	free(addrs);
	d->sync.list_ms = iptod_now_ms() - t0;
	if (ret < 0) {
		unsigned long held;

		d->sync.list_errors++;
		if (iptod_log_allowed(&d->sync.list_log, now_ms, BAD_LOG_INTERVAL_MS, &held))
			iptod_warn("connection sync: cannot list this node's connections: %s%s",
				   ret == -E2BIG ? "more than the sync's bound" : strerror(-ret),
				   ret == -E2BIG ? " (114688 per peer)" : "");
		/* The peers keep the last list; the streams stay alive. */
		n = 0;
	} else {
		d->sync.local = n;
	}
	for (unsigned int i = 0; i < d->npeers; i++) {
		struct iptod_peer *p = &d->peers[i];

		if (!p->sync_tx)
			continue;
		if (ret == 0)
			conn_sync_tx_update(p->sync_tx, conns, n);
		conn_sync_tx_keepalive(p->sync_tx);
		sync_send(d, p, now_ms);
	}
	free(conns);
}

/* A sync datagram refused: counted, and logged at most once a second per reason. */
static void sync_refused(struct iptod *d, enum conn_sync_verdict v, const struct iptod_peer *p,
			 uint64_t now_ms)
{
	unsigned long held;

	d->sync.refused[v]++;
	if (!iptod_log_allowed(&d->sync.refused_log[v], now_ms, BAD_LOG_INTERVAL_MS, &held))
		return;
	iptod_log(v == CONN_SYNC_REPLAY || v == CONN_SYNC_GAP || v == CONN_SYNC_OTHER_STREAM ?
		  LOG_INFO : LOG_WARNING, NULL,
		  "connection sync from %s dropped: %s (%lu dropped so far for this reason, %lu not logged)",
		  p ? p->name : "an unknown node", conn_sync_verdict_name(v), d->sync.refused[v],
		  held);
}

void iptod_conns_receive(struct iptod *d, struct iptod_peer *p, const uint8_t *buf, size_t len,
			 uint64_t now_ms)
{
	uint8_t ack[CONN_SYNC_MAX_LEN], type;
	enum conn_sync_verdict v;
	size_t ack_len = 0;
	uint32_t sender;

	if (conn_sync_peek(buf, len, &type, &sender) < 0) {
		sync_refused(d, CONN_SYNC_MALFORMED, p, now_ms);
		return;
	}
	if (!p) {	/* no node of ours, or not from its heartbeat address */
		sync_refused(d, CONN_SYNC_UNKNOWN_NODE, NULL, now_ms);
		return;
	}
	if (type == CONN_SYNC_DATA && !p->sync_rx) {
		v = CONN_SYNC_NO_MEMORY;	/* its list could not be made */
	} else if (type == CONN_SYNC_DATA) {
		v = conn_sync_rx_data(p->sync_rx, &d->key, buf, len, ack, &ack_len);
		if (ack_len &&
		    sendto(d->hb_fd, ack, ack_len, 0, (struct sockaddr *)&p->sa, p->salen) < 0)
			d->sync.tx_errors++;
	} else if (p->sync_tx) {
		v = conn_sync_tx_ack(p->sync_tx, &d->key, buf, len);
		if (v == CONN_SYNC_OK)
			sync_send(d, p, now_ms);	/* the window moved */
	} else {
		v = CONN_SYNC_UNKNOWN_NODE;	/* an ACK from a node we do not sync to */
	}
	if (v != CONN_SYNC_OK)
		sync_refused(d, v, p, now_ms);
}

void iptod_conns_peer_alive(struct iptod_peer *p)
{
	if (p->sync_tx)
		conn_sync_tx_reconnect(p->sync_tx);
}

/* Arms the tickle timer for the earliest job, or disarms it. */
static void arm_tickles(struct iptod *d, uint64_t now_ms)
{
	struct itimerspec its = { 0 };
	uint64_t due = UINT64_MAX;

	for (unsigned int i = 0; i < d->ntickles; i++)
		if (d->tickles[i].due_ms < due)
			due = d->tickles[i].due_ms;
	if (due != UINT64_MAX) {
		uint64_t in_ms = due > now_ms ? due - now_ms : 0;

		its.it_value.tv_sec = (time_t)(in_ms / 1000);
		its.it_value.tv_nsec = (long)(in_ms % 1000) * 1000000 + 1;
	}
	timerfd_settime(d->tickle_timer_fd, 0, &its, NULL);
}

void iptod_conns_adopted(struct iptod *d, uint32_t node, const struct iptod_addr *addr,
			 uint64_t now_ms)
{
	struct iptod_peer *p = peer_of(d, node);
	struct iptod_tickle *t;

	if (!p || !p->sync_rx || !conn_sync_rx_count(p->sync_rx))
		return;
	for (unsigned int i = 0; i < d->ntickles; i++)
		if (iptod_addr_equal(&d->tickles[i].addr, addr))
			return;	/* already at it */
	t = reallocarray(d->tickles, d->ntickles + 1, sizeof(*t));
	if (!t) {
		iptod_err("out of memory: the connections of an adopted address are not reset");
		return;
	}
	d->tickles = t;
	d->tickles[d->ntickles++] = (struct iptod_tickle){
		.node = node, .addr = *addr, .round_ms = now_ms, .due_ms = now_ms,
	};
	iptod_conns_tickle(d, now_ms);
}

static void drop_tickle(struct iptod *d, unsigned int i)
{
	d->tickles[i] = d->tickles[--d->ntickles];
}

void iptod_conns_released(struct iptod *d, uint32_t node, const struct iptod_addr *addr)
{
	struct iptod_peer *p = peer_of(d, node);

	for (unsigned int i = 0; i < d->ntickles; i++)
		if (iptod_addr_equal(&d->tickles[i].addr, addr))
			drop_tickle(d, i--);
	/*
	 * Home again only while its node is heard: a release while it is
	 * silent (this node fenced after a stall, say) is followed by an
	 * adoption that needs the list.
	 */
	if (p && p->alive && p->sync_rx && conn_sync_rx_count(p->sync_rx))
		conn_sync_rx_clear(p->sync_rx);
}

/*
 * One job's due work: the rest of this round's list, as far as the reply
 * limit lets it go.  Returns false when the job is over.
 */
static bool tickle_round(struct iptod *d, struct iptod_tickle *t, uint64_t now_ms)
{
	struct iptod_peer *p = peer_of(d, t->node);
	struct conn_sync_conn *conns;
	char a[INET6_ADDRSTRLEN];
	uint8_t local[16] = { 0 };
	uint8_t family = t->addr.family == AF_INET ? 4 : 6;
	size_t n, sent;
	int ret = 0;

	if (!p || !p->sync_rx)
		return false;
	memcpy(local, &t->addr.v6, family == 4 ? 4 : 16);
	n = conn_sync_rx_conns_of(p->sync_rx, family, local, NULL, 0);
	conns = n ? calloc(n, sizeof(*conns)) : NULL;
	if (n && !conns)
		return true;	/* again at the next retry */
	n = conn_sync_rx_conns_of(p->sync_rx, family, local, conns, n);
	iptod_addr_str(&t->addr, a, sizeof(a));
	if (!t->round && !t->next)
		iptod_notice("resetting %zu connection%s of %s that node %s synced", n,
			     n == 1 ? "" : "s", a, p->name);
	while (t->next < n) {
		ret = iptod_kernel_conn_reset(d->kernel, conns + t->next, n - t->next, &sent);
		if (ret < 0)
			break;
		t->next += sent;
		t->sent += sent;
		d->sync.tickled += sent;
		if (sent < IPTO_CONN_RESET_MAX && t->next < n)
			break;	/* the reply limit: again shortly */
	}
	free(conns);
	if (ret < 0) {
		iptod_warn("resetting the connections of %s: %s (%s)", a, strerror(-ret),
			   iptod_kernel_extack(d->kernel));
		return false;
	}
	if (t->next < n) {
		t->due_ms = now_ms + TICKLE_RETRY_MS;
		return true;
	}
	if (++t->round == TICKLE_ROUNDS) {
		iptod_info("%s: %zu tickles sent to the clients of %zu connections in %u rounds",
			   a, t->sent, n, TICKLE_ROUNDS);
		return false;
	}
	t->next = 0;
	t->round_ms += TICKLE_PACE_MS;
	if (t->round_ms < now_ms)
		t->round_ms = now_ms;
	t->due_ms = t->round_ms;
	return true;
}

void iptod_conns_tickle(struct iptod *d, uint64_t now_ms)
{
	for (unsigned int i = 0; i < d->ntickles; i++) {
		if (d->tickles[i].due_ms > now_ms)
			continue;
		if (!tickle_round(d, &d->tickles[i], now_ms))
			drop_tickle(d, i--);
	}
	arm_tickles(d, now_ms);
}

void iptod_conns_status(const struct iptod *d, char *buf, size_t size, size_t *len)
{
#define PUT(...) (*len += (size_t)snprintf(buf + *len, *len < size ? size - *len : 0, \
					  __VA_ARGS__))
	PUT("conn_sync.local=%zu\nconn_sync.tx_msgs=%llu\nconn_sync.tx_bytes=%llu\n"
	    "conn_sync.tx_errors=%llu\nconn_sync.list_ms=%llu\nconn_sync.list_errors=%llu\n"
	    "conn_sync.tickled=%llu\n", d->sync.local, (unsigned long long)d->sync.tx_msgs,
	    (unsigned long long)d->sync.tx_bytes, (unsigned long long)d->sync.tx_errors,
	    (unsigned long long)d->sync.list_ms, (unsigned long long)d->sync.list_errors,
	    (unsigned long long)d->sync.tickled);
	for (unsigned int i = 0; i < d->npeers; i++) {
		const struct iptod_peer *p = &d->peers[i];

		if (p->sync_tx) {
			uint64_t boot, stream, acked;

			conn_sync_tx_stream(p->sync_tx, &boot, &stream, &acked);
			PUT("conn_sync.to.%u=%zu connections, %zu queued, stream %llu acked %llu\n",
			    p->id, conn_sync_tx_count(p->sync_tx), conn_sync_tx_outbox(p->sync_tx),
			    (unsigned long long)stream, (unsigned long long)acked);
		}
		if (p->sync_rx)
			PUT("conn_sync.from.%u=%zu connections\n", p->id,
			    conn_sync_rx_count(p->sync_rx));
	}
	for (int v = 1; v < CONN_SYNC_NVERDICTS; v++)
		PUT("conn_sync.refused.%s=%lu\n", conn_sync_verdict_name(v), d->sync.refused[v]);
#undef PUT
}
