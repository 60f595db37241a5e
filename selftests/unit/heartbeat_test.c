// SPDX-License-Identifier: GPL-2.0
/*
 * heartbeat_test.c - cmocka unit tests of iptod's heartbeat codec,
 * userland/iptod/heartbeat.c.  This file owns:
 *   - a golden packet computed independently (Python hashlib/hmac) that
 *     pins the wire format and the key derivation;
 *   - round trips (0, some and 64 held ids, extreme field values);
 *   - rejections: every single-bit flip, every truncation and extension,
 *     a wrong key, fields that only a valid MAC lets be looked at, and
 *     10,000 random datagrams (fixed seed, printed; HEARTBEAT_TEST_SEED
 *     overrides it) of three kinds: noise, well-framed noise, and valid
 *     packets with bytes changed;
 *   - the replay window;
 *   - the key file checks, on files in a fresh directory under /tmp;
 *   - the boot counter and the state directory, in another one;
 *   - the verdict names.
 * Datagrams are always decoded from a heap copy of exactly their length, so
 * that AddressSanitizer sees any read beyond it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <sodium.h>

#include "boot.h"
#include "config.h"
#include "heartbeat.h"

#define RANDOM_DATAGRAMS	10000
#define RANDOM_SEED_DEFAULT	0x1eb7a11eULL

/* The golden packet's key file contents (40 bytes, final newline included). */
static const char golden_key_text[] = "ipto heartbeat test key, 32+ bytes long\n";

/* SHA-256 of golden_key_text. */
static const uint8_t golden_key[32] = {
	0xc1, 0xd2, 0x0f, 0x40, 0xaf, 0xd9, 0xc7, 0x54, 0x58, 0xc2, 0xfa, 0x93,
	0x5f, 0x5a, 0xd2, 0x86, 0xc8, 0xdc, 0x2a, 0x1d, 0x86, 0x34, 0xb3, 0x20,
	0x8c, 0x65, 0xbd, 0x98, 0x2d, 0xa2, 0xe8, 0xa7,
};

/*
 * version 2, flags FIT|QUORUM, node 2, boot 0x0005f1e2d3c4b5a6, seq 7,
 * challenge 0x1122334455667788, echo 0x99aabbccddeeff00, ack 5, held 1
 * and 3,
 * under golden_key; the MAC from Python's hmac module.
 */
static const uint8_t golden_packet[] = {
	0x49, 0x50, 0x54, 0x4f, 0x02, 0x05, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x05, 0xf1, 0xe2, 0xd3, 0xc4, 0xb5, 0xa6, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x07, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03,
	0xf0, 0xef, 0x7b, 0xd6, 0x6e, 0x99, 0x50, 0x45, 0x85, 0xa8, 0x64, 0x26,
	0xe7, 0x01, 0x20, 0x87, 0x36, 0x50, 0x38, 0x29, 0x99, 0xf8, 0x85, 0x67,
	0x8c, 0x6d, 0xe9, 0x93, 0xd4, 0xb2, 0x06, 0xda,
};

static const struct iptod_heartbeat golden_hb = {
	.flags = IPTOD_HB_FIT | IPTOD_HB_QUORUM,
	.node = 2,
	.boot = 0x0005f1e2d3c4b5a6ULL,
	.seq = 7,
	.challenge = 0x1122334455667788ULL,
	.echo = 0x99aabbccddeeff00ULL,
	.ack = 5,
	.nheld = 2,
	.held = { 1, 3 },
};

/* ---- helpers ---- */

static struct iptod_key test_key(uint8_t fill)
{
	struct iptod_key key;

	for (size_t i = 0; i < sizeof(key.bytes); i++)
		key.bytes[i] = (uint8_t)(fill + 37 * i);
	return key;
}

static struct iptod_heartbeat make_hb(unsigned int nheld)
{
	struct iptod_heartbeat hb;

	memset(&hb, 0, sizeof(hb));
	hb.flags = IPTOD_HB_FIT;
	hb.node = 3;
	hb.boot = 1700000000123456ULL;
	hb.seq = 42;
	hb.challenge = 0x0102030405060708ULL;
	hb.nheld = nheld;
	for (unsigned int i = 0; i < nheld; i++)
		hb.held[i] = IPTO_NODE_ID_MAX - i;
	return hb;
}

/* Decodes len bytes of buf from a heap copy of exactly that size. */
static enum iptod_hb_verdict decode_exact(const uint8_t *buf, size_t len,
					  const struct iptod_key *key,
					  struct iptod_heartbeat *hb)
{
	enum iptod_hb_verdict v;
	uint8_t *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	if (len)
		memcpy(copy, buf, len);
	v = iptod_hb_decode(copy, len, key, hb);
	free(copy);
	return v;
}

static void assert_hb_equal(const struct iptod_heartbeat *a,
			    const struct iptod_heartbeat *b)
{
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->node, b->node);
	assert_true(a->boot == b->boot);
	assert_true(a->seq == b->seq);
	assert_true(a->challenge == b->challenge);
	assert_true(a->echo == b->echo);
	assert_true(a->ack == b->ack);
	assert_int_equal(a->nheld, b->nheld);
	for (unsigned int i = 0; i < a->nheld; i++)
		assert_int_equal(a->held[i], b->held[i]);
}

