// SPDX-License-Identifier: GPL-2.0
/*
 * membership.c - who is alive: heartbeats sent to every peer each interval
 * and received from them (authenticated, replay-checked, counted), the
 * peers' state derived from them, quorum, and the witness that breaks the
 * tie of a two-node cluster.
 */
#define _GNU_SOURCE	/* recvmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "iptod.h"
#include "log.h"

#define BAD_LOG_INTERVAL_MS	1000	/* one log line per reason per second */
/*
 * At most this many datagrams are read from one socket per wakeup of the
 * main loop.  A flood at the heartbeat port needs no key: bounded, it
 * cannot hold the loop, and the timers (heartbeats, the lease, the
 * watchdog) and signals are served between two batches.
 */
#define RX_BATCH		64

static socklen_t to_sockaddr(const struct iptod_addr *a, uint16_t port,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = a->v6;
		sin6->sin6_port = htons(port);
		return sizeof(*sin6);
	}
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	sin->sin_family = AF_INET;
	sin->sin_addr = a->v4;
	sin->sin_port = htons(port);
	return sizeof(*sin);
}

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
}

static const char *sockaddr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *src = ss->ss_family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

	if (!inet_ntop(ss->ss_family, src, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static int open_witness(struct iptod *d, char *err, size_t errlen)
{
	int family = d->cfg.witness.family;
	int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;

	d->witness_fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (d->witness_fd < 0) {
		snprintf(err, errlen, "witness: cannot open an ICMP socket: %s", strerror(errno));
		return -1;
	}
	if (family == AF_INET6) {
		struct icmp6_filter filter;

		ICMP6_FILTER_SETBLOCKALL(&filter);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
		setsockopt(d->witness_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter));
	}
	return 0;
}

/*
 * A heartbeat socket bound to this node's heartbeat address and port, with
 * SO_REUSEADDR so that several can be.  Connected to a peer, it receives
 * only that peer's datagrams: the kernel delivers a datagram to the bound
 * socket that matches it best, and a connected one matches better than
 * the unconnected one.  So each peer's heartbeats wait in a queue of their
 * own, which a flood from anywhere else cannot fill.
 */
static int open_heartbeat_socket(const struct iptod *d, const struct sockaddr_storage *peer,
				 socklen_t peerlen, char *err, size_t errlen)
{
	const struct iptod_node *self = iptod_config_node(&d->cfg, d->cfg.self);
	struct sockaddr_storage ss;
	socklen_t len = to_sockaddr(&self->heartbeat, d->cfg.port, &ss);
	char buf[INET6_ADDRSTRLEN];
	int one = 1, fd;

	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "heartbeat socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* The address may come up after iptod: bind to it anyway. */
	if (ss.ss_family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		snprintf(err, errlen, "heartbeat socket: cannot bind to %s port %u: %s",
			 iptod_addr_str(&self->heartbeat, buf, sizeof(buf)), d->cfg.port,
			 strerror(errno));
		close(fd);
		return -1;
	}
	if (peer && connect(fd, (const struct sockaddr *)peer, peerlen) < 0) {
		snprintf(err, errlen, "heartbeat socket: cannot connect to %s: %s",
			 sockaddr_str(peer, buf, sizeof(buf)), strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int iptod_membership_open(struct iptod *d, char *err, size_t errlen)
{
	d->witness_fd = -1;
	d->hb_fd = open_heartbeat_socket(d, NULL, 0, err, errlen);
	if (d->hb_fd < 0)
		return -1;
	if (d->cfg.has_witness && open_witness(d, err, errlen) < 0) {
		close(d->hb_fd);
		d->hb_fd = -1;
		return -1;
	}
	/* With corosync, the heartbeat socket carries connection sync only. */
	if (d->cfg.membership == IPTOD_MEMBERSHIP_COROSYNC && iptod_corosync_open(d) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * Gives each peer without one its own connected socket.  Until that works
 * (no route to the peer yet: iptod may start before the network), the
 * peer's heartbeats arrive on the unconnected socket, which takes them as
 * well; the next tick tries again.
 */
void iptod_membership_connect(struct iptod *d)
{
	char err[256];

	for (unsigned int i = 0; i < d->npeers; i++) {
		struct iptod_peer *p = &d->peers[i];

		if (p->fd >= 0)
			continue;
		p->fd = open_heartbeat_socket(d, &p->sa, p->salen, err, sizeof(err));
		if (p->fd < 0 && !p->connect_failed)
			iptod_warn("%s (peer %s): its heartbeats share the port's socket "
				   "until it can be connected", err, p->name);
		p->connect_failed = p->fd < 0;
	}
}

void iptod_membership_close(struct iptod *d)
{
	if (d->hb_fd >= 0)
		close(d->hb_fd);
	if (d->witness_fd >= 0)
		close(d->witness_fd);
	d->hb_fd = d->witness_fd = -1;
	iptod_corosync_close(d);
	for (unsigned int i = 0; i < d->npeers; i++)
		if (d->peers[i].fd >= 0)
			close(d->peers[i].fd);
	free(d->peers);
	d->peers = NULL;
	d->npeers = 0;
}

int iptod_membership_peers(struct iptod *d, struct iptod_peer *old, unsigned int nold)
{
	struct iptod_peer *peers = calloc(d->cfg.nnodes, sizeof(*peers));
	struct sockaddr_storage sa;
	unsigned int n = 0;
	socklen_t salen;

	if (!peers)
		return -ENOMEM;
	for (unsigned int i = 0; i < d->cfg.nnodes; i++) {
		const struct iptod_node *node = &d->cfg.nodes[i];
		struct iptod_peer *p = &peers[n];

		if (node->id == d->cfg.self)
			continue;
		p->id = node->id;
		p->pushed = -1;
		p->fd = -1;
		for (unsigned int j = 0; j < nold; j++) {
			if (old[j].id != node->id)
				continue;
			*p = old[j];
			old[j].fd = -1;	/* p has it now, and its sync state */
			old[j].sync_tx = NULL;
			old[j].sync_rx = NULL;
		}
		snprintf(p->name, sizeof(p->name), "%s", node->name);
		salen = to_sockaddr(&node->heartbeat, d->cfg.port, &sa);
		if (p->salen != salen || memcmp(&p->sa, &sa, salen)) {
			/* A new peer, or its address changed: connect again. */
			if (p->fd >= 0)
				close(p->fd);
			p->fd = -1;
			p->connect_failed = false;
			p->sa = sa;
			p->salen = salen;
		}
		n++;
	}
	for (unsigned int j = 0; j < nold; j++) {
		if (old[j].fd >= 0)
			close(old[j].fd);
		iptod_conns_peer_free(&old[j]);
	}
	free(d->peers);
	d->peers = peers;
	d->npeers = n;
	return 0;
}

/*
 * The seq of peer p's current boot to acknowledge to it: the newest this
 * node accepted, or 0 when it has accepted none of that boot yet.
 */
static uint64_t ack_of(const struct iptod_peer *p)
{
	if (!p->window.seen || p->window.boot != p->challenge_boot)
		return 0;
	return p->window.seq;
}

void iptod_membership_send(struct iptod *d)
{
	struct iptod_heartbeat hb = { 0 };
	uint8_t buf[IPTOD_HB_MAX_LEN];
	size_t len;

	hb.flags = (d->fit ? IPTOD_HB_FIT : 0) | (d->fenced ? IPTOD_HB_FENCED : 0) |
		   (d->quorum ? IPTOD_HB_QUORUM : 0);
	hb.node = d->cfg.self;
	hb.boot = d->boot;
	hb.seq = ++d->seq;
	/*
	 * Read before sending: a peer cannot have heard this heartbeat
	 * earlier, whatever stalls this daemon between the two.
	 */
	d->sent[hb.seq % IPTOD_SENT] = (struct iptod_sent){ hb.seq, iptod_now_ms() };
	hb.challenge = d->challenge;
	hb.nheld = (uint16_t)d->nheld;
	memcpy(hb.held, d->held, d->nheld * sizeof(hb.held[0]));
	d->sent_flags = hb.flags;
	if (d->corosync) {
		/* To the group: no echo, no ack; CPG's order says what they did. */
		len = iptod_hb_encode(&hb, &d->key, buf);
		iptod_corosync_send(d, buf, len);
		return;
	}
	/* One seq for all: each peer gets the same heartbeat but for its echo. */
	for (unsigned int i = 0; i < d->npeers; i++) {
		struct iptod_peer *p = &d->peers[i];

		hb.echo = p->challenge;
		hb.ack = ack_of(p);
		len = iptod_hb_encode(&hb, &d->key, buf);
		if (sendto(d->hb_fd, buf, len, 0, (struct sockaddr *)&p->sa, p->salen) < 0)
			d->tx_errors++;	/* unreachable peers are normal: no log */
		else
			d->tx++;
	}
}

void iptod_membership_bad(struct iptod *d, enum iptod_hb_verdict v, const char *from,
			  uint64_t now_ms)
{
	unsigned long held;

	d->rx[v]++;
	if (!iptod_log_allowed(&d->rx_log[v], now_ms, BAD_LOG_INTERVAL_MS, &held))
		return;
	iptod_log(LOG_WARNING, NULL,
		  "heartbeat from %s dropped: %s (%lu dropped so far for this reason, %lu not logged)",
		  from, iptod_hb_verdict_name(v), d->rx[v], held);
}

static void count_bad(struct iptod *d, enum iptod_hb_verdict v,
		      const struct sockaddr_storage *from, uint64_t now_ms)
{
	char buf[INET6_ADDRSTRLEN];

	iptod_membership_bad(d, v, sockaddr_str(from, buf, sizeof(buf)), now_ms);
}

/*
 * An authentic heartbeat of peer p: its challenge is learnt (for its newest
 * boot), to be echoed to it; it is taken only if it echoes ours, so it was
 * sent after the peer heard this daemon's start, and if it is newer than
 * the last one taken (heartbeat.h).
 */
static enum iptod_hb_verdict check_fresh(struct iptod *d, struct iptod_peer *p,
					 const struct iptod_heartbeat *hb)
{
	if (hb->boot >= p->challenge_boot) {
		p->challenge = hb->challenge;
		p->challenge_boot = hb->boot;
	}
	if (hb->echo != d->challenge)
		return IPTOD_HB_STALE;
	return iptod_hb_window_accept(&p->window, hb);
}

/* One datagram read from a heartbeat socket: checked, and taken if good. */
static bool take_heartbeat(struct iptod *d, const uint8_t *buf, size_t n, size_t cap,
			   const struct sockaddr_storage *from, uint64_t now_ms)
{
	struct iptod_heartbeat hb;
	struct iptod_peer *p = NULL;
	enum iptod_hb_verdict v;

	/* MSG_TRUNC: n is the real length, so an oversized one is malformed. */
	v = iptod_hb_decode(buf, n > cap ? cap : n, &d->key, &hb);
	if (v == IPTOD_HB_OK) {
		for (unsigned int i = 0; i < d->npeers; i++)
			if (d->peers[i].id == hb.node)
				p = &d->peers[i];
		if (!p)
			v = IPTOD_HB_UNKNOWN_NODE;
		else if (!same_host(from, &p->sa))
			v = IPTOD_HB_WRONG_SOURCE;
		else if (d->cfg.membership == IPTOD_MEMBERSHIP_COROSYNC)
			v = IPTOD_HB_WRONG_SOURCE;	/* heartbeats come through CPG */
		else
			v = check_fresh(d, p, &hb);
	}
	if (v != IPTOD_HB_OK) {
		count_bad(d, v, from, now_ms);
		return false;
	}
	return iptod_membership_take(d, p, &hb, now_ms);
}

bool iptod_membership_take(struct iptod *d, struct iptod_peer *p,
			   const struct iptod_heartbeat *hb, uint64_t now_ms)
{
	const struct iptod_sent *sent;
	bool changed = false;

	d->rx[IPTOD_HB_OK]++;
	/*
	 * An ack of a seq this daemon sent (its slot holds that seq, never one
	 * not sent yet): p heard it by that heartbeat's time.
	 */
	sent = &d->sent[hb->ack % IPTOD_SENT];
	if (sent->seq == hb->ack && sent->ms > p->ack_ms)
		p->ack_ms = sent->ms;
	if (!p->alive || p->flags != hb->flags || p->nheld != hb->nheld ||
	    memcmp(p->held, hb->held, hb->nheld * sizeof(hb->held[0])))
		changed = true;
	p->heard = true;
	p->last_rx_ms = now_ms;
	p->flags = hb->flags;
	p->nheld = hb->nheld;
	memcpy(p->held, hb->held, hb->nheld * sizeof(hb->held[0]));
	return changed;
}

/*
 * A connection sync datagram (conns.c): handed on with its peer, the node
 * it names if it came from that node's heartbeat address.
 */
static void take_sync(struct iptod *d, const uint8_t *buf, size_t n, size_t cap,
		      const struct sockaddr_storage *from, uint64_t now_ms)
{
	struct iptod_peer *p = NULL;
	uint32_t sender;
	uint8_t type;

	if (n <= cap && conn_sync_peek(buf, n, &type, &sender) == 0) {
		for (unsigned int i = 0; i < d->npeers; i++)
			if (d->peers[i].id == sender && same_host(from, &d->peers[i].sa))
				p = &d->peers[i];
	}
	/* MSG_TRUNC: n is the real length, so an oversized one is malformed. */
	iptod_conns_receive(d, p, buf, n > cap ? cap : n, now_ms);
}

/* The largest datagram a heartbeat socket reads, plus one to see truncation. */
#define RX_LEN ((IPTOD_HB_MAX_LEN > CONN_SYNC_MAX_LEN ? IPTOD_HB_MAX_LEN : CONN_SYNC_MAX_LEN) + 1)

/*
 * Reads at most RX_BATCH datagrams from fd, in one system call: heartbeats,
 * and connection sync, which starts with its own magic.
 */
static bool receive_batch(struct iptod *d, int fd, uint64_t now_ms)
{
	static uint8_t bufs[RX_BATCH][RX_LEN];
	struct sockaddr_storage from[RX_BATCH];
	struct mmsghdr msgs[RX_BATCH];
	struct iovec iov[RX_BATCH];
	bool changed = false;
	int n;

	memset(msgs, 0, sizeof(msgs));
	for (unsigned int i = 0; i < RX_BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = sizeof(bufs[i]) };
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &from[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	n = recvmmsg(fd, msgs, RX_BATCH, MSG_TRUNC, NULL);
	for (int i = 0; i < n; i++) {
		if (msgs[i].msg_len >= 4 && !memcmp(bufs[i], CONN_SYNC_MAGIC, 4))
			take_sync(d, bufs[i], msgs[i].msg_len, sizeof(bufs[i]) - 1, &from[i],
				  now_ms);
		else
			changed |= take_heartbeat(d, bufs[i], msgs[i].msg_len, sizeof(bufs[i]),
						  &from[i], now_ms);
	}
	return changed;
}

unsigned int iptod_membership_pollfds(const struct iptod *d, struct pollfd *fds,
				      unsigned int max)
{
	unsigned int n = 0;

	if (max)
		fds[n++] = (struct pollfd){ .fd = d->hb_fd, .events = POLLIN };
	for (unsigned int i = 0; i < d->npeers && n < max; i++)
		if (d->peers[i].fd >= 0)
			fds[n++] = (struct pollfd){ .fd = d->peers[i].fd, .events = POLLIN };
	return n;
}

bool iptod_membership_receive(struct iptod *d, const struct pollfd *fds, unsigned int n,
			      uint64_t now_ms)
{
	bool changed = false;

	for (unsigned int i = 0; i < n; i++)
		if (fds[i].revents)
			changed |= receive_batch(d, fds[i].fd, now_ms);
	return changed;
}

/* Two nodes and no witness: no quorum rule, no quorum lease (logged at start). */
static bool unprotected(const struct iptod *d)
{
	return d->cfg.nnodes == 2 && d->witness_fd < 0 && !d->corosync;
}

/* The peer of a two-node cluster with a witness, which is pinged too; or NULL. */
static const struct iptod_node *pinged_peer(const struct iptod *d)
{
	if (d->witness_fd < 0 || d->cfg.nnodes != 2)
		return NULL;
	return &d->cfg.nodes[d->cfg.nodes[0].id == d->cfg.self ? 1 : 0];
}

bool iptod_membership_update(struct iptod *d, uint64_t now_ms)
{
	uint64_t dead_ms = (uint64_t)d->cfg.interval_ms * d->cfg.misses;
	unsigned int votes = 1, total = d->cfg.nnodes;
	bool changed = false, quorum;
	char id[24], name[48];

	for (unsigned int i = 0; i < d->npeers; i++) {
		struct iptod_peer *p = &d->peers[i];
		bool alive = d->corosync ? iptod_corosync_alive(d, p) :
			     p->heard && now_ms - p->last_rx_ms < dead_ms;
		bool up;

		/*
		 * Up: alive, fit, and with quorum; a peer just heard again is
		 * given its own start-up time (five dead times) to find it.
		 */
		if (alive && !p->alive) {
			p->alive_since_ms = now_ms;
			iptod_conns_peer_alive(p);
		}
		up = alive && (p->flags & IPTOD_HB_FIT) &&
		     ((p->flags & IPTOD_HB_QUORUM) || now_ms - p->alive_since_ms < 5 * dead_ms);

		snprintf(id, sizeof(id), "NODE=%u", p->id);
		snprintf(name, sizeof(name), "NODE_NAME=%s", p->name);
		if (alive != p->alive)
			iptod_event(d, alive ? LOG_NOTICE : LOG_WARNING,
				    (const char *[]){ alive ? "EVENT=peer_alive" : "EVENT=peer_dead",
						      id, name, NULL },
				    alive ? "node %s (%u) heard again" :
					    "node %s (%u) silent for %u ms: dead",
				    p->name, p->id, (unsigned int)dead_ms);
		if (up != p->up && alive)
			iptod_event(d, LOG_NOTICE,
				    (const char *[]){ up ? "EVENT=peer_up" : "EVENT=peer_down",
						      id, name, NULL },
				    "node %s (%u) is %s%s", p->name, p->id, up ? "up" : "down",
				    up ? "" : !(p->flags & IPTOD_HB_FIT) ? " (it stepped down)" :
					" (it has no quorum)");
		changed |= alive != p->alive || up != p->up;
		p->alive = alive;
		p->up = up;
		votes += alive;
	}
	if (d->witness_fd >= 0) {
		bool wup = d->witness_ok_ms && now_ms - d->witness_ok_ms < dead_ms;

		if (wup != d->witness_up) {
			char w[INET6_ADDRSTRLEN], wf[64];

			snprintf(wf, sizeof(wf), "WITNESS=%s",
				 iptod_addr_str(&d->cfg.witness, w, sizeof(w)));
			iptod_event(d, wup ? LOG_NOTICE : LOG_WARNING,
				    (const char *[]){ wup ? "EVENT=witness_up" : "EVENT=witness_down",
						      wf, NULL },
				    "witness %s %s", w, wup ? "answers" : "does not answer");
		}
		d->witness_up = wup;
		total++;
		votes += wup;
	}
	if (d->corosync)
		quorum = iptod_corosync_quorum(d, &votes, &total);
	else
		quorum = unprotected(d) || 2 * votes > total;
	/*
	 * Two nodes with a witness, each reaching it but not hearing the
	 * other, which answers ping (heartbeats filtered, or keys that
	 * differ): both would have 2 of 3 votes.  Only the node with the lower
	 * id keeps quorum; the other fences itself.  A peer that does not
	 * answer ping either is taken for dead, and the witness decides.
	 */
	if (pinged_peer(d)) {
		bool tie = !d->peers[0].alive && d->peer_echo_ms &&
			   now_ms - d->peer_echo_ms < dead_ms;

		if (tie != d->tie)
			iptod_event(d, LOG_WARNING,
				    (const char *[]){ tie ? "EVENT=tie" : "EVENT=tie_over", NULL },
				    tie ? "node %s answers ping but its heartbeats do not arrive: "
					  "a tie, which the node with the lower id wins%s" :
					  "node %s: the tie is over",
				    d->peers[0].name, tie && d->cfg.self > d->peers[0].id ?
				    " (not this one)" : "");
		d->tie = tie;
		if (tie && d->cfg.self > d->peers[0].id)
			quorum = false;
	}
	if (quorum != d->quorum) {
		char v[32];

		snprintf(v, sizeof(v), "VOTES=%u/%u", votes, total);
		iptod_event(d, quorum ? LOG_NOTICE : LOG_WARNING,
			    (const char *[]){ quorum ? "EVENT=quorum" : "EVENT=quorum_lost", v, NULL },
			    quorum ? "quorum: %u of %u votes" :
				     "quorum lost: %u of %u votes; fencing this node",
			    votes, total);
		changed = true;
		/*
		 * Rejoining after a partition is a start-up again: the peers
		 * not heard since must be heard (their heartbeats say whether
		 * they hold this node's addresses) before the fence lifts.
		 */
		if (quorum)
			d->start_ms = now_ms;
		for (unsigned int i = 0; i < d->npeers && !quorum; i++)
			if (!d->peers[i].alive)
				d->peers[i].heard = false;
	}
	d->quorum = quorum;
	return changed;
}

/*
 * This node did not run for lost_ms (beyond one interval): a peer's silence
 * over that time says nothing about the peer (whatever paused this node may
 * have paused it too: one host, one VM), so that time does not count
 * towards its death, nor the witness's, nor against the start-up grace.
 * Heartbeats that arrived meanwhile are read before this matters.  A peer
 * that did die is found dead that much later; nothing is ever found alive
 * for it.
 */
static void skip_pause(uint64_t *since_ms, uint64_t now_ms, uint64_t lost_ms)
{
	if (*since_ms)
		*since_ms = *since_ms + lost_ms < now_ms ? *since_ms + lost_ms : now_ms;
}

void iptod_membership_paused(struct iptod *d, uint64_t now_ms, uint64_t lost_ms)
{
	for (unsigned int i = 0; i < d->npeers; i++)
		skip_pause(&d->peers[i].last_rx_ms, now_ms, lost_ms);
	skip_pause(&d->witness_ok_ms, now_ms, lost_ms);
	skip_pause(&d->peer_echo_ms, now_ms, lost_ms);
	skip_pause(&d->start_ms, now_ms, lost_ms);
}

/*
 * The quorum lease.  A peer declares this node dead when it has heard
 * nothing from it for dead = interval_ms * misses.  A peer that
 * acknowledged a heartbeat this node sent at time a had heard it by then
 * (it cannot hear a heartbeat before it is sent), so it declares this node
 * dead at a + dead at the earliest, whatever stalls or delays came between:
 * p's ack end.  A peer adopts this node's addresses only with quorum, a
 * majority of the votes, and this node answers only while a majority,
 * itself included, have acknowledged it recently enough: until the
 * need-th latest ack end, need being the votes it lacks for a majority,
 * less a margin for the clocks' rates and the kernel's rounding.  The
 * kernel enforces that end in the packet path (IPTO_DEV_A_LEASE_END_NS),
 * so the node is silent before a majority can have found it dead, under
 * any fault of the network or stall of either side.  With two nodes the
 * witness votes for this node only once the peer is found dead, and in a
 * tie only for the node with the lower id, which wins it: until then the
 * peer alone could adopt this node's addresses, and its acknowledgements
 * decide.  Two nodes without a witness have no protection: no limit.
 */
uint64_t iptod_membership_lease_end(const struct iptod *d)
{
	uint64_t dead_ms = (uint64_t)d->cfg.interval_ms * d->cfg.misses;
	uint64_t margin_ms = d->cfg.interval_ms / 4, ends[IPTO_NODES_MAX + 1];
	unsigned int total = d->cfg.nnodes, need, n = 0;

	if (d->corosync)
		return iptod_corosync_lease_end(d);
	if (unprotected(d))
		return UINT64_MAX;
	for (unsigned int i = 0; i < d->npeers; i++) {
		const struct iptod_peer *p = &d->peers[i];

		ends[n++] = p->ack_ms ? p->ack_ms + dead_ms - margin_ms : 0;
	}
	if (d->witness_fd >= 0) {
		total++;
		ends[n++] = d->witness_up && !d->peers[0].alive &&
			    (!d->tie || d->cfg.self < d->peers[0].id) ? UINT64_MAX : 0;
	}
	need = total / 2;	/* a majority is total / 2 + 1, this node's vote included */
	if (need > n)
		return 0;
	/* The need-th largest end: partial selection sort, n is small. */
	for (unsigned int i = 0; i < need; i++)
		for (unsigned int j = i + 1; j < n; j++)
			if (ends[j] > ends[i]) {
				uint64_t t = ends[i];

				ends[i] = ends[j];
				ends[j] = t;
			}
	return need ? ends[need - 1] : UINT64_MAX;
}

bool iptod_held_by_peer(const struct iptod *d, const char **who)
{
	for (unsigned int i = 0; i < d->npeers; i++) {
		const struct iptod_peer *p = &d->peers[i];

		if (!p->alive)
			continue;
		for (unsigned int j = 0; j < p->nheld; j++) {
			if (p->held[j] == d->cfg.self) {
				if (who)
					*who = p->name;
				return true;
			}
		}
	}
	return false;
}

static uint16_t icmp_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* One echo request with a fresh random payload, remembered for its answer. */
static void send_echo(struct iptod *d, const struct iptod_addr *to, bool to_peer)
{
	struct iptod_echo *e = &d->echoes[d->witness_seq % IPTOD_ECHOES];
	struct sockaddr_storage ss;
	socklen_t len = to_sockaddr(to, 0, &ss);
	uint8_t pkt[8 + sizeof(e->payload)] = { 0 };
	uint16_t id = htons((uint16_t)getpid()), seq = htons(++d->witness_seq);

	randombytes_buf(e->payload, sizeof(e->payload));
	e->to_peer = to_peer;
	pkt[0] = to->family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	memcpy(pkt + 4, &id, 2);
	memcpy(pkt + 6, &seq, 2);
	memcpy(pkt + 8, e->payload, sizeof(e->payload));
	if (to->family == AF_INET) {
		uint16_t sum = icmp_checksum(pkt, sizeof(pkt));

		memcpy(pkt + 2, &sum, 2);
	}
	sendto(d->witness_fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, len);
}

void iptod_witness_ping(struct iptod *d)
{
	const struct iptod_node *peer = pinged_peer(d);

	if (d->witness_fd < 0)
		return;
	send_echo(d, &d->cfg.witness, false);
	if (peer)
		send_echo(d, &peer->heartbeat, true);
}

/*
 * An echo reply counts only when it carries the random payload of one of
 * the last requests, and comes from where that request went.
 */
void iptod_witness_receive(struct iptod *d, uint64_t now_ms)
{
	const struct iptod_node *peer = pinged_peer(d);
	struct sockaddr_storage witness, peer_sa;

	to_sockaddr(&d->cfg.witness, 0, &witness);
	if (peer)
		to_sockaddr(&peer->heartbeat, 0, &peer_sa);
	for (unsigned int i = 0; i < RX_BATCH; i++) {
		uint8_t buf[256];
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		const uint8_t *icmp = buf;
		ssize_t n = recvfrom(d->witness_fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fromlen);

		if (n < 0)
			return;
		if (d->cfg.witness.family == AF_INET) {
			size_t ihl = (size_t)(buf[0] & 0x0f) * 4;

			if ((size_t)n < ihl + 8)
				continue;
			icmp = buf + ihl;
			n -= (ssize_t)ihl;
			if (icmp[0] != ICMP_ECHOREPLY)
				continue;
		} else if (n < 8 || icmp[0] != ICMP6_ECHO_REPLY) {
			continue;
		}
		if ((size_t)n != 8 + sizeof(d->echoes[0].payload))
			continue;
		for (unsigned int j = 0; j < IPTOD_ECHOES; j++) {
			const struct iptod_echo *e = &d->echoes[j];

			if (sodium_memcmp(icmp + 8, e->payload, sizeof(e->payload)))
				continue;
			if (!e->to_peer && same_host(&from, &witness))
				d->witness_ok_ms = now_ms;
			else if (e->to_peer && peer && same_host(&from, &peer_sa))
				d->peer_echo_ms = now_ms;
			break;
		}
	}
}
