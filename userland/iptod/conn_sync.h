/* SPDX-License-Identifier: GPL-2.0 */
/*
 * conn_sync.h - the connection sync protocol: a node tells the peers that
 * would adopt its addresses which TCP connections it has on them, so that
 * after a takeover the adopter can "tickle" each client into a reset.  This
 * owns the wire format, its codec and authentication, the sender's stream
 * and outbox (one struct conn_sync_tx per receiver) and the receiver's
 * copy of each sender's list (one struct conn_sync_rx per sender).  No
 * sockets and no clock here: iptod sends and receives, and passes the time
 * in (now_ms, any monotonic milliseconds).
 *
 * A message is one UDP datagram of at most CONN_SYNC_MAX_LEN bytes, all
 * integers in network byte order:
 *
 *   offset size
 *    0      4   magic "IPTC"
 *    4      1   version (1)
 *    5      1   type: CONN_SYNC_DATA (1) or CONN_SYNC_ACK (2)
 *    6      2   count: entries that follow; 0 in an ACK; at most
 *               CONN_SYNC_MAX_ENTRIES (28)
 *    8      4   sender node id
 *   12      4   receiver node id: a message for one peer cannot be played
 *               to another
 *   16      8   boot: DATA: the sender's boot counter (boot.h); ACK: the
 *               boot of the stream acknowledged
 *   24      8   stream: DATA: the sender's stream number within that boot,
 *               from 1; ACK: the stream acknowledged
 *   32      8   seq: DATA: this message's number in its stream, from 1;
 *               ACK: the highest seq of that stream received in order
 *               (0: none)
 *   40  40*count entries, each:
 *          +0   1   op: CONN_SYNC_ADD (1) or CONN_SYNC_REMOVE (2)
 *          +1   1   family: 4 or 6
 *          +2   2   zero
 *          +4   2   local port (not 0)
 *          +6   2   remote port (not 0)
 *          +8  16   local address (IPv4: the first 4 bytes, the rest zero)
 *         +24  16   remote address (the same)
 *   ...    32   HMAC-SHA256 (libsodium crypto_auth_hmacsha256) of every
 *               byte before it, under the cluster key (heartbeat.h)
 *
 * Without a key (iptod --insecure) iptod passes its all-zero key, as it
 * does for heartbeats: the MAC is still computed and checked, which
 * catches corruption but authenticates nothing.
 *
 * A message is believed only if it has exactly the length its count gives,
 * the magic, version and type match, and the MAC verifies (in constant
 * time).  Only then are the sender id (the peer of the state it is given
 * to, else unknown_node), the receiver id (the node itself, else
 * wrong_receiver), stream and seq (DATA: not 0) and each entry (op, family,
 * the zero bytes, ports not 0, the unused address bytes of IPv4 zero)
 * looked at; anything wrong there is malformed.  A refused message changes
 * nothing: each DATA is applied whole or not at all.
 *
 * Streams.  What a sender sends to one receiver is a stream, named by
 * (boot, stream); streams are ordered by boot, then stream.  The sender
 * starts a new stream (stream + 1; stream 1 at its start, and boot is
 * larger at each start of its daemon) whenever the receiver must get
 * everything again: at its start, when told that the receiver restarted or
 * was lost and is heard again (conn_sync_tx_reconnect()), when its outbox
 * overflowed, and when the receiver says it has lost the stream (below).
 * A stream begins with the whole list as adds (seq 1 to n; seq 1 with
 * count 0 if the list is empty), then goes on with the changes.
 *
 * The receiver keeps, per sender, its current stream and the highest seq
 * it applied in order.  It accepts a DATA only if
 *   - it is seq 1 of a stream newer than the current one (or of any
 *     stream when it has none): it drops what it has from that sender,
 *     applies the message, and that stream becomes the current one; or
 *   - it is of the current stream and its seq is the next expected
 *     (go-back-N).
 * A DATA of an older stream or of a seq already applied is a replay; one
 * beyond the next expected (including seq > 1 of a newer stream) is a gap:
 * dropped, the sender resends.  Every accepted, replayed or gapped DATA,
 * and one refused as over_limit, is answered with an ACK: of the current
 * stream and its highest applied seq, or, for a DATA of a newer stream, of
 * that stream with seq 0.  ACKs are cumulative.
 *
 * The sender keeps each DATA until it is acknowledged, in an outbox of at
 * most CONN_SYNC_OUTBOX messages; when a change finds it full, the sender
 * empties it and starts a new stream.  It sends at most CONN_SYNC_WINDOW
 * messages beyond the last acknowledged one, and resends those not
 * acknowledged after the caller's resend interval.  Once one had to be
 * resent, or a duplicate ACK (the same seq again) said that one is missing,
 * only the oldest is resent, at once, and nothing else until an ACK
 * advances; then the others that were sent go again.  So a single loss
 * costs a round trip, not a resend interval, and a lost peer gets one
 * message per resend interval.  An ACK of another stream than the current
 * one is ignored (other_stream).  An ACK of seq 0 for the current stream
 * after a larger one means that the receiver lost the stream (it
 * restarted, or dropped the list), or is a late answer to a gap before
 * seq 1: the sender resends the oldest, and if seq 0 comes again after
 * that, starts a new stream.  conn_sync_tx_keepalive() lets a receiver that
 * lost the stream of an idle sender say so.
 *
 * What replays can do: a receiver that restarted (or dropped a sender's
 * list) may accept seq 1 of an old stream of that sender played back to
 * it, and with it an old list, until that sender's next message, which it
 * answers with an ACK of seq 0 and so gets the current list again.  Tickling
 * a connection that no longer exists is harmless.  As for heartbeats, the
 * boot counter must never go back.
 */