/* The verdict a packet must get once the byte at off is changed. */
static enum iptod_hb_verdict verdict_if_changed(size_t off)
{
	/* magic, version, nheld: framing; anything else only fails the MAC */
	if (off < 5 || off == 6 || off == 7)
		return IPTOD_HB_MALFORMED;
	return IPTOD_HB_BAD_MAC;
}

/* splitmix64: small, fixed, the same everywhere */
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

/* ---- golden packet and round trips ---- */

static void test_golden(void **state)
{
	struct iptod_key key;
	struct iptod_heartbeat hb;
	uint8_t buf[IPTOD_HB_MAX_LEN];
	uint8_t digest[32];
	size_t len;

	(void)state;
	assert_int_equal(sodium_init() >= 0, 1);
	crypto_hash_sha256(digest, (const uint8_t *)golden_key_text,
			   strlen(golden_key_text));
	assert_memory_equal(digest, golden_key, sizeof(golden_key));

	memcpy(key.bytes, golden_key, sizeof(key.bytes));
	len = iptod_hb_encode(&golden_hb, &key, buf);
	assert_int_equal(len, sizeof(golden_packet));
	assert_memory_equal(buf, golden_packet, len);

	memset(&hb, 0x5a, sizeof(hb));
	assert_int_equal(decode_exact(golden_packet, sizeof(golden_packet),
				      &key, &hb), IPTOD_HB_OK);
	assert_hb_equal(&hb, &golden_hb);
}

static void round_trip(const struct iptod_heartbeat *in)
{
	struct iptod_key key = test_key(1);
	struct iptod_heartbeat out;
	uint8_t buf[IPTOD_HB_MAX_LEN + 16];
	size_t len;

	memset(buf, 0xee, sizeof(buf));
	len = iptod_hb_encode(in, &key, buf);
	assert_int_equal(len, IPTOD_HB_HEADER_LEN + 4 * in->nheld +
			 IPTOD_HB_MAC_LEN);
	for (size_t i = len; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xee);	/* nothing written beyond */
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(decode_exact(buf, len, &key, &out), IPTOD_HB_OK);
	assert_hb_equal(&out, in);
}

static void test_round_trip(void **state)
{
	struct iptod_heartbeat hb;

	(void)state;
	hb = make_hb(0);
	round_trip(&hb);
	hb = make_hb(1);
	round_trip(&hb);
	hb = make_hb(IPTO_NODES_MAX);
	round_trip(&hb);

	/* extremes of every field */
	hb = make_hb(IPTO_NODES_MAX);
	hb.flags = IPTOD_HB_FIT | IPTOD_HB_FENCED | IPTOD_HB_QUORUM;
	hb.node = IPTO_NODE_ID_MAX;
	hb.boot = UINT64_MAX;
	hb.seq = UINT64_MAX;
	hb.challenge = UINT64_MAX;
	hb.echo = UINT64_MAX;
	hb.ack = UINT64_MAX;
	for (unsigned int i = 0; i < IPTO_NODES_MAX; i++)
		hb.held[i] = i % 2 ? 1 : IPTO_NODE_ID_MAX;
	round_trip(&hb);
	hb = make_hb(0);
	hb.flags = 0;
	hb.node = 1;
	hb.boot = 0;
	hb.seq = 1;
	hb.challenge = 1;
	hb.echo = 0;
	round_trip(&hb);
	for (unsigned int f = 0; f <= 7; f++) {
		hb = make_hb(2);
		hb.flags = f;
		round_trip(&hb);
	}
}

/* encode never writes more than IPTOD_HB_MAX_LEN, whatever nheld says */
static void test_encode_clamps_nheld(void **state)
{
	struct iptod_key key = test_key(2);
	struct iptod_heartbeat in = make_hb(IPTO_NODES_MAX), out;
	uint8_t buf[IPTOD_HB_MAX_LEN];

	(void)state;
	in.nheld = IPTO_NODES_MAX + 1;
	assert_int_equal(iptod_hb_encode(&in, &key, buf), IPTOD_HB_MAX_LEN);
	in.nheld = UINT16_MAX;
	assert_int_equal(iptod_hb_encode(&in, &key, buf), IPTOD_HB_MAX_LEN);
	assert_int_equal(decode_exact(buf, IPTOD_HB_MAX_LEN, &key, &out),
			 IPTOD_HB_OK);
	assert_int_equal(out.nheld, IPTO_NODES_MAX);
}

/* ---- rejections ---- */

