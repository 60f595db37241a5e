// SPDX-License-Identifier: GPL-2.0
/*
 * fence.c - the daemon's lease and the fence (uapi/linux/ipto.h, "Lease
 * and fencing").
 *
 * The packet path itself compares the lease's end with jiffies, for every
 * address of the device's that it answers or guards (nf.c): once the lease
 * has run out the node is silent, whatever the daemon, RTNL or the
 * workqueue are doing.  Fencing is the bookkeeping that follows: a delayed
 * work, queued for the moment the lease runs out and moved on by every
 * renewal, fences the device.  Renewals take no lock (RCU only): a busy
 * RTNL does not hold them up.  The work takes RTNL, so nothing
 * that holds RTNL may wait for it: instead it holds a reference to the
 * device while queued, and gives up when it finds the device unregistering.
 * The module's own workqueue is drained before the module's code goes.
 *
 * Fencing releases every adopted address and keeps the takeover engine
 * from adopting (cluster.c), which silences the self node's home addresses
 * while the fence holds; lifting it lets the engine adopt again what the
 * table gives this node.
 */
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include <net/netlink.h>

#include "cluster.h"
#include "device.h"
#include "family.h"
#include "fence.h"

static struct workqueue_struct *ipto_wq;

/* Queues the lease work, or moves it; a newly queued work holds the device. */
static void ipto_lease_arm(struct ipto_dev *ipto, unsigned long delay)
{
	dev_hold(ipto->dev);
	if (mod_delayed_work(ipto_wq, &ipto->lease_work, delay))
		dev_put(ipto->dev);	/* it was queued and holds one already */
}

/* The end is read once: a renewal may move it meanwhile (no RTNL there). */
static bool ipto_lease_expired(const struct ipto_dev *ipto, unsigned long now)
{
	return !time_before(now, READ_ONCE(ipto->lease_expires));
}

/* The packet path's test, under RCU: the device has a lease and it has run out. */
bool ipto_lease_ran_out(const struct ipto_dev *ipto)
{
	/* Pairs with the release in ipto_lease_start(): seen with its end. */
	return smp_load_acquire(&ipto->lease_on) &&
	       !time_before(jiffies, READ_ONCE(ipto->lease_expires));
}

static void ipto_lease_work(struct work_struct *work)
{
	struct ipto_dev *ipto = container_of(to_delayed_work(work), struct ipto_dev, lease_work);
	struct net_device *dev = ipto->dev;
	unsigned long now;

	rtnl_lock();
	if (dev->reg_state != NETREG_REGISTERED || !READ_ONCE(ipto->settings.lease_ms))
		goto out;
	now = jiffies;
	if (!ipto_lease_expired(ipto, now)) {
		/* Renewed since it was queued: wait for the new end. */
		ipto_lease_arm(ipto, READ_ONCE(ipto->lease_expires) - now);
		goto out;
	}
	if (ipto_fence_set(ipto, IPTO_FENCE_LEASE, U64_MAX))
		ipto_cluster_run(ipto);
out:
	rtnl_unlock();
	dev_put(dev);
}

void ipto_lease_dev_init(struct ipto_dev *ipto)
{
	INIT_DELAYED_WORK(&ipto->lease_work, ipto_lease_work);
}

/*
 * Jiffies from now to the end of a lease of @ms that may last no later
 * than @end_ns (CLOCK_MONOTONIC; U64_MAX: no such limit).  The limit is
 * rounded down to a jiffy, so the lease never outlasts it; one already
 * past gives 0, a lease that has run out.
 */
static unsigned long ipto_lease_len(u32 ms, u64 end_ns)
{
	unsigned long len = msecs_to_jiffies(ms);
	u64 now_ns = ktime_get_ns();

	if (end_ns <= now_ns)
		return 0;
	if (end_ns - now_ns < jiffies_to_nsecs(len))
		len = nsecs_to_jiffies(end_ns - now_ns);
	return len;
}

/*
 * The lease setting was written, or a fence lifted after the lease ran
 * out: a lease of that length starts now, ending no later than @end_ns
 * (U64_MAX: lease_ms from now), or, for 0, there is no lease any more.
 * Caller holds RTNL.
 */
void ipto_lease_start(struct ipto_dev *ipto, u64 end_ns)
{
	u32 ms = READ_ONCE(ipto->settings.lease_ms);
	unsigned long len, now = jiffies;

	ASSERT_RTNL();
	if (!ms) {
		ipto_lease_stop(ipto);
		return;
	}
	len = ipto_lease_len(ms, end_ns);
	WRITE_ONCE(ipto->lease_expires, now + len);
	/* The end before the switch: see ipto_lease_ran_out(). */
	smp_store_release(&ipto->lease_on, true);
	ipto_lease_arm(ipto, len);
}

/*
 * No lease any more, or the device is going away.  Never waits: a work
 * already running waits for RTNL, then finds nothing to do.
 */
