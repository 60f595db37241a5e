/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hb_fuzz_key.h - the fixed heartbeat key shared by the heartbeat fuzz
 * harness (hb_fuzz.c) and its seed generator (hb_seeds.c), so that the
 * committed seeds are correctly signed heartbeats for the harness.
 */
#ifndef IPTO_HB_FUZZ_KEY_H
#define IPTO_HB_FUZZ_KEY_H

#include "heartbeat.h"

/* Arbitrary bytes; only the harness and the seeds must agree on them. */
static const struct iptod_key hb_fuzz_key = {
	.bytes = {
		0x69, 0x70, 0x74, 0x6f, 0x2d, 0x66, 0x75, 0x7a,
		0x7a, 0x2d, 0x6b, 0x65, 0x79, 0x00, 0x11, 0x22,
		0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa,
		0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01, 0x02, 0x03,
	},
};

#endif /* IPTO_HB_FUZZ_KEY_H */
