/* SPDX-License-Identifier: GPL-2.0 */
/*
 * conn_diag.h - the established TCP connections of this host whose local
 * address is one of a given set, read from the kernel with sock_diag
 * (NETLINK_SOCK_DIAG, one dump per address family, filtered in the kernel
 * by inet_diag bytecode), and the difference between two such lists.  Never
 * /proc.
 *
 * An IPv4 connection accepted by a dual-stack AF_INET6 socket has
 * v4-mapped addresses (::ffff:a.b.c.d); it is found for its IPv4 local
 * address and reported as IPv4, as if the socket were AF_INET.  Listening
 * sockets and connections in any state but ESTABLISHED (SYN_RECV,
 * FIN_WAIT*, TIME_WAIT, ...) are not reported.
 */
#ifndef IPTOD_CONN_DIAG_H
#define IPTOD_CONN_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most local addresses conn_diag_list() takes (its bytecode's room). */
#define CONN_DIAG_ADDRS_MAX	1024

/*
 * A local address: AF_INET uses addr[0..3], AF_INET6 all 16 bytes, network
 * byte order.  An AF_INET6 v4-mapped address stands for its IPv4 address.
 */
struct conn_diag_addr {
	int family;
	unsigned char addr[16];
};

/*
 * One connection.  Addresses in network byte order; for AF_INET only the
 * first 4 bytes count (conn_diag_list() zeroes the others).
 */
struct conn_diag_conn {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char local[16], remote[16];
	uint16_t lport, rport;		/* host byte order */
};

/*
 * Fills *out (malloc'd, the caller frees it; NULL when *n is 0) with the *n
 * established TCP connections whose local address is one of
 * addrs[0..naddrs), sorted by conn_diag_cmp(), without duplicates.
 * Returns 0, or a negative errno with *out NULL and *n 0:
 *   -E2BIG        more than max connections
 *   -EINVAL       more than CONN_DIAG_ADDRS_MAX addresses (after removing
 *                 duplicates), or addrs NULL with naddrs not 0
 *   -EAFNOSUPPORT an address neither AF_INET nor AF_INET6
 *   -EPROTO, -EBADMSG  the kernel's answer is not what was asked for
 *   -EINTR        the kernel's tables changed during the dumps twice in a
 *                 row (an interrupted dump is read again once)
 *   or the socket's, the kernel's or malloc's error.
 * No addresses: no connections, and no netlink at all.
 */
int conn_diag_list(const struct conn_diag_addr *addrs, size_t naddrs,
		   size_t max, struct conn_diag_conn **out, size_t *n);

/*
 * A total order: family, local address, local port, remote address, remote
 * port (addresses as big-endian numbers).  0 only for the same connection.
 */
int conn_diag_cmp(const struct conn_diag_conn *a,
		  const struct conn_diag_conn *b);

/*
 * Compares two lists sorted by conn_diag_cmp() without duplicates (as
 * conn_diag_list() gives them) in one merge pass: calls cb(ctx, c, true)
 * for each connection of new that old lacks and cb(ctx, c, false) for each
 * of old that new lacks, in conn_diag_cmp() order.  c points into old or
 * new.  A list may be NULL when its count is 0.
 */
void conn_diag_diff(const struct conn_diag_conn *old, size_t nold,
		    const struct conn_diag_conn *new, size_t nnew,
		    void (*cb)(void *ctx, const struct conn_diag_conn *c,
			       bool added),
		    void *ctx);

#endif /* IPTOD_CONN_DIAG_H */
