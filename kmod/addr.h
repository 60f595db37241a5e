/* SPDX-License-Identifier: GPL-2.0 */
/*
 * addr.h - adopted addresses: the per-namespace table the packet path looks
 * up, and the announcements sent when an address is adopted.
 */
#ifndef _IPTO_ADDR_H
#define _IPTO_ADDR_H

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/rhashtable.h>
#include <linux/string.h>
#include <linux/workqueue.h>

struct ipto_dev;
struct ipto_net;
struct net;
struct net_device;
struct netlink_ext_ack;
struct nlattr;

/* The table key; zero-filled before use so that padding compares equal. */
struct ipto_addr_key {
	union {
		__be32 ip4;
		struct in6_addr ip6;
	};
	u8 family;		/* AF_INET or AF_INET6 */
	u8 pad[3];
};

static inline void ipto_addr_key_set4(struct ipto_addr_key *key, __be32 addr)
{
	memset(key, 0, sizeof(*key));
	key->family = AF_INET;
	key->ip4 = addr;
}

static inline void ipto_addr_key_set6(struct ipto_addr_key *key, const struct in6_addr *addr)
{
	memset(key, 0, sizeof(*key));
	key->family = AF_INET6;
	key->ip6 = *addr;
}

/* Counters of one address; see enum ipto_stats_attr in the uapi header. */
struct ipto_addr_stats {
	atomic64_t matched;
	atomic64_t rst;
	atomic64_t icmp;
	atomic64_t dropped;
	atomic64_t passed;
	atomic64_t suppressed;
	atomic64_t tickles;
};

/**
 * struct ipto_addr - an address this node answers for, or a home address of
 *	the self node it guards (@home)
 * @node: in struct ipto_net.addrs
 * @key: the address
 * @ipto: the device it is adopted on; its lower device is where packets
 *	for the address are answered and where it is announced
 * @from_node: node the address came from (its services apply), 0 = none
 * @home: not adopted but a home address of the self node, entered while the
 *	device has a lease or must not answer it: packets for it go on to
 *	the stack while the device's home addresses are not silenced
 *	(ipto_dev.silenced) and the lease holds, and are dropped otherwise.
 *	Such an entry is on ipto_dev.home_addrs, is never announced by the
 *	packet path, dumped or released by an operator, and only @node,
 *	@key, @ipto, @dev_list and @rcu are used
 * @by_engine: adopted by the takeover engine (cluster.c), which may release
 *	it again; otherwise by an operator, and released only by one
 * @adopted_at: ktime_get_boottime_ns() at adoption
 * @first_reply: ktime_get_boottime_ns() when the packet path sent its first
 *	reply (RST or ICMP) for the address, 0 until then; set once, by
 *	cmpxchg, on the packet path
 * @stats: packet counters, updated on the packet path
 * @dev_list: in struct ipto_dev.addrs (home: .home_addrs), oldest
 *	first; under RTNL
 * @announce: sends the remaining announcements
 * @announce_left: announcements still to send; only @announce touches it
 * @rcu: for freeing after the packet path is done with it
 */
struct ipto_addr {
	struct rhash_head node;
	struct ipto_addr_key key;
	struct ipto_dev *ipto;
	u32 from_node;
	bool home;
	bool by_engine;
	u64 adopted_at;
	atomic64_t first_reply;
	struct ipto_addr_stats stats;
	struct list_head dev_list;
	struct delayed_work announce;
	unsigned int announce_left;
	struct rcu_head rcu;
};

int ipto_addr_table_init(struct ipto_net *in);
void ipto_addr_table_destroy(struct ipto_net *in);

bool ipto_addr_is_local(struct net *net, const struct ipto_addr_key *key,
			struct net_device **dev);
bool ipto_addr_valid(const struct ipto_addr_key *key, const struct nlattr *attr,
		     struct netlink_ext_ack *extack);
int ipto_addr_adoptable(const struct ipto_dev *ipto, const struct ipto_addr_key *key,
			const struct nlattr *attr, struct netlink_ext_ack *extack);
struct ipto_addr *ipto_addr_lookup(struct ipto_net *in, const struct ipto_addr_key *key);
int ipto_addr_adopt(struct ipto_dev *ipto, const struct ipto_addr_key *key, u32 from_node,
		    struct netlink_ext_ack *extack);
void ipto_addr_adopt_node(struct ipto_dev *ipto, const struct ipto_addr_key *keys,
			  unsigned int n, u32 from_node);
int ipto_addr_release(struct ipto_dev *ipto, const struct ipto_addr_key *key,
		      u32 *engine_node, struct netlink_ext_ack *extack);
void ipto_addr_release_all(struct ipto_dev *ipto, bool events);
unsigned int ipto_addr_release_engine(struct ipto_dev *ipto, u32 from_node);
unsigned int ipto_addr_home_enter(struct ipto_dev *ipto, const struct ipto_addr_key *keys,
				  unsigned int n);
void ipto_addr_home_announce(struct ipto_dev *ipto);
void ipto_addr_home_remove(struct ipto_dev *ipto);

#endif /* _IPTO_ADDR_H */
