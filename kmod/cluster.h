/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cluster.h - the cluster table of a device (nodes) and the takeover
 * engine that applies decide.c's decision to this node.
 */
#ifndef _IPTO_CLUSTER_H
#define _IPTO_CLUSTER_H

#include <linux/ipto.h>
#include <linux/types.h>

#include "addr.h"
#include "decide.h"

struct ipto_dev;
struct netlink_ext_ack;
struct nlattr;

/**
 * struct ipto_node - one node of the cluster table
 * @id: 1..IPTO_NODE_ID_MAX
 * @name: unique in the table
 * @up: state as membership last reported it (drain counts as up)
 * @drain: membership reported it draining (IPTO_NODE_DRAIN)
 * @drain_reported: membership reported @drain_conns and @drain_left_ms
 * @drain_conns: while @drain, its connections left, as membership counted
 * @drain_left_ms: while @drain, its time left, as membership counted
 * @failover: its addresses and services may be provided by another node
 * @self: this node
 * @nstandby: entries in @standby
 * @standby: the standby order
 * @naddrs: entries in @addrs
 * @addrs: home addresses, sorted
 * @decision: the last decision for the node's own unit
 * @marked: this node raised the cascade guard's mark of that unit
 * @addr_owner: the node that holds its addresses, per the last decision
 * @held: the takeover engine adopted its addresses on this node (the
 *	decision gives them to this node, and the device is not fenced)
 */
struct ipto_node {
	u32 id;
	char name[IPTO_NODE_NAME_LEN];
	bool up;
	bool drain;
	bool drain_reported;
	u32 drain_conns;
	u32 drain_left_ms;
	bool failover;
	bool self;
	u8 nstandby;
	u32 standby[IPTO_STANDBY_MAX];
	unsigned int naddrs;
	struct ipto_addr_key *addrs;
	struct ipto_decision decision;
	bool marked;
	u32 addr_owner;
	bool held;
};

/**
 * struct ipto_cluster - the table; everything here is protected by RTNL
 * @nodes: the nodes, in the order they were added
 * @nnodes: entries in @nodes
 * @gen: bumped on every change, for dump consistency
 * @alerts: alerts raised since the device was created
 */
struct ipto_cluster {
	struct ipto_node *nodes[IPTO_NODES_MAX];
	unsigned int nnodes;
	unsigned int gen;
	u64 alerts;
};

struct ipto_node *ipto_cluster_node(struct ipto_dev *ipto, u32 id);
int ipto_node_parse_addrs(struct ipto_node *node, const struct nlattr *head, int len,
			  const struct nlattr *first, struct netlink_ext_ack *extack);
int ipto_cluster_node_add(struct ipto_dev *ipto, struct ipto_node *node,
			  struct netlink_ext_ack *extack);
int ipto_cluster_node_del(struct ipto_dev *ipto, u32 id, struct netlink_ext_ack *extack);
int ipto_cluster_check_standby(struct ipto_dev *ipto, u32 home, const u32 *standby,
			       unsigned int n, struct netlink_ext_ack *extack);
void ipto_cluster_set_state(struct ipto_dev *ipto, struct ipto_node *node,
			    enum ipto_node_state state);
void ipto_cluster_set_drain_progress(struct ipto_dev *ipto, struct ipto_node *node, u32 conns,
				     u32 left_ms);
void ipto_cluster_forget(struct ipto_dev *ipto, u32 from_node);
void ipto_cluster_run(struct ipto_dev *ipto);
void ipto_cluster_release_all(struct ipto_dev *ipto);
void ipto_cluster_free(struct ipto_dev *ipto);

#endif /* _IPTO_CLUSTER_H */
