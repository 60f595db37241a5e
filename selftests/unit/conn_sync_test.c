// SPDX-License-Identifier: GPL-2.0
/*
 * conn_sync_test.c - cmocka unit tests of iptod's connection sync protocol,
 * userland/iptod/conn_sync.c.  This file owns:
 *   - a golden DATA and its ACK, written out field by field at the offsets
 *     conn_sync.h documents, with MACs computed independently (Python
 *     hmac), that pin the wire format;
 *   - a simulated link between one sender and one receiver (drops, reorder,
 *     duplicates, a clock), and round trips of full lists and changes over
 *     it: clean, every other datagram lost, one lost (recovered without
 *     waiting), reordered, random faults;
 *   - refusals, each leaving the receiver (or sender) as it was: every bit
 *     flip, a wrong key, the wrong receiver or sender, every truncation and
 *     extension, forged fields under a valid MAC, replays, gaps, the limit;
 *   - restarts of either side, the receiver's loss of the stream, outbox
 *     overflow, the sender's bound, how much a lost peer is sent;
 *   - 100,000 connections synced and found again, timed.
 * Datagrams are always handed over as heap copies of exactly their length,
 * so that AddressSanitizer sees any read beyond it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <time.h>

#include <sodium.h>

#include "conn_sync.h"

#define RESEND_MS	200
#define TICK_MS		10
#define BATCH		64
#define NLOCAL		4
#define MAX_ROUNDS	200000

/* ---- golden messages ---- */

static const uint64_t golden_boot = 0x0102030405060708ULL;

/*
 * Node 2 to node 3, boot golden_boot, stream 1, seq 2: add the IPv6
 * connection [2001:db8::1]:443 <- [2001:db8::beef]:40000, then remove the
 * IPv4 connection 10.0.0.1:80 <- 192.0.2.7:51000; the MAC from Python's
 * hmac module under golden_key().
 */
static const uint8_t golden_data[] = {
	/*  0 magic */ 0x49, 0x50, 0x54, 0x43,
	/*  4 version */ 0x01,
	/*  5 type DATA */ 0x01,
	/*  6 count */ 0x00, 0x02,
	/*  8 sender */ 0x00, 0x00, 0x00, 0x02,
	/* 12 receiver */ 0x00, 0x00, 0x00, 0x03,
	/* 16 boot */ 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	/* 24 stream */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	/* 32 seq */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	/* 40 entry 0: op add, family 6, zero, lport 443, rport 40000 */
	0x01, 0x06, 0x00, 0x00, 0x01, 0xbb, 0x9c, 0x40,
	/* 48 local */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	/* 64 remote */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xbe, 0xef,
	/* 80 entry 1: op remove, family 4, zero, lport 80, rport 51000 */
	0x02, 0x04, 0x00, 0x00, 0x00, 0x50, 0xc7, 0x38,
	/* 88 local */
	0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 104 remote */
	0xc0, 0x00, 0x02, 0x07, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 120 HMAC-SHA256 */
	0x1f, 0x64, 0xe1, 0xb1, 0xe5, 0x66, 0x91, 0x34, 0x05, 0x84, 0x5a, 0xc5,
	0xce, 0xcd, 0x5f, 0x48, 0xe3, 0x71, 0x40, 0x7c, 0x90, 0x78, 0x20, 0x25,
	0xb5, 0x1c, 0xab, 0xba, 0xc8, 0x09, 0x0f, 0xcd,
};

/* Node 3's ACK of it: boot golden_boot, stream 1, seq 2. */
static const uint8_t golden_ack[] = {
	/*  0 magic */ 0x49, 0x50, 0x54, 0x43,
	/*  4 version */ 0x01,
	/*  5 type ACK */ 0x02,
	/*  6 count */ 0x00, 0x00,
	/*  8 sender */ 0x00, 0x00, 0x00, 0x03,
	/* 12 receiver */ 0x00, 0x00, 0x00, 0x02,
	/* 16 boot */ 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	/* 24 stream */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	/* 32 seq */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	/* 40 HMAC-SHA256 */
	0x9b, 0xd8, 0xa3, 0x34, 0x5a, 0x29, 0x44, 0xfd, 0x4e, 0x7a, 0xdb, 0x85,
	0xb5, 0xca, 0x86, 0x73, 0x6c, 0xc6, 0x88, 0x7c, 0x1e, 0x4c, 0xbc, 0x2f,
	0x8f, 0x31, 0x9d, 0xd8, 0x0c, 0x5e, 0xae, 0xb0,
};

/* ---- helpers ---- */

static struct iptod_key test_key(uint8_t fill)
{
	struct iptod_key key;

	for (size_t i = 0; i < sizeof(key.bytes); i++)
		key.bytes[i] = (uint8_t)(fill + 37 * i);
	return key;
}

static struct iptod_key golden_key(void)
{
	return test_key(11);
}

/* splitmix64, as heartbeat_test.c */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rng_below(unsigned int n)
{
	return (unsigned int)(rng_next() % n);
}

static void local_of(unsigned int l, uint8_t *family, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (l < NLOCAL / 2) {
		*family = 4;
		addr[0] = 10;
		addr[3] = (uint8_t)(1 + l);
	} else {
		*family = 6;
		addr[0] = 0x20;
		addr[1] = 0x01;
		addr[2] = 0x0d;
		addr[3] = 0xb8;
		addr[15] = (uint8_t)(1 + l);
	}
}

/*
 * Connection number i (below 2^24): one of NLOCAL local addresses, the
 * number in the remote address (so that it can be read back).
 */
static struct conn_sync_conn make_conn(uint32_t i)
{
	struct conn_sync_conn c;
	unsigned int l = i % NLOCAL;

	memset(&c, 0, sizeof(c));
	local_of(l, &c.family, c.local);
	if (c.family == 4) {
		c.remote[0] = 100;
		c.remote[1] = (uint8_t)(i >> 16);
		c.remote[2] = (uint8_t)(i >> 8);
		c.remote[3] = (uint8_t)i;
	} else {
		c.remote[0] = 0xfd;
		c.remote[12] = (uint8_t)(i >> 24);
		c.remote[13] = (uint8_t)(i >> 16);
		c.remote[14] = (uint8_t)(i >> 8);
		c.remote[15] = (uint8_t)i;
	}
	c.lport = (uint16_t)(80 + l);
	c.rport = (uint16_t)(1024 + i % 60000);
	return c;
}

static uint32_t conn_number(const struct conn_sync_conn *c)
{
	const uint8_t *r = c->remote;

	if (c->family == 4)
		return (uint32_t)r[1] << 16 | (uint32_t)r[2] << 8 | r[3];
	return (uint32_t)r[12] << 24 | (uint32_t)r[13] << 16 | (uint32_t)r[14] << 8 | r[15];
}

static bool conn_same(const struct conn_sync_conn *a, const struct conn_sync_conn *b)
{
	return a->family == b->family && a->lport == b->lport && a->rport == b->rport &&
	       !memcmp(a->local, b->local, 16) && !memcmp(a->remote, b->remote, 16);
}

/* The expected list: present[i] for connection i, i < n. */
struct model {
	bool *present;
	size_t n;
	size_t count;
};

static void model_init(struct model *m, size_t n)
{
	m->present = calloc(n ? n : 1, sizeof(bool));
	assert_non_null(m->present);
	m->n = n;
	m->count = 0;
}

static void model_free(struct model *m)
{
	free(m->present);
	m->present = NULL;
}

/* Sets connection i in the model and at the sender. */
static void model_set(struct model *m, struct conn_sync_tx *tx, uint32_t i, bool on)
{
	struct conn_sync_conn c = make_conn(i);

	assert_true(i < m->n);
	assert_int_equal(conn_sync_tx_change(tx, &c, on), 0);
	if (m->present[i] != on)
		m->count += on ? 1 : (size_t)-1;
	m->present[i] = on;
	assert_int_equal(conn_sync_tx_count(tx), m->count);
}

/* The model's connections as an array (for restart and update). */
static struct conn_sync_conn *model_list(const struct model *m, size_t *n)
{
	struct conn_sync_conn *all = malloc((m->count ? m->count : 1) * sizeof(*all));

	assert_non_null(all);
	*n = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->present[i])
			all[(*n)++] = make_conn((uint32_t)i);
	return all;
}

/* The receiver has exactly the model's list, found through conns_of. */
static void assert_rx_is(const struct conn_sync_rx *rx, const struct model *m)
{
	size_t cap = conn_sync_rx_count(rx) + 1, total = 0;
	struct conn_sync_conn *out = malloc(cap * sizeof(*out));
	bool *seen = calloc(m->n ? m->n : 1, sizeof(bool));

	assert_non_null(out);
	assert_non_null(seen);
	assert_int_equal(conn_sync_rx_count(rx), m->count);
	for (unsigned int l = 0; l < NLOCAL; l++) {
		uint8_t family, addr[16];
		size_t n;

		local_of(l, &family, addr);
		n = conn_sync_rx_conns_of(rx, family, addr, out, cap);
		assert_true(n <= cap);
		for (size_t k = 0; k < n; k++) {
			uint32_t i = conn_number(&out[k]);
			struct conn_sync_conn want;

			if (i >= m->n || !m->present[i] || seen[i])
				fail_msg("receiver has connection %u, which it should not", i);
			want = make_conn(i);
			assert_true(conn_same(&out[k], &want));
			seen[i] = true;
			total++;
		}
	}
	assert_int_equal(total, m->count);
	free(seen);
	free(out);
}

static enum conn_sync_verdict give_data(struct conn_sync_rx *rx, const struct iptod_key *key,
					const uint8_t *buf, size_t len, uint8_t *ack,
					size_t *ack_len)
{
	enum conn_sync_verdict v;
	uint8_t *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	if (len)
		memcpy(copy, buf, len);
	v = conn_sync_rx_data(rx, key, copy, len, ack, ack_len);
	free(copy);
	return v;
}

