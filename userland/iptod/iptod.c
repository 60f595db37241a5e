// SPDX-License-Identifier: GPL-2.0
/*
 * iptod.c - the ipto membership daemon: options, start-up, the main loop
 * (heartbeat interval timer, heartbeats, kernel events, signals, health
 * checks), what the kernel is told (node states, fence, lease), reload on
 * SIGHUP, the status file, and service-manager notifications.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <systemd/sd-daemon.h>

#include "boot.h"
#include "iptod.h"
#include "log.h"
#include "notify.h"

#include "version.h"	/* IPTO_VERSION, written by the Makefile */

#define EXIT_USAGE	2
/*
 * signals, lease and watchdog timers, heartbeat timer, kernel events,
 * witness, sync and tickle timers, metrics timer; heartbeat sockets; health
 * checks; corosync's two sockets
 */
#define POLL_FIXED	9
#define POLL_MAX	(POLL_FIXED + IPTO_NODES_MAX + 64 + 2)

static const char usage[] =
	"Usage: iptod [-c FILE] [--check | --prepare] [--insecure]\n"
	"             [--log auto|stderr|journal] [--status FILE] [--debug]\n"
	"       iptod --version | --help\n"
	"\n"
	"The ipto membership daemon: heartbeats with its peers, tells the ipto\n"
	"kernel module which nodes are up, renews the kernel lease, runs health\n"
	"checks, fences this node without quorum.  See iptod(8), iptod.conf(5).\n"
	"\n"
	"  -c, --config FILE   configuration (default " IPTOD_CONFIG_PATH ")\n"
	"  -t, --check         validate the configuration and exit (0 good, 2 bad)\n"
	"      --prepare       create the device, fenced, with the table, and exit:\n"
	"                      at boot, before the network (iptod-prepare.service)\n"
	"      --insecure      run without a key: heartbeats are not authenticated\n"
	"      --log TARGET    where to log (default auto: the journal under systemd)\n"
	"      --status FILE   status file (default /run/ipto/DEVICE.status)\n"
	"      --debug         log debug messages\n";

uint64_t iptod_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t iptod_now_ms(void)
{
	return iptod_now_us() / 1000;
}

int iptod_replace_file(const char *path, const char *buf, size_t len)
{
	char tmp[IPTOD_PATH_MAX + 40];
	size_t off = 0;
	int fd, err = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	/* Read by other users (node_exporter, monitoring), whatever the umask. */
	if (fchmod(fd, 0644) < 0)
		err = -errno;
	while (!err && off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno != EINTR)
			err = -errno;
		else if (n > 0)
			off += (size_t)n;
	}
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

void iptod_event(struct iptod *d, int priority, const char *const *fields,
		 const char *fmt, ...)
{
	const char *all[24];
	char msg[512], dev[40];
	unsigned int n = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(dev, sizeof(dev), "DEVICE=%s", d->cfg.device);
	for (; fields && fields[n] && n < 20; n++)
		all[n] = fields[n];
	all[n++] = dev;
	all[n] = NULL;
	iptod_log(priority, all, "%s", msg);
	iptod_notify(d->cfg.notify, &d->cfg.run_as, all, iptod_now_ms());
}

/* The lower device can carry traffic: up with carrier (IFF_RUNNING). */
static bool carrier_of(const char *link)
{
	struct ifreq ifr = { 0 };
	bool ok = false;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return true;	/* cannot tell: do not step down on that */
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", link);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
		ok = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	close(fd);
	return ok;
}

/*
 * Start-up, and rejoining with quorum after losing it: this node listens
 * for its peers before it acts: until it has heard every one of them, or
 * for five dead times (interval * misses) at most.  Meanwhile it is fenced
 * and reports no peer down.
 */
static bool starting(const struct iptod *d, uint64_t now_ms)
{
	uint64_t dead_ms = (uint64_t)d->cfg.interval_ms * d->cfg.misses;

	if (now_ms - d->start_ms >= 5 * dead_ms)
		return false;
	for (unsigned int i = 0; i < d->npeers; i++)
		if (!d->peers[i].heard)
			return true;
	return now_ms - d->start_ms < dead_ms;
}

/*
 * The state the kernel gets for a peer: what membership says, except that a
 * peer's death counts only while this node has quorum and is past its
 * start-up grace; until then the kernel keeps what it was told last (up,
 * if nothing yet).  A node without quorum acts on nothing, and under manual
 * failback a decision taken on a peer that is merely not heard yet, or not
 * heard from this side of a partition, would keep its addresses away from
 * it for good.
 */
static bool peer_up(const struct iptod *d, const struct iptod_peer *p)
{
	if (p->up)
		return true;
	if (!d->quorum || starting(d, iptod_now_ms()))
		return p->pushed != 0;
	return false;
}

static bool node_up_for_kernel(void *ctx, uint32_t id)
{
	struct iptod *d = ctx;

	if (id == d->cfg.self)
		return d->fit;
	for (unsigned int i = 0; i < d->npeers; i++)
		if (d->peers[i].id == id)
			return peer_up(d, &d->peers[i]);
	return false;
}

static void kernel_failed(struct iptod *d, const char *what, int ret)
{
	const char *ext = iptod_kernel_extack(d->kernel);

	iptod_err("%s: %s%s%s", what, strerror(-ret), ext[0] ? ": " : "", ext);
}

