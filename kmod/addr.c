// SPDX-License-Identifier: GPL-2.0
/*
 * addr.c - the table of adopted addresses of a namespace: adoption,
 * release, lookup for the packet path, and the announcement schedule.
 *
 * Writers hold RTNL, which also keeps the device alive; readers on the
 * packet path use RCU.  An entry is fully initialised before
 * it is inserted and freed only after a grace period once removed, so a
 * reader sees either the whole entry or none.  The netfilter hooks of the
 * namespace are registered with the first entry and unregistered with the
 * last.
 *
 * The same table holds the self node's home addresses while the device has
 * a lease or must not answer them (see "Lease and fencing" in
 * uapi/linux/ipto.h): the packet path drops what arrives for them once the
 * lease has run out or while they are silenced.  Keeping them here costs a
 * packet to any other address nothing more than the one lookup it pays
 * already.
 */
#include <linux/inetdevice.h>
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/addrconf.h>
#include <net/netlink.h>

#include "addr.h"
#include "announce.h"
#include "device.h"
#include "family.h"
#include "nf.h"
#include "pernet.h"

/* A bound on the memory one namespace can pin through adoptions. */
#define IPTO_ADDRS_MAX BIT(20)

static const struct rhashtable_params ipto_addr_params = {
	.key_len = sizeof(struct ipto_addr_key),
	.key_offset = offsetof(struct ipto_addr, key),
	.head_offset = offsetof(struct ipto_addr, node),
	.automatic_shrinking = true,
};

int ipto_addr_table_init(struct ipto_net *in)
{
	return rhashtable_init(&in->addrs, &ipto_addr_params);
}

void ipto_addr_table_destroy(struct ipto_net *in)
{
	rhashtable_destroy(&in->addrs);
}

static void ipto_addr_event(struct ipto_nl_batch *events, enum ipto_event type,
			    const struct ipto_addr *a)
{
	ipto_nl_batch_add(events, &(struct ipto_nl_event){
		.type = type, .node = a->from_node, .key = &a->key });
}

/* Whether @key is an address of this node; caller holds RTNL. */
bool ipto_addr_is_local(struct net *net, const struct ipto_addr_key *key,
			struct net_device **dev)
{
	if (key->family == AF_INET) {
		*dev = __ip_dev_find(net, key->ip4, false);
		return *dev;
	}
	*dev = NULL;
	/* Tentative ones too: an address still in DAD is this node's. */
	return ipv6_chk_addr_and_flags(net, &key->ip6, NULL, true, 0, 0);
}

/*
 * Addresses no node may adopt or call its own; the reason why goes to
 * @extack, naming @attr.
 */
bool ipto_addr_valid(const struct ipto_addr_key *key, const struct nlattr *attr,
		     struct netlink_ext_ack *extack)
{
	if (key->family == AF_INET) {
		__be32 a = key->ip4;

		if (ipv4_is_multicast(a) || ipv4_is_lbcast(a)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "a multicast or broadcast address cannot be adopted");
			return false;
		}
		if (ipv4_is_zeronet(a)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "an unspecified (0.0.0.0/8) address cannot be adopted");
			return false;
		}
		if (ipv4_is_loopback(a)) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "a loopback address cannot be adopted");
			return false;
		}
	} else {
		int type = ipv6_addr_type(&key->ip6);

		if (type == IPV6_ADDR_ANY) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "the unspecified address cannot be adopted");
			return false;
		}
		if (type & IPV6_ADDR_MULTICAST) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "a multicast address cannot be adopted");
			return false;
		}
		if (type & (IPV6_ADDR_LOOPBACK | IPV6_ADDR_LINKLOCAL | IPV6_ADDR_MAPPED)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "a loopback, link-local or IPv4-mapped address cannot be adopted");
			return false;
		}
	}
	return true;
}

/*
 * An address an operator may adopt on @ipto: valid, and not one of this
 * node's own.  One on an ipto device is one this node adopted before (the
 * tools make each adopted address local to the ipto device).
 */