static enum conn_sync_verdict give_ack(struct conn_sync_tx *tx, const struct iptod_key *key,
				       const uint8_t *buf, size_t len)
{
	enum conn_sync_verdict v;
	uint8_t *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	if (len)
		memcpy(copy, buf, len);
	v = conn_sync_tx_ack(tx, key, copy, len);
	free(copy);
	return v;
}

/* Recomputes the MAC of a forged message. */
static void reseal(uint8_t *buf, size_t len, const struct iptod_key *key)
{
	crypto_auth_hmacsha256(buf + len - CONN_SYNC_MAC_LEN, buf, len - CONN_SYNC_MAC_LEN,
			       key->bytes);
}

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* ---- the simulated link: one sender (node 1) and one receiver (node 2) ---- */

struct dgram {
	uint8_t buf[CONN_SYNC_MAX_LEN];
	size_t len;
};

struct link {
	struct conn_sync_tx *tx;
	struct conn_sync_rx *rx;
	struct iptod_key key;
	uint64_t now;
	/* faults */
	bool alternate;		/* drop every other datagram, each direction */
	bool reverse;		/* deliver each round's datagrams backwards */
	unsigned int drop_pct;	/* random drops */
	unsigned int dup_pct;	/* random duplicates */
	bool shuffle;		/* random order within a round */
	bool cut;		/* nothing gets through */
	unsigned int drop_nth;	/* DATA number drop_nth (from 1) is lost */
	unsigned int fwd_count, back_count, fwd_nth;
	/* what went over it */
	uint64_t data_sent;
	uint64_t acks_sent;
	uint64_t verdicts[CONN_SYNC_NVERDICTS];
};

static void link_init(struct link *l, uint64_t boot, size_t max_conns)
{
	memset(l, 0, sizeof(*l));
	l->key = test_key(42);
	l->tx = conn_sync_tx_new(1, 2, boot);
	l->rx = conn_sync_rx_new(2, 1, max_conns);
	assert_non_null(l->tx);
	assert_non_null(l->rx);
	l->now = 1000;
}

static void link_free(struct link *l)
{
	conn_sync_tx_free(l->tx);
	conn_sync_rx_free(l->rx);
}

static bool link_drops(struct link *l, unsigned int *counter)
{
	if (l->cut)
		return true;
	if (counter == &l->fwd_count && l->drop_nth && ++l->fwd_nth == l->drop_nth)
		return true;
	if (l->alternate && (*counter)++ % 2)
		return true;
	return l->drop_pct && rng_below(100) < l->drop_pct;
}

static void order(const struct link *l, size_t *idx, size_t n)
{
	for (size_t i = 0; i < n; i++)
		idx[i] = l->reverse ? n - 1 - i : i;
	if (l->shuffle)
		for (size_t i = n; i > 1; i--) {
			size_t j = rng_below((unsigned int)i), t = idx[i - 1];

			idx[i - 1] = idx[j];
			idx[j] = t;
		}
}

/*
 * One round: what the sender has to send goes to the receiver, the ACKs go
 * back, each subject to the faults; then the clock advances.  Returns the
 * DATA sent.
 */
static size_t link_round(struct link *l)
{
	static uint8_t bufs[BATCH][CONN_SYNC_MAX_LEN];
	static struct dgram acks[2 * BATCH];
	size_t lens[BATCH], idx[2 * BATCH], n, nacks = 0;

	n = conn_sync_tx_pending(l->tx, &l->key, l->now, RESEND_MS, bufs, lens, BATCH);
	assert_true(n <= BATCH);
	l->data_sent += n;
	order(l, idx, n);
	for (size_t k = 0; k < n; k++) {
		size_t i = idx[k];
		int copies = 1 + (l->dup_pct && rng_below(100) < l->dup_pct);

		for (int c = 0; c < copies; c++) {
			enum conn_sync_verdict v;

			if (link_drops(l, &l->fwd_count))
				continue;
			v = give_data(l->rx, &l->key, bufs[i], lens[i], acks[nacks].buf,
				      &acks[nacks].len);
			l->verdicts[v]++;
			if (v != CONN_SYNC_OK && v != CONN_SYNC_REPLAY && v != CONN_SYNC_GAP &&
			    v != CONN_SYNC_OVER_LIMIT)
				fail_msg("DATA seq %llu: %s",
					 (unsigned long long)be64_at(bufs[i] + 32),
					 conn_sync_verdict_name(v));
			assert_int_equal(acks[nacks].len, CONN_SYNC_ACK_LEN);
			nacks++;
		}
	}
	order(l, idx, nacks);
	for (size_t k = 0; k < nacks; k++) {
		enum conn_sync_verdict v;

		l->acks_sent++;
		if (link_drops(l, &l->back_count))
			continue;
		v = give_ack(l->tx, &l->key, acks[idx[k]].buf, acks[idx[k]].len);
		if (v != CONN_SYNC_OK && v != CONN_SYNC_OTHER_STREAM)
			fail_msg("ACK: %s", conn_sync_verdict_name(v));
	}
	l->now += TICK_MS;
	return n;
}

/* Rounds until the sender has nothing outstanding; returns how many. */
static unsigned int link_settle(struct link *l)
{
	unsigned int rounds = 0;

	while (conn_sync_tx_outbox(l->tx)) {
		if (++rounds > MAX_ROUNDS)
			fail_msg("no convergence in %u rounds (outbox %zu)", MAX_ROUNDS,
				 conn_sync_tx_outbox(l->tx));
		link_round(l);
	}
	return rounds;
}

/* The one DATA the sender has now (there must be exactly one). */
static size_t take_one(struct conn_sync_tx *tx, const struct iptod_key *key, uint64_t now,
		       uint8_t *buf)
{
	uint8_t bufs[2][CONN_SYNC_MAX_LEN];
	size_t lens[2];

	assert_int_equal(conn_sync_tx_pending(tx, key, now, RESEND_MS, bufs, lens, 2), 1);
	memcpy(buf, bufs[0], lens[0]);
	return lens[0];
}

/* The receiver's state, to see that a refusal changed nothing. */
struct rx_state {
	size_t count;
	bool have;
	uint64_t boot, stream, seq;
	uint64_t streams;
};

static struct rx_state rx_state(const struct conn_sync_rx *rx)
{
	struct rx_state s;

	memset(&s, 0, sizeof(s));
	s.count = conn_sync_rx_count(rx);
	s.have = conn_sync_rx_stream(rx, &s.boot, &s.stream, &s.seq);
	s.streams = conn_sync_rx_stats(rx)->streams;
	return s;
}

static void assert_rx_state(const struct conn_sync_rx *rx, const struct rx_state *want)
{
	struct rx_state s = rx_state(rx);

	assert_memory_equal(&s, want, sizeof(s));
}

/* ---- tests ---- */

static void test_golden(void **state)
{
	struct iptod_key key = golden_key();
	struct conn_sync_conn v4, v6;
	struct conn_sync_tx *tx;
	struct conn_sync_rx *rx;
	uint8_t buf[CONN_SYNC_MAX_LEN], ack[CONN_SYNC_MAX_LEN];
	size_t len, ack_len;
	uint64_t boot, stream, seq;

	(void)state;
	memset(&v4, 0, sizeof(v4));
	v4.family = 4;
	memcpy(v4.local, "\x0a\x00\x00\x01", 4);
	memcpy(v4.remote, "\xc0\x00\x02\x07", 4);
	v4.lport = 80;
	v4.rport = 51000;
	memset(&v6, 0, sizeof(v6));
	v6.family = 6;
	memcpy(v6.local, "\x20\x01\x0d\xb8", 4);
	v6.local[15] = 1;
	memcpy(v6.remote, "\x20\x01\x0d\xb8", 4);
	v6.remote[14] = 0xbe;
	v6.remote[15] = 0xef;
	v6.lport = 443;
	v6.rport = 40000;

	tx = conn_sync_tx_new(2, 3, golden_boot);
	rx = conn_sync_rx_new(3, 2, 0);
	assert_non_null(tx);
	assert_non_null(rx);
	/* seq 1: the whole list */
	assert_int_equal(conn_sync_tx_restart(tx, &v4, 1), 0);
	len = take_one(tx, &key, 0, buf);
	assert_int_equal(len, CONN_SYNC_HEADER_LEN + CONN_SYNC_ENTRY_LEN + CONN_SYNC_MAC_LEN);
	assert_int_equal(give_data(rx, &key, buf, len, ack, &ack_len), CONN_SYNC_OK);
	assert_int_equal(give_ack(tx, &key, ack, ack_len), CONN_SYNC_OK);
	assert_int_equal(conn_sync_tx_outbox(tx), 0);

	/* seq 2: two changes */
	assert_int_equal(conn_sync_tx_change(tx, &v6, true), 0);
	assert_int_equal(conn_sync_tx_change(tx, &v4, false), 0);
	len = take_one(tx, &key, 1, buf);
	assert_int_equal(len, sizeof(golden_data));
	assert_memory_equal(buf, golden_data, len);

	assert_int_equal(give_data(rx, &key, golden_data, sizeof(golden_data), ack, &ack_len),
			 CONN_SYNC_OK);
	assert_int_equal(ack_len, sizeof(golden_ack));
	assert_memory_equal(ack, golden_ack, ack_len);
	assert_true(conn_sync_rx_stream(rx, &boot, &stream, &seq));
	assert_true(boot == golden_boot && stream == 1 && seq == 2);
	assert_int_equal(conn_sync_rx_count(rx), 1);
	assert_int_equal(give_ack(tx, &key, golden_ack, sizeof(golden_ack)), CONN_SYNC_OK);
	assert_int_equal(conn_sync_tx_outbox(tx), 0);
	conn_sync_tx_free(tx);
	conn_sync_rx_free(rx);
}