static void set_fence(struct iptod *d, bool on, const char *why)
{
	/* A lift may start a new lease: it ends with the quorum lease. */
	int ret = iptod_kernel_fence(d->kernel, on,
				     on ? UINT64_MAX : iptod_membership_lease_end(d));

	if (ret < 0) {
		kernel_failed(d, on ? "fencing" : "lifting the fence", ret);
		return;
	}
	if (on != d->fenced)
		iptod_notice("%s: %s", on ? "fenced" : "fence lifted", why);
	d->fenced = on;
	d->held_dirty = true;
}

/*
 * Manual failback: an operator released this node's addresses on the node
 * that held them, so no live peer holds them any more, but this node's own
 * table still gives them to that node (its decision was kept).  This node
 * takes them back: its own manual failback (IPTO_CMD_NODE_FAILBACK).
 */
static void take_back(struct iptod *d)
{
	uint64_t now_ms = iptod_now_ms();
	int ret;

	if (d->cfg.failback != IPTO_FAILBACK_MANUAL || !d->fit || d->held_dirty ||
	    !d->self_owner || d->self_owner == d->cfg.self ||
	    now_ms - d->take_back_ms < 1000)	/* a refusal is retried each second */
		return;
	d->take_back_ms = now_ms;
	ret = iptod_kernel_take_back(d->kernel, d->cfg.self);
	if (ret < 0) {
		kernel_failed(d, "taking this node's addresses back", ret);
		return;
	}
	iptod_event(d, LOG_NOTICE, (const char *[]){ "EVENT=taken_back", NULL },
		    "no other node holds this node's addresses any more: taken back "
		    "(manual failback)");
	d->held_dirty = true;
}

/*
 * Failback ordered so that this node's home addresses come up clean.  The
 * node that held them defended them against this node's IPv6 duplicate
 * address detection (a node that boots configures its addresses before
 * iptod runs), so they may be dadfailed.  Each time the fence is lifted (no
 * live peer holds them any more) detection runs again for those, up to
 * DAD_TRIES times DAD_TRY_MS apart: a holder that released them only after
 * the first try makes it fail once more.  Detection takes up to 2 s: a
 * random delay of up to 1 s, then 1 s for an answer.
 */
#define DAD_TRIES	3
#define DAD_TRY_MS	3000

static bool is_home_addr6(const struct in6_addr *addr, void *ctx)
{
	const struct iptod *d = ctx;
	const struct iptod_node *self = iptod_config_node(&d->cfg, d->cfg.self);

	for (unsigned int i = 0; self && i < self->naddrs; i++)
		if (self->addrs[i].family == AF_INET6 &&
		    !memcmp(&self->addrs[i].v6, addr, sizeof(*addr)))
			return true;
	return false;
}

static void dad_redone(const struct in6_addr *addr, int err, void *ctx)
{
	struct iptod *d = ctx;
	struct iptod_addr a = { .family = AF_INET6, .v6 = *addr };
	char buf[INET6_ADDRSTRLEN];

	iptod_addr_str(&a, buf, sizeof(buf));
	if (err < 0)
		iptod_err("home address %s failed duplicate address detection; adding it again "
			  "failed: %s", buf, strerror(-err));
	else
		iptod_event(d, d->dad_tries_left ? LOG_NOTICE : LOG_WARNING,
			    (const char *[]){ "EVENT=dad_again", NULL },
			    "home address %s failed duplicate address detection (while another "
			    "node held it, or another host uses it): added again, try %u of %u",
			    buf, DAD_TRIES - d->dad_tries_left, DAD_TRIES);
}

static void redo_dad(struct iptod *d, uint64_t now_ms)
{
	int n;

	if (!d->dad_tries_left || now_ms < d->dad_try_ms)
		return;
	d->dad_tries_left--;
	d->dad_try_ms = now_ms + DAD_TRY_MS;
	n = iptod_kernel_redo_dad(d->kernel, is_home_addr6, dad_redone, d);
	if (n < 0)
		iptod_err("reading the lower device's addresses: %s", strerror(-n));
	else if (n == 0)
		d->dad_tries_left = 0;	/* all clean */
}

/*
 * Whether the quorum lease lets this node answer: its end is still ahead,
 * and, to lift a fence, at least half an interval ahead (the next renewal
 * comes within that).  A change is logged.
 */
static bool lease_acked(struct iptod *d, uint64_t now_ms)
{
	uint64_t end = iptod_membership_lease_end(d);
	bool acked = end > now_ms + (d->fenced ? d->cfg.interval_ms / 2 : 0);

	if (acked != d->acked)
		iptod_event(d, acked ? LOG_NOTICE : LOG_WARNING,
			    (const char *[]){ acked ? "EVENT=acked" : "EVENT=unacked", NULL },
			    acked ? "a majority acknowledges this node's heartbeats" :
				    "too few peers acknowledge this node's heartbeats: the quorum "
				    "lease ends, this node falls silent before they may find it dead");
	d->acked = acked;
	return acked;
}

/*
 * Tells the kernel what membership now says: node states, and the fence:
 * on without quorum, during the start-up grace, while a live peer still
 * holds this node's addresses (it has not seen this node back yet), and
 * while too few peers acknowledge this node's heartbeats (the quorum
 * lease, which the kernel enforces by itself).
 */
