// SPDX-License-Identifier: GPL-2.0
/*
 * names: the tables between protocol values and the words iptoctl uses.
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

const char *action_name(uint8_t action)
{
	return action < MNL_ARRAY_SIZE(action_names) ? action_names[action] : NULL;
}

bool action_from_name(const char *word, uint8_t *action)
{
	uint8_t i;

	for (i = 0; i < MNL_ARRAY_SIZE(action_names); i++) {
		if (strcmp(word, action_names[i]) == 0) {
			*action = i;
			return true;
		}
	}
	return false;
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