static void test_round_trip(void **state)
{
	struct link l;
	struct model m;
	struct conn_sync_conn *all, out[4];
	size_t n;
	uint8_t family, addr[16];

	(void)state;
	rng_state = 1;
	link_init(&l, 7, 0);
	model_init(&m, 3000);
	/* an empty list: seq 1 with count 0 */
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	assert_int_equal(conn_sync_rx_stats(l.rx)->streams, 1);

	/* the whole list */
	for (uint32_t i = 0; i < 1000; i++)
		m.present[i] = true;
	m.count = 1000;
	all = model_list(&m, &n);
	assert_int_equal(conn_sync_tx_restart(l.tx, all, n), 0);
	free(all);
	link_settle(&l);
	assert_rx_is(l.rx, &m);

	/* changes one by one, each settled or not */
	for (int round = 0; round < 20; round++) {
		for (int k = 0; k < 50; k++) {
			uint32_t i = rng_below(3000);

			model_set(&m, l.tx, i, !m.present[i]);
		}
		if (round % 3)
			link_round(&l);
		else
			link_settle(&l);
	}
	link_settle(&l);
	assert_rx_is(l.rx, &m);

	/* conn_sync_tx_update: the new list, as a periodic scan finds it */
	for (uint32_t i = 0; i < 3000; i++)
		m.present[i] = i % 3 == 0 || (i > 2500 && i % 2);
	m.count = 0;
	for (uint32_t i = 0; i < 3000; i++)
		m.count += m.present[i];
	all = model_list(&m, &n);
	assert_int_equal(conn_sync_tx_update(l.tx, all, n), 0);
	assert_int_equal(conn_sync_tx_count(l.tx), m.count);
	/* again: nothing changes, nothing is queued */
	link_settle(&l);
	assert_int_equal(conn_sync_tx_update(l.tx, all, n), 0);
	assert_int_equal(conn_sync_tx_outbox(l.tx), 0);
	free(all);
	assert_rx_is(l.rx, &m);
	/* the empty one, then one stream all along */
	assert_int_equal(conn_sync_rx_stats(l.rx)->streams, 2);
	assert_int_equal(conn_sync_tx_stats(l.tx)->streams, 2);

	/* conns_of: the count of all, at most max written */
	local_of(1, &family, addr);
	memset(out, 0xa5, sizeof(out));
	n = conn_sync_rx_conns_of(l.rx, family, addr, out, 3);
	assert_true(n > 3);
	for (size_t k = 0; k < 3; k++)
		assert_int_equal(conn_number(&out[k]) % NLOCAL, 1);
	assert_int_equal(out[3].family, 0xa5);
	assert_int_equal(conn_sync_rx_conns_of(l.rx, 5, addr, out, 0), 0);
	addr[3] = 99;
	assert_int_equal(conn_sync_rx_conns_of(l.rx, family, addr, out, 4), 0);

	assert_int_equal(l.verdicts[CONN_SYNC_REPLAY] + l.verdicts[CONN_SYNC_GAP], 0);
	model_free(&m);
	link_free(&l);
}