static void apply_membership(struct iptod *d, uint64_t now_ms)
{
	uint8_t self_state = !d->fit ? IPTO_NODE_DOWN :
			     d->drain.on ? IPTO_NODE_DRAIN : IPTO_NODE_UP;
	const char *holder = NULL;
	char why[96];
	bool fence;
	int ret;

	if (!d->quorum)
		snprintf(why, sizeof(why), "no quorum");
	else if (starting(d, now_ms))
		snprintf(why, sizeof(why), "starting: listening for peers");
	else if (iptod_held_by_peer(d, &holder))
		snprintf(why, sizeof(why), "node %s still holds this node's addresses", holder);
	else if (!lease_acked(d, now_ms))
		snprintf(why, sizeof(why), "too few peers acknowledge its heartbeats");
	else
		why[0] = '\0';
	fence = why[0] != '\0';

	if (fence && !d->fenced)
		set_fence(d, true, why);
	for (unsigned int i = 0; i < d->npeers; i++) {
		struct iptod_peer *p = &d->peers[i];
		bool up = peer_up(d, p);

		if (p->pushed == up)
			continue;
		ret = iptod_kernel_node_state(d->kernel, p->id, up ? IPTO_NODE_UP : IPTO_NODE_DOWN);
		if (ret < 0) {
			kernel_failed(d, "setting a node's state", ret);
			continue;
		}
		p->pushed = up;
		d->held_dirty = true;
	}
	if (d->self_pushed != self_state) {
		ret = iptod_kernel_node_state(d->kernel, d->cfg.self, self_state);
		if (ret < 0) {
			kernel_failed(d, "setting this node's state", ret);
		} else {
			d->self_pushed = self_state;
			d->held_dirty = true;
		}
	}
	if (!fence && d->fenced) {
		set_fence(d, false, "quorum, and no other node holds this node's addresses");
		d->dad_tries_left = DAD_TRIES;
		d->dad_try_ms = now_ms;
	}
	if (!fence) {
		take_back(d);
		redo_dad(d, now_ms);
	}
}

static void refresh_held(struct iptod *d)
{
	int n;

	if (!d->held_dirty)
		return;
	n = iptod_kernel_held(d->kernel, d->cfg.self, d->held, &d->self_owner);
	if (n < 0) {
		iptod_err("reading which nodes' addresses this node holds: %s", strerror(-n));
		return;	/* stays dirty: tried again next time */
	}
	d->nheld = (unsigned int)n;
	d->held_dirty = false;
}

static void update_fitness(struct iptod *d)
{
	const char *bad = NULL;
	bool carrier = carrier_of(d->cfg.link);
	enum iptod_health_verdict health = iptod_health_verdict(d->health, &bad);
	/*
	 * A check with no result yet (at the start, or changed by a reload)
	 * leaves fitness as it was: at the start not fit, so that a node
	 * whose service is down never claims it is up.
	 */
	bool fit = carrier && !d->drain.done &&
		   (health == IPTOD_HEALTH_GOOD || (health == IPTOD_HEALTH_UNKNOWN && d->fit));
	char svc[64];

	if (carrier != d->carrier)
		iptod_event(d, carrier ? LOG_NOTICE : LOG_WARNING,
			    (const char *[]){ carrier ? "EVENT=carrier_up" : "EVENT=carrier_down",
					      NULL },
			    "lower device %s %s", d->cfg.link,
			    carrier ? "has carrier again" : "lost carrier");
	d->carrier = carrier;
	if (fit != d->fit) {
		snprintf(svc, sizeof(svc), "SERVICE=%s", bad ? bad : "");
		iptod_event(d, fit ? LOG_NOTICE : LOG_WARNING,
			    (const char *[]){ fit ? "EVENT=rejoin" : "EVENT=step_down",
					      bad ? svc : NULL, NULL },
			    fit ? "this node can serve again: rejoining" :
				  "this node steps down: %s", !carrier ? "no carrier on the lower device" :
				  d->drain.done ? "drained" : bad ? "a health check failed" : "");
	}
	d->fit = fit;
}

static void write_status(struct iptod *d)
{
	static char last[16384];
	char buf[16384];
	unsigned long hooks_started, hooks_failed;
	size_t len = 0;

#define PUT(...) (len += (size_t)snprintf(buf + len, len < sizeof(buf) ? sizeof(buf) - len : 0, \
					 __VA_ARGS__))
	PUT("device=%s\nnode=%u\nfit=%d\ncarrier=%d\nquorum=%d\nacked=%d\nfenced=%d\n",
	    d->cfg.device, d->cfg.self, d->fit, d->carrier, d->quorum, d->acked, d->fenced);
	PUT("held=");
	for (unsigned int i = 0; i < d->nheld; i++)
		PUT("%s%u", i ? "," : "", d->held[i]);
	PUT("\n");
	for (unsigned int i = 0; i < d->npeers; i++)
		PUT("peer.%u=%s %s%s\n", d->peers[i].id, d->peers[i].name,
		    d->peers[i].up ? "up" : "down", d->peers[i].alive ? " alive" : "");
	if (d->witness_fd >= 0)
		PUT("witness=%s\ntie=%d\n", d->witness_up ? "up" : "down", d->tie);
	for (int v = 0; v < IPTOD_HB_NVERDICTS; v++)
		PUT("rx.%s=%lu\n", iptod_hb_verdict_name(v), d->rx[v]);
	PUT("tx=%lu\ntx_errors=%lu\nreloads=%lu\nreload_failures=%lu\n", d->tx, d->tx_errors,
	    d->reloads, d->reload_failures);
	PUT("pauses=%lu\nlongest_pause_ms=%llu\nlongest_busy_ms=%llu\n", d->pauses,
	    (unsigned long long)d->longest_pause_ms, (unsigned long long)d->longest_busy_ms);
	iptod_notify_counts(&hooks_started, &hooks_failed);
	PUT("hooks_started=%lu\nhooks_failed=%lu\n", hooks_started, hooks_failed);
