/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iptod.h - the daemon's state, shared by its parts: the main loop and the
 * kernel side (iptod.c), and membership (membership.c): peers, heartbeats,
 * quorum and the witness.
 */
#ifndef IPTOD_H
#define IPTOD_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config.h"
#include "conn_sync.h"
#include "corosync.h"
#include "health.h"
#include "heartbeat.h"
#include "kernel.h"
#include "log.h"
#include "metrics.h"

/* What this node knows of another node. */
#define IPTOD_ECHOES	8	/* echo requests whose answers count */
#define IPTOD_SENT	128	/* heartbeats whose sending time is kept */

struct iptod_peer {
	uint32_t id;
	char name[IPTO_NODE_NAME_LEN];
	struct sockaddr_storage sa;	/* where its heartbeats go */
	socklen_t salen;
	struct iptod_hb_window window;
	uint64_t challenge;		/* its challenge, echoed to it; 0: not heard */
	uint64_t challenge_boot;	/* the boot it was heard in */
	bool heard;			/* a heartbeat was accepted, ever */
	uint64_t last_rx_ms;
	uint64_t alive_since_ms;	/* when it was last heard again */
	uint64_t ack_ms;		/* when the newest heartbeat it acknowledged
					 * was sent; 0: none */
	uint8_t flags;			/* of its last heartbeat */
	unsigned int nheld;
	uint32_t held[IPTO_NODES_MAX];
	uint32_t self_owner;		/* the kernel's holder of our addresses */
	uint64_t take_back_ms;		/* last attempt to take them back */
	bool alive;			/* heard within interval * misses */
	bool up;			/* alive, fit and with quorum */
	uint64_t down_us;		/* when it was found down after being up
					 * (CLOCK_MONOTONIC us); 0: up, not known,
					 * or this node was fenced since */
	int pushed;			/* state set in the kernel: -1 none, 0, 1 */
	int fd;				/* socket connected to it, or -1 */
	bool connect_failed;		/* logged once until it works */
	struct conn_sync_tx *sync_tx;	/* our connections to it; NULL: it is
					 * not our standby, or sync is off */
	struct conn_sync_rx *sync_rx;	/* its connections, as it synced them */
};

/* Connection sync and the reset at takeover (conns.c): counters. */
struct iptod_sync {
	size_t local;			/* our connections at the last listing */
	uint64_t list_ms;		/* how long that listing took */
	uint64_t list_errors;
	uint64_t tx_msgs, tx_bytes, tx_errors;
	uint64_t tickled;		/* tickles the kernel sent */
	unsigned long refused[CONN_SYNC_NVERDICTS];
	struct iptod_log_limit refused_log[CONN_SYNC_NVERDICTS];
	struct iptod_log_limit list_log;
};

/* A planned switchover (drain.c). */
struct iptod_drain {
	bool on;			/* draining: new connections refused */
	bool done;			/* handed over: not fit until it ends */
	uint64_t start_ms;
	uint64_t next_check_ms;
	long conns;			/* at the last count; -1: not known */
	uint64_t left_ms;		/* before it hands over anyway */
};

/* The metrics file (metrics_file.c). */
struct iptod_metrics {
	int timer_fd;			/* every second while there is a file */
	struct metrics_hist detect;	/* peer found down -> address adopted */
	struct metrics_hist reply;	/* adoption -> first reply */
	struct iptod_metrics_seen *seen;	/* adopted addresses at the last
						 * write, in address order */
	size_t nseen;
	uint64_t seen_ms;		/* when they were read */
	unsigned long write_errors;
	struct iptod_log_limit log;
};

struct iptod {
	struct iptod_config cfg;
	const char *config_path;
	bool insecure;			/* no key: heartbeats unauthenticated */
	struct iptod_key key;
	struct iptod_kernel *kernel;
	struct iptod_health *health;
	const char *status_path;

