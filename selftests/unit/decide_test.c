// SPDX-License-Identifier: GPL-2.0
/*
 * decide_test.c - cmocka unit tests of the takeover decision,
 * ipto_decide() and ipto_decide_addr_owner() of kmod/decide.c, compiled
 * here unchanged.  This file owns:
 *   - the case table: one decision per case, a small cluster with the
 *     expected owner and guard of every unit and the expected address
 *     owner of every node, each case also checked for determinism and
 *     for independence of the node array's order;
 *   - the sequences: state changes applied one by one, each decision fed
 *     back as the previous one, as the module does;
 *   - a randomized property test over 10,000 tables (fixed seed, printed;
 *     DECIDE_TEST_SEED overrides it) against the rules of the uapi header
 *     ("Cluster table and takeover").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decide.h"

#define CASE_NODES_MAX 8
#define CASE_UNITS_MAX 12
#define SEQ_STEPS_MAX 8

/* A node of a case; the list ends at id 0. */
struct case_node {
	u32 id;
	bool down;
	u32 addr;		/* expected ipto_decide_addr_owner() */
};

/* A unit of a case; the list ends at home 0, the standby list at 0. */
struct case_unit {
	u32 home;
	const char *service;	/* NULL: the node's own unit */
	bool no_failover;	/* effective failover flag, inverted */
	u32 standby[IPTO_STANDBY_MAX];
	u32 prev;		/* previous owner, with decide_case.with_prev */
	u32 owner;		/* expected */
	bool guard;		/* expected */
};

struct decide_case {
	const char *name;
	bool manual;		/* IPTO_FAILBACK_MANUAL */
	bool with_prev;		/* pass the units' prev, else NULL */
	struct case_node nodes[CASE_NODES_MAX];
	struct case_unit units[CASE_UNITS_MAX];
};

/* One state change and the decision that must follow it. */
struct seq_step {
	u32 node;		/* 0: decide without a change */
	bool up;
	const char *want;	/* as ipto-decide prints it */
};

struct decide_sequence {
	const char *name;
	bool manual;
	struct case_node nodes[CASE_NODES_MAX];	/* initial states */
	struct case_unit units[CASE_UNITS_MAX];	/* expectations unused */
	struct seq_step steps[SEQ_STEPS_MAX];
};

#define NODE_UP(i, a)	{ .id = (i), .addr = (a) }
#define NODE_DOWN(i, a)	{ .id = (i), .down = true, .addr = (a) }
#define STANDBY(...)	.standby = { __VA_ARGS__ }

/* The ring of three: 1 -> 2,3; 2 -> 3,1; 3 -> 1,2. */
#define RING3_UNITS(o1, g1, o2, g2, o3, g3) \
	{ .home = 1, STANDBY(2, 3), .owner = (o1), .guard = (g1) }, \
	{ .home = 2, STANDBY(3, 1), .owner = (o2), .guard = (g2) }, \
	{ .home = 3, STANDBY(1, 2), .owner = (o3), .guard = (g3) }

/* The ring of four: 1 -> 2,3,4; 2 -> 3,4,1; 3 -> 4,1,2; 4 -> 1,2,3. */
#define RING4_UNITS(o1, o2, o3, o4) \
	{ .home = 1, STANDBY(2, 3, 4), .owner = (o1) }, \
	{ .home = 2, STANDBY(3, 4, 1), .owner = (o2) }, \
	{ .home = 3, STANDBY(4, 1, 2), .owner = (o3) }, \
	{ .home = 4, STANDBY(1, 2, 3), .owner = (o4) }