#undef PUT
	iptod_conns_status(d, buf, sizeof(buf), &len);
	iptod_drain_status(d, buf, sizeof(buf), &len);
	if (d->corosync)
		iptod_corosync_status(d, buf, sizeof(buf), &len);
	if (len >= sizeof(buf) || !strcmp(buf, last))
		return;
	if (iptod_replace_file(d->status_path, buf, len) == 0)
		memcpy(last, buf, len + 1);
}

static void on_event(void *ctx, const struct iptod_event *ev)
{
	struct iptod *d = ctx;
	static const char *const names[] = {
		[IPTO_EVENT_NODE_UP] = "node_up", [IPTO_EVENT_NODE_DOWN] = "node_down",
		[IPTO_EVENT_ADOPTED] = "adopted", [IPTO_EVENT_RELEASED] = "released",
		[IPTO_EVENT_GUARD_MARK] = "guard_mark", [IPTO_EVENT_GUARD_LIFT] = "guard_lift",
		[IPTO_EVENT_ALERT] = "alert", [IPTO_EVENT_FENCED] = "fenced",
		[IPTO_EVENT_UNFENCED] = "unfenced", [IPTO_EVENT_NODE_DRAIN] = "node_drain",
	};
	char f[6][80], a[INET6_ADDRSTRLEN];
	const char *fields[7];
	unsigned int n = 0;
	const char *name = ev->type < sizeof(names) / sizeof(names[0]) && names[ev->type] ?
			   names[ev->type] : "unknown";
	int prio = LOG_INFO;
	bool tickle = false, drain_changed = false;

	snprintf(f[n], sizeof(f[n]), "EVENT=%s", name);
	fields[n] = f[n];
	n++;
	if (ev->node) {
		snprintf(f[n], sizeof(f[n]), "NODE=%u", ev->node);
		fields[n] = f[n];
		n++;
	}
	if (ev->addr.family) {
		snprintf(f[n], sizeof(f[n]), "ADDRESS=%s", iptod_addr_str(&ev->addr, a, sizeof(a)));
		fields[n] = f[n];
		n++;
	}
	if (ev->service[0]) {
		snprintf(f[n], sizeof(f[n]), "SERVICE=%s", ev->service);
		fields[n] = f[n];
		n++;
	}
	if (ev->owner) {
		snprintf(f[n], sizeof(f[n]), "OWNER=%u", ev->owner);
		fields[n] = f[n];
		n++;
	}
	if (ev->type == IPTO_EVENT_FENCED) {
		snprintf(f[n], sizeof(f[n]), "REASON=%s",
			 ev->reason == IPTO_FENCE_LEASE ? "lease" : "request");
		fields[n] = f[n];
		n++;
	}
	fields[n] = NULL;

	switch (ev->type) {
	case IPTO_EVENT_ADOPTED:
	case IPTO_EVENT_RELEASED:
		/* Local, so that a "serve" service answers from it. */
		if (iptod_kernel_local_addr(d->kernel, &ev->addr, ev->type == IPTO_EVENT_ADOPTED))
			iptod_warn("cannot %s %s %s %s", ev->type == IPTO_EVENT_ADOPTED ?
				   "add" : "remove", a, ev->type == IPTO_EVENT_ADOPTED ?
				   "to" : "from", d->cfg.device);
		d->held_dirty = true;
		prio = LOG_NOTICE;
		if (ev->type == IPTO_EVENT_ADOPTED) {
			iptod_metrics_adopted(d, ev->node);
			tickle = true;	/* after the log line below */
		} else {
			iptod_conns_released(d, ev->node, &ev->addr);
		}
		break;
	case IPTO_EVENT_ALERT:
		prio = LOG_ALERT;
		break;
	case IPTO_EVENT_GUARD_MARK:
		prio = LOG_WARNING;
		break;
	case IPTO_EVENT_FENCED:
		d->fenced = true;
		iptod_metrics_fenced(d);
		prio = ev->reason == IPTO_FENCE_LEASE ? LOG_CRIT : LOG_NOTICE;
		break;
	case IPTO_EVENT_UNFENCED:
		d->fenced = false;
		prio = LOG_NOTICE;
		break;
	case IPTO_EVENT_NODE_UP:
	case IPTO_EVENT_NODE_DRAIN:
		drain_changed = ev->node == d->cfg.self;
		break;
	default:
		break;
	}
	iptod_event(d, prio, fields, "kernel: %s%s%s%s%s", name,
		    ev->addr.family ? " " : "", ev->addr.family ? a : "",
		    ev->service[0] ? " service " : "", ev->service);
	if (tickle)
		iptod_conns_adopted(d, ev->node, &ev->addr, iptod_now_ms());
	if (drain_changed)
		iptod_drain_kernel_changed(d, iptod_now_ms());
}

static void read_events(struct iptod *d)
{
	int ret = iptod_kernel_read_events(d->kernel, on_event, d);

	if (ret == -ENOBUFS) {
		iptod_warn("kernel events were lost (receive buffer overrun): re-reading state");
		d->held_dirty = true;
	} else if (ret < 0) {
		iptod_err("reading kernel events: %s", strerror(-ret));
	}
}

/*
 * The lease timer's work: twice an interval, whatever else is going on,
 * the lease is renewed up to the quorum lease's end (membership.c), which
 * the kernel enforces in the packet path.  A lease that ran out while this
 * daemon did not run (a stall longer than the lease) is not renewed: the
 * node fell silent, and the kernel fences it.  The daemon fences it too,
 * in case the kernel's work has not yet, and lifts the fence, which starts
 * a new lease, as membership allows.
 */
