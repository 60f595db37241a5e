// SPDX-License-Identifier: GPL-2.0
/*
 * config_parse.c - reading iptod's configuration file: inih splits it into
 * sections and KEY = VALUE pairs, and each value is parsed and checked as it
 * comes, with the line it was written on; iptod_config_load() then has the
 * whole checked (config_check.c).  Every message is "FILE:LINE: REASON".
 * iptod.conf(5) is the reference of the format.
 *
 * inih is fed by a line reader of our own (read_line()), which reads the
 * section headers itself.  It stays because inih, as Debian 12 ships it
 * (libinih1 55), cannot tell what the messages need:
 *  - the line: the installed ini.h declares the handler without one
 *    (INI_HANDLER_LINENO 0), and ini_parse_stream() returns only the line
 *    of the first syntax error;
 *  - the sections: inih calls the handler for KEY = VALUE lines only
 *    (INI_CALL_HANDLER_ON_NEW_SECTION is a build option of the library, off,
 *    with no runtime switch), so an empty, repeated, unnamed or unknown
 *    section, or text after its ']', would pass unseen; it also cuts a
 *    section name at 50 characters;
 *  - the line that is wrong: a line that is not KEY = VALUE, or that holds
 *    a NUL byte, is only a line number to inih, or is cut short; a line
 *    longer than its buffer (INI_MAX_LINE, 200) is split silently;
 *  - a continuation line: the handler gets it under the key's name again,
 *    as it would the key written twice.
 * ini_parse_string() and the runtime switches (ini_allow_*, ini_max_line)
 * change none of these.
 */
#include "config_parser.h"

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

const char *const config_cluster_keys[CK_N] = {
	[CK_DEVICE] = "device", [CK_LINK] = "link", [CK_NODE] = "node",
	[CK_PORT] = "port", [CK_INTERVAL] = "interval_ms", [CK_MISSES] = "misses",
	[CK_LEASE] = "lease_ms", [CK_KEY_FILE] = "key_file",
	[CK_FAILBACK] = "failback", [CK_NOTIFY] = "notify", [CK_WITNESS] = "witness",
	[CK_RUN_AS] = "run_as", [CK_CONN_SYNC_MS] = "conn_sync_ms",
	[CK_CONN_SYNC_MAX] = "conn_sync_max", [CK_DRAIN_TIMEOUT] = "drain_timeout_ms",
	[CK_MEMBERSHIP] = "membership",
	[CK_METRICS_FILE] = "metrics_file", [CK_METRICS_ADDRESSES] = "metrics_addresses",
};

const char *const config_node_keys[NK_N] = {
	[NK_ID] = "id", [NK_HEARTBEAT] = "heartbeat", [NK_ADDRESSES] = "addresses",
	[NK_STANDBY] = "standby", [NK_FAILOVER] = "failover",
};

const char *const config_service_keys[SK_N] = {
	[SK_NODE] = "node", [SK_PROTO] = "proto", [SK_PORT] = "port",
	[SK_ACTION] = "action", [SK_STANDBY] = "standby", [SK_FAILOVER] = "failover",
	[SK_CHECK] = "check", [SK_CHECK_INTERVAL] = "check_interval_ms",
	[SK_CHECK_TIMEOUT] = "check_timeout_ms", [SK_FALL] = "fall", [SK_RISE] = "rise",
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static char *skip_space(char *s)
{
	while (is_space(*s))
		s++;
	return s;
}

static void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n && is_space(s[n - 1]))
		s[--n] = '\0';
}

/* Cuts an inline comment: ';' or '#' after white space. */
static void cut_comment(char *s)
{
	char *c;

	for (c = s; *c; c++) {
		if ((*c == ';' || *c == '#') && c > s && is_space(c[-1])) {
			*c = '\0';
			break;
		}
	}
	trim_end(s);
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static bool valid_name(const char *s, size_t size)
{
	size_t n = strlen(s), i;

	if (!n || n >= size)
		return false;
	for (i = 0; i < n; i++) {
		if (!name_char(s[i]))
			return false;
	}
	return true;
}

static int bad_name(struct parser *p, const char *key, const char *kind, const char *v,
		    size_t size)
{
	return fail(p, p->line, "%s: \"%s\" is not a %s name (1 to %zu letters, digits, "
		    "'_', '.' or '-')", key, v, kind, size - 1);
}

/* Strict decimal: digits only, no sign, no space, no overflow. */
static bool parse_decimal(const char *s, unsigned long *out)
{
	unsigned long long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > 0xffffffffULL)
			return false;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	if (v > 0xffffffffULL)
		return false;
	*out = (unsigned long)v;
	return true;
}