	struct iptod_peer *peers;	/* every node but self */
	unsigned int npeers;
	int hb_fd;			/* heartbeat socket */
	int timer_fd;			/* heartbeat interval */
	int lease_timer_fd;		/* lease renewal, twice an interval */
	uint64_t boot;			/* our boot counter (boot.c) */
	uint64_t challenge;		/* ours, drawn at start, never 0 */
	uint64_t seq;
	struct iptod_sent {		/* seq's sending time, at seq % IPTOD_SENT */
		uint64_t seq;
		uint64_t ms;
	} sent[IPTOD_SENT];
	uint64_t start_ms;
	uint64_t last_wake_ms;		/* the main loop's last wakeup */
	unsigned long pauses;		/* wakeups two intervals apart or more */
	uint64_t longest_pause_ms;
	uint64_t longest_busy_ms;	/* the longest one wakeup's work took */
	unsigned long rx[IPTOD_HB_NVERDICTS];
	unsigned long tx, tx_errors;
	struct iptod_log_limit rx_log[IPTOD_HB_NVERDICTS];	/* bad ones */

	int witness_fd;			/* ICMP socket; -1 without a witness */
	uint64_t witness_ok_ms;		/* last answer; 0: never */
	uint64_t peer_echo_ms;		/* two nodes: the peer's last answer */
	uint16_t witness_seq;
	bool witness_up;
	bool tie;			/* two nodes: the peer runs but is silent */
	struct iptod_echo {		/* the last echo requests sent */
		uint8_t payload[16];	/* random */
		bool to_peer;		/* else to the witness */
	} echoes[IPTOD_ECHOES];

	bool carrier;
	bool fit;			/* carrier and every health check */
	bool quorum;
	bool acked;			/* the quorum lease lets it answer */
	bool fenced;			/* the kernel's fence, as last known */
	int self_pushed;		/* self's state in the kernel: -1 (not
					 * set yet) or enum ipto_node_state */
	bool held_dirty;		/* adoptions changed: re-read held */
	unsigned int nheld;
	uint32_t held[IPTO_NODES_MAX];
	uint32_t self_owner;		/* the kernel's holder of our addresses */
	uint64_t take_back_ms;		/* last attempt to take them back */
	unsigned int dad_tries_left;	/* detection again, after a fence */
	uint64_t dad_try_ms;		/* the next try */
	uint8_t sent_flags;
	unsigned long reloads, reload_failures;

	int sync_timer_fd;		/* every conn_sync_ms */
	int tickle_timer_fd;		/* the next tickle job that is due */
	unsigned int sync_max;		/* conn_sync_max the receivers have */
	struct iptod_tickle *tickles;	/* takeovers being reset */
	unsigned int ntickles;
	struct iptod_sync sync;
	struct iptod_drain drain;
	struct iptod_corosync *corosync;	/* membership = corosync; else NULL */
	struct iptod_metrics metrics;
};

/* CLOCK_MONOTONIC, in microseconds and milliseconds. */
uint64_t iptod_now_us(void);
uint64_t iptod_now_ms(void);
/*
 * Replaces the file at path with len bytes of buf, mode 0644, through
 * PATH.tmp and rename(): a reader sees the old file or the new one whole.
 * Returns 0 or -errno.  (The status file and the metrics file.)
 */
int iptod_replace_file(const char *path, const char *buf, size_t len);

/* membership.c */
int iptod_membership_open(struct iptod *d, char *err, size_t errlen);
void iptod_membership_close(struct iptod *d);
/* Builds d->peers from d->cfg, keeping what is known of peers still there. */
int iptod_membership_peers(struct iptod *d, struct iptod_peer *old, unsigned int nold);
void iptod_membership_send(struct iptod *d);
/* Gives peers without one their own connected heartbeat socket. */
void iptod_membership_connect(struct iptod *d);
/* The heartbeat sockets to poll: the port's, then one per connected peer. */
unsigned int iptod_membership_pollfds(const struct iptod *d, struct pollfd *fds,
				      unsigned int max);
/*
 * Reads a bounded batch of heartbeats from each socket that poll found
 * ready; returns true when a peer's view changed.
 */
bool iptod_membership_receive(struct iptod *d, const struct pollfd *fds, unsigned int n,
			      uint64_t now_ms);
/*
 * Takes an authentic, fresh heartbeat of peer p (from its socket or from
 * CPG); returns true when what it says changed.
 */
