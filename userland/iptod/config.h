/* SPDX-License-Identifier: GPL-2.0 */
/*
 * config.h - iptod's configuration: the file format (INI, read with inih in
 * config_parse.c, checked as a whole in config_check.c), the validated
 * in-memory form (config.c), and the difference between two of them
 * (config_diff.c), which is what a SIGHUP reload applies to the kernel.
 *
 * The file, section by section (iptod.conf(5) is the reference):
 *
 *   [cluster]
 *   device = ipto0            the ipto device (created on its lower device)
 *   link = eth0               its lower (LAN) device
 *   node = alpha              this node: a [node NAME] section's name
 *   port = 7410               heartbeat UDP port, every node
 *   interval_ms = 100         heartbeat interval
 *   misses = 3                a peer is down after this many intervals silent
 *   lease_ms = 200            kernel lease; interval_ms < lease_ms <
 *                             interval_ms * misses (default 2/3 of the latter)
 *   key_file = /etc/ipto/key  shared secret, root-only, 32+ bytes
 *   failback = auto|manual
 *   notify = /path/to/hook    executable run on every event (optional)
 *   run_as = USER             the user the hook and exec checks run as,
 *                             without capabilities (optional; not root)
 *   witness = ADDRESS         tie-breaker of a two-node cluster (optional)
 *   conn_sync_ms = 500        how often this node's established TCP
 *                             connections on its home addresses go to its
 *                             standby nodes (0: never)
 *   conn_sync_max = 100000    connections kept per peer, at most
 *   drain_timeout_ms = 60000  a draining node hands over by then at the
 *                             latest (0: at once)
 *   membership = heartbeat|corosync   who is alive and who has quorum:
 *                             iptod's own heartbeats (the default), or
 *                             corosync's CPG and quorum (corosync.c); the
 *                             corosync node ids are the [node] ids
 *   metrics_file = PATH       Prometheus text-format metrics, rewritten each
 *                             second for node_exporter's textfile collector
 *                             (optional; absent or empty: none)
 *   metrics_addresses = 256   per-address series for at most this many
 *                             adopted addresses; the rest summed (0..65536)
 *
 *   [node NAME]               one per node, this one included
 *   id = 1                    1..65535
 *   heartbeat = ADDRESS       where peers send its heartbeats (IPv4 or IPv6)
 *   addresses = A, B, ...     home addresses (IPv4 and IPv6)
 *   standby = NAME, NAME...   ordered standby nodes (optional)
 *   failover = yes|no         (default yes)
 *
 *   [service NAME]            optional; NAME unique in the file
 *   node = NAME               the node providing it
 *   proto = tcp|udp
 *   port = P or P-Q
 *   action = reject|drop|serve      (default reject)
 *   standby = NAME, ...       override of the node's (optional)
 *   failover = yes|no         override of the node's (optional)
 *   check = tcp [ADDRESS:]PORT | exec PATH [ARGS...]   health check (optional;
 *                             only the node providing the service runs it)
 *   check_interval_ms = 1000  check_timeout_ms = 500 (half the interval, at
 *                             most 1000 by default; always < interval)
 *   fall = 3                  consecutive failures before stepping down
 *   rise = 2                  consecutive successes before rejoining
 */
#ifndef IPTOD_CONFIG_H
#define IPTOD_CONFIG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <linux/ipto.h>

#include "spawn.h"

#define IPTOD_CONFIG_PATH	"/etc/ipto/iptod.conf"
#define IPTOD_PORT_DEFAULT	7410
#define IPTOD_KEY_MIN		32	/* bytes of key material, at least */
#define IPTOD_KEY_MAX		256
#define IPTOD_ARGS_MAX		16	/* exec check: argv entries, path included */
#define IPTOD_PATH_MAX		256

