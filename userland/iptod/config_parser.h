/* SPDX-License-Identifier: GPL-2.0 */
/*
 * config_parser.h - what the reader of iptod's configuration file
 * (config_parse.c) and its whole-file checks (config_check.c) share, and
 * nothing else includes: the limits and defaults of the values, the keys
 * of each section, the parser's state with the line each thing was written
 * on, and how a refusal is told.
 */
#ifndef IPTOD_CONFIG_PARSER_H
#define IPTOD_CONFIG_PARSER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "config.h"

#define INTERVAL_MS_MIN		10
#define INTERVAL_MS_MAX		10000
#define INTERVAL_MS_DEFAULT	100
#define MISSES_MIN		2
#define MISSES_MAX		100
#define MISSES_DEFAULT		3
#define CHECK_INTERVAL_MS_MIN	100
#define CHECK_INTERVAL_MS_MAX	3600000
#define CHECK_INTERVAL_MS_DEFAULT 1000
#define CHECK_TIMEOUT_MS_MIN	10
#define CHECK_TIMEOUT_MS_DEFAULT 1000	/* at most; and half the interval */
#define FALL_RISE_MAX		100
#define FALL_DEFAULT		3
#define RISE_DEFAULT		2
#define CONN_SYNC_MS_MIN	100	/* or 0: no connection sync */
#define CONN_SYNC_MS_MAX	60000
#define CONN_SYNC_MS_DEFAULT	500
#define CONN_SYNC_MAX_MIN	1
#define CONN_SYNC_MAX_MAX	10000000
#define CONN_SYNC_MAX_DEFAULT	100000
#define DRAIN_TIMEOUT_MS_MAX	86400000	/* a day; 0: hand over at once */
#define DRAIN_TIMEOUT_MS_DEFAULT 60000
#define METRICS_ADDRESSES_MAX	65536	/* per-address series; the rest summed */
#define METRICS_ADDRESSES_DEFAULT 256

enum section_kind { SEC_NONE, SEC_CLUSTER, SEC_NODE, SEC_SERVICE };

enum cluster_key {
	CK_DEVICE, CK_LINK, CK_NODE, CK_PORT, CK_INTERVAL, CK_MISSES, CK_LEASE,
	CK_KEY_FILE, CK_FAILBACK, CK_NOTIFY, CK_WITNESS, CK_RUN_AS, CK_CONN_SYNC_MS,
	CK_CONN_SYNC_MAX, CK_DRAIN_TIMEOUT, CK_MEMBERSHIP, CK_METRICS_FILE, CK_METRICS_ADDRESSES,
	CK_N
};

extern const char *const config_cluster_keys[CK_N];

enum node_key { NK_ID, NK_HEARTBEAT, NK_ADDRESSES, NK_STANDBY, NK_FAILOVER, NK_N };

extern const char *const config_node_keys[NK_N];

enum service_key {
	SK_NODE, SK_PROTO, SK_PORT, SK_ACTION, SK_STANDBY, SK_FAILOVER, SK_CHECK,
	SK_CHECK_INTERVAL, SK_CHECK_TIMEOUT, SK_FALL, SK_RISE, SK_N
};

extern const char *const config_service_keys[SK_N];

/* A standby list as written: names, resolved to ids once all is read. */
struct name_list {
	char name[IPTO_STANDBY_MAX][IPTO_NODE_NAME_LEN];
	int line[IPTO_STANDBY_MAX];
	unsigned int n;
	bool none;			/* "none" given */
};

/* What the parser keeps beside a node: where each thing was written. */
struct node_src {
	int key_line[NK_N];
	int *addr_line;			/* parallel to iptod_node.addrs */
	unsigned int addr_cap;
	struct name_list standby;
};

struct service_src {
	int key_line[SK_N];
	char node[IPTO_NODE_NAME_LEN];
	struct name_list standby;
	unsigned int nargs;		/* exec check: argv entries so far */
};

struct parser {
	const char *path;
	FILE *file;
	char *buf;			/* the current line, as read */
	size_t bufsize;
	int line;
	bool continuation;		/* the current line continues a value */
	bool key_seen;			/* a key line since the section header */
	char *err;
	size_t errlen;
	bool failed;

	enum section_kind section;
	int key;			/* the key of the last key line */
	bool cluster_seen;
	int cluster_line;
	int cluster_key_line[CK_N];
	char self[IPTO_NODE_NAME_LEN];

	struct iptod_config *cfg;
	struct node_src *nodes;		/* parallel to cfg->nodes */
	struct service_src *services;	/* parallel to cfg->services */
	unsigned int services_cap;
};

/*
 * Refuses the file: "FILE:LINE: REASON" into p->err (LINE 0 when the reason
 * is not tied to a line).  Only the first refusal is kept.  Returns -1.
 */
static inline int fail(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline int fail(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return -1;
	p->failed = true;
	n = snprintf(p->err, p->errlen, "%s:%d: ", p->path, line);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * The checks of the whole, once every line is read (config_check.c): the
 * required keys, names resolved to ids, ids and addresses unique, the
 * lease within its bounds; the defaults that depend on other values are
 * filled in.  Returns 0, or -1 when it refused the file (p->err says why).
 */
int config_check(struct parser *p, bool allow_no_key);

#endif /* IPTOD_CONFIG_PARSER_H */
