/* SPDX-License-Identifier: GPL-2.0 */
/*
 * corosync.h - membership through corosync (corosync.c): CPG for who is
 * alive, corosync's quorum service for quorum, cmap for the totem timing.
 * Used in place of the heartbeat sockets when [cluster] membership =
 * corosync; membership.c calls these.
 */
#ifndef IPTOD_COROSYNC_H
#define IPTOD_COROSYNC_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct iptod_peer;

struct iptod;

/* Sets up d->corosync and tries to connect; not connecting is no error. */
int iptod_corosync_open(struct iptod *d);
void iptod_corosync_close(struct iptod *d);
/*
 * Each interval: connects again, once a second, while corosync is away;
 * reads the votes once a second while it is there.
 */
void iptod_corosync_tick(struct iptod *d, uint64_t now_ms);
/* CPG's and the quorum service's sockets, in that order; none while away. */
unsigned int iptod_corosync_pollfds(const struct iptod *d, struct pollfd *fds,
				    unsigned int max);
/* Dispatches what came; returns true when a peer's view or quorum changed. */
bool iptod_corosync_receive(struct iptod *d, const struct pollfd *fds, unsigned int n,
			    uint64_t now_ms);
/* Multicasts an encoded heartbeat to the group, in agreed order. */
void iptod_corosync_send(struct iptod *d, const uint8_t *hb, size_t len);
/* Whether corosync is connected and quorate; its votes and expected votes. */
bool iptod_corosync_quorum(const struct iptod *d, unsigned int *votes,
			   unsigned int *expected);
/*
 * Whether peer p is alive: its iptod is a member of the group, and this
 * node's own heartbeats did not come back for token + consensus since p's
 * last one.
 */
bool iptod_corosync_alive(const struct iptod *d, const struct iptod_peer *p);
/* The quorum lease's end (CLOCK_MONOTONIC ms; 0: none), corosync.c's header. */
uint64_t iptod_corosync_lease_end(const struct iptod *d);
/* Appends the status file's corosync lines to buf. */
void iptod_corosync_status(const struct iptod *d, char *buf, size_t size, size_t *len);
/*
 * --check: whether every node id of cfg is in corosync's nodelist and
 * this node's id is corosync's here.  Returns 0 (msg says so), -1 (msg
 * says what differs), or 1 when corosync is not reachable (msg says so).
 */
int iptod_corosync_check(const struct iptod_config *cfg, char *msg, size_t len);

#endif /* IPTOD_COROSYNC_H */
