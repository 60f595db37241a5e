/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipto_nl: the netlink client shared by the ipto tools (libmnl based): the
 * socket, the "ipto" family lookup, requests, answers, interrupted dumps,
 * extended ACKs, and the notifications of the family's multicast groups.  A
 * handle from ipto_nl_open_route() speaks rtnetlink instead (see
 * ipto_rtnl.h).
 */
#ifndef IPTO_NL_H
#define IPTO_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

struct ipto_nl;

/*
 * The room ipto_nl_msg() gives a request, in bytes, header included: enough
 * for a nest of the largest size an attribute can have (64 KiB) and more.
 * A request that may come near it is built with mnl_attr_put_check() and
 * friends, with this as the buffer size.
 */
#define IPTO_NL_MSG_MAX		(80 * 1024)

/*
 * Opens a generic netlink socket with extended ACKs and resolves the "ipto"
 * family and its multicast groups.  On failure returns NULL, sets errno and
 * writes a one-line message into err (ENOENT: the family is missing, the
 * module is not loaded).
 */
struct ipto_nl *ipto_nl_open(char *err, size_t errlen);

/*
 * Opens a route netlink (rtnetlink) socket with extended ACKs, for requests
 * started with ipto_nl_msg_raw().  On failure as ipto_nl_open().
 */
struct ipto_nl *ipto_nl_open_route(char *err, size_t errlen);

void ipto_nl_close(struct ipto_nl *nl);

/*
 * Starts a request for cmd in the handle's own buffer and returns its header,
 * to which the caller adds attributes with mnl_attr_put*() (IPTO_NL_MSG_MAX
 * bytes in all).  flags adds to NLM_F_REQUEST, e.g. NLM_F_DUMP.  Valid until
 * the next ipto_nl_msg().
 */
struct nlmsghdr *ipto_nl_msg(struct ipto_nl *nl, uint8_t cmd, uint16_t flags);

/*
 * Like ipto_nl_msg() for a message of any type without a generic netlink
 * header, e.g. RTM_NEWADDR on a route socket.
 */
struct nlmsghdr *ipto_nl_msg_raw(struct ipto_nl *nl, uint16_t type,
				 uint16_t flags);

/*
 * Sends a request built by ipto_nl_msg() or ipto_nl_msg_raw() and runs cb
 * over each answer message (a dump's parts, or a plain request's reply),
 * reading the whole answer up to its final ACK or NLMSG_DONE.  For the
 * "ipto" family the callback's attributes start after the struct
 * genlmsghdr.  cb returns MNL_CB_OK to go on; MNL_CB_ERROR, with
 * errno set, fails the request (the rest of the answer is read and dropped).
 * cb may be NULL for a request that expects just the ACK.
 *
 * Returns 0 or a negative errno: the kernel's error, or a local one; -EINTR
 * when the kernel marked a part of a dump NLM_F_DUMP_INTR (the table changed
 * while it was read: what cb saw may be inconsistent).  After a kernel error,
 * ipto_nl_extack() and ipto_nl_extack_offset() tell more.
 */
int ipto_nl_request(struct ipto_nl *nl, struct nlmsghdr *nlh,
		    mnl_cb_t cb, void *data);

/*
 * A callback for ipto_nl_request() whose data is a struct ipto_nl_u32: the
 * reply's u32 attribute of that type into value (left as it is when the
 * reply has none).
 */
struct ipto_nl_u32 {
	uint16_t type;
	uint32_t value;
};

int ipto_nl_u32_cb(const struct nlmsghdr *nlh, void *data);

/*
 * Runs a dump (a request from ipto_nl_msg() with NLM_F_DUMP) as
 * ipto_nl_request() does.  When it is interrupted, calls restart(data) to
 * drop what cb gathered and runs it once more from scratch; a second
 * interruption fails with -EINTR.
 */
int ipto_nl_dump(struct ipto_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		 void (*restart)(void *data), void *data);

/* The extended ACK message of the last request, or NULL if it had none. */
const char *ipto_nl_extack(const struct ipto_nl *nl);

/*
 * Whether the last request's extended ACK named an offending attribute; if
 * so, stores its byte offset in the request message at *offset.
 */
bool ipto_nl_extack_offset(const struct ipto_nl *nl, uint32_t *offset);

/*
 * The id of the family's multicast group name, as the family lookup
 * reported it, in *id.  Returns 0, or -ENOENT if the family has no such
 * group.
 */
int ipto_nl_mcast_group(const struct ipto_nl *nl, const char *name,
			uint32_t *id);

/*
 * Joins the family's multicast group name (NETLINK_ADD_MEMBERSHIP): from now
 * on the socket receives its notifications, to be read with
 * ipto_nl_recv_notifications().  Requests on the handle still work; they
 * pass notifications by.  Returns 0, -ENOENT if the family has no such
 * group, or the negative errno of the join (-EPERM: the group needs a
 * privilege).
 */
int ipto_nl_subscribe(struct ipto_nl *nl, const char *name);

/* The socket's file descriptor, for poll(2); read it with the functions here. */
int ipto_nl_fd(const struct ipto_nl *nl);

/*
 * Reads one datagram (waiting for it unless the socket is non-blocking) and
 * runs cb over each notification of the family in it: a message of the
 * family with sequence number 0, at least as long as the generic netlink
 * header; attributes start after the struct genlmsghdr.  Anything else is
 * skipped.  cb returns MNL_CB_OK to go on, MNL_CB_ERROR with errno set to
 * fail.  Returns 0 or a negative errno: -ENOBUFS when notifications were
 * lost because the socket's receive buffer overran (the handle stays
 * usable), -EINTR when a signal came first, cb's errno.
 */
int ipto_nl_recv_notifications(struct ipto_nl *nl, mnl_cb_t cb, void *data);

#endif /* IPTO_NL_H */