static void test_bit_flips(void **state)
{
	static const unsigned int nhelds[] = { 0, 3, IPTO_NODES_MAX };
	struct iptod_key key = test_key(3);
	unsigned int checked = 0;

	(void)state;
	for (size_t k = 0; k < sizeof(nhelds) / sizeof(nhelds[0]); k++) {
		struct iptod_heartbeat hb = make_hb(nhelds[k]), out, before;
		uint8_t buf[IPTOD_HB_MAX_LEN];
		size_t len = iptod_hb_encode(&hb, &key, buf);

		memset(&before, 0x3c, sizeof(before));
		for (size_t bit = 0; bit < 8 * len; bit++) {
			enum iptod_hb_verdict v;

			buf[bit / 8] ^= 1u << (bit % 8);
			out = before;
			v = decode_exact(buf, len, &key, &out);
			buf[bit / 8] ^= 1u << (bit % 8);
			if (v != verdict_if_changed(bit / 8))
				fail_msg("nheld %u, bit %zu (byte %zu) flipped: %s, want %s",
					 nhelds[k], bit, bit / 8,
					 iptod_hb_verdict_name(v),
					 iptod_hb_verdict_name(verdict_if_changed(bit / 8)));
			/* a refused datagram leaves *hb alone */
			assert_memory_equal(&out, &before, sizeof(out));
			checked++;
		}
		assert_int_equal(decode_exact(buf, len, &key, &out),
				 IPTOD_HB_OK);
	}
	print_message("bit flips: %u packets checked\n", checked);
}

static void test_truncation(void **state)
{
	static const unsigned int nhelds[] = { 0, 3, IPTO_NODES_MAX };
	struct iptod_key key = test_key(4);

	(void)state;
	for (size_t k = 0; k < sizeof(nhelds) / sizeof(nhelds[0]); k++) {
		struct iptod_heartbeat hb = make_hb(nhelds[k]), out;
		uint8_t buf[IPTOD_HB_MAX_LEN + 8];
		size_t len = iptod_hb_encode(&hb, &key, buf);

		for (size_t cut = 0; cut < len; cut++) {
			enum iptod_hb_verdict v = decode_exact(buf, cut, &key,
							       &out);

			if (v != IPTOD_HB_MALFORMED)
				fail_msg("nheld %u cut to %zu of %zu bytes: %s",
					 nhelds[k], cut, len,
					 iptod_hb_verdict_name(v));
		}
		/* one byte more, of either value; one held entry more */
		buf[len] = 0;
		assert_int_equal(decode_exact(buf, len + 1, &key, &out),
				 IPTOD_HB_MALFORMED);
		buf[len] = 0xff;
		assert_int_equal(decode_exact(buf, len + 1, &key, &out),
				 IPTOD_HB_MALFORMED);
		memset(buf + len, 0, 4);
		assert_int_equal(decode_exact(buf, len + 4, &key, &out),
				 IPTOD_HB_MALFORMED);
		assert_int_equal(decode_exact(buf, len, &key, &out),
				 IPTOD_HB_OK);
	}
}

static void test_wrong_key(void **state)
{
	struct iptod_key key = test_key(5), other = test_key(6), near = key;
	struct iptod_heartbeat hb = make_hb(4), out;
	uint8_t buf[IPTOD_HB_MAX_LEN];
	size_t len;

	(void)state;
	len = iptod_hb_encode(&hb, &key, buf);
	assert_int_equal(decode_exact(buf, len, &other, &out),
			 IPTOD_HB_BAD_MAC);
	for (size_t bit = 0; bit < 8 * sizeof(near.bytes); bit++) {
		near.bytes[bit / 8] ^= 1u << (bit % 8);
		assert_int_equal(decode_exact(buf, len, &near, &out),
				 IPTOD_HB_BAD_MAC);
		near.bytes[bit / 8] ^= 1u << (bit % 8);
	}
	assert_int_equal(decode_exact(buf, len, &key, &out), IPTOD_HB_OK);
}

/*
 * Fields judged only after the MAC: correctly authenticated, still
 * malformed; under another key, bad_mac (the MAC is checked first).
 */
static void check_after_mac(const struct iptod_heartbeat *hb, const char *what)
{
	struct iptod_key key = test_key(7), other = test_key(8);
	struct iptod_heartbeat out;
	uint8_t buf[IPTOD_HB_MAX_LEN];
	size_t len = iptod_hb_encode(hb, &key, buf);
	enum iptod_hb_verdict v;

	v = decode_exact(buf, len, &key, &out);
	if (v != IPTOD_HB_MALFORMED)
		fail_msg("%s, right key: %s, want malformed", what,
			 iptod_hb_verdict_name(v));
	v = decode_exact(buf, len, &other, &out);
	if (v != IPTOD_HB_BAD_MAC)
		fail_msg("%s, wrong key: %s, want bad_mac", what,
			 iptod_hb_verdict_name(v));
}

/* A packet with raw framing fields, correctly authenticated by hand. */
static size_t forge_framing(uint8_t *buf, const char *magic, uint8_t version,
			    uint16_t nheld, size_t nentries,
			    const struct iptod_key *key)
{
	struct iptod_heartbeat hb = make_hb(0);
	size_t body = IPTOD_HB_HEADER_LEN + 4 * nentries;

	iptod_hb_encode(&hb, key, buf);
	memcpy(buf, magic, 4);
	buf[4] = version;
	buf[6] = nheld >> 8;
	buf[7] = nheld & 0xff;
	for (size_t i = 0; i < nentries; i++) {
		buf[IPTOD_HB_HEADER_LEN + 4 * i] = 0;
		buf[IPTOD_HB_HEADER_LEN + 4 * i + 1] = 0;
		buf[IPTOD_HB_HEADER_LEN + 4 * i + 2] = 0;
		buf[IPTOD_HB_HEADER_LEN + 4 * i + 3] = 1;
	}
	crypto_auth_hmacsha256(buf + body, buf, body, key->bytes);
	return body + IPTOD_HB_MAC_LEN;
}

