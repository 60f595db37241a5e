// SPDX-License-Identifier: GPL-2.0
/*
 * metrics_file.c - iptod's Prometheus metrics (metrics_file in [cluster]):
 * what goes into the file, from the daemon's state (membership, heartbeat
 * counters, pauses, connection sync) and the kernel's (the device, its
 * adopted addresses and their counters), written once a second for
 * node_exporter's textfile collector; and the two latency histograms:
 * a peer found down to the adoption of one of its addresses here, and an
 * adoption to the first reply the kernel sent for the address.
 *
 * A file, not a listening socket: iptod runs with CAP_NET_ADMIN and should
 * not take connections; sites that run Prometheus already run node_exporter
 * with its TLS and authentication.  The file is written to PATH.tmp and
 * renamed over PATH, so a scrape never reads half of one, and removed when
 * iptod stops so that no stale numbers are scraped (iptod(8), "Metrics").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "iptod.h"
#include "lib/snapshot.h"
#include "metrics.h"

#define WRITE_LOG_INTERVAL_MS	60000	/* a failing write is logged once a minute */
/*
 * An adopted address read again is the same adoption when its age grew by
 * the time between the reads, less this much (rounding to ms and the time
 * a read takes); a younger one was released and adopted again meanwhile.
 */
#define SAME_ADOPTION_SLACK_MS	20

/* An adopted address as last read: its age, and whether its first reply was counted. */
struct iptod_metrics_seen {
	int family;
	unsigned char addr[16];
	uint64_t age_ms;
	bool replied;
};

static int addr_cmp(int fa, const unsigned char *a, int fb, const unsigned char *b)
{
	if (fa != fb)
		return fa == AF_INET ? -1 : 1;
	return memcmp(a, b, fa == AF_INET ? 4 : 16);
}

static int adopted_cmp(const void *x, const void *y)
{
	const struct snap_adopted *a = x, *b = y;

	return addr_cmp(a->family, a->addr, b->family, b->addr);
}

void iptod_metrics_membership(struct iptod *d, const bool *was_up)
{
	uint64_t now = 0;

	for (unsigned int i = 0; i < d->npeers; i++) {
		struct iptod_peer *p = &d->peers[i];

		if (p->up) {
			p->down_us = 0;
		} else if (was_up[i]) {
			if (!now)
				now = iptod_now_us();
			p->down_us = now;
		}
	}
}

void iptod_metrics_adopted(struct iptod *d, uint32_t node)
{
	for (unsigned int i = 0; i < d->npeers; i++) {
		const struct iptod_peer *p = &d->peers[i];
		uint64_t now;

		if (p->id != node || !p->down_us)
			continue;
		now = iptod_now_us();
		metrics_hist_observe_us(&d->metrics.detect, now > p->down_us ? now - p->down_us : 0);
	}
}

void iptod_metrics_fenced(struct iptod *d)
{
	for (unsigned int i = 0; i < d->npeers; i++)
		d->peers[i].down_us = 0;
}

/*
 * Counts the first reply of each adoption once: addrs (sorted) against
 * what the last read saw, which it then replaces.
 */
static void observe_replies(struct iptod *d, const struct snap_adopted *addrs, size_t n,
			    uint64_t now_ms)
{
	struct iptod_metrics *m = &d->metrics;
	struct iptod_metrics_seen *seen = calloc(n ? n : 1, sizeof(*seen));
	uint64_t elapsed = now_ms - m->seen_ms;
	size_t j = 0;

	if (!seen)
		return;	/* tried again at the next write */
	for (size_t i = 0; i < n; i++) {
		const struct snap_adopted *a = &addrs[i];
		bool same = false;
		int cmp = 1;

		while (j < m->nseen &&
		       (cmp = addr_cmp(m->seen[j].family, m->seen[j].addr, a->family, a->addr)) < 0)
			j++;
		if (j < m->nseen && cmp == 0)
			same = a->age_ms + SAME_ADOPTION_SLACK_MS >= m->seen[j].age_ms + elapsed;
		seen[i].family = a->family;
		memcpy(seen[i].addr, a->addr, sizeof(seen[i].addr));
		seen[i].age_ms = a->age_ms;
		seen[i].replied = same && m->seen[j].replied;
		if (a->has_first_reply && !seen[i].replied) {
			metrics_hist_observe_us(&m->reply, a->first_reply_ms * 1000);
			seen[i].replied = true;
		}
	}
	free(m->seen);
	m->seen = seen;
	m->nseen = n;
	m->seen_ms = now_ms;
}

