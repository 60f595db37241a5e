// SPDX-License-Identifier: GPL-2.0
/*
 * hb_fuzz.c - libFuzzer harness of iptod's heartbeat codec
 * (userland/iptod/heartbeat.c).  Each input is one datagram, decoded twice
 * under the fixed key of hb_fuzz_key.h:
 *   - as received: anything but "ok", "malformed" or "bad_mac" is a finding,
 *     and so is "ok" for a datagram the key did not sign (see below);
 *   - re-signed: the last 32 bytes replaced by the correct MAC of the bytes
 *     before them, so that mutations reach the checks behind the MAC (flags,
 *     node ids, seq); "bad_mac" is then a finding.
 * Every datagram that decodes is checked further: its fields are in the
 * ranges heartbeat.h promises, re-encoding it gives back the same bytes, and
 * a fresh replay window accepts it once, then refuses it and anything older
 * while accepting anything newer.  A finding aborts, so libFuzzer saves the
 * input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "heartbeat.h"
#include "hb_fuzz_key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define finding(...) do {						\
	fprintf(stderr, "hb_fuzz: FINDING: " __VA_ARGS__);		\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

static void expect_window(struct iptod_hb_window *w,
			  const struct iptod_heartbeat *hb,
			  enum iptod_hb_verdict want, const char *what)
{
	struct iptod_hb_window before = *w;
	enum iptod_hb_verdict got = iptod_hb_window_accept(w, hb);

	if (got != want)
		finding("window: %s (boot %llu seq %llu against boot %llu seq %llu): %s, want %s",
			what, (unsigned long long)hb->boot,
			(unsigned long long)hb->seq,
			(unsigned long long)before.boot,
			(unsigned long long)before.seq,
			iptod_hb_verdict_name(got), iptod_hb_verdict_name(want));
	if (got == IPTOD_HB_OK &&
	    (!w->seen || w->boot != hb->boot || w->seq != hb->seq))
		finding("window: %s accepted but the window did not move to it", what);
	if (got != IPTOD_HB_OK && memcmp(w, &before, sizeof(before)))
		finding("window: %s refused but the window changed", what);
}

/* A fresh window and one sender's heartbeats around hb. */
static void check_window(const struct iptod_heartbeat *hb)
{
	struct iptod_hb_window w = { 0 };
	struct iptod_heartbeat other = *hb;

	expect_window(&w, hb, IPTOD_HB_OK, "first heartbeat");
	expect_window(&w, hb, IPTOD_HB_REPLAY, "the same again");
	if (hb->seq > 1) {
		other.seq = hb->seq - 1;
		expect_window(&w, &other, IPTOD_HB_REPLAY, "older seq");
	}
	if (hb->boot > 0) {
		other.boot = hb->boot - 1;
		other.seq = UINT64_MAX;
		expect_window(&w, &other, IPTOD_HB_REPLAY, "older boot");
	}
	if (hb->seq < UINT64_MAX) {
		other.boot = hb->boot;
		other.seq = hb->seq + 1;
		expect_window(&w, &other, IPTOD_HB_OK, "next seq");
		expect_window(&w, hb, IPTOD_HB_REPLAY, "the first after the next");
	}
	if (hb->boot < UINT64_MAX) {
		other.boot = hb->boot + 1;
		other.seq = 1;
		expect_window(&w, &other, IPTOD_HB_OK, "a later boot");
		expect_window(&w, hb, IPTOD_HB_REPLAY, "the first after a later boot");
	}
}

static void check_decoded(const uint8_t *data, size_t size,
			  const struct iptod_heartbeat *hb)
{
	uint8_t again[IPTOD_HB_MAX_LEN];
	size_t len;

	if (hb->flags & ~(IPTOD_HB_FIT | IPTOD_HB_FENCED | IPTOD_HB_QUORUM))
		finding("decoded unknown flags 0x%02x", hb->flags);
	if (hb->node < 1 || hb->node > IPTO_NODE_ID_MAX)
		finding("decoded sender id %u", hb->node);
	if (hb->seq < 1)
		finding("decoded seq 0");
	if (hb->nheld > IPTO_NODES_MAX)
		finding("decoded nheld %u", hb->nheld);
	for (unsigned int i = 0; i < hb->nheld; i++) {
		if (hb->held[i] < 1 || hb->held[i] > IPTO_NODE_ID_MAX)
			finding("decoded held[%u] = %u", i, hb->held[i]);
	}

	len = iptod_hb_encode(hb, &hb_fuzz_key, again);
	if (len != size)
		finding("round trip: %zu bytes decoded, %zu encoded", size, len);
	if (memcmp(again, data, size))
		finding("round trip: re-encoding gives other bytes");

	check_window(hb);
}

static void check_verdict(enum iptod_hb_verdict v, const char *what)
{
	if (v != IPTOD_HB_OK && v != IPTOD_HB_MALFORMED && v != IPTOD_HB_BAD_MAC)
		finding("%s: decode returned %d (%s)", what, (int)v,
			iptod_hb_verdict_name(v));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct iptod_heartbeat untouched = { .node = 0xdeadbeef };
	struct iptod_heartbeat hb;
	enum iptod_hb_verdict v;
	uint8_t *resigned;
	size_t body;

	memcpy(&hb, &untouched, sizeof(hb));	/* padding included */
	v = iptod_hb_decode(data, size, &hb_fuzz_key, &hb);
	check_verdict(v, "as received");
	if (v != IPTOD_HB_OK && memcmp(&hb, &untouched, sizeof(hb)))
		finding("as received: %s, yet the heartbeat was written",
			iptod_hb_verdict_name(v));
	if (v == IPTOD_HB_OK) {
		if (size < IPTOD_HB_MAC_LEN ||
		    crypto_auth_hmacsha256_verify(data + size - IPTOD_HB_MAC_LEN,
						  data, size - IPTOD_HB_MAC_LEN,
						  hb_fuzz_key.bytes) != 0)
			finding("as received: ok without a valid MAC");
		check_decoded(data, size, &hb);
	}

	if (size < IPTOD_HB_HEADER_LEN + IPTOD_HB_MAC_LEN ||
	    size > IPTOD_HB_MAX_LEN)
		return 0;
	/* an exact-size heap copy, so AddressSanitizer sees any overread */
	resigned = malloc(size);
	if (!resigned)
		return 0;
	memcpy(resigned, data, size);
	body = size - IPTOD_HB_MAC_LEN;
	crypto_auth_hmacsha256(resigned + body, resigned, body, hb_fuzz_key.bytes);
	memcpy(&hb, &untouched, sizeof(hb));
	v = iptod_hb_decode(resigned, size, &hb_fuzz_key, &hb);
	check_verdict(v, "re-signed");
	if (v == IPTOD_HB_BAD_MAC)
		finding("re-signed: bad_mac for a correctly signed datagram");
	if (v == IPTOD_HB_OK)
		check_decoded(resigned, size, &hb);
	free(resigned);
	return 0;
}