static const struct decide_case decide_cases[] = {
	{
		.name = "all up: each node provides its own unit, no guard",
		.nodes = { NODE_UP(1, 1), NODE_UP(2, 2), NODE_UP(3, 3) },
		.units = {
			RING3_UNITS(1, false, 2, false, 3, false),
			{ .home = 2, .service = "web", STANDBY(1), .owner = 2 },
		},
	},
	{
		.name = "node 1 down: the first standby provides it",
		.nodes = { NODE_DOWN(1, 2), NODE_UP(2, 2), NODE_UP(3, 3) },
		.units = { RING3_UNITS(2, false, 2, false, 3, false) },
	},
	{
		.name = "node 1 and its first standby down: the next standby provides both",
		.nodes = { NODE_DOWN(1, 3), NODE_DOWN(2, 3), NODE_UP(3, 3), NODE_UP(4, 4) },
		.units = { RING4_UNITS(3, 3, 3, 4) },
	},
	{
		.name = "every standby down: nobody provides the unit, no guard on a non-taker",
		.nodes = { NODE_DOWN(1, 0), NODE_DOWN(2, 0), NODE_UP(3, 3) },
		.units = {
			{ .home = 1, STANDBY(2), .owner = 0 },
			{ .home = 2, STANDBY(1), .owner = 0 },
			{ .home = 3, .owner = 3 },
		},
	},
	{
		.name = "failover off on node 1: nobody provides it, its service with failover on and its own standby moves",
		.nodes = { NODE_DOWN(1, 3), NODE_UP(2, 2), NODE_UP(3, 3) },
		.units = {
			{ .home = 1, .no_failover = true, STANDBY(2), .owner = 0 },
			{ .home = 2, STANDBY(1, 3), .owner = 2 },
			{ .home = 3, STANDBY(2), .owner = 3 },
			/* standby overridden, failover inherited (off) */
			{ .home = 1, .service = "cache", .no_failover = true, STANDBY(2),
			  .owner = 0 },
			/* failover overridden; node 3 has no other standby: guard */
			{ .home = 1, .service = "db", STANDBY(3), .owner = 3, .guard = true },
		},
	},
	{
		.name = "failover off on a service of a node that allows it: the service stays unprovided",
		.nodes = { NODE_DOWN(1, 2), NODE_UP(2, 2) },
		.units = {
			{ .home = 1, STANDBY(2), .owner = 2, .guard = true },
			{ .home = 2, STANDBY(1), .owner = 2, .guard = true },
			{ .home = 1, .service = "pinned", .no_failover = true, STANDBY(2),
			  .owner = 0 },
		},
	},
	{
		.name = "address owner: the first service (unit order) with a provider",
		.nodes = { NODE_DOWN(1, 2), NODE_UP(2, 2), NODE_UP(3, 3) },
		.units = {
			{ .home = 1, .no_failover = true, STANDBY(2, 3), .owner = 0 },
			{ .home = 2, STANDBY(3), .owner = 2 },
			{ .home = 3, STANDBY(2), .owner = 3 },
			{ .home = 1, .service = "a", STANDBY(2), .owner = 2, .guard = true },
			{ .home = 1, .service = "b", STANDBY(3), .owner = 3, .guard = true },
		},
	},
	{
		.name = "standby list naming the home and an unknown node: both skipped",
		.nodes = { NODE_DOWN(1, 3), NODE_UP(2, 2), NODE_UP(3, 3) },
		.units = {
			/* node 2 is up but not a standby of 1: guard */
			{ .home = 1, STANDBY(1, 99, 3), .owner = 3, .guard = true },
			{ .home = 2, STANDBY(3), .owner = 2 },
			{ .home = 3, STANDBY(2), .owner = 3 },
		},
	},
	{
		.name = "standby list naming only the home and an unknown node: nobody",
		.nodes = { NODE_DOWN(1, 0), NODE_UP(2, 2) },
		.units = {
			{ .home = 1, STANDBY(1, 7), .owner = 0 },
			{ .home = 2, STANDBY(1), .owner = 2 },
		},
	},
	{
		.name = "cascade: node 3 down, node 1 takes it, both have a fallback",
		.nodes = { NODE_UP(1, 1), NODE_UP(2, 2), NODE_DOWN(3, 1) },
		.units = { RING3_UNITS(1, false, 2, false, 1, false) },
	},
	{
		.name = "cascade: nodes 3 and 1 down, node 2 provides all, all guarded",
		.nodes = { NODE_DOWN(1, 2), NODE_UP(2, 2), NODE_DOWN(3, 2) },
		.units = { RING3_UNITS(2, true, 2, true, 2, true) },
	},
	{
		.name = "cascade: node 3 back up, the guards are lifted",
		.nodes = { NODE_DOWN(1, 2), NODE_UP(2, 2), NODE_UP(3, 3) },
		.units = { RING3_UNITS(2, false, 2, false, 3, false) },
	},
	{
		.name = "cascade: the taker goes down too, the unit moves to the next up standby",
		.with_prev = true,
		.nodes = { NODE_DOWN(1, 3), NODE_DOWN(2, 3), NODE_UP(3, 3), NODE_UP(4, 4) },
		.units = {
			{ .home = 1, STANDBY(2, 3, 4), .prev = 2, .owner = 3 },
			{ .home = 2, STANDBY(3, 4, 1), .prev = 2, .owner = 3 },
			{ .home = 3, STANDBY(4, 1, 2), .prev = 3, .owner = 3 },
			{ .home = 4, STANDBY(1, 2, 3), .prev = 4, .owner = 4 },
		},
	},
	{
		.name = "guard: no adoption, no guard even without an up standby",
		.nodes = { NODE_UP(1, 1), NODE_DOWN(2, 0) },
		.units = {
			{ .home = 1, STANDBY(2), .owner = 1 },
			{ .home = 2, .no_failover = true, STANDBY(1), .owner = 0 },
		},
	},
	{
		.name = "guard: the taker's own unit, failover off and no standby, is guarded",
		.nodes = { NODE_DOWN(1, 2), NODE_UP(2, 2), NODE_UP(3, 3) },
		.units = {
			{ .home = 1, STANDBY(2, 3), .owner = 2 },
			{ .home = 2, .no_failover = true, .owner = 2, .guard = true },
			{ .home = 3, .owner = 3 },
		},
	},
	{
		.name = "guard: the taker's service with an up standby is not guarded, its node unit is",
		.nodes = { NODE_DOWN(1, 2), NODE_UP(2, 2), NODE_UP(3, 3) },
		.units = {
			{ .home = 1, STANDBY(2), .owner = 2, .guard = true },
			{ .home = 2, STANDBY(1), .owner = 2, .guard = true },
			{ .home = 3, STANDBY(1), .owner = 3 },
			{ .home = 2, .service = "web", STANDBY(3), .owner = 2 },
		},
	},
	{
		.name = "failback auto: a home that is up provides its units, whatever the previous owner",
		.with_prev = true,
		.nodes = { NODE_UP(1, 1), NODE_UP(2, 2), NODE_UP(3, 3) },
		.units = {
			{ .home = 1, STANDBY(2, 3), .prev = 2, .owner = 1 },
			{ .home = 2, STANDBY(3, 1), .prev = 2, .owner = 2 },
			{ .home = 3, STANDBY(1, 2), .prev = 3, .owner = 3 },
			{ .home = 1, .service = "db", STANDBY(3), .prev = 3, .owner = 1 },
		},
	},
	{
		.name = "failback manual: the previous owner keeps the unit while it is up",
		.manual = true,
		.with_prev = true,
		.nodes = { NODE_UP(1, 2), NODE_UP(2, 2), NODE_UP(3, 3) },
		.units = {
			{ .home = 1, STANDBY(2, 3), .prev = 2, .owner = 2 },
			{ .home = 2, STANDBY(3, 1), .prev = 2, .owner = 2 },
			{ .home = 3, STANDBY(1, 2), .prev = 3, .owner = 3 },
		},
	},
	{
		.name = "failback manual: the previous owner is down, the home takes its unit back",
		.manual = true,
		.with_prev = true,
		.nodes = { NODE_UP(1, 1), NODE_DOWN(2, 3), NODE_UP(3, 3) },
		.units = {
			{ .home = 1, STANDBY(2, 3), .prev = 2, .owner = 1 },
			{ .home = 2, STANDBY(3, 1), .prev = 2, .owner = 3 },
			{ .home = 3, STANDBY(1, 2), .prev = 3, .owner = 3 },
		},
	},
	{
		.name = "failback manual: a unit nobody provided goes home",
		.manual = true,
		.with_prev = true,
		.nodes = { NODE_UP(1, 1), NODE_UP(2, 2) },
		.units = {
			{ .home = 1, .no_failover = true, STANDBY(2), .prev = 0, .owner = 1 },
			{ .home = 2, STANDBY(1), .prev = 2, .owner = 2 },
		},
	},
	{
		/*
		 * The header's manual rule speaks of a home coming back only;
		 * while the home is down the first up standby provides, and a
		 * standby earlier in the list that comes back takes the unit
		 * from a later one, in both modes.
		 */
		.name = "failback manual, home still down: the first up standby provides, not the previous owner",
		.manual = true,
		.with_prev = true,
		.nodes = { NODE_DOWN(1, 2), NODE_UP(2, 2), NODE_UP(3, 3) },
		.units = {
			{ .home = 1, STANDBY(2, 3), .prev = 3, .owner = 2 },
			{ .home = 2, STANDBY(3, 1), .prev = 2, .owner = 2 },
			{ .home = 3, STANDBY(1, 2), .prev = 3, .owner = 3 },
		},
	},
	{
		/*
		 * decide.c counts an up home as a fallback (if node 2 fails the
		 * home takes unit 1 back), so the kept unit is not guarded; the
		 * header says "no other node of the unit's standby list is up"
		 * and would guard it.  Reported; the test follows decide.c.
		 */
		.name = "failback manual: a kept unit whose home is up is not guarded",
		.manual = true,
		.with_prev = true,
		.nodes = { NODE_UP(1, 2), NODE_UP(2, 2), NODE_DOWN(3, 1) },
		.units = {
			{ .home = 1, STANDBY(2), .prev = 2, .owner = 2 },
			{ .home = 2, STANDBY(3), .prev = 2, .owner = 2, .guard = true },
			{ .home = 3, STANDBY(1), .prev = 1, .owner = 1, .guard = true },
		},
	},
	{
		.name = "failback manual: the adopter of a node's addresses via a service keeps them",
		.manual = true,
		.with_prev = true,
		.nodes = { NODE_UP(1, 2), NODE_UP(2, 2) },
		.units = {
			{ .home = 1, .no_failover = true, STANDBY(2), .prev = 0, .owner = 1 },
			{ .home = 2, STANDBY(1), .prev = 2, .owner = 2 },
			{ .home = 1, .service = "db", STANDBY(2), .prev = 2, .owner = 2 },
		},
	},
	{
		.name = "a unit whose home is not in the table is handled as down",
		.nodes = { NODE_UP(2, 2) },
		.units = {
			{ .home = 2, .owner = 2, .guard = true },
			{ .home = 5, .service = "orphan", STANDBY(2), .owner = 2, .guard = true },
		},
	},
	{
		.name = "nodes without units: no address owner",
		.nodes = { NODE_UP(1, 0), NODE_DOWN(2, 0) },
	},
	{
		.name = "empty table",
	},
};