/* Invalid connections are refused by the sender; IPv4 is normalized. */
static void test_tx_input(void **state)
{
	struct link l;
	struct conn_sync_conn c = make_conn(0), bad, out[2];
	uint8_t family, addr[16];

	(void)state;
	link_init(&l, 1, 0);
	bad = c;
	bad.family = 2;	/* AF_INET is not 4 */
	errno = 0;
	assert_int_equal(conn_sync_tx_change(l.tx, &bad, true), -1);
	assert_int_equal(errno, EINVAL);
	bad = c;
	bad.lport = 0;
	assert_int_equal(conn_sync_tx_change(l.tx, &bad, true), -1);
	bad = c;
	bad.rport = 0;
	assert_int_equal(conn_sync_tx_change(l.tx, &bad, true), -1);
	assert_int_equal(conn_sync_tx_stats(l.tx)->refused, 3);
	assert_int_equal(conn_sync_tx_count(l.tx), 0);

	/* the unused bytes of an IPv4 address do not count */
	bad = c;
	memset(bad.local + 4, 0x77, 12);
	memset(bad.remote + 4, 0x66, 12);
	assert_int_equal(conn_sync_tx_change(l.tx, &bad, true), 0);
	assert_int_equal(conn_sync_tx_change(l.tx, &c, true), 0);
	assert_int_equal(conn_sync_tx_count(l.tx), 1);
	link_settle(&l);
	assert_int_equal(conn_sync_rx_count(l.rx), 1);
	local_of(0, &family, addr);
	memset(addr + 4, 0x55, 12);
	assert_int_equal(conn_sync_rx_conns_of(l.rx, family, addr, out, 2), 1);
	assert_true(conn_same(&out[0], &c));

	/* duplicates in a list count once */
	{
		struct conn_sync_conn dup[3] = { c, make_conn(1), c };

		assert_int_equal(conn_sync_tx_restart(l.tx, dup, 3), 0);
		assert_int_equal(conn_sync_tx_count(l.tx), 2);
		dup[1].family = 0;
		errno = 0;
		assert_int_equal(conn_sync_tx_restart(l.tx, dup, 3), -1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(conn_sync_tx_count(l.tx), 1);
	}
	link_settle(&l);
	assert_int_equal(conn_sync_rx_count(l.rx), 1);
	link_free(&l);
}

/* A link with list {0..39} synced, and the next DATA (seq 3) taken. */
static size_t flip_setup(struct link *l, struct model *m, uint8_t *buf)
{
	link_init(l, 99, 0);
	model_init(m, 100);
	for (uint32_t i = 0; i < 40; i++)
		model_set(m, l->tx, i, true);
	link_settle(l);
	for (uint32_t i = 0; i < 10; i++)
		model_set(m, l->tx, i, false);
	link_settle(l);
	/* the next: 14 removals and 14 adds, not yet in the model */
	for (uint32_t i = 10; i < 24; i++) {
		struct conn_sync_conn gone = make_conn(i), added = make_conn(i + 50);

		assert_int_equal(conn_sync_tx_change(l->tx, &gone, false), 0);
		assert_int_equal(conn_sync_tx_change(l->tx, &added, true), 0);
	}
	return take_one(l->tx, &l->key, l->now, buf);
}

/* The verdict a DATA must get once the byte at off is changed. */
static enum conn_sync_verdict verdict_if_changed(size_t off)
{
	/* magic, version, type, count: framing; anything else fails the MAC */
	return off < 8 ? CONN_SYNC_MALFORMED : CONN_SYNC_BAD_MAC;
}

static void test_bit_flips(void **state)
{
	struct link l;
	struct model m;
	uint8_t buf[CONN_SYNC_MAX_LEN], ack[CONN_SYNC_MAX_LEN];
	size_t len, ack_len;
	struct rx_state before;
	unsigned int checked = 0;

	(void)state;
	len = flip_setup(&l, &m, buf);
	/* a full one: 40 + 28 * 40 + 32 */
	assert_int_equal(len, 1192);
	before = rx_state(l.rx);
	for (size_t bit = 0; bit < 8 * len; bit++) {
		enum conn_sync_verdict v;

		buf[bit / 8] ^= 1u << (bit % 8);
		ack_len = 12345;
		v = give_data(l.rx, &l.key, buf, len, ack, &ack_len);
		buf[bit / 8] ^= 1u << (bit % 8);
		if (v != verdict_if_changed(bit / 8))
			fail_msg("bit %zu (byte %zu) flipped: %s, want %s", bit, bit / 8,
				 conn_sync_verdict_name(v),
				 conn_sync_verdict_name(verdict_if_changed(bit / 8)));
		assert_int_equal(ack_len, 0);
		assert_rx_state(l.rx, &before);
		if (bit % 97 == 0)
			assert_rx_is(l.rx, &m);
		checked++;
	}
	assert_rx_is(l.rx, &m);
	assert_int_equal(conn_sync_rx_stats(l.rx)->verdicts[CONN_SYNC_MALFORMED], 64);
	assert_int_equal(conn_sync_rx_stats(l.rx)->verdicts[CONN_SYNC_BAD_MAC], 8 * len - 64);
	print_message("DATA bit flips: %u refused\n", checked);

	/* the message itself is fine */
	assert_int_equal(give_data(l.rx, &l.key, buf, len, ack, &ack_len), CONN_SYNC_OK);
	for (uint32_t i = 10; i < 24; i++) {
		m.present[i] = false;
		m.present[i + 50] = true;
	}
	assert_rx_is(l.rx, &m);

	/* and its ACK: every flip refused by the sender, nothing changed */
	{
		uint64_t boot, stream, acked, boot2, stream2, acked2;
		size_t outbox = conn_sync_tx_outbox(l.tx);

		conn_sync_tx_stream(l.tx, &boot, &stream, &acked);
		for (size_t bit = 0; bit < 8 * ack_len; bit++) {
			enum conn_sync_verdict v;

			ack[bit / 8] ^= 1u << (bit % 8);
			v = give_ack(l.tx, &l.key, ack, ack_len);
			ack[bit / 8] ^= 1u << (bit % 8);
			if (v != verdict_if_changed(bit / 8))
				fail_msg("ACK bit %zu flipped: %s", bit, conn_sync_verdict_name(v));
			conn_sync_tx_stream(l.tx, &boot2, &stream2, &acked2);
			assert_true(boot2 == boot && stream2 == stream && acked2 == acked);
			assert_int_equal(conn_sync_tx_outbox(l.tx), outbox);
		}
		assert_int_equal(give_ack(l.tx, &l.key, ack, ack_len), CONN_SYNC_OK);
		assert_int_equal(conn_sync_tx_outbox(l.tx), 0);
	}
	model_free(&m);
	link_free(&l);
}

static void test_wrong_key(void **state)
{
	struct link l;
	struct model m;
	struct iptod_key other = test_key(43), near, zero;
	uint8_t buf[CONN_SYNC_MAX_LEN], ack[CONN_SYNC_MAX_LEN];
	size_t len, ack_len;
	struct rx_state before;

	(void)state;
	len = flip_setup(&l, &m, buf);
	before = rx_state(l.rx);
	assert_int_equal(give_data(l.rx, &other, buf, len, ack, &ack_len), CONN_SYNC_BAD_MAC);
	near = l.key;
	for (size_t bit = 0; bit < 8 * sizeof(near.bytes); bit++) {
		near.bytes[bit / 8] ^= 1u << (bit % 8);
		assert_int_equal(give_data(l.rx, &near, buf, len, ack, &ack_len),
				 CONN_SYNC_BAD_MAC);
		near.bytes[bit / 8] ^= 1u << (bit % 8);
	}
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(give_data(l.rx, &zero, buf, len, ack, &ack_len), CONN_SYNC_BAD_MAC);
	assert_int_equal(ack_len, 0);
	assert_rx_state(l.rx, &before);
	assert_rx_is(l.rx, &m);
	assert_int_equal(give_data(l.rx, &l.key, buf, len, ack, &ack_len), CONN_SYNC_OK);
	/* an ACK under another key */
	assert_int_equal(give_ack(l.tx, &other, ack, ack_len), CONN_SYNC_BAD_MAC);
	assert_int_equal(conn_sync_tx_outbox(l.tx), 1);
	model_free(&m);
	link_free(&l);

	/* --insecure: both sides with the all-zero key work together */
	link_init(&l, 3, 0);
	l.key = zero;
	model_init(&m, 100);
	for (uint32_t i = 0; i < 60; i++)
		model_set(&m, l.tx, i, true);
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	model_free(&m);
	link_free(&l);
}

/* Messages for another receiver, or from another sender than the peer. */
static void test_wrong_node(void **state)
{
	struct iptod_key key = test_key(5);
	struct conn_sync_tx *to3 = conn_sync_tx_new(1, 3, 10), *from4 = conn_sync_tx_new(4, 2, 10);
	struct conn_sync_tx *to2 = conn_sync_tx_new(1, 2, 10);
	struct conn_sync_rx *rx = conn_sync_rx_new(2, 1, 0), *rx3 = conn_sync_rx_new(3, 1, 0);
	struct conn_sync_conn c = make_conn(1);
	uint8_t buf[CONN_SYNC_MAX_LEN], ack[CONN_SYNC_MAX_LEN];
	size_t len, ack_len;
	struct rx_state before;
	uint8_t type;
	uint32_t sender;

	(void)state;
	assert_non_null(to3);
	assert_non_null(from4);
	assert_non_null(to2);
	assert_non_null(rx);
	assert_non_null(rx3);
	before = rx_state(rx);
	assert_int_equal(conn_sync_tx_change(to3, &c, true), 0);
	len = take_one(to3, &key, 0, buf);
	assert_int_equal(give_data(rx, &key, buf, len, ack, &ack_len), CONN_SYNC_WRONG_RECEIVER);
	assert_int_equal(ack_len, 0);
	assert_int_equal(conn_sync_peek(buf, len, &type, &sender), 0);
	assert_int_equal(sender, 1);

	assert_int_equal(conn_sync_tx_change(from4, &c, true), 0);
	len = take_one(from4, &key, 0, buf);
	assert_int_equal(give_data(rx, &key, buf, len, ack, &ack_len), CONN_SYNC_UNKNOWN_NODE);
	assert_int_equal(ack_len, 0);
	assert_int_equal(conn_sync_peek(buf, len, &type, &sender), 0);
	assert_int_equal(sender, 4);
	assert_rx_state(rx, &before);
	assert_int_equal(conn_sync_rx_stats(rx)->verdicts[CONN_SYNC_WRONG_RECEIVER], 1);
	assert_int_equal(conn_sync_rx_stats(rx)->verdicts[CONN_SYNC_UNKNOWN_NODE], 1);

	/* ACKs: node 3's ACK to node 1 is not node 2's */
	len = take_one(to3, &key, RESEND_MS, buf);
	assert_int_equal(give_data(rx3, &key, buf, len, ack, &ack_len), CONN_SYNC_OK);
	assert_int_equal(give_ack(to2, &key, ack, ack_len), CONN_SYNC_UNKNOWN_NODE);
	/* an ACK of node 2 to node 4 */
	len = take_one(to2, &key, 0, buf);
	assert_int_equal(give_data(rx, &key, buf, len, ack, &ack_len), CONN_SYNC_OK);
	{
		struct conn_sync_tx *other = conn_sync_tx_new(1, 4, 10);

		assert_non_null(other);
		/* from 2, not from its peer 4 */
		assert_int_equal(give_ack(other, &key, ack, ack_len), CONN_SYNC_UNKNOWN_NODE);
		conn_sync_tx_free(other);
	}
	{
		/* node 5, peer 2, gets node 2's ACK for node 1 */
		struct conn_sync_tx *five = conn_sync_tx_new(5, 2, 10);

		assert_non_null(five);
		assert_int_equal(give_ack(five, &key, ack, ack_len), CONN_SYNC_WRONG_RECEIVER);
		assert_int_equal(conn_sync_tx_stats(five)->verdicts[CONN_SYNC_WRONG_RECEIVER], 1);
		conn_sync_tx_free(five);
	}
	assert_int_equal(give_ack(to2, &key, ack, ack_len), CONN_SYNC_OK);
	/* a DATA is no ACK, an ACK no DATA */
	assert_int_equal(give_ack(to2, &key, buf, len), CONN_SYNC_MALFORMED);
	assert_int_equal(give_data(rx, &key, ack, ack_len, buf, &len), CONN_SYNC_MALFORMED);
	conn_sync_tx_free(to3);
	conn_sync_tx_free(from4);
	conn_sync_tx_free(to2);
	conn_sync_rx_free(rx);
	conn_sync_rx_free(rx3);
}

static void test_truncation(void **state)
{
	struct link l;
	struct model m;
	uint8_t buf[CONN_SYNC_MAX_LEN + 64], ack[CONN_SYNC_MAX_LEN];
	size_t len, ack_len;
	struct rx_state before;
	uint8_t type;
	uint32_t sender;

	(void)state;
	len = flip_setup(&l, &m, buf);
	before = rx_state(l.rx);
	for (size_t cut = 0; cut < len; cut++) {
		enum conn_sync_verdict v = give_data(l.rx, &l.key, buf, cut, ack, &ack_len);

		if (v != CONN_SYNC_MALFORMED)
			fail_msg("cut to %zu of %zu bytes: %s", cut, len, conn_sync_verdict_name(v));
		assert_int_equal(conn_sync_peek(buf, cut, &type, &sender), -1);
	}
	/* longer: a byte, an entry's worth (beyond 1200 bytes) */
	memset(buf + len, 0, 64);
	assert_int_equal(give_data(l.rx, &l.key, buf, len + 1, ack, &ack_len), CONN_SYNC_MALFORMED);
	assert_int_equal(give_data(l.rx, &l.key, buf, len + CONN_SYNC_ENTRY_LEN, ack, &ack_len),
			 CONN_SYNC_MALFORMED);
	assert_rx_state(l.rx, &before);
	assert_rx_is(l.rx, &m);
	assert_int_equal(give_data(l.rx, &l.key, buf, len, ack, &ack_len), CONN_SYNC_OK);
	for (size_t cut = 0; cut < ack_len; cut++)
		assert_int_equal(give_ack(l.tx, &l.key, ack, cut), CONN_SYNC_MALFORMED);
	ack[ack_len] = 0;
	assert_int_equal(give_ack(l.tx, &l.key, ack, ack_len + 1), CONN_SYNC_MALFORMED);
	assert_int_equal(conn_sync_tx_outbox(l.tx), 1);
	model_free(&m);
	link_free(&l);
}

/* Framing that lies, correctly authenticated: malformed before the MAC. */
static void test_count_mismatch(void **state)
{
	struct link l;
	struct model m;
	uint8_t buf[CONN_SYNC_MAX_LEN + 128], ack[CONN_SYNC_MAX_LEN];
	size_t len, ack_len;
	struct rx_state before;
	static const uint16_t counts[] = { 0, 1, 27, 29, 30, 255, 0xffff };

	(void)state;
	len = flip_setup(&l, &m, buf);
	before = rx_state(l.rx);
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		uint8_t forged[CONN_SYNC_MAX_LEN + 128];

		memcpy(forged, buf, len);
		forged[6] = counts[k] >> 8;
		forged[7] = counts[k] & 0xff;
		reseal(forged, len, &l.key);
		assert_int_equal(give_data(l.rx, &l.key, forged, len, ack, &ack_len),
				 CONN_SYNC_MALFORMED);
	}
	/* 29 entries make 1232 bytes: over CONN_SYNC_MAX_LEN, whatever they are */
	{
		uint8_t big[CONN_SYNC_MAX_LEN + 128];
		size_t biglen = CONN_SYNC_HEADER_LEN + 29 * CONN_SYNC_ENTRY_LEN + CONN_SYNC_MAC_LEN;

		memset(big, 0, sizeof(big));
		memcpy(big, buf, len - CONN_SYNC_MAC_LEN);
		memcpy(big + len - CONN_SYNC_MAC_LEN, buf + CONN_SYNC_HEADER_LEN, CONN_SYNC_ENTRY_LEN);
		big[6] = 0;
		big[7] = 29;
		reseal(big, biglen, &l.key);
		assert_int_equal(give_data(l.rx, &l.key, big, biglen, ack, &ack_len),
				 CONN_SYNC_MALFORMED);
	}
	assert_rx_state(l.rx, &before);
	assert_rx_is(l.rx, &m);
	/* an ACK with a count */
	assert_int_equal(give_data(l.rx, &l.key, buf, len, ack, &ack_len), CONN_SYNC_OK);
	before = rx_state(l.rx);
	{
		uint8_t forged[CONN_SYNC_MAX_LEN];

		memcpy(forged, ack, ack_len);
		forged[7] = 1;
		reseal(forged, ack_len, &l.key);
		assert_int_equal(give_ack(l.tx, &l.key, forged, ack_len), CONN_SYNC_MALFORMED);
	}
	assert_rx_state(l.rx, &before);
	model_free(&m);
	link_free(&l);
}