static void renew_lease(struct iptod *d)
{
	int ret = iptod_kernel_renew_lease(d->kernel, iptod_membership_lease_end(d));

	if (ret == -ETIME) {
		if (!d->fenced)
			set_fence(d, true, "the lease ran out");
	} else if (ret < 0) {
		kernel_failed(d, "renewing the lease", ret);
	}
}

/* Membership's update, and the peers it found down for the metrics. */
static void update_membership(struct iptod *d, uint64_t now_ms)
{
	bool was_up[IPTO_NODES_MAX];

	for (unsigned int i = 0; i < d->npeers && i < IPTO_NODES_MAX; i++)
		was_up[i] = d->peers[i].up;
	iptod_membership_update(d, now_ms);
	iptod_metrics_membership(d, was_up);
}

static void tick(struct iptod *d, uint64_t now_ms)
{
	iptod_membership_connect(d);
	if (d->corosync)
		iptod_corosync_tick(d, now_ms);
	iptod_health_tick(d->health, now_ms);
	iptod_notify_expire(now_ms);
	iptod_drain_check(d, now_ms);
	update_fitness(d);
	update_membership(d, now_ms);
	apply_membership(d, now_ms);
	read_events(d);
	refresh_held(d);
	iptod_membership_send(d);
	iptod_witness_ping(d);
	write_status(d);
}

/*
 * Heartbeats (from their sockets or from corosync) came in: act at once when
 * they change what the kernel must know.
 */
static void heartbeats_in(struct iptod *d, bool changed, uint64_t now_ms)
{
	if (!changed)
		return;
	update_membership(d, now_ms);
	apply_membership(d, now_ms);
	read_events(d);
	refresh_held(d);
	if (d->sent_flags != ((d->fit ? IPTOD_HB_FIT : 0) | (d->fenced ? IPTOD_HB_FENCED : 0) |
			      (d->quorum ? IPTOD_HB_QUORUM : 0)))
		iptod_membership_send(d);
}

static int load_config(const char *path, bool insecure, struct iptod_config *cfg,
		       struct iptod_key *key, char *err, size_t len)
{
	if (iptod_config_load(path, insecure, cfg, err, len) < 0)
		return -1;
	if (!cfg->key_file[0]) {
		memset(key, 0, sizeof(*key));
		return 0;
	}
	if (iptod_key_load(cfg->key_file, key, err, len) < 0) {
		iptod_config_free(cfg);
		return -1;
	}
	return 0;
}

/* A periodic timer: first expiry at once, then every period_us. */
static void arm_periodic(int fd, uint64_t period_us)
{
	struct itimerspec its = { 0 };

	its.it_interval.tv_sec = (time_t)(period_us / 1000000);
	its.it_interval.tv_nsec = (long)(period_us % 1000000) * 1000;
	its.it_value.tv_nsec = 1;
	timerfd_settime(fd, 0, &its, NULL);
}

/*
 * The heartbeat timer fires every interval, the lease timer twice an
 * interval: the lease outlasts an interval (iptod.conf(5)), so it is
 * renewed at least twice before it could run out while iptod runs.
 */
static void arm_timer(struct iptod *d)
{
	arm_periodic(d->timer_fd, (uint64_t)d->cfg.interval_ms * 1000);
	arm_periodic(d->lease_timer_fd, (uint64_t)d->cfg.interval_ms * 500);
}

/* The connection sync timer: every conn_sync_ms, or never. */
static void arm_sync_timer(struct iptod *d)
{
	struct itimerspec off = { 0 };

	if (d->cfg.conn_sync_ms)
		arm_periodic(d->sync_timer_fd, (uint64_t)d->cfg.conn_sync_ms * 1000);
	else
		timerfd_settime(d->sync_timer_fd, 0, &off, NULL);
}

/* Drains a timerfd; true when it had expired. */
static bool timer_expired(const struct pollfd *pfd)
{
	uint64_t expirations;

	return pfd->revents && read(pfd->fd, &expirations, sizeof(expirations)) > 0;
}

