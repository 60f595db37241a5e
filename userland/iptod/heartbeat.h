/* SPDX-License-Identifier: GPL-2.0 */
/*
 * heartbeat.h - the heartbeat wire format, its authentication and the
 * replay protection of the receiving side.  No sockets here: iptod sends and
 * receives, this codes, checks and counts.
 *
 * A heartbeat is one UDP datagram, all integers in network byte order:
 *
 *   offset size
 *    0      4   magic "IPTO"
 *    4      1   version (2)
 *    5      1   flags: IPTOD_HB_FIT (the sender can serve its own
 *               addresses), IPTOD_HB_FENCED (it answers none of them now),
 *               IPTOD_HB_QUORUM (it sees a majority)
 *    6      2   nheld: entries in the held list, at most IPTO_NODES_MAX
 *    8      4   sender node id
 *   12      8   boot: the sender's boot counter, larger at each start of
 *               its daemon (kept on disk, whatever the clock does)
 *   20      8   seq: 1 for the first heartbeat of a boot, +1 for each next
 *   28      8   challenge: a random number the sender drew at its start
 *   36      8   echo: the receiver's challenge, as the sender last heard
 *               it (0 until it has)
 *   44      8   ack: the newest seq of the receiver's current boot that the
 *               sender accepted (0 until it has): the receiver learns
 *               that the sender had heard it by the time it sent that
 *               seq, and so cannot declare it dead before then plus the
 *               dead time (iptod(8), "The quorum lease")
 *   52  4*nheld held: ids of the nodes whose addresses the sender holds now
 *   ...    32   HMAC-SHA256 (libsodium crypto_auth_hmacsha256) of every
 *               byte before it, under the cluster's shared key
 *
 * A receiver accepts a datagram only if it has exactly this length, the
 * magic and version match, the MAC verifies, the echo is the receiver's
 * own challenge of this start, and, for its sender, (boot, seq) is newer
 * than the newest accepted: a larger boot, or the same boot and a larger
 * seq.  So a captured heartbeat cannot be played back, not even to a
 * receiver that restarted since (it echoes that receiver's old challenge),
 * and a sender that restarted starts afresh (its boot is larger).  The
 * receiver learns each sender's challenge from every authentic heartbeat
 * of that sender's newest boot, accepted or not, and echoes it in the
 * heartbeats it sends to that sender; two daemons that start together
 * accept each other's heartbeats from the second round on.
 */
#ifndef IPTOD_HEARTBEAT_H
#define IPTOD_HEARTBEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/ipto.h>

#define IPTOD_HB_MAGIC		"IPTO"
#define IPTOD_HB_VERSION	2
#define IPTOD_HB_HEADER_LEN	52
#define IPTOD_HB_MAC_LEN	32
#define IPTOD_HB_MAX_LEN	(IPTOD_HB_HEADER_LEN + 4 * IPTO_NODES_MAX + IPTOD_HB_MAC_LEN)

#define IPTOD_HB_FIT		0x01
#define IPTOD_HB_FENCED		0x02
#define IPTOD_HB_QUORUM		0x04

/* The key as used for the MAC (a SHA-256 of the key file's contents). */
struct iptod_key {
	uint8_t bytes[32];
};

struct iptod_heartbeat {
	uint8_t flags;
	uint32_t node;
	uint64_t boot;
	uint64_t seq;
	uint64_t challenge;
	uint64_t echo;
	uint64_t ack;
	uint16_t nheld;
	uint32_t held[IPTO_NODES_MAX];
};

/* Why a datagram was not accepted; also the index of its counter. */
enum iptod_hb_verdict {
	IPTOD_HB_OK,
	IPTOD_HB_MALFORMED,	/* length, magic, version, nheld, flags */
	IPTOD_HB_BAD_MAC,	/* wrong key or altered */
	IPTOD_HB_REPLAY,	/* (boot, seq) not newer than the last accepted */
	IPTOD_HB_UNKNOWN_NODE,	/* the sender id is no peer (checked by iptod) */
	IPTOD_HB_WRONG_SOURCE,	/* not from the peer's heartbeat address (iptod) */
	IPTOD_HB_STALE,		/* does not echo the receiver's challenge (iptod) */
	IPTOD_HB_NVERDICTS
};

/* A short name of the verdict for logs and counters: "ok", "malformed"... */
const char *iptod_hb_verdict_name(enum iptod_hb_verdict v);

/*
 * Reads the key file: it must be a regular file owned by root (or by the
 * effective user), not readable or writable by group or others, with
 * IPTOD_KEY_MIN..IPTOD_KEY_MAX bytes (config.h).  Returns 0, or -1 with a
 * message naming the file and what is wrong in err (and *key zeroed).  The
 * key is the SHA-256 of the file's bytes as they are, a final newline
 * included.  A symbolic link is refused.  Initialises libsodium (idempotent;
 * encode and decode do so too), so callers need not.
 */
int iptod_key_load(const char *path, struct iptod_key *key, char *err,
		   size_t errlen);

/*
 * Encodes hb into buf (at least IPTOD_HB_MAX_LEN bytes); returns its length.
 * Writes what it is given, unchecked (a tool can forge bad values), except
 * that nheld is cut to IPTO_NODES_MAX.
 */
size_t iptod_hb_encode(const struct iptod_heartbeat *hb,
		       const struct iptod_key *key, uint8_t *buf);

/*
 * Decodes and authenticates a datagram; returns IPTOD_HB_OK with *hb filled,
 * or IPTOD_HB_MALFORMED / IPTOD_HB_BAD_MAC (*hb untouched).  No replay
 * check here.  Before the MAC only the framing is looked at (length, magic,
 * version, nheld); after it, unknown flag bits, a sender or held id outside
 * 1..IPTO_NODE_ID_MAX, seq 0 and challenge 0 are malformed too.
 */
enum iptod_hb_verdict iptod_hb_decode(const uint8_t *buf, size_t len,
				      const struct iptod_key *key,
				      struct iptod_heartbeat *hb);

/* The replay window of one sender: the newest (boot, seq) accepted. */
struct iptod_hb_window {
	bool seen;
	uint64_t boot;
	uint64_t seq;
};

/*
 * Checks hb against the sender's window; if newer, advances the window and
 * returns IPTOD_HB_OK, else IPTOD_HB_REPLAY and leaves it.
 */
enum iptod_hb_verdict iptod_hb_window_accept(struct iptod_hb_window *w,
					     const struct iptod_heartbeat *hb);

#endif /* IPTOD_HEARTBEAT_H */
