/* SPDX-License-Identifier: GPL-2.0 */
/* ratelimit.h - the per-device token bucket that bounds error replies. */
#ifndef _IPTO_RATELIMIT_H
#define _IPTO_RATELIMIT_H

#include <linux/spinlock.h>
#include <linux/types.h>

/**
 * struct ipto_ratelimit - token bucket, credit kept in nanoseconds
 * @lock: protects @last_ns and @credit_ns; taken in softirq context on the
 *	packet path, and with bottom halves disabled by tickle.c
 * @last_ns: when @credit_ns was last brought up to date
 * @credit_ns: time credit; one reply costs NSEC_PER_SEC / rate
 */
struct ipto_ratelimit {
	/* see @lock above */
	spinlock_t lock;
	u64 last_ns;
	u64 credit_ns;
};

void ipto_ratelimit_init(struct ipto_ratelimit *rl);
bool ipto_ratelimit_allow(struct ipto_ratelimit *rl, u32 rate, u32 burst);
bool ipto_ratelimit_allow_keep(struct ipto_ratelimit *rl, u32 rate, u32 burst, u32 keep);

#endif /* _IPTO_RATELIMIT_H */
