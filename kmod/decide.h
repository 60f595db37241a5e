/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decide.h - who provides what: the takeover decision as a pure function
 * of the cluster table.  It is compiled into the module and, unchanged,
 * into the userland unit tests and the reference tool, so that what the
 * kernel does can be checked against what the function says.  No kernel
 * or libc dependencies beyond fixed-size integers and bool.
 */
#ifndef _IPTO_DECIDE_H
#define _IPTO_DECIDE_H

#include <linux/types.h>
#ifndef __KERNEL__
#include <stdbool.h>
#include <stddef.h>
typedef __u8 u8;
typedef __u32 u32;
#endif

#include <linux/ipto.h>

/* A node as the decision sees it. */
struct ipto_decide_node {
	u32 id;
	bool up;
};

/*
 * A unit fails over as a whole: a node's own unit (its addresses and the
 * services without overrides) or a service with its own failover flag or
 * standby list.  @failover and @standby are the effective ones (the
 * service's override, else its node's).
 */
struct ipto_unit {
	u32 home;
	bool failover;
	u8 nstandby;
	u32 standby[IPTO_STANDBY_MAX];
};

/* The decision for one unit. */
struct ipto_decision {
	u32 owner;	/* node providing the unit, 0 for nobody */
	bool guard;	/* cascade guard: failover disallowed, no fallback left */
};

/**
 * struct ipto_decide_input - the table
 * @nodes: every node, any order
 * @nnodes: entries in @nodes
 * @units: every unit; a node's own unit must come before its services'
 * @nunits: entries in @units
 * @failback_manual: an adopter keeps what it provides when its home returns
 */
struct ipto_decide_input {
	const struct ipto_decide_node *nodes;
	unsigned int nnodes;
	const struct ipto_unit *units;
	unsigned int nunits;
	bool failback_manual;
};

void ipto_decide(const struct ipto_decide_input *in, const struct ipto_decision *prev,
		 struct ipto_decision *out);
u32 ipto_decide_addr_owner(const struct ipto_decide_input *in,
			   const struct ipto_decision *decisions, u32 node);

#endif /* _IPTO_DECIDE_H */