int ipto_addr_adoptable(const struct ipto_dev *ipto, const struct ipto_addr_key *key,
			const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	struct net *net = dev_net(ipto->dev);
	struct net_device *owner;

	if (!ipto_addr_valid(key, attr, extack))
		return -EINVAL;
	if (ipto_addr_is_local(net, key, &owner) &&
	    (key->family == AF_INET ? !ipto_dev_is_ipto(owner) :
	     !ipv6_chk_addr(net, &key->ip6, ipto->dev, 1))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the address is one of this node's own addresses");
		return -EADDRINUSE;
	}
	return 0;
}

/* The packet path's lookup: caller holds rcu_read_lock(). */
struct ipto_addr *ipto_addr_lookup(struct ipto_net *in, const struct ipto_addr_key *key)
{
	return rhashtable_lookup(&in->addrs, key, ipto_addr_params);
}

/*
 * The writers' lookup, under RTNL: only holders of RTNL remove entries, so
 * the one found stays valid after the lookup's own RCU section.
 */
static struct ipto_addr *ipto_addr_lookup_locked(struct ipto_net *in,
						 const struct ipto_addr_key *key)
{
	ASSERT_RTNL();
	return rhashtable_lookup_fast(&in->addrs, key, ipto_addr_params);
}

/* Caller holds RTNL. */
static int ipto_addr_hooks_get(struct ipto_net *in, struct net *net)
{
	int ret;

	if (in->hooks_on)
		return 0;
	ret = ipto_nf_register(net);
	if (!ret)
		in->hooks_on = true;
	return ret;
}

/* Caller holds RTNL. */
static void ipto_addr_hooks_put(struct ipto_net *in, struct net *net)
{
	if (!in->naddrs && !in->nhome && in->hooks_on) {
		ipto_nf_unregister(net);
		in->hooks_on = false;
	}
}

static void ipto_addr_announce_later(struct ipto_addr *a)
{
	u32 ms = READ_ONCE(a->ipto->settings.announce_interval_ms);

	schedule_delayed_work(&a->announce, msecs_to_jiffies(ms));
}

static void ipto_addr_announce_work(struct work_struct *work)
{
	struct ipto_addr *a = container_of(to_delayed_work(work), struct ipto_addr, announce);

	ipto_announce(a);
	if (--a->announce_left)
		ipto_addr_announce_later(a);
}

/*
 * A node must receive the neighbour solicitations for the address: join its
 * solicited-node multicast group on the lower device.  Joining through IPv6
 * (not just the device's filter) also sends the MLD report that snooping
 * switches need.
 */
static void ipto_addr_mc(struct ipto_addr *a, bool join)
{
	struct in6_addr maddr;

	if (a->key.family != AF_INET6)
		return;
	addrconf_addr_solict_mult(&a->key.ip6, &maddr);
	if (join)
		ipv6_dev_mc_inc(a->ipto->lower, &maddr);
	else
		ipv6_dev_mc_dec(a->ipto->lower, &maddr);
}

/*
 * Enters one adopted address, its ADOPTED event into @events; caller holds
 * RTNL and the namespace's hooks (ipto_addr_hooks_get()).  The first
 * announcement goes out now, the rest on schedule.
 */
static int ipto_addr_insert(struct ipto_dev *ipto, const struct ipto_addr_key *key,
			    u32 from_node, bool by_engine, struct ipto_nl_batch *events,
			    struct netlink_ext_ack *extack)
{
	struct ipto_net *in = ipto->pernet;
	struct ipto_addr *a, *old;
	int ret;

