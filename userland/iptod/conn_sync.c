// SPDX-License-Identifier: GPL-2.0
/*
 * conn_sync.c - the connection sync protocol of conn_sync.h: the codec and
 * its authentication, the sender's list, stream and outbox, and the
 * receiver's copy of a sender's list with its stream position.  Both lists
 * are hash tables (open addressing, linear probing, deletion by backward
 * shift, keyed SipHash so that clients cannot choose colliding addresses and
 * ports); the cryptography is libsodium's.
 */
#include "conn_sync.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define OFF_MAGIC	0
#define OFF_VERSION	4
#define OFF_TYPE	5
#define OFF_COUNT	6
#define OFF_SENDER	8
#define OFF_RECEIVER	12
#define OFF_BOOT	16
#define OFF_STREAM	24
#define OFF_SEQ		32
#define OFF_ENTRIES	CONN_SYNC_HEADER_LEN

/* within an entry */
#define E_OP		0
#define E_FAMILY	1
#define E_PAD		2
#define E_LPORT		4
#define E_RPORT		6
#define E_LOCAL		8
#define E_REMOTE	24

/* a table holds at most 3/4 of its slots; at least this many */
#define TAB_MIN		16
/* the bytes of a connection that are hashed */
#define KEY_LEN		37

_Static_assert(sizeof(CONN_SYNC_MAGIC) - 1 == OFF_VERSION - OFF_MAGIC, "magic is 4 bytes");
_Static_assert(OFF_SEQ + 8 == CONN_SYNC_HEADER_LEN, "header layout");
_Static_assert(E_REMOTE + 16 == CONN_SYNC_ENTRY_LEN, "entry layout");
_Static_assert(CONN_SYNC_MAC_LEN == crypto_auth_hmacsha256_BYTES, "MAC size");
_Static_assert(CONN_SYNC_MAX_ENTRIES == 28, "28 entries per message");
_Static_assert(CONN_SYNC_HEADER_LEN + CONN_SYNC_MAX_ENTRIES * CONN_SYNC_ENTRY_LEN +
	       CONN_SYNC_MAC_LEN <= CONN_SYNC_MAX_LEN, "a full DATA fits");
_Static_assert((CONN_SYNC_OUTBOX & (CONN_SYNC_OUTBOX - 1)) == 0, "outbox: power of two");
_Static_assert(CONN_SYNC_WINDOW >= 1 && CONN_SYNC_WINDOW <= CONN_SYNC_OUTBOX, "window");
_Static_assert(crypto_shorthash_BYTES == 8, "SipHash-2-4");

static const char *const verdict_names[CONN_SYNC_NVERDICTS] = {
	[CONN_SYNC_OK] = "ok",
	[CONN_SYNC_MALFORMED] = "malformed",
	[CONN_SYNC_BAD_MAC] = "bad_mac",
	[CONN_SYNC_WRONG_RECEIVER] = "wrong_receiver",
	[CONN_SYNC_UNKNOWN_NODE] = "unknown_node",
	[CONN_SYNC_REPLAY] = "replay",
	[CONN_SYNC_GAP] = "gap",
	[CONN_SYNC_OVER_LIMIT] = "over_limit",
	[CONN_SYNC_OTHER_STREAM] = "other_stream",
	[CONN_SYNC_NO_MEMORY] = "no_memory",
};

const char *conn_sync_verdict_name(enum conn_sync_verdict v)
{
	if ((unsigned int)v >= CONN_SYNC_NVERDICTS)
		return "invalid";
	return verdict_names[v];
}

/* As in heartbeat.c: sodium_init() once; HMAC and SipHash need no dispatch. */
static void sodium_ready(void)
{
	static atomic_bool ready;

	if (atomic_load_explicit(&ready, memory_order_acquire))
		return;
	if (sodium_init() >= 0)
		atomic_store_explicit(&ready, true, memory_order_release);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, (uint32_t)v);
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* ---- connections ---- */

/* Checks c and writes it to out with the unused bytes of IPv4 zeroed. */
static bool conn_normalize(const struct conn_sync_conn *c, struct conn_sync_conn *out)
{
	if ((c->family != 4 && c->family != 6) || !c->lport || !c->rport)
		return false;
	memset(out, 0, sizeof(*out));
	out->family = c->family;
	memcpy(out->local, c->local, c->family == 4 ? 4 : 16);
	memcpy(out->remote, c->remote, c->family == 4 ? 4 : 16);
	out->lport = c->lport;
	out->rport = c->rport;
	return true;
}