static void test_malformed_fields(void **state)
{
	static const uint8_t bad_flags[] = { 0x08, 0x10, 0x80, 0xff };
	static const uint32_t bad_ids[] = { 0, IPTO_NODE_ID_MAX + 1, UINT32_MAX };
	struct iptod_key key = test_key(7);
	struct iptod_heartbeat hb, out;
	uint8_t buf[IPTOD_HB_MAX_LEN + 4 * 8];
	char what[64];
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_flags); i++) {
		hb = make_hb(1);
		hb.flags = bad_flags[i];
		snprintf(what, sizeof(what), "flags 0x%02x", bad_flags[i]);
		check_after_mac(&hb, what);
	}
	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		hb = make_hb(1);
		hb.node = bad_ids[i];
		snprintf(what, sizeof(what), "node %u", bad_ids[i]);
		check_after_mac(&hb, what);

		hb = make_hb(IPTO_NODES_MAX);
		hb.held[IPTO_NODES_MAX - 1] = bad_ids[i];
		snprintf(what, sizeof(what), "last held id %u", bad_ids[i]);
		check_after_mac(&hb, what);

		hb = make_hb(3);
		hb.held[0] = bad_ids[i];
		snprintf(what, sizeof(what), "first held id %u", bad_ids[i]);
		check_after_mac(&hb, what);
	}
	hb = make_hb(0);
	hb.seq = 0;
	check_after_mac(&hb, "seq 0");
	hb = make_hb(0);
	hb.challenge = 0;
	check_after_mac(&hb, "challenge 0");

	/* framing wrong, MAC right: still malformed */
	len = forge_framing(buf, "IPTO", 2, 1, 1, &key);
	assert_int_equal(decode_exact(buf, len, &key, &out), IPTOD_HB_OK);
	len = forge_framing(buf, "IPTX", 2, 1, 1, &key);
	assert_int_equal(decode_exact(buf, len, &key, &out),
			 IPTOD_HB_MALFORMED);
	len = forge_framing(buf, "ipto", 2, 1, 1, &key);
	assert_int_equal(decode_exact(buf, len, &key, &out),
			 IPTOD_HB_MALFORMED);
	len = forge_framing(buf, "IPTO", 0, 1, 1, &key);
	assert_int_equal(decode_exact(buf, len, &key, &out),
			 IPTOD_HB_MALFORMED);
	len = forge_framing(buf, "IPTO", 1, 1, 1, &key);	/* version 1 */
	assert_int_equal(decode_exact(buf, len, &key, &out),
			 IPTOD_HB_MALFORMED);
	len = forge_framing(buf, "IPTO", 3, 1, 1, &key);
	assert_int_equal(decode_exact(buf, len, &key, &out),
			 IPTOD_HB_MALFORMED);
	/* nheld matching the length, but more than the kernel's nodes */
	len = forge_framing(buf, "IPTO", 2, IPTO_NODES_MAX + 1,
			    IPTO_NODES_MAX + 1, &key);
	assert_int_equal(decode_exact(buf, len, &key, &out),
			 IPTOD_HB_MALFORMED);
	len = forge_framing(buf, "IPTO", 2, IPTO_NODES_MAX, IPTO_NODES_MAX,
			    &key);
	assert_int_equal(decode_exact(buf, len, &key, &out), IPTOD_HB_OK);
	/* nheld not matching the length */
	len = forge_framing(buf, "IPTO", 2, 2, 1, &key);
	assert_int_equal(decode_exact(buf, len, &key, &out),
			 IPTOD_HB_MALFORMED);
	len = forge_framing(buf, "IPTO", 2, 0, 1, &key);
	assert_int_equal(decode_exact(buf, len, &key, &out),
			 IPTOD_HB_MALFORMED);
	len = forge_framing(buf, "IPTO", 2, UINT16_MAX, 1, &key);
	assert_int_equal(decode_exact(buf, len, &key, &out),
			 IPTOD_HB_MALFORMED);
}