static void reload(struct iptod *d)
{
	struct iptod_config cfg;
	struct iptod_key key;
	struct iptod_health *health;
	bool interval_changed, sync_changed, metrics_changed;
	char err[512];
	int ret;

	sd_notify(0, "RELOADING=1");
	iptod_notice("reloading %s", d->config_path);
	if (load_config(d->config_path, d->insecure, &cfg, &key, err, sizeof(err)) < 0) {
		d->reload_failures++;
		iptod_event(d, LOG_ERR, (const char *[]){ "EVENT=reload_refused", NULL },
			    "reload refused, the running configuration stays: %s", err);
		goto out;
	}
	if (iptod_config_needs_restart(&d->cfg, &cfg)) {
		d->reload_failures++;
		iptod_event(d, LOG_ERR, (const char *[]){ "EVENT=reload_refused", NULL },
			    "reload refused, the running configuration stays: %s: device, link, "
			    "node, port, this node's heartbeat address and witness only change "
			    "with a restart", cfg.path);
		iptod_config_free(&cfg);
		goto out;
	}
	health = iptod_health_new(&cfg, cfg.self);
	if (!health) {
		iptod_err("reload: out of memory");
		iptod_config_free(&cfg);
		goto out;
	}
	ret = iptod_kernel_apply(d->kernel, &d->cfg, &cfg, node_up_for_kernel, d, err,
				 sizeof(err));
	d->self_pushed = -1;	/* a node added again is up or down: drain again */
	if (ret < 0) {
		d->reload_failures++;
		iptod_err("reload: the kernel refused the new table (%s); restoring the old one",
			  err);
		if (iptod_kernel_apply(d->kernel, NULL, &d->cfg, node_up_for_kernel, d, err,
				       sizeof(err)) < 0)
			iptod_err("restoring the old table failed too: %s", err);
		iptod_health_free(health);
		iptod_config_free(&cfg);
		goto out;
	}
	if (cfg.lease_ms != d->cfg.lease_ms) {
		ret = iptod_kernel_set_lease(d->kernel, cfg.lease_ms);
		if (ret < 0)
			kernel_failed(d, "setting the lease", ret);
	}
	iptod_health_carry(health, d->health);
	iptod_health_free(d->health);
	d->health = health;
	interval_changed = cfg.interval_ms != d->cfg.interval_ms;
	sync_changed = cfg.conn_sync_ms != d->cfg.conn_sync_ms;
	metrics_changed = strcmp(cfg.metrics_file, d->cfg.metrics_file) != 0;
	if (metrics_changed)
		iptod_metrics_remove(d->cfg.metrics_file);	/* stale from now on */
	iptod_config_free(&d->cfg);
	d->cfg = cfg;
	if (interval_changed)
		arm_timer(d);
	if (sync_changed)
		arm_sync_timer(d);
	if (metrics_changed)
		iptod_metrics_arm(d);
	d->key = key;
	{
		struct iptod_peer *old = d->peers;
		unsigned int nold = d->npeers;

		d->peers = NULL;
		if (iptod_membership_peers(d, old, nold) < 0) {
			iptod_err("reload: out of memory; the peers stay as they were");
			d->peers = old;
			d->npeers = nold;
		} else {
			free(old);
		}
		if (iptod_conns_peers(d) < 0)
			iptod_err("reload: out of memory: connection sync is incomplete");
	}
	d->held_dirty = true;
	d->reloads++;
	iptod_event(d, LOG_NOTICE, (const char *[]){ "EVENT=reloaded", NULL },
		    "reloaded %s: %u nodes, %u services", d->cfg.path, d->cfg.nnodes,
		    d->cfg.nservices);
out:
	sd_notify(0, "READY=1");
}

static void reap(struct iptod *d)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (iptod_notify_reaped(pid, status, iptod_now_ms()))
			continue;
		iptod_health_reaped(d->health, pid, status, iptod_now_ms());
	}
}

/* Leaves the cluster: fenced, peers told at once, no lease left to expire. */
static void shut_down(struct iptod *d)
{
	sd_notify(0, "STOPPING=1");
	set_fence(d, true, "iptod stops");
	d->fit = false;
	d->quorum = false;
	iptod_membership_send(d);	/* without "fit": peers take over now */
	if (iptod_kernel_set_lease(d->kernel, 0) < 0)
		iptod_warn("cannot end the lease; it will expire and fence this node");
	iptod_notice("stopped; %s stays fenced until iptod runs again", d->cfg.device);
}

/*
 * The main loop wakes at least once an interval (the timer).  Two intervals
 * or more since the last wakeup: this process or the whole machine did not
 * run (a stopped VM, memory pressure, a stall), or the last round's work
 * took that long.  Meanwhile no heartbeat went out and the lease was not
 * renewed, so the kernel may have fenced this node and peers may have
 * adopted its addresses: the warning says why, with the monotonic times
 * the kernel log uses.  The peers' silence over that time is not held
 * against them (membership.c).
 */
static void note_pause(struct iptod *d, uint64_t now_ms)
{
	uint64_t gap = now_ms - d->last_wake_ms, from = d->last_wake_ms;

	d->last_wake_ms = now_ms;
	if (!from || gap < 2 * (uint64_t)d->cfg.interval_ms)
		return;
	d->pauses++;
	if (gap > d->longest_pause_ms)
		d->longest_pause_ms = gap;
	iptod_warn("iptod did not run for %llu ms (monotonic clock %llu.%03llu s to "
		   "%llu.%03llu s): heartbeats are due every %u ms, the lease lasts %u ms, "
		   "peers take a node for dead after %u ms",
		   (unsigned long long)gap, (unsigned long long)(from / 1000),
		   (unsigned long long)(from % 1000), (unsigned long long)(now_ms / 1000),
		   (unsigned long long)(now_ms % 1000), d->cfg.interval_ms, d->cfg.lease_ms,
		   d->cfg.interval_ms * d->cfg.misses);
	iptod_membership_paused(d, now_ms, gap - d->cfg.interval_ms);
	iptod_health_paused(d->health, gap - d->cfg.interval_ms);
}

