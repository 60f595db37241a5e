// SPDX-License-Identifier: GPL-2.0
/*
 * service.c - a device's service rules.  The set is copied on every change
 * and swapped in with one pointer store under RTNL, so the packet path sees
 * either the old set or the new one, never a half-made change.
 */
#include <linux/overflow.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "device.h"
#include "service.h"

static struct ipto_services *ipto_services_alloc(unsigned int count)
{
	struct ipto_services *set;

	set = kzalloc(struct_size(set, svc, count), GFP_KERNEL_ACCOUNT);
	if (set)
		set->count = count;
	return set;
}

int ipto_service_find(const struct ipto_services *set, u32 node, const char *name)
{
	unsigned int i;

	for (i = 0; set && i < set->count; i++)
		if (set->svc[i].node == node && !strcmp(set->svc[i].name, name))
			return i;
	return -1;
}

/* A private copy of the current set, to change and swap in; NULL if none. */
struct ipto_services *ipto_services_copy(const struct ipto_dev *ipto)
{
	const struct ipto_services *old = rtnl_dereference(ipto->services);
	struct ipto_services *set;

	if (!old)
		return NULL;
	set = ipto_services_alloc(old->count);
	if (set)
		memcpy(set->svc, old->svc, old->count * sizeof(old->svc[0]));
	return set;
}

void ipto_services_replace(struct ipto_dev *ipto, struct ipto_services *set)
{
	struct ipto_services *old = rtnl_dereference(ipto->services);

	rcu_assign_pointer(ipto->services, set);
	ipto->services_gen++;
	if (old)
		kfree_rcu(old, rcu);
}

int ipto_service_add(struct ipto_dev *ipto, const struct ipto_service *svc,
		     struct netlink_ext_ack *extack)
{
	struct ipto_services *old = rtnl_dereference(ipto->services);
	unsigned int count = old ? old->count : 0;
	struct ipto_services *set;

	ASSERT_RTNL();
	if (ipto_service_find(old, svc->node, svc->name) >= 0) {
		NL_SET_ERR_MSG_MOD(extack, "the node already has a service of that name");
		return -EEXIST;
	}
	if (count >= IPTO_SERVICES_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "too many services on this device (max 1024)");
		return -ENOSPC;
	}
	set = ipto_services_alloc(count + 1);
	if (!set)
		return -ENOMEM;
	if (count)
		memcpy(set->svc, old->svc, count * sizeof(*svc));
	set->svc[count] = *svc;
	ipto_services_replace(ipto, set);
	return 0;
}

int ipto_service_del(struct ipto_dev *ipto, u32 node, const char *name,
		     struct netlink_ext_ack *extack)
{
	struct ipto_services *old = rtnl_dereference(ipto->services);
	struct ipto_services *set = NULL;
	int i;

	ASSERT_RTNL();
	i = ipto_service_find(old, node, name);
	if (i < 0) {
		NL_SET_ERR_MSG_MOD(extack, "the node has no service of that name");
		return -ENOENT;
	}
	if (old->count > 1) {
		set = ipto_services_alloc(old->count - 1);
		if (!set)
			return -ENOMEM;
		memcpy(set->svc, old->svc, i * sizeof(old->svc[0]));
		memcpy(set->svc + i, old->svc + i + 1, (old->count - i - 1) * sizeof(old->svc[0]));
	}
	ipto_services_replace(ipto, set);
	return 0;
}

/*
 * The action of the first service of @node this node provides that matches
 * @proto and @port, or -1 when none matches.  Caller holds rcu_read_lock().
 */
int ipto_service_action(const struct ipto_dev *ipto, u32 node, u8 proto, u16 port)
{
	const struct ipto_services *set = rcu_dereference(ipto->services);
	unsigned int i;

	for (i = 0; node && set && i < set->count; i++) {
		const struct ipto_service *svc = &set->svc[i];

		if (svc->active && svc->node == node && svc->proto == proto &&
		    port >= svc->port_min && port <= svc->port_max)
			return svc->action;
	}
	return -1;
}

void ipto_services_free(struct ipto_dev *ipto)
{
	ipto_services_replace(ipto, NULL);
}
