// SPDX-License-Identifier: GPL-2.0
/*
 * ratelimit.c - a token bucket per device: at most @burst replies at once,
 * @rate per second on average.  Rate and burst are read on every call, so
 * a change through sysfs or netlink takes effect at the next packet.
 */
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>

#include "ratelimit.h"

void ipto_ratelimit_init(struct ipto_ratelimit *rl)
{
	spin_lock_init(&rl->lock);
	rl->last_ns = 0;	/* the first call finds the bucket full */
	rl->credit_ns = 0;
}

bool ipto_ratelimit_allow(struct ipto_ratelimit *rl, u32 rate, u32 burst)
{
	return ipto_ratelimit_allow_keep(rl, rate, burst, 0);
}

/* As ipto_ratelimit_allow(), but only while @keep tokens remain after it. */
bool ipto_ratelimit_allow_keep(struct ipto_ratelimit *rl, u32 rate, u32 burst, u32 keep)
{
	u64 cost = div_u64(NSEC_PER_SEC, max(rate, 1U));
	u64 capacity = cost * burst;
	u64 now = ktime_get_mono_fast_ns();
	bool allowed = false;
	u64 credit;

	spin_lock(&rl->lock);
	credit = rl->credit_ns + (now - rl->last_ns);
	if (credit > capacity || credit < rl->credit_ns)
		credit = capacity;
	if (credit >= cost * ((u64)keep + 1)) {
		credit -= cost;
		allowed = true;
	}
	rl->credit_ns = credit;
	rl->last_ns = now;
	spin_unlock(&rl->lock);
	return allowed;
}
