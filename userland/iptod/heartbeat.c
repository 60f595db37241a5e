// SPDX-License-Identifier: GPL-2.0
/*
 * heartbeat.c - the heartbeat codec: the cluster key read from its file,
 * heartbeats encoded and authenticated, datagrams checked and decoded, and
 * the replay window of one sender.  The wire format is heartbeat.h's; the
 * cryptography is libsodium's (HMAC-SHA256, SHA-256, constant-time compare).
 */
#include "heartbeat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"

#define HB_OFF_MAGIC	0
#define HB_OFF_VERSION	4
#define HB_OFF_FLAGS	5
#define HB_OFF_NHELD	6
#define HB_OFF_NODE	8
#define HB_OFF_BOOT	12
#define HB_OFF_SEQ	20
#define HB_OFF_CHALLENGE	28
#define HB_OFF_ECHO	36
#define HB_OFF_ACK	44
#define HB_OFF_HELD	IPTOD_HB_HEADER_LEN

#define HB_FLAGS_KNOWN	(IPTOD_HB_FIT | IPTOD_HB_FENCED | IPTOD_HB_QUORUM)

_Static_assert(sizeof(IPTOD_HB_MAGIC) - 1 == HB_OFF_VERSION - HB_OFF_MAGIC,
	       "magic is 4 bytes");
_Static_assert(HB_OFF_ACK + 8 == IPTOD_HB_HEADER_LEN, "header layout");
_Static_assert(IPTOD_HB_MAC_LEN == crypto_auth_hmacsha256_BYTES, "MAC size");
_Static_assert(sizeof(((struct iptod_key *)0)->bytes) ==
	       crypto_auth_hmacsha256_KEYBYTES, "key size");
_Static_assert(sizeof(((struct iptod_key *)0)->bytes) ==
	       crypto_hash_sha256_BYTES, "key derivation size");
_Static_assert(IPTO_NODES_MAX <= UINT16_MAX, "nheld is 16 bits");

static const char *const verdict_names[IPTOD_HB_NVERDICTS] = {
	[IPTOD_HB_OK] = "ok",
	[IPTOD_HB_MALFORMED] = "malformed",
	[IPTOD_HB_BAD_MAC] = "bad_mac",
	[IPTOD_HB_REPLAY] = "replay",
	[IPTOD_HB_UNKNOWN_NODE] = "unknown_node",
	[IPTOD_HB_WRONG_SOURCE] = "wrong_source",
	[IPTOD_HB_STALE] = "stale",
};

const char *iptod_hb_verdict_name(enum iptod_hb_verdict v)
{
	if ((unsigned int)v >= IPTOD_HB_NVERDICTS)
		return "invalid";
	return verdict_names[v];
}

/*
 * sodium_init() is idempotent and thread-safe; remember success so that the
 * per-datagram paths do not take its lock each time.  HMAC-SHA256 and
 * SHA-256 have no run-time dispatch in libsodium, so encode and decode
 * compute right even if initialisation failed; iptod_key_load() is where a
 * failure is reported.
 */
static bool sodium_ready(void)
{
	static atomic_bool ready;

	if (atomic_load_explicit(&ready, memory_order_acquire))
		return true;
	if (sodium_init() < 0)
		return false;
	atomic_store_explicit(&ready, true, memory_order_release);
	return true;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
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

static bool node_id_valid(uint32_t id)
{
	return id >= 1 && id <= IPTO_NODE_ID_MAX;
}

/* Reads the whole key file from fd into buf; returns its length or -1. */
static ssize_t read_key_file(int fd, uint8_t *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

int iptod_key_load(const char *path, struct iptod_key *key, char *err,
		   size_t errlen)
{
	/* one byte more than allowed, to see a file grown since fstat */
	uint8_t buf[IPTOD_KEY_MAX + 1];
	struct stat st;
	ssize_t len;
	int fd;

	sodium_memzero(key, sizeof(*key));
	if (!sodium_ready()) {
		snprintf(err, errlen, "%s: libsodium cannot be initialised",
			 path);
		return -1;
	}
	/* O_NONBLOCK: a FIFO in its place must not hang us before fstat */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
		  O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP)
			snprintf(err, errlen,
				 "%s: is a symbolic link; name the key file itself",
				 path);
		else
			snprintf(err, errlen, "%s: cannot open: %s", path,
				 strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: cannot stat: %s", path,
			 strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: is not a regular file", path);
		goto fail;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(err, errlen,
			 "%s: is owned by uid %u, not by root or uid %u; chown it",
			 path, (unsigned int)st.st_uid,
			 (unsigned int)geteuid());
		goto fail;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen,
			 "%s: is %s by group or others (mode %04o); chmod 600",
			 path, st.st_mode & 044 ? "readable" : "accessible",
			 (unsigned int)(st.st_mode & 07777));
		goto fail;
	}
	if (st.st_size < IPTOD_KEY_MIN || st.st_size > IPTOD_KEY_MAX) {
		snprintf(err, errlen,
			 "%s: has %lld bytes; a key file needs %d to %d",
			 path, (long long)st.st_size, IPTOD_KEY_MIN,
			 IPTOD_KEY_MAX);
		goto fail;
	}
	len = read_key_file(fd, buf, sizeof(buf));
	if (len < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(errno));
		goto fail_wipe;
	}
	if (len < IPTOD_KEY_MIN || len > IPTOD_KEY_MAX) {
		snprintf(err, errlen,
			 "%s: changed while read (%zd bytes); a key file needs %d to %d",
			 path, len, IPTOD_KEY_MIN, IPTOD_KEY_MAX);
		goto fail_wipe;
	}
	crypto_hash_sha256(key->bytes, buf, len);
	sodium_memzero(buf, sizeof(buf));
	close(fd);
	return 0;

