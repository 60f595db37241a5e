/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fence.h - the daemon's lease and the fence it guards: a node whose
 * daemon stops renewing the lease, or that is told to, falls silent.
 */
#ifndef _IPTO_FENCE_H
#define _IPTO_FENCE_H

#include <linux/ipto.h>
#include <linux/types.h>

struct ipto_dev;
struct netlink_ext_ack;

int ipto_fence_init(void);
void ipto_fence_uninit(void);

void ipto_lease_dev_init(struct ipto_dev *ipto);
void ipto_lease_start(struct ipto_dev *ipto, u64 end_ns);
void ipto_lease_stop(struct ipto_dev *ipto);
int ipto_lease_renew(struct ipto_dev *ipto, u64 end_ns, struct netlink_ext_ack *extack);
u32 ipto_lease_left_ms(const struct ipto_dev *ipto);
bool ipto_lease_ran_out(const struct ipto_dev *ipto);

bool ipto_fence_set(struct ipto_dev *ipto, enum ipto_fence reason, u64 end_ns);

#endif /* _IPTO_FENCE_H */