static int parse_uint(struct parser *p, const char *key, const char *v,
		      unsigned long min, unsigned long max, const char *what,
		      unsigned int *out)
{
	unsigned long n;

	if (!parse_decimal(v, &n))
		return fail(p, p->line, "%s: \"%s\" is not %s (%lu..%lu)", key, v, what, min, max);
	if (n < min || n > max)
		return fail(p, p->line, "%s: %s is out of range (%s, %lu..%lu)", key, v, what,
			    min, max);
	*out = (unsigned int)n;
	return 0;
}

static int parse_bool(struct parser *p, const char *key, const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return fail(p, p->line, "%s: \"%s\" is not yes or no (yes, on, true, 1, no, off, "
		    "false, 0)", key, v);
}

/* An interface name as the kernel takes it (dev_valid_name). */
static int parse_ifname(struct parser *p, const char *key, const char *v, char *out)
{
	size_t n = strlen(v), i;
	bool ok = n && n < IF_NAMESIZE && strcmp(v, ".") && strcmp(v, "..");

	for (i = 0; ok && i < n; i++) {
		if (v[i] == '/' || v[i] == ':' || is_space(v[i]) ||
		    (unsigned char)v[i] < 0x21 || (unsigned char)v[i] > 0x7e)
			ok = false;
	}
	if (!ok)
		return fail(p, p->line, "%s: \"%s\" is not an interface name (1 to %d printable "
			    "characters, no '/', ':' or space)", key, v, IF_NAMESIZE - 1);
	memcpy(out, v, n + 1);
	return 0;
}

static int parse_path(struct parser *p, const char *key, const char *v, char *out)
{
	size_t n = strlen(v);

	if (v[0] != '/')
		return fail(p, p->line, "%s: \"%s\" is not an absolute path", key, v);
	if (n >= IPTOD_PATH_MAX)
		return fail(p, p->line, "%s: the path is %zu characters long, at most %d are "
			    "allowed", key, n, IPTOD_PATH_MAX - 1);
	memcpy(out, v, n + 1);
	return 0;
}

/* run_as: a user other than root, resolved now (ids and groups). */
static int parse_run_as(struct parser *p, const char *key, const char *v,
			struct iptod_run_as *out)
{
	struct passwd pw, *found = NULL;
	int n = IPTOD_GROUPS_MAX, err;
	char buf[4096];

	if (strlen(v) >= sizeof(out->name))
		return fail(p, p->line, "%s: \"%s\" is too long for a user name", key, v);
	err = getpwnam_r(v, &pw, buf, sizeof(buf), &found);
	if (!found)
		return fail(p, p->line, "%s: no user \"%s\"%s%s", key, v, err ? ": " : "",
			    err ? strerror(err) : "");
	if (pw.pw_uid == 0)
		return fail(p, p->line, "%s: \"%s\" has uid 0, which keeps every capability; "
			    "leave run_as out to run as iptod's own user", key, v);
	if (getgrouplist(v, pw.pw_gid, out->groups, &n) < 0)
		return fail(p, p->line, "%s: user \"%s\" is in more than %d groups", key, v,
			    IPTOD_GROUPS_MAX);
	snprintf(out->name, sizeof(out->name), "%s", v);
	out->uid = pw.pw_uid;
	out->gid = pw.pw_gid;
	out->ngroups = n;
	return 0;
}

static bool addr_parse(const char *s, struct iptod_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		a->family = AF_INET6;
		return true;
	}
	return false;
}

static bool addr_is_loopback(const struct iptod_addr *a)
{
	if (a->family == AF_INET)
		return (ntohl(a->v4.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&a->v6);
}

/* Why no node can own (or be reached at) the address, or NULL: the kernel's rule. */
static const char *addr_unusable(const struct iptod_addr *a)
{
	if (a->family == AF_INET) {
		uint32_t h = ntohl(a->v4.s_addr);

		if (h >> 24 == 0)
			return "unspecified (0.0.0.0/8)";
		if (h >> 24 == 127)
			return "a loopback address";
		if (h >> 28 == 14)
			return "a multicast address";
		if (h == 0xffffffff)
			return "the broadcast address";
		return NULL;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&a->v6))
		return "the unspecified address";
	if (IN6_IS_ADDR_LOOPBACK(&a->v6))
		return "the loopback address";
	if (IN6_IS_ADDR_MULTICAST(&a->v6))
		return "a multicast address";
	if (IN6_IS_ADDR_LINKLOCAL(&a->v6))
		return "a link-local address";
	if (IN6_IS_ADDR_V4MAPPED(&a->v6))
		return "an IPv4-mapped address";
	return NULL;
}

static int bad_addr(struct parser *p, const char *key, const char *v)
{
	if (strchr(v, '/'))
		return fail(p, p->line, "%s: \"%s\" is not an IPv4 or IPv6 address (write it "
			    "without a prefix length)", key, v);
	return fail(p, p->line, "%s: \"%s\" is not an IPv4 or IPv6 address", key, v);
}