static void test_random_datagrams(void **state)
{
	struct iptod_key key = test_key(9);
	unsigned int counts[IPTOD_HB_NVERDICTS] = { 0 };
	unsigned long long seed = RANDOM_SEED_DEFAULT;
	const char *env = getenv("HEARTBEAT_TEST_SEED");

	(void)state;
	if (env && *env)
		seed = strtoull(env, NULL, 0);
	rng_state = seed;
	print_message("random datagrams: seed 0x%llx (HEARTBEAT_TEST_SEED)\n",
		      seed);
	for (unsigned int n = 0; n < RANDOM_DATAGRAMS; n++) {
		uint8_t buf[IPTOD_HB_MAX_LEN + 64];
		struct iptod_heartbeat out;
		enum iptod_hb_verdict v, want;
		unsigned int kind = n % 3;
		size_t len = 0;

		if (kind == 0) {
			/* noise of any length */
			len = rng_below(sizeof(buf) + 1);
			for (size_t i = 0; i < len; i++)
				buf[i] = (uint8_t)rng_next();
			want = IPTOD_HB_NVERDICTS;	/* anything but ok */
		} else if (kind == 1) {
			/* noise with valid framing: must reach the MAC */
			unsigned int nheld = rng_below(IPTO_NODES_MAX + 1);

			len = IPTOD_HB_HEADER_LEN + 4 * nheld +
			      IPTOD_HB_MAC_LEN;
			for (size_t i = 0; i < len; i++)
				buf[i] = (uint8_t)rng_next();
			memcpy(buf, IPTOD_HB_MAGIC, 4);
			buf[4] = IPTOD_HB_VERSION;
			buf[6] = 0;
			buf[7] = nheld;
			want = IPTOD_HB_BAD_MAC;
		} else {
			/* a valid packet with 1..4 bytes changed */
			struct iptod_heartbeat hb = make_hb(rng_below(IPTO_NODES_MAX + 1));
			unsigned int changes = 1 + rng_below(4);

			hb.flags = rng_below(8);
			hb.node = 1 + rng_below(IPTO_NODE_ID_MAX);
			hb.boot = rng_next();
			hb.seq = 1 + rng_next() % UINT64_MAX;
			len = iptod_hb_encode(&hb, &key, buf);
			for (unsigned int c = 0; c < changes; c++)
				buf[rng_below(len)] ^= 1 + rng_below(255);
			want = IPTOD_HB_NVERDICTS;
		}
		v = decode_exact(buf, len, &key, &out);
		if (v == IPTOD_HB_OK ||
		    (v != IPTOD_HB_MALFORMED && v != IPTOD_HB_BAD_MAC) ||
		    (want != IPTOD_HB_NVERDICTS && v != want))
			fail_msg("seed 0x%llx datagram %u (kind %u, %zu bytes): %s",
				 seed, n, kind, len, iptod_hb_verdict_name(v));
		counts[v]++;
	}
	print_message("random datagrams: %u malformed, %u bad_mac, 0 accepted\n",
		      counts[IPTOD_HB_MALFORMED], counts[IPTOD_HB_BAD_MAC]);
}

/* ---- replay window ---- */

static struct iptod_heartbeat hb_at(uint64_t boot, uint64_t seq)
{
	struct iptod_heartbeat hb = make_hb(0);

	hb.boot = boot;
	hb.seq = seq;
	return hb;
}

static void expect_window(struct iptod_hb_window *w, uint64_t boot,
			  uint64_t seq, enum iptod_hb_verdict want)
{
	struct iptod_heartbeat hb = hb_at(boot, seq);
	struct iptod_hb_window before = *w;
	enum iptod_hb_verdict v = iptod_hb_window_accept(w, &hb);

	if (v != want)
		fail_msg("window (%llu, %llu) seen %d: (%llu, %llu) got %s, want %s",
			 (unsigned long long)before.boot,
			 (unsigned long long)before.seq, before.seen,
			 (unsigned long long)boot, (unsigned long long)seq,
			 iptod_hb_verdict_name(v), iptod_hb_verdict_name(want));
	if (v == IPTOD_HB_OK) {
		assert_true(w->seen);
		assert_true(w->boot == boot);
		assert_true(w->seq == seq);
	} else {
		assert_memory_equal(w, &before, sizeof(*w));
	}
}

static void test_window(void **state)
{
	struct iptod_hb_window w;

	(void)state;
	memset(&w, 0, sizeof(w));
	/* the first heartbeat ever, whatever its seq */
	expect_window(&w, 1000, 50, IPTOD_HB_OK);
	expect_window(&w, 1000, 50, IPTOD_HB_REPLAY);	/* the same twice */
	expect_window(&w, 1000, 49, IPTOD_HB_REPLAY);	/* older seq */
	expect_window(&w, 1000, 1, IPTOD_HB_REPLAY);
	expect_window(&w, 1000, 51, IPTOD_HB_OK);	/* newer seq */
	expect_window(&w, 1000, 60, IPTOD_HB_OK);	/* a gap is fine */
	expect_window(&w, 1000, 55, IPTOD_HB_REPLAY);
	expect_window(&w, 2000, 1, IPTOD_HB_OK);	/* restarted: newer boot */
	expect_window(&w, 2000, 1, IPTOD_HB_REPLAY);
	expect_window(&w, 1000, 61, IPTOD_HB_REPLAY);	/* older boot */
	expect_window(&w, 1999, UINT64_MAX, IPTOD_HB_REPLAY);
	expect_window(&w, 0, 1, IPTOD_HB_REPLAY);
	expect_window(&w, 2000, 2, IPTOD_HB_OK);
	expect_window(&w, 2000, UINT64_MAX, IPTOD_HB_OK);
	expect_window(&w, 2000, UINT64_MAX, IPTOD_HB_REPLAY);
	expect_window(&w, UINT64_MAX, 1, IPTOD_HB_OK);
	expect_window(&w, UINT64_MAX, UINT64_MAX, IPTOD_HB_OK);
	expect_window(&w, UINT64_MAX, UINT64_MAX, IPTOD_HB_REPLAY);

	/* an empty window takes boot 0 too */
	memset(&w, 0, sizeof(w));
	expect_window(&w, 0, 1, IPTOD_HB_OK);
	expect_window(&w, 0, 1, IPTOD_HB_REPLAY);
}

