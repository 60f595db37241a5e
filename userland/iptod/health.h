/* SPDX-License-Identifier: GPL-2.0 */
/*
 * health.h - whether this node can serve: the carrier of its lower device
 * and the health checks of the services it provides (a TCP connect, or an
 * executable that must exit 0 within its timeout), each with hysteresis: a
 * check goes bad after "fall" failures in a row and good again after
 * "rise" successes.  Every check starts unknown, which is not good: its
 * first result makes it good or bad.  A reload keeps what the checks it did
 * not change have found.
 */
#ifndef IPTOD_HEALTH_H
#define IPTOD_HEALTH_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

struct iptod_health;

/* The checks of the services of node self in cfg (which must outlive it). */
struct iptod_health *iptod_health_new(const struct iptod_config *cfg, uint32_t self);
void iptod_health_free(struct iptod_health *h);
/*
 * Takes over from old the state (and the running check) of each check that
 * h has unchanged: the same service and the same check settings.
 */
void iptod_health_carry(struct iptod_health *h, struct iptod_health *old);

/* Starts checks that are due, times out those that ran too long. */
void iptod_health_tick(struct iptod_health *h, uint64_t now_ms);

/*
 * This process did not run for lost_ms (iptod.c, note_pause()): the running
 * checks get that much longer, as their timeout counts the time this node
 * ran, not a stall of the node or of its virtual machine.
 */
void iptod_health_paused(struct iptod_health *h, uint64_t lost_ms);

/* Adds the sockets of running TCP checks to fds (room for max); returns how many. */
unsigned int iptod_health_pollfds(struct iptod_health *h, struct pollfd *fds,
				  unsigned int max);

/* Handles what poll() said about those sockets. */
void iptod_health_polled(struct iptod_health *h, const struct pollfd *fds,
			 unsigned int n, uint64_t now_ms);

/* A child ended: if it was an exec check, counts its result; returns true. */
bool iptod_health_reaped(struct iptod_health *h, pid_t pid, int status,
			 uint64_t now_ms);

enum iptod_health_verdict {
	IPTOD_HEALTH_GOOD,	/* every check is good (or there is none) */
	IPTOD_HEALTH_BAD,	/* a check is bad: its service in *bad */
	IPTOD_HEALTH_UNKNOWN,	/* none is bad, one has no result yet */
};

enum iptod_health_verdict iptod_health_verdict(const struct iptod_health *h, const char **bad);

#endif /* IPTOD_HEALTH_H */