/* A unicast address: a home, heartbeat or witness address. */
static int parse_unicast(struct parser *p, const char *key, const char *v,
			 const char *use, struct iptod_addr *a)
{
	const char *why;

	if (!addr_parse(v, a))
		return bad_addr(p, key, v);
	why = addr_unusable(a);
	if (why)
		return fail(p, p->line, "%s: %s is %s, not usable as %s", key, v, why, use);
	return 0;
}

/*
 * The next entry of a list (commas, white space or both between entries;
 * a comma may end the list, as at the end of a line that continues), or
 * NULL at the end; *empty when a comma has no entry before it.
 */
static char *list_next(char **cursor, bool *empty)
{
	char *s = skip_space(*cursor), *item, *end;

	*empty = false;
	if (*s == ',') {
		*empty = true;
		return NULL;
	}
	if (!*s)
		return NULL;
	item = s;
	while (*s && *s != ',' && !is_space(*s))
		s++;
	end = s;
	s = skip_space(s);
	if (*s == ',')
		s++;
	*end = '\0';
	*cursor = s;
	return item;
}

static int list_empty_entry(struct parser *p, const char *key)
{
	return fail(p, p->line, "%s: empty entry (a comma with nothing before it)", key);
}

static int parse_names(struct parser *p, const char *key, char *v, bool first,
		       struct name_list *l)
{
	bool empty;
	char *item;
	unsigned int i, count = 0;

	if (first && !strcasecmp(v, "none")) {
		l->none = true;
		return 0;
	}
	while ((item = list_next(&v, &empty))) {
		if (!strcasecmp(item, "none") || l->none)
			return fail(p, p->line, "%s: none (no standby node) cannot be combined "
				    "with node names", key);
		if (!valid_name(item, IPTO_NODE_NAME_LEN))
			return bad_name(p, key, "node", item, IPTO_NODE_NAME_LEN);
		for (i = 0; i < l->n; i++) {
			if (!strcmp(l->name[i], item))
				return fail(p, p->line, "%s: %s is listed twice", key, item);
		}
		if (l->n == IPTO_STANDBY_MAX)
			return fail(p, p->line, "%s: more than %d standby nodes", key,
				    IPTO_STANDBY_MAX);
		strcpy(l->name[l->n], item);
		l->line[l->n++] = p->line;
		count++;
	}
	if (empty)
		return list_empty_entry(p, key);
	if (!count)
		return fail(p, p->line, "%s: no node given (write none for no standby node)", key);
	return 0;
}

static int parse_addresses(struct parser *p, const char *key, char *v)
{
	struct iptod_node *node = &p->cfg->nodes[p->cfg->nnodes - 1];
	struct node_src *src = &p->nodes[p->cfg->nnodes - 1];
	unsigned int count = 0;
	bool empty;
	char *item;

	while ((item = list_next(&v, &empty))) {
		struct iptod_addr a;

		if (parse_unicast(p, key, item, "a home address", &a))
			return -1;
		if (node->naddrs == IPTO_NODE_ADDRS_MAX)
			return fail(p, p->line, "%s: more than %d addresses", key,
				    IPTO_NODE_ADDRS_MAX);
		if (node->naddrs == src->addr_cap) {
			unsigned int cap = src->addr_cap ? src->addr_cap * 2 : 8;
			struct iptod_addr *addrs;
			int *lines;

			addrs = realloc(node->addrs, cap * sizeof(*addrs));
			if (!addrs)
				return fail(p, p->line, "out of memory");
			node->addrs = addrs;
			lines = realloc(src->addr_line, cap * sizeof(*lines));
			if (!lines)
				return fail(p, p->line, "out of memory");
			src->addr_line = lines;
			src->addr_cap = cap;
		}
		node->addrs[node->naddrs] = a;
		src->addr_line[node->naddrs++] = p->line;
		count++;
	}
	if (empty)
		return list_empty_entry(p, key);
	if (!count)
		return fail(p, p->line, "%s: no address given", key);
	return 0;
}

static int parse_port_range(struct parser *p, const char *key, char *v,
			    uint16_t *min, uint16_t *max)
{
	char *dash = strchr(v, '-');
	unsigned long lo = 0, hi = 0;
	bool ok;

	if (dash) {
		*dash = '\0';
		ok = parse_decimal(v, &lo) && parse_decimal(dash + 1, &hi);
		*dash = '-';
	} else {
		ok = parse_decimal(v, &lo);
		hi = lo;
	}
	if (!ok)
		return fail(p, p->line, "%s: \"%s\" is not a port or a port range (P or P-Q, "
			    "1..65535)", key, v);
	if (lo < 1 || lo > 65535 || hi < 1 || hi > 65535)
		return fail(p, p->line, "%s: %s is out of range (ports are 1..65535)", key, v);
	if (lo > hi)
		return fail(p, p->line, "%s: %s is an empty range (the first port must not "
			    "exceed the second)", key, v);
	*min = (uint16_t)lo;
	*max = (uint16_t)hi;
	return 0;
}

