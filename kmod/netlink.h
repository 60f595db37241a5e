/* SPDX-License-Identifier: GPL-2.0 */
/* netlink.h - the "ipto" generic netlink family (uapi/linux/ipto.h). */
#ifndef _IPTO_NETLINK_H
#define _IPTO_NETLINK_H

#include <linux/ipto.h>
#include <linux/types.h>

struct ipto_addr_key;
struct ipto_dev;

int ipto_genl_init(void);
void ipto_nl_event(struct ipto_dev *ipto, enum ipto_event type, u32 node,
		   const struct ipto_addr_key *key, const char *service, u32 owner);
void ipto_nl_fence_event(struct ipto_dev *ipto, enum ipto_fence reason);
void ipto_genl_uninit(void);

#endif /* _IPTO_NETLINK_H */