	if (in->naddrs >= IPTO_ADDRS_MAX) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too many adopted addresses in this namespace (max 1048576)");
		return -ENOSPC;
	}
	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a)
		return -ENOMEM;
	a->key = *key;
	a->ipto = ipto;
	a->from_node = from_node;
	a->by_engine = by_engine;
	a->adopted_at = ktime_get_boottime_ns();
	INIT_DELAYED_WORK(&a->announce, ipto_addr_announce_work);

	old = rhashtable_lookup_get_insert_fast(&in->addrs, &a->node, ipto_addr_params);
	if (old) {
		ret = IS_ERR(old) ? PTR_ERR(old) : -EEXIST;
		if (ret == -EEXIST && old->home)
			NL_SET_ERR_MSG_MOD(extack, "the address is a home address of this node");
		else if (ret == -EEXIST && old->ipto == ipto)
			NL_SET_ERR_MSG_MOD(extack, "address already adopted on this device");
		else if (ret == -EEXIST)
			NL_SET_ERR_MSG_MOD(extack,
					   "address already adopted on another ipto device");
		kfree(a);
		return ret;
	}
	in->naddrs++;
	in->addrs_gen++;
	list_add_tail(&a->dev_list, &ipto->addrs);
	ipto_addr_mc(a, true);
	ipto_addr_event(events, IPTO_EVENT_ADOPTED, a);

	a->announce_left = READ_ONCE(ipto->settings.announce_count);
	if (a->announce_left) {
		ipto_announce(a);
		if (--a->announce_left)
			ipto_addr_announce_later(a);
	}
	return 0;
}

/* An operator's adoption of one address (IPTO_CMD_ADDR_ADD). */
int ipto_addr_adopt(struct ipto_dev *ipto, const struct ipto_addr_key *key, u32 from_node,
		    struct netlink_ext_ack *extack)
{
	struct ipto_nl_batch events = { .dev = ipto->dev };
	struct ipto_net *in = ipto->pernet;
	int ret;

	ASSERT_RTNL();
	if (ipto->fence) {
		NL_SET_ERR_MSG_MOD(extack, "device is fenced");
		return -EBUSY;
	}
	ret = ipto_addr_hooks_get(in, dev_net(ipto->dev));
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "cannot register the netfilter hooks");
		return ret;
	}
	ret = ipto_addr_insert(ipto, key, from_node, false, &events, extack);
	ipto_addr_hooks_put(in, dev_net(ipto->dev));
	ipto_nl_batch_send(&events);
	return ret;
}

/*
 * The takeover engine adopts the @n home addresses of @from_node as one
 * batch: the hooks are taken once and the ADOPTED events go out packed.
 * An address that cannot be adopted (an operator adopted it already, or no
 * memory) is left out, as one address of a batch of one was before.
 */
void ipto_addr_adopt_node(struct ipto_dev *ipto, const struct ipto_addr_key *keys,
			  unsigned int n, u32 from_node)
{
	struct ipto_nl_batch events = { .dev = ipto->dev };
	struct ipto_net *in = ipto->pernet;
	unsigned int i;

	ASSERT_RTNL();
	if (ipto->fence || ipto_addr_hooks_get(in, dev_net(ipto->dev))) {
		netdev_err(ipto->dev, "cannot adopt the addresses of node %u\n", from_node);
		return;
	}
	for (i = 0; i < n; i++)
		ipto_addr_insert(ipto, &keys[i], from_node, true, &events, NULL);
	ipto_addr_hooks_put(in, dev_net(ipto->dev));
	ipto_nl_batch_send(&events);
}

/* Caller holds RTNL. */
static void ipto_addr_remove(struct ipto_net *in, struct ipto_addr *a)
{
	rhashtable_remove_fast(&in->addrs, &a->node, ipto_addr_params);
	list_del(&a->dev_list);
	in->naddrs--;
	in->addrs_gen++;
	cancel_delayed_work_sync(&a->announce);
	ipto_addr_mc(a, false);
	kfree_rcu(a, rcu);
}

/*
 * Releases one address; *@engine_node tells the node the takeover engine
 * had adopted it from, or 0 when an operator had.
 */
int ipto_addr_release(struct ipto_dev *ipto, const struct ipto_addr_key *key,
		      u32 *engine_node, struct netlink_ext_ack *extack)
{
	struct ipto_nl_batch events = { .dev = ipto->dev };
	struct ipto_net *in = ipto->pernet;
	struct ipto_addr *a;
	int ret = 0;

	ASSERT_RTNL();
	a = ipto_addr_lookup_locked(in, key);
	if (!a || a->ipto != ipto || a->home) {
		NL_SET_ERR_MSG_MOD(extack, "address is not adopted on this device");
		ret = -ENOENT;
	} else {
		*engine_node = a->by_engine ? a->from_node : 0;
		ipto_addr_event(&events, IPTO_EVENT_RELEASED, a);
		ipto_addr_remove(in, a);
		ipto_addr_hooks_put(in, dev_net(ipto->dev));
	}
	ipto_nl_batch_send(&events);
	return ret;
}