void ipto_lease_stop(struct ipto_dev *ipto)
{
	WRITE_ONCE(ipto->lease_on, false);
	if (cancel_delayed_work(&ipto->lease_work))
		dev_put(ipto->dev);
}

/*
 * IPTO_CMD_LEASE: the lease runs lease_ms from now, or until @end_ns
 * (CLOCK_MONOTONIC) when that comes sooner, unless it has run out already
 * (ETIME).  The end is rounded down to a jiffy; one already past ends the
 * lease at once.  Under RCU, without
 * RTNL: a renewal must not wait behind whoever holds RTNL, or a busy RTNL
 * would fence a node whose daemon runs.  The caller saw the device
 * registered inside this RCU section, so ipto_lease_stop() at its
 * unregistration, which comes after a grace period, runs after the work
 * queued here and cancels it.  A concurrent lease_ms of 0 (RTNL) may leave
 * the work queued; it then finds no lease and does nothing.
 */
int ipto_lease_renew(struct ipto_dev *ipto, u64 end_ns, struct netlink_ext_ack *extack)
{
	u32 ms = READ_ONCE(ipto->settings.lease_ms);
	unsigned long len, now = jiffies;

	if (!ms || !READ_ONCE(ipto->lease_on)) {
		NL_SET_ERR_MSG_MOD(extack, "the device has no lease (lease_ms is 0)");
		return -EINVAL;
	}
	/*
	 * A lease that ran out stays run out: the node fell silent then, and
	 * its peers may have taken its addresses since.  A daemon that runs
	 * again after a stall must not bring it back before the lease work
	 * has fenced the device; only lifting the fence starts a new lease.
	 * (Tested and moved without a lock: a renewal in the very jiffy of
	 * the end may still move it, one jiffy late.)
	 */
	if (ipto_lease_expired(ipto, now)) {
		NL_SET_ERR_MSG_MOD(extack, "the lease ran out: lift the fence to start a new one");
		return -ETIME;
	}
	len = ipto_lease_len(ms, end_ns);
	WRITE_ONCE(ipto->lease_expires, now + len);
	ipto_lease_arm(ipto, len);
	return 0;
}

/* Time until the lease runs out; 0 without one.  Caller holds RTNL. */
u32 ipto_lease_left_ms(const struct ipto_dev *ipto)
{
	unsigned long now = jiffies, end = READ_ONCE(ipto->lease_expires);

	if (!READ_ONCE(ipto->settings.lease_ms) || !time_before(now, end))
		return 0;
	return jiffies_to_msecs(end - now);
}

/*
 * Fences the device for @reason, or lifts the fence (IPTO_FENCE_NONE).  A
 * fence keeps its first reason until lifted.  A lift after the lease ran
 * out starts a new lease, which ends no later than @end_ns (U64_MAX: no
 * such limit; see ipto_lease_start()).  Returns whether the state
 * changed; the caller then runs the engine (ipto_cluster_run()), which
 * silences or unsilences the self node's addresses and, after a lift,
 * adopts again.  Caller holds RTNL.
 */
bool ipto_fence_set(struct ipto_dev *ipto, enum ipto_fence reason, u64 end_ns)
{
	ASSERT_RTNL();
	if (reason == ipto->fence || (reason != IPTO_FENCE_NONE && ipto->fence))
		return false;
	ipto->fence = reason;
	if (reason != IPTO_FENCE_NONE) {
		if (reason == IPTO_FENCE_LEASE)
			netdev_warn(ipto->dev, "fenced: the lease ran out\n");
		else
			netdev_info(ipto->dev, "fenced on request\n");
		ipto_nl_event(ipto->dev, &(struct ipto_nl_event){
			.type = IPTO_EVENT_FENCED, .reason = reason });
		ipto_cluster_release_all(ipto);
		return true;
	}
	netdev_info(ipto->dev, "fence lifted\n");
	ipto_nl_event(ipto->dev, &(struct ipto_nl_event){ .type = IPTO_EVENT_UNFENCED });
	/* A fence lifted without the lease renewed lasts one lease. */
	if (READ_ONCE(ipto->settings.lease_ms) && ipto_lease_expired(ipto, jiffies))
		ipto_lease_start(ipto, end_ns);
	return true;
}

int ipto_fence_init(void)
{
	/* Unbound: a lease's expiry has no CPU to stay on.  (7.2 warns
	 * about a workqueue that says neither WQ_UNBOUND nor WQ_PERCPU.)
	 */
	ipto_wq = alloc_workqueue(KBUILD_MODNAME, WQ_UNBOUND, 0);
	return ipto_wq ? 0 : -ENOMEM;
}

/* After every device is gone: waits for lease works still finishing. */
void ipto_fence_uninit(void)
{
	destroy_workqueue(ipto_wq);
}