/* The name of node id in the configuration, or its number. */
static const char *node_label(const struct iptod *d, uint32_t id, char *buf, size_t len)
{
	const struct iptod_node *node = iptod_config_node(&d->cfg, id);

	if (node)
		return node->name;
	snprintf(buf, len, "%u", id);
	return buf;
}

static const struct {
	enum ipto_stats_attr type;
	const char *name;
	const char *help;
} address_counters[] = {
	{ IPTO_STATS_A_MATCHED, "ipto_address_matched_packets_total",
	  "Packets to an address adopted here, since its adoption." },
	{ IPTO_STATS_A_RST, "ipto_address_rst_sent_total",
	  "TCP resets sent for an adopted address." },
	{ IPTO_STATS_A_ICMP, "ipto_address_icmp_sent_total",
	  "ICMP and ICMPv6 errors and echo replies sent for an adopted address." },
	{ IPTO_STATS_A_DROPPED, "ipto_address_dropped_packets_total",
	  "Packets to an adopted address dropped by a drop action or unanswerable." },
	{ IPTO_STATS_A_PASSED, "ipto_address_passed_packets_total",
	  "Packets to an adopted address passed to a local service (serve)." },
	{ IPTO_STATS_A_SUPPRESSED, "ipto_address_suppressed_replies_total",
	  "Replies for an adopted address withheld by the device's reply rate limit." },
	{ IPTO_STATS_A_TICKLES, "ipto_address_tickles_sent_total",
	  "Out-of-window ACKs sent to the clients of an adopted address at takeover." },
};

/*
 * Per-address counters: one series per address for the first
 * metrics_addresses of them in address order, the rest summed under
 * address="other".
 */
static void put_addresses(const struct iptod *d, struct metrics_text *t,
			  const struct snap_adopted *addrs, size_t n)
{
	size_t limit = d->cfg.metrics_addresses;

	for (size_t c = 0; c < sizeof(address_counters) / sizeof(address_counters[0]); c++) {
		uint64_t other = 0;

		metrics_family(t, address_counters[c].name, "counter", address_counters[c].help);
		for (size_t i = 0; i < n; i++) {
			char ip[INET6_ADDRSTRLEN], id[16];
			const struct snap_adopted *a = &addrs[i];

			if (i >= limit) {
				other += a->stats[address_counters[c].type];
				continue;
			}
			inet_ntop(a->family, a->addr, ip, sizeof(ip));
			metrics_u64(t, address_counters[c].name, (const struct metrics_label[]){
					{ "device", d->cfg.device }, { "address", ip },
					{ "node", node_label(d, a->node, id, sizeof(id)) } },
				    3, a->stats[address_counters[c].type]);
		}
		if (n > limit)
			metrics_u64(t, address_counters[c].name, (const struct metrics_label[]){
					{ "device", d->cfg.device }, { "address", "other" } },
				    2, other);
	}
}

/*
 * The self node's home addresses this node does not answer now: all of
 * them while the device is fenced or its lease ran out, or while the table
 * gives them to another node (or to none); else none.
 */
static size_t silenced(const struct dev_snapshot *ds)
{
	bool lease = ds->dev.settings[IPTO_DEV_A_LEASE_MS] != 0;

	for (size_t i = 0; i < ds->n_nodes; i++) {
		const struct snap_node *n = &ds->nodes[i];

		if (!n->self)
			continue;
		if (ds->dev.fenced != IPTO_FENCE_NONE || (lease && !ds->dev.lease_left_ms) ||
		    n->owner != n->id)
			return n->n_addrs;
		return 0;
	}
	return 0;
}

