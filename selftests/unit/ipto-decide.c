// SPDX-License-Identifier: GPL-2.0
/*
 * ipto-decide.c - the reference CLI of the takeover decision: reads a
 * cluster table and state changes on stdin, runs kmod/decide.c (compiled
 * in unchanged) at each "decide" and prints who provides what, so that
 * guest tests can predict what the kernel must do.  This file owns the
 * input language and the output line; the decision is decide.c's.
 *
 * Input, one command a line; blank lines and "# comments" are ignored:
 *   failback auto|manual
 *   node ID up|down [failover on|off] [standby LIST]
 *   service NODE NAME [failover on|off] [standby LIST]
 *   set ID up|down
 *   decide
 * ID is 1..65535; LIST is ID,ID,... (at most IPTO_STANDBY_MAX, no
 * repeats) or "-" for an empty list.  Node failover defaults to on, the
 * standby list to empty, failback to auto.  A service names a node
 * declared before it; only a service that gives failover or standby (an
 * override) forms a unit of its own, the others belong to their node's
 * unit.  "node" and "service" come before the first "decide".  Units are
 * ordered as in the module: node units in input order, then service
 * units in input order.
 *
 * Each "decide" prints one line:
 *   owners NODE=ADDR_OWNER ... | HOME/NAME=OWNER[!] ...
 * NODE=ADDR_OWNER for every node in input order (ipto_decide_addr_owner(),
 * 0 for none), then every unit: NAME is "-" for a node unit, OWNER is 0
 * for nobody, "!" marks the cascade guard.  The decision is kept as the
 * previous one for the next "decide" (manual failback).
 *
 * Exit status: 0, 2 on bad input (the message names the line), 1 on an
 * output error.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"

#define PROG "ipto-decide"
#define MAX_TOKENS 8
#define MAX_UNITS (IPTO_NODES_MAX + IPTO_SERVICES_MAX)

struct service_entry {
	u32 node;
	char name[IPTO_SERVICE_NAME_LEN];
};

struct cli_state {
	struct ipto_decide_node nodes[IPTO_NODES_MAX];
	struct ipto_unit units[MAX_UNITS];
	const char *unit_name[MAX_UNITS];	/* NULL for a node unit */
	struct ipto_decision prev[MAX_UNITS];
	struct ipto_decision out[MAX_UNITS];
	struct service_entry services[IPTO_SERVICES_MAX];
	unsigned int nservices;
	unsigned int nnode_units;		/* node units come first */
	unsigned int nservice_units;
	bool failback_manual;
	bool decided;				/* the table is fixed */
	unsigned long line;
};

static void __attribute__((noreturn, format(printf, 2, 3)))
input_error(const struct cli_state *st, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);		/* the decisions before the error come first */
	fprintf(stderr, PROG ": line %lu: ", st->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/*
 * Cuts the next field off *@rest at the first of @seps and returns it; NULL
 * when *@rest is NULL.  Consecutive separators give empty fields.
 */
static char *next_field(char **rest, const char *seps)
{
	char *field = *rest;

	if (!field)
		return NULL;
	*rest = field + strcspn(field, seps);
	if (**rest)
		*(*rest)++ = '\0';
	else
		*rest = NULL;
	return field;
}

static u32 parse_id(const struct cli_state *st, const char *s, const char *what)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		input_error(st, "%s: bad id \"%s\"", what, s);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > IPTO_NODE_ID_MAX)
		input_error(st, "%s: bad id \"%s\" (1..%u)", what, s, IPTO_NODE_ID_MAX);
	return (u32)v;
}

static bool parse_choice(const struct cli_state *st, const char *s, const char *yes,
			 const char *no, const char *what)
{
	if (!strcmp(s, yes))
		return true;
	if (!strcmp(s, no))
		return false;
	input_error(st, "%s: \"%s\" is neither %s nor %s", what, s, yes, no);
}

