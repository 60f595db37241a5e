/* SPDX-License-Identifier: GPL-2.0 */
/*
 * names: the words iptoctl reads and prints for protocol values: actions
 * (enum ipto_action) and service protocols.
 */
#ifndef IPTOCTL_NAMES_H
#define IPTOCTL_NAMES_H

#include <stdbool.h>
#include <stdint.h>

/* The action words as a usage message lists them. */
#define ACTION_WORDS "reject, drop or serve"
#define PROTO_WORDS "tcp or udp"

/* "reject", "drop", "serve", or NULL for a value this version does not know. */
const char *action_name(uint8_t action);
bool action_from_name(const char *word, uint8_t *action);

/* "tcp" or "udp" for IPPROTO_TCP or IPPROTO_UDP, else NULL. */
const char *proto_name(uint8_t proto);
bool proto_from_name(const char *word, uint8_t *proto);

#endif /* IPTOCTL_NAMES_H */
