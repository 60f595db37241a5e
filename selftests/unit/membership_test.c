// SPDX-License-Identifier: GPL-2.0
/*
 * membership_test.c - cmocka unit tests of iptod's quorum lease
 * (userland/iptod/membership.c, "The quorum lease" in iptod(8)), with the
 * test's own clock in place of iptod_now_ms().  This file owns:
 *   - acknowledgements, carried by real heartbeats between daemons of this
 *     process over loopback (127.0.0.1, .2, .3): an ack counts only for a
 *     heartbeat this daemon sent, at the time read before sending it;
 *   - the lease's end: the need-th latest of the peers' ack + dead time,
 *     less interval / 4, need being the votes this node lacks for a
 *     majority; 0 without enough acks;
 *   - two nodes: no limit without a witness; with one, the witness votes
 *     only once the peer is found dead, and in a tie only for the lower id.
 * iptod's log and events are replaced here by counters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <poll.h>
#include <unistd.h>

#include "iptod.h"

#define INTERVAL_MS	100u
#define MISSES		3u
#define DEAD_MS		(INTERVAL_MS * MISSES)
#define MARGIN_MS	(INTERVAL_MS / 4)

/* ---- what iptod.c and log.c would give ---- */

static uint64_t fake_now_ms = 1000;
static unsigned int logged, events;

uint64_t iptod_now_ms(void)
{
	return fake_now_ms;
}

void iptod_log(int priority, const char *const *fields, const char *fmt, ...)
{
	(void)priority;
	(void)fields;
	(void)fmt;
	logged++;
}

/* conns.c's entry points, which membership.c calls: counted. */
static unsigned int sync_received, peers_alive;
static struct iptod_peer *sync_peer;

void iptod_conns_receive(struct iptod *d, struct iptod_peer *p, const uint8_t *buf, size_t len,
			 uint64_t now_ms)
{
	(void)d;
	(void)buf;
	(void)len;
	(void)now_ms;
	sync_peer = p;
	sync_received++;
}

void iptod_conns_peer_alive(struct iptod_peer *p)
{
	(void)p;
	peers_alive++;
}

void iptod_conns_peer_free(struct iptod_peer *p)
{
	(void)p;
}

void iptod_event(struct iptod *d, int priority, const char *const *fields, const char *fmt, ...)
{
	(void)d;
	(void)priority;
	(void)fields;
	(void)fmt;
	events++;
}

/* ---- daemons over loopback ---- */

static unsigned int port;

/* Daemon @self of three nodes 127.0.0.1..3, heartbeats on loopback. */
static struct iptod *daemon_new(unsigned int self, uint64_t boot)
{
	char path[] = "/tmp/membership_test.XXXXXX", err[512];
	struct iptod *d = calloc(1, sizeof(*d));
	FILE *f;
	int fd;

	assert_non_null(d);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "[cluster]\ndevice = ipto0\nlink = lo\nnode = n%u\nport = %u\n"
		"interval_ms = %u\nmisses = %u\n", self, port, INTERVAL_MS, MISSES);
	for (unsigned int i = 1; i <= 3; i++)
		fprintf(f, "[node n%u]\nid = %u\nheartbeat = 10.8.0.%u\naddresses = 10.9.0.%u\n",
			i, i, i, i);
	fclose(f);
	if (iptod_config_load(path, true, &d->cfg, err, sizeof(err)) < 0)
		fail_msg("config: %s", err);
	unlink(path);
	/* Loopback, which the parser rightly refuses for a real cluster. */
	for (unsigned int i = 0; i < d->cfg.nnodes; i++)
		d->cfg.nodes[i].heartbeat.v4.s_addr = htonl(0x7f000000 | d->cfg.nodes[i].id);
	d->boot = boot;
	d->challenge = 0x1000 * self + boot;
	d->hb_fd = d->witness_fd = -1;
	if (iptod_membership_open(d, err, sizeof(err)) < 0)
		fail_msg("membership: %s", err);
	assert_int_equal(iptod_membership_peers(d, NULL, 0), 0);
	return d;
}

static void daemon_free(struct iptod *d)
{
	iptod_membership_close(d);
	iptod_config_free(&d->cfg);
	free(d);
}

static struct iptod_peer *peer(struct iptod *d, uint32_t id)
{
	for (unsigned int i = 0; i < d->npeers; i++)
		if (d->peers[i].id == id)
			return &d->peers[i];
	fail_msg("no peer %u", id);
	return NULL;
}

/* d takes what reached it: waits for the first datagram, then reads. */
static void deliver(struct iptod *d)
{
	struct pollfd fds[IPTO_NODES_MAX + 1];
	unsigned int n = iptod_membership_pollfds(d, fds, IPTO_NODES_MAX + 1);

	assert_true(poll(fds, n, 2000) > 0);
	iptod_membership_receive(d, fds, n, fake_now_ms);
}