fail_wipe:
	sodium_memzero(buf, sizeof(buf));
fail:
	close(fd);
	return -1;
}

size_t iptod_hb_encode(const struct iptod_heartbeat *hb,
		       const struct iptod_key *key, uint8_t *buf)
{
	unsigned int nheld = hb->nheld;
	size_t len;

	(void)sodium_ready();
	if (nheld > IPTO_NODES_MAX)
		nheld = IPTO_NODES_MAX;
	memcpy(buf + HB_OFF_MAGIC, IPTOD_HB_MAGIC, 4);
	buf[HB_OFF_VERSION] = IPTOD_HB_VERSION;
	buf[HB_OFF_FLAGS] = hb->flags;
	put_be16(buf + HB_OFF_NHELD, nheld);
	put_be32(buf + HB_OFF_NODE, hb->node);
	put_be64(buf + HB_OFF_BOOT, hb->boot);
	put_be64(buf + HB_OFF_SEQ, hb->seq);
	put_be64(buf + HB_OFF_CHALLENGE, hb->challenge);
	put_be64(buf + HB_OFF_ECHO, hb->echo);
	put_be64(buf + HB_OFF_ACK, hb->ack);
	for (unsigned int i = 0; i < nheld; i++)
		put_be32(buf + HB_OFF_HELD + 4 * i, hb->held[i]);
	len = HB_OFF_HELD + 4 * nheld;
	crypto_auth_hmacsha256(buf + len, buf, len, key->bytes);
	return len + IPTOD_HB_MAC_LEN;
}

enum iptod_hb_verdict iptod_hb_decode(const uint8_t *buf, size_t len,
				      const struct iptod_key *key,
				      struct iptod_heartbeat *hb)
{
	struct iptod_heartbeat out;
	unsigned int nheld;
	size_t body;

	(void)sodium_ready();
	/* framing only: enough to know where the MAC is */
	if (len < IPTOD_HB_HEADER_LEN + IPTOD_HB_MAC_LEN ||
	    len > IPTOD_HB_MAX_LEN)
		return IPTOD_HB_MALFORMED;
	if (memcmp(buf + HB_OFF_MAGIC, IPTOD_HB_MAGIC, 4) != 0 ||
	    buf[HB_OFF_VERSION] != IPTOD_HB_VERSION)
		return IPTOD_HB_MALFORMED;
	nheld = get_be16(buf + HB_OFF_NHELD);
	if (nheld > IPTO_NODES_MAX)
		return IPTOD_HB_MALFORMED;
	body = HB_OFF_HELD + 4 * (size_t)nheld;
	if (len != body + IPTOD_HB_MAC_LEN)
		return IPTOD_HB_MALFORMED;

	/* constant-time; nothing else is believed before it */
	if (crypto_auth_hmacsha256_verify(buf + body, buf, body,
					  key->bytes) != 0)
		return IPTOD_HB_BAD_MAC;

	memset(&out, 0, sizeof(out));
	out.flags = buf[HB_OFF_FLAGS];
	out.nheld = nheld;
	out.node = get_be32(buf + HB_OFF_NODE);
	out.boot = get_be64(buf + HB_OFF_BOOT);
	out.seq = get_be64(buf + HB_OFF_SEQ);
	out.challenge = get_be64(buf + HB_OFF_CHALLENGE);
	out.echo = get_be64(buf + HB_OFF_ECHO);
	out.ack = get_be64(buf + HB_OFF_ACK);
	if (out.flags & ~HB_FLAGS_KNOWN)
		return IPTOD_HB_MALFORMED;
	if (!node_id_valid(out.node) || out.seq < 1 || !out.challenge)
		return IPTOD_HB_MALFORMED;
	for (unsigned int i = 0; i < nheld; i++) {
		out.held[i] = get_be32(buf + HB_OFF_HELD + 4 * i);
		if (!node_id_valid(out.held[i]))
			return IPTOD_HB_MALFORMED;
	}
	*hb = out;
	return IPTOD_HB_OK;
}

enum iptod_hb_verdict iptod_hb_window_accept(struct iptod_hb_window *w,
					     const struct iptod_heartbeat *hb)
{
	if (w->seen && (hb->boot < w->boot ||
			(hb->boot == w->boot && hb->seq <= w->seq)))
		return IPTOD_HB_REPLAY;
	w->seen = true;
	w->boot = hb->boot;
	w->seq = hb->seq;
	return IPTOD_HB_OK;
}