static const struct decide_sequence decide_sequences[] = {
	{
		.name = "sequence: cascade in a ring of three and back",
		.nodes = { NODE_UP(1, 0), NODE_UP(2, 0), NODE_UP(3, 0) },
		.units = { RING3_UNITS(0, false, 0, false, 0, false) },
		.steps = {
			{ 0, false, "owners 1=1 2=2 3=3 | 1/-=1 2/-=2 3/-=3" },
			{ 3, false, "owners 1=1 2=2 3=1 | 1/-=1 2/-=2 3/-=1" },
			{ 1, false, "owners 1=2 2=2 3=2 | 1/-=2! 2/-=2! 3/-=2!" },
			{ 3, true, "owners 1=2 2=2 3=3 | 1/-=2 2/-=2 3/-=3" },
			{ 1, true, "owners 1=1 2=2 3=3 | 1/-=1 2/-=2 3/-=3" },
		},
	},
	{
		.name = "sequence: takers go down one after another in a ring of four",
		.nodes = { NODE_UP(1, 0), NODE_UP(2, 0), NODE_UP(3, 0), NODE_UP(4, 0) },
		.units = { RING4_UNITS(0, 0, 0, 0) },
		.steps = {
			{ 1, false, "owners 1=2 2=2 3=3 4=4 | 1/-=2 2/-=2 3/-=3 4/-=4" },
			{ 2, false, "owners 1=3 2=3 3=3 4=4 | 1/-=3 2/-=3 3/-=3 4/-=4" },
			{ 3, false, "owners 1=4 2=4 3=4 4=4 | 1/-=4! 2/-=4! 3/-=4! 4/-=4!" },
			{ 1, true, "owners 1=1 2=4 3=4 4=4 | 1/-=1 2/-=4 3/-=4 4/-=4" },
		},
	},
	{
		.name = "sequence: manual failback with a service of its own standby",
		.manual = true,
		.nodes = { NODE_UP(1, 0), NODE_UP(2, 0), NODE_UP(3, 0) },
		.units = {
			RING3_UNITS(0, false, 0, false, 0, false),
			{ .home = 1, .service = "db", STANDBY(3) },
		},
		.steps = {
			{ 0, false, "owners 1=1 2=2 3=3 | 1/-=1 2/-=2 3/-=3 1/db=1" },
			{ 1, false, "owners 1=2 2=2 3=3 | 1/-=2 2/-=2 3/-=3 1/db=3!" },
			{ 1, true, "owners 1=2 2=2 3=3 | 1/-=2 2/-=2 3/-=3 1/db=3" },
			{ 2, false, "owners 1=3 2=3 3=3 | 1/-=1 2/-=3 3/-=3 1/db=3" },
			{ 2, true, "owners 1=3 2=3 3=3 | 1/-=1 2/-=3 3/-=3 1/db=3" },
			{ 3, false, "owners 1=1 2=2 3=1 | 1/-=1 2/-=2 3/-=1 1/db=1!" },
		},
	},
};

