// SPDX-License-Identifier: GPL-2.0
/* pernet.c - per network namespace state: creation, lookup, teardown. */
#include <linux/bug.h>
#include <net/netns/generic.h>

#include "addr.h"
#include "pernet.h"

static unsigned int ipto_net_id __read_mostly;

struct ipto_net *ipto_net(const struct net *net)
{
	return net_generic(net, ipto_net_id);
}

static int __net_init ipto_net_init(struct net *net)
{
	struct ipto_net *in = ipto_net(net);

	INIT_LIST_HEAD(&in->devices);
	in->devices_gen = 0;
	in->naddrs = 0;
	in->nhome = 0;
	in->addrs_gen = 0;
	in->hooks_on = false;
	return ipto_addr_table_init(in);
}

/*
 * Subsystem exits run after every device of the namespace is gone, ipto
 * devices included, and each device releases its addresses as it goes:
 * anything left here is a leak.
 */
static void __net_exit ipto_net_exit(struct net *net)
{
	struct ipto_net *in = ipto_net(net);

	WARN_ON_ONCE(!list_empty(&in->devices));
	WARN_ON_ONCE(in->naddrs || in->nhome || in->hooks_on);
	ipto_addr_table_destroy(in);
}

static struct pernet_operations ipto_net_ops = {
	.init = ipto_net_init,
	.exit = ipto_net_exit,
	.id = &ipto_net_id,
	.size = sizeof(struct ipto_net),
};

int ipto_pernet_init(void)
{
	return register_pernet_subsys(&ipto_net_ops);
}

void ipto_pernet_uninit(void)
{
	unregister_pernet_subsys(&ipto_net_ops);
}