/* @from sends its heartbeats (to every peer); @to takes what reached it. */
static void beat(struct iptod *from, struct iptod *to)
{
	iptod_membership_send(from);
	deliver(to);
}

/* Sends a heartbeat from the socket of @from, made by hand. */
static void forge(struct iptod *from, const struct iptod_heartbeat *hb, struct iptod *to)
{
	struct iptod_peer *p = peer(from, to->cfg.self);
	uint8_t buf[IPTOD_HB_MAX_LEN];
	size_t len = iptod_hb_encode(hb, &from->key, buf);

	assert_int_equal(sendto(from->hb_fd, buf, len, 0, (struct sockaddr *)&p->sa, p->salen),
			 (ssize_t)len);
}

/* A sync ACK's framing (conn_sync.h), as node sender to node receiver. */
static size_t sync_frame(uint8_t *buf, uint32_t sender, uint32_t receiver)
{
	memset(buf, 0, CONN_SYNC_ACK_LEN);
	memcpy(buf, CONN_SYNC_MAGIC, 4);
	buf[4] = CONN_SYNC_VERSION;
	buf[5] = CONN_SYNC_ACK;
	buf[8 + 3] = (uint8_t)sender;
	buf[12 + 3] = (uint8_t)receiver;
	return CONN_SYNC_ACK_LEN;
}

static int setup(void **state)
{
	(void)state;
	port = 20000 + (unsigned int)getpid() % 20000;
	fake_now_ms = 1000;
	return 0;
}

/* ---- acks over the wire ---- */

static void test_acks_make_the_end(void **state)
{
	struct iptod *a = daemon_new(1, 1), *b = daemon_new(2, 1), *c = daemon_new(3, 1);

	(void)state;
	assert_int_equal(iptod_membership_lease_end(a), 0);	/* nothing heard */

	/* Round 1: each learns the others' challenges; nothing is taken yet. */
	beat(a, b);	/* seq 1 at 1000 */
	beat(b, a);
	assert_true(peer(a, 2)->heard);
	assert_int_equal(peer(a, 2)->ack_ms, 0);	/* b took nothing of a yet */
	assert_int_equal(iptod_membership_lease_end(a), 0);

	/* Round 2: b takes a's seq 2 (sent at 1100) and acknowledges it. */
	fake_now_ms = 1100;
	beat(a, b);
	fake_now_ms = 1180;
	beat(b, a);
	assert_int_equal(peer(a, 2)->ack_ms, 1100);
	/* 3 nodes: a lacks one vote, the latest ack end gives it. */
	assert_int_equal(iptod_membership_lease_end(a), 1100 + DEAD_MS - MARGIN_MS);

	/* c acknowledges a later heartbeat: the latest end counts. */
	beat(c, a);
	fake_now_ms = 1200;
	beat(a, c);	/* seq 3 at 1200, to b too */
	deliver(b);
	beat(c, a);
	assert_int_equal(peer(a, 3)->ack_ms, 1200);
	assert_int_equal(iptod_membership_lease_end(a), 1200 + DEAD_MS - MARGIN_MS);

	/* b acknowledges seq 3 too; an older ack never moves an end back. */
	beat(b, a);
	assert_int_equal(peer(a, 2)->ack_ms, 1200);
	peer(a, 2)->ack_ms = 5000;
	beat(b, a);	/* acks seq 3 again */
	assert_int_equal(peer(a, 2)->ack_ms, 5000);
	daemon_free(a);
	daemon_free(b);
	daemon_free(c);
}

/*
 * A datagram with the sync magic goes to conns.c, not to the heartbeat
 * codec; with its peer only when it came from that peer's address.
 */
static void test_sync_datagrams_demuxed(void **state)
{
	struct iptod *a = daemon_new(1, 1), *b = daemon_new(2, 1);
	struct iptod_peer *to_a = peer(b, 1);
	uint8_t buf[CONN_SYNC_MAX_LEN];
	size_t len;

	(void)state;
	sync_received = 0;
	len = sync_frame(buf, 2, 1);
	assert_int_equal(sendto(b->hb_fd, buf, len, 0, (struct sockaddr *)&to_a->sa,
				to_a->salen), (ssize_t)len);
	deliver(a);
	assert_int_equal(sync_received, 1);
	assert_ptr_equal(sync_peer, peer(a, 2));
	for (int v = 0; v < IPTOD_HB_NVERDICTS; v++)
		assert_int_equal(a->rx[v], 0);	/* no heartbeat, good or bad */

	/* Naming node 3 from node 2's address: no peer. */
	len = sync_frame(buf, 3, 1);
	assert_int_equal(sendto(b->hb_fd, buf, len, 0, (struct sockaddr *)&to_a->sa,
				to_a->salen), (ssize_t)len);
	deliver(a);
	assert_int_equal(sync_received, 2);
	assert_null(sync_peer);
	daemon_free(a);
	daemon_free(b);
}