/* The decision's input built from a case or a sequence. */
struct built_table {
	struct ipto_decide_node nodes[CASE_NODES_MAX];
	struct ipto_unit units[CASE_UNITS_MAX];
	struct ipto_decision prev[CASE_UNITS_MAX];
	const char *service[CASE_UNITS_MAX];
	struct ipto_decide_input in;
};

static unsigned int count_nodes(const struct case_node *nodes)
{
	unsigned int n = 0;

	while (n < CASE_NODES_MAX && nodes[n].id)
		n++;
	return n;
}

static unsigned int count_units(const struct case_unit *units)
{
	unsigned int n = 0;

	while (n < CASE_UNITS_MAX && units[n].home)
		n++;
	return n;
}

static void build_table(const struct case_node *nodes, const struct case_unit *units,
			bool manual, struct built_table *t)
{
	unsigned int i, k;

	memset(t, 0, sizeof(*t));
	t->in.nnodes = count_nodes(nodes);
	t->in.nunits = count_units(units);
	for (i = 0; i < t->in.nnodes; i++) {
		t->nodes[i].id = nodes[i].id;
		t->nodes[i].up = !nodes[i].down;
	}
	for (i = 0; i < t->in.nunits; i++) {
		struct ipto_unit *u = &t->units[i];

		u->home = units[i].home;
		u->failover = !units[i].no_failover;
		for (k = 0; k < IPTO_STANDBY_MAX && units[i].standby[k]; k++)
			u->standby[k] = units[i].standby[k];
		u->nstandby = k;
		t->prev[i].owner = units[i].prev;
		t->service[i] = units[i].service;
	}
	t->in.nodes = t->nodes;
	t->in.units = t->units;
	t->in.failback_manual = manual;
}

/* Bounded text accumulation for messages. */
struct text {
	char buf[8192];
	size_t len;
};

static void __attribute__((format(printf, 2, 3))) text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len >= sizeof(t->buf))
		t->len = sizeof(t->buf) - 1;	/* truncated */
}