/* A family of one sample, labelled with the device only. */
static void put_one(struct metrics_text *t, const struct iptod *d, const char *name,
		    const char *type, const char *help, uint64_t value)
{
	const struct metrics_label dev[] = { { "device", d->cfg.device } };

	metrics_family(t, name, type, help);
	metrics_u64(t, name, dev, 1, value);
}

static void put_device(const struct iptod *d, struct metrics_text *t,
		       const struct dev_snapshot *ds)
{
	const struct metrics_label dev[] = { { "device", d->cfg.device } };

	put_one(t, d, "ipto_alerts_total", "counter",
		"Alerts the cascade guard raised on the device.", ds->dev.alerts);
	metrics_family(t, "ipto_fenced", "gauge",
		       "1 while the device is fenced for the reason given (request: by iptod "
		       "or an operator; lease: the lease ran out), else 0.");
	metrics_u64(t, "ipto_fenced", (const struct metrics_label[]){
			{ "device", d->cfg.device }, { "reason", "request" } },
		    2, ds->dev.fenced == IPTO_FENCE_REQUEST);
	metrics_u64(t, "ipto_fenced", (const struct metrics_label[]){
			{ "device", d->cfg.device }, { "reason", "lease" } },
		    2, ds->dev.fenced == IPTO_FENCE_LEASE);
	metrics_family(t, "ipto_lease_left_seconds", "gauge",
		       "Time the kernel lease has left; 0 without a lease or once it ran out.");
	metrics_double(t, "ipto_lease_left_seconds", dev, 1, ds->dev.lease_left_ms / 1000.0);
	put_one(t, d, "ipto_adopted_addresses", "gauge",
		"Addresses of other nodes this node has adopted.", ds->n_addrs);
	put_one(t, d, "ipto_silenced_addresses", "gauge",
		"This node's home addresses it does not answer now (fenced, lease run "
		"out, or held by another node).", silenced(ds));
}

static void put_membership(const struct iptod *d, struct metrics_text *t)
{
	const struct metrics_label dev[] = { { "device", d->cfg.device } };
	unsigned int up = 0;

	metrics_family(t, "ipto_peer_up", "gauge",
		       "1 while the peer is up for this node (heard, fit and with quorum).");
	for (unsigned int i = 0; i < d->npeers; i++) {
		metrics_u64(t, "ipto_peer_up", (const struct metrics_label[]){
				{ "device", d->cfg.device }, { "peer", d->peers[i].name } },
			    2, d->peers[i].up);
		up += d->peers[i].up;
	}
	put_one(t, d, "ipto_peers_up", "gauge",
		"Peers up for this node.", up);
	put_one(t, d, "ipto_peers", "gauge",
		"Peers in the configuration.", d->npeers);
	put_one(t, d, "ipto_quorum", "gauge",
		"1 while this node has quorum.", d->quorum);
	put_one(t, d, "ipto_fit", "gauge",
		"1 while this node can serve (carrier, health checks, not drained).", d->fit);
	put_one(t, d, "ipto_heartbeats_sent_total", "counter",
		"Heartbeats sent.", d->tx);
	put_one(t, d, "ipto_heartbeat_send_errors_total", "counter",
		"Heartbeats the socket refused to send.", d->tx_errors);
	put_one(t, d, "ipto_heartbeats_received_total", "counter",
		"Heartbeats received and accepted.", d->rx[IPTOD_HB_OK]);
	metrics_family(t, "ipto_heartbeats_bad_total", "counter",
		       "Heartbeats received and refused, by reason.");
	for (int v = 0; v < IPTOD_HB_NVERDICTS; v++) {
		if (v == IPTOD_HB_OK)
			continue;
		metrics_u64(t, "ipto_heartbeats_bad_total", (const struct metrics_label[]){
				{ "device", d->cfg.device },
				{ "reason", iptod_hb_verdict_name(v) } },
			    2, d->rx[v]);
	}
	put_one(t, d, "ipto_pauses_total", "counter",
		"Times iptod did not run for two heartbeat intervals or more.", d->pauses);
	metrics_family(t, "ipto_longest_pause_seconds", "gauge",
		       "The longest time iptod did not run, since it started.");
	metrics_double(t, "ipto_longest_pause_seconds", dev, 1, d->longest_pause_ms / 1000.0);
	put_one(t, d, "ipto_conn_sync_messages_sent_total", "counter",
		"Connection sync datagrams sent to standby nodes.", d->sync.tx_msgs);
	put_one(t, d, "ipto_conn_sync_local_connections", "gauge",
		"This node's established connections on its home addresses at the last "
		"listing.", d->sync.local);
	put_one(t, d, "ipto_metrics_write_errors_total", "counter",
		"Times the metrics file could not be written.", d->metrics.write_errors);
}

