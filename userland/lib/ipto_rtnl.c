// SPDX-License-Identifier: GPL-2.0
/*
 * ipto_rtnl: RTM_NEWADDR and RTM_DELADDR for an adopted address on the ipto
 * device, so that local sockets can answer from it (the "serve" action).
 */
#include "ipto_rtnl.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

/* Starts an RTM_NEWADDR or RTM_DELADDR for addr as a host address. */
static struct nlmsghdr *put_addr_msg(struct ipto_nl *rtnl, uint16_t type,
				     uint16_t flags, unsigned int ifindex,
				     int family, const void *addr)
{
	struct nlmsghdr *nlh = ipto_nl_msg_raw(rtnl, type, flags);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	size_t len = family == AF_INET ? sizeof(struct in_addr) :
					 sizeof(struct in6_addr);

	ifa->ifa_family = family;
	ifa->ifa_prefixlen = len * 8;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	if (family == AF_INET)
		mnl_attr_put(nlh, IFA_LOCAL, len, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, len, addr);
	return nlh;
}

static bool is_known_family(int family)
{
	return family == AF_INET || family == AF_INET6;
}

int ipto_rtnl_addr_add(struct ipto_nl *rtnl, unsigned int ifindex, int family,
		       const void *addr)
{
	struct nlmsghdr *nlh;
	int ret;

	if (!is_known_family(family))
		return -EAFNOSUPPORT;
	nlh = put_addr_msg(rtnl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
			   ifindex, family, addr);
	if (family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	ret = ipto_nl_request(rtnl, nlh, NULL, NULL);
	return ret == -EEXIST ? 0 : ret;
}

int ipto_rtnl_addr_del(struct ipto_nl *rtnl, unsigned int ifindex, int family,
		       const void *addr)
{
	struct nlmsghdr *nlh;
	int ret;

	if (!is_known_family(family))
		return -EAFNOSUPPORT;
	nlh = put_addr_msg(rtnl, RTM_DELADDR, 0, ifindex, family, addr);
	ret = ipto_nl_request(rtnl, nlh, NULL, NULL);
	/* not there: no such address, no IPv6 on the device, no device */
	if (ret == -EADDRNOTAVAIL || ret == -ENOENT || ret == -ENODEV)
		return 0;
	return ret;
}
