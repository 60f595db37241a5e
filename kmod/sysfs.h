/* SPDX-License-Identifier: GPL-2.0 */
/* sysfs.h - /sys/class/net/<dev>/ipto/: the device's tunables as files. */
#ifndef _IPTO_SYSFS_H
#define _IPTO_SYSFS_H

struct net_device;

void ipto_sysfs_init(void);
void ipto_sysfs_attach(struct net_device *dev);

#endif /* _IPTO_SYSFS_H */