static bool conn_equal(const struct conn_sync_conn *a, const struct conn_sync_conn *b)
{
	return a->family == b->family && a->lport == b->lport &&
	       a->rport == b->rport && !memcmp(a->local, b->local, 16) &&
	       !memcmp(a->remote, b->remote, 16);
}

/* A normalized connection as a wire entry. */
static void entry_encode(uint8_t *e, uint8_t op, const struct conn_sync_conn *c)
{
	e[E_OP] = op;
	e[E_FAMILY] = c->family;
	e[E_PAD] = 0;
	e[E_PAD + 1] = 0;
	put_be16(e + E_LPORT, c->lport);
	put_be16(e + E_RPORT, c->rport);
	memcpy(e + E_LOCAL, c->local, 16);
	memcpy(e + E_REMOTE, c->remote, 16);
}

/* A wire entry as a connection; false if it is not one a sender writes. */
static bool entry_decode(const uint8_t *e, uint8_t *op, struct conn_sync_conn *c)
{
	uint8_t family = e[E_FAMILY];

	if (e[E_OP] != CONN_SYNC_ADD && e[E_OP] != CONN_SYNC_REMOVE)
		return false;
	if ((family != 4 && family != 6) || e[E_PAD] || e[E_PAD + 1])
		return false;
	if (family == 4 && (!all_zero(e + E_LOCAL + 4, 12) || !all_zero(e + E_REMOTE + 4, 12)))
		return false;
	memset(c, 0, sizeof(*c));
	c->family = family;
	c->lport = get_be16(e + E_LPORT);
	c->rport = get_be16(e + E_RPORT);
	if (!c->lport || !c->rport)
		return false;
	memcpy(c->local, e + E_LOCAL, 16);
	memcpy(c->remote, e + E_REMOTE, 16);
	*op = e[E_OP];
	return true;
}

/* ---- the hash table of a list ---- */

struct slot {
	uint32_t hash;
	uint8_t mark;			/* conn_sync_tx_update's */
	struct conn_sync_conn c;	/* family 0: free */
};

struct ctab {
	struct slot *slots;
	size_t cap;			/* 0 or a power of two */
	size_t n;
	uint8_t key[crypto_shorthash_KEYBYTES];
};

static void ctab_init(struct ctab *t)
{
	sodium_ready();
	memset(t, 0, sizeof(*t));
	randombytes_buf(t->key, sizeof(t->key));
}

static void ctab_free(struct ctab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = 0;
	t->n = 0;
}

static uint32_t ctab_hash(const struct ctab *t, const struct conn_sync_conn *c)
{
	uint8_t bytes[KEY_LEN], out[crypto_shorthash_BYTES];

	bytes[0] = c->family;
	memcpy(bytes + 1, c->local, 16);
	memcpy(bytes + 17, c->remote, 16);
	put_be16(bytes + 33, c->lport);
	put_be16(bytes + 35, c->rport);
	crypto_shorthash(out, bytes, sizeof(bytes), t->key);
	return get_be32(out);
}

/* The slot of c, or SIZE_MAX. */
static size_t ctab_find(const struct ctab *t, const struct conn_sync_conn *c, uint32_t h)
{
	if (!t->cap)
		return SIZE_MAX;
	for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		const struct slot *s = &t->slots[i];

		if (!s->c.family)
			return SIZE_MAX;
		if (s->hash == h && conn_equal(&s->c, c))
			return i;
	}
}

/* Adds c, known to be absent, to a table with room for it. */
static void ctab_put(struct ctab *t, const struct conn_sync_conn *c, uint32_t h)
{
	size_t i = h & (t->cap - 1);

	while (t->slots[i].c.family)
		i = (i + 1) & (t->cap - 1);
	t->slots[i].hash = h;
	t->slots[i].mark = 0;
	t->slots[i].c = *c;
	t->n++;
}

/* Removes the entry in slot i, moving back those that probed past it. */
static void ctab_del(struct ctab *t, size_t i)
{
	size_t mask = t->cap - 1, j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!t->slots[j].c.family)
			break;
		home = t->slots[j].hash & mask;
		/* stays if its home is cyclically in (i, j] */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		t->slots[i] = t->slots[j];
		i = j;
	}
	memset(&t->slots[i], 0, sizeof(t->slots[i]));
	t->n--;
}