static void parse_standby(const struct cli_state *st, char *list, struct ipto_unit *u)
{
	char *item, *rest = list;
	unsigned int k;

	u->nstandby = 0;
	if (!strcmp(list, "-"))
		return;
	while ((item = next_field(&rest, ","))) {
		u32 id = parse_id(st, item, "standby");

		for (k = 0; k < u->nstandby; k++)
			if (u->standby[k] == id)
				input_error(st, "standby: %u named twice", (unsigned int)id);
		if (u->nstandby == IPTO_STANDBY_MAX)
			input_error(st, "standby: more than %u nodes", IPTO_STANDBY_MAX);
		u->standby[u->nstandby++] = id;
	}
}

/*
 * The optional "failover on|off" and "standby LIST" pairs of @tok;
 * returns whether any was given.
 */
static bool parse_options(const struct cli_state *st, char **tok, unsigned int ntok,
			  struct ipto_unit *u)
{
	bool failover_seen = false, standby_seen = false;
	unsigned int i;

	for (i = 0; i < ntok; i += 2) {
		if (i + 1 == ntok)
			input_error(st, "\"%s\" needs a value", tok[i]);
		if ((!strcmp(tok[i], "failover") && failover_seen) ||
		    (!strcmp(tok[i], "standby") && standby_seen))
			input_error(st, "\"%s\" given twice", tok[i]);
		if (!strcmp(tok[i], "failover")) {
			u->failover = parse_choice(st, tok[i + 1], "on", "off", "failover");
			failover_seen = true;
		} else if (!strcmp(tok[i], "standby")) {
			parse_standby(st, tok[i + 1], u);
			standby_seen = true;
		} else {
			input_error(st, "unexpected \"%s\"", tok[i]);
		}
	}
	return failover_seen || standby_seen;
}

static int find_node(const struct cli_state *st, u32 id)
{
	unsigned int i;

	for (i = 0; i < st->nnode_units; i++)
		if (st->nodes[i].id == id)
			return (int)i;
	return -1;
}

static void check_table_open(const struct cli_state *st, const char *what)
{
	if (st->decided)
		input_error(st, "%s after the first decide", what);
}

static void cmd_node(struct cli_state *st, char **tok, unsigned int ntok)
{
	struct ipto_unit *u;
	u32 id;

	check_table_open(st, "node");
	if (ntok < 3)
		input_error(st, "usage: node ID up|down [failover on|off] [standby ID,...]");
	id = parse_id(st, tok[1], "node");
	if (find_node(st, id) >= 0)
		input_error(st, "node %u declared twice", (unsigned int)id);
	if (st->nnode_units == IPTO_NODES_MAX)
		input_error(st, "more than %u nodes", IPTO_NODES_MAX);
	/* node units come before service units: shift those up by one */
	memmove(&st->units[st->nnode_units + 1], &st->units[st->nnode_units],
		st->nservice_units * sizeof(st->units[0]));
	memmove(&st->unit_name[st->nnode_units + 1], &st->unit_name[st->nnode_units],
		st->nservice_units * sizeof(st->unit_name[0]));
	u = &st->units[st->nnode_units];
	memset(u, 0, sizeof(*u));
	u->home = id;
	u->failover = true;
	parse_options(st, tok + 3, ntok - 3, u);
	st->unit_name[st->nnode_units] = NULL;
	st->nodes[st->nnode_units].id = id;
	st->nodes[st->nnode_units].up = parse_choice(st, tok[2], "up", "down", "state");
	st->nnode_units++;
}

static bool valid_service_name(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len >= IPTO_SERVICE_NAME_LEN || !strcmp(name, "-"))
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.:-", name[i]))
			return false;
	return true;
}