/* check = tcp [ADDRESS:]PORT, the address 127.0.0.1 by default. */
static int parse_tcp_check(struct parser *p, const char *key, char *v, struct iptod_check *c)
{
	char *port = v, *colon;
	struct iptod_addr a;
	const char *why;
	unsigned long n;

	if (!*v)
		return fail(p, p->line, "%s: tcp needs [ADDRESS:]PORT", key);
	if (strpbrk(v, " \t"))
		return fail(p, p->line, "%s: \"tcp %s\": a TCP check takes one [ADDRESS:]PORT",
			    key, v);
	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.v4.s_addr = htonl(INADDR_LOOPBACK);
	colon = strchr(v, ':');
	if (v[0] == '[') {
		char *close = strchr(v, ']');

		if (!close || close[1] != ':')
			return fail(p, p->line, "%s: \"%s\" is not [IPV6-ADDRESS]:PORT", key, v);
		*close = '\0';
		if (inet_pton(AF_INET6, v + 1, &a.v6) != 1) {
			*close = ']';
			return fail(p, p->line, "%s: \"%s\": \"%.*s\" is not an IPv6 address", key,
				    v, (int)(close - v - 1), v + 1);
		}
		*close = ']';
		a.family = AF_INET6;
		port = close + 2;
	} else if (colon) {
		if (strchr(colon + 1, ':'))
			return fail(p, p->line, "%s: \"%s\": write an IPv6 address and port as "
				    "[ADDRESS]:PORT", key, v);
		*colon = '\0';
		if (inet_pton(AF_INET, v, &a.v4) != 1) {
			*colon = ':';
			return fail(p, p->line, "%s: \"%s\": \"%.*s\" is not an IPv4 address", key,
				    v, (int)(colon - v), v);
		}
		*colon = ':';
		port = colon + 1;
	}
	why = addr_unusable(&a);
	if (why && !addr_is_loopback(&a))
		return fail(p, p->line, "%s: \"%s\": the address is %s, not usable for a check",
			    key, v, why);
	if (!parse_decimal(port, &n) || n < 1 || n > 65535)
		return fail(p, p->line, "%s: \"%s\": \"%s\" is not a port number (1..65535)",
			    key, v, port);
	c->port = (uint16_t)n;
	c->addr = a;
	c->kind = IPTOD_CHECK_TCP;
	return 0;
}

/* The words of an exec check, more of them on each continuation line. */
static int parse_exec_words(struct parser *p, const char *key, char *v,
			    struct iptod_check *c, unsigned int *nargs)
{
	char *word;

	while (*(v = skip_space(v))) {
		word = v;
		while (*v && !is_space(*v))
			v++;
		if (*v)
			*v++ = '\0';
		if (*nargs == IPTOD_ARGS_MAX)
			return fail(p, p->line, "%s: more than %d words (the path and %d "
				    "arguments)", key, IPTOD_ARGS_MAX, IPTOD_ARGS_MAX - 1);
		if (*nargs == 0) {
			if (word[0] != '/')
				return fail(p, p->line, "%s: \"%s\" is not an absolute path (exec "
					    "runs PATH with no search)", key, word);
			if (strlen(word) >= IPTOD_PATH_MAX)
				return fail(p, p->line, "%s: the path is longer than %d characters",
					    key, IPTOD_PATH_MAX - 1);
		}
		c->argv[*nargs] = strdup(word);
		if (!c->argv[*nargs])
			return fail(p, p->line, "out of memory");
		(*nargs)++;
	}
	return 0;
}

static int parse_check(struct parser *p, const char *key, char *v, struct service_src *src,
		       struct iptod_check *c)
{
	char *rest = v;

	while (*rest && !is_space(*rest))
		rest++;
	if (*rest)
		*rest++ = '\0';
	rest = skip_space(rest);
	if (!strcasecmp(v, "tcp"))
		return parse_tcp_check(p, key, rest, c);
	if (!strcasecmp(v, "exec")) {
		if (!*rest)
			return fail(p, p->line, "%s: exec needs the absolute path of a program",
				    key);
		c->kind = IPTOD_CHECK_EXEC;
		return parse_exec_words(p, key, rest, c, &src->nargs);
	}
	return fail(p, p->line, "%s: \"%s\" is not a check (tcp [ADDRESS:]PORT or exec PATH "
		    "[ARGUMENT...])", key, v);
}