/* "owners NODE=ADDR_OWNER ... | HOME/NAME=OWNER[!] ...", as ipto-decide prints. */
static void format_decision(const struct built_table *t, const struct ipto_decision *out,
			    struct text *text)
{
	unsigned int i;

	text_add(text, "owners");
	for (i = 0; i < t->in.nnodes; i++)
		text_add(text, " %u=%u", (unsigned int)t->nodes[i].id,
			 (unsigned int)ipto_decide_addr_owner(&t->in, out, t->nodes[i].id));
	text_add(text, " |");
	for (i = 0; i < t->in.nunits; i++)
		text_add(text, " %u/%s=%u%s", (unsigned int)t->units[i].home,
			 t->service[i] ? t->service[i] : "-", (unsigned int)out[i].owner,
			 out[i].guard ? "!" : "");
}

/* Mismatches between a decision and a case's expectations, one per line. */
static void compare_case(const struct decide_case *c, const struct built_table *t,
			 const struct ipto_decision *out, struct text *diff)
{
	unsigned int i;

	for (i = 0; i < t->in.nunits; i++) {
		const struct case_unit *u = &c->units[i];

		if (out[i].owner != u->owner || out[i].guard != u->guard)
			text_add(diff, "  unit %u/%s: owner %u%s, want %u%s\n", (unsigned int)u->home,
				 u->service ? u->service : "-", (unsigned int)out[i].owner,
				 out[i].guard ? " guarded" : "", (unsigned int)u->owner,
				 u->guard ? " guarded" : "");
	}
	for (i = 0; i < t->in.nnodes; i++) {
		u32 addr = ipto_decide_addr_owner(&t->in, out, t->nodes[i].id);

		if (addr != c->nodes[i].addr)
			text_add(diff, "  node %u: address owner %u, want %u\n",
				 (unsigned int)t->nodes[i].id, (unsigned int)addr,
				 (unsigned int)c->nodes[i].addr);
	}
}

static bool same_decisions(const struct ipto_decision *a, const struct ipto_decision *b,
			   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (a[i].owner != b[i].owner || a[i].guard != b[i].guard)
			return false;
	return true;
}

static void test_case(void **state)
{
	const struct decide_case *c = *state;
	struct ipto_decision out[CASE_UNITS_MAX];
	struct built_table t;
	struct text diff = { .len = 0 };

	build_table(c->nodes, c->units, c->manual, &t);
	ipto_decide(&t.in, c->with_prev ? t.prev : NULL, out);
	compare_case(c, &t, out, &diff);
	if (diff.len)
		fail_msg("%s:\n%s", c->name, diff.buf);
}

/* Same table, same previous decision: same answer, and NULL prev == zeroed prev. */
static void test_determinism(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(decide_cases) / sizeof(decide_cases[0]); i++) {
		const struct decide_case *c = &decide_cases[i];
		struct ipto_decision first[CASE_UNITS_MAX], again[CASE_UNITS_MAX];
		struct built_table t;

		build_table(c->nodes, c->units, c->manual, &t);
		ipto_decide(&t.in, c->with_prev ? t.prev : NULL, first);
		ipto_decide(&t.in, c->with_prev ? t.prev : NULL, again);
		if (!same_decisions(first, again, t.in.nunits))
			fail_msg("%s: two calls disagree", c->name);
		if (!c->with_prev) {
			struct ipto_decision zero[CASE_UNITS_MAX];

			memset(zero, 0, sizeof(zero));
			ipto_decide(&t.in, zero, again);
			if (!same_decisions(first, again, t.in.nunits))
				fail_msg("%s: NULL and zeroed prev disagree", c->name);
		}
	}
}

/* Decides with @t's nodes in @order and compares with the reference. */
static bool same_under_order(const struct built_table *t, const unsigned int *order,
			     const struct ipto_decision *ref)
{
	struct ipto_decide_node nodes[CASE_NODES_MAX];
	struct ipto_decision out[CASE_UNITS_MAX];
	struct ipto_decide_input in = t->in;
	unsigned int i;

	for (i = 0; i < t->in.nnodes; i++)
		nodes[i] = t->nodes[order[i]];
	in.nodes = nodes;
	ipto_decide(&in, t->prev, out);
	if (!same_decisions(ref, out, t->in.nunits))
		return false;
	for (i = 0; i < t->in.nnodes; i++)
		if (ipto_decide_addr_owner(&in, out, t->nodes[i].id) !=
		    ipto_decide_addr_owner(&t->in, ref, t->nodes[i].id))
			return false;
	return true;
}