/* Fields only a valid MAC lets be looked at: forged, resealed, refused. */
static void check_forged(struct link *l, const struct model *m, const uint8_t *buf, size_t len,
			 size_t off, uint8_t value, const char *what)
{
	uint8_t forged[CONN_SYNC_MAX_LEN], ack[CONN_SYNC_MAX_LEN];
	struct iptod_key other = test_key(44);
	struct rx_state before = rx_state(l->rx);
	enum conn_sync_verdict v;
	size_t ack_len;

	memcpy(forged, buf, len);
	forged[off] = value;
	v = give_data(l->rx, &other, forged, len, ack, &ack_len);
	if (v != CONN_SYNC_BAD_MAC)
		fail_msg("%s, unsealed: %s", what, conn_sync_verdict_name(v));
	reseal(forged, len, &l->key);
	v = give_data(l->rx, &l->key, forged, len, ack, &ack_len);
	if (v != CONN_SYNC_MALFORMED)
		fail_msg("%s: %s, want malformed", what, conn_sync_verdict_name(v));
	assert_int_equal(ack_len, 0);
	assert_rx_state(l->rx, &before);
	assert_rx_is(l->rx, m);
}

static void test_forged_fields(void **state)
{
	struct link l;
	struct model m;
	uint8_t buf[CONN_SYNC_MAX_LEN], ack[CONN_SYNC_MAX_LEN];
	size_t len, ack_len;
	/* the last entry of the message, so that the first ones are valid */
	size_t e;
	char what[64];

	(void)state;
	len = flip_setup(&l, &m, buf);
	e = len - CONN_SYNC_MAC_LEN - CONN_SYNC_ENTRY_LEN;
	/* connection 73's addition: IPv4 */
	assert_int_equal(buf[e + 1], 4);
	{
		static const uint8_t ops[] = { 0, 3, 4, 0x81, 0xff };

		for (size_t k = 0; k < sizeof(ops); k++) {
			snprintf(what, sizeof(what), "op %u", ops[k]);
			check_forged(&l, &m, buf, len, e, ops[k], what);
			check_forged(&l, &m, buf, len, CONN_SYNC_HEADER_LEN, ops[k], what);
		}
	}
	{
		static const uint8_t families[] = { 0, 2, 5, 10, 0x84, 0xff };

		for (size_t k = 0; k < sizeof(families); k++) {
			snprintf(what, sizeof(what), "family %u", families[k]);
			check_forged(&l, &m, buf, len, e + 1, families[k], what);
		}
	}
	check_forged(&l, &m, buf, len, e + 2, 1, "padding byte 2");
	check_forged(&l, &m, buf, len, e + 3, 0x80, "padding byte 3");
	{
		uint8_t p[CONN_SYNC_MAX_LEN];

		/* ports 0: both bytes */
		memcpy(p, buf, len);
		p[e + 4] = 0;
		check_forged(&l, &m, p, len, e + 5, 0, "lport 0");
		memcpy(p, buf, len);
		p[e + 6] = 0;
		check_forged(&l, &m, p, len, e + 7, 0, "rport 0");
	}
	/* the IPv4 entry with something in the unused address bytes */
	for (size_t b = 4; b < 16; b++) {
		snprintf(what, sizeof(what), "IPv4 local byte %zu", b);
		check_forged(&l, &m, buf, len, e + 8 + b, 1, what);
		snprintf(what, sizeof(what), "IPv4 remote byte %zu", b);
		check_forged(&l, &m, buf, len, e + 24 + b, 0xff, what);
	}
	{
		uint8_t p[CONN_SYNC_MAX_LEN];

		/* seq 0, stream 0 */
		memcpy(p, buf, len);
		memset(p + 32, 0, 7);
		check_forged(&l, &m, p, len, 39, 0, "seq 0");
		memcpy(p, buf, len);
		memset(p + 24, 0, 7);
		check_forged(&l, &m, p, len, 31, 0, "stream 0");
	}
	/* the original still goes */
	assert_int_equal(give_data(l.rx, &l.key, buf, len, ack, &ack_len), CONN_SYNC_OK);
	/* an ACK of a seq never sent */
	{
		uint8_t p[CONN_SYNC_MAX_LEN];

		memcpy(p, ack, ack_len);
		p[39]++;
		reseal(p, ack_len, &l.key);
		assert_int_equal(give_ack(l.tx, &l.key, p, ack_len), CONN_SYNC_MALFORMED);
		assert_int_equal(conn_sync_tx_outbox(l.tx), 1);
	}
	model_free(&m);
	link_free(&l);
}

/* Replays: an old message, seq 1 of an old stream, an old boot. */
static void test_replay(void **state)
{
	struct iptod_key key = test_key(9);
	struct conn_sync_tx *tx = conn_sync_tx_new(1, 2, 500);
	struct conn_sync_rx *rx = conn_sync_rx_new(2, 1, 0);
	uint8_t msg[4][CONN_SYNC_MAX_LEN], ack[CONN_SYNC_MAX_LEN], s2[CONN_SYNC_MAX_LEN];
	size_t len[4], ack_len, s2len;
	struct rx_state before;
	struct model m;

	(void)state;
	assert_non_null(tx);
	assert_non_null(rx);
	model_init(&m, 10);
	/* stream 1: seq 1 (conn 0), seq 2 (conn 1), seq 3 (conn 2) */
	for (uint32_t i = 0; i < 3; i++) {
		model_set(&m, tx, i, true);
		len[i] = take_one(tx, &key, i, msg[i]);
		assert_int_equal(give_data(rx, &key, msg[i], len[i], ack, &ack_len), CONN_SYNC_OK);
		assert_int_equal(give_ack(tx, &key, ack, ack_len), CONN_SYNC_OK);
	}
	assert_int_equal(be64_at(msg[0] + 32), 1);
	assert_int_equal(be64_at(msg[2] + 32), 3);
	before = rx_state(rx);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(give_data(rx, &key, msg[i], len[i], ack, &ack_len),
				 CONN_SYNC_REPLAY);
		/* answered with where the receiver is */
		assert_int_equal(ack_len, CONN_SYNC_ACK_LEN);
		assert_int_equal(be64_at(ack + 24), 1);
		assert_int_equal(be64_at(ack + 32), 3);
		assert_int_equal(give_ack(tx, &key, ack, ack_len), CONN_SYNC_OK);
	}
	assert_rx_state(rx, &before);
	assert_rx_is(rx, &m);

	/* stream 2 begins; then seq 1 and 3 of stream 1 again */
	conn_sync_tx_reconnect(tx);
	model_set(&m, tx, 5, true);
	s2len = take_one(tx, &key, 10, s2);
	assert_int_equal(be64_at(s2 + 24), 2);
	assert_int_equal(be64_at(s2 + 32), 1);
	assert_int_equal(give_data(rx, &key, s2, s2len, ack, &ack_len), CONN_SYNC_OK);
	assert_rx_is(rx, &m);
	before = rx_state(rx);
	assert_int_equal(give_data(rx, &key, msg[0], len[0], ack, &ack_len), CONN_SYNC_REPLAY);
	assert_int_equal(be64_at(ack + 24), 2);
	assert_int_equal(be64_at(ack + 32), 1);
	assert_int_equal(give_data(rx, &key, msg[2], len[2], ack, &ack_len), CONN_SYNC_REPLAY);
	assert_int_equal(give_data(rx, &key, s2, s2len, ack, &ack_len), CONN_SYNC_REPLAY);
	assert_rx_state(rx, &before);
	assert_rx_is(rx, &m);
	/* the sender ignores an ACK of stream 1 now */
	{
		uint8_t old[CONN_SYNC_MAX_LEN];
		struct conn_sync_rx *rx0 = conn_sync_rx_new(2, 1, 0);

		assert_non_null(rx0);
		assert_int_equal(give_data(rx0, &key, msg[0], len[0], old, &ack_len), CONN_SYNC_OK);
		assert_int_equal(give_ack(tx, &key, old, ack_len), CONN_SYNC_OTHER_STREAM);
		assert_int_equal(conn_sync_tx_stats(tx)->verdicts[CONN_SYNC_OTHER_STREAM], 1);
		conn_sync_rx_free(rx0);
	}
	assert_int_equal(conn_sync_tx_outbox(tx), 1);

	/* a new boot: stream 1 again, newer all the same; then boot 500 is old */
	{
		struct conn_sync_tx *tx2 = conn_sync_tx_new(1, 2, 501);
		uint8_t b2[CONN_SYNC_MAX_LEN];
		size_t b2len;

		assert_non_null(tx2);
		b2len = take_one(tx2, &key, 0, b2);
		assert_int_equal(give_data(rx, &key, b2, b2len, ack, &ack_len), CONN_SYNC_OK);
		assert_int_equal(conn_sync_rx_count(rx), 0);
		before = rx_state(rx);
		assert_int_equal(give_data(rx, &key, s2, s2len, ack, &ack_len), CONN_SYNC_REPLAY);
		assert_int_equal(be64_at(ack + 16), 501);
		assert_int_equal(give_data(rx, &key, msg[0], len[0], ack, &ack_len),
				 CONN_SYNC_REPLAY);
		assert_rx_state(rx, &before);
		conn_sync_tx_free(tx2);
	}
	assert_int_equal(conn_sync_rx_stats(rx)->verdicts[CONN_SYNC_REPLAY], 8);
	model_free(&m);
	conn_sync_tx_free(tx);
	conn_sync_rx_free(rx);
}