#ifndef IPTOD_CONN_SYNC_H
#define IPTOD_CONN_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heartbeat.h"

#define CONN_SYNC_MAGIC		"IPTC"
#define CONN_SYNC_VERSION	1
#define CONN_SYNC_DATA		1
#define CONN_SYNC_ACK		2
#define CONN_SYNC_ADD		1
#define CONN_SYNC_REMOVE	2

#define CONN_SYNC_HEADER_LEN	40
#define CONN_SYNC_ENTRY_LEN	40
#define CONN_SYNC_MAC_LEN	32
#define CONN_SYNC_MAX_LEN	1200
/* (1200 - 40 - 32) / 40 = 28 */
#define CONN_SYNC_MAX_ENTRIES	\
	((CONN_SYNC_MAX_LEN - CONN_SYNC_HEADER_LEN - CONN_SYNC_MAC_LEN) / CONN_SYNC_ENTRY_LEN)
#define CONN_SYNC_ACK_LEN	(CONN_SYNC_HEADER_LEN + CONN_SYNC_MAC_LEN)

/* Messages a sender keeps for one receiver (a power of two). */
#define CONN_SYNC_OUTBOX	8192
/* Messages sent beyond the last acknowledged one. */
#define CONN_SYNC_WINDOW	64
/*
 * Connections a sender syncs to one receiver: the whole list takes at most
 * half the outbox, so that a new stream leaves room for
 * CONN_SYNC_OUTBOX / 2 messages of changes (114,688).
 */
#define CONN_SYNC_TX_MAX	((size_t)CONN_SYNC_OUTBOX / 2 * CONN_SYNC_MAX_ENTRIES)
/* The default bound of a receiver's list of one sender. */
#define CONN_SYNC_DEFAULT_MAX	100000

/*
 * One TCP connection, as the node that has it sees it.  family is 4 or 6
 * (not AF_*); IPv4 addresses are in the first 4 bytes of local and remote
 * (the rest is ignored on input and zero on output); ports in host order.
 */
struct conn_sync_conn {
	uint8_t family;
	uint8_t local[16];
	uint8_t remote[16];
	uint16_t lport;
	uint16_t rport;
};