/* An ack of a seq this daemon never sent, or of another run's, is no ack. */
static void test_forged_acks_ignored(void **state)
{
	struct iptod *a = daemon_new(1, 1), *b = daemon_new(2, 1);
	struct iptod_heartbeat hb = { 0 };

	(void)state;
	beat(a, b);
	beat(b, a);	/* a knows b's challenge, b a's */
	assert_int_equal(a->seq, 1);

	hb.flags = IPTOD_HB_FIT | IPTOD_HB_QUORUM;
	hb.node = 2;
	hb.boot = b->boot;
	hb.challenge = b->challenge;
	hb.echo = a->challenge;
	hb.seq = 100;
	hb.ack = 99;		/* never sent */
	forge(b, &hb, a);
	deliver(a);
	assert_int_equal(a->rx[IPTOD_HB_OK], 2);	/* taken... */
	assert_int_equal(peer(a, 2)->ack_ms, 0);	/* ...but not its ack */

	/* Seq 1's sending time is forgotten once IPTOD_SENT more went out. */
	for (unsigned int i = 0; i < IPTOD_SENT; i++) {
		fake_now_ms++;
		iptod_membership_send(a);
	}
	hb.seq = 101;
	hb.ack = 1;
	forge(b, &hb, a);
	deliver(a);
	assert_int_equal(peer(a, 2)->ack_ms, 0);
	assert_int_equal(iptod_membership_lease_end(a), 0);
	/* The newest is known: sent at fake_now_ms. */
	hb.seq = 102;
	hb.ack = a->seq;
	forge(b, &hb, a);
	deliver(a);
	assert_int_equal(peer(a, 2)->ack_ms, fake_now_ms);
	daemon_free(a);
	daemon_free(b);
}

/* ---- the end, from acks set by hand ---- */

static struct iptod *cluster(unsigned int nnodes, uint32_t self)
{
	struct iptod *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	d->cfg.nnodes = nnodes;
	d->cfg.self = self;
	d->cfg.interval_ms = INTERVAL_MS;
	d->cfg.misses = MISSES;
	d->witness_fd = -1;
	d->peers = calloc(nnodes, sizeof(*d->peers));
	assert_non_null(d->peers);
	for (uint32_t id = 1; id <= nnodes; id++)
		if (id != self)
			d->peers[d->npeers++].id = id;
	return d;
}

static void cluster_free(struct iptod *d)
{
	free(d->peers);
	free(d);
}

static void test_majority_of_five(void **state)
{
	struct iptod *d = cluster(5, 1);
	const uint64_t acks[4] = { 1000, 1300, 0, 1200 };

	(void)state;
	for (unsigned int i = 0; i < 4; i++)
		d->peers[i].ack_ms = acks[i];
	/* 5 nodes: a majority is 3, this node and two peers: the 2nd latest. */
	assert_int_equal(iptod_membership_lease_end(d), 1200 + DEAD_MS - MARGIN_MS);
	d->peers[3].ack_ms = 0;
	assert_int_equal(iptod_membership_lease_end(d), 1000 + DEAD_MS - MARGIN_MS);
	d->peers[0].ack_ms = 0;
	assert_int_equal(iptod_membership_lease_end(d), 0);
	cluster_free(d);
}

static void test_two_nodes(void **state)
{
	struct iptod *d = cluster(2, 2);

	(void)state;
	/* No witness: no protection, no limit. */
	assert_true(iptod_membership_lease_end(d) == UINT64_MAX);

	d->witness_fd = 0;	/* a witness (only whether there is one counts) */
	d->witness_up = true;
	d->peers[0].alive = true;
	d->peers[0].ack_ms = 1000;
	/* The peer is alive: only its acks count, the witness does not vote. */
	assert_int_equal(iptod_membership_lease_end(d), 1000 + DEAD_MS - MARGIN_MS);
	d->peers[0].ack_ms = 0;
	assert_int_equal(iptod_membership_lease_end(d), 0);

	/* Found dead: the witness votes, while it answers. */
	d->peers[0].alive = false;
	assert_true(iptod_membership_lease_end(d) == UINT64_MAX);
	d->witness_up = false;
	assert_int_equal(iptod_membership_lease_end(d), 0);

	/* A tie: only the lower id (the peer, 1, here) gets the witness's vote. */
	d->witness_up = true;
	d->tie = true;
	assert_int_equal(iptod_membership_lease_end(d), 0);
	d->cfg.self = 1;
	d->peers[0].id = 2;
	assert_true(iptod_membership_lease_end(d) == UINT64_MAX);
	cluster_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_acks_make_the_end, setup),
		cmocka_unit_test_setup(test_forged_acks_ignored, setup),
		cmocka_unit_test_setup(test_sync_datagrams_demuxed, setup),
		cmocka_unit_test(test_majority_of_five),
		cmocka_unit_test(test_two_nodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