/* Gaps: dropped, answered with the receiver's position. */
static void test_gap(void **state)
{
	struct iptod_key key = test_key(10);
	struct conn_sync_tx *tx = conn_sync_tx_new(1, 2, 77);
	struct conn_sync_rx *rx = conn_sync_rx_new(2, 1, 0);
	uint8_t bufs[8][CONN_SYNC_MAX_LEN], ack[CONN_SYNC_MAX_LEN];
	size_t lens[8], ack_len, n;
	struct rx_state before;
	struct model m;

	(void)state;
	assert_non_null(tx);
	assert_non_null(rx);
	model_init(&m, 10);
	/* seq 1..4, each sent as soon as made */
	for (uint32_t i = 0; i < 4; i++) {
		model_set(&m, tx, i, true);
		assert_int_equal(conn_sync_tx_pending(tx, &key, 0, RESEND_MS, &bufs[i], &lens[i], 1),
				 1);
	}
	/* seq 2 of a stream the receiver does not know: a gap, seq 0 */
	assert_int_equal(give_data(rx, &key, bufs[1], lens[1], ack, &ack_len), CONN_SYNC_GAP);
	assert_int_equal(be64_at(ack + 24), 1);
	assert_int_equal(be64_at(ack + 32), 0);
	assert_int_equal(give_ack(tx, &key, ack, ack_len), CONN_SYNC_OK);
	assert_int_equal(conn_sync_rx_count(rx), 0);
	assert_false(conn_sync_rx_stream(rx, &(uint64_t){ 0 }, &(uint64_t){ 0 }, &(uint64_t){ 0 }));
	assert_int_equal(give_data(rx, &key, bufs[0], lens[0], ack, &ack_len), CONN_SYNC_OK);
	/* seq 3 and 4 before 2 */
	before = rx_state(rx);
	assert_int_equal(give_data(rx, &key, bufs[3], lens[3], ack, &ack_len), CONN_SYNC_GAP);
	assert_int_equal(be64_at(ack + 32), 1);
	assert_int_equal(give_data(rx, &key, bufs[2], lens[2], ack, &ack_len), CONN_SYNC_GAP);
	assert_int_equal(give_ack(tx, &key, ack, ack_len), CONN_SYNC_OK);
	assert_int_equal(conn_sync_tx_outbox(tx), 3);
	assert_rx_state(rx, &before);
	assert_int_equal(conn_sync_rx_count(rx), 1);
	for (int i = 1; i < 4; i++)
		assert_int_equal(give_data(rx, &key, bufs[i], lens[i], ack, &ack_len), CONN_SYNC_OK);
	assert_rx_is(rx, &m);
	/* one cumulative ACK for all */
	assert_int_equal(be64_at(ack + 32), 4);
	assert_int_equal(give_ack(tx, &key, ack, ack_len), CONN_SYNC_OK);
	assert_int_equal(conn_sync_tx_outbox(tx), 0);
	assert_int_equal(conn_sync_rx_stats(rx)->verdicts[CONN_SYNC_GAP], 3);
	/* nothing to send */
	n = conn_sync_tx_pending(tx, &key, 100000, RESEND_MS, bufs, lens, 8);
	assert_int_equal(n, 0);
	model_free(&m);
	conn_sync_tx_free(tx);
	conn_sync_rx_free(rx);
}

/* ACKs are cumulative: one that gets through acknowledges all before it. */
static void test_cumulative_ack(void **state)
{
	struct iptod_key key = test_key(12);
	struct conn_sync_tx *tx = conn_sync_tx_new(1, 2, 3);
	struct conn_sync_rx *rx = conn_sync_rx_new(2, 1, 0);
	uint8_t bufs[BATCH][CONN_SYNC_MAX_LEN], acks[BATCH][CONN_SYNC_MAX_LEN];
	size_t lens[BATCH], ack_lens[BATCH], n;
	struct model m;

	(void)state;
	assert_non_null(tx);
	assert_non_null(rx);
	model_init(&m, 200);
	for (uint32_t i = 0; i < 5 * CONN_SYNC_MAX_ENTRIES; i++)
		model_set(&m, tx, i, true);
	/* 5 full ones, seq 1 to 5 */
	n = conn_sync_tx_pending(tx, &key, 0, RESEND_MS, bufs, lens, BATCH);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(give_data(rx, &key, bufs[i], lens[i], acks[i], &ack_lens[i]),
				 CONN_SYNC_OK);
	assert_rx_is(rx, &m);
	assert_int_equal(give_ack(tx, &key, acks[n - 1], ack_lens[n - 1]), CONN_SYNC_OK);
	assert_int_equal(conn_sync_tx_outbox(tx), 0);
	/* the older ones, late: nothing */
	for (size_t i = 0; i < n - 1; i++)
		assert_int_equal(give_ack(tx, &key, acks[i], ack_lens[i]), CONN_SYNC_OK);
	assert_int_equal(conn_sync_tx_outbox(tx), 0);
	/* and nothing resent */
	assert_int_equal(conn_sync_tx_pending(tx, &key, 10 * RESEND_MS, RESEND_MS, bufs, lens,
					      BATCH), 0);
	assert_int_equal(conn_sync_tx_stats(tx)->resent, 0);
	model_free(&m);
	conn_sync_tx_free(tx);
	conn_sync_rx_free(rx);
}

/* Churn on a link with faults; converges once the changes stop. */
static void churn(struct link *l, struct model *m, unsigned int rounds, unsigned int per_round)
{
	for (unsigned int r = 0; r < rounds; r++) {
		for (unsigned int k = 0; k < per_round; k++) {
			uint32_t i = rng_below((unsigned int)m->n);

			model_set(m, l->tx, i, !m->present[i]);
		}
		link_round(l);
	}
}

static void test_loss_alternate(void **state)
{
	struct link l;
	struct model m;
	struct conn_sync_conn *all;
	size_t n;
	unsigned int rounds;

	(void)state;
	rng_state = 2;
	link_init(&l, 1, 0);
	l.alternate = true;
	model_init(&m, 5000);
	for (uint32_t i = 0; i < 2000; i++)
		m.present[i * 2] = true;
	m.count = 2000;
	all = model_list(&m, &n);
	assert_int_equal(conn_sync_tx_restart(l.tx, all, n), 0);
	free(all);
	rounds = link_settle(&l);
	assert_rx_is(l.rx, &m);
	print_message("every other datagram lost: 2000 connections in %u rounds, "
		      "%llu DATA for %zu messages\n", rounds,
		      (unsigned long long)l.data_sent,
		      (size_t)(2000 + CONN_SYNC_MAX_ENTRIES - 1) / CONN_SYNC_MAX_ENTRIES);
	churn(&l, &m, 100, 20);
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	assert_true(conn_sync_tx_stats(l.tx)->resent > 0);
	assert_int_equal(conn_sync_rx_stats(l.rx)->streams, 1);
	model_free(&m);
	link_free(&l);
}

/*
 * One DATA lost in a full window: the duplicate ACKs that the gaps after it
 * bring make the sender resend it at once, then the rest; no resend
 * interval passes.
 */
static void test_fast_retransmit(void **state)
{
	struct link l;
	struct model m;
	unsigned int rounds;

	(void)state;
	link_init(&l, 1, 0);
	model_init(&m, 3000);
	for (uint32_t i = 0; i < 2000; i++)
		model_set(&m, l.tx, i, true);
	l.drop_nth = 5;
	rounds = link_settle(&l);
	assert_rx_is(l.rx, &m);
	print_message("one DATA lost of %zu: settled in %u rounds, %llu resent\n",
		      (size_t)(2000 + CONN_SYNC_MAX_ENTRIES - 1) / CONN_SYNC_MAX_ENTRIES, rounds,
		      (unsigned long long)conn_sync_tx_stats(l.tx)->resent);
	assert_true(rounds * TICK_MS < RESEND_MS);
	assert_int_equal(l.verdicts[CONN_SYNC_GAP], CONN_SYNC_WINDOW - 5);
	assert_int_equal(conn_sync_tx_stats(l.tx)->resent, CONN_SYNC_WINDOW - 4);
	model_free(&m);
	link_free(&l);
}

static void test_reorder(void **state)
{
	struct link l;
	struct model m;

	(void)state;
	rng_state = 3;
	link_init(&l, 1, 0);
	l.reverse = true;
	model_init(&m, 3000);
	for (uint32_t i = 0; i < 1500; i++)
		model_set(&m, l.tx, i, true);
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	churn(&l, &m, 50, 40);
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	assert_true(l.verdicts[CONN_SYNC_GAP] > 0);
	model_free(&m);
	link_free(&l);
}

/* Random drops, duplicates and order in both directions, many seeds. */
static void test_random_faults(void **state)
{
	uint64_t datagrams = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct link l;
		struct model m;

		rng_state = seed * 7919;
		link_init(&l, seed, 0);
		l.drop_pct = 10 + (unsigned int)(seed * 3 % 40);
		l.dup_pct = 10;
		l.shuffle = true;
		model_init(&m, 2000);
		churn(&l, &m, 60, 30);
		if (seed % 4 == 0)
			conn_sync_tx_reconnect(l.tx);
		churn(&l, &m, 30, 10);
		link_settle(&l);
		assert_rx_is(l.rx, &m);
		datagrams += l.data_sent + l.acks_sent;
		model_free(&m);
		link_free(&l);
	}
	print_message("random faults: 20 seeds converged, %llu datagrams\n",
		      (unsigned long long)datagrams);
}