bool iptod_membership_take(struct iptod *d, struct iptod_peer *p,
			   const struct iptod_heartbeat *hb, uint64_t now_ms);
/* Counts a refused heartbeat (from: who sent it) and logs it, once a second. */
void iptod_membership_bad(struct iptod *d, enum iptod_hb_verdict v, const char *from,
			  uint64_t now_ms);
/* Recomputes alive/up and quorum; returns true when something changed. */
bool iptod_membership_update(struct iptod *d, uint64_t now_ms);
/* This node did not run for lost_ms: that time does not count against peers. */
void iptod_membership_paused(struct iptod *d, uint64_t now_ms, uint64_t lost_ms);
void iptod_witness_ping(struct iptod *d);
void iptod_witness_receive(struct iptod *d, uint64_t now_ms);
/* Whether a live peer says it holds this node's addresses. */
bool iptod_held_by_peer(const struct iptod *d, const char **who);
/*
 * The quorum lease: until when (CLOCK_MONOTONIC ms) this node may answer,
 * as its peers' acknowledgements show; 0: not now; UINT64_MAX: no limit
 * (two nodes without a witness).
 */
uint64_t iptod_membership_lease_end(const struct iptod *d);



/* conns.c */
/* Gives peers the sync state they need after d->peers was built. */
int iptod_conns_peers(struct iptod *d);
void iptod_conns_peer_free(struct iptod_peer *p);
/* p was heard again after it was dead: it gets the whole list again. */
void iptod_conns_peer_alive(struct iptod_peer *p);
/* The sync timer: lists this node's connections and sends the changes. */
void iptod_conns_sync(struct iptod *d, uint64_t now_ms);
/* A sync datagram from the heartbeat address of p (NULL: of no peer). */
void iptod_conns_receive(struct iptod *d, struct iptod_peer *p, const uint8_t *buf,
			 size_t len, uint64_t now_ms);
/* The kernel adopted (released) addr, an address of node. */
void iptod_conns_adopted(struct iptod *d, uint32_t node, const struct iptod_addr *addr,
			 uint64_t now_ms);
void iptod_conns_released(struct iptod *d, uint32_t node, const struct iptod_addr *addr);
/* The tickle timer: sends what is due. */
void iptod_conns_tickle(struct iptod *d, uint64_t now_ms);
/* Appends the status file's conn_sync lines to buf. */
void iptod_conns_status(const struct iptod *d, char *buf, size_t size, size_t *len);
/* The established TCP connections on this node's home addresses, counted. */
int iptod_conns_count(const struct iptod *d, size_t *n);

/* drain.c */
void iptod_drain_begin(struct iptod *d, uint64_t now_ms, const char *by);
void iptod_drain_end(struct iptod *d, const char *by);
/* The kernel reported this node up or draining: follows an operator's change. */
void iptod_drain_kernel_changed(struct iptod *d, uint64_t now_ms);
/* Counts and reports a drain's progress; ends it at 0 or its timeout. */
void iptod_drain_check(struct iptod *d, uint64_t now_ms);
/* Appends the status file's drain lines to buf. */
void iptod_drain_status(const struct iptod *d, char *buf, size_t size, size_t *len);

/* metrics_file.c */
/* After a membership update: peers found down now (was_up[i]: before it). */
void iptod_metrics_membership(struct iptod *d, const bool *was_up);
/* The kernel adopted an address of node here. */
void iptod_metrics_adopted(struct iptod *d, uint32_t node);
/* This node was fenced: the adoptions that follow do not count from detection. */
void iptod_metrics_fenced(struct iptod *d);
/* The timer: writes cfg.metrics_file, if there is one. */
void iptod_metrics_write(struct iptod *d);
/* Arms the timer each second while cfg.metrics_file is set, else stops it. */
void iptod_metrics_arm(struct iptod *d);
/* Removes a metrics file (at exit, or when a reload changes the path). */
void iptod_metrics_remove(const char *path);
void iptod_metrics_free(struct iptod *d);

/* iptod.c: logs a membership or kernel event and hands it to the hook. */
void iptod_event(struct iptod *d, int priority, const char *const *fields,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#endif /* IPTOD_H */
