// SPDX-License-Identifier: GPL-2.0
/*
 * args: parsing the iptoctl command line: keywords and their values.  Only
 * what cannot be put into a request is refused here; whether a value makes
 * sense (ranges, combinations) is the kernel's to say.
 */
#include "args.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "lib/names.h"

static struct keyword *find_keyword(struct keyword *kws, size_t n,
				    const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (kws[i].name && strcmp(kws[i].name, name) == 0)
			return &kws[i];
	}
	return NULL;
}

int parse_keywords(const char *cmd, int argc, char **argv,
		   struct keyword *kws, size_t n)
{
	size_t i;
	int arg;

	for (arg = 0; arg < argc; arg++) {
		struct keyword *kw = find_keyword(kws, n, argv[arg]);

		if (!kw)
			return usage_error("%s: unknown argument '%s'", cmd, argv[arg]);
		if (kw->value)
			return usage_error("%s: '%s' given twice", cmd, kw->name);
		if (kw->flag) {
			kw->value = kw->name;
			continue;
		}
		if (++arg == argc || !argv[arg][0])
			return usage_error("%s: '%s' needs %s", cmd, kw->name, kw->needs);
		kw->value = argv[arg];
	}
	for (i = 0; i < n; i++) {
		if (kws[i].name && kws[i].required && !kws[i].value)
			return usage_error("%s: '%s' is required", cmd, kws[i].name);
	}
	return EXIT_OK;
}

int parse_ifname(const char *cmd, const char *value)
{
	if (strlen(value) >= IFNAMSIZ)
		return usage_error("%s: device name '%s' is too long (at most %d characters)",
				   cmd, value, IFNAMSIZ - 1);
	return EXIT_OK;
}

int parse_name(const char *cmd, const char *kw, const char *value, size_t size)
{
	if (strlen(value) >= size)
		return usage_error("%s: %s '%s' is too long (at most %zu characters)",
				   cmd, kw, value, size - 1);
	return EXIT_OK;
}

/* Whether text is a decimal number no greater than max: digits only. */
static bool parse_decimal(const char *text, unsigned long max,
			  unsigned long *out)
{
	unsigned long value = 0;
	const char *p;

	if (!*text)
		return false;
	for (p = text; *p; p++) {
		unsigned int digit = (unsigned int)(*p - '0');

		if (*p < '0' || *p > '9' || value > (max - digit) / 10)
			return false;
		value = value * 10 + digit;
	}
	*out = value;
	return true;
}

int parse_u32(const char *cmd, const char *kw, const char *value,
	      uint32_t *out)
{
	unsigned long n;

	if (!parse_decimal(value, UINT32_MAX, &n))
		return usage_error("%s: %s '%s' is not a number 0-%u",
				   cmd, kw, value, UINT32_MAX);
	*out = (uint32_t)n;
	return EXIT_OK;
}

bool port_from_text(const char *text, uint16_t *port)
{
	unsigned long n;

	if (!parse_decimal(text, UINT16_MAX, &n) || n == 0)
		return false;
	*port = (uint16_t)n;
	return true;
}

int parse_port_range(const char *cmd, const char *value, uint16_t *min,
		     uint16_t *max, bool *has_max)
{
	char first[sizeof("65535")];
	const char *dash = strchr(value, '-');
	size_t len = dash ? (size_t)(dash - value) : strlen(value);

	if (len >= sizeof(first))
		goto bad;
	memcpy(first, value, len);
	first[len] = '\0';
	if (!port_from_text(first, min))
		goto bad;
	*has_max = dash != NULL;
	*max = *min;
	if (!dash || port_from_text(dash + 1, max))
		return EXIT_OK;
bad:
	return usage_error("%s: port '%s' is not 1-65535", cmd, value);
}

/* The "/LEN" of an address: 0-128. */
static int parse_prefixlen(const char *cmd, const char *text,
			   struct cli_addr *addr)
{
	unsigned long n;

	if (!parse_decimal(text, 128, &n))
		return usage_error("%s: prefix length '%s' is not 0-128", cmd, text);
	addr->has_prefixlen = true;
	addr->prefixlen = (uint8_t)n;
	return EXIT_OK;
}

int parse_address(const char *cmd, const char *value, struct cli_addr *addr)
{
	char text[INET6_ADDRSTRLEN];
	const char *slash = strchr(value, '/');
	size_t len = slash ? (size_t)(slash - value) : strlen(value);

	memset(addr, 0, sizeof(*addr));
	if (len < sizeof(text)) {
		memcpy(text, value, len);
		text[len] = '\0';
		if (inet_pton(AF_INET, text, addr->bytes) == 1)
			addr->family = AF_INET;
		else if (inet_pton(AF_INET6, text, addr->bytes) == 1)
			addr->family = AF_INET6;
	}
	if (!addr->family)
		return usage_error("%s: '%.*s' is not an IPv4 or IPv6 address",
				   cmd, (int)len, value);
	return slash ? parse_prefixlen(cmd, slash + 1, addr) : EXIT_OK;
}