/* The sender restarts (a new boot): the receiver takes its new list whole. */
static void test_sender_restart(void **state)
{
	struct link l;
	struct model m, m2;
	struct conn_sync_conn *all;
	size_t n;
	uint8_t old[CONN_SYNC_MAX_LEN], ack[CONN_SYNC_MAX_LEN];
	size_t oldlen, ack_len;

	(void)state;
	rng_state = 4;
	link_init(&l, 40, 0);
	model_init(&m, 1000);
	for (uint32_t i = 0; i < 500; i++)
		model_set(&m, l.tx, i, true);
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	model_set(&m, l.tx, 700, true);
	oldlen = take_one(l.tx, &l.key, l.now, old);
	conn_sync_tx_free(l.tx);

	/* boot 41: half of the old list and some new */
	l.tx = conn_sync_tx_new(1, 2, 41);
	assert_non_null(l.tx);
	model_init(&m2, 1000);
	for (uint32_t i = 250; i < 800; i++)
		m2.present[i] = true;
	m2.count = 550;
	all = model_list(&m2, &n);
	assert_int_equal(conn_sync_tx_restart(l.tx, all, n), 0);
	free(all);
	l.alternate = true;
	link_settle(&l);
	assert_rx_is(l.rx, &m2);
	/* the last message of boot 40 comes late */
	assert_int_equal(give_data(l.rx, &l.key, old, oldlen, ack, &ack_len), CONN_SYNC_REPLAY);
	assert_rx_is(l.rx, &m2);
	model_free(&m);
	model_free(&m2);
	link_free(&l);
}

/* The receiver restarts: told, or found out by the ACK of seq 0. */
static void test_receiver_restart(void **state)
{
	struct link l;
	struct model m;

	(void)state;
	rng_state = 5;
	link_init(&l, 1, 0);
	model_init(&m, 1000);
	for (uint32_t i = 0; i < 300; i++)
		model_set(&m, l.tx, i, true);
	link_settle(&l);

	/* iptod sees the receiver's new boot and says so */
	conn_sync_rx_free(l.rx);
	l.rx = conn_sync_rx_new(2, 1, 0);
	assert_non_null(l.rx);
	conn_sync_tx_reconnect(l.tx);
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	assert_int_equal(conn_sync_tx_stats(l.tx)->streams, 2);

	/* not told: the next change is a gap, answered with seq 0 */
	conn_sync_rx_free(l.rx);
	l.rx = conn_sync_rx_new(2, 1, 0);
	assert_non_null(l.rx);
	model_set(&m, l.tx, 500, true);
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	assert_int_equal(conn_sync_tx_stats(l.tx)->lost, 1);
	assert_int_equal(conn_sync_tx_stats(l.tx)->streams, 3);

	/* the receiver drops the list; an idle sender's keepalive finds out */
	conn_sync_rx_clear(l.rx);
	assert_int_equal(conn_sync_rx_count(l.rx), 0);
	link_settle(&l);
	assert_int_equal(conn_sync_rx_count(l.rx), 0);
	conn_sync_tx_keepalive(l.tx);
	assert_int_equal(conn_sync_tx_outbox(l.tx), 1);
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	assert_int_equal(conn_sync_tx_stats(l.tx)->lost, 2);
	/* a keepalive to a receiver that is fine: one empty DATA, no stream */
	conn_sync_tx_keepalive(l.tx);
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	assert_int_equal(conn_sync_tx_stats(l.tx)->streams, 4);
	/* nothing outstanding yet: no keepalive queued */
	model_set(&m, l.tx, 501, true);
	conn_sync_tx_keepalive(l.tx);
	assert_int_equal(conn_sync_tx_outbox(l.tx), 1);
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	model_free(&m);
	link_free(&l);
}

/* A receiver out of reach: the outbox overflows, a new stream resyncs. */
static void test_outbox_overflow(void **state)
{
	struct link l;
	struct model m;
	uint64_t boot, stream, acked;
	unsigned long changes = 0;

	(void)state;
	rng_state = 6;
	link_init(&l, 1, 0);
	model_init(&m, 200);
	for (uint32_t i = 0; i < 100; i++)
		model_set(&m, l.tx, i, true);
	link_settle(&l);
	l.cut = true;
	while (!conn_sync_tx_stats(l.tx)->overflows) {
		uint32_t i = rng_below(200);

		model_set(&m, l.tx, i, !m.present[i]);
		if (++changes % 1000 == 0)
			link_round(&l);
		assert_true(conn_sync_tx_outbox(l.tx) <= CONN_SYNC_OUTBOX);
	}
	conn_sync_tx_stream(l.tx, &boot, &stream, &acked);
	assert_int_equal(stream, 2);
	assert_true(m.count > 0);
	assert_int_equal(conn_sync_tx_outbox(l.tx), (m.count + CONN_SYNC_MAX_ENTRIES - 1) /
			 CONN_SYNC_MAX_ENTRIES);
	print_message("outbox overflow after %lu changes\n", changes);
	churn(&l, &m, 10, 10);
	l.cut = false;
	l.alternate = true;
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	assert_int_equal(conn_sync_rx_stats(l.rx)->streams, 2);
	model_free(&m);
	link_free(&l);
}

/* A lost peer gets one DATA per resend interval, not a flood. */
static void test_lost_peer(void **state)
{
	struct link l;
	struct model m;
	uint64_t start;
	size_t window;
	unsigned int rounds;

	(void)state;
	link_init(&l, 1, 0);
	model_init(&m, 5000);
	for (uint32_t i = 0; i < 5000; i++)
		model_set(&m, l.tx, i, true);
	l.cut = true;
	window = link_round(&l);
	assert_int_equal(window, CONN_SYNC_WINDOW);
	start = l.data_sent;
	/* 10 s of rounds every 10 ms */
	for (int r = 0; r < 1000; r++)
		link_round(&l);
	assert_true(l.data_sent - start <= 1000 * TICK_MS / RESEND_MS + 1);
	assert_true(l.data_sent - start >= 1000 * TICK_MS / RESEND_MS - 1);
	print_message("lost peer: %llu DATA in 10 s after the first %zu\n",
		      (unsigned long long)(l.data_sent - start), window);
	/* back: all of it, the window full again once the probe got through */
	l.cut = false;
	rounds = link_settle(&l);
	assert_rx_is(l.rx, &m);
	print_message("lost peer back: %zu messages in %u rounds\n",
		      (size_t)(5000 + CONN_SYNC_MAX_ENTRIES - 1) / CONN_SYNC_MAX_ENTRIES, rounds);
	/* the next probe within a resend interval, then a few full windows */
	assert_true(rounds <= RESEND_MS / TICK_MS + 8);
	model_free(&m);
	link_free(&l);
}

/* The receiver's bound: a DATA that would exceed it changes nothing. */
static void test_over_limit(void **state)
{
	struct link l;
	struct model m;
	struct conn_sync_conn *all;
	size_t n, ack_len;
	uint8_t buf[CONN_SYNC_MAX_LEN], ack[CONN_SYNC_MAX_LEN];
	struct rx_state before;

	(void)state;
	link_init(&l, 1, 10);
	model_init(&m, 100);
	for (uint32_t i = 0; i < 8; i++)
		model_set(&m, l.tx, i, true);
	link_settle(&l);
	assert_rx_is(l.rx, &m);

	/* 5 more in one message: 13 > 10 */
	for (uint32_t i = 8; i < 13; i++) {
		struct conn_sync_conn c = make_conn(i);

		assert_int_equal(conn_sync_tx_change(l.tx, &c, true), 0);
	}
	n = take_one(l.tx, &l.key, l.now, buf);
	before = rx_state(l.rx);
	assert_int_equal(give_data(l.rx, &l.key, buf, n, ack, &ack_len), CONN_SYNC_OVER_LIMIT);
	assert_int_equal(ack_len, CONN_SYNC_ACK_LEN);
	assert_int_equal(be64_at(ack + 32), before.seq);
	assert_rx_state(l.rx, &before);
	assert_rx_is(l.rx, &m);
	for (int r = 0; r < 100; r++)
		link_round(&l);
	assert_rx_is(l.rx, &m);
	assert_true(conn_sync_rx_stats(l.rx)->verdicts[CONN_SYNC_OVER_LIMIT] > 1);

	/* a new stream of 10 replaces it */
	for (uint32_t i = 0; i < 10; i++)
		m.present[i] = true;
	m.count = 10;
	all = model_list(&m, &n);
	assert_int_equal(conn_sync_tx_restart(l.tx, all, n), 0);
	free(all);
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	/* at the bound, removals and adds in one message are fine */
	for (uint32_t i = 0; i < 3; i++) {
		struct conn_sync_conn gone = make_conn(i), added = make_conn(20 + i);

		assert_int_equal(conn_sync_tx_change(l.tx, &gone, false), 0);
		assert_int_equal(conn_sync_tx_change(l.tx, &added, true), 0);
		m.present[i] = false;
		m.present[20 + i] = true;
	}
	link_settle(&l);
	assert_rx_is(l.rx, &m);
	assert_int_equal(conn_sync_rx_count(l.rx), 10);
	/* at the bound, in one message: add 30 and remove it again (10) */
	{
		struct conn_sync_conn c30 = make_conn(30), c5 = make_conn(5), c40 = make_conn(40);

		assert_int_equal(conn_sync_tx_change(l.tx, &c30, true), 0);
		assert_int_equal(conn_sync_tx_change(l.tx, &c30, false), 0);
		n = take_one(l.tx, &l.key, l.now, buf);
		assert_int_equal(buf[7], 2);
		assert_int_equal(give_data(l.rx, &l.key, buf, n, ack, &ack_len), CONN_SYNC_OK);
		assert_int_equal(give_ack(l.tx, &l.key, ack, ack_len), CONN_SYNC_OK);
		assert_rx_is(l.rx, &m);
		/* remove 5, add it back, add 40: 11, refused */
		assert_int_equal(conn_sync_tx_change(l.tx, &c5, false), 0);
		assert_int_equal(conn_sync_tx_change(l.tx, &c5, true), 0);
		assert_int_equal(conn_sync_tx_change(l.tx, &c40, true), 0);
		n = take_one(l.tx, &l.key, l.now, buf);
		assert_int_equal(buf[7], 3);
		before = rx_state(l.rx);
		assert_int_equal(give_data(l.rx, &l.key, buf, n, ack, &ack_len),
				 CONN_SYNC_OVER_LIMIT);
		assert_rx_state(l.rx, &before);
		assert_rx_is(l.rx, &m);
	}

	/* a new stream of 11: its seq 1 is refused, the old list stays */
	{
		struct model m11;

		model_init(&m11, 100);
		for (uint32_t i = 50; i < 61; i++)
			m11.present[i] = true;
		m11.count = 11;
		all = model_list(&m11, &n);
		assert_int_equal(conn_sync_tx_restart(l.tx, all, n), 0);
		free(all);
		n = take_one(l.tx, &l.key, l.now, buf);
		before = rx_state(l.rx);
		assert_int_equal(give_data(l.rx, &l.key, buf, n, ack, &ack_len),
				 CONN_SYNC_OVER_LIMIT);
		/* answered: that stream, nothing of it */
		assert_int_equal(be64_at(ack + 24), 3);
		assert_int_equal(be64_at(ack + 32), 0);
		assert_rx_state(l.rx, &before);
		assert_rx_is(l.rx, &m);
		model_free(&m11);
	}
	model_free(&m);
	link_free(&l);
}

