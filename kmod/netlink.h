/* SPDX-License-Identifier: GPL-2.0 */
/* netlink.h - the "ipto" generic netlink family (uapi/linux/ipto.h). */
#ifndef _IPTO_NETLINK_H
#define _IPTO_NETLINK_H

int ipto_genl_init(void);
void ipto_genl_uninit(void);

#endif /* _IPTO_NETLINK_H */
