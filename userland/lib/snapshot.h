/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snapshot: what the kernel holds, read for "iptoctl show" and by iptod
 * (which finds its device and the table it left behind): ipto devices with
 * their settings, cluster nodes, adopted addresses and services.
 */
#ifndef IPTO_SNAPSHOT_H
#define IPTO_SNAPSHOT_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/ipto.h>

#include "dev_settings.h"
#include "ipto_nl.h"

/* An ipto device as IPTO_CMD_DEV_GET reports it. */
struct snap_dev {
	uint32_t ifindex;
	char ifname[IFNAMSIZ];
	uint32_t link_ifindex;
	uint32_t settings[IPTO_DEV_A_MAX + 1];	/* by attribute: dev_settings */
	uint64_t alerts;
	uint8_t fenced;			/* enum ipto_fence */
	uint32_t lease_left_ms;
};

/* A standby list: node ids in order. */
struct snap_standby {
	uint32_t ids[IPTO_STANDBY_MAX];
	size_t n;
};

/* A home address of a node. */
struct snap_node_addr {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char addr[16];		/* network order: 4 or 16 bytes */
};

/* A node of the cluster table as IPTO_CMD_NODE_GET reports it. */
struct snap_node {
	uint32_t id;
	char name[IPTO_NODE_NAME_LEN];
	uint8_t state;			/* enum ipto_node_state */
	bool has_drain_progress;	/* IPTO_NODE_DRAIN: both below */
	uint32_t drain_conns;		/* connections left */
	uint32_t drain_left_ms;		/* before it hands over anyway */
	bool self;
	bool failover;
	struct snap_standby standby;
	uint32_t owner;			/* providing its addresses; 0: none */
	bool guard;
	struct snap_node_addr *addrs;	/* allocated */
	size_t n_addrs;
	size_t addrs_cap;
};

/* An adopted address as IPTO_CMD_ADDR_GET reports it. */
struct snap_adopted {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char addr[16];		/* network order: 4 or 16 bytes */
	uint32_t node;			/* 0: none */
	uint64_t age_ms;
	bool local;
	uint64_t stats[IPTO_STATS_A_MAX + 1];	/* by enum ipto_stats_attr */
	bool has_first_reply;		/* a reply was sent since adoption */
	uint64_t first_reply_ms;	/* from adoption to the first reply */
};

/* A service as IPTO_CMD_SERVICE_GET reports it. */
struct snap_service {
	uint32_t node;
	char name[IPTO_SERVICE_NAME_LEN];
	uint8_t proto;
	uint16_t port_min;
	uint16_t port_max;
	uint8_t action;
	bool has_failover;		/* else the node's applies */
	bool failover;
	bool has_standby;		/* else the node's applies */
	struct snap_standby standby;
	uint32_t owner;			/* providing it; 0: none */
	bool guard;
};

struct dev_snapshot {
	struct snap_dev dev;
	struct snap_node *nodes;
	size_t n_nodes, nodes_cap;
	struct snap_adopted *addrs;
	size_t n_addrs, addrs_cap;
	struct snap_service *svcs;
	size_t n_svcs, svcs_cap;
};

struct snapshot {
	struct dev_snapshot *devs;	/* in the kernel's order */
	size_t n_devs, devs_cap;
	char problem[96];	/* what was wrong with a bad answer, or "" */
};

/*
 * Reads the device named ifname, or every ipto device of the namespace when
 * ifname is NULL, each with its nodes, addresses and services.  Returns 0 or
 * a negative errno; snap->problem may say more.  Free snap in either case.
 */
int snapshot_read(struct ipto_nl *nl, const char *ifname,
		  struct snapshot *snap);

void snapshot_free(struct snapshot *snap);

#endif /* IPTO_SNAPSHOT_H */