/* Why a message was not accepted; also the index of its counter. */
enum conn_sync_verdict {
	CONN_SYNC_OK,
	CONN_SYNC_MALFORMED,	/* framing, or a field no sender writes */
	CONN_SYNC_BAD_MAC,	/* wrong key or altered */
	CONN_SYNC_WRONG_RECEIVER, /* for another node */
	CONN_SYNC_UNKNOWN_NODE,	/* the sender is not this state's peer (or,
				 * counted by iptod, no peer at all) */
	CONN_SYNC_REPLAY,	/* DATA of an older stream, or a seq applied */
	CONN_SYNC_GAP,		/* DATA beyond the next expected: dropped */
	CONN_SYNC_OVER_LIMIT,	/* DATA that would make the list too long */
	CONN_SYNC_OTHER_STREAM,	/* ACK of another stream than the current */
	CONN_SYNC_NO_MEMORY,	/* DATA not applied: out of memory */
	CONN_SYNC_NVERDICTS
};

/* A short name of the verdict for logs and counters: "ok", "malformed"... */
const char *conn_sync_verdict_name(enum conn_sync_verdict v);

/*
 * Looks at the framing only (length, magic, version, type, count), so that
 * the caller can find the state of the sender before authenticating: 0
 * with *type and *sender set (unauthenticated!), or -1.
 */
int conn_sync_peek(const uint8_t *buf, size_t len, uint8_t *type,
		   uint32_t *sender);

/* ---- sender: one per receiver ---- */

struct conn_sync_tx;

struct conn_sync_tx_stats {
	uint64_t verdicts[CONN_SYNC_NVERDICTS];	/* of the ACKs given */
	uint64_t sent;		/* DATA handed out for the first time */
	uint64_t resent;	/* DATA handed out again */
	uint64_t streams;	/* streams started */
	uint64_t overflows;	/* of them because the outbox was full */
	uint64_t lost;		/* of them because the receiver lost one */
	uint64_t refused;	/* connections not synced: the list is at
				 * CONN_SYNC_TX_MAX, or not valid */
};

/*
 * A sender to node peer, as node self in its boot boot, with an empty list
 * and its first stream begun (it sends seq 1, count 0, unless a list is
 * given first).  NULL when out of memory.
 */
struct conn_sync_tx *conn_sync_tx_new(uint32_t self, uint32_t peer,
				      uint64_t boot);
void conn_sync_tx_free(struct conn_sync_tx *tx);

/*
 * Replaces the list with all[0..n) (duplicates count once) and starts a
 * new stream that sends it whole.  0, or -1 with errno: EINVAL (invalid
 * entries were left out), ENOSPC (beyond CONN_SYNC_TX_MAX were left out),
 * ENOMEM; the rest is synced all the same.
 */
int conn_sync_tx_restart(struct conn_sync_tx *tx,
			 const struct conn_sync_conn *all, size_t n);

/*
 * Makes the list all[0..n) by queueing the changes from the list as it is
 * (removals first), in the current stream; for a caller that reads all its
 * connections periodically.  Returns as conn_sync_tx_restart().
 */
int conn_sync_tx_update(struct conn_sync_tx *tx,
			const struct conn_sync_conn *all, size_t n);

/*
 * Queues one change: c added (nothing if it is in the list already) or
 * removed (nothing if it is not).  0, or -1 with errno EINVAL, ENOSPC or
 * ENOMEM and the list as it was.
 */
int conn_sync_tx_change(struct conn_sync_tx *tx,
			const struct conn_sync_conn *c, bool added);

/* The receiver restarted or was lost and is heard again: a new stream. */
void conn_sync_tx_reconnect(struct conn_sync_tx *tx);

/*
 * When nothing is outstanding, queues an empty DATA, so that a receiver
 * that has lost the stream answers seq 0 and gets the list again; iptod
 * calls it every few seconds.
 */
