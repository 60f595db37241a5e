/* SPDX-License-Identifier: GPL-2.0 */
/*
 * names: the words the ipto tools read and print for protocol values (today
 * iptoctl's command line, show and monitor): actions (enum ipto_action),
 * service protocols, node states, failback modes, fence states and event
 * types.
 */
#ifndef IPTO_NAMES_H
#define IPTO_NAMES_H

#include <stdbool.h>
#include <stdint.h>

/* The words as a usage message lists them. */
#define ACTION_WORDS "reject, drop or serve"
#define PROTO_WORDS "tcp or udp"
#define NODE_STATE_WORDS "up, down or drain"
#define FAILBACK_WORDS "auto or manual"

/*
 * Each *_name() gives the word for a value, or NULL for a value this
 * version does not know; each *_from_name() the value for a word.
 */

/* "reject", "drop", "serve" (enum ipto_action). */
const char *action_name(uint8_t action);
bool action_from_name(const char *word, uint8_t *action);

/* "tcp" or "udp" for IPPROTO_TCP or IPPROTO_UDP. */
const char *proto_name(uint8_t proto);
bool proto_from_name(const char *word, uint8_t *proto);

/* "up", "down" or "drain" (enum ipto_node_state). */
const char *node_state_name(uint8_t state);
bool node_state_from_name(const char *word, uint8_t *state);

/* "auto" or "manual" (enum ipto_failback). */
const char *failback_name(uint8_t failback);
bool failback_from_name(const char *word, uint8_t *failback);

/* "none", "request" or "lease" (enum ipto_fence). */
const char *fence_name(uint8_t fence);

/* "node-up", "node-down", "adopted", ... (enum ipto_event). */
const char *event_name(uint8_t event);

#endif /* IPTO_NAMES_H */
