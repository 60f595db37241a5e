// SPDX-License-Identifier: GPL-2.0
/*
 * config_diff.c - what differs between the running configuration and the
 * one a reload (SIGHUP) read: whether it changes what only a restart may
 * change, and, node by node and service by service, whether the kernel's
 * table must change (iptod_kernel_apply() acts on the answers).
 */
#include "config.h"

#include <string.h>

bool iptod_config_needs_restart(const struct iptod_config *running,
				const struct iptod_config *loaded)
{
	const struct iptod_node *os = iptod_config_node(running, running->self);
	const struct iptod_node *ns = iptod_config_node(loaded, loaded->self);

	return strcmp(loaded->device, running->device) || strcmp(loaded->link, running->link) ||
	       loaded->self != running->self || loaded->port != running->port ||
	       !iptod_addr_equal(&os->heartbeat, &ns->heartbeat) ||
	       loaded->has_witness != running->has_witness ||
	       loaded->membership != running->membership;
}

static bool ids_equal(const uint32_t *a, unsigned int na, const uint32_t *b, unsigned int nb)
{
	return na == nb && (!na || !memcmp(a, b, na * sizeof(*a)));
}

bool iptod_node_equal(const struct iptod_node *a, const struct iptod_node *b)
{
	unsigned int i;

	if (a->id != b->id || strcmp(a->name, b->name) || a->failover != b->failover ||
	    a->naddrs != b->naddrs || !ids_equal(a->standby, a->nstandby, b->standby, b->nstandby))
		return false;
	for (i = 0; i < a->naddrs; i++) {
		if (!iptod_addr_equal(&a->addrs[i], &b->addrs[i]))
			return false;
	}
	return true;
}

bool iptod_service_equal(const struct iptod_service *a, const struct iptod_service *b)
{
	if (strcmp(a->name, b->name) || a->node != b->node || a->proto != b->proto ||
	    a->port_min != b->port_min || a->port_max != b->port_max ||
	    a->action != b->action || a->has_standby != b->has_standby ||
	    a->has_failover != b->has_failover)
		return false;
	if (a->has_standby && !ids_equal(a->standby, a->nstandby, b->standby, b->nstandby))
		return false;
	if (a->has_failover && a->failover != b->failover)
		return false;
	return true;
}