static int run(struct iptod *d)
{
	struct pollfd fds[POLL_MAX];
	sigset_t sigs;
	int sig_fd, timer_fd, lease_timer_fd, watchdog_fd = -1, ret;
	uint64_t watchdog_us = 0;
	char err[512];

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGCHLD);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGUSR2);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sig_fd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	lease_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	d->sync_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	d->tickle_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	d->metrics.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	/*
	 * The service manager's watchdog (WatchdogSec=) is fed from a timer of
	 * its own at half its period, so that it fits any interval_ms.
	 */
	if (sd_watchdog_enabled(0, &watchdog_us) > 0)
		watchdog_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (sig_fd < 0 || timer_fd < 0 || lease_timer_fd < 0 || d->sync_timer_fd < 0 ||
	    d->tickle_timer_fd < 0 || d->metrics.timer_fd < 0 || (watchdog_us && watchdog_fd < 0)) {
		iptod_err("signalfd/timerfd: %s", strerror(errno));
		return 1;
	}

	d->kernel = iptod_kernel_open(d->cfg.device, d->cfg.link, err, sizeof(err));
	if (!d->kernel) {
		iptod_err("%s", err);
		return 1;
	}
	/* Silent until told otherwise: nothing is answered before membership is known. */
	ret = iptod_kernel_fence(d->kernel, true, UINT64_MAX);
	if (ret < 0) {
		kernel_failed(d, "fencing at start", ret);
		return 1;
	}
	d->fenced = true;
	d->carrier = carrier_of(d->cfg.link);
	d->self_pushed = -1;	/* pushed by the first apply_membership() */
	if (iptod_membership_open(d, err, sizeof(err)) < 0 ||
	    iptod_membership_peers(d, NULL, 0) < 0) {
		iptod_err("%s", err);
		return 1;
	}
	if (iptod_conns_peers(d) < 0) {
		iptod_err("out of memory");
		return 1;
	}
	d->health = iptod_health_new(&d->cfg, d->cfg.self);
	if (!d->health) {
		iptod_err("out of memory");
		return 1;
	}
	/* Fit once every health check has passed (update_fitness()). */
	d->fit = d->carrier && iptod_health_verdict(d->health, NULL) == IPTOD_HEALTH_GOOD;
	d->start_ms = iptod_now_ms();	/* the start-up grace begins */
	ret = iptod_kernel_apply(d->kernel, NULL, &d->cfg, node_up_for_kernel, d, err,
				 sizeof(err));
	if (ret < 0) {
		iptod_err("programming the table: %s", err);
		return 1;
	}
	ret = iptod_kernel_set_lease(d->kernel, d->cfg.lease_ms);
	if (ret < 0) {
		kernel_failed(d, "setting the lease", ret);
		return 1;
	}
	if (d->insecure)
		iptod_warn("running without a key (--insecure): anyone on the network can "
			   "forge heartbeats and take this cluster's addresses");
	if (d->cfg.nnodes == 2 && !d->cfg.has_witness && !d->corosync)
		iptod_warn("two-node cluster without a witness: a node cannot tell a dead peer "
			   "from a broken link, so a partition makes both nodes answer the same "
			   "addresses (no split-brain protection); set witness = ADDRESS in [cluster]");
	d->timer_fd = timer_fd;
	d->lease_timer_fd = lease_timer_fd;
	arm_timer(d);
	arm_sync_timer(d);
	iptod_metrics_arm(d);
	if (watchdog_fd >= 0)
		arm_periodic(watchdog_fd, watchdog_us / 2);
	iptod_event(d, LOG_NOTICE, (const char *[]){ "EVENT=started", NULL },
		    "started: node %u of %u on %s (%s), heartbeat every %u ms%s, dead after %u, "
		    "lease %u ms", d->cfg.self, d->cfg.nnodes, d->cfg.device, d->cfg.link,
		    d->cfg.interval_ms, d->corosync ? " through corosync's CPG" : "",
		    d->cfg.misses, d->cfg.lease_ms);
	sd_notify(0, "READY=1");

	for (;;) {
		unsigned int n = 0, nhb, nhealth, ncorosync = 0;
		uint64_t now, busy;

		fds[n++] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = lease_timer_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = watchdog_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = timer_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = iptod_kernel_events_fd(d->kernel),
					    .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = d->witness_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = d->sync_timer_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = d->tickle_timer_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = d->metrics.timer_fd, .events = POLLIN };
		nhb = iptod_membership_pollfds(d, fds + n, POLL_MAX - n);
		n += nhb;
		nhealth = iptod_health_pollfds(d->health, fds + n, POLL_MAX - n);
		if (d->corosync)
			ncorosync = iptod_corosync_pollfds(d, fds + n + nhealth,
							   POLL_MAX - n - nhealth);
		if (poll(fds, n + nhealth + ncorosync, -1) < 0) {
			if (errno == EINTR)
				continue;
			iptod_err("poll: %s", strerror(errno));
			return 1;
		}
		/*
		 * Signals, finished health checks and timers first; then the
		 * sockets, each read in a bounded batch, so that no input can
		 * keep the others waiting.
		 */
		now = iptod_now_ms();
		note_pause(d, now);
		if (fds[0].revents) {
			struct signalfd_siginfo si;

			while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
					shut_down(d);
					return 0;
				}
				if (si.ssi_signo == SIGHUP)
					reload(d);
				else if (si.ssi_signo == SIGCHLD)
					reap(d);
				else if (si.ssi_signo == SIGUSR1)
					iptod_drain_begin(d, now, "SIGUSR1");
				else if (si.ssi_signo == SIGUSR2)
					iptod_drain_end(d, "SIGUSR2");
			}
		}
		/* Checks that ended (reaped above) beat their timeout (tick). */
		if (nhealth)
			iptod_health_polled(d->health, fds + n, nhealth, now);
		if (timer_expired(&fds[1]))
			renew_lease(d);
		if (timer_expired(&fds[2]))
			sd_notify(0, "WATCHDOG=1");
		if (timer_expired(&fds[3]))
			tick(d, now);
		if (fds[4].revents)
			read_events(d);
		if (fds[5].revents)
			iptod_witness_receive(d, now);
		if (timer_expired(&fds[6]))
			iptod_conns_sync(d, now);
		if (timer_expired(&fds[7]))
			iptod_conns_tickle(d, now);
		if (timer_expired(&fds[8]))
			iptod_metrics_write(d);
		if (nhb)
			heartbeats_in(d, iptod_membership_receive(d, fds + POLL_FIXED, nhb, now),
				      now);
		if (ncorosync)
			heartbeats_in(d, iptod_corosync_receive(d, fds + n + nhealth, ncorosync,
								now), now);
		busy = iptod_now_ms() - now;
		if (busy > d->longest_busy_ms)
			d->longest_busy_ms = busy;
	}
}

