/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipto_rtnl: the rtnetlink requests of the ipto tools: an adopted address
 * made a local address of the ipto device (/32 or /128), and taken off
 * again, the one place that does it for iptoctl and iptod alike (the
 * contract is "Local addresses" in uapi/linux/ipto.h); a home address that
 * failed duplicate address detection, detected again.
 * They run on a handle from ipto_nl_open_route(); after a failure,
 * ipto_nl_extack() on that handle tells more.
 */
#ifndef IPTO_RTNL_H
#define IPTO_RTNL_H

#include <netinet/in.h>
#include <stdbool.h>

#include "ipto_nl.h"

/*
 * Adds addr (family AF_INET or AF_INET6, 4 or 16 bytes in network order) to
 * the device ifindex as a /32 or /128 of global scope, IPv6 without duplicate
 * address detection.  Returns 0 when the address is there afterwards, also
 * when it already was; else a negative errno.
 */
int ipto_rtnl_addr_add(struct ipto_nl *rtnl, unsigned int ifindex, int family,
		       const void *addr);

/*
 * Removes that /32 or /128 from the device ifindex.  Returns 0 when it is
 * gone afterwards, also when it was not there; else a negative errno.
 */
int ipto_rtnl_addr_del(struct ipto_nl *rtnl, unsigned int ifindex, int family,
		       const void *addr);

/*
 * Runs IPv6 duplicate address detection again for each address of the
 * device ifindex that failed it (IFA_F_DADFAILED) and for which
 * wanted(addr, ctx) is true: removes it and adds it back with the same
 * prefix length, flags, scope, lifetimes, metric and protocol, which starts
 * detection anew.  At most IPTO_RTNL_REDO_MAX addresses per call.  Calls
 * redone(addr, err, ctx) for each one tried, err 0 or a negative errno.
 * Returns how many were tried, or the negative errno of the dump.
 */
#define IPTO_RTNL_REDO_MAX	64
int ipto_rtnl_redo_dad(struct ipto_nl *rtnl, unsigned int ifindex,
		       bool (*wanted)(const struct in6_addr *addr, void *ctx),
		       void (*redone)(const struct in6_addr *addr, int err, void *ctx),
		       void *ctx);

#endif /* IPTO_RTNL_H */