/* decode + window together, as iptod uses them: a captured packet replayed */
static void test_window_replayed_packet(void **state)
{
	struct iptod_key key = test_key(10);
	struct iptod_heartbeat hb = make_hb(2), out;
	struct iptod_hb_window w = { 0 };
	uint8_t first[IPTOD_HB_MAX_LEN], second[IPTOD_HB_MAX_LEN];
	size_t len1, len2;

	(void)state;
	len1 = iptod_hb_encode(&hb, &key, first);
	hb.seq++;
	len2 = iptod_hb_encode(&hb, &key, second);
	assert_int_equal(decode_exact(first, len1, &key, &out), IPTOD_HB_OK);
	assert_int_equal(iptod_hb_window_accept(&w, &out), IPTOD_HB_OK);
	assert_int_equal(decode_exact(second, len2, &key, &out), IPTOD_HB_OK);
	assert_int_equal(iptod_hb_window_accept(&w, &out), IPTOD_HB_OK);
	assert_int_equal(decode_exact(first, len1, &key, &out), IPTOD_HB_OK);
	assert_int_equal(iptod_hb_window_accept(&w, &out), IPTOD_HB_REPLAY);
	assert_int_equal(decode_exact(second, len2, &key, &out), IPTOD_HB_OK);
	assert_int_equal(iptod_hb_window_accept(&w, &out), IPTOD_HB_REPLAY);
}

/* ---- key file ---- */

struct keydir {
	char path[64];
};

static int keydir_setup(void **state)
{
	struct keydir *d = calloc(1, sizeof(*d));

	if (!d)
		return -1;
	snprintf(d->path, sizeof(d->path), "/tmp/heartbeat_test.XXXXXX");
	if (!mkdtemp(d->path)) {
		free(d);
		return -1;
	}
	*state = d;
	return 0;
}

static int keydir_teardown(void **state)
{
	struct keydir *d = *state;
	struct dirent *e;
	DIR *dir;
	int ret = 0;

	dir = opendir(d->path);
	if (!dir)
		return -1;
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(dir), e->d_name, 0) < 0 &&
		    unlinkat(dirfd(dir), e->d_name, AT_REMOVEDIR) < 0)
			ret = -1;
	}
	closedir(dir);
	if (rmdir(d->path) < 0)
		ret = -1;
	free(d);
	return ret;
}

/* Creates d/name with exactly mode and len bytes of content (or pattern). */
static const char *key_file(struct keydir *d, const char *name,
			    const void *content, size_t len, mode_t mode)
{
	static char path[128];
	uint8_t pattern[IPTOD_KEY_MAX * 2];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", d->path, name);
	if (!content) {
		assert_true(len <= sizeof(pattern));
		for (size_t i = 0; i < len; i++)
			pattern[i] = (uint8_t)(i * 7 + 1);
		content = pattern;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
	return path;
}

static void key_filled(struct iptod_key *key)
{
	memset(key->bytes, 0xaa, sizeof(key->bytes));
}

static void assert_key_zero(const struct iptod_key *key)
{
	for (size_t i = 0; i < sizeof(key->bytes); i++)
		assert_int_equal(key->bytes[i], 0);
}

/* Loading path fails with a message naming it and containing each of want. */
static void expect_key_error(const char *path, const char *want1,
			     const char *want2)
{
	struct iptod_key key;
	char err[512] = "";
	char prefix[200];

	key_filled(&key);
	if (iptod_key_load(path, &key, err, sizeof(err)) != -1)
		fail_msg("%s: loaded, want an error with \"%s\"", path, want1);
	snprintf(prefix, sizeof(prefix), "%s: ", path);
	if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, want1) ||
	    (want2 && !strstr(err, want2)))
		fail_msg("%s: message \"%s\", want \"%s\"%s%s", path, err,
			 want1, want2 ? " and " : "", want2 ? want2 : "");
	assert_key_zero(&key);
}

static void expect_key_ok(const char *path, const void *content, size_t len)
{
	struct iptod_key key;
	uint8_t want[32];
	char err[512] = "";

	key_filled(&key);
	if (iptod_key_load(path, &key, err, sizeof(err)) != 0)
		fail_msg("%s: %s", path, err);
	crypto_hash_sha256(want, content, len);
	assert_memory_equal(key.bytes, want, sizeof(want));
}

static void test_key_ok(void **state)
{
	struct keydir *d = *state;
	uint8_t pattern[IPTOD_KEY_MAX];
	struct iptod_key key;
	const char *path;
	char err[256];

	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 1);

	/* the golden key file gives the golden key */
	path = key_file(d, "golden", golden_key_text, strlen(golden_key_text),
			0600);
	assert_int_equal(iptod_key_load(path, &key, err, sizeof(err)), 0);
	assert_memory_equal(key.bytes, golden_key, sizeof(golden_key));

	path = key_file(d, "min", NULL, IPTOD_KEY_MIN, 0600);
	expect_key_ok(path, pattern, IPTOD_KEY_MIN);
	path = key_file(d, "max", NULL, IPTOD_KEY_MAX, 0600);
	expect_key_ok(path, pattern, IPTOD_KEY_MAX);
	path = key_file(d, "readonly", NULL, 100, 0400);
	expect_key_ok(path, pattern, 100);
	path = key_file(d, "owner-exec", NULL, 100, 0700);
	expect_key_ok(path, pattern, 100);
	/* loading twice gives the same key (and sodium_init again is fine) */
	expect_key_ok(path, pattern, 100);
}