/* Releases what the takeover engine adopted from @from_node on @ipto. */
unsigned int ipto_addr_release_engine(struct ipto_dev *ipto, u32 from_node)
{
	struct ipto_nl_batch events = { .dev = ipto->dev };
	struct ipto_net *in = ipto->pernet;
	struct ipto_addr *a, *tmp;
	unsigned int n = 0;

	ASSERT_RTNL();
	list_for_each_entry_safe(a, tmp, &ipto->addrs, dev_list) {
		if (!a->by_engine || a->from_node != from_node)
			continue;
		ipto_addr_event(&events, IPTO_EVENT_RELEASED, a);
		ipto_addr_remove(in, a);
		n++;
	}
	ipto_addr_hooks_put(in, dev_net(ipto->dev));
	ipto_nl_batch_send(&events);
	return n;
}

/*
 * Releases everything adopted on @ipto: the device is fenced (@events: each
 * release is reported) or going away (no events).
 */
void ipto_addr_release_all(struct ipto_dev *ipto, bool events)
{
	struct ipto_nl_batch batch = { .dev = ipto->dev };
	struct ipto_net *in = ipto->pernet;
	struct ipto_addr *a, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(a, tmp, &ipto->addrs, dev_list) {
		if (events)
			ipto_addr_event(&batch, IPTO_EVENT_RELEASED, a);
		ipto_addr_remove(in, a);
	}
	ipto_addr_hooks_put(in, dev_net(ipto->dev));
	ipto_nl_batch_send(&batch);
}

/*
 * Enters @keys, home addresses of the self node, as home entries of @ipto:
 * from now on packets for them that arrive on the lower device are dropped
 * while the device silences them or once the lease has run out.
 * An address the table already holds (adopted by an operator, or entered
 * for another ipto device) is left as it is.  Returns how many could not be
 * entered for want of memory.
 */
unsigned int ipto_addr_home_enter(struct ipto_dev *ipto, const struct ipto_addr_key *keys,
				  unsigned int n)
{
	struct ipto_net *in = ipto->pernet;
	unsigned int i, failed = 0;
	struct ipto_addr *a, *old;

	ASSERT_RTNL();
	if (n && ipto_addr_hooks_get(in, dev_net(ipto->dev)))
		return n;
	for (i = 0; i < n; i++) {
		a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
		if (!a) {
			failed++;
			continue;
		}
		a->key = keys[i];
		a->ipto = ipto;
		a->home = true;
		INIT_DELAYED_WORK(&a->announce, ipto_addr_announce_work);
		old = rhashtable_lookup_get_insert_fast(&in->addrs, &a->node, ipto_addr_params);
		if (old) {
			failed += IS_ERR(old);
			kfree(a);
			continue;
		}
		list_add_tail(&a->dev_list, &ipto->home_addrs);
		in->nhome++;
	}
	ipto_addr_hooks_put(in, dev_net(ipto->dev));
	return failed;
}

/*
 * The home addresses of @ipto are answered again: each is announced once
 * (gratuitous ARP, unsolicited NA), so that neighbours that learnt another
 * node's hardware address for it while it was silenced come back at once.
 */
void ipto_addr_home_announce(struct ipto_dev *ipto)
{
	struct ipto_addr *a;

	ASSERT_RTNL();
	if (!READ_ONCE(ipto->settings.announce_count))
		return;
	list_for_each_entry(a, &ipto->home_addrs, dev_list)
		ipto_announce(a);
}

/* Removes every home entry of @ipto: its addresses go to the stack unguarded. */
void ipto_addr_home_remove(struct ipto_dev *ipto)
{
	struct ipto_net *in = ipto->pernet;
	struct ipto_addr *a, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(a, tmp, &ipto->home_addrs, dev_list) {
		rhashtable_remove_fast(&in->addrs, &a->node, ipto_addr_params);
		list_del(&a->dev_list);
		in->nhome--;
		kfree_rcu(a, rcu);
	}
	ipto_addr_hooks_put(in, dev_net(ipto->dev));
}