static int cluster_value(struct parser *p, int k, char *v)
{
	struct iptod_config *c = p->cfg;
	const char *key = config_cluster_keys[k];
	unsigned int n;

	switch (k) {
	case CK_DEVICE:
		return parse_ifname(p, key, v, c->device);
	case CK_LINK:
		return parse_ifname(p, key, v, c->link);
	case CK_NODE:
		if (!valid_name(v, IPTO_NODE_NAME_LEN))
			return bad_name(p, key, "node", v, IPTO_NODE_NAME_LEN);
		strcpy(p->self, v);
		return 0;
	case CK_PORT:
		if (parse_uint(p, key, v, 1, 65535, "a port number", &n))
			return -1;
		c->port = (uint16_t)n;
		return 0;
	case CK_INTERVAL:
		return parse_uint(p, key, v, INTERVAL_MS_MIN, INTERVAL_MS_MAX,
				  "a number of milliseconds", &c->interval_ms);
	case CK_MISSES:
		return parse_uint(p, key, v, MISSES_MIN, MISSES_MAX, "a number", &c->misses);
	case CK_CONN_SYNC_MS:
		if (strcmp(v, "0") == 0) {
			c->conn_sync_ms = 0;
			return 0;
		}
		return parse_uint(p, key, v, CONN_SYNC_MS_MIN, CONN_SYNC_MS_MAX,
				  "0 (off) or a number of milliseconds", &c->conn_sync_ms);
	case CK_CONN_SYNC_MAX:
		return parse_uint(p, key, v, CONN_SYNC_MAX_MIN, CONN_SYNC_MAX_MAX,
				  "a number of connections", &c->conn_sync_max);
	case CK_DRAIN_TIMEOUT:
		return parse_uint(p, key, v, 0, DRAIN_TIMEOUT_MS_MAX, "a number of milliseconds",
				  &c->drain_timeout_ms);
	case CK_METRICS_FILE:
		/* node_exporter's textfile collector reads *.prom files only. */
		n = (unsigned int)strlen(v);
		if (n < 6 || strcmp(v + n - 5, ".prom") || v[n - 6] == '/')
			return fail(p, p->line, "%s: \"%s\" does not end in NAME.prom (the "
				    "textfile collector of node_exporter reads *.prom files only)",
				    key, v);
		return parse_path(p, key, v, c->metrics_file);
	case CK_METRICS_ADDRESSES:
		return parse_uint(p, key, v, 0, METRICS_ADDRESSES_MAX, "a number of addresses",
				  &c->metrics_addresses);
	case CK_LEASE:
		return parse_uint(p, key, v, IPTO_LEASE_MS_MIN, IPTO_LEASE_MS_MAX,
				  "a number of milliseconds", &c->lease_ms);
	case CK_KEY_FILE:
		return parse_path(p, key, v, c->key_file);
	case CK_FAILBACK:
		if (!strcasecmp(v, "auto"))
			c->failback = IPTO_FAILBACK_AUTO;
		else if (!strcasecmp(v, "manual"))
			c->failback = IPTO_FAILBACK_MANUAL;
		else
			return fail(p, p->line, "%s: \"%s\" is not auto or manual", key, v);
		return 0;
	case CK_NOTIFY:
		return parse_path(p, key, v, c->notify);
	case CK_WITNESS:
		c->has_witness = true;
		return parse_unicast(p, key, v, "a witness", &c->witness);
	case CK_RUN_AS:
		return parse_run_as(p, key, v, &c->run_as);
	case CK_MEMBERSHIP:
		if (!strcasecmp(v, "heartbeat"))
			c->membership = IPTOD_MEMBERSHIP_HEARTBEAT;
		else if (!strcasecmp(v, "corosync"))
			c->membership = IPTOD_MEMBERSHIP_COROSYNC;
		else
			return fail(p, p->line, "%s: \"%s\" is not heartbeat or corosync", key, v);
		return 0;
	}
	return 0;
}

static int node_value(struct parser *p, int k, char *v, bool first)
{
	struct iptod_node *node = &p->cfg->nodes[p->cfg->nnodes - 1];
	struct node_src *src = &p->nodes[p->cfg->nnodes - 1];
	const char *key = config_node_keys[k];

	switch (k) {
	case NK_ID:
		return parse_uint(p, key, v, 1, IPTO_NODE_ID_MAX, "a node id", &node->id);
	case NK_HEARTBEAT:
		return parse_unicast(p, key, v, "a heartbeat address", &node->heartbeat);
	case NK_ADDRESSES:
		return parse_addresses(p, key, v);
	case NK_STANDBY:
		return parse_names(p, key, v, first, &src->standby);
	case NK_FAILOVER:
		return parse_bool(p, key, v, &node->failover);
	}
	return 0;
}