void conn_sync_tx_keepalive(struct conn_sync_tx *tx);

/*
 * The DATA to send now: those never sent and those sent resend_ms or more
 * before now_ms, oldest first, within the window (one only after a resend,
 * until an ACK advances); at most max_msgs.  Each is encoded and MACed into
 * bufs[i] with its length in lens[i]; returns how many.
 */
size_t conn_sync_tx_pending(struct conn_sync_tx *tx,
			    const struct iptod_key *key, uint64_t now_ms,
			    uint64_t resend_ms,
			    uint8_t (*bufs)[CONN_SYNC_MAX_LEN], size_t *lens,
			    size_t max_msgs);

/*
 * Takes an ACK from the peer: drops the DATA it acknowledges.  OK, or
 * MALFORMED (also: a seq never sent), BAD_MAC, WRONG_RECEIVER,
 * UNKNOWN_NODE, OTHER_STREAM; counted in the stats.
 */
enum conn_sync_verdict conn_sync_tx_ack(struct conn_sync_tx *tx,
					const struct iptod_key *key,
					const uint8_t *buf, size_t len);

/* Connections in the list; DATA in the outbox (sent or not). */
size_t conn_sync_tx_count(const struct conn_sync_tx *tx);
size_t conn_sync_tx_outbox(const struct conn_sync_tx *tx);
/* The current stream, and the highest seq the receiver acknowledged in it. */
void conn_sync_tx_stream(const struct conn_sync_tx *tx, uint64_t *boot,
			 uint64_t *stream, uint64_t *acked);
const struct conn_sync_tx_stats *conn_sync_tx_stats(const struct conn_sync_tx *tx);

/* ---- receiver: one per sender ---- */

struct conn_sync_rx;

struct conn_sync_rx_stats {
	uint64_t verdicts[CONN_SYNC_NVERDICTS];	/* of the DATA given */
	uint64_t streams;	/* streams begun (seq 1 accepted) */
};

/*
 * A receiver, node self, of what node peer syncs: at most max_conns
 * connections (0: CONN_SYNC_DEFAULT_MAX).  NULL when out of memory.
 */
struct conn_sync_rx *conn_sync_rx_new(uint32_t self, uint32_t peer,
				      size_t max_conns);
void conn_sync_rx_free(struct conn_sync_rx *rx);

/*
 * Takes a DATA from the peer.  Writes the ACK to send back into ack
 * (*ack_len its length) for OK, REPLAY, GAP and OVER_LIMIT, else sets
 * *ack_len to 0.  The verdict is counted in the stats.
 */
enum conn_sync_verdict conn_sync_rx_data(struct conn_sync_rx *rx,
					 const struct iptod_key *key,
					 const uint8_t *buf, size_t len,
					 uint8_t ack[CONN_SYNC_MAX_LEN],
					 size_t *ack_len);

/*
 * The connections of the peer whose local address is (family, local):
 * writes up to max of them into out and returns how many there are (more
 * than max: call again with room for all).  Goes through the whole list:
 * for a takeover, not per packet.
 */
size_t conn_sync_rx_conns_of(const struct conn_sync_rx *rx, uint8_t family,
			     const uint8_t local[16],
			     struct conn_sync_conn *out, size_t max);

/* Connections in the list. */
size_t conn_sync_rx_count(const struct conn_sync_rx *rx);

/*
 * Drops the whole list and forgets the stream: the sender's next DATA is
 * answered with seq 0, and the sender sends everything again.
 */
void conn_sync_rx_clear(struct conn_sync_rx *rx);

/* The current stream and its highest seq applied; false if none. */
bool conn_sync_rx_stream(const struct conn_sync_rx *rx, uint64_t *boot,
			 uint64_t *stream, uint64_t *seq);
const struct conn_sync_rx_stats *conn_sync_rx_stats(const struct conn_sync_rx *rx);

#endif /* IPTOD_CONN_SYNC_H */