/*
 * --prepare, at boot before the network is configured: the device is
 * created and fenced and the table programmed with every node down, so
 * that this node answers none of its home addresses, which the network
 * configuration is about to add, until iptod runs and has found that no
 * peer holds them.  Without it, a node that boots while a peer holds its
 * addresses answers the IPv4 ones (no duplicate address detection holds
 * them back) from the moment they are configured until iptod starts.
 */
static int prepare(struct iptod *d)
{
	char err[512];
	int ret;

	d->kernel = iptod_kernel_open(d->cfg.device, d->cfg.link, err, sizeof(err));
	if (!d->kernel) {
		fprintf(stderr, "iptod: %s\n", err);
		return EXIT_FAILURE;
	}
	ret = iptod_kernel_fence(d->kernel, true, UINT64_MAX);
	if (ret < 0) {
		kernel_failed(d, "fencing", ret);
	} else {
		/* d->fit is false and there are no peers yet: every node down. */
		ret = iptod_kernel_apply(d->kernel, NULL, &d->cfg, node_up_for_kernel, d, err,
					 sizeof(err));
		if (ret < 0)
			iptod_err("programming the table: %s", err);
	}
	iptod_kernel_close(d->kernel);
	if (ret < 0)
		return EXIT_FAILURE;
	printf("%s: fenced, %u nodes: this node answers none of its addresses until iptod "
	       "runs\n", d->cfg.device, d->cfg.nnodes);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 't' },
		{ "prepare", no_argument, NULL, 'P' },
		{ "insecure", no_argument, NULL, 'I' },
		{ "log", required_argument, NULL, 'L' },
		{ "status", required_argument, NULL, 'S' },
		{ "debug", no_argument, NULL, 'D' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	enum iptod_log_target target = IPTOD_LOG_AUTO;
	struct iptod d = { .hb_fd = -1, .witness_fd = -1, .self_pushed = -1 };
	bool check = false, debug = false, early = false;
	char err[512], status[IPTOD_PATH_MAX + 32], state[IPTOD_PATH_MAX];
	int opt, ret;

	d.config_path = IPTOD_CONFIG_PATH;
	while ((opt = getopt_long(argc, argv, "c:th", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			d.config_path = optarg;
			break;
		case 't':
			check = true;
			break;
		case 'P':
			early = true;
			break;
		case 'I':
			d.insecure = true;
			break;
		case 'L':
			if (!strcmp(optarg, "auto")) {
				target = IPTOD_LOG_AUTO;
			} else if (!strcmp(optarg, "stderr")) {
				target = IPTOD_LOG_STDERR;
			} else if (!strcmp(optarg, "journal")) {
				target = IPTOD_LOG_JOURNAL;
			} else {
				fprintf(stderr, "iptod: --log: \"%s\" is not auto, stderr or journal\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'S':
			d.status_path = optarg;
			break;
		case 'D':
			debug = true;
			break;
		case 'V':
			printf("iptod %s\n", IPTO_VERSION);
			return 0;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "iptod: unexpected argument \"%s\"\n%s", argv[optind], usage);
		return EXIT_USAGE;
	}
	iptod_log_init(check ? IPTOD_LOG_STDERR : target, debug);
	if (load_config(d.config_path, d.insecure, &d.cfg, &d.key, err, sizeof(err)) < 0) {
		fprintf(stderr, "iptod: %s\n", err);
		return EXIT_USAGE;
	}
	if (check) {
		ret = 0;
		if (d.cfg.membership == IPTOD_MEMBERSHIP_COROSYNC) {
			ret = iptod_corosync_check(&d.cfg, err, sizeof(err));
			fprintf(ret < 0 ? stderr : stdout, "iptod: %s: corosync: %s\n",
				d.config_path, err);
		}
		if (ret >= 0)
			printf("%s: good: %u nodes, %u services\n", d.config_path, d.cfg.nnodes,
			       d.cfg.nservices);
		iptod_config_free(&d.cfg);
		return ret < 0 ? EXIT_USAGE : 0;
	}
	if (early) {
		ret = prepare(&d);
		iptod_config_free(&d.cfg);
		return ret;
	}
	if (!d.status_path) {
		mkdir("/run/ipto", 0755);
		snprintf(status, sizeof(status), "/run/ipto/%s.status", d.cfg.device);
		d.status_path = status;
	}
	if (iptod_boot_next(iptod_state_dir(state, sizeof(state)), d.cfg.device, &d.boot,
			    err, sizeof(err)) < 0) {
		fprintf(stderr, "iptod: %s\n", err);
		iptod_config_free(&d.cfg);
		return EXIT_FAILURE;
	}
	do
		randombytes_buf(&d.challenge, sizeof(d.challenge));
	while (!d.challenge);
	ret = run(&d);
	/* Numbers of a daemon that no longer runs are not scraped. */
	iptod_metrics_remove(d.cfg.metrics_file);
	iptod_metrics_free(&d);
	iptod_health_free(d.health);
	iptod_membership_close(&d);
	iptod_kernel_close(d.kernel);
	iptod_config_free(&d.cfg);
	return ret;
}