static int service_value(struct parser *p, int k, char *v, bool first)
{
	struct iptod_service *svc = &p->cfg->services[p->cfg->nservices - 1];
	struct service_src *src = &p->services[p->cfg->nservices - 1];
	const char *key = config_service_keys[k];
	unsigned int n;

	switch (k) {
	case SK_NODE:
		if (!valid_name(v, IPTO_NODE_NAME_LEN))
			return bad_name(p, key, "node", v, IPTO_NODE_NAME_LEN);
		strcpy(src->node, v);
		return 0;
	case SK_PROTO:
		if (!strcasecmp(v, "tcp"))
			svc->proto = IPPROTO_TCP;
		else if (!strcasecmp(v, "udp"))
			svc->proto = IPPROTO_UDP;
		else
			return fail(p, p->line, "%s: \"%s\" is not tcp or udp", key, v);
		return 0;
	case SK_PORT:
		return parse_port_range(p, key, v, &svc->port_min, &svc->port_max);
	case SK_ACTION:
		if (!strcasecmp(v, "reject"))
			svc->action = IPTO_ACTION_REJECT;
		else if (!strcasecmp(v, "drop"))
			svc->action = IPTO_ACTION_DROP;
		else if (!strcasecmp(v, "serve"))
			svc->action = IPTO_ACTION_SERVE;
		else
			return fail(p, p->line, "%s: \"%s\" is not reject, drop or serve", key, v);
		return 0;
	case SK_STANDBY:
		svc->has_standby = true;
		return parse_names(p, key, v, first, &src->standby);
	case SK_FAILOVER:
		svc->has_failover = true;
		return parse_bool(p, key, v, &svc->failover);
	case SK_CHECK:
		if (!first)
			return parse_exec_words(p, key, v, &svc->check, &src->nargs);
		return parse_check(p, key, v, src, &svc->check);
	case SK_CHECK_INTERVAL:
		return parse_uint(p, key, v, CHECK_INTERVAL_MS_MIN, CHECK_INTERVAL_MS_MAX,
				  "a number of milliseconds", &svc->check.interval_ms);
	case SK_CHECK_TIMEOUT:
		return parse_uint(p, key, v, CHECK_TIMEOUT_MS_MIN, CHECK_INTERVAL_MS_MAX - 1,
				  "a number of milliseconds", &svc->check.timeout_ms);
	case SK_FALL:
	case SK_RISE:
		if (parse_uint(p, key, v, 1, FALL_RISE_MAX, "a number of checks", &n))
			return -1;
		if (k == SK_FALL)
			svc->check.fall = n;
		else
			svc->check.rise = n;
		return 0;
	}
	return 0;
}

static const char *section_label(const struct parser *p, char *buf, size_t len)
{
	switch (p->section) {
	case SEC_CLUSTER:
		return "[cluster]";
	case SEC_NODE:
		snprintf(buf, len, "[node %s]", p->cfg->nodes[p->cfg->nnodes - 1].name);
		return buf;
	case SEC_SERVICE:
		snprintf(buf, len, "[service %s]", p->cfg->services[p->cfg->nservices - 1].name);
		return buf;
	default:
		return "";
	}
}

static int find_key(const char *const *keys, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!strcmp(keys[i], name))
			return i;
	}
	return -1;
}

/* The list keys, whose values may go on over indented lines. */
static bool continues(enum section_kind s, int k, const struct parser *p)
{
	if (s == SEC_NODE)
		return k == NK_ADDRESSES || k == NK_STANDBY;
	if (s == SEC_SERVICE)
		return k == SK_STANDBY || (k == SK_CHECK &&
			p->cfg->services[p->cfg->nservices - 1].check.kind == IPTOD_CHECK_EXEC);
	return false;
}

static int handle(struct parser *p, const char *name, char *v)
{
	const char *const *keys;
	int *key_line, nkeys, k;
	char label[IPTO_SERVICE_NAME_LEN + 16];

	switch (p->section) {
	case SEC_CLUSTER:
		keys = config_cluster_keys;
		nkeys = CK_N;
		key_line = p->cluster_key_line;
		break;
	case SEC_NODE:
		keys = config_node_keys;
		nkeys = NK_N;
		key_line = p->nodes[p->cfg->nnodes - 1].key_line;
		break;
	case SEC_SERVICE:
		keys = config_service_keys;
		nkeys = SK_N;
		key_line = p->services[p->cfg->nservices - 1].key_line;
		break;
	default:
		return fail(p, p->line, "%s = ... before any section ([cluster], [node NAME] or "
			    "[service NAME])", name);
	}
	if (p->continuation) {
		k = p->key;
		cut_comment(v);
		if (strchr(v, '='))
			return fail(p, p->line, "an indented line continues the value of %s: write "
				    "\"%s\" at the start of the line", keys[k], v);
		if (!continues(p->section, k, p))
			return fail(p, p->line, "an indented line continues the value of %s, which "
				    "takes one value (remove the indentation)", keys[k]);
		if (p->section == SEC_NODE)
			return node_value(p, k, v, false);
		return service_value(p, k, v, false);
	}
	k = find_key(keys, nkeys, name);
	if (k < 0)
		return fail(p, p->line, "unknown key \"%s\" in %s", name,
			    section_label(p, label, sizeof(label)));
	if (key_line[k])
		return fail(p, p->line, "%s given twice in %s (first on line %d)", name,
			    section_label(p, label, sizeof(label)), key_line[k]);
	key_line[k] = p->line;
	p->key = k;
	cut_comment(v);
	if (!*v)
		return fail(p, p->line, "%s: no value", name);
	switch (p->section) {
	case SEC_CLUSTER:
		return cluster_value(p, k, v);
	case SEC_NODE:
		return node_value(p, k, v, true);
	default:
		return service_value(p, k, v, true);
	}
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	char *v;
	int ret;

	(void)section;		/* ours, read by the reader, is not truncated */
	if (p->failed)
		return 0;
	v = strdup(value ? value : "");
	if (!v) {
		fail(p, p->line, "out of memory");
		return 0;
	}
	ret = handle(p, name, v);
	free(v);
	return ret == 0;
}