static void test_key_missing(void **state)
{
	struct keydir *d = *state;
	char path[128];

	snprintf(path, sizeof(path), "%s/missing", d->path);
	expect_key_error(path, "cannot open", "No such file or directory");
	snprintf(path, sizeof(path), "%s/missing/key", d->path);
	expect_key_error(path, "cannot open", NULL);
	expect_key_error("", "cannot open", NULL);
}

static void test_key_symlink(void **state)
{
	struct keydir *d = *state;
	char target[128], link[128];
	uint8_t pattern[64];

	snprintf(target, sizeof(target), "%s", key_file(d, "target", NULL, 64,
							0600));
	snprintf(link, sizeof(link), "%s/link", d->path);
	assert_int_equal(symlink(target, link), 0);
	expect_key_error(link, "symbolic link", NULL);
	/* the file itself is fine */
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 1);
	expect_key_ok(target, pattern, sizeof(pattern));
}

static void test_key_mode(void **state)
{
	static const struct {
		mode_t mode;
		const char *want;
	} modes[] = {
		{ 0644, "is readable by group or others (mode 0644); chmod 600" },
		{ 0640, "is readable by group or others (mode 0640); chmod 600" },
		{ 0604, "is readable by group or others (mode 0604); chmod 600" },
		{ 0666, "is readable by group or others (mode 0666); chmod 600" },
		{ 0620, "is accessible by group or others (mode 0620); chmod 600" },
		{ 0602, "is accessible by group or others (mode 0602); chmod 600" },
		{ 0610, "is accessible by group or others (mode 0610); chmod 600" },
		{ 0601, "is accessible by group or others (mode 0601); chmod 600" },
	};
	struct keydir *d = *state;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char name[32];
		const char *path;

		snprintf(name, sizeof(name), "mode%04o",
			 (unsigned int)modes[i].mode);
		path = key_file(d, name, NULL, 64, modes[i].mode);
		expect_key_error(path, modes[i].want, NULL);
	}
}

static void test_key_size(void **state)
{
	struct keydir *d = *state;
	char want[64];
	const char *path;

	path = key_file(d, "empty", NULL, 0, 0600);
	expect_key_error(path, "has 0 bytes; a key file needs 32 to 256", NULL);
	path = key_file(d, "short", NULL, IPTOD_KEY_MIN - 1, 0600);
	snprintf(want, sizeof(want), "has %d bytes; a key file needs %d to %d",
		 IPTOD_KEY_MIN - 1, IPTOD_KEY_MIN, IPTOD_KEY_MAX);
	expect_key_error(path, want, NULL);
	path = key_file(d, "long", NULL, IPTOD_KEY_MAX + 1, 0600);
	snprintf(want, sizeof(want), "has %d bytes; a key file needs %d to %d",
		 IPTOD_KEY_MAX + 1, IPTOD_KEY_MIN, IPTOD_KEY_MAX);
	expect_key_error(path, want, NULL);
	path = key_file(d, "longer", NULL, 2 * IPTOD_KEY_MAX, 0600);
	expect_key_error(path, "a key file needs", NULL);
}

static void test_key_not_regular(void **state)
{
	struct keydir *d = *state;
	char path[128];

	snprintf(path, sizeof(path), "%s/dir", d->path);
	assert_int_equal(mkdir(path, 0700), 0);
	expect_key_error(path, "is not a regular file", NULL);
	/* a FIFO is refused, not waited on */
	snprintf(path, sizeof(path), "%s/fifo", d->path);
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_key_error(path, "is not a regular file", NULL);
	expect_key_error("/dev/null", "is not a regular file", NULL);
}

static void test_key_owner(void **state)
{
	struct keydir *d = *state;
	const char *path;

	if (geteuid() != 0) {
		print_message("key owner: not root, cannot give a file away; skipped\n");
		skip();
	}
	path = key_file(d, "foreign", NULL, 64, 0600);
	assert_int_equal(chown(path, 4242, 0), 0);
	expect_key_error(path, "is owned by uid 4242, not by root or uid 0",
			 NULL);
}

/* A short err buffer is cut, never overrun. */
static void test_key_short_err(void **state)
{
	struct keydir *d = *state;
	struct iptod_key key;
	char *err = malloc(8);
	const char *path;

	assert_non_null(err);
	path = key_file(d, "open", NULL, 64, 0644);
	assert_int_equal(iptod_key_load(path, &key, err, 8), -1);
	assert_int_equal(strlen(err), 7);
	free(err);
}

/* ---- the boot counter ---- */