/* Makes room for want entries in all; 0 or -1 (the table as it was). */
static int ctab_reserve(struct ctab *t, size_t want)
{
	struct slot *slots;
	size_t cap = t->cap ? t->cap : TAB_MIN;

	if (want <= t->cap / 4 * 3)
		return 0;
	while (want > cap / 4 * 3) {
		if (cap > SIZE_MAX / 2 / sizeof(*slots))
			return -1;
		cap *= 2;
	}
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		const struct slot *s = &t->slots[i];
		size_t k;

		if (!s->c.family)
			continue;
		for (k = s->hash & (cap - 1); slots[k].c.family; k = (k + 1) & (cap - 1))
			;
		slots[k] = *s;
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

/* ---- codec ---- */

struct header {
	uint8_t type;
	uint16_t count;
	uint32_t sender;
	uint32_t receiver;
	uint64_t boot;
	uint64_t stream;
	uint64_t seq;
};

/* The framing: 0 with *type and *count, or -1. */
static int framing(const uint8_t *buf, size_t len, uint8_t *type, uint16_t *count)
{
	if (len < CONN_SYNC_ACK_LEN || len > CONN_SYNC_MAX_LEN)
		return -1;
	if (memcmp(buf + OFF_MAGIC, CONN_SYNC_MAGIC, 4) != 0 ||
	    buf[OFF_VERSION] != CONN_SYNC_VERSION)
		return -1;
	*type = buf[OFF_TYPE];
	*count = get_be16(buf + OFF_COUNT);
	if (*type != CONN_SYNC_DATA && *type != CONN_SYNC_ACK)
		return -1;
	if (*type == CONN_SYNC_ACK && *count)
		return -1;
	/* also bounds count by CONN_SYNC_MAX_ENTRIES */
	if (len != CONN_SYNC_HEADER_LEN + (size_t)*count * CONN_SYNC_ENTRY_LEN + CONN_SYNC_MAC_LEN)
		return -1;
	return 0;
}

int conn_sync_peek(const uint8_t *buf, size_t len, uint8_t *type, uint32_t *sender)
{
	uint8_t t;
	uint16_t count;

	if (framing(buf, len, &t, &count) < 0)
		return -1;
	*type = t;
	*sender = get_be32(buf + OFF_SENDER);
	return 0;
}

/* Writes a header and MACs header and body (already in buf); the length. */
static size_t seal(uint8_t *buf, const struct header *h, const struct iptod_key *key)
{
	size_t body = CONN_SYNC_HEADER_LEN + (size_t)h->count * CONN_SYNC_ENTRY_LEN;

	sodium_ready();
	memcpy(buf + OFF_MAGIC, CONN_SYNC_MAGIC, 4);
	buf[OFF_VERSION] = CONN_SYNC_VERSION;
	buf[OFF_TYPE] = h->type;
	put_be16(buf + OFF_COUNT, h->count);
	put_be32(buf + OFF_SENDER, h->sender);
	put_be32(buf + OFF_RECEIVER, h->receiver);
	put_be64(buf + OFF_BOOT, h->boot);
	put_be64(buf + OFF_STREAM, h->stream);
	put_be64(buf + OFF_SEQ, h->seq);
	crypto_auth_hmacsha256(buf + body, buf, body, key->bytes);
	return body + CONN_SYNC_MAC_LEN;
}

/*
 * Framing, MAC, then the header fields of a message of type type from peer
 * to self; the entries are the caller's to check.
 */
static enum conn_sync_verdict open_msg(const uint8_t *buf, size_t len,
				       const struct iptod_key *key, uint8_t type,
				       uint32_t self, uint32_t peer, struct header *h)
{
	size_t body;

	sodium_ready();
	if (framing(buf, len, &h->type, &h->count) < 0 || h->type != type)
		return CONN_SYNC_MALFORMED;
	body = len - CONN_SYNC_MAC_LEN;
	/* constant-time; nothing else is believed before it */
	if (crypto_auth_hmacsha256_verify(buf + body, buf, body, key->bytes) != 0)
		return CONN_SYNC_BAD_MAC;
	h->sender = get_be32(buf + OFF_SENDER);
	h->receiver = get_be32(buf + OFF_RECEIVER);
	h->boot = get_be64(buf + OFF_BOOT);
	h->stream = get_be64(buf + OFF_STREAM);
	h->seq = get_be64(buf + OFF_SEQ);
	if (h->sender != peer)
		return CONN_SYNC_UNKNOWN_NODE;
	if (h->receiver != self)
		return CONN_SYNC_WRONG_RECEIVER;
	if (type == CONN_SYNC_DATA && (!h->stream || !h->seq))
		return CONN_SYNC_MALFORMED;
	return CONN_SYNC_OK;
}

/* (boot, stream) of a against b: <0, 0, >0 */
static int stream_cmp(uint64_t boot_a, uint64_t stream_a, uint64_t boot_b, uint64_t stream_b)
{
	if (boot_a != boot_b)
		return boot_a < boot_b ? -1 : 1;
	if (stream_a != stream_b)
		return stream_a < stream_b ? -1 : 1;
	return 0;
}

/* ---- sender ---- */

struct tx_msg {
	uint64_t sent_ms;
	bool sent;
	bool redo;		/* resend at once: the probe before it got through */
	uint8_t count;
	uint8_t entries[CONN_SYNC_MAX_ENTRIES * CONN_SYNC_ENTRY_LEN];
};

struct conn_sync_tx {
	uint32_t self;
	uint32_t peer;
	uint64_t boot;
	uint64_t stream;
	uint64_t acked;		/* ring[head] has seq acked + 1 */
	uint64_t sent_max;	/* the highest seq sent in this stream */
	bool probing;		/* one was resent: only the oldest goes */
	bool suspect;		/* an ACK of seq 0 after a larger one */
	uint64_t suspect_mark;	/* DATA handed out by then */
	bool need_restart;	/* a new stream failed for memory: retry */
	struct tx_msg *ring;	/* the outbox, oldest at head */
	size_t ring_cap;	/* a power of two, at most CONN_SYNC_OUTBOX */
	size_t head;
	size_t n;
	struct ctab set;	/* the list */
	struct conn_sync_tx_stats stats;
};

static struct tx_msg *tx_msg_at(const struct conn_sync_tx *tx, size_t i)
{
	return &tx->ring[(tx->head + i) & (tx->ring_cap - 1)];
}

/* Makes the ring hold at least want messages; 0 or -1. */
static int tx_ring_grow(struct conn_sync_tx *tx, size_t want)
{
	struct tx_msg *ring;
	size_t cap = tx->ring_cap ? tx->ring_cap : 16;

	if (want <= tx->ring_cap)
		return 0;
	while (cap < want)
		cap *= 2;
	if (cap > CONN_SYNC_OUTBOX)
		return -1;
	ring = malloc(cap * sizeof(*ring));
	if (!ring)
		return -1;
	for (size_t i = 0; i < tx->n; i++)
		ring[i] = *tx_msg_at(tx, i);
	free(tx->ring);
	tx->ring = ring;
	tx->ring_cap = cap;
	tx->head = 0;
	return 0;
}

/* A new empty message at the end of the outbox; 1 if full, -1 for memory. */
static int tx_push(struct conn_sync_tx *tx)
{
	struct tx_msg *m;

	if (tx->n == CONN_SYNC_OUTBOX)
		return 1;
	if (tx->n == tx->ring_cap && tx_ring_grow(tx, tx->n + 1) < 0)
		return -1;
	m = tx_msg_at(tx, tx->n++);
	m->sent = false;
	m->redo = false;
	m->sent_ms = 0;
	m->count = 0;
	return 0;
}

/* Appends an entry to the last message not sent yet; as tx_push(). */
static int tx_append(struct conn_sync_tx *tx, uint8_t op, const struct conn_sync_conn *c)
{
	struct tx_msg *m = tx->n ? tx_msg_at(tx, tx->n - 1) : NULL;

	if (!m || m->sent || m->count == CONN_SYNC_MAX_ENTRIES) {
		int r = tx_push(tx);

		if (r)
			return r;
		m = tx_msg_at(tx, tx->n - 1);
	}
	entry_encode(m->entries + (size_t)m->count * CONN_SYNC_ENTRY_LEN, op, c);
	m->count++;
	return 0;
}

/*
 * Empties the outbox and begins a stream with the whole list; the stream
 * number stays if nothing of the current one was sent.  0, or -1 with the
 * outbox empty and need_restart set.
 */
static int tx_new_stream(struct conn_sync_tx *tx)
{
	size_t need = tx->set.n ? (tx->set.n + CONN_SYNC_MAX_ENTRIES - 1) / CONN_SYNC_MAX_ENTRIES : 1;

	if (tx->sent_max || !tx->stream) {
		tx->stream++;
		tx->stats.streams++;
	}
	tx->head = 0;
	tx->n = 0;
	tx->acked = 0;
	tx->sent_max = 0;
	tx->probing = false;
	tx->suspect = false;
	tx->need_restart = true;
	if (tx_ring_grow(tx, need) < 0)
		return -1;
	/* cannot fail: the ring has room for all */
	(void)tx_push(tx);
	for (size_t i = 0; i < tx->set.cap; i++)
		if (tx->set.slots[i].c.family)
			(void)tx_append(tx, CONN_SYNC_ADD, &tx->set.slots[i].c);
	tx->need_restart = false;
	return 0;
}

static int tx_ensure_stream(struct conn_sync_tx *tx)
{
	if (!tx->need_restart)
		return 0;
	return tx_new_stream(tx);
}

struct conn_sync_tx *conn_sync_tx_new(uint32_t self, uint32_t peer, uint64_t boot)
{
	struct conn_sync_tx *tx = calloc(1, sizeof(*tx));

	if (!tx)
		return NULL;
	tx->self = self;
	tx->peer = peer;
	tx->boot = boot;
	ctab_init(&tx->set);
	if (tx_new_stream(tx) < 0) {
		conn_sync_tx_free(tx);
		return NULL;
	}
	return tx;
}

void conn_sync_tx_free(struct conn_sync_tx *tx)
{
	if (!tx)
		return;
	ctab_free(&tx->set);
	free(tx->ring);
	free(tx);
}

int conn_sync_tx_change(struct conn_sync_tx *tx, const struct conn_sync_conn *c, bool added)
{
	struct conn_sync_conn nc;
	size_t at;
	uint32_t h;
	int r = 0;

	if (!conn_normalize(c, &nc)) {
		tx->stats.refused++;
		errno = EINVAL;
		return -1;
	}
	h = ctab_hash(&tx->set, &nc);
	at = ctab_find(&tx->set, &nc, h);
	if (added == (at != SIZE_MAX))
		return 0;
	if (added && tx->set.n >= CONN_SYNC_TX_MAX) {
		tx->stats.refused++;
		errno = ENOSPC;
		return -1;
	}
	if (added && ctab_reserve(&tx->set, tx->set.n + 1) < 0) {
		errno = ENOMEM;
		return -1;
	}
	/* queued first: the list changes only if the receiver will hear of it */
	if (!tx->need_restart) {
		r = tx_append(tx, added ? CONN_SYNC_ADD : CONN_SYNC_REMOVE, &nc);
		if (r < 0) {
			errno = ENOMEM;
			return -1;
		}
	}
	if (added)
		ctab_put(&tx->set, &nc, h);
	else
		ctab_del(&tx->set, at);
	if (r > 0) {
		/* the outbox is full: everything again, this change included */
		tx->stats.overflows++;
		(void)tx_new_stream(tx);
	} else if (tx->need_restart) {
		(void)tx_new_stream(tx);
	}
	return 0;
}

int conn_sync_tx_update(struct conn_sync_tx *tx, const struct conn_sync_conn *all, size_t n)
{
	struct conn_sync_conn *gone = NULL, nc;
	size_t ngone = 0, kept = 0;
	int err = 0;

	/* mark what stays */
	for (size_t i = 0; i < n; i++) {
		size_t at;

		if (!conn_normalize(&all[i], &nc))
			continue;
		at = ctab_find(&tx->set, &nc, ctab_hash(&tx->set, &nc));
		if (at != SIZE_MAX && !tx->set.slots[at].mark) {
			tx->set.slots[at].mark = 1;
			kept++;
		}
	}
	if (kept < tx->set.n) {
		gone = malloc((tx->set.n - kept) * sizeof(*gone));
		if (!gone)
			err = ENOMEM;
	}
	for (size_t i = 0; i < tx->set.cap; i++) {
		struct slot *s = &tx->set.slots[i];

		if (!s->c.family)
			continue;
		if (!s->mark && gone)
			gone[ngone++] = s->c;
		s->mark = 0;
	}
	/* removals first: they make room at the receiver */
	for (size_t i = 0; i < ngone; i++)
		if (conn_sync_tx_change(tx, &gone[i], false) < 0 && !err)
			err = errno;
	free(gone);
	for (size_t i = 0; i < n; i++)
		if (conn_sync_tx_change(tx, &all[i], true) < 0 && !err)
			err = errno;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int conn_sync_tx_restart(struct conn_sync_tx *tx, const struct conn_sync_conn *all, size_t n)
{
	struct conn_sync_conn nc;
	int err = 0;

	ctab_free(&tx->set);
	if (ctab_reserve(&tx->set, n < CONN_SYNC_TX_MAX ? n : CONN_SYNC_TX_MAX) < 0)
		err = ENOMEM;
	for (size_t i = 0; i < n && err != ENOMEM; i++) {
		uint32_t h;

		if (!conn_normalize(&all[i], &nc)) {
			tx->stats.refused++;
			if (!err)
				err = EINVAL;
			continue;
		}
		h = ctab_hash(&tx->set, &nc);
		if (ctab_find(&tx->set, &nc, h) != SIZE_MAX)
			continue;
		if (tx->set.n >= CONN_SYNC_TX_MAX) {
			tx->stats.refused++;
			err = ENOSPC;
			continue;
		}
		ctab_put(&tx->set, &nc, h);
	}
	if (tx_new_stream(tx) < 0)
		err = ENOMEM;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

void conn_sync_tx_reconnect(struct conn_sync_tx *tx)
{
	(void)tx_new_stream(tx);
}

void conn_sync_tx_keepalive(struct conn_sync_tx *tx)
{
	if (tx_ensure_stream(tx) == 0 && !tx->n)
		(void)tx_push(tx);
}

static bool tx_timed_out(const struct tx_msg *m, uint64_t now_ms, uint64_t resend_ms)
{
	return m->sent && !m->redo && now_ms >= m->sent_ms && now_ms - m->sent_ms >= resend_ms;
}

size_t conn_sync_tx_pending(struct conn_sync_tx *tx, const struct iptod_key *key,
			    uint64_t now_ms, uint64_t resend_ms,
			    uint8_t (*bufs)[CONN_SYNC_MAX_LEN], size_t *lens, size_t max_msgs)
{
	size_t limit, out = 0;

	if (tx_ensure_stream(tx) < 0 || !tx->n)
		return 0;
	if (tx_timed_out(tx_msg_at(tx, 0), now_ms, resend_ms))
		tx->probing = true;
	limit = tx->probing ? 1 : CONN_SYNC_WINDOW;
	if (limit > tx->n)
		limit = tx->n;
	for (size_t i = 0; i < limit && out < max_msgs; i++) {
		struct tx_msg *m = tx_msg_at(tx, i);
		struct header h = {
			.type = CONN_SYNC_DATA,
			.count = m->count,
			.sender = tx->self,
			.receiver = tx->peer,
			.boot = tx->boot,
			.stream = tx->stream,
			.seq = tx->acked + 1 + i,
		};

		if (m->sent && !m->redo && !tx_timed_out(m, now_ms, resend_ms))
			continue;
		memcpy(bufs[out] + CONN_SYNC_HEADER_LEN, m->entries,
		       (size_t)m->count * CONN_SYNC_ENTRY_LEN);
		lens[out] = seal(bufs[out], &h, key);
		out++;
		if (m->sent)
			tx->stats.resent++;
		else
			tx->stats.sent++;
		m->sent = true;
		m->redo = false;
		m->sent_ms = now_ms;
		if (h.seq > tx->sent_max)
			tx->sent_max = h.seq;
	}
	return out;
}

/* Resends the oldest at once and nothing else until an ACK advances. */
static void tx_probe(struct conn_sync_tx *tx)
{
	struct tx_msg *m;

	if (!tx->n)
		return;
	m = tx_msg_at(tx, 0);
	if (!m->sent)
		return;
	tx->probing = true;
	m->redo = true;
}

static enum conn_sync_verdict tx_ack(struct conn_sync_tx *tx, const struct iptod_key *key,
				     const uint8_t *buf, size_t len)
{
	struct header h;
	enum conn_sync_verdict v;
	uint64_t k;

	v = open_msg(buf, len, key, CONN_SYNC_ACK, tx->self, tx->peer, &h);
	if (v != CONN_SYNC_OK)
		return v;
	if (stream_cmp(h.boot, h.stream, tx->boot, tx->stream))
		return CONN_SYNC_OTHER_STREAM;
	k = h.seq;
	if (k > tx->sent_max)
		return CONN_SYNC_MALFORMED;
	if (!k && tx->acked) {
		uint64_t handed = tx->stats.sent + tx->stats.resent;

		/*
		 * The receiver has lost the stream, or this ACK answered a
		 * gap before seq 1 and comes late.  Believed when it comes
		 * again after more DATA went out (the oldest, at once).
		 */
		if (tx->suspect && handed > tx->suspect_mark) {
			tx->stats.lost++;
			(void)tx_new_stream(tx);
			return CONN_SYNC_OK;
		}
		if (!tx->suspect) {
			tx->suspect = true;
			tx->suspect_mark = handed;
			tx_probe(tx);
		}
		return CONN_SYNC_OK;
	}
	if (k < tx->acked)
		return CONN_SYNC_OK;
	if (k == tx->acked) {
		/* a duplicate: what follows was lost, or came too early */
		if (!tx->probing)
			tx_probe(tx);
		return CONN_SYNC_OK;
	}
	tx->suspect = false;
	tx->head = (tx->head + (k - tx->acked)) & (tx->ring_cap - 1);
	tx->n -= k - tx->acked;
	tx->acked = k;
	if (tx->probing) {
		/* the probe got through: what followed it goes again now */
		tx->probing = false;
		for (size_t i = 0; i < tx->n; i++) {
			struct tx_msg *m = tx_msg_at(tx, i);

			if (m->sent)
				m->redo = true;
		}
	}
	return CONN_SYNC_OK;
}

enum conn_sync_verdict conn_sync_tx_ack(struct conn_sync_tx *tx, const struct iptod_key *key,
					const uint8_t *buf, size_t len)
{
	enum conn_sync_verdict v = tx_ack(tx, key, buf, len);

	tx->stats.verdicts[v]++;
	return v;
}

size_t conn_sync_tx_count(const struct conn_sync_tx *tx)
{
	return tx->set.n;
}

size_t conn_sync_tx_outbox(const struct conn_sync_tx *tx)
{
	return tx->n;
}

void conn_sync_tx_stream(const struct conn_sync_tx *tx, uint64_t *boot, uint64_t *stream,
			 uint64_t *acked)
{
	*boot = tx->boot;
	*stream = tx->stream;
	*acked = tx->acked;
}

const struct conn_sync_tx_stats *conn_sync_tx_stats(const struct conn_sync_tx *tx)
{
	return &tx->stats;
}

/* ---- receiver ---- */

struct conn_sync_rx {
	uint32_t self;
	uint32_t peer;
	size_t max;
	bool have;		/* a current stream */
	uint64_t boot;
	uint64_t stream;
	uint64_t seq;		/* the highest applied in order */
	struct ctab tab;
	struct conn_sync_rx_stats stats;
};

/* The entries of one DATA, decoded. */
struct batch {
	size_t count;
	uint8_t op[CONN_SYNC_MAX_ENTRIES];
	struct conn_sync_conn c[CONN_SYNC_MAX_ENTRIES];
	uint32_t hash[CONN_SYNC_MAX_ENTRIES];
};

struct conn_sync_rx *conn_sync_rx_new(uint32_t self, uint32_t peer, size_t max_conns)
{
	struct conn_sync_rx *rx = calloc(1, sizeof(*rx));

	if (!rx)
		return NULL;
	rx->self = self;
	rx->peer = peer;
	rx->max = max_conns ? max_conns : CONN_SYNC_DEFAULT_MAX;
	ctab_init(&rx->tab);
	return rx;
}

void conn_sync_rx_free(struct conn_sync_rx *rx)
{
	if (!rx)
		return;
	ctab_free(&rx->tab);
	free(rx);
}

/*
 * Applies b to t whole, or not at all: OK, OVER_LIMIT (the list would end
 * longer than max) or NO_MEMORY.
 */
static enum conn_sync_verdict apply(struct ctab *t, size_t max, struct batch *b)
{
	size_t n = t->n, peak = t->n;

	/* dry run: does each entry find its connection there? */
	for (size_t i = 0; i < b->count; i++) {
		bool present;
		size_t j = i;

		b->hash[i] = ctab_hash(t, &b->c[i]);
		while (j-- > 0)
			if (b->hash[j] == b->hash[i] && conn_equal(&b->c[j], &b->c[i]))
				break;
		if (j != SIZE_MAX)
			present = b->op[j] == CONN_SYNC_ADD;
		else
			present = ctab_find(t, &b->c[i], b->hash[i]) != SIZE_MAX;
		if (b->op[i] == CONN_SYNC_ADD && !present)
			n++;
		else if (b->op[i] == CONN_SYNC_REMOVE && present)
			n--;
		if (n > peak)
			peak = n;
	}
	if (n > max)
		return CONN_SYNC_OVER_LIMIT;
	if (ctab_reserve(t, peak) < 0)
		return CONN_SYNC_NO_MEMORY;
	for (size_t i = 0; i < b->count; i++) {
		size_t at = ctab_find(t, &b->c[i], b->hash[i]);

		if (b->op[i] == CONN_SYNC_ADD && at == SIZE_MAX)
			ctab_put(t, &b->c[i], b->hash[i]);
		else if (b->op[i] == CONN_SYNC_REMOVE && at != SIZE_MAX)
			ctab_del(t, at);
	}
	return CONN_SYNC_OK;
}

static size_t rx_ack(const struct conn_sync_rx *rx, const struct iptod_key *key,
		     uint64_t boot, uint64_t stream, uint64_t seq, uint8_t *ack)
{
	struct header h = {
		.type = CONN_SYNC_ACK,
		.sender = rx->self,
		.receiver = rx->peer,
		.boot = boot,
		.stream = stream,
		.seq = seq,
	};

	return seal(ack, &h, key);
}

static enum conn_sync_verdict rx_data(struct conn_sync_rx *rx, const struct iptod_key *key,
				      const uint8_t *buf, size_t len, uint8_t *ack,
				      size_t *ack_len)
{
	struct header h;
	struct batch b;
	enum conn_sync_verdict v;
	int cmp;

	v = open_msg(buf, len, key, CONN_SYNC_DATA, rx->self, rx->peer, &h);
	if (v != CONN_SYNC_OK)
		return v;
	b.count = h.count;
	for (size_t i = 0; i < b.count; i++)
		if (!entry_decode(buf + OFF_ENTRIES + i * CONN_SYNC_ENTRY_LEN, &b.op[i], &b.c[i]))
			return CONN_SYNC_MALFORMED;

	cmp = rx->have ? stream_cmp(h.boot, h.stream, rx->boot, rx->stream) : 1;
	if (cmp > 0) {
		struct ctab fresh;

		v = CONN_SYNC_GAP;
		if (h.seq == 1) {
			/* a new stream: its list replaces the old one whole */
			ctab_init(&fresh);
			v = apply(&fresh, rx->max, &b);
			if (v == CONN_SYNC_OK) {
				ctab_free(&rx->tab);
				rx->tab = fresh;
				rx->have = true;
				rx->boot = h.boot;
				rx->stream = h.stream;
				rx->seq = 1;
				rx->stats.streams++;
			} else {
				ctab_free(&fresh);
			}
		}
		if (v == CONN_SYNC_NO_MEMORY)
			return v;
		if (v != CONN_SYNC_OK) {
			*ack_len = rx_ack(rx, key, h.boot, h.stream, 0, ack);
			return v;
		}
	} else if (cmp < 0 || h.seq <= rx->seq) {
		v = CONN_SYNC_REPLAY;
	} else if (h.seq - 1 != rx->seq) {
		v = CONN_SYNC_GAP;
	} else {
		v = apply(&rx->tab, rx->max, &b);
		if (v == CONN_SYNC_NO_MEMORY)
			return v;
		if (v == CONN_SYNC_OK)
			rx->seq = h.seq;
	}
	*ack_len = rx_ack(rx, key, rx->boot, rx->stream, rx->seq, ack);
	return v;
}

enum conn_sync_verdict conn_sync_rx_data(struct conn_sync_rx *rx, const struct iptod_key *key,
					 const uint8_t *buf, size_t len,
					 uint8_t ack[CONN_SYNC_MAX_LEN], size_t *ack_len)
{
	enum conn_sync_verdict v;

	*ack_len = 0;
	v = rx_data(rx, key, buf, len, ack, ack_len);
	rx->stats.verdicts[v]++;
	return v;
}

size_t conn_sync_rx_conns_of(const struct conn_sync_rx *rx, uint8_t family,
			     const uint8_t local[16], struct conn_sync_conn *out, size_t max)
{
	size_t alen = family == 4 ? 4 : 16, found = 0;

	if (family != 4 && family != 6)
		return 0;
	for (size_t i = 0; i < rx->tab.cap; i++) {
		const struct conn_sync_conn *c = &rx->tab.slots[i].c;

		if (c->family != family || memcmp(c->local, local, alen))
			continue;
		if (found < max)
			out[found] = *c;
		found++;
	}
	return found;
}

size_t conn_sync_rx_count(const struct conn_sync_rx *rx)
{
	return rx->tab.n;
}

void conn_sync_rx_clear(struct conn_sync_rx *rx)
{
	ctab_free(&rx->tab);
	rx->have = false;
	rx->boot = 0;
	rx->stream = 0;
	rx->seq = 0;
}

bool conn_sync_rx_stream(const struct conn_sync_rx *rx, uint64_t *boot, uint64_t *stream,
			 uint64_t *seq)
{
	*boot = rx->boot;
	*stream = rx->stream;
	*seq = rx->seq;
	return rx->have;
}

const struct conn_sync_rx_stats *conn_sync_rx_stats(const struct conn_sync_rx *rx)
{
	return &rx->stats;
}
