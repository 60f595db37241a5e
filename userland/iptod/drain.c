// SPDX-License-Identifier: GPL-2.0
/*
 * drain.c - planned switchover: this node drains, then hands over.
 *
 * A drain begins with SIGUSR1 (systemctl kill -s SIGUSR1 iptod), or when
 * this node's state in the kernel's table is set to drain by someone else
 * (iptoctl node set ... state drain).  This node's state in the kernel is
 * then IPTO_NODE_DRAIN: its home addresses refuse new connections (a reset
 * for a SYN, port unreachable for UDP) and serve the established ones, so
 * that clients with a list of addresses go to the next one.
 *
 * Every DRAIN_CHECK_MS the established TCP connections on the home
 * addresses are counted (sock_diag, as connection sync lists them) and the
 * count and the time left are given to the kernel, which shows them
 * (iptoctl show, monitor).  At zero, or when drain_timeout_ms has run out,
 * the drain is done: this node steps down (it is no longer fit), its peers
 * adopt its addresses, and the connections left are reset through
 * connection sync (conns.c).  It stays down until the drain ends: SIGUSR2,
 * its state set to up in the kernel's table, or a restart of iptod.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "iptod.h"

#define DRAIN_CHECK_MS	500

static const char *drain_word(const struct iptod_drain *dr)
{
	return dr->done ? "done" : dr->on ? "on" : "off";
}

void iptod_drain_begin(struct iptod *d, uint64_t now_ms, const char *by)
{
	struct iptod_drain *dr = &d->drain;

	if (dr->on || dr->done) {
		iptod_notice("drain (%s): already %s", by, dr->on ? "draining" : "drained");
		return;
	}
	dr->on = true;
	dr->start_ms = now_ms;
	dr->next_check_ms = now_ms;
	dr->conns = -1;
	iptod_event(d, LOG_NOTICE, (const char *[]){ "EVENT=drain", NULL },
		    "draining (%s): new connections to this node's addresses are refused, "
		    "established ones are served; it hands over when they are gone, or in "
		    "%u ms at most (drain_timeout_ms)", by, d->cfg.drain_timeout_ms);
}

void iptod_drain_end(struct iptod *d, const char *by)
{
	struct iptod_drain *dr = &d->drain;

	if (!dr->on && !dr->done) {
		iptod_notice("drain end (%s): this node is not draining", by);
		return;
	}
	iptod_event(d, LOG_NOTICE, (const char *[]){ "EVENT=drain_end", NULL },
		    "drain ended (%s): this node serves again", by);
	dr->on = false;
	dr->done = false;
}

/*
 * The kernel reported this node up or draining: if the table says so and
 * this daemon did not (an operator's iptoctl), the drain follows it.  The
 * kernel's state now is read back, so that an old event of this daemon's
 * own changes does not count.
 */
void iptod_drain_kernel_changed(struct iptod *d, uint64_t now_ms)
{
	uint8_t state;
	int ret = iptod_kernel_node_get_state(d->kernel, d->cfg.self, &state);

	if (ret < 0) {
		iptod_err("reading this node's state: %s", strerror(-ret));
		return;
	}
	if (state == d->self_pushed)
		return;
	if (state == IPTO_NODE_DRAIN) {
		d->self_pushed = IPTO_NODE_DRAIN;
		iptod_drain_begin(d, now_ms, "set in the kernel's table");
	} else if (state == IPTO_NODE_UP && (d->drain.on || d->drain.done)) {
		d->self_pushed = IPTO_NODE_UP;
		iptod_drain_end(d, "set up in the kernel's table");
	}
}

/* The connections on this node's home addresses, counted; -1: unknown. */
static long count_conns(struct iptod *d)
{
	size_t n;
	int ret = iptod_conns_count(d, &n);

	if (ret < 0) {
		iptod_warn("drain: cannot count this node's connections: %s", strerror(-ret));
		return -1;
	}
	return (long)n;
}

void iptod_drain_check(struct iptod *d, uint64_t now_ms)
{
	struct iptod_drain *dr = &d->drain;
	uint64_t spent, left;
	int ret;

	if (!dr->on || now_ms < dr->next_check_ms)
		return;
	dr->next_check_ms = now_ms + DRAIN_CHECK_MS;
	spent = now_ms - dr->start_ms;
	left = spent >= d->cfg.drain_timeout_ms ? 0 : d->cfg.drain_timeout_ms - spent;
	dr->left_ms = left;
	dr->conns = count_conns(d);
	if (d->self_pushed == IPTO_NODE_DRAIN && dr->conns >= 0) {
		ret = iptod_kernel_drain_progress(d->kernel, d->cfg.self,
						  dr->conns > UINT32_MAX ? UINT32_MAX :
						  (uint32_t)dr->conns, (uint32_t)left);
		if (ret < 0)
			iptod_err("reporting the drain's progress: %s%s%s", strerror(-ret),
				  iptod_kernel_extack(d->kernel)[0] ? ": " : "",
				  iptod_kernel_extack(d->kernel));
	}
	if (dr->conns != 0 && left)
		return;
	dr->on = false;
	dr->done = true;
	if (dr->conns == 0)
		iptod_event(d, LOG_NOTICE, (const char *[]){ "EVENT=drained", NULL },
			    "drain done after %llu ms: no connections left; handing this node's "
			    "addresses to its standby", (unsigned long long)spent);
	else
		iptod_event(d, LOG_WARNING, (const char *[]){ "EVENT=drained", NULL },
			    "drain done: drain_timeout_ms (%u) ran out with %ld connections left; "
			    "handing this node's addresses to its standby, which resets them",
			    d->cfg.drain_timeout_ms, dr->conns);
}

void iptod_drain_status(const struct iptod *d, char *buf, size_t size, size_t *len)
{
	const struct iptod_drain *dr = &d->drain;

	*len += (size_t)snprintf(buf + *len, *len < size ? size - *len : 0, "drain=%s\n",
				 drain_word(dr));
	if (dr->on && dr->conns >= 0)
		*len += (size_t)snprintf(buf + *len, *len < size ? size - *len : 0,
					 "drain.conns=%ld\ndrain.left_ms=%llu\n", dr->conns,
					 (unsigned long long)dr->left_ms);
}