/* How many items the comma-separated list text has: commas + 1. */
static size_t count_items(const char *text)
{
	size_t n = 1;

	for (; *text; text++)
		n += *text == ',';
	return n;
}

/*
 * The next item of a comma-separated list at *p, copied into buf (when it
 * fits: false if not, or if it is empty); *p moves past it and its comma.
 * *item and *len tell where it was, for a message.
 */
static bool next_item(const char **p, char *buf, size_t size,
		      const char **item, int *len)
{
	size_t n = strcspn(*p, ",");

	*item = *p;
	*len = (int)n;
	*p += n + ((*p)[n] == ',');
	if (n == 0 || n >= size)
		return false;
	memcpy(buf, *item, n);
	buf[n] = '\0';
	return true;
}

int parse_address_list(const char *cmd, const char *kw, const char *value,
		       size_t max, struct cli_addr **addrs, size_t *n)
{
	size_t count = count_items(value), i;
	const char *p = value, *item;
	char text[INET6_ADDRSTRLEN];
	int len;

	*addrs = NULL;
	*n = 0;
	if (count > max)
		return usage_error("%s: %s: %zu addresses, at most %zu",
				   cmd, kw, count, max);
	*addrs = calloc(count, sizeof(**addrs));
	if (!*addrs) {
		fprintf(stderr, PROG ": %s: out of memory\n", cmd);
		return EXIT_FAILED;
	}
	for (i = 0; i < count; i++) {
		int ret;

		if (!next_item(&p, text, sizeof(text), &item, &len)) {
			if (len == 0)
				return usage_error("%s: %s '%s' is not a list of addresses A[,A...]",
						   cmd, kw, value);
			return usage_error("%s: '%.*s' is not an IPv4 or IPv6 address",
					   cmd, len, item);
		}
		if (strchr(text, '/'))
			return usage_error("%s: %s '%s' takes no /LEN", cmd, kw, text);
		ret = parse_address(cmd, text, &(*addrs)[i]);
		if (ret != EXIT_OK)
			return ret;
		(*n)++;
	}
	return EXIT_OK;
}

int parse_standby(const char *cmd, const char *value, struct cli_standby *out)
{
	size_t count = count_items(value), i;
	const char *p = value, *item;
	char text[sizeof("4294967295")];
	int len;

	out->n = 0;
	if (strcmp(value, "none") == 0)
		return EXIT_OK;
	if (count > IPTO_STANDBY_MAX)
		return usage_error("%s: standby: %zu nodes, at most %d",
				   cmd, count, IPTO_STANDBY_MAX);
	for (i = 0; i < count; i++) {
		int ret;

		if (!next_item(&p, text, sizeof(text), &item, &len)) {
			if (len == 0)
				return usage_error("%s: standby '%s' is not a list of node numbers N[,N...] or none",
						   cmd, value);
			return usage_error("%s: standby '%.*s' is not a number 0-%u",
					   cmd, len, item, UINT32_MAX);
		}
		ret = parse_u32(cmd, "standby", text, &out->ids[i]);
		if (ret != EXIT_OK)
			return ret;
		out->n++;
	}
	return EXIT_OK;
}

int parse_action(const char *cmd, const char *kw, const char *value,
		 uint8_t *action)
{
	if (!action_from_name(value, action))
		return usage_error("%s: %s must be " ACTION_WORDS, cmd, kw);
	return EXIT_OK;
}

int parse_proto(const char *cmd, const char *value, uint8_t *proto)
{
	if (!proto_from_name(value, proto))
		return usage_error("%s: proto must be " PROTO_WORDS, cmd);
	return EXIT_OK;
}

int parse_on_off(const char *cmd, const char *kw, const char *value,
		 uint8_t *on)
{
	if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
		return usage_error("%s: %s must be on or off", cmd, kw);
	*on = strcmp(value, "on") == 0;
	return EXIT_OK;
}

int parse_node_state(const char *cmd, const char *value, uint8_t *state)
{
	if (!node_state_from_name(value, state))
		return usage_error("%s: state must be " NODE_STATE_WORDS, cmd);
	return EXIT_OK;
}

int parse_failback(const char *cmd, const char *kw, const char *value,
		   uint8_t *failback)
{
	if (!failback_from_name(value, failback))
		return usage_error("%s: %s must be " FAILBACK_WORDS, cmd, kw);
	return EXIT_OK;
}
