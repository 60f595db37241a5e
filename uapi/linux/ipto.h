/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * ipto - transparent IP takeover for Linux clusters: the generic netlink
 * protocol between the kernel module and its userland (iptod, iptoctl).
 *
 * Documentation
 * =============
 *
 * The family is named IPTO_GENL_NAME ("ipto"), version IPTO_GENL_VERSION.
 * It is network-namespace aware: every request acts on the namespace of the
 * socket that sent it, and names ipto devices of that namespace only.
 *
 * Every command that targets one device names it by exactly one of
 * IPTO_DEV_A_IFINDEX (u32) or IPTO_DEV_A_IFNAME (NUL-terminated string,
 * shorter than IFNAMSIZ).  Naming both, neither, or a device that is not an
 * ipto device is an error.  Unknown attributes are rejected (strict
 * validation); every rejection carries an extended ACK message that names
 * the offending attribute.  Commands that change state require
 * CAP_NET_ADMIN in the user namespace that owns the network namespace;
 * reading needs no privilege.
 *
 * IPTO_CMD_DEV_GET
 * ----------------
 *   Reports a device and its settings.  As a plain request it takes one
 *   device (ifindex or ifname) and answers with one IPTO_CMD_DEV_GET
 *   message.  With NLM_F_DUMP it takes no attributes and answers with one
 *   message per ipto device in the namespace, ordered by ifindex.
 *
 *   Each answer carries:
 *     IPTO_DEV_A_IFINDEX               u32  the ipto device
 *     IPTO_DEV_A_IFNAME                string
 *     IPTO_DEV_A_LINK_IFINDEX          u32  its lower (LAN) device
 *     IPTO_DEV_A_ANNOUNCE_COUNT        u32  gratuitous ARP / unsolicited NA
 *                                           packets sent on adoption
 *     IPTO_DEV_A_ANNOUNCE_INTERVAL_MS  u32  spacing of those packets
 *     IPTO_DEV_A_REPLY_RATE            u32  error replies per second
 *                                           (token bucket rate)
 *     IPTO_DEV_A_REPLY_BURST           u32  token bucket depth
 *     IPTO_DEV_A_LEASE_MS              u32  daemon lease, 0 = no lease
 *     IPTO_DEV_A_ECHO_REPLY            u8   1: answer ICMP echo requests to
 *                                           adopted addresses, 0: treat them
 *                                           by the default action
 *     IPTO_DEV_A_DEFAULT_ACTION        u8   enum ipto_action for traffic that
 *                                           matches no service
 *
 *   The same settings are visible and writable, one file each, under
 *   /sys/class/net/<dev>/ipto/; a new device takes its initial settings
 *   from the module parameters of the same names.  The valid range of each
 *   is given by the IPTO_*_MIN / IPTO_*_MAX constants below.
 */
#ifndef _UAPI_LINUX_IPTO_H
#define _UAPI_LINUX_IPTO_H

#define IPTO_GENL_NAME		"ipto"
#define IPTO_GENL_VERSION	1

/* Link kind for "ip link add NAME link LOWER type ipto". */
#define IPTO_LINK_KIND		"ipto"

enum ipto_cmd {
	IPTO_CMD_UNSPEC,
	IPTO_CMD_DEV_GET,

	__IPTO_CMD_MAX
};

#define IPTO_CMD_MAX (__IPTO_CMD_MAX - 1)

/**
 * enum ipto_action - what an adopted address does with a packet
 * @IPTO_ACTION_REJECT: answer with the protocol's error: TCP RST, ICMP or
 *	ICMPv6 port/protocol unreachable; the packet goes no further
 * @IPTO_ACTION_DROP: drop silently (counted)
 * @IPTO_ACTION_SERVE: deliver to local sockets: this node runs the service
 */
enum ipto_action {
	IPTO_ACTION_REJECT,
	IPTO_ACTION_DROP,
	IPTO_ACTION_SERVE,

	__IPTO_ACTION_MAX
};

#define IPTO_ACTION_MAX (__IPTO_ACTION_MAX - 1)

enum ipto_dev_attr {
	IPTO_DEV_A_UNSPEC,
	IPTO_DEV_A_IFINDEX,
	IPTO_DEV_A_IFNAME,
	IPTO_DEV_A_LINK_IFINDEX,
	IPTO_DEV_A_ANNOUNCE_COUNT,
	IPTO_DEV_A_ANNOUNCE_INTERVAL_MS,
	IPTO_DEV_A_REPLY_RATE,
	IPTO_DEV_A_REPLY_BURST,
	IPTO_DEV_A_LEASE_MS,
	IPTO_DEV_A_ECHO_REPLY,
	IPTO_DEV_A_DEFAULT_ACTION,

	__IPTO_DEV_A_MAX
};

#define IPTO_DEV_A_MAX (__IPTO_DEV_A_MAX - 1)

/* Ranges of the device settings (inclusive). */
#define IPTO_ANNOUNCE_COUNT_MIN		0
#define IPTO_ANNOUNCE_COUNT_MAX		100
#define IPTO_ANNOUNCE_INTERVAL_MS_MIN	10
#define IPTO_ANNOUNCE_INTERVAL_MS_MAX	10000
#define IPTO_REPLY_RATE_MIN		1
#define IPTO_REPLY_RATE_MAX		1000000
#define IPTO_REPLY_BURST_MIN		1
#define IPTO_REPLY_BURST_MAX		1000000
/* A lease is 0 (none) or within these bounds. */
#define IPTO_LEASE_MS_MIN		50
#define IPTO_LEASE_MS_MAX		600000

#endif /* _UAPI_LINUX_IPTO_H */
