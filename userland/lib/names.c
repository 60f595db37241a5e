// SPDX-License-Identifier: GPL-2.0
/*
 * names: the tables between protocol values and the words the ipto tools
 * use.
 */
#include "names.h"

#include <netinet/in.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/ipto.h>

static const char *const action_names[] = {
	[IPTO_ACTION_REJECT] = "reject",
	[IPTO_ACTION_DROP] = "drop",
	[IPTO_ACTION_SERVE] = "serve",
};
_Static_assert(MNL_ARRAY_SIZE(action_names) == IPTO_ACTION_MAX + 1,
	       "every enum ipto_action needs a name (and ACTION_WORDS)");

static const struct {
	uint8_t proto;
	const char *name;
} proto_names[] = {
	{ IPPROTO_TCP, "tcp" },
	{ IPPROTO_UDP, "udp" },
};

static const char *const node_state_names[] = {
	[IPTO_NODE_DOWN] = "down",
	[IPTO_NODE_UP] = "up",
	[IPTO_NODE_DRAIN] = "drain",
};

static const char *const failback_names[] = {
	[IPTO_FAILBACK_AUTO] = "auto",
	[IPTO_FAILBACK_MANUAL] = "manual",
};

static const char *const fence_names[] = {
	[IPTO_FENCE_NONE] = "none",
	[IPTO_FENCE_REQUEST] = "request",
	[IPTO_FENCE_LEASE] = "lease",
};

/* Indexed by enum ipto_event, which starts at 1. */
static const char *const event_names[] = {
	[IPTO_EVENT_NODE_UP] = "node-up",
	[IPTO_EVENT_NODE_DOWN] = "node-down",
	[IPTO_EVENT_ADOPTED] = "adopted",
	[IPTO_EVENT_RELEASED] = "released",
	[IPTO_EVENT_GUARD_MARK] = "guard-mark",
	[IPTO_EVENT_GUARD_LIFT] = "guard-lift",
	[IPTO_EVENT_ALERT] = "alert",
	[IPTO_EVENT_FENCED] = "fenced",
	[IPTO_EVENT_UNFENCED] = "unfenced",
	[IPTO_EVENT_NODE_DRAIN] = "node-drain",
};

/* names[value], or NULL when value has no entry. */
static const char *name_at(const char *const *names, size_t n, uint8_t value)
{
	return value < n ? names[value] : NULL;
}

/* The index of word in names[0..n), which may have holes. */
static bool index_of(const char *const *names, size_t n, const char *word,
		     uint8_t *value)
{
	uint8_t i;

	for (i = 0; i < n; i++) {
		if (names[i] && strcmp(word, names[i]) == 0) {
			*value = i;
			return true;
		}
	}
	return false;
}

const char *action_name(uint8_t action)
{
	return name_at(action_names, MNL_ARRAY_SIZE(action_names), action);
}

bool action_from_name(const char *word, uint8_t *action)
{
	return index_of(action_names, MNL_ARRAY_SIZE(action_names), word, action);
}

const char *proto_name(uint8_t proto)
{
	size_t i;

	for (i = 0; i < MNL_ARRAY_SIZE(proto_names); i++) {
		if (proto_names[i].proto == proto)
			return proto_names[i].name;
	}
	return NULL;
}

bool proto_from_name(const char *word, uint8_t *proto)
{
	size_t i;

	for (i = 0; i < MNL_ARRAY_SIZE(proto_names); i++) {
		if (strcmp(word, proto_names[i].name) == 0) {
			*proto = proto_names[i].proto;
			return true;
		}
	}
	return false;
}

const char *node_state_name(uint8_t state)
{
	return name_at(node_state_names, MNL_ARRAY_SIZE(node_state_names), state);
}

bool node_state_from_name(const char *word, uint8_t *state)
{
	return index_of(node_state_names, MNL_ARRAY_SIZE(node_state_names),
			word, state);
}

const char *failback_name(uint8_t failback)
{
	return name_at(failback_names, MNL_ARRAY_SIZE(failback_names), failback);
}

bool failback_from_name(const char *word, uint8_t *failback)
{
	return index_of(failback_names, MNL_ARRAY_SIZE(failback_names), word,
			failback);
}

const char *fence_name(uint8_t fence)
{
	return name_at(fence_names, MNL_ARRAY_SIZE(fence_names), fence);
}

const char *event_name(uint8_t event)
{
	return name_at(event_names, MNL_ARRAY_SIZE(event_names), event);
}
