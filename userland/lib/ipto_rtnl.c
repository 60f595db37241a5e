// SPDX-License-Identifier: GPL-2.0
/*
 * ipto_rtnl: RTM_NEWADDR and RTM_DELADDR for an adopted address on the ipto
 * device, so that local sockets can answer from it (the "serve" action),
 * and for a home address whose duplicate address detection must run again.
 */
#include "ipto_rtnl.h"

#include <errno.h>
#include <string.h>
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

/* An address that failed detection, as the dump showed it. */
struct failed_addr {
	struct ifaddrmsg ifa;
	struct in6_addr addr;
	uint32_t flags;
	struct ifa_cacheinfo ci;
	uint32_t metric;
	uint8_t proto;
	bool has_ci, has_metric, has_proto;
};

struct failed_list {
	unsigned int ifindex;
	bool (*wanted)(const struct in6_addr *addr, void *ctx);
	void *ctx;
	struct failed_addr a[IPTO_RTNL_REDO_MAX];
	unsigned int n;
};

static int on_addr(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct failed_list *l = data;
	struct failed_addr f = { .ifa = *ifa, .flags = ifa->ifa_flags };
	const struct nlattr *attr;
	bool has_addr = false;

	if (nlh->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET6 ||
	    ifa->ifa_index != l->ifindex || l->n == IPTO_RTNL_REDO_MAX)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		switch (mnl_attr_get_type(attr)) {
		case IFA_ADDRESS:
			if (mnl_attr_get_payload_len(attr) == sizeof(f.addr)) {
				memcpy(&f.addr, mnl_attr_get_payload(attr), sizeof(f.addr));
				has_addr = true;
			}
			break;
		case IFA_FLAGS:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				f.flags = mnl_attr_get_u32(attr);
			break;
		case IFA_CACHEINFO:
			if (mnl_attr_get_payload_len(attr) >= sizeof(f.ci)) {
				memcpy(&f.ci, mnl_attr_get_payload(attr), sizeof(f.ci));
				f.has_ci = true;
			}
			break;
		case IFA_RT_PRIORITY:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
				f.metric = mnl_attr_get_u32(attr);
				f.has_metric = true;
			}
			break;
		case IFA_PROTO:
			if (mnl_attr_validate(attr, MNL_TYPE_U8) == 0) {
				f.proto = mnl_attr_get_u8(attr);
				f.has_proto = true;
			}
			break;
		}
	}
	if (has_addr && (f.flags & IFA_F_DADFAILED) && l->wanted(&f.addr, l->ctx))
		l->a[l->n++] = f;
	return MNL_CB_OK;
}

/* Removes the address and adds it back as it was, less the failure. */
static int add_again(struct ipto_nl *rtnl, const struct failed_addr *f)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int ret;

	nlh = ipto_nl_msg_raw(rtnl, RTM_DELADDR, 0);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	*ifa = f->ifa;
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(f->addr), &f->addr);
	ret = ipto_nl_request(rtnl, nlh, NULL, NULL);
	if (ret < 0)
		return ret;

	nlh = ipto_nl_msg_raw(rtnl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	*ifa = f->ifa;
	/* The kernel keeps only the flags a request may set (not DADFAILED). */
	ifa->ifa_flags = 0;
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(f->addr), &f->addr);
	mnl_attr_put_u32(nlh, IFA_FLAGS, f->flags & ~(IFA_F_DADFAILED | IFA_F_TENTATIVE));
	if (f->has_ci) {
		struct ifa_cacheinfo ci = {
			.ifa_prefered = f->ci.ifa_prefered,
			.ifa_valid = f->ci.ifa_valid,
		};

		mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	}
	if (f->has_metric)
		mnl_attr_put_u32(nlh, IFA_RT_PRIORITY, f->metric);
	if (f->has_proto)
		mnl_attr_put_u8(nlh, IFA_PROTO, f->proto);
	return ipto_nl_request(rtnl, nlh, NULL, NULL);
}

int ipto_rtnl_redo_dad(struct ipto_nl *rtnl, unsigned int ifindex,
		       bool (*wanted)(const struct in6_addr *addr, void *ctx),
		       void (*redone)(const struct in6_addr *addr, int err, void *ctx),
		       void *ctx)
{
	struct failed_list l;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int ret;

	memset(&l, 0, sizeof(l));
	l.ifindex = ifindex;
	l.wanted = wanted;
	l.ctx = ctx;
	nlh = ipto_nl_msg_raw(rtnl, RTM_GETADDR, NLM_F_DUMP);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ret = ipto_nl_request(rtnl, nlh, on_addr, &l);
	if (ret < 0)
		return ret;
	for (unsigned int i = 0; i < l.n; i++)
		redone(&l.a[i].addr, add_again(rtnl, &l.a[i]), ctx);
	return (int)l.n;
}
