// SPDX-License-Identifier: GPL-2.0
/*
 * hb_seeds.c - writes the seed corpus of the heartbeat fuzz harness: valid
 * heartbeats signed with the harness's fixed key (hb_fuzz_key.h), from an
 * empty held list to a full one and extreme field values, heartbeats that
 * are signed but malformed behind the MAC, and truncations.
 *   hb_seeds DIR     writes DIR/NAME, one datagram per file
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heartbeat.h"
#include "hb_fuzz_key.h"

static int write_seed(const char *dir, const char *name, const uint8_t *buf,
		      size_t len)
{
	char path[4096];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		fprintf(stderr, "hb_seeds: %s/%s: path too long\n", dir, name);
		return -1;
	}
	f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "hb_seeds: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "hb_seeds: %s: cannot write\n", path);
		return -1;
	}
	return 0;
}

static int write_hb(const char *dir, const char *name,
		    const struct iptod_heartbeat *hb)
{
	uint8_t buf[IPTOD_HB_MAX_LEN];
	size_t len = iptod_hb_encode(hb, &hb_fuzz_key, buf);

	return write_seed(dir, name, buf, len);
}

int main(int argc, char **argv)
{
	struct iptod_heartbeat two_held = {
		.flags = IPTOD_HB_FIT | IPTOD_HB_QUORUM, .node = 2,
		.boot = 0x0005f1e2d3c4b5a6ULL, .seq = 7,
		.challenge = 0x1122334455667788ULL, .echo = 0x99aabbccddeeff00ULL, .ack = 5,
		.nheld = 2, .held = { 1, 3 },
	};
	struct iptod_heartbeat none_held = {
		.flags = IPTOD_HB_FIT, .node = 1, .boot = 1, .seq = 1, .challenge = 1,
	};
	struct iptod_heartbeat fenced = {
		.flags = IPTOD_HB_FENCED, .node = 3, .boot = 1700000000000001ULL,
		.seq = 42, .challenge = 7, .echo = 9, .ack = 41, .nheld = 1,
		.held = { IPTO_NODE_ID_MAX },
	};
	struct iptod_heartbeat full = {
		.flags = IPTOD_HB_FIT | IPTOD_HB_FENCED | IPTOD_HB_QUORUM,
		.node = IPTO_NODE_ID_MAX, .boot = UINT64_MAX, .seq = UINT64_MAX,
		.challenge = UINT64_MAX, .echo = UINT64_MAX, .ack = UINT64_MAX,
		.nheld = IPTO_NODES_MAX,
	};
	struct iptod_heartbeat bad;
	uint8_t buf[IPTOD_HB_MAX_LEN];
	size_t len;
	int ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: hb_seeds DIR\n");
		return 2;
	}
	for (unsigned int i = 0; i < IPTO_NODES_MAX; i++)
		full.held[i] = i + 1;

	ret |= write_hb(argv[1], "valid-two-held", &two_held);
	ret |= write_hb(argv[1], "valid-none-held", &none_held);
	ret |= write_hb(argv[1], "valid-fenced", &fenced);
	ret |= write_hb(argv[1], "valid-full", &full);

	/* signed, but malformed once the MAC lets the fields be looked at */
	bad = two_held;
	bad.flags = 0x80;
	ret |= write_hb(argv[1], "signed-unknown-flag", &bad);
	bad = two_held;
	bad.seq = 0;
	ret |= write_hb(argv[1], "signed-seq-zero", &bad);
	bad = two_held;
	bad.held[1] = 0;
	ret |= write_hb(argv[1], "signed-held-zero", &bad);
	bad = two_held;
	bad.challenge = 0;
	ret |= write_hb(argv[1], "signed-challenge-zero", &bad);

	/* truncations of a valid one */
	len = iptod_hb_encode(&two_held, &hb_fuzz_key, buf);
	ret |= write_seed(argv[1], "cut-last-byte", buf, len - 1);
	ret |= write_seed(argv[1], "cut-no-mac", buf, len - IPTOD_HB_MAC_LEN);
	ret |= write_seed(argv[1], "cut-header", buf, IPTOD_HB_HEADER_LEN);
	ret |= write_seed(argv[1], "cut-magic", buf, 4);
	return ret ? 1 : 0;
}