/* Every permutation of every case's nodes (Heap's algorithm): same answer. */
static void test_node_order(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(decide_cases) / sizeof(decide_cases[0]); i++) {
		const struct decide_case *c = &decide_cases[i];
		struct ipto_decision ref[CASE_UNITS_MAX];
		unsigned int order[CASE_NODES_MAX], count[CASE_NODES_MAX] = { 0 };
		unsigned int n, k = 1, perms = 1;
		struct built_table t;

		build_table(c->nodes, c->units, c->manual, &t);
		ipto_decide(&t.in, t.prev, ref);
		n = t.in.nnodes;
		for (k = 0; k < n; k++)
			order[k] = k;
		k = 1;
		while (k < n) {
			if (count[k] < k) {
				unsigned int j = k % 2 ? count[k] : 0, tmp = order[j];

				order[j] = order[k];
				order[k] = tmp;
				perms++;
				if (!same_under_order(&t, order, ref))
					fail_msg("%s: permutation %u of the nodes changes the answer",
						 c->name, perms);
				count[k]++;
				k = 1;
			} else {
				count[k] = 0;
				k++;
			}
		}
	}
}

static void test_sequence(void **state)
{
	const struct decide_sequence *s = *state;
	struct ipto_decision out[CASE_UNITS_MAX];
	struct built_table t;
	unsigned int step, i;

	build_table(s->nodes, s->units, s->manual, &t);
	for (step = 0; step < SEQ_STEPS_MAX && s->steps[step].want; step++) {
		const struct seq_step *st = &s->steps[step];
		struct text got = { .len = 0 };

		for (i = 0; st->node && i < t.in.nnodes; i++)
			if (t.nodes[i].id == st->node)
				t.nodes[i].up = st->up;
		ipto_decide(&t.in, t.prev, out);
		format_decision(&t, out, &got);
		if (strcmp(got.buf, st->want))
			fail_msg("%s, step %u (node %u %s):\n  got  %s\n  want %s", s->name, step,
				 (unsigned int)st->node, st->up ? "up" : "down", got.buf, st->want);
		memcpy(t.prev, out, sizeof(out[0]) * t.in.nunits);
	}
}

static void test_empty_input(void **state)
{
	struct ipto_decide_input in = { .nodes = NULL, .nnodes = 0, .units = NULL, .nunits = 0 };

	(void)state;
	ipto_decide(&in, NULL, NULL);
	assert_int_equal(ipto_decide_addr_owner(&in, NULL, 1), 0);
	in.failback_manual = true;
	ipto_decide(&in, NULL, NULL);
	assert_int_equal(ipto_decide_addr_owner(&in, NULL, 0), 0);
}

/* ---- randomized property test ---- */

#define RAND_TABLES		10000
#define RAND_NODE_IDS		12	/* node ids drawn from 1..12 */
#define RAND_STANDBY_IDS	14	/* 13 and 14 never name a node */
#define RAND_NODES_MAX		8
#define RAND_SERVICES_MAX	5
#define RAND_STANDBY_LEN	5
#define RAND_STEPS_MAX		5
#define RAND_SEED_DEFAULT	0x1970c0ffeeULL

static const char *const rand_service_names[RAND_SERVICES_MAX] = {
	"s0", "s1", "s2", "s3", "s4",
};

struct rng {
	uint64_t s;
};

/* splitmix64 */
static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rng_below(struct rng *r, unsigned int n)
{
	return (unsigned int)(rng_next(r) % n);
}

/* A random table and the states it went through, to print a failure. */
struct rand_table {
	struct ipto_decide_node nodes[RAND_NODES_MAX];
	struct ipto_unit units[RAND_NODES_MAX + RAND_SERVICES_MAX];
	struct ipto_decide_input in;
	struct text history;	/* the scenario as ipto-decide input */
};

static void rand_standby(struct rng *r, struct ipto_unit *u)
{
	unsigned int len = rng_below(r, RAND_STANDBY_LEN + 1), k, j;

	u->nstandby = 0;
	for (k = 0; k < len; k++) {
		/* now and then the home itself; never a repeat */
		u32 id = rng_below(r, 8) ? 1 + rng_below(r, RAND_STANDBY_IDS) : u->home;
		bool repeat = false;

		for (j = 0; j < u->nstandby; j++)
			repeat |= u->standby[j] == id;
		if (!repeat)
			u->standby[u->nstandby++] = id;
	}
}

static void history_unit(struct text *h, const struct ipto_unit *u)
{
	unsigned int k;

	text_add(h, " failover %s standby ", u->failover ? "on" : "off");
	if (!u->nstandby)
		text_add(h, "-");
	for (k = 0; k < u->nstandby; k++)
		text_add(h, "%s%u", k ? "," : "", (unsigned int)u->standby[k]);
	text_add(h, "\n");
}