/* An address as iptod keeps it: family AF_INET or AF_INET6, network order. */
struct iptod_addr {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

enum iptod_check_kind {
	IPTOD_CHECK_NONE,
	IPTOD_CHECK_TCP,	/* connect to addr:port (default 127.0.0.1) */
	IPTOD_CHECK_EXEC,	/* run argv; exit 0 within the timeout is healthy */
};

struct iptod_check {
	enum iptod_check_kind kind;
	struct iptod_addr addr;		/* TCP: the address to connect to */
	uint16_t port;			/* TCP */
	char *argv[IPTOD_ARGS_MAX + 1];	/* EXEC: NULL-terminated, malloc'ed */
	unsigned int interval_ms;
	unsigned int timeout_ms;
	unsigned int fall;
	unsigned int rise;
};

struct iptod_node {
	char name[IPTO_NODE_NAME_LEN];
	uint32_t id;
	struct iptod_addr heartbeat;
	struct iptod_addr *addrs;	/* malloc'ed, naddrs entries, >= 1 */
	unsigned int naddrs;
	uint32_t standby[IPTO_STANDBY_MAX];	/* node ids, in order */
	unsigned int nstandby;
	bool failover;
	int line;			/* of the section header, for messages */
};

struct iptod_service {
	char name[IPTO_SERVICE_NAME_LEN];
	uint32_t node;			/* node id */
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port_min, port_max;
	uint8_t action;			/* enum ipto_action */
	bool has_standby;		/* standby overrides the node's */
	uint32_t standby[IPTO_STANDBY_MAX];
	unsigned int nstandby;
	bool has_failover;		/* failover overrides the node's */
	bool failover;
	struct iptod_check check;
	int line;
};

enum iptod_membership {
	IPTOD_MEMBERSHIP_HEARTBEAT,	/* iptod's heartbeats (membership.c) */
	IPTOD_MEMBERSHIP_COROSYNC,	/* corosync's CPG and quorum (corosync.c) */
};

struct iptod_config {
	char path[IPTOD_PATH_MAX];	/* the file it came from */
	char device[IF_NAMESIZE];
	char link[IF_NAMESIZE];
	uint32_t self;			/* this node's id */
	uint16_t port;
	unsigned int interval_ms;
	unsigned int misses;
	unsigned int lease_ms;
	char key_file[IPTOD_PATH_MAX];	/* "" only when parsed with insecure */
	uint8_t failback;		/* enum ipto_failback */
	char notify[IPTOD_PATH_MAX];	/* "" for none */
	struct iptod_run_as run_as;	/* of the hook and exec checks */
	bool has_witness;
	struct iptod_addr witness;
	unsigned int conn_sync_ms;	/* 0: no connection sync */
	unsigned int conn_sync_max;	/* per peer */
	unsigned int drain_timeout_ms;	/* a drain hands over by then */
	enum iptod_membership membership;
	char metrics_file[IPTOD_PATH_MAX];	/* "" for none */
	unsigned int metrics_addresses;	/* per-address series, at most */

	struct iptod_node *nodes;	/* malloc'ed, nnodes entries, file order */
	unsigned int nnodes;
	struct iptod_service *services;	/* malloc'ed, file order */
	unsigned int nservices;
};

/*
 * Parses and validates the file at path into *cfg (zeroed first).  Returns 0,
 * or -1 with err holding "FILE:LINE: REASON" (LINE 0 when the reason is not
 * tied to a line, e.g. the file cannot be opened or a required section is
 * missing); *cfg is then empty.  With allow_no_key, key_file may be absent
 * (iptod --insecure).  Everything the kernel would refuse is refused here:
 * unknown sections or keys, bad or duplicate values, a standby list naming
 * an unknown node, the node itself or a node twice, an address of two nodes,
 * heartbeat addresses of both families, more than the kernel's limits,
 * lease_ms outside (interval_ms, interval_ms * misses), "node" naming no
 * [node] section.
 */
int iptod_config_load(const char *path, bool allow_no_key,
		      struct iptod_config *cfg, char *err, size_t errlen);

void iptod_config_free(struct iptod_config *cfg);

const struct iptod_node *iptod_config_node(const struct iptod_config *cfg,
					   uint32_t id);

/*
 * Whether a reload from running to loaded changes what only a restart may:
 * the device, its link, which node this is (its id), this node's heartbeat
 * address, the port, whether there is a witness, or the membership.
 */
bool iptod_config_needs_restart(const struct iptod_config *running,
				const struct iptod_config *loaded);

/* Whether two nodes (or services) are the same for the kernel's table. */
bool iptod_node_equal(const struct iptod_node *a, const struct iptod_node *b);
bool iptod_service_equal(const struct iptod_service *a,
			 const struct iptod_service *b);

/* Formats an address as ip(8) writes it; buf needs INET6_ADDRSTRLEN. */
const char *iptod_addr_str(const struct iptod_addr *a, char *buf, size_t len);
/* Whether a and b are the same address (same family, same bytes). */
bool iptod_addr_equal(const struct iptod_addr *a, const struct iptod_addr *b);

#endif /* IPTOD_CONFIG_H */