static void put_histograms(const struct iptod *d, struct metrics_text *t)
{
	const struct metrics_label dev[] = { { "device", d->cfg.device } };

	metrics_family(t, "ipto_detection_to_adoption_seconds", "histogram",
		       "From this node finding a peer down to its adopting one of the peer's "
		       "addresses; one observation per address.");
	metrics_histogram(t, "ipto_detection_to_adoption_seconds", dev, 1, &d->metrics.detect);
	metrics_family(t, "ipto_adoption_to_first_reply_seconds", "histogram",
		       "From the adoption of an address to the first reset or ICMP reply the "
		       "kernel sent for it; one observation per adoption.");
	metrics_histogram(t, "ipto_adoption_to_first_reply_seconds", dev, 1, &d->metrics.reply);
}

void iptod_metrics_write(struct iptod *d)
{
	struct iptod_metrics *m = &d->metrics;
	struct metrics_text t = { 0 };
	struct snapshot snap;
	const struct dev_snapshot *ds;
	unsigned long held;
	uint64_t now_ms;
	int ret;

	if (!d->cfg.metrics_file[0])
		return;
	ret = iptod_kernel_snapshot(d->kernel, &snap);
	now_ms = iptod_now_ms();
	if (ret == 0 && snap.n_devs != 1)
		ret = -ENODEV;
	if (ret == 0) {
		ds = &snap.devs[0];
		qsort(ds->addrs, ds->n_addrs, sizeof(ds->addrs[0]), adopted_cmp);
		observe_replies(d, ds->addrs, ds->n_addrs, now_ms);
		put_addresses(d, &t, ds->addrs, ds->n_addrs);
		put_device(d, &t, ds);
		put_membership(d, &t);
		put_histograms(d, &t);
		ret = t.oom ? -ENOMEM : iptod_replace_file(d->cfg.metrics_file, t.buf, t.len);
	}
	if (ret < 0) {
		m->write_errors++;
		if (iptod_log_allowed(&m->log, now_ms, WRITE_LOG_INTERVAL_MS, &held))
			iptod_warn("metrics: cannot write %s: %s%s%s (%lu failures not logged)",
				   d->cfg.metrics_file, strerror(-ret),
				   snap.problem[0] ? ": " : "", snap.problem, held);
	}
	metrics_text_free(&t);
	snapshot_free(&snap);
}

void iptod_metrics_arm(struct iptod *d)
{
	struct itimerspec its = { 0 };

	if (d->cfg.metrics_file[0]) {
		its.it_interval.tv_sec = 1;
		its.it_value.tv_nsec = 1;	/* at once, then every second */
	}
	timerfd_settime(d->metrics.timer_fd, 0, &its, NULL);
}

void iptod_metrics_remove(const char *path)
{
	if (path[0] && unlink(path) < 0 && errno != ENOENT)
		iptod_warn("metrics: cannot remove %s: %s", path, strerror(errno));
}

void iptod_metrics_free(struct iptod *d)
{
	free(d->metrics.seen);
	d->metrics.seen = NULL;
	d->metrics.nseen = 0;
}