static void rand_table(struct rng *r, struct rand_table *t)
{
	u32 ids[RAND_NODE_IDS];
	unsigned int i, nsvc;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < RAND_NODE_IDS; i++)
		ids[i] = i + 1;
	for (i = RAND_NODE_IDS - 1; i > 0; i--) {
		unsigned int j = rng_below(r, i + 1);
		u32 tmp = ids[i];

		ids[i] = ids[j];
		ids[j] = tmp;
	}
	t->in.failback_manual = rng_below(r, 2);
	text_add(&t->history, "failback %s\n", t->in.failback_manual ? "manual" : "auto");
	t->in.nnodes = rng_below(r, RAND_NODES_MAX + 1);
	for (i = 0; i < t->in.nnodes; i++) {
		struct ipto_unit *u = &t->units[i];

		t->nodes[i].id = ids[i];
		t->nodes[i].up = rng_below(r, 3) != 0;
		u->home = ids[i];
		u->failover = rng_below(r, 4) != 0;
		rand_standby(r, u);
		text_add(&t->history, "node %u %s", (unsigned int)u->home,
			 t->nodes[i].up ? "up" : "down");
		history_unit(&t->history, u);
	}
	t->in.nunits = t->in.nnodes;
	nsvc = t->in.nnodes ? rng_below(r, RAND_SERVICES_MAX + 1) : 0;
	for (i = 0; i < nsvc; i++) {
		const struct ipto_unit *node_unit = &t->units[rng_below(r, t->in.nnodes)];
		struct ipto_unit *u = &t->units[t->in.nunits++];

		*u = *node_unit;
		if (rng_below(r, 2))
			u->failover = !u->failover;
		if (rng_below(r, 2))
			rand_standby(r, u);
		text_add(&t->history, "service %u %s", (unsigned int)u->home,
			 rand_service_names[i]);
		history_unit(&t->history, u);
	}
	t->in.nodes = t->nodes;
	t->in.units = t->units;
}

static bool rand_node_up(const struct rand_table *t, u32 id)
{
	unsigned int i;

	for (i = 0; i < t->in.nnodes; i++)
		if (t->nodes[i].id == id)
			return t->nodes[i].up;
	return false;
}

static bool rand_in_standby(const struct ipto_unit *u, u32 id)
{
	unsigned int k;

	for (k = 0; k < u->nstandby; k++)
		if (u->standby[k] == id)
			return true;
	return false;
}

/* The first up node of @u's standby list other than its home, or 0. */
static u32 rand_first_up_standby(const struct rand_table *t, const struct ipto_unit *u)
{
	unsigned int k;

	for (k = 0; k < u->nstandby; k++)
		if (u->standby[k] != u->home && rand_node_up(t, u->standby[k]))
			return u->standby[k];
	return 0;
}

/*
 * Checks one decision against the rules; returns what is wrong or NULL.
 * @prev: the decision before (zeroed at first).
 */
static const char *rand_check(const struct rand_table *t, const struct ipto_decision *prev,
			      const struct ipto_decision *out, unsigned int *bad)
{
	static char why[256];
	unsigned int i, j;

	for (i = 0; i < t->in.nunits; i++) {
		const struct ipto_unit *u = &t->units[i];
		u32 o = out[i].owner;
		bool home_up = rand_node_up(t, u->home), taker = false, fallback = false;

		*bad = i;
		if (o && !rand_node_up(t, o))
			return "owner is neither 0 nor an up node";
		if (!t->in.failback_manual && home_up && o != u->home)
			return "home up (auto failback) but not the owner";
		if (!home_up && !u->failover && o)
			return "home down, failover off, yet provided";
		if (o && o != u->home && !rand_in_standby(u, o))
			return "owner is neither the home nor in the standby list";
		if (out[i].guard && !o)
			return "guarded without an owner";
		if (!home_up && u->failover && o != rand_first_up_standby(t, u))
			return "home down: owner is not the first up standby";
		if (t->in.failback_manual && home_up) {
			u32 p = prev[i].owner;
			u32 want = p && p != u->home && rand_node_up(t, p) ? p : u->home;

			if (o != want)
				return "manual failback: owner is neither the kept adopter nor the home";
		}
		/* guard: a taker's unit with no other up node (home or standby) */
		for (j = 0; o && j < t->in.nunits; j++)
			taker |= out[j].owner == o && t->units[j].home != o;
		fallback = u->home != o && home_up;
		for (j = 0; j < u->nstandby; j++)
			fallback |= u->standby[j] != o && rand_node_up(t, u->standby[j]);
		if (out[i].guard != (o && taker && !fallback)) {
			snprintf(why, sizeof(why), "guard %d, want %d (taker %d, fallback %d)",
				 out[i].guard, o && taker && !fallback, taker, fallback);
			return why;
		}
	}
	/* Addresses: the first unit provided by another node, else the node. */
	for (i = 0; i < t->in.nnodes; i++) {
		u32 id = t->nodes[i].id, want = 0;

		for (j = 0; j < t->in.nunits; j++) {
			if (t->units[j].home != id || !out[j].owner)
				continue;
			if (out[j].owner != id) {
				want = out[j].owner;
				break;
			}
			want = id;
		}
		*bad = i;
		if (ipto_decide_addr_owner(&t->in, out, id) != want)
			return "address owner is not the first unit provided by another node";
	}
	return NULL;
}