static void cmd_service(struct cli_state *st, char **tok, unsigned int ntok)
{
	struct service_entry *svc;
	struct ipto_unit unit;
	unsigned int i;
	int node;
	u32 id;

	check_table_open(st, "service");
	if (ntok < 3)
		input_error(st, "usage: service NODE NAME [failover on|off] [standby ID,...]");
	id = parse_id(st, tok[1], "service");
	node = find_node(st, id);
	if (node < 0)
		input_error(st, "service: node %u not declared before", (unsigned int)id);
	if (!valid_service_name(tok[2]))
		input_error(st, "service: bad name \"%s\" (1..%u of A-Z a-z 0-9 _ . : -, not \"-\")",
			    tok[2], IPTO_SERVICE_NAME_LEN - 1);
	for (i = 0; i < st->nservices; i++)
		if (st->services[i].node == id && !strcmp(st->services[i].name, tok[2]))
			input_error(st, "service %u/%s declared twice", (unsigned int)id, tok[2]);
	if (st->nservices == IPTO_SERVICES_MAX)
		input_error(st, "more than %u services", IPTO_SERVICES_MAX);
	svc = &st->services[st->nservices++];
	svc->node = id;
	snprintf(svc->name, sizeof(svc->name), "%s", tok[2]);

	/* effective failover and standby: the overrides, else the node's */
	unit = st->units[node];
	if (!parse_options(st, tok + 3, ntok - 3, &unit))
		return;		/* part of the node's unit */
	i = st->nnode_units + st->nservice_units++;
	st->units[i] = unit;
	st->unit_name[i] = svc->name;
}

static void cmd_set(struct cli_state *st, char **tok, unsigned int ntok)
{
	int node;

	if (ntok != 3)
		input_error(st, "usage: set ID up|down");
	node = find_node(st, parse_id(st, tok[1], "set"));
	if (node < 0)
		input_error(st, "set: no node %s", tok[1]);
	st->nodes[node].up = parse_choice(st, tok[2], "up", "down", "state");
}

static void cmd_decide(struct cli_state *st, unsigned int ntok)
{
	struct ipto_decide_input in = {
		.nodes = st->nodes,
		.nnodes = st->nnode_units,
		.units = st->units,
		.nunits = st->nnode_units + st->nservice_units,
		.failback_manual = st->failback_manual,
	};
	unsigned int i;

	if (ntok != 1)
		input_error(st, "usage: decide");
	st->decided = true;
	ipto_decide(&in, st->prev, st->out);
	printf("owners");
	for (i = 0; i < in.nnodes; i++)
		printf(" %u=%u", (unsigned int)st->nodes[i].id,
		       (unsigned int)ipto_decide_addr_owner(&in, st->out, st->nodes[i].id));
	printf(" |");
	for (i = 0; i < in.nunits; i++)
		printf(" %u/%s=%u%s", (unsigned int)st->units[i].home,
		       st->unit_name[i] ? st->unit_name[i] : "-", (unsigned int)st->out[i].owner,
		       st->out[i].guard ? "!" : "");
	printf("\n");
	fflush(stdout);		/* a line per decide, also through a pipe */
	memcpy(st->prev, st->out, in.nunits * sizeof(st->out[0]));
}

static void run_line(struct cli_state *st, char *line)
{
	char *tok[MAX_TOKENS + 1], *p, *rest = line;
	unsigned int ntok = 0;

	p = strchr(line, '#');
	if (p)
		*p = '\0';
	while ((p = next_field(&rest, " \t\r\n"))) {
		if (!*p)
			continue;
		if (ntok == MAX_TOKENS)
			input_error(st, "too many words");
		tok[ntok++] = p;
	}
	if (!ntok)
		return;
	if (!strcmp(tok[0], "failback")) {
		if (ntok != 2)
			input_error(st, "usage: failback auto|manual");
		st->failback_manual = parse_choice(st, tok[1], "manual", "auto", "failback");
	} else if (!strcmp(tok[0], "node")) {
		cmd_node(st, tok, ntok);
	} else if (!strcmp(tok[0], "service")) {
		cmd_service(st, tok, ntok);
	} else if (!strcmp(tok[0], "set")) {
		cmd_set(st, tok, ntok);
	} else if (!strcmp(tok[0], "decide")) {
		cmd_decide(st, ntok);
	} else {
		input_error(st, "unknown command \"%s\"", tok[0]);
	}
}

int main(int argc, char **argv)
{
	static struct cli_state st;
	size_t cap = 0;
	char *line = NULL;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: " PROG " < TABLE (see the top of ipto-decide.c)\n");
		return 2;
	}
	while (getline(&line, &cap, stdin) >= 0) {
		st.line++;
		run_line(&st, line);
	}
	free(line);
	if (ferror(stdin)) {
		fprintf(stderr, PROG ": reading stdin: %s\n", strerror(errno));
		return 2;
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG ": writing stdout: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
