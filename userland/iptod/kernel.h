/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernel.h - iptod's side of the "ipto" generic netlink family: the ipto
 * device (created when missing), the cluster table programmed from the
 * config and changed by difference on reload, node states, the lease, the
 * fence, and the kernel's events.
 */
#ifndef IPTOD_KERNEL_H
#define IPTOD_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "conn_sync.h"

struct iptod_kernel;
struct snapshot;

/* One event of the "events" group, for this device. */
struct iptod_event {
	uint8_t type;			/* enum ipto_event */
	uint32_t node;			/* 0: absent */
	uint32_t owner;			/* 0: absent */
	struct iptod_addr addr;		/* family 0: absent */
	char service[IPTO_SERVICE_NAME_LEN];	/* "": absent */
	uint8_t reason;			/* FENCED: enum ipto_fence */
};

/*
 * Opens the netlink sockets, finds the device (or creates it on link and
 * sets it up), joins the events group.  NULL with err set on failure.
 */
struct iptod_kernel *iptod_kernel_open(const char *device, const char *link,
				       char *err, size_t errlen);
void iptod_kernel_close(struct iptod_kernel *k);

int iptod_kernel_events_fd(const struct iptod_kernel *k);
unsigned int iptod_kernel_ifindex(const struct iptod_kernel *k);

/* The extended ACK of the last refused request, or "". */
const char *iptod_kernel_extack(const struct iptod_kernel *k);

/*
 * Changes the table from what old describes (NULL: whatever the kernel
 * holds, which is removed first) to what new describes, touching only what
 * differs; node_up(ctx, id) gives the state a node is added with.  Then
 * sets the device's lease and failback.  Returns 0 or a negative errno
 * (iptod_kernel_extack() tells more; what failed is in err).
 */
int iptod_kernel_apply(struct iptod_kernel *k, const struct iptod_config *old,
		       const struct iptod_config *new,
		       bool (*node_up)(void *ctx, uint32_t id), void *ctx,
		       char *err, size_t errlen);

/* Sets node id's state (enum ipto_node_state). */
int iptod_kernel_node_state(struct iptod_kernel *k, uint32_t id, uint8_t state);
/* A draining node's progress: connections left, ms before it hands over. */
int iptod_kernel_drain_progress(struct iptod_kernel *k, uint32_t id, uint32_t conns,
				uint32_t left_ms);
/* Node id's state in the kernel's table now; -ENOENT: no such node. */
int iptod_kernel_node_get_state(struct iptod_kernel *k, uint32_t id, uint8_t *state);
/*
 * The lease, renewed or started by lifting the fence, ends no later than
 * end_ms (CLOCK_MONOTONIC; UINT64_MAX: lease_ms from now).
 */
int iptod_kernel_renew_lease(struct iptod_kernel *k, uint64_t end_ms);
int iptod_kernel_set_lease(struct iptod_kernel *k, unsigned int lease_ms);
int iptod_kernel_fence(struct iptod_kernel *k, bool on, uint64_t end_ms);

/*
 * The nodes other than self whose addresses this node holds now, in held
 * (room for IPTO_NODES_MAX), and the holder of self's own addresses in
 * *self_owner (0: none); returns their number or a negative errno.
 */
int iptod_kernel_held(struct iptod_kernel *k, uint32_t self, uint32_t *held,
		      uint32_t *self_owner);

/*
 * Manual failback of this node on this node (IPTO_CMD_NODE_FAILBACK of
 * self): the kernel gives the node its addresses back.
 */
int iptod_kernel_take_back(struct iptod_kernel *k, uint32_t self);

/*
 * Reads the pending events (non-blocking) and calls cb for each of this
 * device.  Returns 0, -ENOBUFS when events were lost (the caller resyncs),
 * or another negative errno.
 */
int iptod_kernel_read_events(struct iptod_kernel *k,
			     void (*cb)(void *ctx, const struct iptod_event *ev),
			     void *ctx);

/*
 * On the lower device, runs IPv6 duplicate address detection again for
 * each address that failed it and that wanted() names (this node's home
 * addresses, after another node held them): see ipto_rtnl_redo_dad().
 */
int iptod_kernel_redo_dad(struct iptod_kernel *k,
			  bool (*wanted)(const struct in6_addr *addr, void *ctx),
			  void (*redone)(const struct in6_addr *addr, int err, void *ctx),
			  void *ctx);

/*
 * Tickles the clients of conns[0..n), connections of addresses this device
 * has adopted, so that they reset them (IPTO_CMD_CONN_RESET): one request
 * of at most IPTO_CONN_RESET_MAX, in order.  *sent: how many were sent; the
 * kernel stops at the first the device's reply limit holds back.  Returns 0
 * or the kernel's refusal (then nothing was sent).
 */
int iptod_kernel_conn_reset(struct iptod_kernel *k, const struct conn_sync_conn *conns,
			    size_t n, size_t *sent);

/*
 * Reads the device with its nodes, adopted addresses and services (the
 * snapshot library's form, as iptoctl show reads it).  Returns 0 or a
 * negative errno; free snap in either case (snapshot_free()).
 */
int iptod_kernel_snapshot(struct iptod_kernel *k, struct snapshot *snap);

/* Makes an adopted address local on the ipto device, or not any more. */
int iptod_kernel_local_addr(struct iptod_kernel *k, const struct iptod_addr *a,
			    bool add);

#endif /* IPTOD_KERNEL_H */
