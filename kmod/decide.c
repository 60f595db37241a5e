// SPDX-License-Identifier: GPL-2.0
/*
 * decide.c - the takeover decision (claims 48-50): for every unit, whether
 * it may fail over, which node provides it, and whether the cascade guard
 * holds it.  A pure function: the same table gives the same answer on
 * every node, in the kernel and in the userland tests.  The rules are
 * documented in uapi/linux/ipto.h ("Cluster table and takeover").
 */
#include "decide.h"

static bool ipto_node_up(const struct ipto_decide_input *in, u32 id)
{
	unsigned int i;

	for (i = 0; i < in->nnodes; i++)
		if (in->nodes[i].id == id)
			return in->nodes[i].up;
	return false;
}

static u32 ipto_unit_owner(const struct ipto_decide_input *in, const struct ipto_unit *u,
			   const struct ipto_decision *prev)
{
	unsigned int i;

	if (ipto_node_up(in, u->home)) {
		/* Manual failback: the adopter keeps it while it is up. */
		if (in->failback_manual && prev && prev->owner && prev->owner != u->home &&
		    ipto_node_up(in, prev->owner))
			return prev->owner;
		return u->home;
	}
	if (!u->failover)
		return 0;
	for (i = 0; i < u->nstandby; i++)
		if (u->standby[i] != u->home && ipto_node_up(in, u->standby[i]))
			return u->standby[i];
	return 0;
}

/* Whether @node provides some unit that is not its own. */
static bool ipto_is_taker(const struct ipto_decide_input *in, const struct ipto_decision *out,
			  u32 node)
{
	unsigned int i;

	for (i = 0; i < in->nunits; i++)
		if (out[i].owner == node && in->units[i].home != node)
			return true;
	return false;
}

/* Whether a node other than the provider could still take the unit. */
static bool ipto_has_fallback(const struct ipto_decide_input *in, const struct ipto_unit *u,
			      u32 owner)
{
	unsigned int i;

	if (u->home != owner && ipto_node_up(in, u->home))
		return true;
	for (i = 0; i < u->nstandby; i++)
		if (u->standby[i] != owner && ipto_node_up(in, u->standby[i]))
			return true;
	return false;
}

void ipto_decide(const struct ipto_decide_input *in, const struct ipto_decision *prev,
		 struct ipto_decision *out)
{
	unsigned int i;

	for (i = 0; i < in->nunits; i++)
		out[i].owner = ipto_unit_owner(in, &in->units[i], prev ? &prev[i] : NULL);
	/* The cascade guard: checked on every node that took something over. */
	for (i = 0; i < in->nunits; i++) {
		u32 owner = out[i].owner;

		out[i].guard = owner && ipto_is_taker(in, out, owner) &&
			       !ipto_has_fallback(in, &in->units[i], owner);
	}
}

/*
 * The node that holds @node's addresses: the first of its units (its own,
 * then its services') provided by another node, else the node itself when
 * it provides them, else nobody.  So a standby holds them while the node
 * is down, and, with manual failback, also after it returns while the
 * standby still provides any of its units.
 */
u32 ipto_decide_addr_owner(const struct ipto_decide_input *in,
			   const struct ipto_decision *decisions, u32 node)
{
	u32 owner = 0;
	unsigned int i;

	for (i = 0; i < in->nunits; i++) {
		if (in->units[i].home != node || !decisions[i].owner)
			continue;
		if (decisions[i].owner != node)
			return decisions[i].owner;
		owner = node;
	}
	return owner;
}