static char *read_text(const char *path)
{
	static char buf[64];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

/* Removes a test's directory under /tmp and what is in it. */
static void remove_dir(const char *dir)
{
	char cmd[128];

	assert_true(strncmp(dir, "/tmp/iptod-boot-", 16) == 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_boot_counter(void **state)
{
	char dir[] = "/tmp/iptod-boot-XXXXXX", sub[64], path[96], err[256];
	uint64_t boot = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (uint64_t want = 1; want <= 3; want++) {
		assert_int_equal(iptod_boot_next(dir, "ipto0", &boot, err, sizeof(err)), 0);
		assert_true(boot == want);
	}
	snprintf(path, sizeof(path), "%s/ipto0.boot", dir);
	assert_string_equal(read_text(path), "3\n");
	/* one counter per device */
	assert_int_equal(iptod_boot_next(dir, "ipto1", &boot, err, sizeof(err)), 0);
	assert_true(boot == 1);
	/* a missing state directory is created */
	snprintf(sub, sizeof(sub), "%s/state", dir);
	assert_int_equal(iptod_boot_next(sub, "ipto0", &boot, err, sizeof(err)), 0);
	assert_true(boot == 1);
	/* larger than any earlier boot, whatever the clock said then */
	int fd = open(path, O_WRONLY | O_TRUNC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "1700000000123456\n", 17), 17);
	close(fd);
	assert_int_equal(iptod_boot_next(dir, "ipto0", &boot, err, sizeof(err)), 0);
	assert_true(boot == 1700000000123457ULL);
	remove_dir(dir);
}

static void test_boot_counter_refused(void **state)
{
	static const char *const damaged[] = {
		"", "abc\n", "-1\n", "12 13\n", "18446744073709551615\n",
		"99999999999999999999\n", " 7\n",
	};
	char dir[] = "/tmp/iptod-boot-XXXXXX", path[96], bad[96], err[256];
	uint64_t boot = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ipto0.boot", dir);
	for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, damaged[i], strlen(damaged[i])),
				 (ssize_t)strlen(damaged[i]));
		close(fd);
		err[0] = '\0';
		assert_int_equal(iptod_boot_next(dir, "ipto0", &boot, err, sizeof(err)), -1);
		assert_non_null(strstr(err, path));
		assert_non_null(strstr(err, "not a number"));
		assert_string_equal(read_text(path), damaged[i]);	/* left alone */
	}
	/* a state directory that cannot be made */
	snprintf(bad, sizeof(bad), "%s/ipto0.boot/state", dir);
	assert_int_equal(iptod_boot_next(bad, "ipto0", &boot, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "state directory"));
	remove_dir(dir);
}

static void test_state_dir(void **state)
{
	char buf[64];

	(void)state;
	unsetenv("STATE_DIRECTORY");
	assert_string_equal(iptod_state_dir(buf, sizeof(buf)), "/var/lib/ipto");
	setenv("STATE_DIRECTORY", "/var/lib/a:/var/lib/b", 1);
	assert_string_equal(iptod_state_dir(buf, sizeof(buf)), "/var/lib/a");
	unsetenv("STATE_DIRECTORY");
}

/* ---- verdict names ---- */

static void test_verdict_names(void **state)
{
	static const char *const want[IPTOD_HB_NVERDICTS] = {
		[IPTOD_HB_OK] = "ok",
		[IPTOD_HB_MALFORMED] = "malformed",
		[IPTOD_HB_BAD_MAC] = "bad_mac",
		[IPTOD_HB_REPLAY] = "replay",
		[IPTOD_HB_UNKNOWN_NODE] = "unknown_node",
		[IPTOD_HB_WRONG_SOURCE] = "wrong_source",
		[IPTOD_HB_STALE] = "stale",
	};

	(void)state;
	for (int v = 0; v < IPTOD_HB_NVERDICTS; v++) {
		assert_non_null(want[v]);
		assert_string_equal(iptod_hb_verdict_name(v), want[v]);
	}
	assert_string_equal(iptod_hb_verdict_name(IPTOD_HB_NVERDICTS),
			    "invalid");
	assert_string_equal(iptod_hb_verdict_name((enum iptod_hb_verdict)-1),
			    "invalid");
	assert_string_equal(iptod_hb_verdict_name((enum iptod_hb_verdict)1000),
			    "invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encode_clamps_nheld),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_malformed_fields),
		cmocka_unit_test(test_random_datagrams),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_window_replayed_packet),
		cmocka_unit_test_setup_teardown(test_key_ok, keydir_setup,
						keydir_teardown),
		cmocka_unit_test_setup_teardown(test_key_missing, keydir_setup,
						keydir_teardown),
		cmocka_unit_test_setup_teardown(test_key_symlink, keydir_setup,
						keydir_teardown),
		cmocka_unit_test_setup_teardown(test_key_mode, keydir_setup,
						keydir_teardown),
		cmocka_unit_test_setup_teardown(test_key_size, keydir_setup,
						keydir_teardown),
		cmocka_unit_test_setup_teardown(test_key_not_regular,
						keydir_setup, keydir_teardown),
		cmocka_unit_test_setup_teardown(test_key_owner, keydir_setup,
						keydir_teardown),
		cmocka_unit_test_setup_teardown(test_key_short_err,
						keydir_setup, keydir_teardown),
		cmocka_unit_test(test_boot_counter),
		cmocka_unit_test(test_boot_counter_refused),
		cmocka_unit_test(test_state_dir),
		cmocka_unit_test(test_verdict_names),
	};

	return cmocka_run_group_tests_name("iptod_heartbeat", tests, NULL,
					   NULL);
}