/* The same table with its nodes shuffled decides alike. */
static bool rand_same_shuffled(struct rng *r, const struct rand_table *t,
			       const struct ipto_decision *prev, const struct ipto_decision *ref)
{
	struct ipto_decide_node nodes[RAND_NODES_MAX];
	struct ipto_decision out[RAND_NODES_MAX + RAND_SERVICES_MAX];
	struct ipto_decide_input in = t->in;
	unsigned int i;

	memcpy(nodes, t->nodes, sizeof(nodes));
	for (i = in.nnodes; i > 1; i--) {
		unsigned int j = rng_below(r, i);
		struct ipto_decide_node tmp = nodes[i - 1];

		nodes[i - 1] = nodes[j];
		nodes[j] = tmp;
	}
	in.nodes = nodes;
	ipto_decide(&in, prev, out);
	if (!same_decisions(ref, out, in.nunits))
		return false;
	for (i = 0; i < in.nnodes; i++)
		if (ipto_decide_addr_owner(&in, out, nodes[i].id) !=
		    ipto_decide_addr_owner(&t->in, ref, nodes[i].id))
			return false;
	return true;
}

static void test_random_tables(void **state)
{
	const char *env = getenv("DECIDE_TEST_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : RAND_SEED_DEFAULT;
	struct rng r = { .s = seed };
	unsigned int n, decisions = 0;

	(void)state;
	print_message("random tables: %u, seed 0x%llx (DECIDE_TEST_SEED=N to change)\n",
		      RAND_TABLES, (unsigned long long)seed);
	for (n = 0; n < RAND_TABLES; n++) {
		struct ipto_decision prev[RAND_NODES_MAX + RAND_SERVICES_MAX];
		struct ipto_decision out[RAND_NODES_MAX + RAND_SERVICES_MAX];
		struct ipto_decision again[RAND_NODES_MAX + RAND_SERVICES_MAX];
		unsigned int steps, step, bad = 0;
		struct rand_table t;

		rand_table(&r, &t);
		memset(prev, 0, sizeof(prev));
		steps = 1 + rng_below(&r, RAND_STEPS_MAX);
		for (step = 0; step < steps; step++) {
			const char *why;

			if (step && t.in.nnodes) {
				unsigned int flips = 1 + rng_below(&r, 2), f;

				for (f = 0; f < flips; f++) {
					struct ipto_decide_node *node =
						&t.nodes[rng_below(&r, t.in.nnodes)];

					node->up = !node->up;
					text_add(&t.history, "set %u %s\n", (unsigned int)node->id,
						 node->up ? "up" : "down");
				}
			}
			text_add(&t.history, "decide\n");
			/* the first decision of a table passes NULL, as no prev */
			ipto_decide(&t.in, step ? prev : NULL, out);
			decisions++;
			why = rand_check(&t, prev, out, &bad);
			ipto_decide(&t.in, step ? prev : NULL, again);
			if (!why && !same_decisions(out, again, t.in.nunits))
				why = "two calls disagree";
			if (!why && !rand_same_shuffled(&r, &t, step ? prev : NULL, out))
				why = "shuffling the nodes changes the answer";
			if (why) {
				struct text got = { .len = 0 };
				struct built_table fmt;
				unsigned int i;

				memset(&fmt, 0, sizeof(fmt));
				fmt.in = t.in;
				memcpy(fmt.nodes, t.nodes, sizeof(t.nodes));
				memcpy(fmt.units, t.units, sizeof(t.units));
				for (i = t.in.nnodes; i < t.in.nunits; i++)
					fmt.service[i] = rand_service_names[i - t.in.nnodes];
				fmt.in.nodes = fmt.nodes;
				fmt.in.units = fmt.units;
				format_decision(&fmt, out, &got);
				fail_msg("seed 0x%llx table %u step %u, unit/node index %u: %s\n"
					 "ipto-decide input:\n%s"
					 "got: %s",
					 (unsigned long long)seed, n, step, bad, why, t.history.buf,
					 got.buf);
			}
			memcpy(prev, out, sizeof(out));
		}
	}
	print_message("random tables: %u decisions checked\n", decisions);
}

int main(void)
{
	enum {
		NCASES = sizeof(decide_cases) / sizeof(decide_cases[0]),
		NSEQ = sizeof(decide_sequences) / sizeof(decide_sequences[0]),
		NFIXED = 4,
	};
	struct CMUnitTest tests[NCASES + NSEQ + NFIXED];
	size_t i, n = 0;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < NCASES; i++) {
		tests[n].name = decide_cases[i].name;
		tests[n].test_func = test_case;
		tests[n++].initial_state = (void *)&decide_cases[i];
	}
	for (i = 0; i < NSEQ; i++) {
		tests[n].name = decide_sequences[i].name;
		tests[n].test_func = test_sequence;
		tests[n++].initial_state = (void *)&decide_sequences[i];
	}
	tests[n].name = "empty input, NULL arrays";
	tests[n++].test_func = test_empty_input;
	tests[n].name = "determinism: every case decided twice, NULL prev == zeroed prev";
	tests[n++].test_func = test_determinism;
	tests[n].name = "node order: every permutation of every case's nodes";
	tests[n++].test_func = test_node_order;
	tests[n].name = "random tables: invariants, determinism, node order";
	tests[n++].test_func = test_random_tables;
	return _cmocka_run_group_tests("ipto_decide", tests, n, NULL, NULL);
}