static int new_node(struct parser *p, const char *name)
{
	struct iptod_config *c = p->cfg;
	unsigned int i;

	for (i = 0; i < c->nnodes; i++) {
		if (!strcmp(c->nodes[i].name, name))
			return fail(p, p->line, "[node %s] given twice (first on line %d)", name,
				    c->nodes[i].line);
	}
	if (c->nnodes == IPTO_NODES_MAX)
		return fail(p, p->line, "[node %s]: more than %d nodes", name, IPTO_NODES_MAX);
	if (!strcasecmp(name, "none"))
		return fail(p, p->line, "[node %s]: the name none is reserved (standby = none "
			    "lists no node)", name);
	i = c->nnodes++;
	strcpy(c->nodes[i].name, name);
	c->nodes[i].line = p->line;
	c->nodes[i].failover = true;
	return 0;
}

static int new_service(struct parser *p, const char *name)
{
	struct iptod_config *c = p->cfg;
	struct iptod_service *svc;
	unsigned int i;

	for (i = 0; i < c->nservices; i++) {
		if (!strcmp(c->services[i].name, name))
			return fail(p, p->line, "[service %s] given twice (first on line %d)", name,
				    c->services[i].line);
	}
	if (c->nservices == IPTO_SERVICES_MAX)
		return fail(p, p->line, "[service %s]: more than %d services", name,
			    IPTO_SERVICES_MAX);
	if (c->nservices == p->services_cap) {
		unsigned int cap = p->services_cap ? p->services_cap * 2 : 8;
		struct iptod_service *s;
		struct service_src *src;

		s = realloc(c->services, cap * sizeof(*s));
		if (!s)
			return fail(p, p->line, "out of memory");
		c->services = s;
		src = realloc(p->services, cap * sizeof(*src));
		if (!src)
			return fail(p, p->line, "out of memory");
		p->services = src;
		p->services_cap = cap;
	}
	i = c->nservices++;
	svc = &c->services[i];
	memset(svc, 0, sizeof(*svc));
	memset(&p->services[i], 0, sizeof(p->services[i]));
	strcpy(svc->name, name);
	svc->line = p->line;
	svc->action = IPTO_ACTION_REJECT;
	svc->check.kind = IPTOD_CHECK_NONE;
	return 0;
}

/* A section header: "[cluster]", "[node NAME]" or "[service NAME]". */
static int section_header(struct parser *p, char *s)
{
	char *close = strchr(s, ']'), *after, *kind, *name, *end;

	if (!close)
		return fail(p, p->line, "section header without a closing ]");
	after = skip_space(close + 1);
	if (*after && *after != ';' && *after != '#')
		return fail(p, p->line, "text after the section header: \"%s\"", after);
	*close = '\0';
	kind = skip_space(s + 1);
	trim_end(kind);
	for (end = kind; *end && !is_space(*end); end++)
		;
	name = skip_space(end);
	*end = '\0';
	if (!strcmp(kind, "cluster")) {
		if (*name)
			return fail(p, p->line, "[cluster %s]: the cluster section takes no name",
				    name);
		if (p->cluster_seen)
			return fail(p, p->line, "[cluster] given twice (first on line %d)",
				    p->cluster_line);
		p->cluster_seen = true;
		p->cluster_line = p->line;
		p->section = SEC_CLUSTER;
		return 0;
	}
	if (!strcmp(kind, "node") || !strcmp(kind, "service")) {
		bool node = kind[0] == 'n';
		size_t size = node ? IPTO_NODE_NAME_LEN : IPTO_SERVICE_NAME_LEN;

		if (!*name)
			return fail(p, p->line, "[%s]: the section needs a name: [%s NAME]", kind,
				    kind);
		if (!valid_name(name, size))
			return fail(p, p->line, "[%s %s]: \"%s\" is not a %s name (1 to %zu "
				    "letters, digits, '_', '.' or '-')", kind, name, name, kind,
				    size - 1);
		p->section = node ? SEC_NODE : SEC_SERVICE;
		return node ? new_node(p, name) : new_service(p, name);
	}
	return fail(p, p->line, "unknown section [%s%s%s] (the sections are [cluster], "
		    "[node NAME] and [service NAME])", kind, *name ? " " : "", name);
}

