/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tickle.h - IPTO_CMD_CONN_RESET: out-of-window ACKs to the clients of an
 * adopted address's connections, so that their answers can be reset.
 */
#ifndef _IPTO_TICKLE_H
#define _IPTO_TICKLE_H

#include <linux/in6.h>
#include <linux/types.h>

struct ipto_addr;
struct ipto_dev;
struct netlink_ext_ack;
struct nlattr;

/**
 * struct ipto_conn - a TCP connection of an adopted address
 * @local: the adopted address; valid while RTNL is held
 * @remote: the client, of @local's family
 * @lport: the adopted address's port, network order
 * @rport: the client's port, network order
 */
struct ipto_conn {
	struct ipto_addr *local;
	union {
		__be32 ip4;
		struct in6_addr ip6;
	} remote;
	__be16 lport;
	__be16 rport;
};

int ipto_conn_parse(struct ipto_dev *ipto, const struct nlattr *nest, struct ipto_conn *conn,
		    struct netlink_ext_ack *extack);
bool ipto_tickle(struct ipto_dev *ipto, const struct ipto_conn *conn);

#endif /* _IPTO_TICKLE_H */