/* Removing what is not there is no error, at either end. */
static void test_remove_absent(void **state)
{
	struct link l;
	struct model m;
	struct conn_sync_conn c = make_conn(7);
	uint8_t buf[CONN_SYNC_MAX_LEN], ack[CONN_SYNC_MAX_LEN];
	size_t len, ack_len;

	(void)state;
	link_init(&l, 1, 0);
	model_init(&m, 20);
	link_settle(&l);
	/* the sender queues nothing for it */
	assert_int_equal(conn_sync_tx_change(l.tx, &c, false), 0);
	assert_int_equal(conn_sync_tx_outbox(l.tx), 0);
	/* the receiver takes it: add 7, remove 7, remove 7, remove 8, add 9 */
	model_set(&m, l.tx, 7, true);
	model_set(&m, l.tx, 7, false);
	model_set(&m, l.tx, 9, true);
	len = take_one(l.tx, &l.key, l.now, buf);
	assert_int_equal(buf[7], 3);
	/* forged: two entries more */
	{
		uint8_t p[CONN_SYNC_MAX_LEN + CONN_SYNC_ENTRY_LEN * 2];
		size_t body = len - CONN_SYNC_MAC_LEN;

		memcpy(p, buf, body);
		/* entry 3: remove 7 again; entry 4: remove 8 */
		memcpy(p + body, buf + CONN_SYNC_HEADER_LEN + CONN_SYNC_ENTRY_LEN,
		       CONN_SYNC_ENTRY_LEN);
		memcpy(p + body + CONN_SYNC_ENTRY_LEN, buf + CONN_SYNC_HEADER_LEN + CONN_SYNC_ENTRY_LEN,
		       CONN_SYNC_ENTRY_LEN);
		/* connection 7 is IPv6: its number ends the remote address */
		assert_int_equal(p[body + CONN_SYNC_ENTRY_LEN + 1], 6);
		p[body + CONN_SYNC_ENTRY_LEN + 24 + 15] = 8;
		p[7] = 5;
		len += 2 * CONN_SYNC_ENTRY_LEN;
		reseal(p, len, &l.key);
		assert_int_equal(give_data(l.rx, &l.key, p, len, ack, &ack_len), CONN_SYNC_OK);
	}
	assert_rx_is(l.rx, &m);
	assert_int_equal(give_ack(l.tx, &l.key, ack, ack_len), CONN_SYNC_OK);
	assert_int_equal(conn_sync_tx_outbox(l.tx), 0);
	model_free(&m);
	link_free(&l);
}

/* The sender's bound: CONN_SYNC_TX_MAX connections, and a stream fits. */
static void test_tx_max(void **state)
{
	struct conn_sync_tx *tx = conn_sync_tx_new(1, 2, 1);
	size_t n = CONN_SYNC_TX_MAX + 5;
	struct conn_sync_conn *all = malloc(n * sizeof(*all)), extra = make_conn((uint32_t)n);

	(void)state;
	assert_non_null(tx);
	assert_non_null(all);
	for (size_t i = 0; i < n; i++)
		all[i] = make_conn((uint32_t)i);
	errno = 0;
	assert_int_equal(conn_sync_tx_restart(tx, all, n), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(conn_sync_tx_count(tx), CONN_SYNC_TX_MAX);
	assert_int_equal(conn_sync_tx_stats(tx)->refused, 5);
	assert_int_equal(conn_sync_tx_outbox(tx), CONN_SYNC_OUTBOX / 2);
	errno = 0;
	assert_int_equal(conn_sync_tx_change(tx, &extra, true), -1);
	assert_int_equal(errno, ENOSPC);
	/* a removal makes room */
	assert_int_equal(conn_sync_tx_change(tx, &all[0], false), 0);
	assert_int_equal(conn_sync_tx_change(tx, &extra, true), 0);
	assert_int_equal(conn_sync_tx_count(tx), CONN_SYNC_TX_MAX);
	free(all);
	conn_sync_tx_free(tx);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

#if defined(__SANITIZE_ADDRESS__)
#define TIME_LIMIT	5.0	/* instrumented */
#else
#define TIME_LIMIT	1.0
#endif

static void test_100k(void **state)
{
	const uint32_t n = 100000;
	struct link l;
	struct model m;
	struct conn_sync_conn *all;
	struct timespec t0;
	double full, found, gone;
	size_t len;
	uint64_t data_full;

	(void)state;
	link_init(&l, 1, CONN_SYNC_DEFAULT_MAX);
	model_init(&m, n);
	for (uint32_t i = 0; i < n; i++)
		m.present[i] = true;
	m.count = n;
	all = model_list(&m, &len);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(conn_sync_tx_restart(l.tx, all, len), 0);
	link_settle(&l);
	full = seconds_since(&t0);
	data_full = l.data_sent;
	assert_int_equal(conn_sync_rx_count(l.rx), n);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_rx_is(l.rx, &m);
	found = seconds_since(&t0);

	/* all gone again, as a scan that finds none */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(conn_sync_tx_update(l.tx, all, 0), 0);
	link_settle(&l);
	gone = seconds_since(&t0);
	memset(m.present, 0, n * sizeof(bool));
	m.count = 0;
	assert_rx_is(l.rx, &m);
	print_message("100,000 connections: synced in %.3f s (%llu DATA), found by conns_of "
		      "in %.3f s, removed in %.3f s (%llu DATA)\n", full,
		      (unsigned long long)data_full, found, gone,
		      (unsigned long long)(l.data_sent - data_full));
	assert_true(full < TIME_LIMIT);
	assert_true(gone < TIME_LIMIT);
	free(all);
	model_free(&m);
	link_free(&l);
}

static void test_peek(void **state)
{
	uint8_t type = 0;
	uint32_t sender = 0;
	uint8_t junk[CONN_SYNC_MAX_LEN];

	(void)state;
	assert_int_equal(conn_sync_peek(golden_data, sizeof(golden_data), &type, &sender), 0);
	assert_int_equal(type, CONN_SYNC_DATA);
	assert_int_equal(sender, 2);
	assert_int_equal(conn_sync_peek(golden_ack, sizeof(golden_ack), &type, &sender), 0);
	assert_int_equal(type, CONN_SYNC_ACK);
	assert_int_equal(sender, 3);
	/* a heartbeat's magic, noise */
	memcpy(junk, golden_ack, sizeof(golden_ack));
	memcpy(junk, "IPTO", 4);
	assert_int_equal(conn_sync_peek(junk, sizeof(golden_ack), &type, &sender), -1);
	memset(junk, 0xff, sizeof(junk));
	assert_int_equal(conn_sync_peek(junk, sizeof(junk), &type, &sender), -1);
	assert_int_equal(conn_sync_peek(junk, 0, &type, &sender), -1);
}

static void test_verdict_names(void **state)
{
	(void)state;
	for (int i = 0; i < CONN_SYNC_NVERDICTS; i++) {
		const char *name = conn_sync_verdict_name((enum conn_sync_verdict)i);

		assert_non_null(name);
		assert_string_not_equal(name, "invalid");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(name,
						conn_sync_verdict_name((enum conn_sync_verdict)j));
	}
	assert_string_equal(conn_sync_verdict_name(CONN_SYNC_OK), "ok");
	assert_string_equal(conn_sync_verdict_name(CONN_SYNC_OVER_LIMIT), "over_limit");
	assert_string_equal(conn_sync_verdict_name(CONN_SYNC_NVERDICTS), "invalid");
	assert_string_equal(conn_sync_verdict_name((enum conn_sync_verdict)-1), "invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tx_input),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_wrong_node),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_count_mismatch),
		cmocka_unit_test(test_forged_fields),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_cumulative_ack),
		cmocka_unit_test(test_loss_alternate),
		cmocka_unit_test(test_fast_retransmit),
		cmocka_unit_test(test_reorder),
		cmocka_unit_test(test_random_faults),
		cmocka_unit_test(test_sender_restart),
		cmocka_unit_test(test_receiver_restart),
		cmocka_unit_test(test_outbox_overflow),
		cmocka_unit_test(test_lost_peer),
		cmocka_unit_test(test_over_limit),
		cmocka_unit_test(test_remove_absent),
		cmocka_unit_test(test_tx_max),
		cmocka_unit_test(test_100k),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_verdict_names),
	};

	if (sodium_init() < 0) {
		fprintf(stderr, "libsodium cannot be initialised\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