/*
 * Whether a key line has its '=' (or ':'), found as inih finds it: before
 * an inline comment.
 */
static bool has_separator(const char *s)
{
	bool was_space = false;

	for (; *s; s++) {
		if (*s == '=' || *s == ':')
			return true;
#if INI_ALLOW_INLINE_COMMENTS
		if (was_space && strchr(INI_INLINE_COMMENT_PREFIXES, *s))
			return false;
#endif
		was_space = is_space(*s);
	}
	return false;
}

/*
 * inih's reader: one line per call, counted; refuses a line longer than
 * inih's buffer (which would split it silently), and reads section headers
 * and which lines continue a value, as inih will see them.  Returning NULL
 * ends the parse, at the end of the file or at the first error.
 */
static char *read_line(char *str, int num, void *stream)
{
	struct parser *p = stream;
	char *line, *start;
	ssize_t len;
	size_t content;

	if (p->failed)
		return NULL;
	errno = 0;
	len = getline(&p->buf, &p->bufsize, p->file);
	if (len < 0) {
		if (ferror(p->file))
			fail(p, 0, "cannot read: %s", strerror(errno ? errno : EIO));
		return NULL;
	}
	p->line++;
	line = p->buf;
	if (memchr(line, '\0', (size_t)len)) {
		fail(p, p->line, "the line holds a NUL byte");
		return NULL;
	}
	content = (size_t)len;
	while (content && (line[content - 1] == '\n' || line[content - 1] == '\r'))
		content--;
	if (num < 3 || content > (size_t)num - 3) {
		fail(p, p->line, "the line is %zu characters long, at most %d fit (a list may go "
		     "on over indented lines)", content, num > 3 ? num - 3 : 0);
		return NULL;
	}
	/* The content and one newline: trailing CRs need not fit in str. */
	memcpy(str, line, content);
	str[content] = '\n';
	str[content + 1] = '\0';

	p->continuation = false;
	if (p->line == 1 && !strncmp(line, "\xef\xbb\xbf", 3))
		line += 3;
	start = skip_space(line);
	trim_end(start);
	if (!*start || strchr(INI_START_COMMENT_PREFIXES, *start))
		return str;
#if INI_ALLOW_MULTILINE
	if (p->key_seen && start > p->buf) {
		p->continuation = true;
		return str;
	}
#endif
	if (*start == '[') {
		p->key_seen = false;
		if (section_header(p, start))
			return NULL;
		return str;
	}
	if (!has_separator(start)) {
		fail(p, p->line, "\"%s\" is not KEY = VALUE, a [section] or a comment", start);
		return NULL;
	}
	p->key_seen = true;
	return str;
}

static void parser_free(struct parser *p)
{
	unsigned int i;

	if (p->nodes) {
		for (i = 0; i < IPTO_NODES_MAX; i++)
			free(p->nodes[i].addr_line);
	}
	free(p->nodes);
	free(p->services);
	free(p->buf);
}

int iptod_config_load(const char *path, bool allow_no_key, struct iptod_config *cfg,
		      char *err, size_t errlen)
{
	struct parser p = {
		.path = path, .err = err, .errlen = errlen, .cfg = cfg,
	};
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	if (errlen)
		err[0] = '\0';
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	cfg->port = IPTOD_PORT_DEFAULT;
	cfg->interval_ms = INTERVAL_MS_DEFAULT;
	cfg->misses = MISSES_DEFAULT;
	cfg->failback = IPTO_FAILBACK_AUTO;
	cfg->conn_sync_ms = CONN_SYNC_MS_DEFAULT;
	cfg->conn_sync_max = CONN_SYNC_MAX_DEFAULT;
	cfg->drain_timeout_ms = DRAIN_TIMEOUT_MS_DEFAULT;
	cfg->metrics_addresses = METRICS_ADDRESSES_DEFAULT;

	cfg->nodes = calloc(IPTO_NODES_MAX, sizeof(*cfg->nodes));
	p.nodes = calloc(IPTO_NODES_MAX, sizeof(*p.nodes));
	if (!cfg->nodes || !p.nodes) {
		fail(&p, 0, "out of memory");
		goto out;
	}
	p.file = fopen(path, "r");
	if (!p.file) {
		fail(&p, 0, "cannot open: %s", strerror(errno));
		goto out;
	}
	ret = ini_parse_stream(read_line, &p, on_pair, &p);
	fclose(p.file);
	if (!p.failed && ret > 0)
		fail(&p, ret, "syntax error");
	else if (!p.failed && ret < 0)
		fail(&p, 0, "out of memory");
	if (!p.failed)
		config_check(&p, allow_no_key);
out:
	parser_free(&p);
	if (p.failed) {
		iptod_config_free(cfg);
		return -1;
	}
	return 0;
}
