/* SPDX-License-Identifier: GPL-2.0 */
/*
 * announce.h - what a node says on its LAN about the addresses it adopted:
 * gratuitous ARP and unsolicited neighbour advertisements, and the answers
 * to ARP requests and neighbour solicitations for them.
 */
#ifndef _IPTO_ANNOUNCE_H
#define _IPTO_ANNOUNCE_H

#include <linux/types.h>

struct in6_addr;
struct ipto_addr;
struct net_device;

void ipto_announce(const struct ipto_addr *a);
void ipto_arp_reply(struct net_device *lower, __be32 sip, const u8 *sha, __be32 tip);
void ipto_ndisc_send_na(struct net_device *lower, const struct in6_addr *target,
			const struct in6_addr *daddr, const u8 *dest_hw, bool solicited);

#endif /* _IPTO_ANNOUNCE_H */
